// A WebSocket client that stays connected: it connects, reports each text frame, and after
// any failure (refused, closed by the server, idle too long) reconnects with exponential
// backoff until stop(). Subscriptions are the caller's: on_open is where it (re)subscribes.
// Keep-alive pings detect a dead peer. Everything runs on one io_context; handlers are
// called on its thread. Beast lives only in ws_client.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/client/url.hpp"

namespace boost::asio {
class io_context;
}

namespace ex::client {

struct WsOptions {
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{3000};
  std::chrono::seconds idle_timeout{20};  // no frame (pongs included) for this long: reconnect
  size_t max_queued_frames = 10000;       // outgoing frames while a write is in progress
};

struct WsHandlers {
  std::function<void()> on_open;
  std::function<void(std::string_view)> on_message;
  std::function<void(const std::string&)> on_close;  // why; a reconnect follows
};

class WsClient {
 public:
  WsClient(boost::asio::io_context& io, Url url, WsOptions options = {});
  ~WsClient();  // stops
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void start(WsHandlers handlers);
  // Closes and stops reconnecting. No handler is called afterwards.
  void stop();
  // Queues a text frame; false (dropped) when not connected or the queue is full.
  bool send(std::string text);
  bool is_open() const;
  uint64_t connects() const;  // successful handshakes so far
  const Url& url() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace ex::client
