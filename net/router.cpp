#include "net/router.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>

#include <boost/beast/core/string.hpp>

#include "actors/common/clock.hpp"
#include "actors/common/metrics.hpp"
#include "net/codec/api_requests.hpp"
#include "net/codec/encoders.hpp"

namespace ex {
namespace {

struct RouteEntry {
  std::string_view path;
  RouteId id;
};

constexpr RouteEntry kRoutes[] = {
    {"/api/v1/order", RouteId::order},
    {"/api/v1/order/open", RouteId::order_open},
    {"/api/v1/orders", RouteId::orders},
    {"/api/v1/depth", RouteId::depth},
    {"/api/v1/klines", RouteId::klines},
    {"/api/v1/tickers", RouteId::tickers},
    {"/api/v1/on-ramp", RouteId::on_ramp},
    {"/api/v1/markets", RouteId::markets},
    {"/api/v1/balances", RouteId::balances},
    {"/api/v1/trades", RouteId::trades},
    {"/api/v1/fills", RouteId::fills},
    {"/health", RouteId::health},
    {"/ready", RouteId::ready},
    {"/metrics", RouteId::metrics},
    {"/ws", RouteId::ws},
};

// "GET, POST, DELETE /api/v1/order; GET /api/v1/order/open; ...": what a 404 offers
// instead, built from the table so that it cannot go stale.
std::string endpoint_list() {
  std::string out;
  for (const auto& r : kRoutes) {
    if (r.id == RouteId::ws) continue;
    std::string_view methods = route_methods(r.id);
    if (auto options = methods.find(", OPTIONS"); options != std::string_view::npos)
      methods = methods.substr(0, options);
    if (!out.empty()) out += "; ";
    out.append(methods).append(" ").append(r.path);
  }
  return out + "; WebSocket /ws";
}

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Fields of a request: the JSON body of a POST or DELETE (or, leniently, its query when
// it has no body), else the query.
Result<Fields> fields_of(const ApiRequest& r) {
  if ((r.method == "POST" || r.method == "DELETE") && (!is_blank(r.body) || r.query.empty()))
    return parse_json_object(r.body);
  return parse_query(r.query);
}

ApiReply ok_json(std::string body) {
  ApiReply reply;
  reply.body = std::move(body);
  return reply;
}

// An order named by its clientOrderId, which is unique among its owner's open orders: the
// open one, else (with `history` > 0) the newest of that name in the owner's latest
// `history` orders of the market.
void find_by_client_order_id(ExchangeApi& api, const std::string& user, const std::string& market,
                             const std::string& client_id, size_t history,
                             Callback<OrderInfo> then) {
  auto unknown = [client_id, market] {
    return make_error(ErrorCode::unknown_order,
                      "no order with clientOrderId '" + client_id + "' in market " + market);
  };
  api.open_orders(user, market,
                  [&api, user, market, client_id, history, unknown,
                   then = std::move(then)](Result<std::vector<OrderInfo>> open) mutable {
                    if (!open) return then(open.error());
                    for (auto& o : *open)
                      if (o.client_order_id == client_id) return then(std::move(o));
                    if (history == 0) return then(unknown());
                    api.order_history(user, market, history, std::nullopt,
                                      [client_id, unknown, then = std::move(then)](
                                          Result<std::vector<OrderInfo>> past) mutable {
                                        if (!past) return then(past.error());
                                        for (auto& o : *past)
                                          if (o.client_order_id == client_id)
                                            return then(std::move(o));
                                        then(unknown());
                                      });
                  });
}

Error missing_owner() {
  return make_error(ErrorCode::missing_field,
                    "missing field 'userId' (an order named by clientOrderId is its owner's)");
}

// The API's callback for a result of type T: encode on success, the error's status and
// body otherwise. Runs on an actor thread; never lets an exception out.
template <class T, class Encode>
Callback<T> respond(ReplyFn reply, Encode encode) {
  return [reply = std::move(reply), encode = std::move(encode)](Result<T> result) mutable {
    ApiReply out;
    try {
      out = result.ok() ? ok_json(encode(result.value())) : Router::error_reply(result.error());
    } catch (const std::exception& e) {
      out = Router::error_reply(500, "INTERNAL", std::string("internal error: ") + e.what());
    } catch (...) {
      out = Router::error_reply(500, "INTERNAL", "internal error");
    }
    reply(std::move(out));
  };
}

// Gathers the tickers of every market (GET /api/v1/tickers without a symbol).
// Every market's ticker, asked at once. A market that is UNAVAILABLE (halted, or its node
// unreachable) is left out rather than failing the list; if every market is, the list fails.
struct TickerGather {
  std::mutex mutex;
  std::vector<std::pair<std::string, TickerStats>> results;
  std::vector<bool> answered;
  size_t remaining = 0;
  bool failed = false;
  std::optional<Error> unavailable;
  ReplyFn reply;

  // Records market i's answer; the reply, once it is decided.
  std::optional<ApiReply> add(size_t i, Result<TickerStats> r) {
    if (failed) return std::nullopt;
    if (r.ok()) {
      results[i].second = std::move(r.value());
      answered[i] = true;
    } else if (r.error().code == ErrorCode::unavailable) {
      unavailable = r.error();
    } else {
      failed = true;
      return Router::error_reply(r.error());
    }
    if (--remaining > 0) return std::nullopt;
    std::vector<std::pair<std::string, TickerStats>> shown;
    for (size_t k = 0; k < results.size(); ++k)
      if (answered[k]) shown.push_back(std::move(results[k]));
    if (shown.empty()) return Router::error_reply(*unavailable);
    try {
      return ok_json(encode_tickers(shown));
    } catch (...) {
      return Router::error_reply(500, "INTERNAL", "internal error");
    }
  }
};

}  // namespace

const char* route_label(RouteId route) {
  switch (route) {
    case RouteId::static_file:
      return "static";
    case RouteId::not_found:
      return "not_found";
    default:
      for (const auto& r : kRoutes)
        if (r.id == route) return r.path.data();
  }
  return "not_found";
}

RouteId match_route(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (const auto& r : kRoutes)
    if (r.path == path) return r.id;
  if (path == "/api" || path.substr(0, 5) == "/api/") return RouteId::not_found;
  return RouteId::static_file;
}

std::optional<std::string_view> after_http_scheme(std::string_view text) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")})
    if (text.size() >= scheme.size() &&
        boost::beast::iequals(text.substr(0, scheme.size()), scheme))
      return text.substr(scheme.size());
  return std::nullopt;
}

std::string_view origin_form(std::string_view target) {
  const std::optional<std::string_view> rest = after_http_scheme(target);
  if (!rest) return target;
  const size_t path = rest->find_first_of("/?");
  if (path == std::string_view::npos || (*rest)[path] == '?') return "/";
  return rest->substr(path);
}

const char* route_methods(RouteId route) {
  switch (route) {
    case RouteId::order:  // HEAD is a GET without the body, wherever GET is
      return "GET, HEAD, POST, DELETE, OPTIONS";
    case RouteId::orders:
      return "GET, HEAD, DELETE, OPTIONS";
    case RouteId::on_ramp:
      return "POST, OPTIONS";
    default:
      return "GET, HEAD, OPTIONS";
  }
}

bool route_allows(RouteId route, std::string_view method) {
  if (method == "HEAD") method = "GET";
  switch (route) {
    case RouteId::order:
      return method == "GET" || method == "POST" || method == "DELETE";
    case RouteId::orders:
      return method == "GET" || method == "DELETE";
    case RouteId::on_ramp:
      return method == "POST";
    case RouteId::not_found:
      return true;
    default:
      return method == "GET";
  }
}

bool is_api_route(RouteId route) {
  return route != RouteId::ws && route != RouteId::static_file && route != RouteId::count;
}

ApiReply Router::error_reply(const Error& error) {
  return error_reply(http_status(error.code), code_name(error.code), error.message);
}

ApiReply Router::error_reply(int status, std::string_view code, std::string_view message) {
  ApiReply reply;
  reply.status = status;
  reply.body = encode_error(code, message);
  return reply;
}

void Router::handle(const ApiRequest& request, ReplyFn reply) {
  // `reply` is moved into an API callback once the request is valid; until then it is
  // still ours, and any exception here is answered with it.
  try {
    dispatch(request, reply);
  } catch (const std::exception& e) {
    if (reply) reply(error_reply(500, "INTERNAL", std::string("internal error: ") + e.what()));
  } catch (...) {
    if (reply) reply(error_reply(500, "INTERNAL", "internal error"));
  }
}

void Router::dispatch(const ApiRequest& request, ReplyFn& reply) {
  const std::string_view m = request.method == "HEAD" ? std::string_view("GET") : request.method;
  auto fail = [&](const Error& e) { std::exchange(reply, nullptr)(error_reply(e)); };
  auto method_not_allowed = [&] {
    ApiReply r = error_reply(405, "METHOD_NOT_ALLOWED",
                             std::string(request.method) + " is not allowed on " +
                                 route_label(request.route) +
                                 " (allowed: " + route_methods(request.route) + ")");
    r.allow = route_methods(request.route);
    std::exchange(reply, nullptr)(std::move(r));
  };
  auto answer = [&](ApiReply r) { std::exchange(reply, nullptr)(std::move(r)); };
  if (!route_allows(request.route, m)) return method_not_allowed();

  switch (request.route) {
    case RouteId::health:
      if (m != "GET") return method_not_allowed();
      return answer(ok_json(R"({"status":"ok"})"));
    case RouteId::ready:
      if (m != "GET") return method_not_allowed();
      {
        // The storage writer's lag, from its gauges: how far history is behind trading,
        // with what is still on its way through Redis (--bus).
        const int64_t in_redis = static_cast<int64_t>(bus_appended().value()) -
                                 static_cast<int64_t>(bus_stored().value());
        const int64_t pending = writer_pending_records().value() + bus_pending_events().value() +
                                std::max<int64_t>(0, in_redis);
        const int64_t behind = writer_streams_behind().value();
        if (const int64_t halted = markets_halted().value(); halted > 0)
          return answer(error_reply(
              503, "UNAVAILABLE",
              std::to_string(halted) + " market(s) halted: a journal failed (see the log)"));
        if (api_.ready())
          return answer(ok_json(R"({"status":"ready","writerPendingRecords":)" +
                                std::to_string(pending) + R"(,"marketsCatchingUp":)" +
                                std::to_string(behind) + "}"));
        std::string why = "the exchange is starting or a part of it is down";
        if (pending > 0 || behind > 0)  // a node's writer (a WebSocket-only edge has none)
          why += " (storage writer: " + std::to_string(pending) + " records pending, " +
                 std::to_string(behind) + " markets to catch up from their journals)";
        return answer(error_reply(503, "UNAVAILABLE", why));
      }
    case RouteId::metrics: {
      if (m != "GET") return method_not_allowed();
      ApiReply r;
      r.body = Metrics::global().render();
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return answer(std::move(r));
    }
    case RouteId::not_found: {
      static const std::string endpoints = endpoint_list();
      return answer(
          error_reply(404, "NOT_FOUND", "no such endpoint; the endpoints are " + endpoints));
    }
    default:
      break;
  }

  // Every remaining route reads fields; one parse per request.
  auto fields_or = fields_of(request);
  if (!fields_or) return fail(fields_or.error());
  const Fields& f = *fields_or;
  const auto& markets = api_.markets();

  switch (request.route) {
    case RouteId::order: {
      if (m == "POST") {
        auto user = identify(f, request.credentials);
        if (!user) return fail(user.error());
        auto order = decode_place_order(f, *user, markets, api_.assets());
        if (!order) return fail(order.error());
        return api_.place(std::move(*order), respond<PlaceReply>(std::exchange(reply, nullptr),
                                                                 [](const PlaceReply& r) {
                                                                   return encode_place_reply(r);
                                                                 }));
      }
      if (m == "DELETE") {
        auto user = identify_optional(f, request.credentials);
        if (!user) return fail(user.error());
        auto ref = decode_order_ref(f, markets);
        if (!ref) return fail(ref.error());
        if (ref->order_id == 0) {
          if (user->empty()) return fail(missing_owner());
          ExchangeApi* api = &api_;
          auto cancel =
              respond<CancelReply>(std::exchange(reply, nullptr),
                                   [](const CancelReply& r) { return encode_cancel_reply(r); });
          return find_by_client_order_id(api_, *user, ref->market->symbol, ref->client_order_id, 0,
                                         [api, user = *user, cancel](Result<OrderInfo> o) mutable {
                                           if (!o) return cancel(o.error());
                                           api->cancel(o->market, o->order_id, std::move(user),
                                                       std::move(cancel));
                                         });
        }
        return api_.cancel(
            ref->market->symbol, ref->order_id, std::move(*user),
            respond<CancelReply>(std::exchange(reply, nullptr),
                                 [](const CancelReply& r) { return encode_cancel_reply(r); }));
      }
      if (m == "GET") {
        auto user = identify_optional(f, request.credentials);
        if (!user) return fail(user.error());
        auto ref = decode_order_ref(f, markets);
        if (!ref) return fail(ref.error());
        std::string market = ref->market->symbol;
        uint64_t id = ref->order_id;
        if (id == 0) {
          if (user->empty()) return fail(missing_owner());
          return find_by_client_order_id(
              api_, *user, market, ref->client_order_id, limits_.orders_max,
              respond<OrderInfo>(std::exchange(reply, nullptr),
                                 [](const OrderInfo& o) { return encode_order(o); }));
        }
        return api_.order(market, id,
                          [reply = std::exchange(reply, nullptr), owner = std::move(*user), market,
                           id](Result<OrderInfo> r) mutable {
                            // Someone else's order is as unknown as a missing one.
                            if (r.ok() && !owner.empty() && r->user_id != owner) {
                              reply(error_reply(make_error(ErrorCode::unknown_order,
                                                           "unknown order '" + order_id_text(id) +
                                                               "' in market " + market)));
                              return;
                            }
                            respond<OrderInfo>(std::move(reply), [](const OrderInfo& o) {
                              return encode_order(o);
                            })(std::move(r));
                          });
      }
      return method_not_allowed();
    }
    case RouteId::order_open: {
      if (m != "GET") return method_not_allowed();
      auto user = identify(f, request.credentials);
      if (!user) return fail(user.error());
      std::string market;  // none named: every market's (Part 1 always names one)
      if (f.find("market") || f.find("symbol")) {
        auto named = find_market(f, markets, "market", "symbol");
        if (!named) return fail(named.error());
        market = (*named)->symbol;
      }
      return api_.open_orders(std::move(*user), std::move(market),
                              respond<std::vector<OrderInfo>>(std::exchange(reply, nullptr),
                                                              [](const std::vector<OrderInfo>& o) {
                                                                return encode_open_orders(o);
                                                              }));
    }
    case RouteId::orders: {
      if (m != "GET" && m != "DELETE") return method_not_allowed();
      auto user = identify(f, request.credentials);
      if (!user) return fail(user.error());
      auto market = find_market(f, markets, "market", "symbol");
      if (!market) return fail(market.error());
      if (m == "DELETE") {
        return api_.cancel_all(
            (*market)->symbol, std::move(*user),
            respond<std::vector<CancelReply>>(
                std::exchange(reply, nullptr),
                [](const std::vector<CancelReply>& r) { return encode_cancel_all_reply(r); }));
      }
      auto limit = decode_limit(f, limits_.orders_default, limits_.orders_max);
      if (!limit) return fail(limit.error());
      auto before = decode_order_before(f, **market);
      if (!before) return fail(before.error());
      return api_.order_history(
          std::move(*user), (*market)->symbol, *limit, *before,
          respond<std::vector<OrderInfo>>(
              std::exchange(reply, nullptr),
              [](const std::vector<OrderInfo>& o) { return encode_orders(o); }));
    }
    case RouteId::depth: {
      if (m != "GET") return method_not_allowed();
      auto market = find_market(f, markets, "symbol", "market");
      if (!market) return fail(market.error());
      auto limit = decode_limit(f, limits_.depth_default, limits_.depth_max);
      if (!limit) return fail(limit.error());
      return api_.depth(
          (*market)->symbol, *limit,
          respond<DepthSnapshot>(std::exchange(reply, nullptr),
                                 [](const DepthSnapshot& d) { return encode_depth(d); }));
    }
    case RouteId::klines: {
      if (m != "GET") return method_not_allowed();
      auto k = decode_klines(f, markets, now_ms());
      if (!k) return fail(k.error());
      return api_.klines(k->market->symbol, k->interval, k->from_ms, k->to_ms,
                         respond<std::vector<Candle>>(
                             std::exchange(reply, nullptr),
                             [](const std::vector<Candle>& c) { return encode_klines(c); }));
    }
    case RouteId::tickers: {
      if (m != "GET") return method_not_allowed();
      const FieldValue* symbol = f.find("symbol");
      if (symbol && !(symbol->type == JsonType::string && symbol->text.empty())) {
        auto market = find_market(f, markets, "symbol");
        if (!market) return fail(market.error());
        return api_.ticker((*market)->symbol, respond<TickerStats>(std::exchange(reply, nullptr),
                                                                   [](const TickerStats& t) {
                                                                     return encode_ticker(t);
                                                                   }));
      }
      if (markets.empty()) return answer(ok_json("[]"));
      auto gather = std::make_shared<TickerGather>();
      gather->results.resize(markets.size());
      gather->answered.resize(markets.size());
      gather->remaining = markets.size();
      gather->reply = std::exchange(reply, nullptr);
      for (size_t i = 0; i < markets.size(); ++i) {
        gather->results[i].first = markets[i].symbol;
        api_.ticker(markets[i].symbol, [gather, i](Result<TickerStats> r) {
          ReplyFn done;
          std::optional<ApiReply> out;
          {
            std::lock_guard<std::mutex> lock(gather->mutex);
            out = gather->add(i, std::move(r));
            if (out) done = std::move(gather->reply);
          }
          if (done) done(std::move(*out));
        });
      }
      return;
    }
    case RouteId::on_ramp: {
      if (m != "POST") return method_not_allowed();
      auto user = identify(f, request.credentials);
      if (!user) return fail(user.error());
      auto deposit = decode_deposit(f, api_.assets(), markets);
      if (!deposit) return fail(deposit.error());
      std::string user_id = *user;
      return api_.deposit(
          std::move(*user), deposit->asset, deposit->amount,
          respond<Decimal>(std::exchange(reply, nullptr), [user_id](const Decimal& available) {
            return encode_deposit_reply(user_id, available);
          }));
    }
    case RouteId::markets:
      if (m != "GET") return method_not_allowed();
      return answer(ok_json(encode_markets(markets, api_.assets())));
    case RouteId::balances: {
      if (m != "GET") return method_not_allowed();
      auto user = identify(f, request.credentials);
      if (!user) return fail(user.error());
      return api_.balances(std::move(*user), respond<std::vector<AssetBalance>>(
                                                 std::exchange(reply, nullptr),
                                                 [](const std::vector<AssetBalance>& b) {
                                                   return encode_balances(b);
                                                 }));
    }
    case RouteId::trades: {
      if (m != "GET") return method_not_allowed();
      auto market = find_market(f, markets, "symbol", "market");
      if (!market) return fail(market.error());
      auto limit = decode_limit(f, limits_.trades_default, limits_.trades_max);
      if (!limit) return fail(limit.error());
      auto before = decode_trade_before(f);
      if (!before) return fail(before.error());
      return api_.trades((*market)->symbol, *limit, *before,
                         respond<std::vector<TradeRecord>>(
                             std::exchange(reply, nullptr),
                             [](const std::vector<TradeRecord>& t) { return encode_trades(t); }));
    }
    case RouteId::fills: {
      if (m != "GET") return method_not_allowed();
      auto user = identify(f, request.credentials);
      if (!user) return fail(user.error());
      auto market = find_market(f, markets, "market", "symbol");
      if (!market) return fail(market.error());
      auto limit = decode_limit(f, limits_.trades_default, limits_.trades_max);
      if (!limit) return fail(limit.error());
      auto before = decode_trade_before(f);
      if (!before) return fail(before.error());
      return api_.user_trades(
          *user, (*market)->symbol, *limit, *before,
          respond<std::vector<TradeRecord>>(std::exchange(reply, nullptr),
                                            [user = *user](const std::vector<TradeRecord>& t) {
                                              return encode_user_trades(t, user);
                                            }));
    }
    default:
      return answer(error_reply(404, "NOT_FOUND", "no such endpoint"));
  }
}

}  // namespace ex
