// The client side of the wire format (shared/API.md): requests the bots send and the
// responses and stream events they read, as plain values. The one place on the client
// side that knows field names, types and quirks (Part 1 money as JSON numbers, stream
// money as strings, "markerOrderId").
//
// Money is exact both ways: requests carry prices and quantities as decimal strings
// (never through double), and responses are parsed with nlohmann's SAX interface keeping
// each number's literal text, which Decimal::parse reads exactly.
// Pure: no I/O; thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "actors/money/decimal.hpp"

namespace ex::client {

// ---- Errors ----

// A failed request. status 0 means the request may not have reached the exchange or its
// answer was lost (connection refused, reset, timeout): the outcome is unknown.
struct ApiError {
  int status = 0;
  std::string code;  // the API's code ("INSUFFICIENT_FUNDS"), or "TRANSPORT" / "BAD_REPLY"
  std::string message;
  bool transport() const { return status == 0; }
  std::string describe() const;
};

// A value or an ApiError (the client's counterpart of ex::Result).
template <class T>
class Reply {
 public:
  Reply(T value) : v_(std::move(value)) {}
  Reply(ApiError error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

// The error a non-2xx response carries: {"code","message"} or, if the body is not that,
// its status alone.
ApiError decode_error(int status, std::string_view body);

// ---- Requests ----

enum class Side : uint8_t { buy, sell };
const char* side_name(Side side);  // "buy" / "sell"
inline Side opposite(Side side) {
  return side == Side::buy ? Side::sell : Side::buy;
}

struct OrderRequest {
  std::string market;
  std::string user_id;
  Side side = Side::buy;
  bool is_market = false;     // "type": "market" (else limit)
  Decimal price;              // limit orders
  Decimal quantity;           // base quantity
  Decimal quote_quantity;     // market buys by quote amount (quantity left zero)
  std::string time_in_force;  // "GTC", "IOC", "FOK"; empty: the exchange's default
  bool post_only = false;
  std::string client_order_id;       // empty: none
  std::string product = "intraday";  // the original "orderType"
};
// POST /api/v1/order body; money as decimal strings.
std::string encode_order_request(const OrderRequest& order);
// DELETE /api/v1/order body.
std::string encode_cancel_request(const std::string& market, const std::string& order_id,
                                  const std::string& user_id);
// DELETE /api/v1/orders body.
std::string encode_cancel_all_request(const std::string& market, const std::string& user_id);
// POST /api/v1/on-ramp body.
std::string encode_deposit_request(const std::string& user_id, const std::string& asset,
                                   Decimal amount);
// WebSocket {"method":"SUBSCRIBE","params":[...],"id":id}.
std::string encode_subscribe(const std::vector<std::string>& streams, int id);

// Percent-encodes a query value (RFC 3986 unreserved characters pass).
std::string url_encode(std::string_view value);

// ---- Responses ----

struct MarketInfo {
  std::string symbol;
  std::string base;
  std::string quote;
  Decimal tick_size;
  Decimal step_size;
  Decimal min_qty;
  Decimal min_notional;
  Decimal price_band;  // fraction, e.g. 0.1; zero if the exchange does not say
  // The decimals a deposit of each asset may have (0..8); nullopt if the exchange does not
  // say (API.md's first part does not name them).
  std::optional<int> base_precision;
  std::optional<int> quote_precision;
  // The precision this market gives `asset` (its base or its quote); nullopt if neither.
  std::optional<int> precision_of(std::string_view asset) const {
    if (asset == base) return base_precision;
    if (asset == quote) return quote_precision;
    return std::nullopt;
  }
};
Reply<std::vector<MarketInfo>> decode_markets(std::string_view body);

struct TradeFill {
  Decimal price;
  Decimal qty;
  uint64_t trade_id = 0;
  std::string other_user_id;
  std::string maker_order_id;
  bool buyer_maker = false;
};

struct PlaceResult {
  std::string order_id;
  Decimal executed;
  Decimal remaining;
  std::string status;  // "NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED", "REJECTED"
  std::string client_order_id;
  std::vector<TradeFill> fills;
  bool open() const { return status == "NEW" || status == "PARTIALLY_FILLED"; }
};
Reply<PlaceResult> decode_place_result(std::string_view body);

struct CancelResult {
  std::string order_id;
  Decimal executed;   // filled before the cancel
  Decimal remaining;  // what was cancelled
};
Reply<CancelResult> decode_cancel_result(std::string_view body);
Reply<std::vector<CancelResult>> decode_cancel_all_result(std::string_view body);

// An order as GET /api/v1/order/open (Part 1: "filled") or GET /api/v1/order(s) report it.
struct OrderState {
  std::string order_id;
  std::string client_order_id;
  std::string market;
  std::string user_id;
  Side side = Side::buy;
  Decimal price;
  Decimal quantity;
  Decimal executed;
  std::string status;  // empty when the response does not say (then the order is open)
  bool open() const { return status.empty() || status == "NEW" || status == "PARTIALLY_FILLED"; }
};
Reply<std::vector<OrderState>> decode_open_orders(std::string_view body);
Reply<OrderState> decode_order(std::string_view body);
Reply<std::vector<OrderState>> decode_orders(std::string_view body);

struct Balance {
  Decimal available;
  Decimal locked;
  Decimal total() const { return Decimal::from_units(available.units() + locked.units()); }
};
using Balances = std::map<std::string, Balance>;
Reply<Balances> decode_balances(std::string_view body);

// The available balance after a deposit.
Reply<Decimal> decode_deposit_result(std::string_view body);

struct Level {
  Decimal price;
  Decimal qty;
};

struct DepthSnapshot {
  std::vector<Level> bids;  // best first
  std::vector<Level> asks;  // best first
  uint64_t last_update_id = 0;
};
Reply<DepthSnapshot> decode_depth(std::string_view body);

struct PublicTrade {
  uint64_t trade_id = 0;
  Decimal price;
  Decimal qty;
  bool buyer_maker = false;
  int64_t time_ms = 0;
};
// GET /api/v1/trades: newest first.
Reply<std::vector<PublicTrade>> decode_trades(std::string_view body);

// ---- Stream events ----

struct DepthEvent {
  std::string market;
  uint64_t first_id = 0;  // "U"
  uint64_t last_id = 0;   // "u"
  std::vector<Level> bids;
  std::vector<Level> asks;
};

struct TradeEvent {
  std::string market;
  PublicTrade trade;
};

struct FillEvent {
  std::string market;
  std::string order_id;
  Decimal price;
  Decimal qty;
  uint64_t trade_id = 0;
  std::string user_id;
};

// {"result":...,"id":n} and {"error":{...},"id":n}.
struct StreamReply {
  bool ok = true;
  std::string message;  // the error's message
};

// Events the bots do not read (kline, ticker, unknown types) decode to monostate, as do
// malformed frames (`malformed` says which).
using StreamEvent = std::variant<std::monostate, DepthEvent, TradeEvent, FillEvent, StreamReply>;
StreamEvent decode_stream_event(std::string_view text, bool* malformed = nullptr);

}  // namespace ex::client
