// Endpoints the bots talk to: "http://host:port[/base]" and "ws://host:port[/path]".
// Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ex::client {

struct Url {
  std::string scheme;  // "http" or "ws"
  std::string host;
  uint16_t port = 0;
  std::string path;  // "/" when absent; HTTP clients prefix it to every target
  std::string text() const;
  // "host:port" as the Host header wants it.
  std::string host_header() const { return host + ":" + std::to_string(port); }
};

// Accepts http:// and ws:// (https/wss are refused: the bots speak plain TCP). The port
// defaults to 80. Returns nullopt for anything else.
std::optional<Url> parse_url(std::string_view text);

// The WebSocket endpoint on the REST port ("http://h:3001" -> "ws://h:3001/ws").
Url ws_url_on_http_port(const Url& http);

}  // namespace ex::client
