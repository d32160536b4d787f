// HTTP load generator for the exchange's REST API (keep-alive connections).
//
//   http_load [--host 127.0.0.1] [--port 3001] [--conns 64] [--seconds 10] [--users 200]
//             [--market TATA_INR] [--mid 1000] [--threads 1] [--pipeline 1]
//
// First funds --users users through POST /api/v1/on-ramp (100,000,000 of the quote and
// the base asset each: the exchange holds at most 92,233,720,368 of an asset in all, so
// at most 922 users), then runs --conns keep-alive connections for --seconds, each
// sending one request at a time (or
// keeping --pipeline requests in flight, as a pipelining bot would) from a realistic mix:
// limit orders that rest away from the mid (45%), orders that cross and trade (30%),
// cancels of the connection's own resting orders (20%) and IOC orders (5%). Progress goes
// to stderr each second; the last line on stdout is
//   conns=.. pipeline=.. seconds=.. orders=.. orders_per_sec=.. p50_ms=.. p99_ms=..
//   p999_ms=.. errors=..
// where orders counts placements and cancels answered, latencies are per request (from
// its write to its reply, so with pipelining they include the wait behind the requests
// ahead of it), and
// errors counts transport failures and 5xx answers (4xx business refusals such as a
// cancel of an order that already traded are counted apart, as rejected=..).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
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
  std::string port = "3001";
  int conns = 64;
  double seconds = 10;
  int users = 200;
  std::string market = "TATA_INR";
  std::string base = "";  // from the market name
  std::string quote = "";
  double mid = 1000;
  int threads = 1;
  int pipeline = 1;
};

struct Stats {
  std::atomic<uint64_t> orders{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> trades{0};
};

std::string extract(std::string_view body, const char* key) {
  std::string k = std::string("\"") + key + "\":\"";
  auto at = body.find(k);
  if (at == std::string_view::npos) return {};
  at += k.size();
  auto end = body.find('"', at);
  return end == std::string_view::npos ? std::string() : std::string(body.substr(at, end - at));
}

std::string cents(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// A reply as far as the load generator needs it.
struct Reply {
  int status = 0;
  bool close = false;
  std::string_view body;
};

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// The decimal number `s` starts with (after spaces), or -1.
long number(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  long n = -1;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

// Parses one whole reply at the start of `in`: its length in bytes, 0 if more is needed,
// or -1 if it is not HTTP this generator understands (every reply here has a length).
long parse_reply(std::string_view in, Reply* out) {
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return 0;
  std::string_view head = in.substr(0, head_end);
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") return -1;
  out->status = static_cast<int>(number(head.substr(9, 3)));
  if (out->status < 100) return -1;
  out->close = false;
  long length = -1;
  for (size_t at = head.find("\r\n"); at != std::string_view::npos;) {
    size_t next = head.find("\r\n", at + 2);
    std::string_view line =
        head.substr(at + 2, next == std::string_view::npos ? next : next - at - 2);
    if (starts_with_nocase(line, "content-length:"))
      length = number(line.substr(15));
    else if (starts_with_nocase(line, "connection:") &&
             line.find("close") != std::string_view::npos)
      out->close = true;
    at = next;
  }
  if (length < 0) return -1;
  const size_t total = head_end + 4 + static_cast<size_t>(length);
  if (in.size() < total) return 0;
  out->body = in.substr(head_end + 4, static_cast<size_t>(length));
  return static_cast<long>(total);
}

// One keep-alive connection with up to --pipeline requests in flight (HTTP/1.1 answers
// them in order; 1, the default, is one request at a time). Requests are written as one
// buffer and replies framed by hand (status, Content-Length, Connection), so that the
// generator spends little of the machine it shares with the exchange.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& ioc, const Options& o, Stats& s, tcp::resolver::results_type ep,
             Clock::time_point end, int index)
      : socket_(ioc),
        opts_(o),
        stats_(s),
        endpoints_(std::move(ep)),
        end_(end),
        rng_(static_cast<uint32_t>(index * 7919 + 1)),
        in_(16 * 1024) {
    latencies_.reserve(1 << 16);
  }

  void start() {
    asio::async_connect(socket_, endpoints_,
                        [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                          if (ec) {
                            std::fprintf(stderr, "connect: %s\n", ec.message().c_str());
                            self->stats_.errors++;
                            return;
                          }
                          self->socket_.set_option(tcp::no_delay(true));
                          self->send();
                          self->read();
                        });
  }

  std::vector<float>& latencies() { return latencies_; }

 private:
  struct InFlight {
    Clock::time_point sent;
    bool cancel;
  };

  // Tops the pipeline up with new requests, in one write; when the time is up and every
  // answer is in, closes the connection.
  void send() {
    if (writing_ || finished_) return;
    out_.clear();
    while (in_flight_.size() < static_cast<size_t>(opts_.pipeline) && Clock::now() < end_)
      append_request();
    if (out_.empty()) {
      if (in_flight_.empty()) finish();
      return;
    }
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->writing_ = false;
                        if (ec) return self->fail("write", ec);
                        self->send();
                      });
  }

  void append_request() {
    std::uniform_real_distribution<double> u(0, 1);
    double r = u(rng_);
    std::string user =
        "load" + std::to_string(std::uniform_int_distribution<int>(1, opts_.users)(rng_));
    std::string body;
    const char* method = "POST";
    bool cancel = false;
    if (r < 0.20 && !resting_.empty()) {
      size_t i = std::uniform_int_distribution<size_t>(0, resting_.size() - 1)(rng_);
      std::string id = resting_[i];
      resting_[i] = resting_.back();
      resting_.pop_back();
      method = "DELETE";
      body = R"({"orderId":")" + id + R"(","market":")" + opts_.market + R"("})";
      cancel = true;
    } else {
      bool buy = u(rng_) < 0.5;
      double mid = opts_.mid;
      double price;
      const char* tif = "GTC";
      if (r < 0.65) {  // rests away from the mid
        price = buy ? mid * (0.99 - 0.02 * u(rng_)) : mid * (1.01 + 0.02 * u(rng_));
      } else if (r < 0.95) {  // crosses: trades with resting orders near the mid
        price = buy ? mid * 1.02 : mid * 0.98;
      } else {
        price = buy ? mid * 1.005 : mid * 0.995;
        tif = "IOC";
      }
      double qty = 0.01 * std::uniform_int_distribution<int>(1, 300)(rng_);
      body = std::string(R"({"market":")") + opts_.market + R"(","side":")" +
             (buy ? "buy" : "sell") + R"(","price":)" + cents(price) + R"(,"quantity":)" +
             cents(qty) + R"(,"userId":")" + user + R"(","timeInForce":")" + tif +
             R"(","orderType":"intraday"})";
    }
    out_ += method;
    out_ += " /api/v1/order HTTP/1.1\r\nHost: ";
    out_ += opts_.host;
    out_ += "\r\nContent-Type: application/json\r\nContent-Length: ";
    out_ += std::to_string(body.size());
    out_ += "\r\n\r\n";
    out_ += body;
    in_flight_.push_back({Clock::now(), cancel});
  }

  // Reads for as long as the connection lives, answering each reply with a new request.
  void read() {
    if (have_ == in_.size()) in_.resize(in_.size() * 2);
    socket_.async_read_some(asio::buffer(in_.data() + have_, in_.size() - have_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (self->finished_) return;
                              if (ec) return self->fail("read", ec);
                              self->have_ += n;
                              if (self->take_replies()) self->read();
                            });
  }

  // Handles every whole reply read so far; false if the connection cannot go on.
  bool take_replies() {
    size_t at = 0;
    Reply reply;
    long used;
    while ((used = parse_reply(std::string_view(in_.data() + at, have_ - at), &reply)) > 0) {
      if (in_flight_.empty()) {
        fail("reply to no request", {});
        return false;
      }
      on_reply(reply, in_flight_.front());
      in_flight_.pop_front();
      at += static_cast<size_t>(used);
      if (reply.close) {
        fail("server closed", {});
        return false;
      }
    }
    if (used < 0) {
      fail("unexpected reply", {});
      return false;
    }
    have_ -= at;
    std::memmove(in_.data(), in_.data() + at, have_);
    send();
    return !finished_;
  }

  void finish() {
    finished_ = true;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
  }

  void on_reply(const Reply& reply, const InFlight& request) {
    auto elapsed = std::chrono::duration<float, std::milli>(Clock::now() - request.sent).count();
    latencies_.push_back(elapsed);
    stats_.orders++;
    if (reply.status >= 500) {
      stats_.errors++;
    } else if (reply.status >= 400) {
      stats_.rejected++;
    } else if (!request.cancel) {
      std::string_view body = reply.body;
      if (body.find("\"status\":\"NEW\"") != std::string_view::npos ||
          body.find("\"status\":\"PARTIALLY_FILLED\"") != std::string_view::npos) {
        std::string id = extract(body, "orderId");
        if (!id.empty() && resting_.size() < 5000) resting_.push_back(id);
      }
      size_t fills = 0;
      for (size_t at = body.find("\"tradeId\""); at != std::string_view::npos;
           at = body.find("\"tradeId\"", at + 1))
        ++fills;
      stats_.trades += fills;
    }
  }

  void fail(const char* what, beast::error_code ec) {
    finished_ = true;
    stats_.errors++;
    if (ec)
      std::fprintf(stderr, "%s: %s\n", what, ec.message().c_str());
    else
      std::fprintf(stderr, "%s\n", what);
  }

  tcp::socket socket_;
  const Options& opts_;
  Stats& stats_;
  tcp::resolver::results_type endpoints_;
  Clock::time_point end_;
  std::mt19937 rng_;
  std::string out_;       // the requests of the write in progress
  std::vector<char> in_;  // bytes read, replies framed from the front
  size_t have_ = 0;
  std::deque<InFlight> in_flight_;  // sent and not answered yet, oldest first
  bool writing_ = false;
  bool finished_ = false;
  std::vector<std::string> resting_;
  std::vector<float> latencies_;
};

Options parse(int argc, char** argv) {
  Options o;
  ex::bench::Flags flags(
      "usage: http_load [--host 127.0.0.1] [--port 3001] [--conns 64] [--seconds 10] "
      "[--users 200]\n                 [--market TATA_INR] [--mid 1000] [--threads 1] "
      "[--pipeline 1]\n");
  flags.text("--host", o.host)
      .text("--port", o.port)
      .number("--conns", o.conns)
      .number("--seconds", o.seconds)
      .number("--users", o.users)
      .text("--market", o.market)
      .number("--mid", o.mid)
      .number("--threads", o.threads)
      .number("--pipeline", o.pipeline)
      .parse(argc, argv);
  if (o.conns < 1 || o.users < 1 || o.threads < 1 || o.pipeline < 1 || !(o.seconds > 0) ||
      !(o.mid > 0))
    flags.refuse("--conns, --users, --threads, --pipeline, --seconds and --mid must be positive");
  if (o.market.find('_') == std::string::npos) flags.refuse("--market: BASE_QUOTE");
  auto us = o.market.find('_');
  o.base = o.market.substr(0, us);
  o.quote = o.market.substr(us + 1);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type ep;
  try {
    ep = resolver.resolve(o.host, o.port);
    for (int u = 1; u <= o.users; ++u) {
      std::string user = "load" + std::to_string(u);
      for (const std::string& asset : {o.quote, o.base}) {
        std::string body =
            R"({"userId":")" + user + R"(","amount":"100000000","asset":")" + asset + R"("})";
        int status = simple_request(ioc, ep, http::verb::post, "/api/v1/on-ramp", body);
        if (status != 200) {
          std::fprintf(stderr, "funding %s %s failed: HTTP %d\n", user.c_str(), asset.c_str(),
                       status);
          return 1;
        }
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "set-up failed: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "funded %d users; running %d connections for %.0f s\n", o.users, o.conns,
               o.seconds);

  Stats stats;
  auto start = Clock::now();
  auto end = start + std::chrono::milliseconds(static_cast<int64_t>(o.seconds * 1000));
  std::vector<std::shared_ptr<Connection>> conns;
  for (int i = 0; i < o.conns; ++i) {
    conns.push_back(std::make_shared<Connection>(ioc, o, stats, ep, end, i));
    conns.back()->start();
  }
  std::atomic<bool> done{false};
  std::thread progress([&] {
    uint64_t last = 0;
    int second = 0;
    while (!done) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      if (done) break;
      uint64_t now = stats.orders.load();
      std::fprintf(stderr, "t=%ds orders/s=%llu total=%llu trades=%llu rejected=%llu errors=%llu\n",
                   ++second, static_cast<unsigned long long>(now - last),
                   static_cast<unsigned long long>(now),
                   static_cast<unsigned long long>(stats.trades.load()),
                   static_cast<unsigned long long>(stats.rejected.load()),
                   static_cast<unsigned long long>(stats.errors.load()));
      last = now;
    }
  });
  std::vector<std::thread> threads;
  for (int t = 1; t < o.threads; ++t)
    threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : threads)
    t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  progress.join();

  std::vector<float> all;
  for (auto& c : conns)
    all.insert(all.end(), c->latencies().begin(), c->latencies().end());
  uint64_t orders = stats.orders.load();
  std::printf(
      "conns=%d pipeline=%d seconds=%.1f orders=%llu orders_per_sec=%.0f p50_ms=%.2f p99_ms=%.2f "
      "p999_ms=%.2f errors=%llu rejected=%llu trades=%llu\n",
      o.conns, o.pipeline, elapsed, static_cast<unsigned long long>(orders),
      static_cast<double>(orders) / elapsed, percentile(all, 0.5), percentile(all, 0.99),
      percentile(all, 0.999), static_cast<unsigned long long>(stats.errors.load()),
      static_cast<unsigned long long>(stats.rejected.load()),
      static_cast<unsigned long long>(stats.trades.load()));
  return stats.errors.load() == 0 ? 0 : 1;
}
