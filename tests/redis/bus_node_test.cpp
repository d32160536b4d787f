// Two processes over one Redis: a node hosting the markets with --bus, and a WebSocket-only
// edge (--role ws-edge). Orders placed over REST at the node produce frames that a
// WebSocket client of the edge receives exactly as a WebSocket client of the node does, in
// the same order; the trades reach storage through the Redis stream and every entry ends
// acknowledged. Then Redis restarts: both processes reconnect, the edge resubscribes, and
// the trades placed afterwards arrive and are stored the same way (each exactly once).
// Also: a second node hosting markets on the same Redis is refused, and a node whose claim
// another took stops (markets_lease.hpp).
// Needs the bus wiring in node bootstrap (config/bus_wiring.hpp).
#define CAF_SUITE redis_node
#include <caf/test/dsl.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "net/client/ws_client.hpp"
#include "net/redis/event_codec.hpp"
#include "net/redis/redis_connection.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/redis/call.hpp"
#include "tests/redis/wait.hpp"
#include "tests/support/redis_server.hpp"

using namespace ex;
using namespace ex::redis;
using ex::testing::call;
using ex::testing::ChildProcess;
using ex::testing::RedisServer;
using ex::testing::wait_until;

namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string http(uint16_t port, const std::string& method, const std::string& target,
                 const std::string& body = "") {
  return ex::testing::tcp_exchange(
      port,
      method + " " + target +
          " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n" +
          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
      std::chrono::milliseconds(3000));
}

// A WebSocket client that subscribes to `streams` and records every event frame.
struct Watcher {
  Watcher(boost::asio::io_context& io, uint16_t port, const std::vector<std::string>& streams)
      : ws(io, *client::parse_url("ws://127.0.0.1:" + std::to_string(port) + "/ws")) {
    std::string request = R"({"method":"SUBSCRIBE","params":[)";
    for (size_t i = 0; i < streams.size(); ++i)
      request += (i ? ",\"" : "\"") + streams[i] + "\"";
    request += R"(],"id":1})";
    ws.start({[this, request] { ws.send(request); },
              [this](std::string_view text) {
                if (text == R"({"result":null,"id":1})") {
                  acknowledged = true;
                  return;
                }
                std::lock_guard<std::mutex> lock(mutex);
                frames.emplace_back(text);
              },
              [](const std::string&) {}});
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mutex);
    return frames.size();
  }
  client::WsClient ws;
  std::atomic<bool> acknowledged{false};
  std::mutex mutex;
  std::vector<std::string> frames;
};

// An empty directory of this test process's own under the system's temp directory.
fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / (name + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A Redis client of the test's own, for looking at (and changing) what the nodes see.
struct Admin {
  explicit Admin(const std::string& url) : connection(io.context(), options(url)) {
    connection.start();
  }
  ~Admin() { connection.stop(); }
  static ConnectionOptions options(const std::string& url) {
    ConnectionOptions o;
    o.endpoint = *parse_redis_url(url);
    return o;
  }
  IoThread io;
  Connection connection;
};

}  // namespace

CAF_TEST(a websocket only edge receives what the node websocket receives) {
  const char* bin = std::getenv("EXCHANGE_BIN");
  CAF_REQUIRE(bin != nullptr);
  RedisServer server;
  CAF_REQUIRE(server.started());
  fs::path dir = fresh_dir("redis_node");
  uint16_t node_port = ex::testing::free_port(), edge_port = ex::testing::free_port();
  std::string node_log = (dir / "node.log").string(), edge_log = (dir / "edge.log").string();
  ChildProcess node, edge;
  CAF_REQUIRE(node.start({bin, "--demo", "--bus", server.url(), "--bind", "127.0.0.1",
                          "--http-port", std::to_string(node_port), "--ws-port", "0", "--data-dir",
                          (dir / "data").string(), "--durability", "none"},
                         node_log));
  CAF_REQUIRE(edge.start({bin, "--role", "ws-edge", "--bus", server.url(), "--bind", "127.0.0.1",
                          "--http-port", std::to_string(edge_port), "--ws-port", "0"},
                         edge_log));
  for (auto* log : {&node_log, &edge_log})
    CAF_REQUIRE(wait_until(
        [&] { return read_file(*log).find("exchange listening") != std::string::npos; }));

  const std::vector<std::string> streams{"trade@TATA_INR", "depth@TATA_INR", "ticker@TATA_INR",
                                         "kline@TATA_INR:1m", "fills@TATA_INR"};
  boost::asio::io_context io;
  Watcher at_node(io, node_port, streams), at_edge(io, edge_port, streams);
  std::thread io_thread([&] { io.run(); });
  Admin redis_admin(server.url());
  Connection& admin = redis_admin.connection;
  // Redis counts a subscriber (the edge) on every stream's channel.
  auto watched = [&] {
    return wait_until([&] {
      std::vector<std::string> args{"PUBSUB", "NUMSUB"};
      args.insert(args.end(), streams.begin(), streams.end());
      auto r = call(admin, args);
      if (!r || !r->is_array()) return false;
      for (size_t i = 1; i < r->elements.size(); i += 2)
        if (r->elements[i].integer < 1) return false;
      return true;
    });
  };
  // `n` trades at prices from `first`; returns how many the node confirmed.
  auto trade = [&](int n, int first) {
    int confirmed = 0;
    for (int i = 0; i < n; ++i) {
      std::string price = std::to_string(first + i);
      http(node_port, "POST", "/api/v1/order",
           R"({"market":"TATA_INR","side":"sell","price":")" + price +
               R"(","quantity":"1","userId":"1","orderType":"intraday"})");
      auto r = http(node_port, "POST", "/api/v1/order",
                    R"({"market":"TATA_INR","side":"buy","price":")" + price +
                        R"(","quantity":"1","userId":"2","orderType":"intraday"})");
      if (r.find("\"executedQty\":1") != std::string::npos) ++confirmed;
    }
    return confirmed;
  };
  // Every trade brings a trade, two fills, a kline and a ticker event (and depth events);
  // the edge has what the node has once the node has them all.
  auto delivered = [&](size_t from, int trades) {
    bool ok = wait_until(
        [&] { return at_node.size() >= from + 5u * trades && at_edge.size() == at_node.size(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // nothing more arrives
    return ok && at_edge.size() == at_node.size();
  };
  // Every trade placed so far stored (through the stream), and no entry left unacknowledged.
  // After Redis restarts empty, the node's claim is gone until its next renewal (within
  // 5 s), and its storage events wait for it (stream_producer.hpp, fencing).
  auto db = open_sqlite_store((dir / "data" / "exchange.db").string());
  CAF_REQUIRE(db.ok());
  auto stored = [&](int trades) {
    return wait_until(
        [&] {
          auto n = (*db)->trade_count("TATA_INR");
          if (!n.ok() || *n < static_cast<uint64_t>(trades)) return false;
          auto r = call(admin, {"XPENDING", event_stream_key("TATA_INR"), "writers"});
          return r && r->is_array() && !r->elements.empty() && r->elements[0].integer == 0;
        },
        std::chrono::seconds(20));
  };

  constexpr int kTrades = 20;
  bool subscribed =
      wait_until([&] { return at_node.acknowledged && at_edge.acknowledged; }) && watched();
  int placed = subscribed ? trade(kTrades, 100) : 0;
  bool first_delivered = subscribed && delivered(0, kTrades);
  bool first_acked = stored(placed);

  // Redis restarts (empty: no persistence in tests). The connections come back, the edge
  // subscribes again by itself, and later trades reach the edge and storage as before.
  size_t before_restart = at_node.size();
  bool restarted = server.restart() && watched();
  if (restarted) placed += trade(kTrades, 200);
  bool resumed = restarted && delivered(before_restart, kTrades);
  bool acked_again = stored(placed);

  boost::asio::post(io, [&] {
    at_node.ws.stop();
    at_edge.ws.stop();
    io.stop();
  });
  io_thread.join();
  admin.stop();
  edge.stop();
  node.stop(std::chrono::seconds(30));

  CAF_REQUIRE(subscribed);
  CAF_REQUIRE(first_delivered);
  CAF_CHECK(first_acked);
  CAF_REQUIRE(restarted);
  CAF_CHECK_EQUAL(placed, 2 * kTrades);
  CAF_REQUIRE(resumed);
  CAF_CHECK(acked_again);
  {
    std::lock_guard<std::mutex> a(at_node.mutex);
    std::lock_guard<std::mutex> b(at_edge.mutex);
    CAF_CHECK_EQUAL(at_edge.frames.size(), at_node.frames.size());
    CAF_CHECK(at_edge.frames == at_node.frames);  // same frames, same order
  }
  auto trades = (*db)->trade_count("TATA_INR");
  CAF_REQUIRE(trades.ok());
  CAF_CHECK_EQUAL(*trades, static_cast<uint64_t>(2 * kTrades));  // through the stream, once each
  CAF_CHECK_NOT_EQUAL(read_file(node_log).find("exchange stopped"), std::string::npos);
  db->reset();
  fs::remove_all(dir);
}

CAF_TEST(a second node hosting markets on the same redis is refused) {
  const char* bin = std::getenv("EXCHANGE_BIN");
  CAF_REQUIRE(bin != nullptr);
  RedisServer server;
  CAF_REQUIRE(server.started());
  fs::path dir = fresh_dir("redis_lease");
  // A log of its own for each run: a restart must not find its predecessor's lines.
  auto start = [&](ChildProcess& p, const std::string& name, const std::string& log) {
    return p.start({bin, "--bus", server.url(), "--bind", "127.0.0.1", "--http-port",
                    std::to_string(ex::testing::free_port()), "--ws-port", "0", "--data-dir",
                    (dir / name).string()},
                   (dir / (log + ".log")).string());
  };
  auto says = [&](const std::string& log, const std::string& text) {
    return wait_until(
        [&] { return read_file((dir / (log + ".log")).string()).find(text) != std::string::npos; });
  };
  ChildProcess first, second;
  CAF_REQUIRE(start(first, "first", "first-1"));
  CAF_REQUIRE(says("first-1", "exchange listening"));
  CAF_REQUIRE(start(second, "second", "second-1"));
  CAF_CHECK(wait_until([&] { return !second.running(); }));
  CAF_CHECK(says("second-1", "another node that hosts markets uses this Redis"));
  // The first, restarting after a crash, takes its claim back at once (the same node).
  kill(first.pid(), SIGKILL);
  CAF_REQUIRE(wait_until([&] { return !first.running(); }));
  CAF_REQUIRE(start(first, "first", "first-2"));
  CAF_CHECK(says("first-2", "exchange listening"));
  // A clean stop gives the claim up: the second starts now.
  first.stop();
  CAF_CHECK(says("first-2", "exchange stopped"));
  CAF_REQUIRE(start(second, "second", "second-2"));
  CAF_CHECK(says("second-2", "exchange listening"));
  second.stop();
  fs::remove_all(dir);
}

// A node cut off from Redis for longer than its claim lasts can find, once back, that
// another node took the claim meanwhile. Taking the key from under a running node is what
// it then sees: from that moment its storage events no longer reach the streams (the
// producer's appends check the claim in the same step), and at its next renewal it stops
// (exit code 1) and leaves the key alone.
CAF_TEST(a node whose claim another node took stops) {
  const char* bin = std::getenv("EXCHANGE_BIN");
  CAF_REQUIRE(bin != nullptr);
  RedisServer server;
  CAF_REQUIRE(server.started());
  fs::path dir = fresh_dir("redis_lease_lost");
  const std::string log_path = (dir / "node.log").string();
  const uint16_t port = ex::testing::free_port();
  ChildProcess node;
  CAF_REQUIRE(
      node.start({bin, "--demo", "--bus", server.url(), "--bind", "127.0.0.1", "--http-port",
                  std::to_string(port), "--ws-port", "0", "--data-dir", (dir / "data").string()},
                 log_path));
  auto says = [&](const std::string& text) {
    return wait_until([&] { return read_file(log_path).find(text) != std::string::npos; });
  };
  CAF_REQUIRE(says("exchange listening"));
  Admin redis_admin(server.url());
  Connection& admin = redis_admin.connection;
  auto order = [&] {
    return http(port, "POST", "/api/v1/order",
                R"({"market":"TATA_INR","side":"buy","price":"100","quantity":"1","userId":"1"})")
               .rfind("HTTP/1.1 200", 0) == 0;
  };
  auto appended = [&] {
    auto r = call(admin, {"XLEN", event_stream_key("TATA_INR")});
    return r ? r->integer : -1;
  };
  // What the node publishes on the book's channel, in order; the test's own marker shows
  // where the claim changed hands.
  const std::string channel = "depth@TATA_INR", marker = "the claim is another node's now";
  Connection subscriber(redis_admin.io.context(), Admin::options(server.url()));
  std::mutex mutex;
  std::vector<std::string> published;
  subscriber.on_message([&](const std::string&, std::shared_ptr<const std::string> payload) {
    std::lock_guard<std::mutex> lock(mutex);
    published.push_back(*payload);
  });
  subscriber.subscribe(channel);
  subscriber.start();
  auto heard = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return published.size();
  };
  CAF_REQUIRE(order());
  CAF_REQUIRE(wait_until([&] { return appended() > 0; }));          // the producer appends
  CAF_REQUIRE(wait_until([&] { return order() && heard() > 0; }));  // and the publisher publishes
  const std::string other = "other-host:0123456789abcdef";
  CAF_REQUIRE(call(admin, {"SET", "exchange:markets-node", other, "PX", "60000"}));
  CAF_REQUIRE(call(admin, {"PUBLISH", channel, marker}));
  const int64_t before = appended();
  // Orders the node still takes until its next renewal (within 5 s) finds the claim gone.
  int taken = 0;
  while (node.running() && taken < 1000)
    taken += order() ? 1 : 0;
  CAF_CHECK_GREATER(taken, 0);
  CAF_CHECK(wait_until([&] { return !node.running(); }, std::chrono::seconds(20)));
  CAF_CHECK_EQUAL(node.exit_code(), 1);
  CAF_CHECK_EQUAL(appended(), before);  // none of them reached the other node's stream
  // Nothing of the node's between the two markers: it reached none of the channels either.
  CAF_REQUIRE(call(admin, {"PUBLISH", channel, "end"}));
  CAF_REQUIRE(wait_until([&] {
    std::lock_guard<std::mutex> lock(mutex);
    return !published.empty() && published.back() == "end";
  }));
  {
    std::lock_guard<std::mutex> lock(mutex);
    CAF_REQUIRE_GREATER_OR_EQUAL(published.size(), 3u);
    CAF_CHECK_EQUAL(published[published.size() - 2], marker);
  }
  subscriber.stop();
  const std::string log = read_file(log_path);
  CAF_CHECK_NOT_EQUAL(log.find("another node took this node's claim"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(log.find(other), std::string::npos);
  CAF_CHECK_NOT_EQUAL(log.find("exchange stopped"), std::string::npos);
  auto holder = call(admin, {"GET", "exchange:markets-node"});
  CAF_REQUIRE(holder);
  CAF_CHECK_EQUAL(holder->str, other);
  fs::remove_all(dir);
}
