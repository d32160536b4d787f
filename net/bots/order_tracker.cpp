#include "net/bots/order_tracker.hpp"

#include <algorithm>
#include <unordered_set>

namespace ex::bots {

TrackedOrder& OrderTracker::add(const NewOrder& n, Clock::time_point now) {
  uint64_t key = ++next_key_;
  TrackedOrder o;
  o.key = key;
  o.market = n.market;
  o.client_id = session_ + (n.taker ? "t" : "-") + std::to_string(key);
  o.user = n.user;
  o.side = n.side;
  o.price = n.price;
  o.qty = n.qty;
  o.taker = n.taker;
  o.placed_at = now;
  o.max_age_ms = n.taker ? 0 : n.max_age_ms;
  ledger_.track(key, FillLedger::OrderSpec{n.user, n.base, n.quote, n.side, n.price, !n.taker});
  return orders_.emplace(key, std::move(o)).first->second;
}

TrackedOrder* OrderTracker::find(uint64_t key) {
  auto it = orders_.find(key);
  return it == orders_.end() ? nullptr : &it->second;
}

const TrackedOrder* OrderTracker::find(uint64_t key) const {
  auto it = orders_.find(key);
  return it == orders_.end() ? nullptr : &it->second;
}

void OrderTracker::remember(uint64_t key, const std::string& order_id) {
  key_by_id_[order_id] = key;
  auto held = held_.find(order_id);
  if (held == held_.end()) return;
  std::vector<Held> fills = std::move(held->second);
  held_.erase(held);
  for (const Held& h : fills)
    ledger_.add_fill(key, h.fill.trade_id, h.fill.price, h.fill.qty);
}

bool OrderTracker::on_placed(uint64_t key, const client::PlaceResult& r, Clock::time_point now) {
  TrackedOrder* o = find(key);
  if (!o) return false;
  o->order_id = r.order_id;
  o->acked_at = now;
  o->state = TrackedOrder::State::open;
  for (const client::TradeFill& f : r.fills)
    ledger_.add_fill(key, f.trade_id, f.price, f.qty);
  ledger_.set_executed(key, r.executed);
  remember(key, r.order_id);
  if (!r.open() || o->taker || complete(*o)) {
    close(key);
    return true;
  }
  return false;
}

OrderTracker::FillOutcome OrderTracker::on_fill(const client::FillEvent& f,
                                                const std::vector<std::string>& users,
                                                Clock::time_point now) {
  FillOutcome out;
  if (std::find(users.begin(), users.end(), f.user_id) == users.end()) return out;
  auto id = key_by_id_.find(f.order_id);
  if (id == key_by_id_.end()) {
    held_[f.order_id].push_back(Held{now, f});
    out.kind = FillOutcome::held;
    return out;
  }
  out.key = id->second;
  if (!ledger_.add_fill(out.key, f.trade_id, f.price, f.qty)) return out;  // a duplicate
  out.kind = FillOutcome::applied;
  TrackedOrder* o = find(out.key);
  if (!o) return out;  // closed already: the ledger counted it, nothing else to do
  out.market = o->market;
  out.taker = o->taker;
  if (!o->taker && o->state == TrackedOrder::State::open && complete(*o)) {
    close(out.key);
    out.kind = FillOutcome::completed;
  }
  return out;
}

void OrderTracker::prune_held(Clock::time_point older_than) {
  for (auto it = held_.begin(); it != held_.end();) {
    auto& v = it->second;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const Held& h) { return h.at < older_than; }),
            v.end());
    it = v.empty() ? held_.erase(it) : std::next(it);
  }
}

void OrderTracker::set_executed(uint64_t key, Decimal executed) {
  ledger_.set_executed(key, executed);
}

void OrderTracker::close(uint64_t key) {
  auto it = orders_.find(key);
  if (it == orders_.end()) return;
  ledger_.close(key);
  if (!it->second.order_id.empty()) {
    // Its id stays known for a while, so that late fills are recognised (and deduplicated
    // by the ledger) instead of being held as a stranger's.
    closed_ids_.push_back(it->second.order_id);
    while (closed_ids_.size() > kIdsKept) {
      auto old = key_by_id_.find(closed_ids_.front());
      if (old != key_by_id_.end() && !orders_.count(old->second)) key_by_id_.erase(old);
      closed_ids_.pop_front();
    }
  }
  orders_.erase(it);
}

void OrderTracker::quotes(size_t market, Clock::time_point now, std::vector<LiveQuote>* live,
                          int busy[2]) const {
  busy[0] = busy[1] = 0;
  for (const auto& [key, o] : orders_) {
    if (o.market != market || o.taker) continue;
    if (o.state == TrackedOrder::State::open) {
      Decimal left = Decimal::from_units(o.qty.units() - ledger_.executed(key).units());
      int64_t age =
          std::chrono::duration_cast<std::chrono::milliseconds>(now - o.placed_at).count();
      live->push_back(LiveQuote{key, o.side, o.price, left, age, o.max_age_ms});
    } else {
      ++busy[o.side == Side::buy ? 0 : 1];
    }
  }
}

std::vector<uint64_t> OrderTracker::keys(size_t market) const {
  std::vector<uint64_t> out;
  for (const auto& [key, o] : orders_)
    if (o.market == market) out.push_back(key);
  return out;
}

bool OrderTracker::any_placing() const {
  return std::any_of(orders_.begin(), orders_.end(), [](const auto& kv) {
    return kv.second.state == TrackedOrder::State::placing;
  });
}

OrderTracker::Reconciliation OrderTracker::reconcile(size_t market,
                                                     const std::vector<client::OrderState>& open,
                                                     Clock::time_point asked,
                                                     const std::string& bot_prefix) {
  Reconciliation r;
  std::unordered_map<std::string, const client::OrderState*> by_id, by_client_id;
  for (const client::OrderState& o : open) {
    by_id[o.order_id] = &o;
    if (!o.client_order_id.empty()) by_client_id[o.client_order_id] = &o;
  }
  std::unordered_set<std::string> tracked_ids, tracked_client_ids;
  for (auto& [key, o] : orders_) {
    if (o.market != market) continue;
    tracked_client_ids.insert(o.client_id);
    if (!o.order_id.empty()) tracked_ids.insert(o.order_id);
    using S = TrackedOrder::State;
    if (o.state == S::placing || o.state == S::cancelling ||
        (o.state == S::open && o.acked_at > asked))
      continue;  // a reply is on its way, or it is newer than the list
    const client::OrderState* found = nullptr;
    if (!o.order_id.empty()) {
      if (auto f = by_id.find(o.order_id); f != by_id.end()) found = f->second;
    } else if (auto f = by_client_id.find(o.client_id); f != by_client_id.end()) {
      found = f->second;
    }
    if (found) {
      if (o.order_id.empty()) {
        ++r.adopted;
        o.order_id = found->order_id;
        tracked_ids.insert(o.order_id);
        remember(key, o.order_id);
      }
      ledger_.set_executed(key, found->executed);
      o.state = S::open;
    } else if (!o.order_id.empty()) {
      r.lookup_by_id.push_back(key);
    } else {
      r.lookup_history[o.user].push_back(key);
    }
  }
  for (const client::OrderState& o : open)
    if (!tracked_ids.count(o.order_id) && !tracked_client_ids.count(o.client_order_id) &&
        !bot_prefix.empty() && o.client_order_id.rfind(bot_prefix, 0) == 0)
      r.strays.push_back(o.order_id);
  return r;
}

size_t OrderTracker::resolve_history(const std::vector<uint64_t>& keys,
                                     const std::vector<client::OrderState>& history) {
  size_t adopted = 0;
  for (uint64_t key : keys) {
    TrackedOrder* o = find(key);
    if (!o) continue;
    auto found = std::find_if(history.begin(), history.end(), [&](const client::OrderState& s) {
      return s.client_order_id == o->client_id;
    });
    if (found == history.end()) {  // it never reached the book
      close(key);
      continue;
    }
    o->order_id = found->order_id;
    remember(key, found->order_id);
    ledger_.set_executed(key, found->executed);
    if (found->open() && !o->taker) {
      ++adopted;
      o->state = TrackedOrder::State::open;
    } else {
      close(key);
    }
  }
  return adopted;
}

}  // namespace ex::bots
