// Edge: listeners on the REST and WebSocket ports, the io threads, and an orderly stop.
#include "net/edge.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/edge_context.hpp"
#include "net/http_session.hpp"
#include "net/ws_session.hpp"

namespace ex {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto kInflightWait = std::chrono::seconds(5);  // stop(): replies still owed
constexpr auto kCloseWait = std::chrono::seconds(2);     // stop(): connections closing

using IoContexts = std::vector<std::unique_ptr<asio::io_context>>;

// Opens, binds and listens; returns the port bound (port 0 picks one). Throws
// std::runtime_error naming the port and the step that failed.
uint16_t listen_on(tcp::acceptor& acceptor, const std::string& address, uint16_t port,
                   const char* what) {
  boost::system::error_code ec;
  auto fail = [&](const char* step) {
    throw std::runtime_error(std::string("cannot listen on the ") + what + " port " + address +
                             ":" + std::to_string(port) + " (" + step + "): " + ec.message());
  };
  auto ip = asio::ip::make_address(address, ec);
  if (ec) fail("bad address");
  tcp::endpoint ep(ip, port);
  acceptor.open(ep.protocol(), ec);
  if (ec) fail("open");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) fail("reuse_address");
  acceptor.bind(ep, ec);
  if (ec) fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  return acceptor.local_endpoint(ec).port();
}

void check_distinct_ports(const EdgeConfig& cfg) {
  if (cfg.ws_port != 0 && cfg.ws_port == cfg.http_port)
    throw std::runtime_error("the WebSocket port must differ from the HTTP port (or be 0)");
}

// Accepts connections on one port and hands each to a session on the next thread of its
// kind's pool (the acceptor itself runs on the pool's first thread).
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  enum class Kind { http, ws };

  Listener(Kind kind, std::shared_ptr<EdgeContext> ctx)
      : pool_(kind == Kind::http ? ctx->rest_threads : ctx->market_data_threads),
        acceptor_(pool_.front()),
        retry_(pool_.front()),
        kind_(kind),
        ctx_(std::move(ctx)) {}

  // Binds synchronously so that start() can report a taken port.
  void bind(const std::string& address, uint16_t port, const char* what) {
    port_ = listen_on(acceptor_, address, port, what);
  }

  uint16_t port() const { return port_; }

  void start() { do_accept(); }

  void close() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      self->closed_ = true;
      boost::system::error_code ec;
      self->acceptor_.close(ec);
      self->retry_.cancel();
    });
  }

 private:
  using error_code = boost::system::error_code;

  void do_accept() {
    if (closed_) return;
    acceptor_.async_accept(pool_.next(),
                           [self = shared_from_this()](error_code ec, tcp::socket socket) {
                             self->on_accept(ec, std::move(socket));
                           });
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (closed_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // E.g. out of file descriptors: wait a little rather than spin.
      std::fprintf(stderr, "edge: accept failed: %s\n", ec.message().c_str());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([self = shared_from_this()](error_code e) {
        if (!e) self->do_accept();
      });
      return;
    }
    try {
      const size_t limit = ctx_->config.max_connections;
      std::shared_ptr<void> peer_slot;
      if (ctx_->stopping.load()) {
        socket.close(ec);
      } else if (limit && ctx_->sessions.size() >= limit) {
        socket.close(ec);
        ctx_->metrics.connections_refused.inc();
        if (!warned_full_) {
          std::fprintf(stderr, "edge: %zu connections open, the limit: new ones are closed\n",
                       limit);
          warned_full_ = true;
        }
      } else if (!admit_peer(socket, peer_slot)) {
        socket.close(ec);
        ctx_->metrics.connections_refused.inc();
      } else if (kind_ == Kind::http) {
        start_http_session(std::move(socket), ctx_, std::move(peer_slot));
      } else {
        start_ws_session(std::move(socket), ctx_, std::move(peer_slot));
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "edge: cannot start a session: %s\n", e.what());
    }
    do_accept();
  }

  // False if the socket's peer has as many connections open as one client may
  // (EdgeConfig::max_connections_per_client); else `slot` counts this one (none without
  // the limit, or for a trusted proxy, whose connections carry many clients).
  bool admit_peer(const tcp::socket& socket, std::shared_ptr<void>& slot) {
    const size_t per_client = ctx_->config.max_connections_per_client;
    if (!per_client) return true;
    error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) return true;  // gone already: the session will find out
    const std::string address = peer.address().to_string();
    if (ctx_->trusted_proxies.is_trusted(address)) return true;
    slot = ctx_->peer_connections.acquire(address, per_client);
    return slot != nullptr;
  }

  IoPool& pool_;  // owned by ctx_
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  Kind kind_;
  std::shared_ptr<EdgeContext> ctx_;
  uint16_t port_ = 0;
  bool closed_ = false;
  bool warned_full_ = false;  // said once per listener that the connection limit was hit
};

}  // namespace

struct Edge::Impl {
  Impl(EdgeConfig c, ExchangeApi& api) : ctx(std::make_shared<EdgeContext>(std::move(c), api)) {
    const EdgeConfig& cfg = ctx->config;
    std::vector<asio::io_context*> rest, market_data;
    for (int i = 0; i < std::max(1, cfg.io_threads); ++i)
      rest.push_back(&new_context());
    for (int i = 0; i < cfg.market_data_threads; ++i)
      market_data.push_back(&new_context());
    // Without threads of their own, WebSockets share the first REST thread only, and REST
    // requests use every REST thread: on two cores, spreading the fan-out over two threads
    // measured a worse p99 for subscribers (README, "Architecture").
    if (market_data.empty()) market_data = {rest.front()};
    for (asio::io_context* ioc : rest)
      ctx->rest_threads.add(*ioc);
    for (asio::io_context* ioc : market_data) {
      ctx->market_data_threads.add(*ioc);
      ctx->fanouts.push_back(
          std::make_shared<FanoutShard>(*ioc, api, ctx->next_connection_id.fetch_add(1),
                                        std::chrono::microseconds(cfg.ws_flush_interval_us)));
    }
  }

  // The fan-out shards' timers belong to the io_contexts, which are destroyed before the
  // context (below): the shards go first. One that a pending handler still holds goes
  // when its io_context destroys that handler, while the timer's service is still there.
  ~Impl() { ctx->fanouts.clear(); }

  asio::io_context& new_context() {
    iocs.push_back(std::make_unique<asio::io_context>(1));  // 1: run by one thread only
    return *iocs.back();
  }

  // Declared before the io_contexts: handlers destroyed with them may still use the context.
  std::shared_ptr<EdgeContext> ctx;
  // Owned, but left alive at destruction if the API still owes replies (see ~Edge).
  IoContexts iocs;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::shared_ptr<Listener> http;
  std::shared_ptr<Listener> ws;
  std::vector<std::thread> threads;
  bool started = false;
  bool stopped = false;
};

Edge::Edge(EdgeConfig config, ExchangeApi& api)
    : impl_(std::make_unique<Impl>(std::move(config), api)) {}

Edge::~Edge() {
  stop();
  // A reply the API still owes holds its session, whose socket belongs to the io_context:
  // destroying the context under it would be undefined. Such a late reply only happens if
  // an actor outlives stop()'s wait; then the context is left to the end of the process.
  if (impl_->ctx->inflight.load() > 0) {
    std::fprintf(stderr, "edge: %lld request(s) still unanswered at shutdown\n",
                 static_cast<long long>(impl_->ctx->inflight.load()));
    impl_->http.reset();
    impl_->ws.reset();
    for (auto& ioc : impl_->iocs)
      (void)ioc.release();
  }
}

void Edge::check_ports(const EdgeConfig& cfg) {
  check_distinct_ports(cfg);
  asio::io_context io;
  tcp::acceptor http(io), ws(io);
  listen_on(http, cfg.bind_address, cfg.http_port, "HTTP");
  if (cfg.ws_port != 0) listen_on(ws, cfg.bind_address, cfg.ws_port, "WebSocket");
}

void Edge::start() {
  Impl& m = *impl_;
  if (m.started) throw std::runtime_error("Edge::start called twice");
  const EdgeConfig& cfg = m.ctx->config;
  check_distinct_ports(cfg);
  m.http = std::make_shared<Listener>(Listener::Kind::http, m.ctx);
  m.http->bind(cfg.bind_address, cfg.http_port, "HTTP");
  if (cfg.ws_port != 0) {
    m.ws = std::make_shared<Listener>(Listener::Kind::ws, m.ctx);
    m.ws->bind(cfg.bind_address, cfg.ws_port, "WebSocket");
  }
  m.started = true;
  m.http->start();
  if (m.ws) m.ws->start();
  for (auto& ioc : m.iocs) {
    m.work.push_back(asio::make_work_guard(*ioc));
    m.threads.emplace_back([&ioc = *ioc] {
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {
          // A handler threw: the connection it served is lost, the server is not.
          std::fprintf(stderr, "edge: error in an io handler: %s\n", e.what());
        } catch (...) {
          std::fprintf(stderr, "edge: unknown error in an io handler\n");
        }
      }
    });
  }
}

void Edge::stop() {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return;
  m.stopped = true;
  m.ctx->stopping.store(true);
  if (m.http) m.http->close();
  if (m.ws) m.ws->close();

  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + kInflightWait;
  while (m.ctx->inflight.load() > 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Let the last replies reach their sockets, then close every connection.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  m.ctx->sessions.shutdown_all();
  deadline = Clock::now() + kCloseWait;
  while (m.ctx->sessions.size() > 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));

  m.work.clear();
  for (auto& ioc : m.iocs)
    ioc->stop();
  for (auto& t : m.threads)
    if (t.joinable()) t.join();
  m.threads.clear();
  // The io threads are gone: the fan-outs may let go of their sessions and subscriptions.
  for (auto& f : m.ctx->fanouts)
    f->clear();
}

uint16_t Edge::http_port() const {
  return impl_->http ? impl_->http->port() : 0;
}
uint16_t Edge::ws_port() const {
  return impl_->ws ? impl_->ws->port() : 0;
}

}  // namespace ex
