// WebSocket fan-out benchmark: how fast and how completely market events reach many
// subscribers.
//
//   ws_fanout [--host 127.0.0.1] [--http-port 3001] [--ws-port 3002] [--subscribers 1000]
//             [--trades-per-sec 200] [--seconds 10] [--market TATA_INR] [--price 1000]
//             [--drivers 16]
//
// Opens --subscribers WebSocket connections, each subscribed to depth@M and trade@M, then
// drives trades at --trades-per-sec (each trade is a resting sell and a crossing buy from
// two funded users, over --drivers keep-alive HTTP connections taking turns, so that
// trades come evenly spaced) for --seconds. Each trade
// sends every subscriber three events: the sell's depth level, the trade, the level gone
// (fewer depth events if the exchange runs with --depth-batch-ms, which merges them; the
// U/u ids say which). For every subscriber and trade it measures the time from the taker
// order's acknowledgement (its HTTP reply, which names the trade) to the trade event's
// arrival; an event that arrives before the acknowledgement counts as 0. Progress goes to
// stderr; the last line is
//   subscribers=.. trades_per_sec=.. events_per_sec=.. frames_per_sec=.. p50_ms=.. p99_ms=..
//   p999_ms=.. dropped=..
// where events_per_sec is what one subscriber received (trade and depth events) per second,
// frames_per_sec the same over all subscribers, and dropped counts (subscriber, trade)
// pairs never delivered (after waiting for the subscribers to catch up: until no progress
// for 3 s) plus subscribers the server closed. Subscribers run on one thread of this
// process: on a small machine the client's own reading is part of what is measured.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#define EX_BENCH_HTTP
#include "tests/bench/bench_support.hpp"
#include "tests/bench/flags.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

using ex::bench::percentile;
using ex::bench::simple_request;

struct Options {
  std::string host = "127.0.0.1";
  std::string http_port = "3001";
  std::string ws_port = "3002";
  int subscribers = 1000;
  double rate = 200;
  double seconds = 10;
  std::string market = "TATA_INR";
  std::string price = "1000";
  int drivers = 16;
};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// ---- subscribers ----

struct Receipt {
  uint64_t trade_id;
  int64_t at_ns;
};

// A subscriber that reads like a lean production client: large socket reads, WebSocket
// frames parsed in place (server frames are unmasked), no per-message machinery. Beast's
// websocket::stream costs more per message than the server spends sending it, and on a
// shared two-core machine the client's cost is part of what is measured.
class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(asio::io_context& ioc, const Options& o, tcp::resolver::results_type ep,
             std::atomic<int>& ready, std::atomic<int>& closed, std::atomic<uint64_t>& received)
      : socket_(ioc),
        opts_(o),
        ep_(std::move(ep)),
        ready_(ready),
        closed_(closed),
        received_(received),
        buffer_(256 * 1024) {
    // Room for the whole run, so that no vector ever grows: every subscriber receives the
    // same trades, so all of them would grow at the same moment, and copying a thousand
    // vectors at once stalled this thread for up to 100 ms, a tail that was the client's.
    receipts_.reserve(static_cast<size_t>(o.rate * o.seconds * 1.25) + 4096);
  }

  void start() {
    asio::async_connect(
        socket_, ep_, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
          if (ec) return self->fail("connect", ec);
          self->socket_.set_option(tcp::no_delay(true));
          self->out_ = "GET / HTTP/1.1\r\nHost: " + self->opts_.host +
                       "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n";
          append_frame(self->out_, 0x1,
                       R"({"method":"SUBSCRIBE","params":["depth@)" + self->opts_.market +
                           R"(","trade@)" + self->opts_.market + R"("],"id":1})");
          asio::async_write(self->socket_, asio::buffer(self->out_),
                            [self](beast::error_code ec2, size_t) {
                              if (ec2) return self->fail("handshake", ec2);
                              self->read();
                            });
        });
  }

  void stop() {
    stopping_ = true;
    beast::error_code ec;
    socket_.close(ec);
  }

  const std::vector<Receipt>& receipts() const { return receipts_; }
  uint64_t events() const { return events_; }
  bool failed() const { return failed_; }

 private:
  // A client frame: masked, as RFC 6455 requires (the mask is fixed: this is a benchmark).
  static void append_frame(std::string& out, unsigned opcode, const std::string& payload) {
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    out += static_cast<char>(0x80 | opcode);
    if (payload.size() < 126) {
      out += static_cast<char>(0x80 | payload.size());
    } else {
      out += static_cast<char>(0x80 | 126);
      out += static_cast<char>(payload.size() >> 8);
      out += static_cast<char>(payload.size() & 0xff);
    }
    out.append(reinterpret_cast<const char*>(mask), 4);
    for (size_t i = 0; i < payload.size(); ++i)
      out += static_cast<char>(payload[i] ^ mask[i % 4]);
  }

  void read() {
    socket_.async_read_some(asio::buffer(buffer_.data() + have_, buffer_.size() - have_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->fail("read", ec);
                              self->have_ += n;
                              if (!self->parse()) return;
                              self->read();
                            });
  }

  // Consumes the handshake reply, then every complete frame; keeps a partial one. The
  // frames of one read arrived together: one clock reading serves them all.
  bool parse() {
    const int64_t arrived_ns = now_ns();
    size_t pos = 0;
    if (!upgraded_) {
      std::string_view head(buffer_.data(), have_);
      size_t end = head.find("\r\n\r\n");
      if (end == std::string_view::npos) return true;
      if (head.substr(0, 12) != "HTTP/1.1 101") {
        fail("handshake", beast::error_code());
        return false;
      }
      upgraded_ = true;
      pos = end + 4;
    }
    while (have_ - pos >= 2) {
      const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + pos);
      size_t len = p[1] & 0x7f, header = 2;
      if (len == 126) {
        if (have_ - pos < 4) break;
        len = (size_t{p[2]} << 8) | p[3];
        header = 4;
      } else if (len == 127) {
        if (have_ - pos < 10) break;
        len = 0;
        for (int i = 2; i < 10; ++i)
          len = (len << 8) | p[i];
        header = 10;
      }
      if (have_ - pos < header + len) break;
      if (!on_frame(p[0] & 0x0f, std::string_view(buffer_.data() + pos + header, len), arrived_ns))
        return false;
      pos += header + len;
    }
    std::memmove(buffer_.data(), buffer_.data() + pos, have_ - pos);
    have_ -= pos;
    if (have_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    return true;
  }

  // The value of an event's "e". The server writes it first ({"e":"trade",...}), which is
  // checked before searching the whole text for it.
  static std::string_view event_type(std::string_view text) {
    constexpr std::string_view kKey = "\"e\":\"";
    size_t at =
        text.size() > kKey.size() && text.compare(1, kKey.size(), kKey) == 0 ? 1 : text.find(kKey);
    if (at == std::string_view::npos) return {};
    at += kKey.size();
    const size_t end = text.find('"', at);
    return end == std::string_view::npos ? std::string_view{} : text.substr(at, end - at);
  }

  bool on_frame(unsigned opcode, std::string_view text, int64_t arrived_ns) {
    if (opcode == 0x8) {
      fail("closed by the server", beast::error_code());
      return false;
    }
    if (opcode == 0x9) {  // ping: answer, or the server's idle timeout closes us
      auto pong = std::make_shared<std::string>();
      append_frame(*pong, 0xA, std::string(text));
      asio::async_write(socket_, asio::buffer(*pong), [pong](beast::error_code, size_t) {});
      return true;
    }
    if (opcode != 0x1) return true;
    if (!acked_ && text.find("\"result\"") != std::string_view::npos) {
      acked_ = true;
      ready_++;
      return true;
    }
    const std::string_view type = event_type(text);
    if (type == "trade") {
      ++events_;
      auto at = text.find("\"t\":");
      if (at != std::string_view::npos) {
        receipts_.push_back({std::strtoull(text.data() + at + 4, nullptr, 10), arrived_ns});
        received_.fetch_add(1, std::memory_order_relaxed);
      }
    } else if (type == "depth") {
      ++events_;
    }
    return true;
  }

  void fail(const char* what, beast::error_code ec) {
    if (stopping_) return;
    if (!failed_) {
      failed_ = true;
      closed_++;
      if (closed_.load() <= 5)
        std::fprintf(stderr, "subscriber %s: %s\n", what, ec.message().c_str());
    }
  }

  tcp::socket socket_;
  const Options& opts_;
  tcp::resolver::results_type ep_;
  std::atomic<int>& ready_;
  std::atomic<int>& closed_;
  std::atomic<uint64_t>& received_;
  std::vector<char> buffer_;
  size_t have_ = 0;
  std::string out_;
  std::vector<Receipt> receipts_;
  uint64_t events_ = 0;  // trade and depth events
  bool upgraded_ = false;
  bool acked_ = false;
  bool failed_ = false;
  bool stopping_ = false;
};

// ---- the driver: trades at a steady rate ----

struct Acks {
  std::mutex mutex;
  std::unordered_map<uint64_t, int64_t> at_ns;  // trade id -> taker ack time
};

class Driver : public std::enable_shared_from_this<Driver> {
 public:
  Driver(asio::io_context& ioc, const Options& o, tcp::resolver::results_type ep, Acks& acks,
         std::atomic<uint64_t>& trades, std::atomic<uint64_t>& errors, double rate,
         Clock::time_point first, Clock::time_point end)
      : stream_(ioc),
        timer_(ioc),
        opts_(o),
        ep_(std::move(ep)),
        acks_(acks),
        trades_(trades),
        errors_(errors),
        interval_(std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate))),
        next_at_(first),
        end_(end) {}

  void start() {
    stream_.async_connect(ep_,
                          [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                            if (ec) {
                              self->errors_++;
                              return;
                            }
                            self->stream_.socket().set_option(tcp::no_delay(true));
                            self->timer_.expires_at(self->next_at_);
                            self->timer_.async_wait([self](beast::error_code) { self->pair(); });
                          });
  }

 private:
  void pair() {
    if (Clock::now() >= end_) return;
    next_at_ += interval_;
    send(R"({"market":")" + opts_.market + R"(","side":"sell","price":)" + opts_.price +
             R"(,"quantity":0.01,"userId":"fanout_maker"})",
         [self = shared_from_this()](const std::string&) {
           self->send(R"({"market":")" + self->opts_.market + R"(","side":"buy","price":)" +
                          self->opts_.price + R"(,"quantity":0.01,"userId":"fanout_taker"})",
                      [self](const std::string& body) {
                        int64_t ack = now_ns();
                        auto at = body.find("\"tradeId\":");
                        if (at != std::string::npos) {
                          uint64_t id = std::strtoull(body.c_str() + at + 10, nullptr, 10);
                          std::lock_guard<std::mutex> lock(self->acks_.mutex);
                          self->acks_.at_ns[id] = ack;
                          self->trades_++;
                        }
                        self->timer_.expires_at(self->next_at_);
                        self->timer_.async_wait([self](beast::error_code) { self->pair(); });
                      });
         });
  }

  template <class F>
  void send(std::string body, F done) {
    req_ = {http::verb::post, "/api/v1/order", 11};
    req_.set(http::field::host, opts_.host);
    req_.set(http::field::content_type, "application/json");
    req_.body() = std::move(body);
    req_.prepare_payload();
    http::async_write(
        stream_, req_, [self = shared_from_this(), done](beast::error_code ec, size_t) {
          if (ec) {
            self->errors_++;
            return;
          }
          self->res_ = {};
          http::async_read(self->stream_, self->buffer_, self->res_,
                           [self, done](beast::error_code ec2, size_t) {
                             if (ec2) {
                               self->errors_++;
                               return;
                             }
                             if (self->res_.result_int() != 200) {
                               self->errors_++;
                               if (self->errors_.load() <= 5)
                                 std::fprintf(stderr, "order: HTTP %d %s\n",
                                              self->res_.result_int(), self->res_.body().c_str());
                             }
                             done(self->res_.body());
                           });
        });
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  const Options& opts_;
  tcp::resolver::results_type ep_;
  Acks& acks_;
  std::atomic<uint64_t>& trades_;
  std::atomic<uint64_t>& errors_;
  Clock::duration interval_;
  Clock::time_point next_at_;
  Clock::time_point end_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

Options parse(int argc, char** argv) {
  Options o;
  ex::bench::Flags flags(
      "usage: ws_fanout [--host 127.0.0.1] [--http-port 3001] [--ws-port 3002] "
      "[--subscribers 1000]\n                 [--trades-per-sec 200] [--seconds 10] "
      "[--market TATA_INR] [--price 1000] [--drivers 16]\n");
  flags.text("--host", o.host)
      .text("--http-port", o.http_port)
      .text("--ws-port", o.ws_port)
      .number("--subscribers", o.subscribers)
      .number("--trades-per-sec", o.rate)
      .number("--seconds", o.seconds)
      .text("--market", o.market)
      .text("--price", o.price)
      .number("--drivers", o.drivers)
      .parse(argc, argv);
  // Each driver paces itself at rate / drivers: a rate of 0 would be an interval of
  // infinity, and a driver without a connection would never place anything.
  if (!(o.rate > 0) || o.subscribers < 1 || o.drivers < 1 || !(o.seconds > 0))
    flags.refuse("--trades-per-sec, --subscribers, --drivers and --seconds must be positive");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  asio::io_context sub_ioc;
  asio::io_context drive_ioc;
  tcp::resolver resolver(drive_ioc);
  tcp::resolver::results_type http_ep, ws_ep;
  try {
    http_ep = resolver.resolve(o.host, o.http_port);
    ws_ep = resolver.resolve(o.host, o.ws_port);
    std::string base = o.market.substr(0, o.market.find('_'));
    std::string quote = o.market.substr(o.market.find('_') + 1);
    for (const char* user : {"fanout_maker", "fanout_taker"})
      for (const std::string& asset : {base, quote})
        if (simple_request(drive_ioc, http_ep, http::verb::post, "/api/v1/on-ramp",
                           std::string(R"({"userId":")") + user +
                               R"(","amount":"10000000000","asset":")" + asset + R"("})") != 200) {
          std::fprintf(stderr, "funding %s failed\n", user);
          return 1;
        }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "set-up failed: %s\n", e.what());
    return 1;
  }

  std::atomic<int> ready{0}, closed{0};
  std::atomic<uint64_t> received{0};
  std::vector<std::shared_ptr<Subscriber>> subs;
  for (int i = 0; i < o.subscribers; ++i) {
    subs.push_back(std::make_shared<Subscriber>(sub_ioc, o, ws_ep, ready, closed, received));
    subs.back()->start();
  }
  std::thread sub_thread([&] { sub_ioc.run(); });
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (ready.load() + closed.load() < o.subscribers && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::fprintf(stderr, "%d subscribers ready (%d failed)\n", ready.load(), closed.load());

  Acks acks;
  std::atomic<uint64_t> trades{0}, errors{0};
  auto start = Clock::now();
  auto end = start + std::chrono::milliseconds(static_cast<int64_t>(o.seconds * 1000));
  std::vector<std::shared_ptr<Driver>> drivers;
  // The drivers take turns: driver d starts d/drivers of an interval after the first, so
  // that trades come evenly spaced at --trades-per-sec rather than in bursts of --drivers.
  const auto first = start + std::chrono::milliseconds(100);
  const auto spacing = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / o.rate));
  for (int d = 0; d < o.drivers; ++d) {
    drivers.push_back(std::make_shared<Driver>(drive_ioc, o, http_ep, acks, trades, errors,
                                               o.rate / o.drivers, first + d * spacing, end));
    drivers.back()->start();
  }
  std::thread progress([&] {
    uint64_t last = 0;
    for (int s = 1; Clock::now() < end; ++s) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      uint64_t t = trades.load();
      std::fprintf(stderr, "t=%ds trades/s=%llu subscribers_closed=%d errors=%llu\n", s,
                   static_cast<unsigned long long>(t - last), closed.load(),
                   static_cast<unsigned long long>(errors.load()));
      last = t;
    }
  });
  drive_ioc.run();
  // Seconds of driving: from the first order (not from the start, 100 ms before it).
  const auto drive_end = Clock::now();
  double driven = std::chrono::duration<double>(drive_end - first).count();
  progress.join();
  // Let the subscribers catch up: until every trade reached every open subscriber, or no
  // progress for 3 s (then what is missing counts as dropped), at most 60 s.
  {
    size_t trades_driven = 0;
    {
      std::lock_guard<std::mutex> lock(acks.mutex);
      trades_driven = acks.at_ns.size();
    }
    uint64_t last = received.load();
    auto last_progress = Clock::now();
    auto give_up = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < give_up && Clock::now() - last_progress < std::chrono::seconds(3)) {
      uint64_t want = static_cast<uint64_t>(o.subscribers - closed.load()) * trades_driven;
      uint64_t now = received.load();
      if (now >= want) break;
      if (now != last) {
        last = now;
        last_progress = Clock::now();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    double lag = std::chrono::duration<double>(Clock::now() - drive_end).count();
    std::fprintf(stderr, "caught up %.1f s after the last order\n", lag);
  }
  asio::post(sub_ioc, [&] {
    for (auto& s : subs)
      s->stop();
  });
  sub_thread.join();

  std::vector<double> lat;
  uint64_t delivered = 0, events = 0;
  int open_subscribers = 0;
  for (auto& s : subs) {
    if (s->failed()) continue;
    events += s->events();
    ++open_subscribers;
    for (const Receipt& r : s->receipts()) {
      auto it = acks.at_ns.find(r.trade_id);
      if (it == acks.at_ns.end()) continue;  // a trade not driven by us
      ++delivered;
      lat.push_back(std::max<int64_t>(0, r.at_ns - it->second) / 1e6);
    }
  }
  uint64_t expected = static_cast<uint64_t>(o.subscribers - closed.load()) * acks.at_ns.size();
  uint64_t dropped =
      (expected > delivered ? expected - delivered : 0) + static_cast<uint64_t>(closed.load());
  std::fprintf(
      stderr, "trades=%zu delivered=%llu (%.0f trade events/s to subscribers) errors=%llu\n",
      acks.at_ns.size(), static_cast<unsigned long long>(delivered),
      static_cast<double>(delivered) / driven, static_cast<unsigned long long>(errors.load()));
  // Events: trade and depth frames each subscriber received, per second of driving.
  const double per_subscriber =
      open_subscribers ? static_cast<double>(events) / open_subscribers / driven : 0;
  std::printf(
      "subscribers=%d trades_per_sec=%.0f events_per_sec=%.0f frames_per_sec=%.0f p50_ms=%.2f "
      "p99_ms=%.2f p999_ms=%.2f dropped=%llu\n",
      o.subscribers, static_cast<double>(acks.at_ns.size()) / driven, per_subscriber,
      static_cast<double>(events) / driven, percentile(lat, 0.5), percentile(lat, 0.99),
      percentile(lat, 0.999), static_cast<unsigned long long>(dropped));
  return errors.load() == 0 ? 0 : 1;
}
