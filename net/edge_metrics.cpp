#include "net/edge_metrics.hpp"

#include <string>

namespace ex {
namespace {

constexpr const char* kRequestsName = "exchange_http_requests_total";
constexpr const char* kRequestsHelp = "HTTP requests answered, by route, method and status";
constexpr const char* kLatencyName = "exchange_http_request_duration_seconds";
constexpr const char* kLatencyHelp = "Time from reading an HTTP request to writing its reply";

std::string labels(RouteId route, HttpMethod method) {
  return std::string("route=\"") + route_label(route) + "\",method=\"" + http_method_name(method) +
         "\"";
}

}  // namespace

HttpMethod http_method_of(std::string_view m) {
  if (m == "GET") return HttpMethod::get;
  if (m == "POST") return HttpMethod::post;
  if (m == "DELETE") return HttpMethod::del;
  if (m == "OPTIONS") return HttpMethod::options;
  if (m == "HEAD") return HttpMethod::head;
  return HttpMethod::other;
}

const char* http_method_name(HttpMethod m) {
  switch (m) {
    case HttpMethod::get:
      return "GET";
    case HttpMethod::post:
      return "POST";
    case HttpMethod::del:
      return "DELETE";
    case HttpMethod::options:
      return "OPTIONS";
    case HttpMethod::head:
      return "HEAD";
    default:
      return "other";
  }
}

EdgeMetrics::EdgeMetrics()
    : http_connections(Metrics::global().gauge("exchange_http_connections",
                                               "Open HTTP connections (REST port)")),
      ws_connections(
          Metrics::global().gauge("exchange_ws_connections", "Open WebSocket connections")),
      ws_subscriptions(Metrics::global().gauge(
          "exchange_ws_subscriptions", "Stream subscriptions of open WebSocket connections")),
      ws_frames_sent(Metrics::global().counter("exchange_ws_frames_sent_total",
                                               "WebSocket frames written to clients")),
      ws_messages_received(Metrics::global().counter("exchange_ws_messages_received_total",
                                                     "WebSocket messages received from clients")),
      ws_bad_requests(Metrics::global().counter("exchange_ws_bad_requests_total",
                                                "WebSocket requests refused with an error reply")),
      ws_slow_consumers(Metrics::global().counter(
          "exchange_ws_slow_consumers_total",
          "WebSocket connections closed because their send queue overflowed")),
      rate_limited(Metrics::global().counter("exchange_http_rate_limited_total",
                                             "REST requests refused by the per-client rate limit")),
      connections_refused(Metrics::global().counter(
          "exchange_connections_refused_total",
          "Connections closed at accept because --max-connections were open")) {
  // Register the latency series of the main routes up front so that a scrape shows them
  // before the first request.
  latency_[static_cast<size_t>(RouteId::order)][static_cast<size_t>(HttpMethod::post)] =
      &Metrics::global().histogram(kLatencyName, kLatencyHelp,
                                   labels(RouteId::order, HttpMethod::post));
  Metrics::global().counter(kRequestsName, kRequestsHelp,
                            labels(RouteId::order, HttpMethod::post) + ",status=\"200\"");
}

Counter& EdgeMetrics::requests_counter(RouteId route, HttpMethod method, int status) {
  size_t s = 0;
  while (s < kStatusCount && kStatuses[s] != status)
    ++s;
  auto make = [&]() -> Counter& {
    return Metrics::global().counter(
        kRequestsName, kRequestsHelp,
        labels(route, method) + ",status=\"" + std::to_string(status) + "\"");
  };
  if (s == kStatusCount) return make();  // unusual status: look it up each time
  auto& slot = requests_[static_cast<size_t>(route)][static_cast<size_t>(method)][s];
  Counter* c = slot.load(std::memory_order_acquire);
  if (!c) {
    c = &make();
    slot.store(c, std::memory_order_release);
  }
  return *c;
}

void EdgeMetrics::request(RouteId route, HttpMethod method, int status, double seconds) {
  if (route >= RouteId::count || method >= HttpMethod::count) return;
  requests_counter(route, method, status).inc();
  auto& slot = latency_[static_cast<size_t>(route)][static_cast<size_t>(method)];
  Histogram* h = slot.load(std::memory_order_acquire);
  if (!h) {
    h = &Metrics::global().histogram(kLatencyName, kLatencyHelp, labels(route, method));
    slot.store(h, std::memory_order_release);
  }
  h->observe(seconds);
}

}  // namespace ex
