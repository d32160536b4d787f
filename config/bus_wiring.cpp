#include "config/bus_wiring.hpp"

#include <mutex>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "net/redis/bus_atoms.hpp"
#include "net/redis/market_publisher.hpp"
#include "net/redis/markets_lease.hpp"
#include "net/redis/stream_consumer.hpp"
#include "net/redis/stream_producer.hpp"

namespace ex {
namespace {

class RedisBus final : public Bus {
 public:
  RedisBus(const Options& o, caf::actor_system& system) : options_(o), system_(system) {
    endpoint_ = *redis::parse_redis_url(o.bus);  // load_options checked it
    log(Level::info, "bus: redis", {{"endpoint", endpoint_.text()}});
  }

  ~RedisBus() override {
    stop();
    await_actors();
    publisher_.reset();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      connections_.clear();
    }
    io_.stop();
  }

  Result<bool> claim(const std::string& node, std::function<void()> on_lost) override {
    node_ = node;
    // Renewed at once whenever the lease's connection comes back, not at the next tick: a
    // Redis that restarted empty has lost the claim, and storage events wait for it
    // (stream_producer.hpp); one taken meanwhile by another node is found sooner.
    auto reconnected = std::make_shared<Reconnected>();
    auto lease_connection = connect("lease", {}, [reconnected] { reconnected->renew(); });
    lease_ = std::make_shared<redis::MarketsLease>(
        lease_connection, node,
        [this, lease_connection, on_lost = std::move(on_lost)](const std::string&) {
          fence(lease_connection);
          on_lost();
        });
    reconnected->set(lease_);
    if (auto r = lease_->claim(std::chrono::seconds(3)); !r) return r;
    // Market data goes out only while this node holds the claim, as storage events do.
    publisher_ = std::make_unique<redis::MarketPublisher>(connect("publisher", node));
    renewer_ = system_.spawn([lease = lease_](caf::event_based_actor* self) -> caf::behavior {
      const auto every = lease->ttl() / 3;
      self->delayed_send(self, every, tick_atom::value);
      return {[=](tick_atom) {
        lease->renew();
        self->delayed_send(self, every, tick_atom::value);
      }};
    });
    return true;
  }

  caf::actor route_storage(const caf::actor& writer) override {
    writer_ = writer;
    redis::ProducerOptions p;
    p.max_len = options_.bus_stream_maxlen;
    p.fence_token = node_;  // appends only while this node holds the claim
    producer_ = system_.spawn(redis::stream_producer, connect("producer"), p);
    std::vector<std::string> streams;
    for (const auto& m : options_.markets)
      streams.push_back(m.symbol);
    streams.push_back(kDepositStream);
    redis::ConsumerOptions c;
    c.consumer = options_.bus_consumer;
    consumer_ =
        system_.spawn(redis::stream_consumer, connect("consumer"), std::move(streams), writer, c);
    return producer_;
  }

  void attach_market(const std::string& symbol, const caf::actor& market,
                     const caf::actor& hub) override {
    if (publisher_) publisher_->attach(symbol, hub);
    if (consumer_) caf::anon_send(consumer_, redis::bus_source_atom::value, symbol, market);
  }

  std::string describe() const override { return endpoint_.text(); }

  void stop() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    if (publisher_) publisher_->detach_all();
    if (lease_) lease_->release(std::chrono::seconds(1));
    for (auto* a : {&producer_, &consumer_, &writer_, &renewer_})
      if (*a) caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
    for (auto& c : connections())
      c->stop();
  }

 private:
  // The bus's actors hold connections on io_, and a stopped actor lets go of them only
  // when it finishes: they must be gone before io_ is. stop() asked them to exit; on the
  // way out of run_node, even when it stops early, nothing else waits for them.
  void await_actors() {
    caf::scoped_actor self{system_};
    size_t running = 0;
    for (auto* a : {&producer_, &consumer_, &renewer_})
      if (*a) {
        self->monitor(*a);
        ++running;
      }
    bool late = false;
    for (; running > 0 && !late; --running)
      self->receive([](const caf::down_msg&) {},
                    caf::after(std::chrono::seconds(5)) >> [&] { late = true; });
    if (late) log(Level::warn, "bus: an actor did not stop within 5 s", {});
  }

  // Another node holds the claim now: from here on nothing of this node reaches Redis (no
  // storage event appended to, read from or acknowledged in the streams, nothing
  // published), while the node stops. What it has not stored is in its journals. On the
  // Redis thread, from the lease's reply: its own connection is left to stop().
  void fence(const std::shared_ptr<redis::Connection>& lease_connection) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopped_) return;
    }
    for (auto& c : connections())
      if (c != lease_connection) c->stop();
  }

  std::vector<std::shared_ptr<redis::Connection>> connections() {
    std::lock_guard<std::mutex> lock(mutex_);
    return connections_;
  }

  // What the lease's connection does when it connects: nothing the first time (claim()
  // asks then), a renewal every time after. Set from the main thread, run on Redis's.
  class Reconnected {
   public:
    void set(std::shared_ptr<redis::MarketsLease> lease) {
      std::lock_guard<std::mutex> lock(mutex_);
      lease_ = std::move(lease);
    }
    void renew() {
      std::shared_ptr<redis::MarketsLease> lease;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (connections_++ == 0) return;
        lease = lease_.lock();
      }
      if (lease) lease->renew();
    }

   private:
    std::mutex mutex_;
    std::weak_ptr<redis::MarketsLease> lease_;
    int connections_ = 0;
  };

  // `fence_token`: publish only while the claim holds it (ConnectionOptions).
  std::shared_ptr<redis::Connection> connect(const char* name, std::string fence_token = {},
                                             std::function<void()> on_connected = {}) {
    redis::ConnectionOptions o;
    o.endpoint = endpoint_;
    o.name = name;
    if (!fence_token.empty()) {
      o.fence_key = redis::kMarketsNodeKey;
      o.fence_token = std::move(fence_token);
    }
    auto c = std::make_shared<redis::Connection>(io_.context(), o);
    if (on_connected) c->on_connected(std::move(on_connected));
    c->start();
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.push_back(c);
    return c;
  }

  Options options_;
  caf::actor_system& system_;
  redis::Endpoint endpoint_;
  // Guards connections_ and stopped_, which the Redis thread reads (fence). Declared before
  // io_, so it outlives that thread.
  std::mutex mutex_;
  redis::IoThread io_;
  std::vector<std::shared_ptr<redis::Connection>> connections_;
  std::unique_ptr<redis::MarketPublisher> publisher_;
  std::shared_ptr<redis::MarketsLease> lease_;
  std::string node_;  // the claim's token
  caf::actor producer_, consumer_, writer_, renewer_;
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<Bus> open_bus(const Options& options, caf::actor_system& system) {
  if (options.bus.empty()) return nullptr;
  return std::make_unique<RedisBus>(options, system);
}

}  // namespace ex
