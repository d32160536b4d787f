#define CAF_SUITE bots_wire
#include <caf/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "net/client/url.hpp"
#include "net/client/wire.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex::client;
using ex::Decimal;

namespace {
using ex::testing::dec;
std::string text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}
}  // namespace

CAF_TEST(place replies keep numbers exact) {
  auto r = decode_place_result(
      R"({"orderId":"6rq4ll66wte2yex35p64ge","executedQty":6.04,"fills":[{"price":"1004.12",)"
      R"("qty":1.37,"tradeId":36005,"otherUserId":"5","markerOrderId":"cqbeq","isBuyerMaker":true}],)"
      R"("status":"PARTIALLY_FILLED","remainingQty":0.00000001,"clientOrderId":null})");
  CAF_REQUIRE(r.ok());
  CAF_CHECK_EQUAL(r->order_id, "6rq4ll66wte2yex35p64ge");
  CAF_CHECK_EQUAL(r->executed.to_string(), "6.04");
  CAF_CHECK_EQUAL(r->remaining.units(), 1);
  CAF_CHECK(r->open());
  CAF_CHECK(r->client_order_id.empty());
  CAF_REQUIRE_EQUAL(r->fills.size(), 1u);
  CAF_CHECK_EQUAL(r->fills[0].price.to_string(), "1004.12");
  CAF_CHECK_EQUAL(r->fills[0].qty.to_string(), "1.37");
  CAF_CHECK_EQUAL(r->fills[0].trade_id, 36005u);
  CAF_CHECK_EQUAL(r->fills[0].maker_order_id, "cqbeq");
  CAF_CHECK(r->fills[0].buyer_maker);
}

CAF_TEST(numbers with exponents and integers are exact) {
  auto r = decode_cancel_result(R"({"orderId":"a","executedQty":7,"remainingQty":2.5e1})");
  CAF_REQUIRE(r.ok());
  CAF_CHECK_EQUAL(r->executed.to_string(), "7");
  CAF_CHECK_EQUAL(r->remaining.to_string(), "25");
  // 0.1 + 0.2 style values that a double would blur.
  auto b = decode_balances(R"({"INR":{"available":"9999999.99","locked":"0.01"}})");
  CAF_REQUIRE(b.ok());
  CAF_CHECK_EQUAL(b->at("INR").total().to_string(), "10000000");
}

CAF_TEST(malformed replies are errors not crashes) {
  CAF_CHECK(!decode_place_result("not json").ok());
  CAF_CHECK(!decode_place_result(R"({"orderId":"a"})").ok());
  CAF_CHECK(!decode_place_result(R"({"orderId":"a","executedQty":"x","fills":[]})").ok());
  CAF_CHECK(!decode_depth(R"({"bids":[["1"]],"asks":[]})").ok());
  CAF_CHECK(
      !decode_markets(
           R"([{"symbol":"A_B","baseAsset":"A","quoteAsset":"B","tickSize":"0","stepSize":"1"}])")
           .ok());
  auto e = decode_place_result("[]");
  CAF_CHECK_EQUAL(e.error().code, "BAD_REPLY");
}

CAF_TEST(errors carry the API code) {
  auto e = decode_error(422, R"({"code":"INSUFFICIENT_FUNDS","message":"not enough INR"})");
  CAF_CHECK_EQUAL(e.status, 422);
  CAF_CHECK_EQUAL(e.code, "INSUFFICIENT_FUNDS");
  CAF_CHECK_EQUAL(e.message, "not enough INR");
  auto plain = decode_error(502, "Bad Gateway");
  CAF_CHECK_EQUAL(plain.code, "HTTP_502");
  CAF_CHECK(!plain.transport());
}

CAF_TEST(order requests carry money as decimal strings) {
  OrderRequest o;
  o.market = "TATA_INR";
  o.user_id = "5";
  o.side = Side::sell;
  o.price = dec("1000.97");
  o.quantity = dec("2.5");
  o.time_in_force = "GTC";
  o.post_only = true;
  o.client_order_id = "mmabc-1";
  auto j = nlohmann::json::parse(encode_order_request(o));
  CAF_CHECK_EQUAL(text(j["price"]), "1000.97");
  CAF_CHECK_EQUAL(text(j["quantity"]), "2.5");
  CAF_CHECK_EQUAL(text(j["side"]), "sell");
  CAF_CHECK_EQUAL(text(j["type"]), "limit");
  CAF_CHECK_EQUAL(text(j["orderType"]), "intraday");
  CAF_CHECK_EQUAL(text(j["postOnly"]), "true");
  CAF_CHECK_EQUAL(text(j["clientOrderId"]), "mmabc-1");
  CAF_CHECK(!j.contains("quoteQuantity"));
  OrderRequest m;
  m.is_market = true;
  m.quote_quantity = dec("100");
  auto k = nlohmann::json::parse(encode_order_request(m));
  CAF_CHECK_EQUAL(text(k["type"]), "market");
  CAF_CHECK(!k.contains("price"));
  CAF_CHECK(!k.contains("quantity"));
  CAF_CHECK_EQUAL(text(k["quoteQuantity"]), "100");
}

CAF_TEST(markets open orders and depth decode) {
  auto m = decode_markets(
      R"([{"symbol":"TATA_INR","baseAsset":"TATA","quoteAsset":"INR","tickSize":"0.01",)"
      R"("stepSize":"0.01","minQty":"0.01","minNotional":"1","priceBand":"0.1"}])");
  CAF_REQUIRE(m.ok());
  CAF_CHECK_EQUAL(m->at(0).tick_size.to_string(), "0.01");
  CAF_CHECK_EQUAL(m->at(0).min_notional.to_string(), "1");
  CAF_CHECK(!m->at(0).base_precision);  // API.md's first part does not name them
  CAF_CHECK(!m->at(0).precision_of("INR"));
  auto open = decode_open_orders(
      R"([{"price":1000.97,"quantity":2.92,"orderId":"vow8","filled":1.67,"side":"buy","userId":"5",)"
      R"("clientOrderId":"mm-1","status":"PARTIALLY_FILLED"}])");
  CAF_REQUIRE(open.ok());
  CAF_CHECK_EQUAL(open->at(0).price.to_string(), "1000.97");
  CAF_CHECK_EQUAL(open->at(0).executed.to_string(), "1.67");
  CAF_CHECK_EQUAL(open->at(0).client_order_id, "mm-1");
  CAF_CHECK(open->at(0).open());
  auto order = decode_order(
      R"({"orderId":"x","clientOrderId":null,"market":"TATA_INR","userId":"5","side":"sell",)"
      R"("type":"limit","price":"10","quantity":"3","executedQty":"3","remainingQty":"0","status":"FILLED"})");
  CAF_REQUIRE(order.ok());
  CAF_CHECK(!order->open());
  CAF_CHECK(order->side == Side::sell);
  auto d =
      decode_depth(R"({"bids":[["1001.46","1.36"]],"asks":[["1010","2.56"]],"lastUpdateId":42})");
  CAF_REQUIRE(d.ok());
  CAF_CHECK_EQUAL(d->last_update_id, 42u);
  CAF_CHECK_EQUAL(d->asks[0].qty.to_string(), "2.56");
}

CAF_TEST(markets carry the precisions of their assets when the exchange states them) {
  auto m = decode_markets(
      R"([{"symbol":"GOLD_USD","baseAsset":"GOLD","quoteAsset":"USD","tickSize":"0.01",)"
      R"("stepSize":"0.001","baseAssetPrecision":4,"quoteAssetPrecision":0}])");
  CAF_REQUIRE(m.ok());
  CAF_CHECK_EQUAL(m->at(0).precision_of("GOLD"), std::optional<int>(4));
  CAF_CHECK_EQUAL(m->at(0).precision_of("USD"), std::optional<int>(0));
  CAF_CHECK(!m->at(0).precision_of("INR"));
  auto null = decode_markets(
      R"([{"symbol":"A_B","baseAsset":"A","quoteAsset":"B","tickSize":"1","stepSize":"1",)"
      R"("baseAssetPrecision":null}])");
  CAF_REQUIRE(null.ok());
  CAF_CHECK(!null->at(0).base_precision);
  // Anything but a whole number of decimals from 0 to 8 is a bad reply, not a guess.
  for (const char* bad : {"9", "-1", "2.5", "\"2\"", "true", "18446744073709551615"}) {
    auto r = decode_markets(
        std::string(R"([{"symbol":"A_B","baseAsset":"A","quoteAsset":"B","tickSize":"1",)") +
        R"("stepSize":"1","quoteAssetPrecision":)" + bad + "}]");
    CAF_CHECK(!r.ok());
    if (!r.ok()) CAF_CHECK_EQUAL(r.error().code, "BAD_REPLY");
  }
}

CAF_TEST(stream events decode by type) {
  auto f = decode_stream_event(
      R"({"e":"fills","s":"TATA_INR","orderId":"6rq","price":"1005.50","quantity":"10.25","tradeId":36005,"userId":"5"})");
  auto* fill = std::get_if<FillEvent>(&f);
  CAF_REQUIRE(fill != nullptr);
  CAF_CHECK_EQUAL(fill->price.to_string(), "1005.5");
  CAF_CHECK_EQUAL(fill->user_id, "5");
  auto d = decode_stream_event(
      R"({"e":"depth","s":"TATA_INR","U":5,"u":7,"a":[["1009.28","0"]],"b":[]})");
  auto* depth = std::get_if<DepthEvent>(&d);
  CAF_REQUIRE(depth != nullptr);
  CAF_CHECK_EQUAL(depth->first_id, 5u);
  CAF_CHECK_EQUAL(depth->last_id, 7u);
  CAF_CHECK(depth->asks[0].qty.is_zero());
  auto t = decode_stream_event(
      R"({"e":"trade","s":"X_Y","t":9,"p":"1.5","q":"2","m":true,"T":1740939427000})");
  CAF_REQUIRE(std::get_if<TradeEvent>(&t) != nullptr);
  CAF_CHECK_EQUAL(std::get<TradeEvent>(t).trade.time_ms, 1740939427000);
  auto ack = decode_stream_event(R"({"result":null,"id":1})");
  CAF_CHECK(std::get_if<StreamReply>(&ack) && std::get<StreamReply>(ack).ok);
  auto err = decode_stream_event(R"({"error":{"code":"X","message":"no such stream"},"id":1})");
  CAF_CHECK(std::get_if<StreamReply>(&err) && !std::get<StreamReply>(err).ok);
  bool malformed = false;
  auto bad = decode_stream_event("{", &malformed);
  CAF_CHECK(malformed);
  CAF_CHECK(std::holds_alternative<std::monostate>(bad));
  auto kline = decode_stream_event(R"({"e":"kline","s":"X_Y"})", &malformed);
  CAF_CHECK(!malformed);
  CAF_CHECK(std::holds_alternative<std::monostate>(kline));
}

CAF_TEST(urls) {
  auto u = parse_url("http://127.0.0.1:3001");
  CAF_REQUIRE(u.has_value());
  CAF_CHECK_EQUAL(u->host, "127.0.0.1");
  CAF_CHECK_EQUAL(u->port, 3001);
  CAF_CHECK_EQUAL(u->path, "/");
  CAF_CHECK_EQUAL(ws_url_on_http_port(*u).text(), "ws://127.0.0.1:3001/ws");
  auto w = parse_url("ws://localhost:3002/");
  CAF_REQUIRE(w.has_value());
  CAF_CHECK_EQUAL(w->scheme, "ws");
  auto plain = parse_url("http://h");
  CAF_REQUIRE(plain.has_value());
  CAF_CHECK_EQUAL(plain->port, 80);
  CAF_CHECK(!parse_url("https://h:1"));
  CAF_CHECK(!parse_url("http://:1"));
  CAF_CHECK(!parse_url("http://h:99999"));
  CAF_CHECK(!parse_url("h:1"));
  CAF_CHECK_EQUAL(url_encode("a b/5"), "a%20b%2F5");
}
