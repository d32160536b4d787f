// The edge's own metrics in the process-wide registry (actors/common/metrics.hpp):
// requests by route, method and status, latency per route and method, connections,
// WebSocket traffic and slow consumers. Hot paths touch only cached pointers and atomics.
// Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <string_view>

#include "actors/common/metrics.hpp"
#include "net/router.hpp"

namespace ex {

enum class HttpMethod : uint8_t { get, post, del, options, head, other, count };
HttpMethod http_method_of(std::string_view method);
const char* http_method_name(HttpMethod m);

class EdgeMetrics {
 public:
  EdgeMetrics();

  // One request answered, `seconds` after it was read.
  void request(RouteId route, HttpMethod method, int status, double seconds);

  Gauge& http_connections;
  Gauge& ws_connections;
  Gauge& ws_subscriptions;
  Counter& ws_frames_sent;
  Counter& ws_messages_received;
  Counter& ws_bad_requests;
  Counter& ws_slow_consumers;  // closed because their send queue overflowed
  Counter& rate_limited;
  Counter& connections_refused;  // closed at accept: the connection limit was reached

 private:
  static constexpr int kStatuses[] = {200, 204, 400, 404, 405, 409, 413, 422, 429, 431, 500, 503};
  static constexpr size_t kStatusCount = sizeof(kStatuses) / sizeof(kStatuses[0]);
  static constexpr size_t kMethods = static_cast<size_t>(HttpMethod::count);

  Counter& requests_counter(RouteId route, HttpMethod method, int status);

  // Lazily filled caches: the registry returns the same object for the same labels, so a
  // race only fills a slot twice with the same pointer.
  std::array<std::array<std::array<std::atomic<Counter*>, kStatusCount>, kMethods>, kRouteCount>
      requests_{};
  std::array<std::array<std::atomic<Histogram*>, kMethods>, kRouteCount> latency_{};
};

}  // namespace ex
