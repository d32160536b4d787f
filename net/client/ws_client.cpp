#include "net/client/ws_client.hpp"

#include <deque>
#include <optional>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "net/client/backoff.hpp"

namespace ex::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

struct WsClient::Impl : std::enable_shared_from_this<WsClient::Impl> {
  using Socket = websocket::stream<beast::tcp_stream>;

  Impl(asio::io_context& io, Url url, WsOptions options)
      : io(io),
        url(std::move(url)),
        options(options),
        resolver(io),
        timer(io),
        backoff(
            options.backoff_initial, options.backoff_max, 0.3,
            static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())) {}

  asio::io_context& io;
  Url url;
  WsOptions options;
  WsHandlers handlers;
  tcp::resolver resolver;
  asio::steady_timer timer;
  Backoff backoff;
  std::optional<Socket> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> outbox;
  bool writing = false;
  bool open = false;
  bool stopped = true;
  uint64_t generation = 0;  // bumped per connection: callbacks of an old one are ignored
  uint64_t connects = 0;
  std::chrono::steady_clock::time_point opened_at;

  void connect() {
    if (stopped) return;
    uint64_t gen = ++generation;
    ws.emplace(io);
    buffer.clear();
    outbox.clear();
    writing = false;
    auto self = shared_from_this();
    resolver.async_resolve(url.host, std::to_string(url.port),
                           [self, gen](error_code ec, tcp::resolver::results_type results) {
                             if (self->stale(gen)) return;
                             if (ec) return self->lost("resolve: " + ec.message());
                             self->tcp_connect(gen, results);
                           });
  }

  bool stale(uint64_t gen) const { return stopped || gen != generation; }

  void tcp_connect(uint64_t gen, const tcp::resolver::results_type& results) {
    auto self = shared_from_this();
    beast::get_lowest_layer(*ws).expires_after(std::chrono::seconds(5));
    beast::get_lowest_layer(*ws).async_connect(
        results, [self, gen](error_code ec, const tcp::endpoint&) {
          if (self->stale(gen)) return;
          if (ec) return self->lost("connect " + self->url.host_header() + ": " + ec.message());
          self->handshake(gen);
        });
  }

  void handshake(uint64_t gen) {
    beast::get_lowest_layer(*ws).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(5);
    t.idle_timeout = options.idle_timeout;
    t.keep_alive_pings = true;  // a ping at half the idle timeout; a dead peer is noticed
    ws->set_option(t);
    ws->read_message_max(64 * 1024 * 1024);
    ws->set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "exchange-bots/1");
    }));
    auto self = shared_from_this();
    ws->async_handshake(url.host_header(), url.path, [self, gen](error_code ec) {
      if (self->stale(gen)) return;
      if (ec) return self->lost("handshake " + self->url.text() + ": " + ec.message());
      self->open = true;
      self->opened_at = std::chrono::steady_clock::now();
      ++self->connects;
      self->read(gen);
      if (self->handlers.on_open) self->handlers.on_open();
    });
  }

  void read(uint64_t gen) {
    auto self = shared_from_this();
    ws->async_read(buffer, [self, gen](error_code ec, size_t) {
      if (self->stale(gen)) return;
      if (ec) return self->lost("read: " + ec.message());
      std::string text = beast::buffers_to_string(self->buffer.data());
      self->buffer.consume(self->buffer.size());
      if (self->handlers.on_message) self->handlers.on_message(text);
      if (self->stale(gen)) return;  // the handler stopped us
      self->read(gen);
    });
  }

  void flush(uint64_t gen) {
    if (writing || outbox.empty() || !open) return;
    writing = true;
    auto self = shared_from_this();
    ws->text(true);
    ws->async_write(asio::buffer(outbox.front()), [self, gen](error_code ec, size_t) {
      if (self->stale(gen)) return;
      self->writing = false;
      if (ec) return self->lost("write: " + ec.message());
      self->outbox.pop_front();
      self->flush(gen);
    });
  }

  // The connection failed or closed: tell the owner, then try again after a backoff.
  void lost(const std::string& why) {
    bool was_open = open;
    open = false;
    ++generation;  // ignore whatever the old socket still reports
    if (ws) {
      error_code ignored;
      beast::get_lowest_layer(*ws).socket().close(ignored);
    }
    if (was_open && std::chrono::steady_clock::now() - opened_at > std::chrono::seconds(2))
      backoff.reset();  // it had worked: start again quickly
    if (was_open && handlers.on_close) handlers.on_close(why);
    if (stopped) return;
    auto self = shared_from_this();
    timer.expires_after(backoff.next());
    timer.async_wait([self](error_code ec) {
      if (ec || self->stopped) return;
      self->connect();
    });
  }
};

WsClient::WsClient(asio::io_context& io, Url url, WsOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(url), options)) {}

WsClient::~WsClient() {
  stop();
}

void WsClient::start(WsHandlers handlers) {
  impl_->handlers = std::move(handlers);
  if (!impl_->stopped) return;
  impl_->stopped = false;
  impl_->connect();
}

void WsClient::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->open = false;
  ++impl_->generation;
  impl_->timer.cancel();
  impl_->resolver.cancel();
  if (impl_->ws) {
    error_code ignored;
    beast::get_lowest_layer(*impl_->ws).socket().close(ignored);
  }
  // The handlers stay (stop() may run inside one of them); `stopped` keeps them uncalled.
}

bool WsClient::send(std::string text) {
  if (!impl_->open || impl_->outbox.size() >= impl_->options.max_queued_frames) return false;
  impl_->outbox.push_back(std::move(text));
  impl_->flush(impl_->generation);
  return true;
}

bool WsClient::is_open() const {
  return impl_->open;
}
uint64_t WsClient::connects() const {
  return impl_->connects;
}
const Url& WsClient::url() const {
  return impl_->url;
}

}  // namespace ex::client
