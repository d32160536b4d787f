// The exchange's domain records as they cross actor boundaries and reach the edge:
// orders, fills, trades, depth, balances. Plain values with `inspect` overloads, so
// CAF can serialize them between nodes. Money is Decimal; ids are numbers (the edge
// writes order ids as text with order_id_text()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/market/candles.hpp"
#include "actors/market/clearing.hpp"
#include "actors/money/decimal.hpp"

namespace ex {

enum class OrderKind : uint8_t { limit, market };
enum class Product : uint8_t { intraday, delivery };  // API "orderType": stored and reported
using book::OrderStatus;
using book::Side;
using book::TimeInForce;

struct OrderInfo {
  uint64_t order_id = 0;
  std::string client_order_id;  // empty: none
  std::string market;
  std::string user_id;
  Side side = Side::buy;
  OrderKind kind = OrderKind::limit;
  TimeInForce tif = TimeInForce::gtc;
  bool post_only = false;
  Product product = Product::intraday;
  Decimal price;           // zero for market orders
  Decimal quantity;        // zero for a market buy by quote amount
  Decimal quote_quantity;  // market buys by quote amount
  Decimal executed;        // base filled so far
  Decimal executed_quote;  // quote paid or received so far
  OrderStatus status = OrderStatus::new_;
  int64_t time_ms = 0;    // accepted
  int64_t update_ms = 0;  // last change
  // What is still open: zero once the order is closed (or for a quote-amount buy).
  Decimal remaining() const {
    bool open = status == OrderStatus::new_ || status == OrderStatus::partially_filled;
    return open && !quantity.is_zero() ? Decimal::from_units(quantity.units() - executed.units())
                                       : Decimal{};
  }
};

template <class Inspector>
auto inspect(Inspector& f, OrderInfo& x) {
  return f(caf::meta::type_name("order_info"), x.order_id, x.client_order_id, x.market, x.user_id,
           x.side, x.kind, x.tif, x.post_only, x.product, x.price, x.quantity, x.quote_quantity,
           x.executed, x.executed_quote, x.status, x.time_ms, x.update_ms);
}

// A place in a user's order history, which runs newest first by (time_ms, order_id): the
// page after it holds the orders that sort below it. The default place is above every
// order, so its page is the newest. Ids stay below 2^63, as storage keeps them.
struct OrderCursor {
  int64_t time_ms = INT64_MAX;
  uint64_t order_id = INT64_MAX;

  static OrderCursor at(const OrderInfo& o) { return {o.time_ms, o.order_id}; }
  // The lowest place: below every order.
  static OrderCursor bottom() { return {INT64_MIN, 0}; }
  bool operator<(const OrderCursor& x) const {
    return time_ms != x.time_ms ? time_ms < x.time_ms : order_id < x.order_id;
  }
  bool above(const OrderInfo& o) const { return at(o) < *this; }
};

template <class Inspector>
auto inspect(Inspector& f, OrderCursor& x) {
  return f(caf::meta::type_name("order_cursor"), x.time_ms, x.order_id);
}

// How far into a journal the stored rows reach: every command of `stream` (a market's
// symbol, or "deposits") up to `seq` has its effects in the store.
struct StreamPosition {
  std::string stream;
  uint64_t seq = 0;
};

template <class Inspector>
auto inspect(Inspector& f, StreamPosition& x) {
  return f(caf::meta::type_name("stream_position"), x.stream, x.seq);
}

// A page of an account's order history, and whether it is the whole page: the account
// keeps every open order but only its latest closed ones, so an older closed order that
// storage has may belong in the page. Storage has those it let go once it reaches
// `needs` (the market commands that closed them).
struct HistorySlice {
  std::vector<OrderInfo> orders;
  bool complete = false;
  std::vector<StreamPosition> needs;
};

template <class Inspector>
auto inspect(Inspector& f, HistorySlice& x) {
  return f(caf::meta::type_name("history_slice"), x.orders, x.complete, x.needs);
}

// A trade id above every stored one: as a page's `before`, the newest trades.
inline constexpr uint64_t kAboveNewestTrade = INT64_MAX;

// One trade as seen by one of its orders (the taker's reply lists these).
struct Fill {
  uint64_t trade_id = 0;
  Decimal price;
  Decimal qty;
  std::string other_user_id;
  uint64_t maker_order_id = 0;
  bool is_buyer_maker = false;
};

template <class Inspector>
auto inspect(Inspector& f, Fill& x) {
  return f(caf::meta::type_name("fill"), x.trade_id, x.price, x.qty, x.other_user_id,
           x.maker_order_id, x.is_buyer_maker);
}

struct PlaceReply {
  OrderInfo order;
  std::vector<Fill> fills;
};

template <class Inspector>
auto inspect(Inspector& f, PlaceReply& x) {
  return f(caf::meta::type_name("place_reply"), x.order, x.fills);
}

// A public trade, as stored and streamed.
struct TradeRecord {
  std::string market;
  uint64_t trade_id = 0;
  Decimal price;
  Decimal qty;
  uint64_t buy_order_id = 0;
  uint64_t sell_order_id = 0;
  std::string buyer;
  std::string seller;
  bool buyer_maker = false;
  int64_t time_ms = 0;
};

template <class Inspector>
auto inspect(Inspector& f, TradeRecord& x) {
  return f(caf::meta::type_name("trade_record"), x.market, x.trade_id, x.price, x.qty,
           x.buy_order_id, x.sell_order_id, x.buyer, x.seller, x.buyer_maker, x.time_ms);
}

struct PriceLevel {
  Decimal price;
  Decimal qty;  // zero: the level is gone (in diffs)
};

template <class Inspector>
auto inspect(Inspector& f, PriceLevel& x) {
  return f(caf::meta::type_name("price_level"), x.price, x.qty);
}

struct DepthSnapshot {
  std::vector<PriceLevel> bids;  // best (highest) first
  std::vector<PriceLevel> asks;  // best (lowest) first
  uint64_t last_update_id = 0;   // the market sequence number it reflects
};

template <class Inspector>
auto inspect(Inspector& f, DepthSnapshot& x) {
  return f(caf::meta::type_name("depth_snapshot"), x.bids, x.asks, x.last_update_id);
}

template <class Inspector>
auto inspect(Inspector& f, Candle& x) {
  return f(caf::meta::type_name("candle"), x.start_ms, x.open, x.high, x.low, x.close, x.volume,
           x.trades);
}

template <class Inspector>
auto inspect(Inspector& f, TickerStats& x) {
  return f(caf::meta::type_name("ticker_stats"), x.start_ms, x.first_price, x.high, x.low,
           x.last_price, x.volume, x.price_change, x.price_change_percent, x.trades);
}

struct AssetBalance {
  std::string asset;
  Decimal available;
  Decimal locked;
};

template <class Inspector>
auto inspect(Inspector& f, AssetBalance& x) {
  return f(caf::meta::type_name("asset_balance"), x.asset, x.available, x.locked);
}

struct DepositRecord {
  uint64_t deposit_id = 0;
  std::string user_id;
  std::string asset;
  Decimal amount;
  int64_t time_ms = 0;
};

template <class Inspector>
auto inspect(Inspector& f, DepositRecord& x) {
  return f(caf::meta::type_name("deposit_record"), x.deposit_id, x.user_id, x.asset, x.amount,
           x.time_ms);
}

// What a client asks for when it places an order (validated at the edge for shape, by
// the market's rules in the account).
struct PlaceOrder {
  std::string user_id;
  std::string market;
  OrderRequest request;
  OrderKind kind = OrderKind::limit;
  Product product = Product::intraday;
  std::string client_order_id;
};

template <class Inspector>
auto inspect(Inspector& f, OrderRequest& x) {
  return f(caf::meta::type_name("order_request"), x.side, x.is_market, x.price, x.quantity,
           x.quote_quantity, x.tif, x.post_only);
}

template <class Inspector>
auto inspect(Inspector& f, PlaceOrder& x) {
  return f(caf::meta::type_name("place_order"), x.user_id, x.market, x.request, x.kind, x.product,
           x.client_order_id);
}

// The one spelling of each enum, on the wire and in storage ("buy", "GTC",
// "PARTIALLY_FILLED"): stable text that does not depend on the enumerators' order.
const char* name_of(Side side);           // "buy", "sell"
const char* name_of(OrderKind kind);      // "limit", "market"
const char* name_of(TimeInForce tif);     // "GTC", "IOC", "FOK"
const char* name_of(Product product);     // "intraday", "delivery"
const char* name_of(OrderStatus status);  // "NEW", "PARTIALLY_FILLED", "FILLED", ...

// Exact-match parsing; false (leaving `out` untouched) for a name it does not know.
bool parse_name(std::string_view text, Side& out);
bool parse_name(std::string_view text, OrderKind& out);
bool parse_name(std::string_view text, TimeInForce& out);
bool parse_name(std::string_view text, Product& out);
bool parse_name(std::string_view text, OrderStatus& out);

}  // namespace ex
