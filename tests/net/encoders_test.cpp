#define CAF_SUITE encoders
#include <caf/test/unit_test.hpp>

#include "net/codec/encoders.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex;

namespace {

using ex::testing::dec;

constexpr uint64_t kOrder5 = (5u << 12) | 1;  // "fsx"
constexpr uint64_t kOrder6 = (6u << 12) | 1;  // "iyp"
constexpr uint64_t kOrder7 = (7u << 12) | 1;  // "m4h"

OrderInfo limit_order() {
  OrderInfo o;
  o.order_id = kOrder5;
  o.client_order_id = "my-1";
  o.market = "TATA_INR";
  o.user_id = "5";
  o.side = Side::buy;
  o.kind = OrderKind::limit;
  o.tif = TimeInForce::gtc;
  o.post_only = true;
  o.product = Product::delivery;
  o.price = dec("1000.97");
  o.quantity = dec("2.92");
  o.executed = dec("1.67");
  o.executed_quote = dec("1671.6199");  // 1.67 at 1000.97 (the limit) less what was cheaper
  o.status = OrderStatus::partially_filled;
  o.time_ms = 1737792000123;
  return o;
}

TickerStats ticker() {
  TickerStats t;
  t.start_ms = 1740941827356;
  t.first_price = dec("1005.97");
  t.high = dec("1009.22");
  t.low = dec("1000.39");
  t.last_price = dec("1005");
  t.volume = dec("2036.24");
  t.price_change = dec("-0.97");
  t.price_change_percent = dec("-0.1");
  return t;
}

Candle candle() {
  Candle c;
  c.start_ms = 1737792000000;
  c.open = dec("1007.1");
  c.high = dec("1009.86");
  c.low = dec("1000.17");
  c.close = dec("1003.22");
  c.volume = dec("4082.56");
  c.trades = 12;
  return c;
}

}  // namespace

CAF_TEST(order ids are lowercase base 36) {
  CAF_CHECK_EQUAL(order_id_text(kOrder5), "fsx");
  CAF_CHECK_EQUAL(order_id_text(kOrder6), "iyp");
  CAF_CHECK_EQUAL(order_id_text(kOrder7), "m4h");
}

CAF_TEST(errors) {
  CAF_CHECK_EQUAL(encode_error(make_error(ErrorCode::insufficient_funds, "need 10 INR")),
                  R"({"code":"INSUFFICIENT_FUNDS","message":"need 10 INR"})");
  CAF_CHECK_EQUAL(encode_error("NOT_FOUND", "no \"x\""),
                  R"({"code":"NOT_FOUND","message":"no \"x\""})");
}

CAF_TEST(place reply keeps the original types and adds status remainingQty clientOrderId) {
  PlaceReply r;
  r.order = limit_order();
  r.order.client_order_id.clear();
  r.order.executed = dec("6.04");
  r.order.quantity = dec("10");
  r.order.status = OrderStatus::partially_filled;
  Fill f1{36005, dec("1004.12"), dec("1.37"), "5", kOrder6, true};
  Fill f2{36006, dec("1004.5"), dec("4.67"), "2", kOrder7, true};
  r.fills = {f1, f2};
  CAF_CHECK_EQUAL(
      encode_place_reply(r),
      R"({"orderId":"fsx","executedQty":6.04,"fills":[)"
      R"({"price":"1004.12","qty":1.37,"tradeId":36005,"otherUserId":"5","markerOrderId":"iyp","isBuyerMaker":true},)"
      R"({"price":"1004.5","qty":4.67,"tradeId":36006,"otherUserId":"2","markerOrderId":"m4h","isBuyerMaker":true}],)"
      R"("status":"PARTIALLY_FILLED","remainingQty":3.96,"clientOrderId":null})");
  r.fills.clear();
  r.order.client_order_id = "abc";
  r.order.executed = dec("0");
  r.order.status = OrderStatus::new_;
  CAF_CHECK_EQUAL(
      encode_place_reply(r),
      R"({"orderId":"fsx","executedQty":0,"fills":[],"status":"NEW","remainingQty":10,"clientOrderId":"abc"})");
  r.order.status = OrderStatus::expired;  // closed: nothing remains open
  CAF_CHECK_EQUAL(
      encode_place_reply(r),
      R"({"orderId":"fsx","executedQty":0,"fills":[],"status":"EXPIRED","remainingQty":0,"clientOrderId":"abc"})");
}

CAF_TEST(cancel replies keep the original numbers and add status and clientOrderId) {
  CancelReply c{kOrder5, dec("7"), dec("2"), ""};
  CAF_CHECK_EQUAL(
      encode_cancel_reply(c),
      R"({"orderId":"fsx","executedQty":7,"remainingQty":2,"status":"CANCELED","clientOrderId":null})");
  CancelReply d{kOrder6, dec("0"), dec("0.5"), "my-2"};
  CAF_CHECK_EQUAL(encode_cancel_all_reply({c, d}),
                  R"([{"orderId":"fsx","executedQty":7,"remainingQty":2,"status":"CANCELED",)"
                  R"("clientOrderId":null},{"orderId":"iyp","executedQty":0,"remainingQty":0.5,)"
                  R"("status":"CANCELED","clientOrderId":"my-2"}])");
  CAF_CHECK_EQUAL(encode_cancel_all_reply({}), "[]");
}

CAF_TEST(open orders have numbers for money) {
  CAF_CHECK_EQUAL(
      encode_open_orders({limit_order()}),
      R"([{"price":1000.97,"quantity":2.92,"orderId":"fsx","filled":1.67,"remainingQty":1.25,)"
      R"("side":"buy","userId":"5",)"
      R"("market":"TATA_INR","clientOrderId":"my-1","orderType":"delivery","status":"PARTIALLY_FILLED",)"
      R"("time":1737792000123}])");
  CAF_CHECK_EQUAL(encode_open_orders({}), "[]");
}

CAF_TEST(order objects have strings for money and null price for market orders) {
  CAF_CHECK_EQUAL(
      encode_order(limit_order()),
      R"({"orderId":"fsx","clientOrderId":"my-1","market":"TATA_INR","userId":"5","side":"buy",)"
      R"("type":"limit","timeInForce":"GTC","postOnly":true,"orderType":"delivery","price":"1000.97",)"
      R"("quantity":"2.92","quoteQuantity":null,"executedQty":"1.67","executedQuoteQty":"1671.6199",)"
      R"("remainingQty":"1.25",)"
      R"("status":"PARTIALLY_FILLED","time":1737792000123})");
  OrderInfo m;
  m.order_id = kOrder6;
  m.market = "TATA_INR";
  m.user_id = "2";
  m.side = Side::sell;
  m.kind = OrderKind::market;
  m.tif = TimeInForce::ioc;
  m.quantity = dec("3");
  m.executed = dec("1");
  m.executed_quote = dec("999.5");
  m.status = OrderStatus::expired;
  m.time_ms = 5;
  CAF_CHECK_EQUAL(
      encode_orders({m}),
      R"([{"orderId":"iyp","clientOrderId":null,"market":"TATA_INR","userId":"2","side":"sell",)"
      R"("type":"market","timeInForce":"IOC","postOnly":false,"orderType":"intraday","price":null,)"
      R"("quantity":"3","quoteQuantity":null,"executedQty":"1","executedQuoteQty":"999.5",)"
      R"("remainingQty":"0","status":"EXPIRED","time":5}])");
  // A market buy by quote amount reports that amount (and quantity 0: it named none).
  m.side = Side::buy;
  m.quantity = dec("0");
  m.quote_quantity = dec("5000");
  m.status = OrderStatus::expired;
  CAF_CHECK(encode_order(m).find(R"("quantity":"0","quoteQuantity":"5000","executedQty":"1",)") !=
            std::string::npos);
}

CAF_TEST(wire names) {
  CAF_CHECK_EQUAL(std::string(name_of(OrderStatus::new_)), "NEW");
  CAF_CHECK_EQUAL(std::string(name_of(OrderStatus::filled)), "FILLED");
  CAF_CHECK_EQUAL(std::string(name_of(OrderStatus::canceled)), "CANCELED");
  CAF_CHECK_EQUAL(std::string(name_of(OrderStatus::rejected)), "REJECTED");
  CAF_CHECK_EQUAL(std::string(name_of(TimeInForce::fok)), "FOK");
  CAF_CHECK_EQUAL(std::string(name_of(Side::sell)), "sell");
}

CAF_TEST(depth snapshot and events) {
  DepthSnapshot d;
  d.bids = {{dec("1001.46"), dec("1.36")}, {dec("1001.45"), dec("1.68")}};
  d.asks = {{dec("1010"), dec("2.56")}, {dec("1021"), dec("9")}};
  d.last_update_id = 42;
  CAF_CHECK_EQUAL(
      encode_depth(d),
      R"({"bids":[["1001.46","1.36"],["1001.45","1.68"]],"asks":[["1010","2.56"],["1021","9"]],"lastUpdateId":42})");
  CAF_CHECK_EQUAL(encode_depth(DepthSnapshot{}), R"({"bids":[],"asks":[],"lastUpdateId":0})");
  CAF_CHECK_EQUAL(
      encode_depth_event("TATA_INR", {{dec("1009.28"), dec("3")}},
                         {{dec("1009.28"), dec("7")}, {dec("1010"), dec("0")}}, 43, 45),
      R"({"e":"depth","s":"TATA_INR","U":43,"u":45,"a":[["1009.28","7"],["1010","0"]],"b":[["1009.28","3"]]})");
}

CAF_TEST(klines and kline events) {
  CAF_CHECK_EQUAL(
      encode_klines({candle()}),
      R"([{"close":1003.22,"end":"2025-01-25T08:00:00.000Z","high":1009.86,"low":1000.17,"open":1007.1,"volume":4082.56}])");
  CAF_CHECK_EQUAL(
      encode_kline_event("TATA_INR", Interval::h1, candle()),
      R"({"e":"kline","s":"TATA_INR","i":"1h","timestamp":"2025-01-25T08:00:00.000Z","open":"1007.1",)"
      R"("high":"1009.86","low":"1000.17","close":"1003.22","volume":"4082.56"})");
}

CAF_TEST(tickers as numbers over REST and strings in events) {
  CAF_CHECK_EQUAL(
      encode_ticker(ticker()),
      R"({"startTime":"2025-03-02T18:57:07.356Z","firstPrice":1005.97,"high":1009.22,"low":1000.39,)"
      R"("lastPrice":1005,"volume":2036.24,"priceChange":-0.97,"priceChangePercent":-0.1})");
  CAF_CHECK_EQUAL(
      encode_tickers({{"TATA_INR", ticker()}, {"INFY_INR", TickerStats{}}}),
      R"([{"symbol":"TATA_INR","startTime":"2025-03-02T18:57:07.356Z","firstPrice":1005.97,"high":1009.22,)"
      R"("low":1000.39,"lastPrice":1005,"volume":2036.24,"priceChange":-0.97,"priceChangePercent":-0.1},)"
      R"({"symbol":"INFY_INR","startTime":"1970-01-01T00:00:00.000Z","firstPrice":0,"high":0,"low":0,)"
      R"("lastPrice":0,"volume":0,"priceChange":0,"priceChangePercent":0}])");
  CAF_CHECK_EQUAL(
      encode_ticker_event("TATA_INR", ticker()),
      R"({"e":"ticker","s":"TATA_INR","startTime":"2025-03-02T18:57:07.356Z","firstPrice":"1005.97",)"
      R"("high":"1009.22","low":"1000.39","lastPrice":"1005","volume":"2036.24","priceChange":"-0.97",)"
      R"("priceChangePercent":"-0.1"})");
}

CAF_TEST(trades fills and deposits) {
  TradeRecord t;
  t.market = "TATA_INR";
  t.trade_id = 36005;
  t.price = dec("1005.50");
  t.qty = dec("10.25");
  t.buy_order_id = kOrder5;
  t.sell_order_id = kOrder6;
  t.buyer = "5";
  t.seller = "2";
  t.buyer_maker = true;
  t.time_ms = 1740939427000;
  CAF_CHECK_EQUAL(
      encode_trade_event(t),
      R"({"e":"trade","s":"TATA_INR","t":36005,"p":"1005.5","q":"10.25","m":true,"T":1740939427000})");
  CAF_CHECK_EQUAL(
      encode_trades({t}),
      R"([{"id":36005,"price":"1005.5","qty":"10.25","time":1740939427000,"isBuyerMaker":true}])");
  // Each side of the trade as its user sees it: the buyer made it, the seller took it.
  CAF_CHECK_EQUAL(encode_user_trades({t}, "5"),
                  R"([{"market":"TATA_INR","tradeId":36005,"orderId":"fsx","side":"buy",)"
                  R"("price":"1005.5","qty":"10.25","quoteQty":"10306.375","isMaker":true,)"
                  R"("time":1740939427000}])");
  CAF_CHECK_EQUAL(encode_user_trades({t}, "2"),
                  R"([{"market":"TATA_INR","tradeId":36005,"orderId":"iyp","side":"sell",)"
                  R"("price":"1005.5","qty":"10.25","quoteQty":"10306.375","isMaker":false,)"
                  R"("time":1740939427000}])");
  CAF_CHECK_EQUAL(
      encode_fills_event("TATA_INR", kOrder5, dec("1005.5"), dec("10.25"), 36005, "5"),
      R"({"e":"fills","s":"TATA_INR","orderId":"fsx","price":"1005.5","quantity":"10.25","tradeId":36005,"userId":"5"})");
  CAF_CHECK_EQUAL(encode_deposit_reply("5", dec("74298.45")),
                  R"({"userId":"5","amount":74298.45})");
}

CAF_TEST(markets and balances) {
  MarketSpec m = ex::testing::tata_inr();
  m.step_size = dec("0.1");
  m.min_qty = dec("0.1");
  m.min_notional = dec("1");
  m.band_bps = 1000;
  const std::vector<AssetSpec> assets{{"INR", 2}, {"TATA", 4}};
  CAF_CHECK_EQUAL(
      encode_markets({m}, assets),
      R"([{"symbol":"TATA_INR","baseAsset":"TATA","quoteAsset":"INR","tickSize":"0.01","stepSize":"0.1",)"
      R"("minQty":"0.1","minNotional":"1","priceBand":"0.1","baseAssetPrecision":4,)"
      R"("quoteAssetPrecision":2}])");
  m.band_bps = 25;
  CAF_CHECK(encode_markets({m}, assets).find(R"("priceBand":"0.0025")") != std::string::npos);
  CAF_CHECK_EQUAL(
      encode_balances({{"INR", dec("100.5"), dec("0")}, {"TATA", dec("0"), dec("3")}}),
      R"({"INR":{"available":"100.5","locked":"0"},"TATA":{"available":"0","locked":"3"}})");
  CAF_CHECK_EQUAL(encode_balances({}), "{}");
}
