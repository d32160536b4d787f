#include "actors/market/market_core.hpp"

#include <algorithm>
#include <iterator>

namespace ex {
namespace {

constexpr AssetId kBase = 0, kQuote = 1;  // the shadow ledger's assets

OrderStatus status_of(book::DoneReason r) {
  switch (r) {
    case book::DoneReason::filled:
      return OrderStatus::filled;
    case book::DoneReason::expired:
      return OrderStatus::expired;
    case book::DoneReason::rejected:
      return OrderStatus::rejected;
    default:
      return OrderStatus::canceled;
  }
}

Decimal units(int64_t u) {
  return Decimal::from_units(u);
}

}  // namespace

MarketCore::MarketCore(MarketSpec spec, MarketStart start)
    : spec_(std::move(spec)),
      start_(start),
      book_(book::BookConfig{start.stp, start.band_bps, 4096}),
      shadow_(2),
      next_order_seq_(start.next_order_seq) {
  book_.set_counters(start.next_trade_id, 0);
}

Result<std::unique_ptr<MarketCore>> MarketCore::restore(MarketSpec spec, MarketStart start,
                                                        const MarketState& s) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::internal,
                      "snapshot of " + s.market + " at " + std::to_string(s.seq) + ": " + why);
  };
  if (s.version != kMarketStateVersion)
    return bad("state version " + std::to_string(s.version) + " is not supported");
  if (s.market != spec.symbol) return bad("it belongs to market " + s.market);
  auto m = std::make_unique<MarketCore>(std::move(spec), start);
  m->next_order_seq_ = s.next_order_seq;
  m->depth_update_id_ = s.depth_update_id;
  m->book_.set_counters(s.next_trade_id, s.last_price_ticks, s.seq);
  m->forgotten_through_ = s.seq;  // orders closed before the snapshot are not in it
  for (const TraderState& t : s.traders) {
    book::UserId u = m->intern(t.user_id);
    m->shadow_.ensure_account(u);
    if (t.base_total > 0 && !m->shadow_.deposit(u, kBase, units(t.base_total)))
      return bad("trader base total");
    if (t.quote_total > 0 && !m->shadow_.deposit(u, kQuote, units(t.quote_total)))
      return bad("trader quote total");
    m->traders_[u].funded[kBase] = t.base_funded;
    m->traders_[u].funded[kQuote] = t.quote_funded;
  }
  for (const RestingState& r : s.orders) {
    if (r.user >= m->traders_.size())
      return bad("order " + std::to_string(r.info.order_id) + " has no trader");
    book::RestingOrder o{r.info.order_id, r.user,           r.info.side,
                         r.price_ticks,   r.remaining_lots, r.original_lots};
    if (!m->book_.restore(o))
      return bad("order " + std::to_string(o.id) + " does not fit the book");
    HoldRequest hold{o.id,
                     o.side == book::Side::buy ? HoldSide::buy : HoldSide::sell,
                     kBase,
                     kQuote,
                     units(r.hold_remaining),
                     units(r.hold_limit)};
    if (!m->shadow_.place(r.user, hold)) return bad("hold of order " + std::to_string(o.id));
    m->open_.emplace(o.id, r.info);
    m->clock_ms_ = std::max(m->clock_ms_, r.info.update_ms);
  }
  if (!m->shadow_.check_invariants()) return bad("its ledger breaks an invariant");
  return m;
}

Result<bool> MarketCore::apply(MarketCommand& c, Output& out, Mode mode) {
  mode_ = mode;
  if (mode == Mode::live) c.time_ms = std::max(c.time_ms, clock_ms_);  // journaled so
  clock_ms_ = std::max(clock_ms_, c.time_ms);
  switch (c.kind) {
    case MarketCommand::place:
      return place(c, out);
    case MarketCommand::cancel:
      return cancel(c, out);
    case MarketCommand::cancel_all:
      return cancel_all(c, out);
  }
  return make_error(ErrorCode::internal, "unknown market command");
}

Result<bool> MarketCore::place(MarketCommand& c, Output& out) {
  auto valid = validate_order(spec_, c.order.request);
  if (!valid) return valid.error();
  uint64_t id = make_order_id(next_order_seq_, spec_.id);
  if (mode_ != Mode::live && c.order_id != id)
    return make_error(ErrorCode::internal, "replay diverged: order id " +
                                               std::to_string(c.order_id) + " was recorded, " +
                                               std::to_string(id) + " assigned");
  ++next_order_seq_;
  c.order_id = id;
  book::UserId user = intern(c.order.user_id);
  out.taker = user;

  HoldRequest hold = hold_for(spec_, MarketAssets{kBase, kQuote}, *valid, id, c.held);
  hold.amount = c.held;
  AssetId held_asset = hold.side == HoldSide::buy ? kQuote : kBase;
  if (!shadow_.deposit(user, held_asset, c.held) || !shadow_.place(user, hold)) ++ledger_errors_;
  traders_[user].funded[held_asset] =
      wrapping_add(traders_[user].funded[held_asset], c.held.units());

  book::AddResult r = book_.add(book_order(spec_, *valid, id, user, c.held));

  OrderInfo info;
  info.order_id = id;
  info.client_order_id = c.order.client_order_id;
  info.market = spec_.symbol;
  info.user_id = c.order.user_id;
  info.side = c.order.request.side;
  info.kind = c.order.kind;
  info.tif = c.order.request.tif;
  info.post_only = c.order.request.post_only;
  info.product = c.order.product;
  info.price = c.order.request.is_market ? Decimal{} : c.order.request.price;
  info.quantity = c.order.request.quantity;
  info.quote_quantity = c.order.request.quote_quantity;
  info.executed = spec_.qty_of(r.executed);
  info.executed_quote = spec_.amount_of(r.spent);
  info.status = r.status;
  info.time_ms = info.update_ms = c.time_ms;

  process(out, c.time_ms, id, true);
  if (mode_ != Mode::silent) {
    out.reply.order = info;
    out.taker_update.orders.push_back(info);
    out.update.orders.push_back(info);
  }
  if (r.resting > 0)
    open_.emplace(id, std::move(info));
  else
    remember_closed(std::move(info));
  return true;
}

Result<bool> MarketCore::cancel(MarketCommand& c, Output& out) {
  auto it = open_.find(c.order_id);
  if (it == open_.end() || (!c.user_id.empty() && it->second.user_id != c.user_id))
    return make_error(ErrorCode::unknown_order, "unknown order (or not open)");
  std::string client_order_id = it->second.client_order_id;
  book_.cancel(c.order_id);
  process(out, c.time_ms, 0, false);
  if (out.cancels.empty())
    out.cancels.push_back(CancelReply{c.order_id, {}, {}, std::move(client_order_id)});
  return true;
}

Result<bool> MarketCore::cancel_all(MarketCommand& c, Output& out) {
  auto t = trader_index_.find(c.user_id);
  if (t == trader_index_.end()) return make_error(ErrorCode::not_found, "no orders in this market");
  book_.cancel_user(t->second);
  process(out, c.time_ms, 0, false);
  return true;
}

void MarketCore::skip_past(uint64_t seq, uint64_t next_trade_id, uint64_t next_order_seq) {
  book_.set_counters(std::max(book_.next_trade_id(), next_trade_id), book_.last_price(),
                     std::max(book_.sequence(), seq));
  next_order_seq_ = std::max(next_order_seq_, next_order_seq);
}

void MarketCore::load_history(const MarketHistory& history) {
  candles_ = CandleBook{};
  ticker_ = RollingTicker{};
  recent_trades_.clear();
  for (Interval i : kAllIntervals)
    candles_.restore(i, history.candles[static_cast<size_t>(i)]);
  const int64_t window_start =
      bucket_start(Interval::m1, history.as_of_ms - RollingTicker::kWindowMs);
  bool in_window = false;
  for (const Candle& minute : history.candles[static_cast<size_t>(Interval::m1)])
    if (minute.start_ms >= window_start) {
      ticker_.on_minute(minute);
      in_window = true;
    }
  // No trade in the last day: the ticker still shows the last price.
  if (!in_window && !history.trades.empty()) {
    const TradeRecord& last = history.trades.back();
    ticker_.on_trade(last.time_ms, last.price, last.qty);
  }
  for (const TradeRecord& t : history.trades)
    remember_trade(t);
  if (!history.trades.empty()) clock_ms_ = std::max(clock_ms_, history.trades.back().time_ms);
  if (book_.last_price() == 0 && !history.trades.empty())
    book_.set_counters(book_.next_trade_id(),
                       history.trades.back().price.units() / spec_.tick_size.units(),
                       book_.sequence());
}

MarketState MarketCore::state() const {
  MarketState s;
  s.market = spec_.symbol;
  s.seq = book_.sequence();
  s.next_order_seq = next_order_seq_;
  s.next_trade_id = book_.next_trade_id();
  s.last_price_ticks = book_.last_price();
  s.depth_update_id = depth_update_id_;
  s.traders.reserve(traders_.size());
  for (size_t u = 0; u < traders_.size(); ++u) {
    TraderState t;
    t.user_id = traders_[u].user_id;
    if (shadow_.has_account(static_cast<AccountId>(u))) {
      Balance b = *shadow_.balance(static_cast<AccountId>(u), kBase);
      Balance q = *shadow_.balance(static_cast<AccountId>(u), kQuote);
      // Holds are placed again on restore, so the totals go in as available.
      t.base_total = b.available.units() + b.locked.units();
      t.quote_total = q.available.units() + q.locked.units();
    }
    t.base_funded = traders_[u].funded[kBase];
    t.quote_funded = traders_[u].funded[kQuote];
    s.traders.push_back(std::move(t));
  }
  s.orders.reserve(book_.order_count());
  book_.for_each_order([&](const book::RestingOrder& o) {
    RestingState r;
    r.info = open_.at(o.id);
    r.user = o.user;
    r.price_ticks = o.price;
    r.remaining_lots = o.remaining;
    r.original_lots = o.original;
    if (auto h = shadow_.hold(o.id)) {
      r.hold_remaining = h->amount.units();
      r.hold_limit = h->limit_price.units();
    }
    s.orders.push_back(std::move(r));
  });
  return s;
}

std::vector<AccountView> MarketCore::account_views() const {
  std::vector<AccountView> views(traders_.size());
  for (size_t u = 0; u < traders_.size(); ++u) {
    AccountView& v = views[u];
    v.user_id = traders_[u].user_id;
    if (!shadow_.has_account(static_cast<AccountId>(u))) continue;
    Balance b = *shadow_.balance(static_cast<AccountId>(u), kBase);
    Balance q = *shadow_.balance(static_cast<AccountId>(u), kQuote);
    // Modulo 2^64 (see wrapping_add): only the sum over markets must be in range.
    v.base_flow =
        units(wrapping_sub(b.available.units() + b.locked.units(), traders_[u].funded[kBase]));
    v.quote_flow =
        units(wrapping_sub(q.available.units() + q.locked.units(), traders_[u].funded[kQuote]));
  }
  book_.for_each_order([&](const book::RestingOrder& o) {
    if (auto h = shadow_.hold(o.id)) views[o.user].holds.push_back(*h);
    views[o.user].open.push_back(open_.at(o.id));
  });
  return views;
}

const OrderInfo* MarketCore::find(uint64_t id) const {
  if (auto it = open_.find(id); it != open_.end()) return &it->second;
  if (auto it = closed_.find(id); it != closed_.end()) return &it->second;
  return nullptr;
}

DepthSnapshot MarketCore::depth(size_t limit) const {
  DepthSnapshot d;
  for (auto& l : book_.depth(book::Side::buy, limit))
    d.bids.push_back({spec_.price_of(l.price), spec_.qty_of(l.total)});
  for (auto& l : book_.depth(book::Side::sell, limit))
    d.asks.push_back({spec_.price_of(l.price), spec_.qty_of(l.total)});
  d.last_update_id = depth_update_id_;
  return d;
}

std::vector<TradeRecord> MarketCore::trades(size_t limit, uint64_t before) const {
  std::vector<TradeRecord> out;
  // Ids rise along the deque: skip to the first one below `before` by binary search.
  auto from = std::lower_bound(recent_trades_.begin(), recent_trades_.end(), before,
                               [](const TradeRecord& t, uint64_t id) { return t.trade_id < id; });
  for (auto it = std::make_reverse_iterator(from);
       it != recent_trades_.rend() && out.size() < limit; ++it)
    out.push_back(*it);
  return out;
}

uint64_t MarketCore::first_trade_kept() const {
  return recent_trades_.empty() ? book_.next_trade_id() : recent_trades_.front().trade_id;
}

std::vector<Candle> MarketCore::klines(Interval interval, int64_t from, int64_t to) const {
  return candles_.range(interval, from, to);
}

book::UserId MarketCore::intern(const std::string& user_id) {
  auto [it, inserted] = trader_index_.emplace(user_id, static_cast<book::UserId>(traders_.size()));
  if (inserted) {
    traders_.push_back(Trader{user_id, {0, 0}});
    shadow_.ensure_account(it->second);
  }
  return it->second;
}

AccountUpdate& MarketCore::account_update(Output& out, book::UserId user, bool is_place) {
  if (is_place && user == out.taker) return out.taker_update;
  for (auto& [u, up] : out.accounts)
    if (u == user) return up;
  out.accounts.emplace_back(user, AccountUpdate{});
  out.accounts.back().second.seq = out.update.seq;
  return out.accounts.back().second;
}

// What a settlement leaves available in the shadow (proceeds, refunds, a released hold)
// went back to the trader's account, whose own ledger credited it: it leaves the shadow
// and what the trader funded alike, so the flow (total - funded) stays, and neither sum
// grows with the trader's turnover. Only open holds stay in the shadow.
void MarketCore::hand_back(book::UserId user) {
  for (AssetId asset : {kBase, kQuote}) {
    auto b = shadow_.balance(user, asset);
    if (!b || !b->available.is_positive()) continue;
    if (shadow_.withdraw(user, asset, b->available))
      traders_[user].funded[asset] =
          wrapping_sub(traders_[user].funded[asset], b->available.units());
    else
      ++ledger_errors_;
  }
}

void MarketCore::process(Output& out, int64_t now, uint64_t taker_id, bool is_place) {
  out.update.market = spec_.symbol;
  out.update.seq = book_.sequence();
  out.taker_update.seq = out.update.seq;
  out.update.time_ms = now;
  const bool silent = mode_ == Mode::silent;
  settlements_.clear();
  settlements_of(spec_, book_.events(), settlements_);
  for (const Settlement& s : settlements_) {
    if (is_place && s.kind == Settlement::close && s.order_id == taker_id)
      if (auto left = shadow_.held(s.order_id)) out.taker_unspent = *left;
    if (!apply_settlement(shadow_, s.user, s)) ++ledger_errors_;
    hand_back(s.user);
    if (!silent) account_update(out, s.user, is_place).settlements.push_back(s);
  }
  bool traded = false, levels = false;
  for (const book::Event& e : book_.events()) {
    switch (e.type) {
      case book::EventType::trade:
        on_trade(out, e, now, taker_id, is_place);
        traded = true;
        break;
      case book::EventType::done:
        on_done(out, e, now, taker_id, is_place);
        break;
      case book::EventType::level: {
        levels = true;
        if (silent) break;
        PriceLevel l{spec_.price_of(e.price), spec_.qty_of(e.qty)};
        (e.side == book::Side::buy ? out.update.bids : out.update.asks).push_back(l);
        break;
      }
    }
  }
  if (levels) out.update.depth_update_id = ++depth_update_id_;
  if (traded && !silent) {
    for (Interval i : kAllIntervals)
      out.update.candles.push_back(*candles_.current(i));
    out.update.ticker.push_back(ticker_.stats(now));
  }
}

void MarketCore::on_trade(Output& out, const book::Event& e, int64_t now, uint64_t taker_id,
                          bool is_place) {
  Decimal price = spec_.price_of(e.price), qty = spec_.qty_of(e.qty);
  const bool taker_buys = e.side == book::Side::buy;
  OrderInfo* maker = nullptr;
  if (auto it = open_.find(e.maker); it != open_.end()) {
    maker = &it->second;
    maker->executed = units(maker->executed.units() + qty.units());
    maker->executed_quote =
        units(maker->executed_quote.units() + spec_.amount_of(e.price * e.qty).units());
    maker->status = OrderStatus::partially_filled;
    maker->update_ms = now;
  }
  if (mode_ == Mode::silent) return;  // the maker's public state is all the state there is

  TradeRecord t;
  t.market = spec_.symbol;
  t.trade_id = e.trade_id;
  t.price = price;
  t.qty = qty;
  t.buy_order_id = taker_buys ? e.order : e.maker;
  t.sell_order_id = taker_buys ? e.maker : e.order;
  t.buyer = traders_[taker_buys ? e.user : e.maker_user].user_id;
  t.seller = traders_[taker_buys ? e.maker_user : e.user].user_id;
  t.buyer_maker = !taker_buys;
  t.time_ms = now;
  candles_.on_trade(now, price, qty);
  ticker_.on_trade(now, price, qty);
  remember_trade(t);
  out.update.trades.push_back(std::move(t));
  // A maker the trade filled reports its final state with its done event, right after.
  if (maker && book_.find(e.maker)) touch(out, e.maker_user, *maker, is_place);
  if (is_place && e.order == taker_id)
    out.reply.fills.push_back(
        Fill{e.trade_id, price, qty, traders_[e.maker_user].user_id, e.maker, !taker_buys});
}

void MarketCore::on_done(Output& out, const book::Event& e, int64_t now, uint64_t taker_id,
                         bool is_place) {
  if (is_place && e.order == taker_id) return;  // the taker's state is set by place()
  auto it = open_.find(e.order);
  if (it == open_.end()) return;
  OrderInfo info = std::move(it->second);
  open_.erase(it);
  info.status = status_of(e.reason);
  info.update_ms = now;
  if (e.reason == book::DoneReason::canceled)
    out.cancels.push_back(
        CancelReply{info.order_id, info.executed, spec_.qty_of(e.qty), info.client_order_id});
  if (mode_ == Mode::silent) return;
  touch(out, e.user, info, is_place);
  remember_closed(std::move(info));
}

// Records an order's new state for its account and for storage (latest state wins).
void MarketCore::touch(Output& out, book::UserId user, const OrderInfo& info, bool is_place) {
  auto upsert = [&](std::vector<OrderInfo>& v) {
    for (auto& o : v)
      if (o.order_id == info.order_id) {
        o = info;
        return;
      }
    v.push_back(info);
  };
  upsert(account_update(out, user, is_place).orders);
  upsert(out.update.orders);
}

void MarketCore::remember_closed(OrderInfo info) {
  if (mode_ == Mode::silent) {
    forgotten_through_ = sequence();
    return;
  }
  uint64_t id = info.order_id;
  closed_[id] = std::move(info);
  closed_order_.emplace_back(id, sequence());
  if (closed_order_.size() > start_.recent_closed) {
    closed_.erase(closed_order_.front().first);
    forgotten_through_ = std::max(forgotten_through_, closed_order_.front().second);
    closed_order_.pop_front();
  }
}

void MarketCore::remember_trade(const TradeRecord& t) {
  recent_trades_.push_back(t);
  if (recent_trades_.size() > start_.recent_trades) recent_trades_.pop_front();
}

}  // namespace ex
