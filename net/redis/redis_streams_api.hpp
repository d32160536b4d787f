// The ExchangeApi of a WebSocket-only edge (`exchange --role ws-edge --bus redis://...`):
// it hosts no markets and serves streams from Redis pub/sub, where the nodes that host
// the markets publish them (market_publisher.hpp).
//
// subscribe() checks the stream name against the configured markets (same errors as a
// full node: INVALID_FIELD, UNKNOWN_MARKET), and the first subscriber of a stream makes
// the edge SUBSCRIBE to its channel; the last one to leave UNSUBSCRIBEs. Each message is
// handed, as one shared frame, to every connection subscribed to its channel. Every REST
// call that needs a market or an account answers 503 UNAVAILABLE saying this node is a
// WebSocket-only edge; /api/v1/markets, /health and /metrics work (configuration only),
// and /ready is true while the Redis connection is up.
//
// Thread-safety: any thread; callbacks run on the Redis io thread, never the caller's.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/gateway/exchange_api.hpp"
#include "net/redis/redis_connection.hpp"

namespace ex::redis {

class RedisStreamsApi : public ExchangeApi {
 public:
  RedisStreamsApi(boost::asio::io_context& io, ConnectionOptions options,
                  std::vector<MarketSpec> markets, std::vector<AssetSpec> assets);
  ~RedisStreamsApi() override;

  void start();
  void stop();

  const std::vector<MarketSpec>& markets() const override { return markets_; }
  const std::vector<AssetSpec>& assets() const override { return assets_; }
  bool ready() const override { return connection_.connected(); }

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

  // Channels this edge is subscribed to now (for tests and metrics).
  size_t channels() const;

 private:
  template <class T>
  void refuse(Callback<T> done);
  void deliver(const std::string& channel, std::shared_ptr<const std::string> frame);
  // Removes one subscription; the caller holds mutex_.
  void drop(uint64_t connection, const std::string& stream);

  boost::asio::io_context& io_;
  Connection connection_;
  std::vector<MarketSpec> markets_;
  std::vector<AssetSpec> assets_;

  mutable std::mutex mutex_;
  struct Subscriber {
    uint64_t connection;
    FrameSink sink;
  };
  std::unordered_map<std::string, std::vector<Subscriber>> by_channel_;
  std::unordered_map<uint64_t, std::set<std::string>> by_connection_;
};

}  // namespace ex::redis
