// Market data over Redis: a real hub actor with the publisher attached; what a Redis
// subscriber receives on each stream's channel is exactly what a WebSocket subscriber's
// FrameSink receives, frame for frame. And the WebSocket-only edge's ExchangeApi
// (RedisStreamsApi) hands those same frames to its connections, refuses REST with 503,
// and keeps Redis subscribed exactly to the channels someone watches.
#define CAF_SUITE redis_publisher
#include <caf/test/dsl.hpp>

#include <future>
#include <map>
#include <mutex>

#include "actors/common/messages.hpp"
#include "actors/hub/hub_actor.hpp"
#include "net/redis/market_publisher.hpp"
#include "net/redis/redis_streams_api.hpp"
#include "tests/redis/call.hpp"
#include "tests/redis/sample_events.hpp"
#include "tests/redis/wait.hpp"
#include "tests/support/redis_server.hpp"

using namespace ex;
using namespace ex::redis;
using ex::testing::call;
using ex::testing::RedisServer;
using ex::testing::sample_update;
using ex::testing::wait_until;

namespace {

// Frames per stream, in arrival order.
struct Frames {
  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> by_stream;
  size_t total = 0;
  void add(const std::string& stream, const std::string& frame) {
    std::lock_guard<std::mutex> lock(mutex);
    by_stream[stream].push_back(frame);
    ++total;
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mutex);
    return total;
  }
};

std::vector<std::string> all_streams(const std::string& market) {
  std::vector<std::string> out;
  for (size_t s = 0; s < kStreamCount; ++s)
    out.push_back(stream_name(market, static_cast<Stream>(s)));
  return out;
}

caf::actor_system_config& config() {
  static caf::actor_system_config cfg = [] {
    caf::actor_system_config c;
    add_message_types(c);
    c.set("logger.console", caf::atom("none"));
    c.set("logger.file-verbosity", caf::atom("quiet"));
    return c;
  }();
  return cfg;
}

struct fixture {
  fixture() : system(config()) {
    CAF_REQUIRE(server.started());
    hub = system.spawn(hub_actor, std::string("TATA_INR"), std::chrono::milliseconds(0));
  }
  ~fixture() {
    caf::anon_send_exit(hub, caf::exit_reason::user_shutdown);
    system.await_all_actors_done();
  }

  ConnectionOptions options(const char* name) {
    ConnectionOptions o;
    o.endpoint = *parse_redis_url(server.url());
    o.name = name;
    o.backoff_initial = std::chrono::milliseconds(20);
    return o;
  }

  // A WebSocket-like subscriber of every stream of the hub, straight from the hub.
  void subscribe_directly(Frames& frames) {
    for (size_t s = 0; s < kStreamCount; ++s) {
      std::string name = stream_name("TATA_INR", static_cast<Stream>(s));
      FrameSink sink = [&frames, name](std::shared_ptr<const std::string> f) {
        frames.add(name, *f);
      };
      caf::anon_send(hub, subscribe_atom::value, uint64_t{1}, static_cast<Stream>(s), sink);
    }
  }

  // Waits until Redis counts a subscriber on every channel.
  bool channels_watched(Connection& admin, int64_t at_least) {
    return wait_until([&] {
      std::vector<std::string> args{"PUBSUB", "NUMSUB"};
      for (auto& s : all_streams("TATA_INR"))
        args.push_back(s);
      auto r = call(admin, args);
      if (!r || !r->is_array()) return false;
      for (size_t i = 1; i < r->elements.size(); i += 2)
        if (r->elements[i].integer < at_least) return false;
      return true;
    });
  }

  RedisServer server;
  IoThread io;
  caf::actor_system system;
  caf::actor hub;
};

}  // namespace

CAF_TEST(stream names are the inverse of parsing) {
  for (auto& name : all_streams("TATA_INR")) {
    std::string market;
    Stream s;
    CAF_REQUIRE(parse_stream_name(name, &market, &s));
    CAF_CHECK_EQUAL(market, "TATA_INR");
    CAF_CHECK_EQUAL(stream_name(market, s), name);
  }
  CAF_CHECK_EQUAL(stream_name("A_B", kline_stream(Interval::h1)), "kline@A_B:1h");
}

CAF_TEST_FIXTURE_SCOPE(publisher, fixture)

CAF_TEST(redis subscribers get exactly the websocket frames) {
  auto pub = std::make_shared<Connection>(io.context(), options("publisher"));
  pub->start();
  MarketPublisher publisher(pub);
  publisher.attach("TATA_INR", hub);

  Frames direct, via_redis;
  subscribe_directly(direct);
  Connection sub(io.context(), options("subscriber"));
  sub.on_message([&](const std::string& channel, std::shared_ptr<const std::string> payload) {
    via_redis.add(channel, *payload);
  });
  for (auto& s : all_streams("TATA_INR"))
    sub.subscribe(s);
  sub.start();
  Connection admin(io.context(), options("admin"));
  admin.start();
  CAF_REQUIRE(channels_watched(admin, 1));

  for (uint64_t i = 1; i <= 200; ++i)
    caf::anon_send(hub, update_atom::value, sample_update("TATA_INR", i));
  // Per update: a trade, two fills, 8 klines, a ticker and a depth event.
  const size_t expected = 200 * (1 + 2 + kIntervalCount + 1 + 1);
  CAF_REQUIRE(
      wait_until([&] { return direct.size() == expected && via_redis.size() == expected; }));
  std::lock_guard<std::mutex> a(direct.mutex);
  std::lock_guard<std::mutex> b(via_redis.mutex);
  CAF_CHECK_EQUAL(direct.by_stream.size(), kStreamCount);
  for (auto& [stream, frames] : direct.by_stream) {
    CAF_CHECK(via_redis.by_stream[stream] == frames);
    CAF_CHECK_EQUAL(via_redis.by_stream[stream].size(), frames.size());
  }
  CAF_CHECK_NOT_EQUAL(direct.by_stream["trade@TATA_INR"][0].find("\"e\":\"trade\""),
                      std::string::npos);
}

CAF_TEST(the websocket only edge serves the same frames from redis) {
  auto pub = std::make_shared<Connection>(io.context(), options("publisher"));
  pub->start();
  MarketPublisher publisher(pub);
  publisher.attach("TATA_INR", hub);
  Frames direct, edge;
  subscribe_directly(direct);

  RedisStreamsApi api(io.context(), options("ws-edge"), {ex::testing::tata_inr()}, {});
  api.start();
  CAF_REQUIRE(wait_until([&] { return api.ready(); }));
  // Two connections on the edge; Redis sees one subscription per channel.
  for (uint64_t conn : {7, 8})
    for (auto& s : all_streams("TATA_INR")) {
      FrameSink sink = [&edge, s, conn](std::shared_ptr<const std::string> f) {
        if (conn == 7) edge.add(s, *f);
      };
      CAF_REQUIRE(api.subscribe(conn, s, sink).ok());
    }
  CAF_CHECK_EQUAL(api.channels(), kStreamCount);
  Connection admin(io.context(), options("admin"));
  admin.start();
  CAF_REQUIRE(channels_watched(admin, 1));

  for (uint64_t i = 1; i <= 50; ++i)
    caf::anon_send(hub, update_atom::value, sample_update("TATA_INR", i));
  const size_t expected = 50 * (1 + 2 + kIntervalCount + 1 + 1);
  CAF_REQUIRE(wait_until([&] { return direct.size() == expected && edge.size() == expected; }));
  {
    std::lock_guard<std::mutex> a(direct.mutex);
    std::lock_guard<std::mutex> b(edge.mutex);
    for (auto& [stream, frames] : direct.by_stream)
      CAF_CHECK(edge.by_stream[stream] == frames);
  }

  // Errors as on a full node, REST refused with 503 UNAVAILABLE.
  auto bad = api.subscribe(7, "trade@NOPE_INR", [](std::shared_ptr<const std::string>) {});
  CAF_REQUIRE(!bad.ok());
  CAF_CHECK_EQUAL(bad.error().code, ErrorCode::unknown_market);
  auto worse = api.subscribe(7, "bogus@TATA_INR", [](std::shared_ptr<const std::string>) {});
  CAF_REQUIRE(!worse.ok());
  CAF_CHECK_EQUAL(worse.error().code, ErrorCode::invalid_field);
  std::promise<Result<DepthSnapshot>> depth;
  api.depth("TATA_INR", 10, [&](Result<DepthSnapshot> r) { depth.set_value(std::move(r)); });
  auto d = depth.get_future().get();
  CAF_REQUIRE(!d.ok());
  CAF_CHECK_EQUAL(d.error().code, ErrorCode::unavailable);
  CAF_CHECK_EQUAL(http_status(d.error().code), 503);

  // The last subscriber of a channel leaving unsubscribes the edge from it.
  api.unsubscribe(7, "trade@TATA_INR");
  CAF_CHECK_EQUAL(api.channels(), kStreamCount);  // connection 8 still watches
  api.unsubscribe_all(8);
  CAF_CHECK_EQUAL(api.channels(), kStreamCount - 1);  // connection 7 watches the others
  api.unsubscribe_all(7);
  CAF_CHECK_EQUAL(api.channels(), 0u);
  CAF_REQUIRE(wait_until([&] {
    auto r = call(admin, {"PUBSUB", "CHANNELS"});
    return r && r->is_array() && r->elements.empty();
  }));
  api.stop();
}

CAF_TEST_FIXTURE_SCOPE_END()
