// ExchangeApi over CAF: each call becomes a job that a bridge actor runs, sending one
// request to the actor that owns the state and handing the answer (or the error, or a
// timeout as UNAVAILABLE) to the caller's callback. No thread ever blocks on an actor.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/directory/catalog.hpp"
#include "actors/gateway/exchange_api.hpp"

namespace ex {

// A bridge actor's own bookkeeping of requests in flight. Their timeouts are enforced
// here, by one timer per bridge, rather than by CAF's clock thread: registering every
// request there costs a lock and a thread wake-up per request.
struct BridgeState {
  struct Pending {
    std::chrono::steady_clock::time_point deadline;
    std::shared_ptr<bool> answered;
    std::function<void()> expire;
  };
  std::deque<Pending> pending;  // in deadline order (one timeout for all requests)
  bool ticking = false;
};
using Bridge = caf::stateful_actor<BridgeState>;
using GatewayJob = std::function<void(Bridge*)>;

class CafGateway : public ExchangeApi {
 public:
  CafGateway(caf::actor_system& system, CatalogPtr catalog, caf::actor directory,
             size_t bridges = 2);
  ~CafGateway() override;

  // Marks the node as started and begins watching its actors and storage for /ready.
  void start_health_checks();
  void stop();

  const std::vector<MarketSpec>& markets() const override { return specs_; }
  const std::vector<AssetSpec>& assets() const override { return catalog_->assets; }
  bool ready() const override;

  void place(PlaceOrder order, Callback<PlaceReply> done) override;
  void cancel(std::string market, uint64_t order_id, std::string user_id,
              Callback<CancelReply> done) override;
  void cancel_all(std::string market, std::string user_id,
                  Callback<std::vector<CancelReply>> done) override;
  void open_orders(std::string user_id, std::string market,
                   Callback<std::vector<OrderInfo>> done) override;
  void order(std::string market, uint64_t order_id, Callback<OrderInfo> done) override;
  void order_history(std::string user_id, std::string market, size_t limit,
                     std::optional<uint64_t> before,
                     Callback<std::vector<OrderInfo>> done) override;
  void depth(std::string market, size_t limit, Callback<DepthSnapshot> done) override;
  void trades(std::string market, size_t limit, uint64_t before,
              Callback<std::vector<TradeRecord>> done) override;
  void user_trades(std::string user_id, std::string market, size_t limit, uint64_t before,
                   Callback<std::vector<TradeRecord>> done) override;
  void klines(std::string market, Interval interval, int64_t from_ms, int64_t to_ms,
              Callback<std::vector<Candle>> done) override;
  void ticker(std::string market, Callback<TickerStats> done) override;
  void deposit(std::string user_id, std::string asset, Decimal amount,
               Callback<Decimal> done) override;
  void balances(std::string user_id, Callback<std::vector<AssetBalance>> done) override;

  Result<bool> subscribe(uint64_t connection, const std::string& stream, FrameSink sink) override;
  void unsubscribe(uint64_t connection, const std::string& stream) override;
  void unsubscribe_all(uint64_t connection) override;

 private:
  void run(GatewayJob job);
  // Resolves a user's account (cached), then calls `then` inside the bridge actor.
  void with_account(Bridge* self, const std::string& user, std::function<void(caf::actor)> then,
                    std::function<void(Error)> fail);
  const MarketEntry* market_or_fail(const std::string& market,
                                    const std::function<void(Error)>& fail);
  // One request to a market's actor (UNKNOWN_MARKET if there is none), or to a user's
  // account (UNKNOWN_USER), answered through `done`.
  template <class T, class... Ts>
  void ask_market(const std::string& market, Callback<T> done, Ts... xs);
  template <class T, class... Ts>
  void ask_account(const std::string& user, Callback<T> done, Ts... xs);
  // False (after answering UNKNOWN_ORDER) if the order id does not belong to `market`.
  bool order_in_market(const std::string& market, uint64_t order_id,
                       const std::function<void(Error)>& fail);
  // A page of order history from below `before`: the account's orders, merged with
  // storage's where the account no longer keeps them all.
  void history_page(Bridge* self, const caf::actor& account, std::string user_id,
                    std::string market, size_t limit, OrderCursor before,
                    Callback<std::vector<OrderInfo>> done);

  caf::actor_system& system_;
  CatalogPtr catalog_;
  caf::actor directory_;
  std::vector<MarketSpec> specs_;
  std::vector<caf::actor> bridges_;
  std::atomic<size_t> next_bridge_{0};
  mutable std::mutex accounts_mutex_;
  std::unordered_map<std::string, caf::actor> accounts_;
  caf::actor health_;
  std::shared_ptr<std::atomic<bool>> healthy_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace ex

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ex::GatewayJob)
