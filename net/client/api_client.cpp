#include "net/client/api_client.hpp"

#include <utility>

namespace ex::client {
namespace {

// Adapts an HTTP response to a typed callback: transport failures and non-2xx statuses
// become ApiErrors, 2xx bodies go through `decode`.
template <class T, class Decode>
HttpHandler typed(Callback<T> done, Decode decode) {
  return [done = std::move(done), decode](HttpResponse r) {
    if (r.status == 0) return done(ApiError{0, "TRANSPORT", r.error});
    if (r.status < 200 || r.status >= 300) return done(decode_error(r.status, r.body));
    done(decode(r.body));
  };
}

std::string q(const std::string& value) {
  return url_encode(value);
}

}  // namespace

void ApiClient::markets(Callback<std::vector<MarketInfo>> done) {
  http_.request(Method::get, "/api/v1/markets", {},
                typed<std::vector<MarketInfo>>(std::move(done), decode_markets));
}

void ApiClient::place(const OrderRequest& order, Callback<PlaceResult> done) {
  http_.request(Method::post, "/api/v1/order", encode_order_request(order),
                typed<PlaceResult>(std::move(done), decode_place_result));
}

void ApiClient::cancel(const std::string& market, const std::string& order_id,
                       const std::string& user_id, Callback<CancelResult> done) {
  http_.request(Method::del, "/api/v1/order", encode_cancel_request(market, order_id, user_id),
                typed<CancelResult>(std::move(done), decode_cancel_result));
}

void ApiClient::cancel_all(const std::string& market, const std::string& user_id,
                           Callback<std::vector<CancelResult>> done) {
  http_.request(Method::del, "/api/v1/orders", encode_cancel_all_request(market, user_id),
                typed<std::vector<CancelResult>>(std::move(done), decode_cancel_all_result));
}

void ApiClient::open_orders(const std::string& user_id, const std::string& market,
                            Callback<std::vector<OrderState>> done) {
  http_.request(Method::get, "/api/v1/order/open?userId=" + q(user_id) + "&market=" + q(market), {},
                typed<std::vector<OrderState>>(std::move(done), decode_open_orders));
}

void ApiClient::order(const std::string& market, const std::string& order_id,
                      Callback<OrderState> done) {
  http_.request(Method::get, "/api/v1/order?orderId=" + q(order_id) + "&market=" + q(market), {},
                typed<OrderState>(std::move(done), decode_order));
}

void ApiClient::order_history(const std::string& user_id, const std::string& market, size_t limit,
                              Callback<std::vector<OrderState>> done) {
  http_.request(Method::get,
                "/api/v1/orders?userId=" + q(user_id) + "&market=" + q(market) +
                    "&limit=" + std::to_string(limit),
                {}, typed<std::vector<OrderState>>(std::move(done), decode_orders));
}

void ApiClient::balances(const std::string& user_id, Callback<Balances> done) {
  http_.request(Method::get, "/api/v1/balances?userId=" + q(user_id), {},
                typed<Balances>(std::move(done), decode_balances));
}

void ApiClient::deposit(const std::string& user_id, const std::string& asset, Decimal amount,
                        Callback<Decimal> done) {
  http_.request(Method::post, "/api/v1/on-ramp", encode_deposit_request(user_id, asset, amount),
                typed<Decimal>(std::move(done), decode_deposit_result));
}

void ApiClient::depth(const std::string& market, size_t limit, Callback<DepthSnapshot> done) {
  http_.request(Method::get,
                "/api/v1/depth?symbol=" + q(market) + "&limit=" + std::to_string(limit), {},
                typed<DepthSnapshot>(std::move(done), decode_depth));
}

void ApiClient::trades(const std::string& market, size_t limit,
                       Callback<std::vector<PublicTrade>> done) {
  http_.request(Method::get,
                "/api/v1/trades?symbol=" + q(market) + "&limit=" + std::to_string(limit), {},
                typed<std::vector<PublicTrade>>(std::move(done), decode_trades));
}

void ApiClient::ready(Callback<bool> done) {
  http_.request(Method::get, "/ready", {}, [done = std::move(done)](HttpResponse r) {
    if (r.status == 0) return done(ApiError{0, "TRANSPORT", r.error});
    if (r.status != 200) return done(decode_error(r.status, r.body));
    done(true);
  });
}

}  // namespace ex::client
