// The WebSocket-only edge as a separate process: `exchange --role ws-edge --bus redis://...`
// (EXCHANGE_BIN) with no markets of its own. A hub in this test process publishes through
// the Redis publisher; a WebSocket client of the edge receives exactly the frames a
// WebSocket subscriber of the hub receives, in the same order; REST answers 503.
#define CAF_SUITE redis_ws_edge
#include <caf/test/dsl.hpp>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "actors/common/messages.hpp"
#include "actors/hub/hub_actor.hpp"
#include "net/client/ws_client.hpp"
#include "net/redis/market_publisher.hpp"
#include "tests/redis/call.hpp"
#include "tests/redis/sample_events.hpp"
#include "tests/redis/wait.hpp"
#include "tests/support/redis_server.hpp"

using namespace ex;
using namespace ex::redis;
using ex::testing::call;
using ex::testing::ChildProcess;
using ex::testing::RedisServer;
using ex::testing::sample_update;
using ex::testing::wait_until;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string http_get(uint16_t port, const std::string& target) {
  return ex::testing::tcp_exchange(
      port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      std::chrono::milliseconds(2000));
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

// A received sequence of frames.
struct Seen {
  std::mutex mutex;
  std::vector<std::string> frames;
  void add(std::string f) {
    std::lock_guard<std::mutex> lock(mutex);
    frames.push_back(std::move(f));
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mutex);
    return frames.size();
  }
};

}  // namespace

CAF_TEST(a websocket only edge process relays the hub frames from redis) {
  const char* bin = std::getenv("EXCHANGE_BIN");
  CAF_REQUIRE(bin != nullptr);  // CTest sets it to the exchange binary
  RedisServer server;
  CAF_REQUIRE(server.started());
  uint16_t port = ex::testing::free_port();
  std::string log_path = "/tmp/redis_ws_edge_" + std::to_string(getpid()) + ".log";
  ChildProcess edge;
  CAF_REQUIRE(
      edge.start({bin, "--role", "ws-edge", "--bus", server.url(), "--bind", "127.0.0.1",
                  "--http-port", std::to_string(port), "--ws-port", "0", "--log-level", "info"},
                 log_path));
  CAF_REQUIRE(wait_until(
      [&] { return read_file(log_path).find("exchange listening") != std::string::npos; }));
  CAF_REQUIRE(
      wait_until([&] { return http_get(port, "/ready").find(" 200 ") != std::string::npos; }));

  // REST that needs a market: 503 with a clear message; configuration still answers.
  std::string depth = http_get(port, "/api/v1/depth?symbol=TATA_INR");
  CAF_CHECK_NOT_EQUAL(depth.find("HTTP/1.1 503"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(depth.find("WebSocket-only edge"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(http_get(port, "/api/v1/markets").find("TATA_INR"), std::string::npos);

  // The market side, in this process: a hub, the publisher, a direct subscriber.
  caf::actor_system system{config()};
  auto hub = system.spawn(hub_actor, std::string("TATA_INR"), std::chrono::milliseconds(0));
  IoThread io;
  ConnectionOptions o;
  o.endpoint = *parse_redis_url(server.url());
  auto pub = std::make_shared<Connection>(io.context(), o);
  pub->start();
  MarketPublisher publisher(pub);
  publisher.attach("TATA_INR", hub);
  Seen direct, via_edge;
  std::vector<std::string> names;
  for (size_t s = 0; s < kStreamCount; ++s) {
    names.push_back(stream_name("TATA_INR", static_cast<Stream>(s)));
    FrameSink sink = [&direct](std::shared_ptr<const std::string> f) { direct.add(*f); };
    caf::anon_send(hub, subscribe_atom::value, uint64_t{1}, static_cast<Stream>(s), sink);
  }

  // A WebSocket client of the edge subscribes to every stream.
  boost::asio::io_context client_io;
  auto url = client::parse_url("ws://127.0.0.1:" + std::to_string(port) + "/ws");
  CAF_REQUIRE(url.has_value());
  client::WsClient ws(client_io, *url);
  std::string request = R"({"method":"SUBSCRIBE","params":[)";
  for (size_t i = 0; i < names.size(); ++i)
    request += (i ? ",\"" : "\"") + names[i] + "\"";
  request += R"(],"id":1})";
  std::atomic<bool> acknowledged{false};
  ws.start({[&] { ws.send(request); },
            [&](std::string_view text) {
              if (text == R"({"result":null,"id":1})")
                acknowledged = true;
              else
                via_edge.add(std::string(text));
            },
            [](const std::string&) {}});
  std::thread client_thread([&] { client_io.run(); });
  bool subscribed = wait_until([&] { return acknowledged.load(); });
  // The edge's SUBSCRIBE reached Redis once Redis counts a subscriber on every channel.
  Connection admin(io.context(), o);
  admin.start();
  bool watched = subscribed && wait_until([&] {
                   std::vector<std::string> args{"PUBSUB", "NUMSUB"};
                   args.insert(args.end(), names.begin(), names.end());
                   auto r = call(admin, args);
                   if (!r || !r->is_array() || r->elements.size() != 2 * names.size()) return false;
                   for (size_t i = 1; i < r->elements.size(); i += 2)
                     if (r->elements[i].integer < 1) return false;
                   return true;
                 });

  const size_t updates = 100;
  if (watched)
    for (uint64_t i = 1; i <= updates; ++i)
      caf::anon_send(hub, update_atom::value, sample_update("TATA_INR", i));
  const size_t expected = updates * (1 + 2 + kIntervalCount + 1 + 1);
  bool all = watched &&
             wait_until([&] { return via_edge.size() >= expected && direct.size() >= expected; });

  boost::asio::post(client_io, [&] {
    ws.stop();
    client_io.stop();  // without waiting for the close handshake's timers
  });
  client_thread.join();
  admin.stop();
  pub->stop();
  edge.stop();
  caf::anon_send_exit(hub, caf::exit_reason::user_shutdown);
  system.await_all_actors_done();

  CAF_REQUIRE(subscribed);
  CAF_REQUIRE(watched);
  CAF_REQUIRE(all);
  std::lock_guard<std::mutex> a(direct.mutex);
  std::lock_guard<std::mutex> b(via_edge.mutex);
  CAF_CHECK_EQUAL(via_edge.frames.size(), direct.frames.size());
  CAF_CHECK(via_edge.frames == direct.frames);  // same frames, same order
  CAF_CHECK_NOT_EQUAL(read_file(log_path).find("exchange stopped"), std::string::npos);
  std::remove(log_path.c_str());
}
