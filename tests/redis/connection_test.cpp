// The hiredis-on-Asio connection against a real redis-server: commands, publish and
// subscribe, reconnection after Redis restarts, and the bounded buffer while it is down.
#define CAF_SUITE redis_connection
#include <caf/test/dsl.hpp>

#include <poll.h>

#include <future>
#include <mutex>

#include "net/redis/redis_connection.hpp"
#include "tests/redis/call.hpp"
#include "tests/redis/wait.hpp"
#include "tests/support/redis_server.hpp"

using namespace ex;
using namespace ex::redis;
using ex::testing::call;
using ex::testing::RedisServer;
using ex::testing::wait_until;

namespace {

ConnectionOptions options_for(const RedisServer& server, const char* name) {
  ConnectionOptions o;
  o.endpoint = *parse_redis_url(server.url());
  o.name = name;
  o.backoff_initial = std::chrono::milliseconds(20);
  o.backoff_max = std::chrono::milliseconds(200);
  return o;
}

// Collects what a subscriber connection receives.
struct Inbox {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> messages;
  MessageFn sink() {
    return [this](const std::string& channel, std::shared_ptr<const std::string> payload) {
      std::lock_guard<std::mutex> lock(mutex);
      messages.emplace_back(channel, *payload);
    };
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mutex);
    return messages.size();
  }
};

// Publishes `probe` until a subscriber of `channel` exists (SUBSCRIBE is asynchronous).
bool wait_for_subscriber(Connection& pub, const std::string& channel) {
  return wait_until([&] {
    auto r = call(pub, {"PUBSUB", "NUMSUB", channel});
    return r && r->is_array() && r->elements.size() == 2 && r->elements[1].integer >= 1;
  });
}

// A publishing and a subscribed connection to a fresh Redis, what the subscriber receives
// collected in `inbox`.
struct PubSub {
  RedisServer server;
  IoThread io;
  Connection pub{io.context(), options_for(server, "pub")};
  Connection sub{io.context(), options_for(server, "sub")};
  Inbox inbox;

  // Subscribes to `channels`, connects both and waits until Redis counts the subscriber.
  void start(std::initializer_list<const char*> channels) {
    CAF_REQUIRE(server.started());
    sub.on_message(inbox.sink());
    for (const char* channel : channels)
      sub.subscribe(channel);
    pub.start();
    sub.start();
    for (const char* channel : channels)
      CAF_REQUIRE(wait_for_subscriber(pub, channel));
  }
};

}  // namespace

CAF_TEST(urls) {
  auto e = parse_redis_url("redis://127.0.0.1:6390");
  CAF_REQUIRE(e.ok());
  CAF_CHECK_EQUAL(e->host, "127.0.0.1");
  CAF_CHECK_EQUAL(e->port, 6390);
  auto fallback = parse_redis_url("redis://cache/");
  CAF_REQUIRE(fallback.ok());
  CAF_CHECK_EQUAL(fallback->port, 6379);
  CAF_CHECK(!parse_redis_url("http://x:1").ok());
  CAF_CHECK(!parse_redis_url("redis://x:0").ok());
  CAF_CHECK(!parse_redis_url("redis://u:p@x:1").ok());
  CAF_CHECK(!parse_redis_url("redis://x:1/2").ok());
}

CAF_TEST(commands and error replies) {
  RedisServer server;
  CAF_REQUIRE(server.started());
  IoThread io;
  Connection c(io.context(), options_for(server, "cmd"));
  c.start();
  auto set = call(c, {"SET", "k", std::string("a\0b", 3)});
  CAF_REQUIRE(set.ok());
  CAF_CHECK_EQUAL(set->str, "OK");
  auto get = call(c, {"GET", "k"});
  CAF_REQUIRE(get.ok());
  CAF_CHECK_EQUAL(get->str, std::string("a\0b", 3));  // binary-safe
  CAF_CHECK(call(c, {"GET", "missing"})->is_nil());
  auto bad = call(c, {"INCR", "k"});
  CAF_REQUIRE(!bad.ok());
  CAF_CHECK_EQUAL(bad.error().code, ErrorCode::internal);
  CAF_CHECK(error_is(bad.error(), "ERR"));
  c.stop();
}

CAF_TEST_FIXTURE_SCOPE(publish_subscribe, PubSub)

CAF_TEST(publish and subscribe deliver every message in order) {
  start({"trade@TATA_INR", "depth@TATA_INR"});
  for (int i = 0; i < 1000; ++i)
    pub.publish(i % 2 ? "trade@TATA_INR" : "depth@TATA_INR",
                std::make_shared<const std::string>("{\"n\":" + std::to_string(i) + "}"));
  pub.publish("ticker@TATA_INR", std::make_shared<const std::string>("not subscribed"));
  CAF_REQUIRE(wait_until([&] { return inbox.size() >= 1000; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::lock_guard<std::mutex> lock(inbox.mutex);
  CAF_REQUIRE_EQUAL(inbox.messages.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    CAF_CHECK_EQUAL(inbox.messages[i].first, i % 2 ? "trade@TATA_INR" : "depth@TATA_INR");
    CAF_CHECK_EQUAL(inbox.messages[i].second, "{\"n\":" + std::to_string(i) + "}");
  }
}

CAF_TEST(unsubscribe stops delivery) {
  start({"a"});
  sub.unsubscribe("a");
  CAF_REQUIRE(wait_until([&] {
    auto r = call(pub, {"PUBSUB", "NUMSUB", "a"});
    return r && r->elements.size() == 2 && r->elements[1].integer == 0;
  }));
  pub.publish("a", std::make_shared<const std::string>("late"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CAF_CHECK_EQUAL(inbox.size(), 0u);
}

CAF_TEST(reconnects and resubscribes after redis restarts) {
  start({"ch"});
  pub.publish("ch", std::make_shared<const std::string>("before"));
  CAF_REQUIRE(wait_until([&] { return inbox.size() == 1; }));

  CAF_REQUIRE(server.restart());
  CAF_REQUIRE(wait_until([&] { return sub.stats().connects >= 2 && pub.stats().connects >= 2; }));
  CAF_REQUIRE(wait_for_subscriber(pub, "ch"));  // the subscription came back by itself
  pub.publish("ch", std::make_shared<const std::string>("after"));
  CAF_REQUIRE(wait_until([&] { return inbox.size() == 2; }));
  std::lock_guard<std::mutex> lock(inbox.mutex);
  CAF_CHECK_EQUAL(inbox.messages[1].second, "after");
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(commands wait in a bounded buffer while redis is down) {
  RedisServer server;
  CAF_REQUIRE(server.started());
  IoThread io;
  auto o = options_for(server, "buffered");
  o.max_buffered = 10;
  Connection c(io.context(), o);
  c.start();
  CAF_REQUIRE(call(c, {"PING"}).ok());

  server.stop();
  CAF_REQUIRE(wait_until([&] { return !c.connected(); }));
  std::atomic<int> ok{0}, failed{0};
  std::vector<Error> errors;
  std::mutex mutex;
  for (int i = 0; i < 15; ++i)
    c.command({"INCR", "counter"}, [&](Result<Reply> r) {
      if (r)
        ++ok;
      else {
        std::lock_guard<std::mutex> lock(mutex);
        errors.push_back(r.error());
        ++failed;
      }
    });
  // The five beyond the bound fail at once; ten wait.
  CAF_REQUIRE(wait_until([&] { return failed.load() == 5; }));
  CAF_CHECK_EQUAL(c.stats().buffered, 10u);
  CAF_CHECK_EQUAL(c.stats().dropped, 5u);
  CAF_CHECK_EQUAL(errors.front().code, ErrorCode::unavailable);
  CAF_CHECK_EQUAL(ok.load(), 0);

  CAF_REQUIRE(server.start());
  CAF_REQUIRE(wait_until([&] { return ok.load() == 10; }));
  auto n = call(c, {"GET", "counter"});
  CAF_REQUIRE(n.ok());
  CAF_CHECK_EQUAL(n->str, "10");  // each buffered command ran exactly once
  CAF_CHECK_EQUAL(c.stats().buffered, 0u);
}

CAF_TEST(a redis that stops answering costs bounded memory and is connected to again) {
  RedisServer server;
  CAF_REQUIRE(server.started());
  IoThread io;
  auto o = options_for(server, "stalled");
  o.max_buffered = 10;
  o.reply_timeout = std::chrono::milliseconds(800);
  Connection c(io.context(), o);
  c.start();
  CAF_REQUIRE(call(c, {"PING"}).ok());
  const uint64_t connects = c.stats().connects;

  server.pause();  // the connection stays up; nothing is answered
  std::atomic<int> failed{0};
  for (int i = 0; i < 15; ++i)
    c.command({"INCR", "counter"}, [&](Result<Reply> r) {
      if (!r) ++failed;
    });
  // The five beyond the bound fail at once, as they do while Redis is unreachable.
  CAF_REQUIRE(wait_until([&] { return failed.load() == 5; }));
  CAF_CHECK_EQUAL(c.stats().dropped, 5u);
  // The ten in flight fail once unanswered for reply_timeout; the connection is made again.
  CAF_REQUIRE(wait_until([&] { return failed.load() == 15; }, std::chrono::seconds(5)));
  CAF_REQUIRE(wait_until([&] { return c.stats().connects > connects; }, std::chrono::seconds(5)));

  server.resume();
  CAF_REQUIRE(wait_until([&] { return call(c, {"PING"}).ok(); }));
}

// Accepts every connection and closes it at once, as a proxy whose Redis is down does, or
// a Redis at its maxclients.
class Slammer {
 public:
  Slammer() : fd_(ex::testing::bind_loopback(&port_)) {
    listen(fd_, 64);
    thread_ = std::thread([this] {
      while (!done_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 20) == 1) close(accept(fd_, nullptr, nullptr));
      }
    });
  }
  ~Slammer() {
    done_ = true;
    thread_.join();
    close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  uint16_t port_ = 0;  // before fd_, which the constructor makes with it
  int fd_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

CAF_TEST(a connection that is accepted and closed at once backs off all the same) {
  Slammer slammer;
  IoThread io;
  ConnectionOptions o;
  o.endpoint = *parse_redis_url("redis://127.0.0.1:" + std::to_string(slammer.port()));
  o.name = "slammed";
  o.backoff_initial = std::chrono::milliseconds(20);
  o.backoff_max = std::chrono::milliseconds(400);
  Connection c(io.context(), o);
  c.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  // Backing off, 20 + 40 + 80 + 160 + 320 + 400 ms: about 6 connections in 1.5 s, where a
  // backoff that starts again on each connect made one every 20 ms (about 75).
  const uint64_t connects = c.stats().connects;
  CAF_CHECK(connects >= 3);
  CAF_CHECK(connects <= 12);
  c.stop();
}

CAF_TEST(stop fails what is buffered and ends reconnecting) {
  RedisServer server;
  CAF_REQUIRE(server.started());
  IoThread io;
  Connection c(io.context(), options_for(server, "stopped"));
  server.stop();
  c.start();
  std::promise<Result<Reply>> p;
  c.command({"PING"}, [&](Result<Reply> r) { p.set_value(std::move(r)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  c.stop();
  auto f = p.get_future();
  CAF_REQUIRE(f.wait_for(std::chrono::seconds(1)) == std::future_status::ready);
  CAF_CHECK(!f.get().ok());
  CAF_CHECK(!c.connected());
}

CAF_TEST(a fenced publish goes out only while the key holds the token) {
  RedisServer server;
  CAF_REQUIRE(server.started());
  IoThread io;
  Connection admin(io.context(), options_for(server, "admin"));
  auto o = options_for(server, "fenced");
  o.fence_key = "claim";
  o.fence_token = "this-node";
  Connection pub(io.context(), o);
  Connection sub(io.context(), options_for(server, "sub"));
  Inbox inbox;
  sub.on_message(inbox.sink());
  sub.subscribe("ch");
  for (Connection* c : {&admin, &pub, &sub})
    c->start();
  CAF_REQUIRE(wait_for_subscriber(admin, "ch"));
  auto message = [](const std::string& text) { return std::make_shared<const std::string>(text); };

  CAF_REQUIRE(call(admin, {"SET", "claim", "this-node"}).ok());
  const int n = 2000;  // several scripts' worth
  for (int i = 0; i < n; ++i)
    pub.publish("ch", message(std::to_string(i)));
  CAF_REQUIRE(wait_until([&] { return inbox.size() >= static_cast<size_t>(n); }));

  CAF_REQUIRE(call(admin, {"SET", "claim", "another-node"}).ok());
  for (int i = 0; i < 100; ++i)
    pub.publish("ch", message("fenced"));
  // Before the key comes back, Redis must have run (and refused) their script. One
  // connection's commands run in order, and the script is queued by the time a PING given
  // after the messages runs: a second PING, given once the first is answered, comes after it.
  CAF_REQUIRE(call(pub, {"PING"}).ok());
  CAF_REQUIRE(call(pub, {"PING"}).ok());
  CAF_REQUIRE(call(admin, {"SET", "claim", "this-node"}).ok());
  // Given after the fenced ones on the same connection, so it is published after them.
  pub.publish("ch", message("again"));
  CAF_REQUIRE(wait_until([&] { return inbox.size() >= static_cast<size_t>(n + 1); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::lock_guard<std::mutex> lock(inbox.mutex);
  CAF_REQUIRE_EQUAL(inbox.messages.size(), static_cast<size_t>(n + 1));
  for (int i = 0; i < n; ++i)
    CAF_CHECK_EQUAL(inbox.messages[i].second, std::to_string(i));
  CAF_CHECK_EQUAL(inbox.messages[n].second, "again");
}

CAF_TEST(fenced messages waiting while redis is down count against the bound) {
  RedisServer server;
  CAF_REQUIRE(server.started());
  IoThread io;
  auto o = options_for(server, "fenced");
  o.fence_key = "claim";
  o.fence_token = "this-node";
  o.max_buffered = 10;
  Connection pub(io.context(), o);
  pub.start();
  CAF_REQUIRE(wait_until([&] { return pub.connected(); }));
  server.stop();
  CAF_REQUIRE(wait_until([&] { return !pub.connected(); }));
  for (int i = 0; i < 25; ++i)
    pub.publish("ch", std::make_shared<const std::string>("m"));
  CAF_REQUIRE(wait_until([&] {
    auto s = pub.stats();
    return s.buffered + s.dropped == 25;
  }));
  CAF_CHECK_LESS_OR_EQUAL(pub.stats().buffered, 10u);
  CAF_CHECK_GREATER_OR_EQUAL(pub.stats().dropped, 15u);
}
