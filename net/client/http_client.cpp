#include "net/client/http_client.hpp"

#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace ex::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

struct Pending {
  http::verb verb = http::verb::get;
  std::string target;
  std::string body;
  HttpHandler done;
  bool retried = false;
};

http::verb verb_of(Method m) {
  switch (m) {
    case Method::post:
      return http::verb::post;
    case Method::del:
      return http::verb::delete_;
    default:
      return http::verb::get;
  }
}

}  // namespace

struct Conn;

struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  Impl(asio::io_context& io, Url base, HttpOptions options)
      : io(io), base(std::move(base)), options(options), resolver(io) {}

  asio::io_context& io;
  Url base;
  HttpOptions options;
  tcp::resolver resolver;
  std::optional<tcp::resolver::results_type> endpoints;  // resolved once, again after failures
  std::deque<Pending> queue;
  std::vector<std::shared_ptr<Conn>> conns;
  size_t busy = 0;
  bool closed = false;

  void pump();
  void finish(Pending& p, HttpResponse response) {
    if (closed) return;
    HttpHandler done = std::move(p.done);
    if (done) done(std::move(response));
  }
};

// One keep-alive connection; serves one request at a time.
struct Conn : std::enable_shared_from_this<Conn> {
  explicit Conn(std::shared_ptr<HttpClient::Impl> owner)
      : owner(std::move(owner)), stream(this->owner->io) {}

  std::shared_ptr<HttpClient::Impl> owner;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  std::optional<http::response_parser<http::string_body>> parser;
  Pending current;
  bool connected = false;
  bool busy = false;
  int served = 0;  // requests answered on the current TCP connection

  void start(Pending p) {
    current = std::move(p);
    busy = true;
    if (connected)
      write();
    else
      connect();
  }

  void connect() {
    auto self = shared_from_this();
    served = 0;
    buffer.clear();
    if (!owner->endpoints) {
      owner->resolver.async_resolve(
          owner->base.host, std::to_string(owner->base.port),
          [self](error_code ec, tcp::resolver::results_type results) {
            if (self->owner->closed) return;
            if (ec)
              return self->fail("resolve " + self->owner->base.host + ": " + ec.message(), false);
            self->owner->endpoints = std::move(results);
            self->connect();
          });
      return;
    }
    stream.expires_after(owner->options.timeout);
    stream.async_connect(*owner->endpoints, [self](error_code ec, const tcp::endpoint&) {
      if (self->owner->closed) return;
      if (ec) {
        self->owner->endpoints.reset();
        return self->fail("connect " + self->owner->base.host_header() + ": " + ec.message(),
                          false);
      }
      self->connected = true;
      self->write();
    });
  }

  void write() {
    req = {};
    req.method(current.verb);
    std::string prefix = owner->base.path;
    while (!prefix.empty() && prefix.back() == '/')
      prefix.pop_back();
    req.target(prefix + current.target);
    req.version(11);
    req.set(http::field::host, owner->base.host_header());
    req.set(http::field::user_agent, "exchange-bots/1");
    req.keep_alive(true);
    if (!current.body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = current.body;
    }
    req.prepare_payload();
    auto self = shared_from_this();
    stream.expires_after(owner->options.timeout);
    http::async_write(stream, req, [self](error_code ec, size_t) {
      if (self->owner->closed) return;
      if (ec) return self->fail("write: " + ec.message(), self->served > 0);
      self->read();
    });
  }

  void read() {
    parser.emplace();
    parser->body_limit(64 * 1024 * 1024);
    auto self = shared_from_this();
    stream.expires_after(owner->options.timeout);
    http::async_read(stream, buffer, *parser, [self](error_code ec, size_t bytes) {
      if (self->owner->closed) return;
      if (ec) {
        // A reused connection that the server had closed answers with end of stream (or a
        // reset) before any byte: the request was not processed, so it can go again.
        bool stale = self->served > 0 && bytes == 0 &&
                     (ec == http::error::end_of_stream || ec == asio::error::eof ||
                      ec == asio::error::connection_reset || ec == asio::error::broken_pipe);
        return self->fail("read: " + ec.message(), stale);
      }
      auto res = self->parser->release();
      ++self->served;
      HttpResponse out;
      out.status = static_cast<int>(res.result_int());
      out.body = std::move(res.body());
      if (!res.keep_alive()) self->disconnect();
      self->done(std::move(out));
    });
  }

  void disconnect() {
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    connected = false;
    served = 0;
  }

  void fail(const std::string& why, bool may_retry) {
    disconnect();
    if (may_retry && !current.retried) {
      current.retried = true;
      connect();
      return;
    }
    HttpResponse out;
    out.error = why;
    done(std::move(out));
  }

  void done(HttpResponse response) {
    busy = false;
    --owner->busy;
    Pending p = std::move(current);
    auto keep = shared_from_this();  // the handler may close the client
    auto owner_ref = owner;
    owner_ref->finish(p, std::move(response));
    owner_ref->pump();
  }
};

void HttpClient::Impl::pump() {
  while (!closed && !queue.empty()) {
    std::shared_ptr<Conn> idle;
    for (auto& c : conns)
      if (!c->busy) {
        idle = c;
        break;
      }
    if (!idle) {
      if (conns.size() >= options.connections) return;
      idle = std::make_shared<Conn>(shared_from_this());
      conns.push_back(idle);
    }
    Pending p = std::move(queue.front());
    queue.pop_front();
    ++busy;
    idle->start(std::move(p));
  }
}

HttpClient::HttpClient(asio::io_context& io, Url base, HttpOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(base), options)) {
  if (impl_->options.connections == 0) impl_->options.connections = 1;
}

HttpClient::~HttpClient() {
  close();
}

void HttpClient::request(Method method, std::string target, std::string body, HttpHandler done) {
  if (impl_->closed) return;
  if (impl_->queue.size() >= impl_->options.max_queued) {
    HttpResponse out;
    out.error = "too many queued requests";
    // Never call back from inside request(): the caller may not expect reentrancy.
    asio::post(impl_->io, [impl = impl_, done = std::move(done), out]() mutable {
      if (!impl->closed && done) done(std::move(out));
    });
    return;
  }
  impl_->queue.push_back(
      Pending{verb_of(method), std::move(target), std::move(body), std::move(done)});
  impl_->pump();
}

size_t HttpClient::in_flight() const {
  return impl_->busy + impl_->queue.size();
}

const Url& HttpClient::base() const {
  return impl_->base;
}

void HttpClient::close() {
  if (impl_->closed) return;
  impl_->closed = true;
  impl_->queue.clear();
  impl_->resolver.cancel();
  for (auto& c : impl_->conns)
    c->disconnect();
  impl_->conns.clear();  // breaks the Impl <-> Conn cycle; pending operations end aborted
}

}  // namespace ex::client
