// The one door between the edge (HTTP/WebSocket, net/) and the actor system.
//
// The edge parses and checks a request's shape, calls one method here, and turns the
// result into the documented JSON. Every method is asynchronous: the callback runs
// exactly once, on an actor thread (never the caller's), with a value or an Error
// (unknown market -> 404, timeout or unreachable actor -> 503 UNAVAILABLE, ...). The
// edge must hop back to its own executor before touching a connection. No method
// blocks. Implemented over CAF by caf_gateway.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/common/domain.hpp"
#include "actors/common/status.hpp"

namespace ex {

template <class T>
using Callback = std::function<void(Result<T>)>;

struct CancelReply {
  uint64_t order_id = 0;
  Decimal executed;             // filled before the cancel
  Decimal remaining;            // what the cancel removed
  std::string client_order_id;  // empty: none
};

struct AssetSpec {
  std::string name;
  int decimals = 2;
};

// The asset called `name`, or nullptr.
inline const AssetSpec* find_asset(const std::vector<AssetSpec>& assets, std::string_view name) {
  for (const auto& a : assets)
    if (a.name == name) return &a;
  return nullptr;
}

// A subscriber's inbox for one WebSocket connection: receives ready-made JSON text
// frames (shared, serialized once per event for all subscribers). Called on actor
// threads; must be cheap and never block (queue and return).
using FrameSink = std::function<void(std::shared_ptr<const std::string> frame)>;

class ExchangeApi {
 public:
  virtual ~ExchangeApi() = default;

  // Configuration: static for the life of the process.
  virtual const std::vector<MarketSpec>& markets() const = 0;
  virtual const std::vector<AssetSpec>& assets() const = 0;
  // Every actor this node needs is up and storage answers.
  virtual bool ready() const = 0;

  virtual void place(PlaceOrder order, Callback<PlaceReply> done) = 0;
  // `user_id` empty: whoever owns it (the original contract); else must own it (else 404).
  virtual void cancel(std::string market, uint64_t order_id, std::string user_id,
                      Callback<CancelReply> done) = 0;
  virtual void cancel_all(std::string market, std::string user_id,
                          Callback<std::vector<CancelReply>> done) = 0;
  virtual void open_orders(std::string user_id, std::string market,
                           Callback<std::vector<OrderInfo>> done) = 0;
  // One order, open or closed.
  virtual void order(std::string market, uint64_t order_id, Callback<OrderInfo> done) = 0;
  // A user's orders in a market, open and closed, newest first; with `before`, those after
  // that order of the market in this order (the next page).
  virtual void order_history(std::string user_id, std::string market, size_t limit,
                             std::optional<uint64_t> before,
                             Callback<std::vector<OrderInfo>> done) = 0;
  virtual void depth(std::string market, size_t limit, Callback<DepthSnapshot> done) = 0;
  // Public trades with trade_id below `before` (kAboveNewestTrade: the latest), newest
  // first.
  virtual void trades(std::string market, size_t limit, uint64_t before,
                      Callback<std::vector<TradeRecord>> done) = 0;
  // A user's trades in a market with trade_id below `before`, newest first, as far as
  // storage has them (the writer's batch behind trading).
  virtual void user_trades(std::string user_id, std::string market, size_t limit, uint64_t before,
                           Callback<std::vector<TradeRecord>> done) = 0;
  // Candles with start in [from_ms, to_ms], oldest first: storage for history plus the
  // market's live candles.
  virtual void klines(std::string market, Interval interval, int64_t from_ms, int64_t to_ms,
                      Callback<std::vector<Candle>> done) = 0;
  virtual void ticker(std::string market, Callback<TickerStats> done) = 0;
  // Returns the available balance of `asset` after the deposit; creates the user.
  virtual void deposit(std::string user_id, std::string asset, Decimal amount,
                       Callback<Decimal> done) = 0;
  virtual void balances(std::string user_id, Callback<std::vector<AssetBalance>> done) = 0;

  // Streams: "depth@TATA_INR", "trade@TATA_INR", "fills@TATA_INR", "ticker@TATA_INR",
  // "kline@TATA_INR:1h". subscribe() fails with UNKNOWN_MARKET / INVALID_FIELD for a bad
  // name. A connection subscribes with its id; unsubscribe_all when it closes.
  virtual Result<bool> subscribe(uint64_t connection, const std::string& stream,
                                 FrameSink sink) = 0;
  virtual void unsubscribe(uint64_t connection, const std::string& stream) = 0;
  virtual void unsubscribe_all(uint64_t connection) = 0;
};

}  // namespace ex
