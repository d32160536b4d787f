#include "actors/market/order_book.hpp"

#include <algorithm>

namespace ex::book {
namespace {

// True if a resting price `maker` is acceptable to a taker of `side` with `limit`.
inline bool within(Side taker, Ticks maker, Ticks limit) {
  return taker == Side::buy ? maker <= limit : maker >= limit;
}

}  // namespace

OrderBook::OrderBook(BookConfig config)
    : config_(config), bid_index_(64), ask_index_(64), index_(config.expected_orders * 2) {
  pool_.reserve(config.expected_orders);
  events_.reserve(64);
  changes_.reserve(16);
}

void OrderBook::set_counters(uint64_t next_trade_id, Ticks last_price, uint64_t sequence) {
  next_trade_id_ = next_trade_id;
  last_price_ = last_price;
  seq_ = sequence;
}

size_t OrderBook::ladder_position(Side side, Ticks price) const {
  const auto& v = ladder(side);
  // Most activity is near the top of the book, which sits at the back: look there first
  // (a short linear scan beats a binary search's unpredictable branches), then bisect.
  const size_t n = v.size();
  const size_t near = n < 8 ? n : 8;
  for (size_t k = 1; k <= near; ++k) {
    const Ticks p = v[n - k].price;
    if (p == price) return n - k;
    if (side == Side::buy ? p < price : p > price) return n - k + 1;
  }
  if (near == n) return 0;
  if (side == Side::buy)
    return static_cast<size_t>(
        std::lower_bound(v.begin(), v.end(), price,
                         [](const LevelRef& l, Ticks p) { return l.price < p; }) -
        v.begin());
  return static_cast<size_t>(
      std::lower_bound(v.begin(), v.end(), price,
                       [](const LevelRef& l, Ticks p) { return l.price > p; }) -
      v.begin());
}

uint32_t OrderBook::open_level(Side side, Ticks price) {
  uint32_t li = price_index(side).find(static_cast<uint64_t>(price));
  if (li != FlatIdMap::kMissing) return li;
  if (!free_levels_.empty()) {
    li = free_levels_.back();
    free_levels_.pop_back();
  } else {
    li = static_cast<uint32_t>(levels_.size());
    levels_.emplace_back();
  }
  levels_[li] = Level{price, 0, kNil, kNil};
  auto& v = ladder(side);
  v.insert(v.begin() + static_cast<std::ptrdiff_t>(ladder_position(side, price)),
           LevelRef{price, li});
  price_index(side).insert(static_cast<uint64_t>(price), li);
  return li;
}

void OrderBook::close_level(Side side, uint32_t li) {
  const Ticks price = levels_[li].price;
  auto& v = ladder(side);
  if (!v.empty() && v.back().level == li)
    v.pop_back();
  else
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(ladder_position(side, price)));
  price_index(side).erase(static_cast<uint64_t>(price));
  free_levels_.push_back(li);
}

bool OrderBook::best(Side side, Ticks* price) const {
  const auto& v = ladder(side);
  if (v.empty()) return false;
  *price = v.back().price;
  return true;
}

const RestingOrder* OrderBook::find(OrderId id) const {
  uint32_t idx = index_.find(id);
  return idx == FlatIdMap::kMissing ? nullptr : &pool_[idx].order;
}

std::vector<DepthLevel> OrderBook::depth(Side side, size_t limit) const {
  const auto& v = ladder(side);
  size_t n = limit == 0 ? v.size() : std::min(limit, v.size());
  std::vector<DepthLevel> out;
  out.reserve(n);
  for (size_t k = 0; k < n; ++k) {
    const LevelRef& r = v[v.size() - 1 - k];
    out.push_back({r.price, levels_[r.level].total});
  }
  return out;
}

Ticks OrderBook::band_limit(Side taker_side) const {
  Ticks ref = last_price_;
  if (ref == 0 && !best(opposite(taker_side), &ref)) return 0;
  Ticks delta = static_cast<Ticks>(static_cast<__int128>(ref) * config_.band_bps / 10000);
  return taker_side == Side::buy ? ref + delta : std::max<Ticks>(1, ref - delta);
}

void OrderBook::note_level(Side side, Ticks price, Lots total) {
  for (LevelChange& c : changes_) {
    if (c.price == price && c.side == side) {
      c.total = total;
      return;
    }
  }
  changes_.push_back({side, price, total});
}

// Events are zeroed in place and filled field by field: an Event built on the stack and then
// copied stalls the copy's wide loads on the narrow stores of its byte fields (store
// forwarding), which cost more than everything else in a small command.
Event& OrderBook::new_event(EventType type, Side side) {
  Event& e = events_.emplace_back();
  e.type = type;
  e.side = side;
  e.seq = seq_;
  return e;
}

void OrderBook::flush_level_changes() {
  for (const LevelChange& c : changes_) {
    Event& e = new_event(EventType::level, c.side);
    e.price = c.price;
    e.qty = c.total;
  }
  changes_.clear();
}

void OrderBook::emit_done(const RestingOrder& o, DoneReason reason) {
  Event& e = new_event(EventType::done, o.side);
  e.reason = reason;
  e.order = o.id;
  e.user = o.user;
  e.price = o.price;
  e.qty = o.remaining;
  e.filled = o.original - o.remaining;
}

void OrderBook::emit_taker_done(const NewOrder& o, DoneReason reason, Lots left, Lots filled) {
  Event& e = new_event(EventType::done, o.side);
  e.reason = reason;
  e.order = o.id;
  e.user = o.user;
  e.price = o.is_market ? 0 : o.price;
  e.qty = left;
  e.filled = filled;
}

void OrderBook::remove_slot(uint32_t idx, Level& level) {
  index_.erase(pool_[idx].order.id);
  unlink_slot(idx, level);
}

void OrderBook::unlink_slot(uint32_t idx, Level& level) {
  Slot& s = pool_[idx];
  if (s.prev == kNil)
    level.head = s.next;
  else
    pool_[s.prev].next = s.next;
  if (s.next == kNil)
    level.tail = s.prev;
  else
    pool_[s.next].prev = s.prev;
  s.order.remaining = 0;
  free_.push_back(idx);
}

Lots OrderBook::fillable(const NewOrder& o, Ticks limit) const {
  const auto& book = ladder(opposite(o.side));
  const bool capped = o.quote_budget != kNoBudget;
  int64_t budget = o.quote_budget;
  Lots sum = 0;
  for (auto it = book.rbegin(); it != book.rend() && within(o.side, it->price, limit); ++it) {
    for (uint32_t i = levels_[it->level].head; i != kNil; i = pool_[i].next) {
      const RestingOrder& m = pool_[i].order;
      if (m.user == o.user) {
        if (config_.stp == StpPolicy::cancel_resting) continue;
        return sum;
      }
      Lots fill = std::min(o.qty - sum, m.remaining);
      if (capped) {
        const Lots affordable = budget / it->price;
        if (affordable < fill) return sum + affordable;
        budget -= fill * it->price;
      }
      sum += fill;
      if (sum >= o.qty) return sum;
    }
  }
  return sum;
}

void OrderBook::match(const NewOrder& o, Ticks limit, Lots& left, int64_t& budget,
                      bool& taker_stopped, AddResult& result) {
  const Side opp = opposite(o.side);
  auto& book = ladder(opp);
  const bool capped = o.quote_budget != kNoBudget;
  bool done = false;
  while (!done && !book.empty()) {
    const uint32_t li = book.back().level;
    Level& lv = levels_[li];
    if (!within(o.side, lv.price, limit)) break;
    const Lots total_before = lv.total;
    while (lv.head != kNil) {
      uint32_t idx = lv.head;
      RestingOrder& m = pool_[idx].order;
      if (m.user == o.user) {
        if (config_.stp != StpPolicy::cancel_taker) {
          lv.total -= m.remaining;
          emit_done(m, DoneReason::self_trade);
          remove_slot(idx, lv);
        }
        if (config_.stp != StpPolicy::cancel_resting) {
          taker_stopped = true;
          done = true;
          break;
        }
        continue;
      }
      Lots fill = o.qty == 0 ? m.remaining : std::min(left, m.remaining);
      if (capped) fill = std::min(fill, budget / lv.price);
      if (fill == 0) {  // the budget cannot buy one more lot
        done = true;
        break;
      }
      Event& t = new_event(EventType::trade, o.side);
      t.order = o.id;
      t.maker = m.id;
      t.user = o.user;
      t.maker_user = m.user;
      t.price = lv.price;
      t.qty = fill;
      t.trade_id = next_trade_id_++;
      last_price_ = lv.price;
      const int64_t cost = fill * lv.price;
      result.executed += fill;
      result.spent += cost;
      if (capped) budget -= cost;
      left -= fill;
      m.remaining -= fill;
      lv.total -= fill;
      if (m.remaining == 0) {
        emit_done(m, DoneReason::filled);
        remove_slot(idx, lv);
      }
      if (o.qty > 0 && left == 0) {
        done = true;
        break;
      }
    }
    if (lv.total != total_before) note_level(opp, lv.price, lv.total);
    if (lv.head == kNil) close_level(opp, li);
  }
}

void OrderBook::rest(const NewOrder& o, Lots qty, Lots original) {
  const uint32_t li = open_level(o.side, o.price);
  Level& lv = levels_[li];
  uint32_t idx;
  if (!free_.empty()) {
    idx = free_.back();
    free_.pop_back();
  } else {
    idx = static_cast<uint32_t>(pool_.size());
    pool_.emplace_back();
  }
  Slot& s = pool_[idx];
  s.order = RestingOrder{o.id, o.user, o.side, o.price, qty, original};
  s.prev = lv.tail;
  s.next = kNil;
  s.level = li;
  if (lv.tail == kNil)
    lv.head = idx;
  else
    pool_[lv.tail].next = idx;
  lv.tail = idx;
  lv.total += qty;
  index_.insert(o.id, idx);
  note_level(o.side, o.price, lv.total);
}

bool OrderBook::restore(const RestingOrder& r) {
  if (r.id == 0 || r.price <= 0 || r.remaining <= 0 || r.original < r.remaining) return false;
  if (index_.find(r.id) != FlatIdMap::kMissing) return false;
  Ticks best_opp;
  if (best(opposite(r.side), &best_opp) && within(r.side, best_opp, r.price)) return false;
  NewOrder o;
  o.id = r.id;
  o.user = r.user;
  o.side = r.side;
  o.price = r.price;
  rest(o, r.remaining, r.original);
  changes_.clear();
  return true;
}

AddResult OrderBook::add(const NewOrder& o) {
  events_.clear();
  ++seq_;
  AddResult r{OrderStatus::new_, 0, 0, 0};
  if (index_.find(o.id) != FlatIdMap::kMissing) {
    emit_taker_done(o, DoneReason::rejected, o.qty, 0);
    r.status = OrderStatus::rejected;
    return r;
  }
  const Side opp = opposite(o.side);
  Ticks limit = o.is_market ? band_limit(o.side) : o.price;
  if (limit == 0) {  // a market order with no reference price: nothing to trade with
    emit_taker_done(o, DoneReason::expired, o.qty, 0);
    r.status = OrderStatus::expired;
    return r;
  }
  Ticks best_opp;
  if (o.post_only && best(opp, &best_opp) && within(o.side, best_opp, limit)) {
    emit_taker_done(o, DoneReason::rejected, o.qty, 0);
    r.status = OrderStatus::rejected;
    return r;
  }
  if (o.tif == TimeInForce::fok && o.qty > 0 && fillable(o, limit) < o.qty) {
    emit_taker_done(o, DoneReason::expired, o.qty, 0);
    r.status = OrderStatus::expired;
    return r;
  }
  Lots left = o.qty;
  int64_t budget = o.quote_budget;
  bool stopped = false;
  match(o, limit, left, budget, stopped, r);

  const bool by_budget = o.qty == 0;
  if (by_budget) left = 0;
  if (!by_budget && left == 0) {
    emit_taker_done(o, DoneReason::filled, 0, r.executed);
    r.status = OrderStatus::filled;
  } else if (stopped) {
    emit_taker_done(o, DoneReason::self_trade, by_budget ? 0 : left, r.executed);
    r.status = OrderStatus::canceled;
  } else if (!o.is_market && o.tif == TimeInForce::gtc) {
    rest(o, left, o.qty);
    r.resting = left;
    r.status = r.executed > 0 ? OrderStatus::partially_filled : OrderStatus::new_;
  } else if (by_budget) {
    // Filled when what is left of the budget cannot buy another lot: at the next eligible
    // level, or, when the book or the band ran out first, at the last price it paid (then
    // the order stopped for want of sellers, not of money, and expired).
    Ticks next;
    const bool has_next = best(opp, &next) && within(o.side, next, limit);
    const bool filled = r.executed > 0 && budget < (has_next ? next : last_price_);
    emit_taker_done(o, filled ? DoneReason::filled : DoneReason::expired, 0, r.executed);
    r.status = filled ? OrderStatus::filled : OrderStatus::expired;
  } else {
    emit_taker_done(o, DoneReason::expired, left, r.executed);
    r.status = OrderStatus::expired;
  }
  flush_level_changes();
  return r;
}

bool OrderBook::cancel(OrderId id) {
  events_.clear();
  ++seq_;
  if (!cancel_one(id)) return false;
  flush_level_changes();
  return true;
}

bool OrderBook::cancel_one(OrderId id) {
  uint32_t idx = index_.take(id);
  if (idx == FlatIdMap::kMissing) return false;
  const RestingOrder& o = pool_[idx].order;
  const Side side = o.side;
  const uint32_t li = pool_[idx].level;
  Level& lv = levels_[li];
  lv.total -= o.remaining;
  emit_done(o, DoneReason::canceled);
  unlink_slot(idx, lv);
  note_level(side, lv.price, lv.total);
  if (lv.head == kNil) close_level(side, li);
  return true;
}

size_t OrderBook::cancel_user(UserId user) {
  // In book order, not pool order: the pool's layout depends on history (a book rebuilt
  // from a snapshot lays out differently), and the events must not.
  std::vector<OrderId> ids;
  for_each_order([&](const RestingOrder& o) {
    if (o.user == user) ids.push_back(o.id);
  });
  events_.clear();
  ++seq_;
  for (OrderId id : ids)
    cancel_one(id);
  flush_level_changes();
  return ids.size();
}

bool OrderBook::check_invariants() const {
  size_t counted = 0;
  for (Side side : {Side::buy, Side::sell}) {
    const auto& v = ladder(side);
    if (price_index(side).size() != v.size()) return false;
    for (size_t k = 0; k < v.size(); ++k) {
      const Level& l = levels_[v[k].level];
      if (k > 0 && (side == Side::buy ? v[k - 1].price >= l.price : v[k - 1].price <= l.price))
        return false;
      if (l.price != v[k].price ||
          price_index(side).find(static_cast<uint64_t>(l.price)) != v[k].level)
        return false;
      if (l.head == kNil || l.total <= 0) return false;
      Lots sum = 0;
      uint32_t prev = kNil;
      for (uint32_t i = l.head; i != kNil; i = pool_[i].next) {
        const Slot& s = pool_[i];
        if (s.prev != prev || s.level != v[k].level || s.order.remaining <= 0 ||
            s.order.price != l.price || s.order.side != side || index_.find(s.order.id) != i)
          return false;
        sum += s.order.remaining;
        prev = i;
        ++counted;
      }
      if (prev != l.tail || sum != l.total) return false;
    }
  }
  if (!bids_.empty() && !asks_.empty() && bids_.back().price >= asks_.back().price) return false;
  return counted == index_.size();
}

}  // namespace ex::book
