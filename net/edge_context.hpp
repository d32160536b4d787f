// What every connection of one Edge shares: configuration, the API, the router, static
// files, rate limiter, metrics, and the registry of open sessions (so stop() can close
// them). No Beast here; the sessions (http_session.cpp, ws_session.cpp) use it.
// Thread-safe: immutable after construction except the atomics and the registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "actors/gateway/exchange_api.hpp"
#include "net/client_address.hpp"
#include "net/edge.hpp"
#include "net/edge_metrics.hpp"
#include "net/fanout.hpp"
#include "net/rate_limiter.hpp"
#include "net/router.hpp"
#include "net/static_files.hpp"

namespace ex {

// A connection that Edge::stop() can ask to close (from any thread).
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void shutdown() = 0;
};

// The sessions open on one io thread, of every kind: what IoPool balances. One per
// io_context (an asio service), so pools that share a thread share its count.
class OpenConnections : public boost::asio::execution_context::service {
 public:
  static boost::asio::execution_context::id id;  // asio's key for use_service
  explicit OpenConnections(boost::asio::execution_context& ctx) : service(ctx) {}
  static OpenConnections& of(boost::asio::execution_context& ctx);
  int count() const { return count_->load(std::memory_order_relaxed); }

 private:
  friend class ThreadSlot;
  void shutdown() override {}
  // Shared with the sessions' slots: a session can be let go after its io_context.
  std::shared_ptr<std::atomic<int>> count_ = std::make_shared<std::atomic<int>>(0);
};

// A session's place in its io thread's count, for as long as the session lives (a
// WebSocket upgrade that moves to another thread is a new session there).
class ThreadSlot {
 public:
  explicit ThreadSlot(boost::asio::execution_context& ctx)
      : count_(OpenConnections::of(ctx).count_) {
    count_->fetch_add(1, std::memory_order_relaxed);
  }
  ~ThreadSlot() { count_->fetch_sub(1, std::memory_order_relaxed); }
  ThreadSlot(const ThreadSlot&) = delete;
  ThreadSlot& operator=(const ThreadSlot&) = delete;

 private:
  std::shared_ptr<std::atomic<int>> count_;
};

// The io threads a kind of connection is spread over, each with its own io_context (so a
// connection's handlers never run concurrently and need no strand). A new connection goes
// to the thread with the fewest open, ties in turn: a thread that carries the WebSocket
// subscribers gets no REST connections while the other has fewer, so orders do not wait
// behind a fan-out's writes. Filled before the edge serves; next() from any thread.
class IoPool {
 public:
  void add(boost::asio::io_context& ioc) { contexts_.push_back(&ioc); }
  boost::asio::io_context& next();
  boost::asio::io_context& front() const { return *contexts_.front(); }

 private:
  std::vector<boost::asio::io_context*> contexts_;
  std::atomic<size_t> next_{0};
};

class SessionRegistry {
 public:
  void add(uint64_t id, std::weak_ptr<Closable> session);
  void remove(uint64_t id);
  size_t size() const;
  // Asks every registered session to close.
  void shutdown_all();

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, std::weak_ptr<Closable>> sessions_;
};

// Connections open per client address, for EdgeConfig::max_connections_per_client. A
// connection holds its slot for as long as its socket is open, whichever session owns it
// (an upgrade to WebSocket hands it on); the last holder gives it back.
class PeerConnections {
 public:
  // A slot for a new connection from `peer`, or null if it has `limit` open already.
  std::shared_ptr<void> acquire(const std::string& peer, size_t limit);

 private:
  struct State {
    mutable std::mutex mutex;
    std::unordered_map<std::string, size_t> open;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

struct EdgeContext {
  EdgeContext(EdgeConfig cfg, ExchangeApi& exchange)
      : config(std::move(cfg)),
        api(exchange),
        router(exchange),
        static_files(config.static_dir),
        rate_limiter(config.rate_limit_per_second),
        trusted_proxies(config.trusted_proxies) {}

  // The Access-Control-Allow-Origin value for a request's Origin header, or "" to send
  // none (origin not allowed).
  std::string cors_origin(std::string_view request_origin) const;
  bool cors_echoes_origin() const;  // true if the value varies with Origin (no "*")
  // May a WebSocket handshake with this Origin and Host header go ahead? Browsers always
  // send an Origin, and the same allowed origins apply as to REST, besides the page's own
  // origin (the trading page this edge serves connects to /ws on its own host); a client
  // that sends none is not a page.
  bool ws_origin_allowed(std::string_view request_origin, std::string_view host) const;

  // The fan-out of the market-data thread that runs `io_context` (one per thread, set up
  // by the Edge before it serves).
  std::shared_ptr<FanoutShard> fanout_for(const boost::asio::execution_context& io_context) const;

  const EdgeConfig config;
  ExchangeApi& api;
  Router router;
  StaticFiles static_files;
  RateLimiter rate_limiter;
  TrustedProxies trusted_proxies;
  EdgeMetrics metrics;
  SessionRegistry sessions;
  PeerConnections peer_connections;
  // The threads of REST requests and of WebSocket connections (the same ones unless
  // EdgeConfig::market_data_threads asks for threads of their own).
  IoPool rest_threads;
  IoPool market_data_threads;
  std::vector<std::shared_ptr<FanoutShard>> fanouts;  // one per market-data thread
  std::atomic<uint64_t> next_connection_id{1};
  std::atomic<int64_t> inflight{0};  // API calls not answered yet
  std::atomic<bool> stopping{false};
};

}  // namespace ex
