// The exchange's REST API (shared/API.md) as typed asynchronous calls over an HttpClient.
// Each callback runs on the io_context's thread with the decoded value or an ApiError:
// status 0 for a transport failure (outcome unknown), the HTTP status and the API's
// {"code","message"} otherwise. No Beast here: only HttpClient and wire.hpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "net/client/http_client.hpp"
#include "net/client/wire.hpp"

namespace ex::client {

template <class T>
using Callback = std::function<void(Reply<T>)>;

class ApiClient {
 public:
  explicit ApiClient(HttpClient& http) : http_(http) {}

  void markets(Callback<std::vector<MarketInfo>> done);
  void place(const OrderRequest& order, Callback<PlaceResult> done);
  // `user_id` may be empty (the original contract names no user on cancel).
  void cancel(const std::string& market, const std::string& order_id, const std::string& user_id,
              Callback<CancelResult> done);
  void cancel_all(const std::string& market, const std::string& user_id,
                  Callback<std::vector<CancelResult>> done);
  void open_orders(const std::string& user_id, const std::string& market,
                   Callback<std::vector<OrderState>> done);
  void order(const std::string& market, const std::string& order_id, Callback<OrderState> done);
  void order_history(const std::string& user_id, const std::string& market, size_t limit,
                     Callback<std::vector<OrderState>> done);
  void balances(const std::string& user_id, Callback<Balances> done);
  void deposit(const std::string& user_id, const std::string& asset, Decimal amount,
               Callback<Decimal> done);
  void depth(const std::string& market, size_t limit, Callback<DepthSnapshot> done);
  void trades(const std::string& market, size_t limit, Callback<std::vector<PublicTrade>> done);
  // GET /ready answered 200.
  void ready(Callback<bool> done);

  HttpClient& http() { return http_; }

 private:
  HttpClient& http_;
};

}  // namespace ex::client
