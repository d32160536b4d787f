#include "net/bots/mm_orders.hpp"

#include <chrono>

namespace ex::bots {

using client::ApiError;
using client::CancelResult;
using client::OrderState;
using client::PlaceResult;
using client::Reply;

MmOrders::MmOrders(const MmConfig& cfg, client::ApiClient& api, OrderTracker& tracker,
                   MmMarkets& markets, MmFunds& funds, std::mt19937_64& rng, MmCounters& counters,
                   const BotLog& log, Hooks hooks)
    : cfg_(cfg),
      api_(api),
      tracker_(tracker),
      markets_(markets),
      funds_(funds),
      rng_(rng),
      counters_(counters),
      log_(log),
      hooks_(std::move(hooks)) {}

void MmOrders::place_quote(size_t mi, const Quote& q) {
  place(mi, q.side, q.price, q.qty, false);
}

void MmOrders::place_take(size_t mi, Side side, Decimal price, Decimal qty) {
  place(mi, side, price, qty, true);
}

void MmOrders::place(size_t mi, Side side, Decimal price, Decimal qty, bool taker) {
  const MmMarket& m = *markets_[mi];
  OrderTracker::NewOrder n;
  n.market = mi;
  n.base = m.info.base;
  n.quote = m.info.quote;
  n.user = taker ? cfg_.taker_user : cfg_.user;
  n.side = side;
  n.price = price;
  n.qty = qty;
  n.taker = taker;
  if (!taker && cfg_.max_age_ms > 0) {
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    n.max_age_ms = static_cast<int64_t>(static_cast<double>(cfg_.max_age_ms) * jitter(rng_));
  }
  const TrackedOrder& o = tracker_.add(n, Clock::now());
  client::OrderRequest r;
  r.market = m.info.symbol;
  r.user_id = n.user;
  r.side = side;
  r.price = price;
  r.quantity = qty;
  // A quote rests and never takes: every fill is at its own price. A take takes what it
  // can at once and leaves nothing on the book.
  r.time_in_force = taker ? "IOC" : "GTC";
  r.post_only = !taker;
  r.client_order_id = o.client_id;
  uint64_t key = o.key;
  api_.place(r, [this, mi, key](Reply<PlaceResult> rep) { on_placed(mi, key, rep); });
}

void MmOrders::on_placed(size_t mi, uint64_t key, Reply<PlaceResult>& rep) {
  MmMarket& m = *markets_[mi];
  TrackedOrder* o = tracker_.find(key);
  if (!o) return;
  if (rep.ok()) {
    bool taker = o->taker;
    ++(taker ? counters_.taker_orders : counters_.placed);
    if (taker) counters_.taker_fills += rep->fills.size();
    if (tracker_.on_placed(key, *rep, Clock::now()) && !taker) hooks_.refresh(mi);
    return;
  }
  const ApiError& e = rep.error();
  if (e.transport() || e.status >= 500) {
    o->state = TrackedOrder::State::unknown;  // it may or may not have been placed
    return request_failed(e, "placing an order in " + m.info.symbol);
  }
  ++counters_.rejected;
  bool refill_now = true;
  if (e.code == "POST_ONLY_WOULD_CROSS") {
    ++counters_.cross_rejects;
    m.cross_guard.refused(o->side, o->price, m.book.last_update_id(), m.reference);
    // The book it was quoted from is behind: a refill now would be refused again until
    // it catches up, so the next periodic refresh does it.
    refill_now = false;
  } else if (e.code == "INSUFFICIENT_FUNDS" || unknown_user(e)) {
    ++counters_.funds_rejects;
    // The taker's refusals say nothing of the maker's funds: its quotes go on.
    if (!o->taker) m.pause(o->side, Clock::now() + std::chrono::seconds(5));
    if (counters_.funds_rejects == 1 || counters_.funds_rejects % 100 == 0)
      log_.warn(o->user + " lacks funds for a " + client::side_name(o->side) + " in " +
                m.info.symbol + (cfg_.topup ? " (topping up)" : " (use --topup to deposit)"));
    if (cfg_.topup) funds_.top_up_now(o->user);
  } else if (counters_.rejected - counters_.cross_rejects - counters_.funds_rejects <= 10) {
    log_.warn("order refused in " + m.info.symbol + ": " + e.describe());
  }
  tracker_.close(key);
  if (refill_now) hooks_.refresh(mi);
}

void MmOrders::cancel_quote(size_t mi, uint64_t key) {
  TrackedOrder* o = tracker_.find(key);
  if (!o) return;
  o->state = TrackedOrder::State::cancelling;
  api_.cancel(markets_[mi]->info.symbol, o->order_id, cfg_.user,
              [this, mi, key](Reply<CancelResult> r) {
                TrackedOrder* o = tracker_.find(key);
                if (!o) return;
                if (r.ok()) {
                  ++counters_.cancels;
                  tracker_.set_executed(key, r->executed);
                  tracker_.close(key);
                  return hooks_.refresh(mi);
                }
                const ApiError& e = r.error();
                if (e.status == 404) {  // filled or cancelled meanwhile: how much executed?
                  ++counters_.cancel_gone;
                  return resolve_by_id(mi, key, [this, mi] { hooks_.refresh(mi); });
                }
                o->state = TrackedOrder::State::unknown;
                if (e.transport() || e.status >= 500)
                  return request_failed(e, "cancelling in " + markets_[mi]->info.symbol);
                log_.warn("cancel refused in " + markets_[mi]->info.symbol + ": " + e.describe());
                hooks_.reconcile();
              });
}

void MmOrders::resolve_by_id(size_t mi, uint64_t key, std::function<void()> then) {
  TrackedOrder* o = tracker_.find(key);
  if (!o || o->order_id.empty()) return then();
  api_.order(markets_[mi]->info.symbol, o->order_id, [this, mi, key, then](Reply<OrderState> r) {
    TrackedOrder* o = tracker_.find(key);
    if (!o) return then();
    const std::string& symbol = markets_[mi]->info.symbol;
    if (r.ok()) {
      // Callers ask only about orders the book no longer has (a cancel answered
      // 404, or the open orders left it out): closed, whatever this says.
      tracker_.set_executed(key, r->executed);
      if (r->open() && ++counters_.inconsistent <= 5)
        log_.warn(symbol + ": order " + o->order_id +
                  " is reported open but is neither cancellable nor listed as open");
      tracker_.close(key);
    } else if (r.error().status == 404) {
      log_.warn(symbol + ": the exchange no longer knows order " + o->order_id);
      tracker_.close(key);
    } else {
      o->state = TrackedOrder::State::unknown;
      if (r.error().transport()) request_failed(r.error(), "querying an order");
    }
    then();
  });
}

void MmOrders::resolve_by_history(size_t mi, const std::string& user, std::vector<uint64_t> keys,
                                  std::shared_ptr<bool> ok, std::function<void()> then) {
  api_.order_history(user, markets_[mi]->info.symbol, 500,
                     [this, keys, ok, then](Reply<std::vector<OrderState>> r) {
                       // A user the exchange does not know has no orders at all.
                       if (!r.ok() && unknown_user(r.error())) r = std::vector<OrderState>{};
                       if (r.ok()) {
                         counters_.adopted += tracker_.resolve_history(keys, *r);
                       } else {
                         log_.warn("reconcile: order history: " + r.error().describe());
                         *ok = false;
                       }
                       then();
                     });
}

void MmOrders::cancel_all_of(const std::string& symbol, const std::string& user,
                             client::Callback<std::vector<CancelResult>> done) {
  api_.cancel_all(symbol, user, [done](Reply<std::vector<CancelResult>> r) {
    if (!r.ok() && unknown_user(r.error())) return done(std::vector<CancelResult>{});
    done(std::move(r));
  });
}

void MmOrders::open_orders_of(const std::string& user, const std::string& symbol,
                              client::Callback<std::vector<OrderState>> done) {
  api_.open_orders(user, symbol, [done](Reply<std::vector<OrderState>> r) {
    if (!r.ok() && unknown_user(r.error())) return done(std::vector<OrderState>{});
    done(std::move(r));
  });
}

// A transport error means the exchange is away (the bot goes offline; ignored unless it
// was online); a server error, a doubt the next reconciliation settles.
void MmOrders::request_failed(const ApiError& e, const std::string& what) {
  if (e.transport()) {
    ++counters_.transport_errors;
    hooks_.offline(what + ": " + e.describe());
  } else {
    ++counters_.server_errors;
    if (counters_.server_errors <= 10 || counters_.server_errors % 100 == 0)
      log_.warn(what + ": " + e.describe());
    hooks_.reconcile();
  }
}

}  // namespace ex::bots
