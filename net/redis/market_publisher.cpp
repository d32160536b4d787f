#include "net/redis/market_publisher.hpp"

#include <caf/all.hpp>

#include "actors/common/messages.hpp"

namespace ex::redis {

std::string stream_name(const std::string& market, Stream stream) {
  switch (stream) {
    case Stream::depth:
      return "depth@" + market;
    case Stream::trade:
      return "trade@" + market;
    case Stream::fills:
      return "fills@" + market;
    case Stream::ticker:
      return "ticker@" + market;
    default: {
      auto i = static_cast<Interval>(static_cast<size_t>(stream) -
                                     static_cast<size_t>(Stream::kline_first));
      return "kline@" + market + ":" + interval_name(i);
    }
  }
}

MarketPublisher::MarketPublisher(std::shared_ptr<Connection> connection)
    : connection_(connection) {}

MarketPublisher::~MarketPublisher() {
  detach_all();
}

void MarketPublisher::attach(const std::string& market, const caf::actor& hub) {
  for (size_t s = 0; s < kStreamCount; ++s) {
    auto stream = static_cast<Stream>(s);
    // The connection is held weakly: a hub that outlives the bus drops frames instead of
    // keeping a connection (and its io thread's objects) alive.
    FrameSink sink = [weak = connection_, channel = stream_name(market, stream)](
                         std::shared_ptr<const std::string> frame) {
      if (auto c = weak.lock()) c->publish(channel, std::move(frame));
    };
    caf::anon_send(hub, subscribe_atom::value, kPublisherConnection, stream, std::move(sink));
  }
  hubs_.push_back(hub);
}

void MarketPublisher::detach_all() {
  for (const auto& hub : hubs_)
    caf::anon_send(hub, unsubscribe_atom::value, kPublisherConnection);
  hubs_.clear();
}

}  // namespace ex::redis
