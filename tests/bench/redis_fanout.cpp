// Market data fan-out through Redis pub/sub: one publisher connection (as a market node's
// MarketPublisher uses) sends frames of a given size on one channel, N subscriber
// connections (as WebSocket-only edges use) receive them. Measures publish-to-receive
// latency per message and subscriber, and the delivered rate. Uses the project's own
// hiredis-on-Asio Connection; starts its own redis-server unless --redis is given.
//
//   redis_fanout [--subscribers 8] [--messages 100000] [--rate 0] [--payload 200]
//                [--redis redis://host:port]
//   --rate: messages per second (paced in 1 ms ticks); 0 = as fast as the publisher goes.
// The last line is name=value pairs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/redis/redis_connection.hpp"
#include "tests/bench/bench_support.hpp"
#include "tests/bench/flags.hpp"
#include "tests/support/redis_server.hpp"

using namespace ex;
using Clock = std::chrono::steady_clock;

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Subscriber {
  std::unique_ptr<redis::Connection> connection;
  std::vector<int64_t> latencies_ns;  // only touched on the subscribers' io thread
  std::atomic<size_t> received{0};
  std::atomic<int64_t> last_ns{0};
};

}  // namespace

int main(int argc, char** argv) {
  size_t subscribers = 8, messages = 100000, payload = 200;
  double rate = 0;
  std::string url;
  ex::bench::Flags flags(
      "usage: redis_fanout [--subscribers 8] [--messages 100000] "
      "[--rate 0 (as fast as it goes)] [--payload 200] [--redis URL]\n");
  flags.number("--subscribers", subscribers)
      .number("--messages", messages)
      .number("--rate", rate)
      .number("--payload", payload)
      .text("--redis", url)
      .parse(argc, argv);
  if (subscribers < 1 || messages < 1 || rate < 0)
    flags.refuse("--subscribers and --messages must be positive, --rate 0 or more");
  payload = std::max<size_t>(payload, 32);
  std::unique_ptr<ex::testing::RedisServer> own;
  if (url.empty()) {
    own = std::make_unique<ex::testing::RedisServer>();
    if (!own->started()) {
      std::fprintf(stderr, "cannot start redis-server\n");
      return 1;
    }
    url = own->url();
  }
  auto endpoint = redis::parse_redis_url(url);
  if (!endpoint) {
    std::fprintf(stderr, "%s\n", endpoint.error().message.c_str());
    return 2;
  }
  const std::string channel = "trade@BENCH_INR";

  redis::IoThread pub_io, sub_io;
  redis::ConnectionOptions o;
  o.endpoint = *endpoint;
  o.max_buffered = messages + 16;
  std::vector<std::unique_ptr<Subscriber>> subs;
  for (size_t i = 0; i < subscribers; ++i) {
    auto s = std::make_unique<Subscriber>();
    s->latencies_ns.reserve(messages);
    o.name = "sub" + std::to_string(i);
    s->connection = std::make_unique<redis::Connection>(sub_io.context(), o);
    Subscriber* raw = s.get();
    s->connection->on_message([raw](const std::string&, std::shared_ptr<const std::string> p) {
      int64_t sent = 0;
      std::memcpy(&sent, p->data(), sizeof sent);
      int64_t t = now_ns();
      raw->latencies_ns.push_back(t - sent);
      raw->last_ns.store(t);
      raw->received.fetch_add(1);
    });
    s->connection->subscribe(channel);
    s->connection->start();
    subs.push_back(std::move(s));
  }
  o.name = "publisher";
  redis::Connection pub(pub_io.context(), o);
  pub.start();
  // Wait until Redis counts every subscriber.
  for (int tries = 0;; ++tries) {
    std::promise<int64_t> p;
    pub.command({"PUBSUB", "NUMSUB", channel}, [&](Result<redis::Reply> r) {
      p.set_value(r && r->elements.size() == 2 ? r->elements[1].integer : -1);
    });
    if (p.get_future().get() >= static_cast<int64_t>(subscribers)) break;
    if (tries > 1000) {
      std::fprintf(stderr, "subscribers did not come up\n");
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  std::string filler(payload, 'x');
  const int64_t start = now_ns();
  for (size_t i = 0; i < messages; ++i) {
    if (rate > 0) {
      int64_t due = start + static_cast<int64_t>(static_cast<double>(i) / rate * 1e9);
      while (now_ns() < due)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    auto frame = std::make_shared<std::string>(filler);
    int64_t t = now_ns();
    std::memcpy(frame->data(), &t, sizeof t);
    pub.publish(channel, std::move(frame));
  }
  const int64_t published = now_ns();
  auto deadline = Clock::now() + std::chrono::seconds(60);
  auto all_in = [&] {
    for (auto& s : subs)
      if (s->received.load() < messages) return false;
    return true;
  };
  while (!all_in() && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (auto& s : subs)
    s->connection->stop();
  pub.stop();

  std::vector<int64_t> all;
  size_t received = 0;
  int64_t last = start;
  for (auto& s : subs) {
    received += s->received.load();
    last = std::max(last, s->last_ns.load());
    all.insert(all.end(), s->latencies_ns.begin(), s->latencies_ns.end());
  }
  double seconds = static_cast<double>(last - start) / 1e9;
  double pub_seconds = static_cast<double>(published - start) / 1e9;
  double p50 = bench::percentile(all, 0.50) / 1e3, p99 = bench::percentile(all, 0.99) / 1e3,
         p999 = bench::percentile(all, 0.999) / 1e3, max = bench::percentile(all, 1.0) / 1e3;
  size_t expected = messages * subscribers;
  std::printf(
      "published %zu messages of %zu bytes in %.3f s; %zu subscribers received %zu of %zu in %.3f "
      "s\n",
      messages, payload, pub_seconds, subscribers, received, expected, seconds);
  std::printf("latency publish->receive: p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us\n",
              p50, p99, p999, max);
  std::printf(
      "subscribers=%zu messages=%zu payload=%zu rate=%.0f published_per_s=%.0f "
      "delivered_per_s=%.0f p50_us=%.0f p99_us=%.0f p999_us=%.0f max_us=%.0f lost=%zu\n",
      subscribers, messages, payload, rate, static_cast<double>(messages) / pub_seconds,
      static_cast<double>(received) / seconds, p50, p99, p999, max, expected - received);
  return received == expected ? 0 : 1;
}
