#include "net/http_session.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <optional>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/codec/encoders.hpp"
#include "net/edge_context.hpp"
#include "net/ws_session.hpp"

namespace ex {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kIdleTimeout = std::chrono::seconds(60);  // no request on a keep-alive connection
// A request must be complete (head and body) this long after its first byte arrived.
// Without it a client that trickles a request a byte at a time (slowloris) holds the
// connection, one of --max-connections, for the whole idle timeout, and again after each
// request it completes. A real client sends 16 KB of headers and a body within the
// limit in far less.
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr auto kReplyTimeout = std::chrono::seconds(30);  // backstop if the API never answers
constexpr auto kDrainTimeout =
    std::chrono::seconds(2);          // reading what a refused client still sends
constexpr size_t kMaxPipelined = 32;  // requests read ahead per connection
constexpr uint32_t kHeaderLimit = 16 * 1024;
// Bytes read but not yet parsed. The parser limits a request's header and body, but not
// chunk-size lines with their extensions, nor trailers: without a cap on the buffer a
// client could send those without end.
constexpr size_t kReadBufferLimit = 256 * 1024;
// Replies rendered and waiting for the client to read them: above this, the session
// reads no further requests until the client has taken some (a reply can be large: a
// static file, a deep book).
constexpr size_t kQueuedReplyLimit = 1 << 20;
constexpr size_t kDrainLimit = 1 << 20;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

class HttpSession : public std::enable_shared_from_this<HttpSession>, public Closable {
 public:
  HttpSession(tcp::socket&& socket, std::shared_ptr<EdgeContext> ctx,
              std::shared_ptr<void> peer_slot)
      : stream_(std::move(socket)),
        ctx_(std::move(ctx)),
        peer_slot_(std::move(peer_slot)),
        thread_slot_(stream_.get_executor().context()),
        id_(ctx_->next_connection_id.fetch_add(1)),
        buffer_(kReadBufferLimit),
        backstop_(stream_.get_executor()),
        request_timer_(stream_.get_executor()) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) client_ip_ = ep.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
    ctx_->metrics.http_connections.add(1);
  }

  ~HttpSession() override {
    ctx_->metrics.http_connections.add(-1);
    ctx_->sessions.remove(id_);
  }

  void run() {
    ctx_->sessions.add(id_, weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
  }

  void shutdown() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->read_closed_ = true;
      self->shutting_down_ = true;
      if (self->pending_.empty() && !self->writing_) self->close();
      // else: closes after the replies in flight are written (stop() bounds the wait)
    });
  }

 private:
  struct Pending {
    uint64_t seq = 0;
    bool ready = false;
    RouteId route = RouteId::not_found;
    HttpMethod method = HttpMethod::other;
    Clock::time_point start;
    unsigned version = 11;
    bool keep_alive = true;  // asked by the request; once the reply is made, what it says
    std::string origin;      // the request's Origin header (CORS)
    std::string wire;        // the reply as it goes out: status line, headers, body
    int status = 0;          // 100: an interim "100 Continue", before the request's reply
  };

  // Who sent `req`, for the rate limit: the peer, or the client a trusted proxy names.
  std::string client_of(const Request& req) const {
    if (ctx_->trusted_proxies.empty()) return client_ip_;
    std::string forwarded;  // every X-Forwarded-For header, in order, as one list
    const auto [first, last] = req.equal_range("X-Forwarded-For");
    for (auto f = first; f != last; ++f)
      forwarded.append(forwarded.empty() ? "" : ",").append(f->value());
    return ctx_->trusted_proxies.client(client_ip_, forwarded);
  }

  // ---- reading ----

  // A request is read in steps: its first byte (the connection may idle until then), its
  // head, which decides on "100 Continue", then its body.
  void do_read() {
    if (reading_ || read_closed_ || closed_ || handed_off_) return;
    // Both resume when a reply is written.
    if (pending_.size() >= kMaxPipelined || queued_reply_bytes() > kQueuedReplyLimit) return;
    reading_ = true;
    ++reads_;
    request_timed_out_ = false;
    parser_.emplace();
    parser_->body_limit(ctx_->config.max_body_bytes);
    parser_->header_limit(kHeaderLimit);
    if (buffer_.size() > 0) return read_head();  // pipelined: the request has begun
    stream_.expires_after(kIdleTimeout);
    stream_.async_read_some(buffer_.prepare(beast::read_size(buffer_, 64 * 1024)),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec || self->closed_) return self->on_read(ec);
                              self->read_head();
                            });
  }

  void read_head() {
    // The stream's own timeout only backstops the request's (kRequestTimeout < kIdleTimeout).
    stream_.expires_after(kIdleTimeout);
    request_timer_.expires_after(kRequestTimeout);
    request_timer_.async_wait([self = shared_from_this(), read = reads_](beast::error_code ec) {
      if (ec || self->closed_ || !self->reading_ || self->reads_ != read) return;
      self->request_timed_out_ = true;
      // Cancelling would cut a write in progress too: then the read is cancelled once
      // that write is done (on_write), and the 408 follows the replies before it.
      if (!self->writing_) self->cancel_read();
    });
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    // A Content-Length over the body limit fails here (Beast checks it with the head): the
    // 413 goes out without a "100 Continue".
    if (request_timed_out_) ec = beast::error::timeout;  // the head came as time ran out
    if (ec || closed_) return on_read(ec);
    const Request& head = parser_->get();
    // RFC 9110 10.1.1: a client that sent "Expect: 100-continue" waits (curl: 1 s) for
    // this before sending the body. Every such request gets it (an unknown route's 404
    // comes after the body, as without the header), after the replies to earlier
    // requests, in order.
    if (!parser_->is_done() && head.version() >= 11 &&
        beast::iequals(head[http::field::expect], "100-continue")) {
      Pending& interim = pending_.emplace_back();
      interim.seq = next_seq_++;
      interim.ready = true;
      interim.status = 100;
      interim.wire = "HTTP/1.1 100 Continue\r\n\r\n";
      maybe_write();
    }
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    reading_ = false;
    request_timer_.cancel();
    if (closed_) return;
    if (ec) {
      read_closed_ = true;
      if (request_timed_out_) {
        refuse(408, "REQUEST_TIMEOUT",
               "the request was not complete within " + std::to_string(kRequestTimeout.count()) +
                   " s");
      } else if (ec == http::error::body_limit) {
        refuse(413, "BODY_TOO_LARGE",
               "the request body is larger than " + std::to_string(ctx_->config.max_body_bytes) +
                   " bytes");
      } else if (ec == http::error::header_limit) {
        refuse(431, "HEADERS_TOO_LARGE", "the request headers are too large");
      } else if (ec == http::error::buffer_overflow) {
        refuse(431, "HEADERS_TOO_LARGE",
               "the request's chunk extensions or trailers are too large");
      } else if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
                 ec != asio::error::operation_aborted && ec != asio::error::connection_reset &&
                 ec != asio::error::eof && parser_ && parser_->got_some()) {
        refuse(400, "BAD_REQUEST", "malformed HTTP request: " + ec.message());
      }
      if (pending_.empty() && !writing_) close();
      return;
    }
    if (parser_->get().count(http::field::transfer_encoding) &&
        !(parser_->chunked() && only_chunked(parser_->get()))) {
      // RFC 9112: without chunked last the body's length cannot be known, so neither can
      // where the next request starts (a way to smuggle one past a proxy); and a coding
      // before chunked (gzip) would be taken as plain text. Refuse and close.
      read_closed_ = true;
      refuse(400, "BAD_REQUEST", "Transfer-Encoding other than chunked is not supported");
      return;
    }
    Request req = parser_->release();
    parser_.reset();
    try {
      handle(std::move(req));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "edge: error handling a request: %s\n", e.what());
    }
    do_read();
  }

  // Transfer-Encoding is exactly one coding, chunked, in HTTP/1.1 or later (RFC 9112 6.1:
  // in 1.0 the framing is faulty). Read strictly, not with Beast's token lists, which stop
  // quietly at the first character they do not expect ("chunked;x=1, gzip" reads as
  // chunked): list elements split on commas, trimmed of spaces and tabs, empty ones
  // skipped; any other element refuses the request.
  static bool only_chunked(const Request& req) {
    if (req.version() < 11) return false;
    int chunked = 0;
    for (auto range = req.equal_range(http::field::transfer_encoding); range.first != range.second;
         ++range.first) {
      const std::string_view value = range.first->value();
      for (size_t start = 0; start <= value.size();) {
        size_t comma = value.find(',', start);
        if (comma == std::string_view::npos) comma = value.size();
        std::string_view element = value.substr(start, comma - start);
        while (!element.empty() && (element.front() == ' ' || element.front() == '\t'))
          element.remove_prefix(1);
        while (!element.empty() && (element.back() == ' ' || element.back() == '\t'))
          element.remove_suffix(1);
        if (!element.empty()) {
          if (!beast::iequals(element, "chunked")) return false;
          ++chunked;
        }
        start = comma + 1;
      }
    }
    return chunked == 1;
  }

  // Ends the read of a request past its deadline: on_read answers 408. Only while no write
  // is in flight (a socket's cancel() cancels every operation on it).
  void cancel_read() {
    beast::error_code ignored;
    stream_.socket().cancel(ignored);
  }

  // ---- requests ----

  void handle(Request&& req) {
    const std::string_view target = origin_form(req.target());
    const size_t qmark = target.find('?');
    const std::string_view path = target.substr(0, qmark);
    const std::string_view query =
        qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);
    const RouteId route = match_route(path);
    const std::string_view method = req.method_string();

    Pending& slot = pending_.emplace_back();
    slot.seq = next_seq_++;
    slot.route = route;
    slot.method = http_method_of(method);
    slot.start = Clock::now();
    slot.version = req.version();
    slot.keep_alive = req.keep_alive();
    slot.origin = std::string(req[http::field::origin]);
    const uint64_t seq = slot.seq;
    if (!slot.keep_alive) read_closed_ = true;

    try {
      if (beast::websocket::is_upgrade(req)) {
        if (route == RouteId::ws && (!req.body().empty() || req.chunked()))
          return complete_error(seq, 400, "BAD_REQUEST", "a WebSocket handshake has no body");
        if (route == RouteId::ws && pending_.size() == 1 && !writing_) {
          pending_.clear();
          handed_off_ = true;
          ctx_->sessions.remove(id_);
          ctx_->metrics.request(RouteId::ws, HttpMethod::get, 101, 0);
          stream_.expires_never();
          std::string early = beast::buffers_to_string(buffer_.data());
          buffer_.clear();
          start_ws_upgrade(stream_.release_socket(), std::move(req), std::move(early), ctx_,
                           std::move(peer_slot_));
          return;
        }
        return complete_error(seq, route == RouteId::ws ? 400 : 404,
                              route == RouteId::ws ? "BAD_REQUEST" : "NOT_FOUND",
                              route == RouteId::ws
                                  ? "finish pending requests before upgrading"
                                  : "WebSocket endpoints are /ws (and / on the WebSocket port)");
      }
      if (method == "OPTIONS") return complete_preflight(seq, req, route, slot.origin);
      if (route == RouteId::ws)
        return complete_error(seq, 426, "UPGRADE_REQUIRED",
                              "/ws is a WebSocket endpoint: connect with a WebSocket client");
      if (route == RouteId::static_file) return complete_static(seq, path, method);

      if (ctx_->rate_limiter.enabled() && route != RouteId::health && route != RouteId::ready &&
          route != RouteId::metrics) {
        int64_t now =
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
                .count();
        if (!ctx_->rate_limiter.allow(client_of(req), now)) {
          ctx_->metrics.rate_limited.inc();
          return complete_error(seq, 429, "RATE_LIMITED",
                                "too many requests: at most " +
                                    std::to_string(ctx_->config.rate_limit_per_second) +
                                    " per second per client");
        }
      }

      ApiRequest api_req;
      api_req.route = route;
      api_req.method = method;
      api_req.query = query;
      api_req.body = req.body();
      api_req.credentials.authorization = req[http::field::authorization];
      api_req.credentials.api_key = req["X-API-Key"];
      ctx_->inflight.fetch_add(1);
      ctx_->router.handle(api_req, [self = shared_from_this(), seq](ApiReply reply) {
        self->ctx_->inflight.fetch_sub(1);
        asio::post(self->stream_.get_executor(), [self, seq, reply = std::move(reply)]() mutable {
          self->complete(seq, std::move(reply));
        });
      });
    } catch (const std::exception& e) {
      complete_error(seq, 500, "INTERNAL", std::string("internal error: ") + e.what());
    }
  }

  void complete_preflight(uint64_t seq, const Request& req, RouteId route,
                          const std::string& origin) {
    Response res{http::status::no_content, 11};
    std::string allow_origin = ctx_->cors_origin(origin);
    if (!allow_origin.empty()) {
      res.set(http::field::access_control_allow_origin, allow_origin);
      res.set(http::field::access_control_allow_methods, route_methods(route));
      auto requested = req[http::field::access_control_request_headers];
      res.set(http::field::access_control_allow_headers,
              requested.empty() ? std::string_view("Content-Type, Authorization, X-API-Key")
                                : std::string_view(requested));
      res.set(http::field::access_control_max_age, "600");
    }
    finish_response(seq, std::move(res));
  }

  void complete_static(uint64_t seq, std::string_view path, std::string_view method) {
    if (method != "GET" && method != "HEAD") {
      ApiReply r = Router::error_reply(405, "METHOD_NOT_ALLOWED",
                                       std::string(method) + " is not allowed on static files");
      r.allow = "GET, HEAD, OPTIONS";
      return complete(seq, std::move(r));
    }
    Response res{http::status::ok, 11};
    if (auto file = ctx_->static_files.resolve(path)) {
      res.set(http::field::content_type, file->content_type);
      res.set(http::field::cache_control,
              file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
      res.body() = std::move(file->body);
    } else if (path == "/" || path.empty()) {
      res.set(http::field::content_type, "text/html; charset=utf-8");
      res.set(http::field::cache_control, "no-cache");
      res.body() = StaticFiles::builtin_index();
    } else {
      return complete_error(seq, 404, "NOT_FOUND", "no such page or endpoint");
    }
    finish_response(seq, std::move(res));
  }

  void complete_error(uint64_t seq, int status, std::string_view code, std::string_view message) {
    complete(seq, Router::error_reply(status, code, message));
  }

  // A reply for request `seq` (on the strand). Late replies (after the backstop answered,
  // or after the connection closed) are dropped.
  void complete(uint64_t seq, ApiReply reply) {
    Response res{static_cast<http::status>(reply.status), 11};
    res.set(http::field::content_type, reply.content_type);
    res.set(http::field::cache_control, "no-store");
    if (reply.allow) res.set(http::field::allow, reply.allow);
    if (reply.status == 429) res.set(http::field::retry_after, "1");
    res.body() = std::move(reply.body);
    finish_response(seq, std::move(res));
  }

  // The reply to a HEAD request, whatever answered it (the router, a static file, an error),
  // has the headers of the GET and no body: a body would be read as the next reply.
  void finish_response(uint64_t seq, Response&& res) {
    if (closed_ || pending_.empty() || seq < pending_.front().seq) return;
    size_t index = static_cast<size_t>(seq - pending_.front().seq);
    if (index >= pending_.size() || pending_[index].ready) return;
    Pending& slot = pending_[index];
    res.version(slot.version);
    res.set(http::field::server, "exchange");
    std::string allow_origin = ctx_->cors_origin(slot.origin);
    if (!allow_origin.empty() && !res.count(http::field::access_control_allow_origin))
      res.set(http::field::access_control_allow_origin, allow_origin);
    // Every answer depends on Origin when the allowed origins are a list, refusals and
    // requests without one included, so that a cache never serves one origin's to another.
    if (ctx_->cors_echoes_origin()) res.set(http::field::vary, "Origin");
    res.keep_alive(slot.keep_alive && !shutting_down_);
    if (slot.method == HttpMethod::head) {
      res.content_length(res.body().size());
      res.body().clear();
    } else {
      res.prepare_payload();
    }
    // RFC 9110: no Content-Length on a 204.
    if (res.result() == http::status::no_content) res.erase(http::field::content_length);
    slot.status = res.result_int();
    slot.keep_alive = res.keep_alive();
    slot.wire = render(res);
    slot.ready = true;
    maybe_write();
  }

  // The reply in one buffer. Beast's serializer walks a chain of buffer views per write,
  // which showed up in profiles at a tenth of the io thread; a reply here is small.
  static std::string render(const Response& res) {
    const std::string_view reason = http::obsolete_reason(res.result());
    size_t size = 32 + reason.size() + res.body().size();
    for (const auto& field : res)
      size += field.name_string().size() + field.value().size() + 4;
    std::string out;
    out.reserve(size);
    out += res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(res.result_int());
    out += ' ';
    out += reason;
    out += "\r\n";
    for (const auto& field : res) {
      out += field.name_string();
      out += ": ";
      out += field.value();
      out += "\r\n";
    }
    out += "\r\n";
    out += res.body();
    return out;
  }

  // ---- writing, in request order ----

  // Every reply that is ready at the head of the line goes out in one socket write; a
  // reply that closes the connection ends the batch.
  void maybe_write() {
    if (writing_ || closed_ || pending_.empty()) return;
    if (!pending_.front().ready) {
      arm_backstop(pending_.front());
      return;
    }
    out_.clear();
    for (const Pending& p : pending_) {
      if (!p.ready) break;
      out_.push_back(asio::buffer(p.wire));
      if (!p.keep_alive) break;
    }
    writing_ = true;
    stream_.expires_after(kIdleTimeout);
    asio::async_write(stream_, out_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->on_write(ec);
    });
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    bool keep = true;
    const auto now = Clock::now();
    for (size_t i = 0; i < out_.size() && !pending_.empty(); ++i) {
      Pending& done = pending_.front();
      keep = done.keep_alive;
      const double seconds = std::chrono::duration<double>(now - done.start).count();
      if (done.status != 100) ctx_->metrics.request(done.route, done.method, done.status, seconds);
      pending_.pop_front();
    }
    out_.clear();
    if (ec) return close();
    if (request_timed_out_ && reading_) cancel_read();
    if (!keep) {
      read_closed_ = true;
      pending_.clear();
      return drain_and_close();
    }
    maybe_write();
    do_read();
    if (read_closed_ && pending_.empty() && !reading_) close();
  }

  // The API did not answer the request at the head of the line in time: answer 503 so the
  // connection (and the requests pipelined behind it) can go on.
  void arm_backstop(const Pending& front) {
    if (backstop_seq_ == front.seq) return;
    backstop_seq_ = front.seq;
    backstop_.expires_at(front.start + kReplyTimeout);
    backstop_.async_wait([self = shared_from_this(), seq = front.seq](beast::error_code ec) {
      if (ec || self->closed_ || self->pending_.empty() || self->pending_.front().seq != seq ||
          self->pending_.front().ready)
        return;
      self->complete_error(seq, 503, "UNAVAILABLE", no_answer_in_time().message);
    });
  }

  // A refusal that ends the connection (body too large, malformed request): the reply
  // goes out with "Connection: close".
  void refuse(int status, std::string_view code, const std::string& message) {
    Pending& slot = pending_.emplace_back();
    slot.seq = next_seq_++;
    slot.route = RouteId::not_found;
    slot.method = HttpMethod::other;
    if (parser_ && parser_->is_header_done()) {
      auto target = parser_->get().target();
      slot.route = match_route(target.substr(0, target.find('?')));
      slot.method = http_method_of(parser_->get().method_string());
      slot.origin = std::string(parser_->get()[http::field::origin]);
      slot.version = parser_->get().version();
    }
    slot.start = Clock::now();
    slot.keep_alive = false;
    complete_error(slot.seq, status, code, message);
  }

  // After a last reply: stop sending, read (and discard) what the client still sends for
  // a moment so that it sees our reply rather than a reset, then close.
  void drain_and_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    drain_buffer_.resize(16 * 1024);
    stream_.expires_after(kDrainTimeout);
    drain_more();
  }

  void drain_more() {
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kDrainLimit) return self->close();
                              self->drain_more();
                            });
  }

  // Bytes of the rendered replies the client has not taken yet (at most kMaxPipelined).
  size_t queued_reply_bytes() const {
    size_t bytes = 0;
    for (const Pending& p : pending_)
      bytes += p.wire.size();
    return bytes;
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    backstop_.cancel();
    request_timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    pending_.clear();
    ctx_->sessions.remove(id_);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<EdgeContext> ctx_;
  std::shared_ptr<void> peer_slot_;  // goes with the socket, also to a WebSocket session
  ThreadSlot thread_slot_;
  const uint64_t id_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::deque<Pending> pending_;          // references stay valid on push_back/pop_front
  std::vector<asio::const_buffer> out_;  // the replies of the write in progress
  asio::steady_timer backstop_;
  uint64_t backstop_seq_ = UINT64_MAX;
  asio::steady_timer request_timer_;  // kRequestTimeout for the request being read
  uint64_t reads_ = 0;                // requests begun, to tell a stale request_timer_
  bool request_timed_out_ = false;
  uint64_t next_seq_ = 0;
  std::string client_ip_;
  bool shutting_down_ = false;  // Edge::stop(): answer what is pending, then close
  bool reading_ = false;
  bool writing_ = false;
  bool read_closed_ = false;  // no more requests will be read
  bool closed_ = false;
  bool handed_off_ = false;  // the socket now belongs to a WebSocket session
  std::vector<char> drain_buffer_;
  size_t drained_ = 0;
};

}  // namespace

void start_http_session(tcp::socket socket, std::shared_ptr<EdgeContext> ctx,
                        std::shared_ptr<void> peer_slot) {
  std::make_shared<HttpSession>(std::move(socket), std::move(ctx), std::move(peer_slot))->run();
}

}  // namespace ex
