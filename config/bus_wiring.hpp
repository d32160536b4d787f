// What --bus adds to a node that hosts markets (DESIGN.md, "Scaling out"), in a few calls
// that node bootstrap makes:
//
//   auto bus = open_bus(options, system);           // nullptr without --bus
//   if (bus && !bus->claim(node)) ... refuse to start: another node hosts markets there
//   if (bus) catalog->writer = bus->route_storage(catalog->writer);
//   ... for each market, after spawning its hub and market actor:
//   if (bus) bus->attach_market(spec.symbol, market, hub);
//   ... at shutdown, after the final flush of catalog->writer, with the other exits:
//   if (bus) bus->stop();
//
// route_storage: markets and accounts send what they would send the writer to a producer
// that XADDs it to the market's Redis stream; a consumer (group "writers", this node's
// --bus-consumer name) reads the streams and feeds the real writer, acknowledging entries
// once stored. attach_market: every event of the hub is PUBLISHed on its stream's channel
// (market_publisher.hpp), and the market hears (stored, stream, seq) from the writer
// through the consumer, as it would without the bus. The Redis connections reconnect by
// themselves: Redis being down at start or later is not fatal.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "config/options.hpp"

namespace ex {

class Bus {
 public:
  virtual ~Bus() = default;
  // Claims the Redis server for this node's markets (net/redis/markets_lease.hpp) and keeps
  // renewing the claim; `node` names this node. Error: another node hosting markets has it.
  // `on_lost` runs (once, on a Redis thread) if another node takes the claim later, after
  // this one could not renew it: the node must then stop.
  virtual Result<bool> claim(const std::string& node, std::function<void()> on_lost) = 0;
  // Returns the actor that stands where `writer` stood; `writer` is fed from Redis.
  virtual caf::actor route_storage(const caf::actor& writer) = 0;
  virtual void attach_market(const std::string& symbol, const caf::actor& market,
                             const caf::actor& hub) = 0;
  // Stops publishing, the producer, the consumer and the writer it feeds, and closes the
  // connections. The io thread ends when the Bus is destroyed (after the actors are done).
  virtual void stop() = 0;
  // The Redis server, as logs and the start-up line name it (no password).
  virtual std::string describe() const = 0;
};

// nullptr when options.bus is empty.
std::unique_ptr<Bus> open_bus(const Options& options, caf::actor_system& system);

}  // namespace ex
