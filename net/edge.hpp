// The HTTP/WebSocket edge of the exchange (public interface; no Beast or CAF here).
//
// One Edge serves the REST API, the WebSocket streams and the trading page (shared/API.md)
// on `http_port`, and the WebSocket streams alone on `ws_port` (the original port). It
// parses and checks each request, makes one ExchangeApi call, and writes the reply; it
// never holds book or balance state. Lifetime: start() once, stop() once (the destructor
// calls it). The ExchangeApi must outlive the Edge, and the Edge must be destroyed only
// after the ExchangeApi has delivered or dropped every callback it was given (shut the
// actor system down between stop() and the destructor).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/gateway/exchange_api.hpp"

namespace ex {

struct EdgeConfig {
  std::string bind_address = "0.0.0.0";
  uint16_t http_port = 3001;
  uint16_t ws_port = 3002;  // 0 = don't open the WS-only port
  std::string static_dir;   // serve the trading page from here if non-empty and exists
  std::vector<std::string> cors_origins = {"*"};
  size_t max_body_bytes = 64 * 1024;
  size_t max_ws_message_bytes = 16 * 1024;
  size_t max_streams_per_connection = 64;
  size_t ws_send_queue_frames = 4096;  // overflow -> close with reason "slow consumer"
  size_t rate_limit_per_second = 0;    // per client IP token bucket for REST, 0 = off
  // Reverse proxies (IP addresses) whose X-Forwarded-For names the client for the rate
  // limit; from any other peer the header is ignored.
  std::vector<std::string> trusted_proxies;
  // Connections (HTTP and WebSocket) open at once; a new one beyond is closed at once, so
  // that idle sockets cannot take the file descriptors storage needs. 0: no limit.
  size_t max_connections = 0;
  // Connections open at once from one peer address (a trusted proxy's carry many clients
  // and do not count). 0: no limit.
  size_t max_connections_per_client = 0;
  // Longest a stream event waits for others to share its socket writes (fanout.hpp):
  // bounds the writes per WebSocket to one per interval. 0: no wait.
  uint32_t ws_flush_interval_us = 5000;
  int io_threads = 1;  // threads serving REST requests (and the trading page)
  // Threads serving WebSocket connections and their fan-out, so that a busy market's
  // fan-out (a socket write per subscriber per batch) never queues order entry. 0: the
  // WebSockets share the first REST thread (one fan-out for all of them), which on a small
  // machine whose cores are all busy serves subscribers better.
  int market_data_threads = 0;
};

class Edge {
 public:
  Edge(EdgeConfig config, ExchangeApi& api);
  ~Edge();
  Edge(const Edge&) = delete;
  Edge& operator=(const Edge&) = delete;

  // Binds and listens, then serves on io_threads + market_data_threads threads. Throws
  // std::runtime_error with a clear message if a port cannot be bound (e.g. already taken).
  void start();
  // What start() checks before it serves, now, the ports let go at once: a node whose
  // start takes a while (recovery) learns of a taken port first. Throws as start() does.
  static void check_ports(const EdgeConfig& config);
  // Stops accepting, lets in-flight requests finish (bounded wait), closes every
  // connection (WebSockets with close code 1001), joins the threads. Idempotent.
  void stop();

  // The ports actually bound (useful with port 0); 0 before start() or if not opened.
  uint16_t http_port() const;
  uint16_t ws_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ex
