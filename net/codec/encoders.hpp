// The wire format of every API response and stream event (shared/API.md): one function
// per JSON shape, so each shape is defined exactly once and shared by the edge, the hubs
// (which serialize each event once for all its subscribers) and the tests.
//
// Part 1 shapes keep the original types, quirks included: in REST responses money is a
// JSON number written from the exact decimal text (1000.97, never via double), except
// where the original used strings (fills[].price, depth levels); every stream payload
// carries money as strings. Part 2 fields are added after the original ones. Order ids
// are written with order_id_text(). Pure: no I/O; thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/common/domain.hpp"
#include "actors/common/status.hpp"
#include "actors/gateway/exchange_api.hpp"
#include "actors/market/candles.hpp"
#include "actors/market/market_spec.hpp"

namespace ex {

// ---- Errors: {"code":"INSUFFICIENT_FUNDS","message":"..."} ----
std::string encode_error(const Error& error);
std::string encode_error(std::string_view code, std::string_view message);

// ---- REST responses ----
// POST /api/v1/order: {"orderId","executedQty":n,"fills":[{"price":"s","qty":n,"tradeId":n,
// "otherUserId","markerOrderId","isBuyerMaker"}],"status","remainingQty":n,"clientOrderId"}.
std::string encode_place_reply(const PlaceReply& reply);
// DELETE /api/v1/order: {"orderId","executedQty":n,"remainingQty":n}.
std::string encode_cancel_reply(const CancelReply& reply);
// DELETE /api/v1/orders: an array of cancel replies.
std::string encode_cancel_all_reply(const std::vector<CancelReply>& replies);
// GET /api/v1/order/open: [{"price":n,"quantity":n,"orderId","filled":n,"side","userId",
// + "market","clientOrderId","orderType","status","time"}].
std::string encode_open_orders(const std::vector<OrderInfo>& orders);
// GET /api/v1/order: the order object (money as strings, price null for market orders,
// quoteQuantity null unless a market buy gave one instead of a quantity).
std::string encode_order(const OrderInfo& order);
// GET /api/v1/orders: an array of order objects.
std::string encode_orders(const std::vector<OrderInfo>& orders);
// GET /api/v1/depth: {"bids":[["p","q"]],"asks":[...],"lastUpdateId":n}.
std::string encode_depth(const DepthSnapshot& depth);
// GET /api/v1/klines: [{"close":n,"end":"ISO of the bucket start","high","low","open","volume"}].
std::string encode_klines(const std::vector<Candle>& candles);
// GET /api/v1/tickers?symbol=: {"startTime":"ISO","firstPrice":n,"high","low","lastPrice",
// "volume","priceChange","priceChangePercent"}.
std::string encode_ticker(const TickerStats& stats);
// GET /api/v1/tickers: the same objects with "symbol" first, one per market.
std::string encode_tickers(const std::vector<std::pair<std::string, TickerStats>>& tickers);
// POST /api/v1/on-ramp: {"userId","amount":n} (the available balance after the deposit).
std::string encode_deposit_reply(std::string_view user_id, Decimal available);
// GET /api/v1/markets: [{"symbol","baseAsset","quoteAsset","tickSize","stepSize","minQty",
// "minNotional","priceBand","baseAssetPrecision","quoteAssetPrecision"}] (strings, but the
// precisions, the decimals each asset allows, are numbers; priceBand is band_bps / 10000).
std::string encode_markets(const std::vector<MarketSpec>& markets,
                           const std::vector<AssetSpec>& assets);
// GET /api/v1/balances: {"INR":{"available":"s","locked":"s"},...}.
std::string encode_balances(const std::vector<AssetBalance>& balances);
// GET /api/v1/trades: [{"id":n,"price":"s","qty":"s","time":ms,"isBuyerMaker":b}].
std::string encode_trades(const std::vector<TradeRecord>& trades);
// GET /api/v1/fills: `user`'s side of each trade (strings for money, as Part 2's objects).
std::string encode_user_trades(const std::vector<TradeRecord>& trades, const std::string& user);

// ---- Stream events (one JSON text frame each) ----
// depth@M: {"e":"depth","s":M,"U":first,"u":last,"a":[["p","q"]],"b":[["p","q"]]};
// a quantity "0" means the level is gone.
std::string encode_depth_event(const std::string& market, const std::vector<PriceLevel>& bids,
                               const std::vector<PriceLevel>& asks, uint64_t first_id,
                               uint64_t last_id);
// trade@M: {"e":"trade","s":M,"t":id,"p":"s","q":"s","m":buyerIsMaker,"T":ms}.
std::string encode_trade_event(const TradeRecord& trade);
// fills@M: {"e":"fills","s":M,"orderId","price":"s","quantity":"s","tradeId":n,"userId"};
// one per order taking part in a trade.
std::string encode_fills_event(const std::string& market, uint64_t order_id, Decimal price,
                               Decimal qty, uint64_t trade_id, const std::string& user_id);
// kline@M:I: {"e":"kline","s":M,"i":"1h","timestamp":"ISO bucket start","open":"s","high",
// "low","close","volume"}.
std::string encode_kline_event(const std::string& market, Interval interval, const Candle& candle);
// ticker@M: {"e":"ticker","s":M,"startTime":"ISO","firstPrice":"s","high","low","lastPrice",
// "volume","priceChange","priceChangePercent"}.
std::string encode_ticker_event(const std::string& market, const TickerStats& stats);

}  // namespace ex
