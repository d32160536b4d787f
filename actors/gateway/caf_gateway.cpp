#include "actors/gateway/caf_gateway.hpp"

#include <algorithm>
#include <unordered_set>

#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "actors/hub/hub_actor.hpp"

namespace ex {
namespace {

constexpr auto kSweepEvery = std::chrono::milliseconds(100);

// Fails the requests whose deadline passed and forgets the answered ones.
void sweep(Bridge* self) {
  auto now = self->clock().now();
  auto& q = self->state.pending;
  while (!q.empty() && (*q.front().answered || q.front().deadline <= now)) {
    if (!*q.front().answered) {
      *q.front().answered = true;
      q.front().expire();
    }
    q.pop_front();
  }
  self->state.ticking = !q.empty();
  if (self->state.ticking) self->delayed_send(self, kSweepEvery, tick_atom::value);
}

caf::behavior bridge_actor(Bridge* self) {
  return {
      [=](GatewayJob& job) { job(self); },
      [=](tick_atom) { sweep(self); },
  };
}

// Sends one request and hands the typed answer, the error, or (after `timeout`)
// UNAVAILABLE to `done`, exactly once.
template <class T, class... Ts>
void ask(Bridge* self, const caf::actor& dest, std::chrono::milliseconds timeout, Callback<T> done,
         Ts&&... xs) {
  if (!dest) return done(Error{ErrorCode::unavailable, "the service is not available right now"});
  auto answered = std::make_shared<bool>(false);
  self->request(dest, caf::infinite, std::forward<Ts>(xs)...)
      .then(
          [done, answered](T& value) {
            if (*answered) return;
            *answered = true;
            done(std::move(value));
          },
          [done, answered](caf::error& e) {
            if (*answered) return;
            *answered = true;
            done(from_caf_error(e));
          });
  self->state.pending.push_back(BridgeState::Pending{self->clock().now() + timeout, answered,
                                                     [done] { done(no_answer_in_time()); }});
  if (!self->state.ticking) {
    self->state.ticking = true;
    self->delayed_send(self, kSweepEvery, tick_atom::value);
  }
}

// Watches what /ready depends on: every market actor alive and storage answering (each
// second; exchange_storage_reachable says which, where exchange_storage_up only changes
// with the writer's next write).
caf::behavior health_actor(caf::event_based_actor* self, CatalogPtr catalog,
                           std::shared_ptr<std::atomic<bool>> healthy) {
  auto down = std::make_shared<bool>(false);
  Gauge* reachable = &Metrics::global().gauge(
      "exchange_storage_reachable", "1 while storage answers the health check (each second)");
  for (auto& m : catalog->markets)
    self->monitor(m.market);
  self->set_down_handler([=](caf::down_msg&) {
    *down = true;
    healthy->store(false);
  });
  self->send(self, tick_atom::value);
  return {
      [=](tick_atom) {
        self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
        if (*down) return;
        if (!catalog->history) {
          healthy->store(true);
          return;
        }
        self->request(catalog->history, std::chrono::seconds(2), ping_atom::value)
            .then(
                [=](bool ok) {
                  reachable->set(ok ? 1 : 0);
                  healthy->store(ok && !*down);
                },
                [=](caf::error&) {
                  reachable->set(0);
                  healthy->store(false);
                });
      },
  };
}

}  // namespace

CafGateway::CafGateway(caf::actor_system& system, CatalogPtr catalog, caf::actor directory,
                       size_t bridges)
    : system_(system), catalog_(std::move(catalog)), directory_(std::move(directory)) {
  for (const auto& m : catalog_->markets)
    specs_.push_back(m.spec);
  for (size_t i = 0; i < std::max<size_t>(1, bridges); ++i)
    bridges_.push_back(system_.spawn(bridge_actor));
}

CafGateway::~CafGateway() {
  stop();
}

void CafGateway::start_health_checks() {
  if (!health_) health_ = system_.spawn(health_actor, catalog_, healthy_);
}

void CafGateway::stop() {
  for (auto& b : bridges_)
    caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  bridges_.clear();
  if (health_) caf::anon_send_exit(health_, caf::exit_reason::user_shutdown);
  health_ = nullptr;
}

bool CafGateway::ready() const {
  return healthy_->load();
}

void CafGateway::run(GatewayJob job) {
  if (bridges_.empty()) return;
  size_t i = next_bridge_.fetch_add(1, std::memory_order_relaxed) % bridges_.size();
  caf::anon_send(bridges_[i], std::move(job));
}

const MarketEntry* CafGateway::market_or_fail(const std::string& market,
                                              const std::function<void(Error)>& fail) {
  const MarketEntry* m = catalog_->market(market);
  if (!m) fail(Error{ErrorCode::unknown_market, "unknown market " + market});
  return m;
}

void CafGateway::with_account(Bridge* self, const std::string& user,
                              std::function<void(caf::actor)> then,
                              std::function<void(Error)> fail) {
  {
    std::lock_guard<std::mutex> lock(accounts_mutex_);
    auto it = accounts_.find(user);
    if (it != accounts_.end()) return then(it->second);
  }
  Callback<caf::actor> found = [=](Result<caf::actor> a) {
    if (!a) return fail(a.error());
    {
      std::lock_guard<std::mutex> lock(accounts_mutex_);
      accounts_.emplace(user, *a);
    }
    then(*a);
  };
  ask<caf::actor>(self, directory_, catalog_->timeout, found, account_atom::value, user, false);
}

template <class T, class... Ts>
void CafGateway::ask_market(const std::string& market, Callback<T> done, Ts... xs) {
  const MarketEntry* m = market_or_fail(market, [done](Error e) { done(std::move(e)); });
  if (!m) return;
  caf::actor dest = m->market;
  run([=](Bridge* self) { ask<T>(self, dest, catalog_->timeout, done, xs...); });
}

template <class T, class... Ts>
void CafGateway::ask_account(const std::string& user, Callback<T> done, Ts... xs) {
  run([=](Bridge* self) {
    with_account(
        self, user,
        [=](caf::actor account) { ask<T>(self, account, catalog_->timeout, done, xs...); },
        [done](Error e) { done(std::move(e)); });
  });
}

bool CafGateway::order_in_market(const std::string& market, uint64_t order_id,
                                 const std::function<void(Error)>& fail) {
  const MarketEntry* m = catalog_->market(market);
  if (m && market_of_order(order_id) != m->spec.id) {
    fail(Error{ErrorCode::unknown_order, "unknown order in " + market});
    return false;
  }
  return true;
}

void CafGateway::place(PlaceOrder order, Callback<PlaceReply> done) {
  if (!market_or_fail(order.market, [done](Error e) { done(std::move(e)); })) return;
  std::string user = order.user_id;
  ask_account<PlaceReply>(user, done, place_atom::value, std::move(order));
}

void CafGateway::cancel(std::string market, uint64_t order_id, std::string user_id,
                        Callback<CancelReply> done) {
  if (!order_in_market(market, order_id, [done](Error e) { done(std::move(e)); })) return;
  ask_market<CancelReply>(market, done, cancel_atom::value, order_id, user_id);
}

void CafGateway::cancel_all(std::string market, std::string user_id,
                            Callback<std::vector<CancelReply>> done) {
  auto fail = [done](Error e) { done(std::move(e)); };
  const MarketEntry* m = market_or_fail(market, fail);
  if (!m) return;
  caf::actor dest = m->market;
  // The market cancels by user id; the account is asked first so that a user nobody has
  // seen is UNKNOWN_USER, as on every other endpoint, rather than a user with no orders.
  run([=](Bridge* self) {
    with_account(
        self, user_id,
        [=](caf::actor) {
          ask<std::vector<CancelReply>>(self, dest, catalog_->timeout, done, cancel_all_atom::value,
                                        user_id);
        },
        fail);
  });
}

void CafGateway::open_orders(std::string user_id, std::string market,
                             Callback<std::vector<OrderInfo>> done) {
  if (!market.empty() && !market_or_fail(market, [done](Error e) { done(std::move(e)); })) return;
  ask_account<std::vector<OrderInfo>>(user_id, done, open_atom::value, market);
}

void CafGateway::order(std::string market, uint64_t order_id, Callback<OrderInfo> done) {
  if (!order_in_market(market, order_id, [done](Error e) { done(std::move(e)); })) return;
  ask_market<OrderInfo>(market, done, order_atom::value, order_id);
}

void CafGateway::order_history(std::string user_id, std::string market, size_t limit,
                               std::optional<uint64_t> before,
                               Callback<std::vector<OrderInfo>> done) {
  auto fail = [done](Error e) { done(std::move(e)); };
  if (!market.empty() && !market_or_fail(market, fail)) return;
  if (before && market.empty())
    return fail(Error{ErrorCode::missing_field, "a page after an order needs its market"});
  if (before && !order_in_market(market, *before, fail)) return;
  run([=](Bridge* self) {
    with_account(
        self, user_id,
        [=](caf::actor account) {
          if (!before) return history_page(self, account, user_id, market, limit, {}, done);
          // The list runs by time, then id: the named order's own time places the page.
          // The account knows its recent orders; storage the rest.
          auto unknown = [=] {
            return Error{ErrorCode::unknown_order,
                         "unknown order " + order_id_text(*before) + " of user " + user_id};
          };
          Callback<OrderInfo> placed = [=](Result<OrderInfo> o) {
            if (!o) return done(o.error());
            if (o->user_id != user_id || o->market != market) return done(unknown());
            history_page(self, account, user_id, market, limit, OrderCursor::at(*o), done);
          };
          Callback<OrderInfo> own = [=](Result<OrderInfo> o) {
            if (o || o.error().code != ErrorCode::unknown_order || !catalog_->history)
              return placed(std::move(o));
            ask<OrderInfo>(self, catalog_->history, catalog_->timeout, placed, order_atom::value,
                           *before);
          };
          ask<OrderInfo>(self, account, catalog_->timeout, own, order_atom::value, *before);
        },
        fail);
  });
}

void CafGateway::history_page(Bridge* self, const caf::actor& account, std::string user_id,
                              std::string market, size_t limit, OrderCursor before,
                              Callback<std::vector<OrderInfo>> done) {
  // The account's orders, and storage's where the account let closed orders go; the
  // account's copy of an order is the freshest.
  Callback<HistorySlice> merge = [=](Result<HistorySlice> recent) {
    if (!recent) return done(recent.error());
    if (recent->complete || !catalog_->history) return done(std::move(recent->orders));
    auto mine = std::make_shared<std::vector<OrderInfo>>(std::move(recent->orders));
    Callback<std::vector<OrderInfo>> join = [=](Result<std::vector<OrderInfo>> stored) {
      // Without storage's part the page may lack orders: no page rather than a wrong one.
      if (!stored) return done(stored.error());
      std::vector<OrderInfo> out = std::move(*mine);
      std::unordered_set<uint64_t> seen;
      for (auto& o : out)
        seen.insert(o.order_id);
      for (auto& o : *stored)
        if (seen.insert(o.order_id).second) out.push_back(std::move(o));
      std::sort(out.begin(), out.end(), [](const OrderInfo& a, const OrderInfo& b) {
        return OrderCursor::at(b) < OrderCursor::at(a);
      });
      if (out.size() > limit) out.resize(limit);
      done(std::move(out));
    };
    ask<std::vector<OrderInfo>>(self, catalog_->history, catalog_->timeout, join,
                                history_atom::value, user_id, market, static_cast<uint64_t>(limit),
                                before, std::move(recent->needs));
  };
  ask<HistorySlice>(self, account, catalog_->timeout, merge, history_atom::value, market,
                    static_cast<uint64_t>(limit), before);
}

void CafGateway::depth(std::string market, size_t limit, Callback<DepthSnapshot> done) {
  ask_market<DepthSnapshot>(market, done, depth_atom::value, static_cast<uint64_t>(limit));
}

void CafGateway::trades(std::string market, size_t limit, uint64_t before,
                        Callback<std::vector<TradeRecord>> done) {
  const MarketEntry* m = market_or_fail(market, [done](Error e) { done(std::move(e)); });
  if (!m) return;
  caf::actor dest = m->market;
  run([=](Bridge* self) {
    // Memory's latest trades, then storage's below where memory ends. Trade ids run
    // without gaps, so storage's part must start right below: if it does not, storage is
    // behind (or down), and the page ends with memory's part rather than skip trades.
    Callback<TradeSlice> merge = [=](Result<TradeSlice> recent) {
      if (!recent) return done(recent.error());
      const uint64_t below = std::min(before, recent->first_kept);
      if (recent->trades.size() >= limit || below <= 1 || !catalog_->history)
        return done(std::move(recent->trades));
      auto mine = std::make_shared<std::vector<TradeRecord>>(std::move(recent->trades));
      Callback<std::vector<TradeRecord>> join = [=](Result<std::vector<TradeRecord>> stored) {
        // Only the run of ids that follows on without a gap counts.
        size_t run = 0;
        if (stored)
          while (run < stored->size() && (*stored)[run].trade_id == below - 1 - run)
            ++run;
        if (run == 0) {
          if (!mine->empty()) return done(std::move(*mine));
          return done(Error{ErrorCode::unavailable,
                            "trades of " + market + " below " + std::to_string(below) +
                                " are not in storage yet; try again shortly"});
        }
        mine->insert(mine->end(), stored->begin(), stored->begin() + static_cast<ptrdiff_t>(run));
        done(std::move(*mine));
      };
      ask<std::vector<TradeRecord>>(self, catalog_->history, catalog_->timeout, join,
                                    trades_atom::value, market,
                                    static_cast<uint64_t>(limit - mine->size()), below);
    };
    ask<TradeSlice>(self, dest, catalog_->timeout, merge, trades_atom::value,
                    static_cast<uint64_t>(limit), before);
  });
}

void CafGateway::user_trades(std::string user_id, std::string market, size_t limit, uint64_t before,
                             Callback<std::vector<TradeRecord>> done) {
  auto fail = [done](Error e) { done(std::move(e)); };
  if (!market_or_fail(market, fail)) return;
  if (!catalog_->history) return fail(Error{ErrorCode::unavailable, "no storage on this node"});
  run([=](Bridge* self) {
    // Through the account, so that an unknown user is UNKNOWN_USER as everywhere else.
    with_account(
        self, user_id,
        [=](caf::actor) {
          ask<std::vector<TradeRecord>>(self, catalog_->history, catalog_->timeout, done,
                                        trades_atom::value, user_id, market,
                                        static_cast<uint64_t>(limit), before);
        },
        fail);
  });
}

void CafGateway::klines(std::string market, Interval interval, int64_t from_ms, int64_t to_ms,
                        Callback<std::vector<Candle>> done) {
  const MarketEntry* m = market_or_fail(market, [done](Error e) { done(std::move(e)); });
  if (!m) return;
  caf::actor dest = m->market;
  run([=](Bridge* self) {
    Callback<KlineSlice> merge = [=](Result<KlineSlice> live) {
      if (!live) return done(live.error());
      auto recent = std::make_shared<std::vector<Candle>>(std::move(live->candles));
      int64_t kept = live->oldest_kept_ms;
      if (!catalog_->history || from_ms >= kept) return done(std::move(*recent));
      // History before what the market keeps in memory comes from storage.
      Callback<std::vector<Candle>> join = [=](Result<std::vector<Candle>> stored) {
        if (!stored) return done(stored.error());
        std::vector<Candle> out = std::move(*stored);
        out.insert(out.end(), recent->begin(), recent->end());
        done(std::move(out));
      };
      ask<std::vector<Candle>>(self, catalog_->history, catalog_->timeout, join, klines_atom::value,
                               market, interval, from_ms, std::min(to_ms, kept - 1));
    };
    ask<KlineSlice>(self, dest, catalog_->timeout, merge, klines_atom::value, interval, from_ms,
                    to_ms);
  });
}

void CafGateway::ticker(std::string market, Callback<TickerStats> done) {
  ask_market<TickerStats>(market, done, ticker_atom::value);
}

void CafGateway::deposit(std::string user_id, std::string asset, Decimal amount,
                         Callback<Decimal> done) {
  run([=](Bridge* self) {
    ask<Decimal>(self, directory_, catalog_->timeout, done, deposit_atom::value, user_id, asset,
                 amount);
  });
}

void CafGateway::balances(std::string user_id, Callback<std::vector<AssetBalance>> done) {
  ask_account<std::vector<AssetBalance>>(user_id, done, balances_atom::value);
}

Result<bool> CafGateway::subscribe(uint64_t connection, const std::string& stream, FrameSink sink) {
  std::string market;
  Stream s;
  if (!parse_stream_name(stream, &market, &s))
    return Error{ErrorCode::invalid_field, "unknown stream " + stream};
  const MarketEntry* m = catalog_->market(market);
  if (!m) return Error{ErrorCode::unknown_market, "unknown market " + market};
  if (!m->hub) return Error{ErrorCode::unavailable, "streams are not available on this node"};
  caf::anon_send(m->hub, subscribe_atom::value, connection, s, std::move(sink));
  return true;
}

void CafGateway::unsubscribe(uint64_t connection, const std::string& stream) {
  std::string market;
  Stream s;
  if (!parse_stream_name(stream, &market, &s)) return;
  if (const MarketEntry* m = catalog_->market(market); m && m->hub)
    caf::anon_send(m->hub, unsubscribe_atom::value, connection, s);
}

void CafGateway::unsubscribe_all(uint64_t connection) {
  for (const auto& m : catalog_->markets)
    if (m.hub) caf::anon_send(m.hub, unsubscribe_atom::value, connection);
}

}  // namespace ex
