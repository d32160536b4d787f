// REST routes: an HTTP request to /api/v1/... (and /health, /ready, /metrics) becomes
// one ExchangeApi call, and its result the documented JSON (shared/API.md).
//
// The router knows nothing of sockets: a session hands it the request's parts and a
// reply function, and the router calls that function exactly once - at once for a
// request it refuses, or later on an actor thread with the API's result (the session
// must hop to its own executor before touching the connection). Stateless apart from
// the ExchangeApi reference: safe to share between io threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "actors/gateway/exchange_api.hpp"
#include "net/identity.hpp"

namespace ex {

enum class RouteId : uint8_t {
  order,        // /api/v1/order          POST, DELETE, GET
  order_open,   // /api/v1/order/open     GET
  orders,       // /api/v1/orders         GET, DELETE
  depth,        // /api/v1/depth          GET
  klines,       // /api/v1/klines         GET
  tickers,      // /api/v1/tickers        GET
  on_ramp,      // /api/v1/on-ramp        POST
  markets,      // /api/v1/markets        GET
  balances,     // /api/v1/balances       GET
  trades,       // /api/v1/trades         GET
  fills,        // /api/v1/fills          GET
  health,       // /health                GET
  ready,        // /ready                 GET
  metrics,      // /metrics               GET
  ws,           // /ws                    WebSocket upgrade
  static_file,  // anything else outside /api/: the trading page
  not_found,    // unknown path under /api/
  count
};
constexpr size_t kRouteCount = static_cast<size_t>(RouteId::count);

// Label of a route for metrics: its path ("/api/v1/order", "static", "not_found").
const char* route_label(RouteId route);
// The route of a path (query excluded). One trailing '/' is ignored.
RouteId match_route(std::string_view path);
// What follows "http://" or "https://" (in any case) at the start of `text`: the
// authority and path of a URL, the host of an Origin. Nothing when neither starts it.
std::optional<std::string_view> after_http_scheme(std::string_view text);
// A request target in origin form ("/path?query"): an absolute-form target
// ("http://host/path"; RFC 9112, 3.2.2: clients send it to proxies, and a server must
// accept it) loses its scheme and host.
std::string_view origin_form(std::string_view target);
// The methods a route accepts ("GET, POST, DELETE") for 405 replies and CORS.
const char* route_methods(RouteId route);
// True if `route` accepts `method` (HEAD counts as GET).
bool route_allows(RouteId route, std::string_view method);
// True if `route` is handled by Router::handle (the API, health, ready, metrics).
bool is_api_route(RouteId route);

struct ApiRequest {
  RouteId route = RouteId::not_found;
  std::string_view method;  // "GET", "POST", "DELETE", ... (HEAD is treated as GET)
  std::string_view query;   // without '?'
  std::string_view body;
  Credentials credentials;
};

struct ApiReply {
  int status = 200;
  std::string body;
  const char* content_type = "application/json";
  const char* allow = nullptr;  // 405: the methods the route accepts
};

// Called exactly once per request, from any thread.
using ReplyFn = std::function<void(ApiReply)>;

struct RouterLimits {
  size_t orders_default = 50, orders_max = 500;   // GET /api/v1/orders
  size_t trades_default = 50, trades_max = 1000;  // GET /api/v1/trades
  size_t depth_default = 1000, depth_max = 5000;  // GET /api/v1/depth, levels per side
};

class Router {
 public:
  explicit Router(ExchangeApi& api, RouterLimits limits = {}) : api_(api), limits_(limits) {}

  // Requires is_api_route(request.route). Never throws: an unexpected exception becomes a
  // 500 INTERNAL reply.
  void handle(const ApiRequest& request, ReplyFn reply);

  // A JSON error reply with the status of its code.
  static ApiReply error_reply(const Error& error);
  static ApiReply error_reply(int status, std::string_view code, std::string_view message);

 private:
  void dispatch(const ApiRequest& request, ReplyFn& reply);

  ExchangeApi& api_;
  RouterLimits limits_;
};

}  // namespace ex
