#define CAF_SUITE api_requests
#include <caf/test/unit_test.hpp>

#include "net/codec/api_requests.hpp"
#include "net/identity.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex;

namespace {

template <class T>
T val(const Result<T>& r) {
  if (!r) {
    CAF_FAIL("unexpected error: " << r.error().message);
  }
  return r.value();
}

using ex::testing::dec;
std::string code(ErrorCode c) {
  return code_name(c);
}

std::vector<MarketSpec> make_markets() {
  MarketSpec m = ex::testing::tata_inr();
  MarketSpec n = m;
  n.id = 2;
  n.symbol = "INFY_INR";
  n.base = "INFY";
  n.step_size = dec("1");
  n.min_qty = dec("1");
  return {m, n};
}

// Decoders return pointers into the market list: it must outlive them, as the API's does.
const std::vector<MarketSpec>& markets() {
  static const std::vector<MarketSpec> all = make_markets();
  return all;
}

std::vector<AssetSpec> assets() {
  return {{"TATA", 2}, {"INFY", 0}, {"INR", 2}};
}

Fields body(std::string_view json) {
  auto r = parse_json_object(json);
  if (!r) CAF_FAIL("bad test body: " << r.error().message);
  return std::move(*r);
}

Result<PlaceOrder> place(std::string_view json) {
  return decode_place_order(body(json), "5", markets(), assets());
}

// "CODE: message" of a failed decode, "" if it succeeded.
template <class T>
std::string failure(const Result<T>& r) {
  return r ? std::string() : code(r.error().code) + ": " + r.error().message;
}

}  // namespace

CAF_TEST(the original order request decodes exactly) {
  auto r = place(
      R"({"market":"TATA_INR","side":"buy","price":1000.97,"quantity":2.5,"userId":"5","orderType":"intraday"})");
  CAF_REQUIRE(r.ok());
  CAF_CHECK_EQUAL(r->user_id, "5");
  CAF_CHECK_EQUAL(r->market, "TATA_INR");
  CAF_CHECK(r->request.side == Side::buy);
  CAF_CHECK(!r->request.is_market);
  CAF_CHECK_EQUAL(r->request.price.units(), 100097000000);
  CAF_CHECK_EQUAL(r->request.quantity.units(), 250000000);
  CAF_CHECK(r->request.tif == TimeInForce::gtc);
  CAF_CHECK(r->kind == OrderKind::limit);
  CAF_CHECK(r->product == Product::intraday);
  CAF_CHECK(r->client_order_id.empty());
}

CAF_TEST(part 2 fields decode with defaults) {
  auto r =
      place(R"({"market":"TATA_INR","side":"SELL","price":"1000","quantity":"1e1","type":"limit",
                     "timeInForce":"ioc","postOnly":false,"clientOrderId":"abc_1-X","orderType":"delivery",
                     "unknown":{"ignored":[1,2]}})");
  CAF_REQUIRE(r.ok());
  CAF_CHECK(r->request.side == Side::sell);
  CAF_CHECK_EQUAL(r->request.quantity.to_string(), "10");
  CAF_CHECK(r->request.tif == TimeInForce::ioc);
  CAF_CHECK(r->product == Product::delivery);
  CAF_CHECK_EQUAL(r->client_order_id, "abc_1-X");

  auto m = place(
      R"({"market":"TATA_INR","side":"buy","type":"market","quoteQuantity":500,"price":null})");
  CAF_REQUIRE(m.ok());
  CAF_CHECK(m->request.is_market);
  CAF_CHECK(m->request.tif == TimeInForce::ioc);
  CAF_CHECK(m->request.quantity.is_zero());
  CAF_CHECK_EQUAL(m->request.quote_quantity.to_string(), "500");

  auto fok = place(
      R"({"market":"TATA_INR","side":"sell","type":"market","quantity":1,"timeInForce":"FOK"})");
  CAF_REQUIRE(fok.ok());
  CAF_CHECK(fok->request.tif == TimeInForce::fok);
}

CAF_TEST(a market order refuses what it would not honour) {
  // A price would not limit it, GTC would not keep it, and a quote amount finer than the
  // quote asset could not be spent exactly: each is refused rather than ignored.
  CAF_CHECK_EQUAL(
      failure(
          place(R"({"market":"TATA_INR","side":"buy","type":"market","price":1000,"quantity":1})")),
      "INVALID_PRICE: field 'price': a market order has no price; send type 'limit' to set one");
  CAF_CHECK_EQUAL(
      failure(
          place(R"({"market":"TATA_INR","side":"buy","type":"market","price":"x","quantity":1})")),
      "INVALID_PRICE: field 'price' must be a decimal number with at most 8 decimals and within "
      "range, not 'x'");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"sell","type":"market",
                                    "quantity":1,"timeInForce":"GTC"})")),
                  "INVALID_FIELD: field 'timeInForce': a market order cannot rest, so it is IOC "
                  "or FOK, not GTC");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"buy","type":"market",
                                    "quoteQuantity":"100.999"})")),
                  "INVALID_QUANTITY: field 'quoteQuantity' has more than 2 decimals, the "
                  "precision of INR");
  CAF_CHECK(
      place(R"({"market":"TATA_INR","side":"buy","type":"market","quoteQuantity":"100.99"})").ok());
  CAF_CHECK(
      place(R"({"market":"TATA_INR","side":"buy","price":1,"quantity":1,"timeInForce":"GTC"})")
          .ok());
}

CAF_TEST(order errors name the field) {
  CAF_CHECK_EQUAL(failure(place(R"({"side":"buy","price":1,"quantity":1})")),
                  "MISSING_FIELD: missing field 'market'");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"NOPE_INR","side":"buy","price":1,"quantity":1})")),
                  "UNKNOWN_MARKET: unknown market 'NOPE_INR'");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","price":1,"quantity":1})")),
                  "MISSING_FIELD: missing field 'side'");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"hold","price":1,"quantity":1})")),
                  "INVALID_FIELD: field 'side' must be 'buy' or 'sell', not 'hold'");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":1,"price":1,"quantity":1})")),
                  "INVALID_FIELD: field 'side' must be a string, not a number");
  CAF_CHECK_EQUAL(
      failure(place(R"({"market":"TATA_INR","side":"buy","type":"stop","price":1,"quantity":1})")),
      "INVALID_FIELD: field 'type' must be 'limit' or 'market', not 'stop'");
  CAF_CHECK_EQUAL(
      failure(place(
          R"({"market":"TATA_INR","side":"buy","orderType":"swing","price":1,"quantity":1})")),
      "INVALID_FIELD: field 'orderType' must be 'intraday' or 'delivery', not 'swing'");
  CAF_CHECK_EQUAL(
      failure(place(
          R"({"market":"TATA_INR","side":"buy","timeInForce":"GTD","price":1,"quantity":1})")),
      "INVALID_FIELD: field 'timeInForce' must be 'GTC', 'IOC' or 'FOK', not 'GTD'");
  CAF_CHECK_EQUAL(
      failure(
          place(R"({"market":"TATA_INR","side":"buy","postOnly":"yes","price":1,"quantity":1})")),
      "INVALID_FIELD: field 'postOnly' must be true or false, not a string");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"buy","quantity":1})")),
                  "MISSING_FIELD: missing field 'price'");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"buy","price":1})")),
                  "MISSING_FIELD: missing field 'quantity'");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"buy","type":"market"})")),
                  "MISSING_FIELD: missing field 'quantity' (or 'quoteQuantity')");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"buy","price":0,"quantity":1})")),
                  "INVALID_PRICE: field 'price' must be positive");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"buy","price":-5,"quantity":1})")),
                  "INVALID_PRICE: field 'price' must be positive");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"buy","price":10,"quantity":0})")),
                  "INVALID_QUANTITY: field 'quantity' must be positive");
  CAF_CHECK_EQUAL(
      failure(place(R"({"market":"TATA_INR","side":"buy","price":10,"quantity":"-1"})")),
      "INVALID_QUANTITY: field 'quantity' must be positive");
  CAF_CHECK_EQUAL(
      failure(place(R"({"market":"TATA_INR","side":"buy","price":[1],"quantity":1})")),
      "INVALID_FIELD: field 'price' must be a number or a decimal string, not an array");
  CAF_CHECK(
      failure(place(R"({"market":"TATA_INR","side":"buy","price":1.000000001,"quantity":1})"))
          .find("INVALID_PRICE: field 'price' must be a decimal number with at most 8 decimals") ==
      0);
  CAF_CHECK(failure(place(R"({"market":"TATA_INR","side":"buy","price":1e30,"quantity":1})"))
                .find("INVALID_PRICE: field 'price'") == 0);
  CAF_CHECK(failure(place(R"({"market":"TATA_INR","side":"buy","price":10,"quantity":"lots"})"))
                .find("INVALID_QUANTITY: field 'quantity'") == 0);
  // The market's own rules, from the shared rule set.
  CAF_CHECK_EQUAL(
      failure(place(R"({"market":"TATA_INR","side":"buy","price":1000.973,"quantity":1})")),
      "INVALID_PRICE: price 1000.973 is not a multiple of the tick size 0.01");
  CAF_CHECK_EQUAL(
      failure(place(R"({"market":"INFY_INR","side":"buy","price":100,"quantity":1.5})")),
      "INVALID_QUANTITY: quantity 1.5 is not a multiple of the step size 1");
  CAF_CHECK_EQUAL(failure(place(R"({"market":"TATA_INR","side":"buy","price":0.01,"quantity":1})")),
                  "MIN_NOTIONAL: order value is below the minimum 1");
  CAF_CHECK_EQUAL(
      failure(place(
          R"({"market":"TATA_INR","side":"buy","price":10,"quantity":1,"postOnly":true,"timeInForce":"IOC"})")),
      "INVALID_FIELD: postOnly needs a GTC limit order");
  CAF_CHECK_EQUAL(
      failure(
          place(R"({"market":"TATA_INR","side":"buy","price":10,"quantity":1,"quoteQuantity":5})")),
      "INVALID_FIELD: field 'quoteQuantity' is only for market buys: give 'quantity'");
  CAF_CHECK_EQUAL(
      failure(place(R"({"market":"TATA_INR","side":"sell","type":"market","quoteQuantity":5})")),
      "INVALID_FIELD: field 'quoteQuantity' is only for market buys: a sell gives 'quantity'");
  CAF_CHECK_EQUAL(
      failure(place(
          R"({"market":"TATA_INR","side":"buy","type":"market","quantity":1,"quoteQuantity":5})")),
      "INVALID_FIELD: give 'quantity' or 'quoteQuantity', not both");
  CAF_CHECK_EQUAL(
      failure(place(
          R"({"market":"TATA_INR","side":"buy","price":10,"quantity":1,"clientOrderId":"has space"})")),
      "INVALID_FIELD: field 'clientOrderId' may contain only letters, digits, '_' and '-'");
  CAF_CHECK_EQUAL(
      failure(place(
          R"({"market":"TATA_INR","side":"buy","price":10,"quantity":1,"clientOrderId":"0123456789012345678901234567890123456"})")),
      "INVALID_FIELD: field 'clientOrderId' is longer than 36 characters");
}

CAF_TEST(identity is the userId the request names) {
  CAF_CHECK_EQUAL(val(identify(body(R"({"userId":"5"})"), {})), "5");
  CAF_CHECK_EQUAL(val(identify(body(R"({"userId":5})"), {})), "5");
  CAF_CHECK_EQUAL(val(identify(parse_query("userId=abc-9"), {})), "abc-9");
  CAF_CHECK_EQUAL(failure(identify(body(R"({})"), {})), "MISSING_FIELD: missing field 'userId'");
  CAF_CHECK_EQUAL(failure(identify(body(R"({"userId":""})"), {})),
                  "INVALID_FIELD: field 'userId' must not be empty");
  CAF_CHECK_EQUAL(failure(identify(body(R"({"userId":"a/b"})"), {})),
                  "INVALID_FIELD: field 'userId' may contain only letters, digits, '_' and '-'");
  CAF_CHECK_EQUAL(failure(identify(body(R"({"userId":true})"), {})),
                  "INVALID_FIELD: field 'userId' must be a string, not a boolean");
  CAF_CHECK(failure(identify(body(R"({"userId":5.5})"), {})).find("INVALID_FIELD") == 0);
  CAF_CHECK(failure(identify(body(R"({"userId":-5})"), {})).find("INVALID_FIELD") == 0);
  CAF_CHECK_EQUAL(failure(identify(body("{\"userId\":\"" + std::string(65, 'u') + "\"}"), {})),
                  "INVALID_FIELD: field 'userId' is longer than 64 characters");
  CAF_CHECK_EQUAL(val(identify_optional(body(R"({})"), {})), "");
  CAF_CHECK_EQUAL(val(identify_optional(body(R"({"userId":"7"})"), {})), "7");
  CAF_CHECK(!identify_optional(body(R"({"userId":{}})"), {}).ok());
}

CAF_TEST(order references carry their market) {
  std::string id = order_id_text((5u << 12) | 1);  // an id of market 1 (TATA_INR)
  auto r = decode_order_ref(body(R"({"orderId":")" + id + R"(","market":"TATA_INR"})"), markets());
  CAF_REQUIRE(r.ok());
  CAF_CHECK_EQUAL(r->order_id, (5u << 12) | 1);
  CAF_CHECK_EQUAL(r->market->symbol, "TATA_INR");
  CAF_CHECK_EQUAL(failure(decode_order_ref(
                      body(R"({"orderId":")" + id + R"(","market":"INFY_INR"})"), markets())),
                  "UNKNOWN_ORDER: unknown order '" + id + "' in market INFY_INR");
  CAF_CHECK_EQUAL(
      failure(decode_order_ref(body(R"({"orderId":"NOT-AN-ID","market":"TATA_INR"})"), markets())),
      "UNKNOWN_ORDER: unknown order 'NOT-AN-ID' in market TATA_INR");
  CAF_CHECK_EQUAL(failure(decode_order_ref(body(R"({"market":"TATA_INR"})"), markets())),
                  "MISSING_FIELD: missing field 'orderId'");
  CAF_CHECK_EQUAL(failure(decode_order_ref(body(R"({"orderId":"abc"})"), markets())),
                  "MISSING_FIELD: missing field 'market'");
  CAF_CHECK(decode_order_ref(parse_query("orderId=" + id + "&symbol=TATA_INR"), markets()).ok());
}

CAF_TEST(deposits) {
  auto d = decode_deposit(body(R"({"userId":"5","amount":54767.1})"), assets(), markets());
  CAF_REQUIRE(d.ok());
  CAF_CHECK_EQUAL(d->asset, "INR");
  CAF_CHECK_EQUAL(d->amount.to_string(), "54767.1");
  d = decode_deposit(body(R"({"amount":"3","asset":"INFY"})"), assets(), markets());
  CAF_REQUIRE(d.ok());
  CAF_CHECK_EQUAL(d->asset, "INFY");
  CAF_CHECK_EQUAL(
      failure(decode_deposit(body(R"({"amount":"3.5","asset":"INFY"})"), assets(), markets())),
      "INVALID_QUANTITY: field 'amount' has more than 0 decimals, the precision of INFY");
  CAF_CHECK_EQUAL(
      failure(decode_deposit(body(R"({"amount":1,"asset":"BTC"})"), assets(), markets())),
      "INVALID_FIELD: field 'asset': unknown asset 'BTC'");
  CAF_CHECK_EQUAL(failure(decode_deposit(body(R"({"amount":0})"), assets(), markets())),
                  "INVALID_QUANTITY: field 'amount' must be positive");
  CAF_CHECK_EQUAL(failure(decode_deposit(body(R"({"amount":-3})"), assets(), markets())),
                  "INVALID_QUANTITY: field 'amount' must be positive");
  CAF_CHECK_EQUAL(failure(decode_deposit(body(R"({})"), assets(), markets())),
                  "MISSING_FIELD: missing field 'amount'");
}

// 2025-01-29 12:34:56.789 UTC, a Wednesday.
constexpr int64_t kNow = 1738154096789;

CAF_TEST(klines take unix seconds or milliseconds) {
  auto k = decode_klines(
      parse_query("symbol=TATA_INR&interval=1h&startTime=1737564324&endTime=1738169124"), markets(),
      kNow);
  CAF_REQUIRE(k.ok());
  CAF_CHECK(k->interval == Interval::h1);
  CAF_CHECK_EQUAL(k->from_ms, 1737564324000);
  CAF_CHECK_EQUAL(k->to_ms, 1738169124000);
  k = decode_klines(parse_query("symbol=TATA_INR&interval=1w&startTime=1737564324000"), markets(),
                    kNow);
  CAF_REQUIRE(k.ok());
  CAF_CHECK_EQUAL(k->from_ms, 1737564324000);
  CAF_CHECK_EQUAL(k->to_ms, 253402300799999);
  CAF_CHECK_EQUAL(
      failure(decode_klines(parse_query("symbol=TATA_INR&interval=2h"), markets(), kNow)),
      "INVALID_FIELD: field 'interval' must be one of 1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w, not '2h'");
  CAF_CHECK_EQUAL(failure(decode_klines(parse_query("symbol=TATA_INR"), markets(), kNow)),
                  "MISSING_FIELD: missing field 'interval'");
  CAF_CHECK_EQUAL(failure(decode_klines(parse_query("interval=1m"), markets(), kNow)),
                  "MISSING_FIELD: missing field 'symbol'");
  CAF_CHECK_EQUAL(
      failure(decode_klines(parse_query("symbol=TATA_INR&interval=1m&startTime=10&endTime=5"),
                            markets(), kNow)),
      "INVALID_FIELD: field 'startTime' is after 'endTime'");
  CAF_CHECK(failure(decode_klines(parse_query("symbol=TATA_INR&interval=1m&startTime=-1"),
                                  markets(), kNow))
                .find("INVALID_FIELD: field 'startTime' must be a whole number") == 0);
}

CAF_TEST(a klines limit narrows the range to that many buckets) {
  // From startTime: the first `limit` buckets.
  auto k = decode_klines(
      parse_query("symbol=TATA_INR&interval=1h&startTime=1737564324&endTime=1738169124&limit=3"),
      markets(), kNow);
  CAF_REQUIRE(k.ok());
  CAF_CHECK_EQUAL(k->from_ms, 1737564324000);
  CAF_CHECK_EQUAL(k->to_ms, 1737564324000 + 3 * 3600000 - 1);
  // A range shorter than the limit stays as it is.
  k = decode_klines(parse_query("symbol=TATA_INR&interval=1m&startTime=60&endTime=120&limit=1000"),
                    markets(), kNow);
  CAF_REQUIRE(k.ok());
  CAF_CHECK_EQUAL(k->from_ms, 60000);
  CAF_CHECK_EQUAL(k->to_ms, 120000);
  // From startTime 0 when it is given as 0.
  k = decode_klines(parse_query("symbol=TATA_INR&interval=1m&startTime=0&limit=2"), markets(),
                    kNow);
  CAF_REQUIRE(k.ok());
  CAF_CHECK_EQUAL(k->from_ms, 0);
  CAF_CHECK_EQUAL(k->to_ms, 2 * 60000 - 1);
  // Without startTime: the last `limit` buckets, the current one included.
  k = decode_klines(parse_query("symbol=TATA_INR&interval=1m&limit=2"), markets(), kNow);
  CAF_REQUIRE(k.ok());
  CAF_CHECK_EQUAL(k->from_ms, 1738154040000 - 60000);
  CAF_CHECK_EQUAL(k->to_ms, 253402300799999);
  // ... up to endTime when it is given.
  k = decode_klines(parse_query("symbol=TATA_INR&interval=1d&endTime=1737564324&limit=1"),
                    markets(), kNow);
  CAF_REQUIRE(k.ok());
  CAF_CHECK_EQUAL(k->from_ms, 1737504000000);  // 2025-01-22 00:00 UTC
  CAF_CHECK_EQUAL(k->to_ms, 1737564324000);
  // Weeks start on Monday.
  k = decode_klines(parse_query("symbol=TATA_INR&interval=1w&limit=1"), markets(), kNow);
  CAF_REQUIRE(k.ok());
  CAF_CHECK_EQUAL(k->from_ms, 1737936000000);  // Monday 2025-01-27
  for (const char* bad : {"0", "1001", "-1", "x", "1.5"})
    CAF_CHECK(
        failure(decode_klines(parse_query(std::string("symbol=TATA_INR&interval=1m&limit=") + bad),
                              markets(), kNow))
            .find("INVALID_FIELD: field 'limit' must be a whole number from 1 to 1000") == 0);
}

CAF_TEST(limits) {
  CAF_CHECK_EQUAL(val(decode_limit(parse_query(""), 50, 500)), 50u);
  CAF_CHECK_EQUAL(val(decode_limit(parse_query("limit=500"), 50, 500)), 500u);
  CAF_CHECK_EQUAL(failure(decode_limit(parse_query("limit=501"), 50, 500)),
                  "INVALID_FIELD: field 'limit' must be a whole number from 1 to 500, not '501'");
  CAF_CHECK(!decode_limit(parse_query("limit=0"), 50, 500).ok());
  CAF_CHECK(!decode_limit(parse_query("limit=ten"), 50, 500).ok());
}
