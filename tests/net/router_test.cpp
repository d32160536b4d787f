#define CAF_SUITE router
#include <caf/test/unit_test.hpp>

#include <future>

#include "net/router.hpp"
#include "tests/net/fake_api.hpp"

using namespace ex;
using ex::test::dec;
using ex::test::FakeApi;

namespace {

struct fixture {
  FakeApi api;
  Router router{api};

  ApiReply call(const char* method, const char* path, std::string query = "",
                std::string body = "") {
    ApiRequest req;
    req.route = match_route(path);
    req.method = method;
    req.query = query;
    req.body = body;
    std::promise<ApiReply> promise;
    auto future = promise.get_future();
    router.handle(req, [&promise](ApiReply r) { promise.set_value(std::move(r)); });
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      CAF_FAIL("no reply");
    }
    return future.get();
  }

  std::string last_call() {
    auto calls = api.calls();
    return calls.empty() ? std::string() : calls.back();
  }
};

}  // namespace

CAF_TEST(routes match paths) {
  CAF_CHECK(match_route("/api/v1/order") == RouteId::order);
  CAF_CHECK(match_route("/api/v1/order/") == RouteId::order);
  CAF_CHECK(match_route("/api/v1/order/open") == RouteId::order_open);
  CAF_CHECK(match_route("/api/v1/orders") == RouteId::orders);
  CAF_CHECK(match_route("/api/v1/nope") == RouteId::not_found);
  CAF_CHECK(match_route("/api") == RouteId::not_found);
  CAF_CHECK(match_route("/ws") == RouteId::ws);
  CAF_CHECK(match_route("/") == RouteId::static_file);
  CAF_CHECK(match_route("/trade/TATA_INR") == RouteId::static_file);
  CAF_CHECK_EQUAL(std::string(route_label(RouteId::depth)), "/api/v1/depth");
}

CAF_TEST(absolute form targets lose scheme and host in any case) {
  CAF_CHECK_EQUAL(std::string(origin_form("/api/v1/depth?symbol=X")), "/api/v1/depth?symbol=X");
  CAF_CHECK_EQUAL(std::string(origin_form("http://h:3001/api/v1/depth?symbol=X")),
                  "/api/v1/depth?symbol=X");
  CAF_CHECK_EQUAL(std::string(origin_form("HTTPS://h/health")), "/health");
  CAF_CHECK_EQUAL(std::string(origin_form("http://h")), "/");
  CAF_CHECK_EQUAL(std::string(origin_form("http://h?x=1")), "/");
  CAF_CHECK_EQUAL(std::string(origin_form("ftp://h/health")), "ftp://h/health");
  CAF_CHECK_EQUAL(std::string(*after_http_scheme("Http://Example.com")), "Example.com");
  CAF_CHECK(!after_http_scheme("http:/x"));
  CAF_CHECK(!after_http_scheme(""));
}

CAF_TEST_FIXTURE_SCOPE(router_tests, fixture)

CAF_TEST(place order) {
  auto r = call(
      "POST", "/api/v1/order", "",
      R"({"market":"TATA_INR","side":"buy","price":1000.97,"quantity":2.5,"userId":"5","orderType":"intraday"})");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(
      r.body,
      R"({"orderId":"6rcx","executedQty":0,"fills":[],"status":"NEW","remainingQty":2.5,"clientOrderId":null})");
  CAF_CHECK_EQUAL(last_call(), "place 5 TATA_INR buy 1000.97 2.5");
}

CAF_TEST(bad orders never reach the api) {
  auto r = call("POST", "/api/v1/order", "",
                R"({"market":"TATA_INR","side":"buy","price":"x","quantity":1,"userId":"5"})");
  CAF_CHECK_EQUAL(r.status, 400);
  CAF_CHECK(r.body.find(R"("code":"INVALID_PRICE")") != std::string::npos);
  r = call("POST", "/api/v1/order", "",
           R"({"market":"TATA_INR","side":"buy","price":1,"quantity":1})");
  CAF_CHECK_EQUAL(r.status, 400);
  CAF_CHECK_EQUAL(r.body, R"({"code":"MISSING_FIELD","message":"missing field 'userId'"})");
  r = call("POST", "/api/v1/order", "",
           R"({"market":"X_INR","side":"buy","price":1,"quantity":1,"userId":"5"})");
  CAF_CHECK_EQUAL(r.status, 404);
  r = call("POST", "/api/v1/order", "", "{not json");
  CAF_CHECK_EQUAL(r.status, 400);
  CAF_CHECK(r.body.find(R"("code":"INVALID_JSON")") != std::string::npos);
  r = call("POST", "/api/v1/order", "", "");
  CAF_CHECK_EQUAL(r.status, 400);
  CAF_CHECK(api.calls().empty());
}

CAF_TEST(api errors keep their code and status) {
  api.on_place = [](const PlaceOrder&) {
    return Result<PlaceReply>(make_error(ErrorCode::insufficient_funds, "need 2502.43 INR"));
  };
  auto r =
      call("POST", "/api/v1/order", "",
           R"({"market":"TATA_INR","side":"buy","price":1000.97,"quantity":2.5,"userId":"5"})");
  CAF_CHECK_EQUAL(r.status, 422);
  CAF_CHECK_EQUAL(r.body, R"({"code":"INSUFFICIENT_FUNDS","message":"need 2502.43 INR"})");
  api.cancel_result = make_error(ErrorCode::unknown_order, "no such order");
  r = call("DELETE", "/api/v1/order", "", R"({"orderId":"6rcx","market":"TATA_INR"})");
  CAF_CHECK_EQUAL(r.status, 404);
  api.cancel_result = make_error(ErrorCode::unavailable, "market down");
  r = call("DELETE", "/api/v1/order", "", R"({"orderId":"6rcx","market":"TATA_INR"})");
  CAF_CHECK_EQUAL(r.status, 503);
}

CAF_TEST(cancel with and without owner) {
  auto r = call("DELETE", "/api/v1/order", "", R"({"orderId":"6rcx","market":"TATA_INR"})");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(
      r.body,
      R"({"orderId":"6rcx","executedQty":7,"remainingQty":2,"status":"CANCELED","clientOrderId":null})");
  CAF_CHECK_EQUAL(last_call(), "cancel TATA_INR 6rcx by ''");
  call("DELETE", "/api/v1/order", "", R"({"orderId":"6rcx","market":"TATA_INR","userId":"9"})");
  CAF_CHECK_EQUAL(last_call(), "cancel TATA_INR 6rcx by '9'");
  r = call("DELETE", "/api/v1/orders", "", R"({"market":"TATA_INR","userId":"9"})");
  CAF_CHECK_EQUAL(r.body,
                  R"([{"orderId":"6rcx","executedQty":7,"remainingQty":2,"status":"CANCELED",)"
                  R"("clientOrderId":null}])");
  CAF_CHECK_EQUAL(last_call(), "cancel_all TATA_INR 9");
}

CAF_TEST(one order is hidden from other users) {
  OrderInfo o;
  o.order_id = (77u << 12) | 1;
  o.market = "TATA_INR";
  o.user_id = "5";
  o.price = dec("10");
  o.quantity = dec("1");
  api.order_result = o;
  auto r = call("GET", "/api/v1/order", "orderId=6rcx&market=TATA_INR");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK(r.body.find(R"("orderId":"6rcx")") != std::string::npos);
  r = call("GET", "/api/v1/order", "orderId=6rcx&market=TATA_INR&userId=5");
  CAF_CHECK_EQUAL(r.status, 200);
  r = call("GET", "/api/v1/order", "orderId=6rcx&market=TATA_INR&userId=6");
  CAF_CHECK_EQUAL(r.status, 404);
  CAF_CHECK_EQUAL(
      r.body, R"({"code":"UNKNOWN_ORDER","message":"unknown order '6rcx' in market TATA_INR"})");
}

CAF_TEST(queries reach the api) {
  CAF_CHECK_EQUAL(call("GET", "/api/v1/depth", "symbol=TATA_INR").status, 200);
  CAF_CHECK_EQUAL(last_call(), "depth TATA_INR 1000");
  call("GET", "/api/v1/depth", "symbol=TATA_INR&limit=5");
  CAF_CHECK_EQUAL(last_call(), "depth TATA_INR 5");
  CAF_CHECK_EQUAL(call("GET", "/api/v1/depth", "symbol=TATA_INR&limit=0").status, 400);
  CAF_CHECK_EQUAL(call("GET", "/api/v1/depth", "").status, 400);
  auto empty = call("GET", "/api/v1/depth", "symbol=");
  CAF_CHECK_EQUAL(empty.status, 400);
  CAF_CHECK(empty.body.find("MISSING_FIELD") != std::string::npos);
  CAF_CHECK_EQUAL(call("GET", "/api/v1/depth", "symbol=NOPE").status, 404);
  call("GET", "/api/v1/klines",
       "symbol=TATA_INR&interval=1h&startTime=1737564324&endTime=1738169124");
  CAF_CHECK_EQUAL(last_call(), "klines TATA_INR 1h 1737564324000 1738169124000");
  call("GET", "/api/v1/orders", "userId=5&market=TATA_INR");
  CAF_CHECK_EQUAL(last_call(), "order_history 5 TATA_INR 50");
  CAF_CHECK_EQUAL(call("GET", "/api/v1/orders", "userId=5&market=TATA_INR&limit=501").status, 400);
  call("GET", "/api/v1/order/open", "userId=5&market=TATA_INR");
  CAF_CHECK_EQUAL(last_call(), "open_orders 5 TATA_INR");
  call("GET", "/api/v1/trades", "symbol=TATA_INR&limit=3");
  CAF_CHECK_EQUAL(last_call(), "trades TATA_INR 3");
  call("GET", "/api/v1/balances", "userId=5");
  CAF_CHECK_EQUAL(last_call(), "balances 5");
  // Pages: a trade id, or an order id of the market named.
  call("GET", "/api/v1/trades", "symbol=TATA_INR&before=42");
  CAF_CHECK_EQUAL(last_call(), "trades TATA_INR 50 before 42");
  call("GET", "/api/v1/fills", "userId=5&market=TATA_INR&limit=2&before=7");
  CAF_CHECK_EQUAL(last_call(), "user_trades 5 TATA_INR 2 before 7");
  for (const char* bad : {"0", "x", "-3", "9223372036854775808"})
    CAF_CHECK_EQUAL(
        call("GET", "/api/v1/trades", std::string("symbol=TATA_INR&before=") + bad).status, 400);
  const std::string tata_order = order_id_text(make_order_id(9, ex::testing::tata_inr().id));
  call("GET", "/api/v1/orders", "userId=5&market=TATA_INR&before=" + tata_order);
  CAF_CHECK_EQUAL(last_call(), "order_history 5 TATA_INR 50 before " + tata_order);
  const std::string infy_order = order_id_text(make_order_id(9, ex::testing::tata_inr().id + 1));
  CAF_CHECK_EQUAL(
      call("GET", "/api/v1/orders", "userId=5&market=TATA_INR&before=" + infy_order).status, 404);
  auto r = call("POST", "/api/v1/on-ramp", "", R"({"userId":"5","amount":54767.1})");
  CAF_CHECK_EQUAL(r.body, R"({"userId":"5","amount":100})");
  CAF_CHECK_EQUAL(last_call(), "deposit 5 INR 54767.1");
}

CAF_TEST(tickers for one market or all) {
  auto r = call("GET", "/api/v1/tickers", "symbol=TATA_INR");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK(r.body.front() == '{');
  r = call("GET", "/api/v1/tickers");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK(r.body.find(R"([{"symbol":"TATA_INR",)") == 0);
  CAF_CHECK(r.body.find(R"({"symbol":"INFY_INR",)") != std::string::npos);
  // A market that is unavailable (halted) is left out; any other failure fails the list.
  api.ticker_of.emplace("INFY_INR",
                        make_error(ErrorCode::unavailable, "market INFY_INR is halted"));
  r = call("GET", "/api/v1/tickers");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK(r.body.find(R"([{"symbol":"TATA_INR",)") == 0);
  CAF_CHECK(r.body.find("INFY_INR") == std::string::npos);
  api.ticker_of.clear();
  api.ticker_of.emplace("INFY_INR", make_error(ErrorCode::internal, "broken"));
  CAF_CHECK_EQUAL(call("GET", "/api/v1/tickers").status, 500);
  api.ticker_of.clear();
  api.ticker_result = make_error(ErrorCode::unavailable, "down");
  r = call("GET", "/api/v1/tickers");
  CAF_CHECK_EQUAL(r.status, 503);
  CAF_CHECK(r.body.find("UNAVAILABLE") != std::string::npos);
}

CAF_TEST(health readiness metrics markets) {
  CAF_CHECK_EQUAL(call("GET", "/health").body, R"({"status":"ok"})");
  CAF_CHECK_EQUAL(call("GET", "/ready").status, 200);
  api.is_ready = false;
  CAF_CHECK_EQUAL(call("GET", "/ready").status, 503);
  auto m = call("GET", "/metrics");
  CAF_CHECK_EQUAL(std::string(m.content_type), "text/plain; version=0.0.4; charset=utf-8");
  auto r = call("GET", "/api/v1/markets");
  CAF_CHECK(
      r.body.find(
          R"([{"symbol":"TATA_INR","baseAsset":"TATA","quoteAsset":"INR","tickSize":"0.01")") == 0);
}

CAF_TEST(wrong methods and unknown paths) {
  auto r = call("PUT", "/api/v1/order");
  CAF_CHECK_EQUAL(r.status, 405);
  CAF_CHECK_EQUAL(std::string(r.allow), "GET, HEAD, POST, DELETE, OPTIONS");
  CAF_CHECK_EQUAL(call("POST", "/api/v1/depth").status, 405);
  CAF_CHECK_EQUAL(call("GET", "/api/v1/on-ramp").status, 405);
  CAF_CHECK_EQUAL(call("GET", "/api/v1/unknown").status, 404);
  CAF_CHECK_EQUAL(call("HEAD", "/health").status, 200);
}

CAF_TEST_FIXTURE_SCOPE_END()
