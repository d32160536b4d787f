#include "net/bots/bot_link.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace ex::bots {

client::HttpOptions http_options(int connections, int64_t timeout_ms) {
  client::HttpOptions o;
  o.connections = static_cast<size_t>(std::max(1, connections));
  o.timeout = std::chrono::milliseconds(timeout_ms);
  return o;
}

// The command lines check both addresses before a bot starts (bot_cli.cpp).
client::Url stream_url(const std::string& ws, const std::string& http) {
  if (ws == "http") return client::ws_url_on_http_port(*client::parse_url(http));
  return *client::parse_url(ws);
}

uint64_t seed_or_clock(uint64_t seed) {
  if (seed) return seed;
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

bool unknown_user(const client::ApiError& e) {
  return e.status == 404 && e.code == "UNKNOWN_USER";
}

}  // namespace ex::bots
