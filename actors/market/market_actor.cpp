#include "actors/market/market_actor.hpp"

#include <chrono>
#include <deque>
#include <unordered_map>

#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "actors/market/candles.hpp"

namespace ex {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

OrderStatus status_of(book::DoneReason r) {
  switch (r) {
    case book::DoneReason::filled: return OrderStatus::filled;
    case book::DoneReason::expired: return OrderStatus::expired;
    case book::DoneReason::rejected: return OrderStatus::rejected;
    default: return OrderStatus::canceled;
  }
}

struct Trader {
  std::string user_id;
  caf::actor account;
};

// Everything one market owns. Only the market actor touches it.
class Market {
 public:
  Market(MarketSpec spec, MarketAssets assets, MarketLinks links, MarketStart start)
      : spec_(std::move(spec)),
        assets_(assets),
        links_(std::move(links)),
        start_(start),
        book_(book::BookConfig{start.stp, start.band_bps, 4096}),
        next_order_seq_(start.next_order_seq),
        orders_placed_(Metrics::global().counter("exchange_orders_total", "Orders accepted by markets",
                                                 "market=\"" + spec_.symbol + "\"")),
        trades_(Metrics::global().counter("exchange_trades_total", "Trades executed",
                                          "market=\"" + spec_.symbol + "\"")) {
    for (Interval i : kAllIntervals) candles_.restore(i, start.candles[static_cast<size_t>(i)]);
    book::Ticks last_price = 0;
    for (const TradeRecord& t : start.trades) {
      ticker_.on_trade(t.time_ms, t.price, t.qty);
      recent_trades_.push_back(t);
      if (recent_trades_.size() > start_.recent_trades) recent_trades_.pop_front();
      last_price = t.price.units() / spec_.tick_size.units();
    }
    start_.candles = {};
    start_.trades.clear();
    book_.set_counters(start.next_trade_id, last_price);
  }

  PlaceOutcome place(caf::event_based_actor* self, PlaceOrder& order, Decimal held,
                     uint64_t hold_key) {
    PlaceOutcome out;
    out.hold_key = hold_key;
    auto valid = validate_order(spec_, order.request);
    if (!valid) {
      out.error = static_cast<uint8_t>(valid.error().code) + 1;
      out.error_message = valid.error().message;
      return out;
    }
    auto account = caf::actor_cast<caf::actor>(self->current_sender());
    book::UserId user = intern(order.user_id, account);
    uint64_t id = make_order_id(next_order_seq_++, spec_.id);
    int64_t now = now_ms();
    book::AddResult r = book_.add(book_order(spec_, *valid, id, user, held));
    orders_placed_.inc();

    OrderInfo info;
    info.order_id = id;
    info.client_order_id = std::move(order.client_order_id);
    info.market = spec_.symbol;
    info.user_id = order.user_id;
    info.side = order.request.side;
    info.kind = order.kind;
    info.tif = order.request.tif;
    info.post_only = order.request.post_only;
    info.product = order.product;
    info.price = order.request.is_market ? Decimal{} : order.request.price;
    info.quantity = order.request.quantity;
    info.quote_quantity = order.request.quote_quantity;
    info.executed = spec_.qty_of(r.executed);
    info.executed_quote = spec_.amount_of(r.spent);
    info.status = r.status;
    info.time_ms = info.update_ms = now;

    out.reply.order = info;
    Command cmd{self, now, id, user, &out};
    process(cmd);
    out.taker.orders.push_back(info);
    cmd.update.orders.push_back(info);
    if (r.resting > 0) open_.emplace(id, std::move(info));
    else remember_closed(std::move(info));
    publish(self, cmd);
    return out;
  }

  caf::result<CancelReply> cancel(caf::event_based_actor* self, uint64_t id,
                                  const std::string& user_id) {
    auto it = open_.find(id);
    if (it == open_.end() || (!user_id.empty() && it->second.user_id != user_id))
      return to_caf_error(ErrorCode::unknown_order, "unknown order (or not open)");
    book_.cancel(id);
    Command cmd{self, now_ms(), 0, 0, nullptr};
    process(cmd);
    publish(self, cmd);
    return cmd.cancels.empty() ? CancelReply{id, {}, {}} : cmd.cancels.front();
  }

  std::vector<CancelReply> cancel_all(caf::event_based_actor* self, const std::string& user_id) {
    auto t = trader_index_.find(user_id);
    if (t == trader_index_.end()) return {};
    book_.cancel_user(t->second);
    Command cmd{self, now_ms(), 0, 0, nullptr};
    process(cmd);
    publish(self, cmd);
    return std::move(cmd.cancels);
  }

  const OrderInfo* find(uint64_t id) const {
    if (auto it = open_.find(id); it != open_.end()) return &it->second;
    if (auto it = closed_.find(id); it != closed_.end()) return &it->second;
    return nullptr;
  }

  DepthSnapshot depth(size_t limit) const {
    DepthSnapshot d;
    for (auto& l : book_.depth(book::Side::buy, limit))
      d.bids.push_back({spec_.price_of(l.price), spec_.qty_of(l.total)});
    for (auto& l : book_.depth(book::Side::sell, limit))
      d.asks.push_back({spec_.price_of(l.price), spec_.qty_of(l.total)});
    d.last_update_id = depth_update_id_;
    return d;
  }

  std::vector<TradeRecord> trades(size_t limit) const {
    std::vector<TradeRecord> out;
    for (auto it = recent_trades_.rbegin(); it != recent_trades_.rend() && out.size() < limit; ++it)
      out.push_back(*it);
    return out;
  }

  KlineSlice klines(Interval interval, int64_t from, int64_t to) const {
    return KlineSlice{candles_.range(interval, from, to), candles_.oldest_kept(interval)};
  }

  TickerStats ticker() { return ticker_.stats(now_ms()); }

  const MarketLinks& links() const { return links_; }

 private:
  // One command's outputs, gathered while its book events are read.
  struct Command {
    Command(caf::event_based_actor* s, int64_t t, uint64_t id, book::UserId u, PlaceOutcome* o)
        : self(s), now(t), taker_id(id), taker_user(u), outcome(o) {}
    caf::event_based_actor* self;
    int64_t now;
    uint64_t taker_id;  // 0 for cancels
    book::UserId taker_user;
    PlaceOutcome* outcome;  // the taker's reply, for places
    MarketUpdate update;
    std::vector<std::pair<book::UserId, AccountUpdate>> accounts;  // makers' accounts
    std::vector<CancelReply> cancels;
  };

  book::UserId intern(const std::string& user_id, const caf::actor& account) {
    auto [it, inserted] = trader_index_.emplace(user_id, static_cast<book::UserId>(traders_.size()));
    if (inserted) traders_.push_back(Trader{user_id, account});
    else if (account) traders_[it->second].account = account;
    return it->second;
  }

  AccountUpdate& account_update(Command& c, book::UserId user) {
    if (c.outcome && user == c.taker_user) return c.outcome->taker;
    for (auto& [u, up] : c.accounts)
      if (u == user) return up;
    c.accounts.emplace_back(user, AccountUpdate{});
    return c.accounts.back().second;
  }

  void process(Command& c) {
    c.update.market = spec_.symbol;
    c.update.seq = book_.sequence();
    c.update.time_ms = c.now;
    settlements_.clear();
    settlements_of(spec_, book_.events(), settlements_);
    for (const Settlement& s : settlements_) account_update(c, s.user).settlements.push_back(s);
    bool traded = false;
    for (const book::Event& e : book_.events()) {
      switch (e.type) {
        case book::EventType::trade: on_trade(c, e); traded = true; break;
        case book::EventType::done: on_done(c, e); break;
        case book::EventType::level: {
          PriceLevel l{spec_.price_of(e.price), spec_.qty_of(e.qty)};
          (e.side == book::Side::buy ? c.update.bids : c.update.asks).push_back(l);
          break;
        }
      }
    }
    if (!c.update.bids.empty() || !c.update.asks.empty()) c.update.depth_update_id = ++depth_update_id_;
    if (traded) {
      for (Interval i : kAllIntervals) c.update.candles.push_back(*candles_.current(i));
      c.update.ticker.push_back(ticker_.stats(c.now));
    }
  }

  void on_trade(Command& c, const book::Event& e) {
    trades_.inc();
    Decimal price = spec_.price_of(e.price), qty = spec_.qty_of(e.qty);
    const bool taker_buys = e.side == book::Side::buy;
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
    t.time_ms = c.now;
    candles_.on_trade(c.now, price, qty);
    ticker_.on_trade(c.now, price, qty);
    recent_trades_.push_back(t);
    if (recent_trades_.size() > start_.recent_trades) recent_trades_.pop_front();
    c.update.trades.push_back(std::move(t));

    if (auto it = open_.find(e.maker); it != open_.end()) {
      OrderInfo& m = it->second;
      m.executed = Decimal::from_units(m.executed.units() + qty.units());
      m.executed_quote = Decimal::from_units(m.executed_quote.units() + spec_.amount_of(e.price * e.qty).units());
      m.status = OrderStatus::partially_filled;
      m.update_ms = c.now;
      // A maker the trade filled reports its final state with its done event, right after.
      if (book_.find(e.maker)) touch(c, e.maker_user, m);
    }
    if (c.outcome && e.order == c.taker_id)
      c.outcome->reply.fills.push_back(Fill{e.trade_id, price, qty, traders_[e.maker_user].user_id,
                                            e.maker, !taker_buys});
  }

  void on_done(Command& c, const book::Event& e) {
    if (c.outcome && e.order == c.taker_id) return;  // the taker's state is set by place()
    auto it = open_.find(e.order);
    if (it == open_.end()) return;
    OrderInfo info = std::move(it->second);
    open_.erase(it);
    info.status = status_of(e.reason);
    info.update_ms = c.now;
    if (e.reason == book::DoneReason::canceled)
      c.cancels.push_back(CancelReply{info.order_id, info.executed, spec_.qty_of(e.qty)});
    touch(c, e.user, info);
    remember_closed(std::move(info));
  }

  // Records an order's new state for its account and for storage (latest state wins).
  void touch(Command& c, book::UserId user, const OrderInfo& info) {
    auto upsert = [&](std::vector<OrderInfo>& v) {
      for (auto& o : v)
        if (o.order_id == info.order_id) {
          o = info;
          return;
        }
      v.push_back(info);
    };
    upsert(account_update(c, user).orders);
    upsert(c.update.orders);
  }

  void remember_closed(OrderInfo info) {
    uint64_t id = info.order_id;
    closed_[id] = std::move(info);
    closed_order_.push_back(id);
    if (closed_order_.size() > start_.recent_closed) {
      closed_.erase(closed_order_.front());
      closed_order_.pop_front();
    }
  }

  void publish(caf::event_based_actor* self, Command& c) {
    for (auto& [user, up] : c.accounts) {
      const caf::actor& account = traders_[user].account;
      if (account) self->send(account, settle_atom::value, std::move(up));
    }
    auto msg = caf::make_message(update_atom::value, std::move(c.update));
    if (links_.hub) self->send(links_.hub, msg);
    if (links_.writer) self->send(links_.writer, msg);
  }

  MarketSpec spec_;
  MarketAssets assets_;
  MarketLinks links_;
  MarketStart start_;
  book::OrderBook book_;
  CandleBook candles_;
  RollingTicker ticker_;
  std::vector<Trader> traders_;
  std::unordered_map<std::string, book::UserId> trader_index_;
  std::unordered_map<uint64_t, OrderInfo> open_;
  std::unordered_map<uint64_t, OrderInfo> closed_;
  std::deque<uint64_t> closed_order_;
  std::deque<TradeRecord> recent_trades_;
  std::vector<Settlement> settlements_;
  uint64_t next_order_seq_;
  uint64_t depth_update_id_ = 0;
  Counter& orders_placed_;
  Counter& trades_;
};

}  // namespace

caf::behavior market_actor(caf::event_based_actor* self, MarketSpec spec, MarketAssets assets,
                           MarketLinks links, MarketStart start) {
  auto m = std::make_shared<Market>(std::move(spec), assets, std::move(links), start);
  return {
      [=](place_atom, PlaceOrder& order, Decimal held, uint64_t hold_key) {
        return m->place(self, order, held, hold_key);
      },
      [=](cancel_atom, uint64_t id, const std::string& user_id) {
        return m->cancel(self, id, user_id);
      },
      [=](cancel_all_atom, const std::string& user_id) { return m->cancel_all(self, user_id); },
      [=](order_atom, uint64_t id) -> caf::result<OrderInfo> {
        if (const OrderInfo* o = m->find(id)) return *o;
        if (!m->links().history) return to_caf_error(ErrorCode::unknown_order, "unknown order");
        self->delegate(m->links().history, order_atom::value, id);
        return caf::delegated<OrderInfo>{};
      },
      [=](depth_atom, uint64_t limit) { return m->depth(limit); },
      [=](trades_atom, uint64_t limit) { return m->trades(limit); },
      [=](klines_atom, Interval interval, int64_t from, int64_t to) {
        return m->klines(interval, from, to);
      },
      [=](ticker_atom) { return m->ticker(); },
  };
}

}  // namespace ex
