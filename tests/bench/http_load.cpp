// HTTP load generator for the exchange's REST API (Beast client, keep-alive).
//
//   http_load [--host 127.0.0.1] [--port 3001] [--conns 64] [--seconds 10] [--users 200]
//             [--market TATA_INR] [--mid 1000] [--threads 1]
//
// First funds --users users through POST /api/v1/on-ramp (quote and base asset), then runs
// --conns keep-alive connections for --seconds, each sending one request at a time from a
// realistic mix: limit orders that rest away from the mid (45%), orders that cross and
// trade (30%), cancels of the connection's own resting orders (20%) and IOC orders (5%).
// Progress goes to stderr each second; the last line on stdout is
//   conns=.. seconds=.. orders=.. orders_per_sec=.. p50_ms=.. p99_ms=.. p999_ms=.. errors=..
// where orders counts placements and cancels answered, latencies are per request, and
// errors counts transport failures and 5xx answers (4xx business refusals such as a
// cancel of an order that already traded are counted apart, as rejected=..).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#define EX_BENCH_HTTP
#include "tests/bench/bench_support.hpp"

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
};

struct Stats {
  std::atomic<uint64_t> orders{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> trades{0};
};

std::string extract(const std::string& body, const char* key) {
  std::string k = std::string("\"") + key + "\":\"";
  auto at = body.find(k);
  if (at == std::string::npos) return {};
  at += k.size();
  auto end = body.find('"', at);
  return end == std::string::npos ? std::string() : body.substr(at, end - at);
}

std::string cents(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& ioc, const Options& o, Stats& s, tcp::resolver::results_type ep,
             Clock::time_point end, int index)
      : stream_(ioc),
        opts_(o),
        stats_(s),
        endpoints_(std::move(ep)),
        end_(end),
        rng_(static_cast<uint32_t>(index * 7919 + 1)) {
    latencies_.reserve(1 << 16);
  }

  void start() {
    stream_.async_connect(endpoints_,
                          [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                            if (ec) {
                              std::fprintf(stderr, "connect: %s\n", ec.message().c_str());
                              self->stats_.errors++;
                              return;
                            }
                            self->stream_.socket().set_option(tcp::no_delay(true));
                            self->next();
                          });
  }

  std::vector<float>& latencies() { return latencies_; }

 private:
  void next() {
    if (Clock::now() >= end_) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      return;
    }
    std::uniform_real_distribution<double> u(0, 1);
    double r = u(rng_);
    std::string user =
        "load" + std::to_string(std::uniform_int_distribution<int>(1, opts_.users)(rng_));
    req_ = {};
    req_.version(11);
    req_.set(http::field::host, opts_.host);
    req_.set(http::field::content_type, "application/json");
    req_.keep_alive(true);
    cancel_ = false;
    if (r < 0.20 && !resting_.empty()) {
      size_t i = std::uniform_int_distribution<size_t>(0, resting_.size() - 1)(rng_);
      std::string id = resting_[i];
      resting_[i] = resting_.back();
      resting_.pop_back();
      req_.method(http::verb::delete_);
      req_.target("/api/v1/order");
      req_.body() = R"({"orderId":")" + id + R"(","market":")" + opts_.market + R"("})";
      cancel_ = true;
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
      req_.method(http::verb::post);
      req_.target("/api/v1/order");
      req_.body() = std::string(R"({"market":")") + opts_.market + R"(","side":")" +
                    (buy ? "buy" : "sell") + R"(","price":)" + cents(price) + R"(,"quantity":)" +
                    cents(qty) + R"(,"userId":")" + user + R"(","timeInForce":")" + tif +
                    R"(","orderType":"intraday"})";
    }
    req_.prepare_payload();
    sent_ = Clock::now();
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->fail("write", ec);
      self->res_ = {};
      http::async_read(self->stream_, self->buffer_, self->res_,
                       [self](beast::error_code ec2, size_t) { self->on_read(ec2); });
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail("read", ec);
    auto elapsed = std::chrono::duration<float, std::milli>(Clock::now() - sent_).count();
    latencies_.push_back(elapsed);
    stats_.orders++;
    int status = res_.result_int();
    if (status >= 500) {
      stats_.errors++;
    } else if (status >= 400) {
      stats_.rejected++;
    } else if (!cancel_) {
      const std::string& body = res_.body();
      if (body.find("\"status\":\"NEW\"") != std::string::npos ||
          body.find("\"status\":\"PARTIALLY_FILLED\"") != std::string::npos) {
        std::string id = extract(body, "orderId");
        if (!id.empty() && resting_.size() < 5000) resting_.push_back(id);
      }
      size_t fills = 0;
      for (size_t at = body.find("\"tradeId\""); at != std::string::npos;
           at = body.find("\"tradeId\"", at + 1))
        ++fills;
      stats_.trades += fills;
    }
    if (!res_.keep_alive()) return fail("server closed", {});
    next();
  }

  void fail(const char* what, beast::error_code ec) {
    stats_.errors++;
    if (ec) std::fprintf(stderr, "%s: %s\n", what, ec.message().c_str());
  }

  beast::tcp_stream stream_;
  const Options& opts_;
  Stats& stats_;
  tcp::resolver::results_type endpoints_;
  Clock::time_point end_;
  std::mt19937 rng_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  Clock::time_point sent_;
  bool cancel_ = false;
  std::vector<std::string> resting_;
  std::vector<float> latencies_;
};



Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host")
      o.host = v;
    else if (k == "--port")
      o.port = v;
    else if (k == "--conns")
      o.conns = std::atoi(v.c_str());
    else if (k == "--seconds")
      o.seconds = std::atof(v.c_str());
    else if (k == "--users")
      o.users = std::atoi(v.c_str());
    else if (k == "--market")
      o.market = v;
    else if (k == "--mid")
      o.mid = std::atof(v.c_str());
    else if (k == "--threads")
      o.threads = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
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
            R"({"userId":")" + user + R"(","amount":"1000000000","asset":")" + asset + R"("})";
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
      "conns=%d seconds=%.1f orders=%llu orders_per_sec=%.0f p50_ms=%.2f p99_ms=%.2f "
      "p999_ms=%.2f errors=%llu rejected=%llu trades=%llu\n",
      o.conns, elapsed, static_cast<unsigned long long>(orders),
      static_cast<double>(orders) / elapsed, percentile(all, 0.5), percentile(all, 0.99),
      percentile(all, 0.999), static_cast<unsigned long long>(stats.errors.load()),
      static_cast<unsigned long long>(stats.rejected.load()),
      static_cast<unsigned long long>(stats.trades.load()));
  return stats.errors.load() == 0 ? 0 : 1;
}
