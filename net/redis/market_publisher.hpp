// Market data to Redis: every event a market's hub sends to WebSocket subscribers is also
// PUBLISHed on the Redis channel named after its stream ("depth@TATA_INR",
// "kline@TATA_INR:1h", ...), with exactly the JSON text a WebSocket client receives.
//
// It is one more subscriber of the hub: it subscribes to every stream of the market with
// its own FrameSink, as a WebSocket connection would, so the hub does not change and the
// frame is serialized once for WebSocket clients and Redis alike. The hub then encodes
// every event (it always has a subscriber); that is what publishing costs. Publishing
// never blocks the hub: the sink hands the shared frame to the connection's io thread,
// and while Redis is down frames wait in the connection's bounded buffer (pub/sub keeps
// nothing for subscribers that were away; REST snapshots and depth update ids let a
// client resynchronize).
#pragma once

#include <memory>
#include <string>

#include <caf/actor.hpp>

#include "actors/hub/hub_actor.hpp"
#include "net/redis/redis_connection.hpp"

namespace ex::redis {

// The connection id the publisher uses with hubs; WebSocket connections count up from 1.
constexpr uint64_t kPublisherConnection = ~uint64_t{0};

// "depth@TATA_INR", "trade@TATA_INR", "fills@TATA_INR", "ticker@TATA_INR",
// "kline@TATA_INR:1h": the inverse of parse_stream_name.
std::string stream_name(const std::string& market, Stream stream);

class MarketPublisher {
 public:
  // `connection`: a command connection (not a subscriber one), started by the caller.
  explicit MarketPublisher(std::shared_ptr<Connection> connection);
  ~MarketPublisher();  // detach_all()

  // Subscribes to every stream of `hub`, the hub of `market`.
  void attach(const std::string& market, const caf::actor& hub);
  // Unsubscribes from every hub attached so far.
  void detach_all();

 private:
  std::weak_ptr<Connection> connection_;
  std::vector<caf::actor> hubs_;
};

}  // namespace ex::redis
