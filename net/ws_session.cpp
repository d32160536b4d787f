#include "net/ws_session.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include <unistd.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "net/coalescing_stream.hpp"
#include "net/edge_context.hpp"
#include "net/fanout.hpp"
#include "net/router.hpp"
#include "net/ws_protocol.hpp"

namespace ex {
namespace {

// Where a request head ends: its blank line, "\r\n\r\n", or a bare "\n\n" (which the
// parser then refuses, as the REST port's does) rather than a wait for the timeout.
struct EndOfHead {
  template <class Iterator>
  std::pair<Iterator, bool> operator()(Iterator begin, Iterator end) const {
    for (Iterator i = begin; i != end; ++i) {
      if (*i != '\n') continue;
      Iterator next = i;
      ++next;
      if (next != end && *next == '\r') ++next;
      if (next == end) return {i, false};  // more to read: look again from this line end
      if (*next == '\n') return {++next, true};
    }
    return {end, false};
  }
};

}  // namespace
}  // namespace ex

template <>
struct boost::asio::is_match_condition<ex::EndOfHead> : std::true_type {};

namespace ex {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr size_t kMaxHandshakeBytes = 16 * 1024;         // the head of the upgrade request
constexpr auto kIdleTimeout = std::chrono::seconds(60);  // a ping after 30 s of silence
constexpr auto kCloseGrace = std::chrono::seconds(3);    // then the TCP socket is closed hard
// Bytes handed to the coalescing layer but not yet written to the socket: above the high
// mark the session stops handing frames over (they wait, counted, in its queue) and
// resumes below the low mark.
constexpr size_t kHighWater = 256 * 1024;
constexpr size_t kLowWater = 64 * 1024;

class WsSession : public std::enable_shared_from_this<WsSession>,
                  public Closable,
                  public FanoutSubscriber {
 public:
  WsSession(tcp::socket&& socket, std::shared_ptr<EdgeContext> ctx, std::shared_ptr<void> peer_slot)
      : ws_(std::move(socket)),
        ctx_(std::move(ctx)),
        peer_slot_(std::move(peer_slot)),
        thread_slot_(ws_.get_executor().context()),
        fanout_(ctx_->fanout_for(asio::query(ws_.get_executor(), asio::execution::context))),
        kill_timer_(ws_.get_executor()) {
    init();
  }

  ~WsSession() override { ctx_->sessions.remove(id_); }

  // WS port: read the handshake's head ourselves (within the handshake timeout), then
  // upgrade as the REST port does, keeping what a hasty client sent after the head (its
  // first frames, say).
  void run() {
    ctx_->sessions.add(id_, weak_from_this());
    auto head = std::make_shared<std::string>();
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), head] {
      self->kill_timer_.expires_after(kHandshakeTimeout);
      self->kill_timer_.async_wait([self](beast::error_code ec) {
        if (!ec) self->close_socket();
      });
      asio::async_read_until(
          self->ws_.next_layer(), asio::dynamic_buffer(*head, kMaxHandshakeBytes), EndOfHead{},
          [self, head](beast::error_code ec, size_t) {
            self->kill_timer_.cancel();
            if (ec == asio::error::not_found)  // no end of the head within the limit
              return self->refuse(http::status::request_header_fields_too_large,
                                  "HEADERS_TOO_LARGE", "the request headers are too large", 11);
            if (ec) return self->finish();
            http::request_parser<http::string_body> parser;
            parser.eager(false);
            parser.header_limit(kMaxHandshakeBytes);
            beast::error_code parse_ec;
            const size_t used = parser.put(asio::buffer(*head), parse_ec);
            if (parse_ec || !parser.is_header_done())
              return self->refuse(http::status::bad_request, "BAD_REQUEST",
                                  "malformed HTTP request: " + parse_ec.message(), 11);
            if (parser.chunked() || parser.content_length().value_or(0) > 0)
              return self->refuse(http::status::bad_request, "BAD_REQUEST",
                                  "a WebSocket handshake has no body", 11);
            self->upgrade(std::make_shared<http::request<http::string_body>>(parser.release()),
                          head->substr(used));
          });
    });
  }

  // REST port: the HTTP session already read the upgrade request, and maybe bytes the
  // client sent after it.
  void run(http::request<http::string_body> req, std::string early_bytes) {
    ctx_->sessions.add(id_, weak_from_this());
    asio::dispatch(ws_.get_executor(),
                   [self = shared_from_this(),
                    shared_req = std::make_shared<http::request<http::string_body>>(std::move(req)),
                    early = std::move(early_bytes)]() mutable {
                     self->upgrade(std::move(shared_req), std::move(early));
                   });
  }

  // On the session's thread: answers the handshake `req`; Beast then reads `early` (what
  // the client sent after the request) before the socket.
  void upgrade(std::shared_ptr<http::request<http::string_body>> req, std::string early) {
    if (!handshake_allowed(*req)) return;
    ws_.next_layer().unread(std::move(early));
    ws_.async_accept(
        *req, [self = shared_from_this(), req](beast::error_code ec) { self->on_accept(ec); });
  }

  // What Beast's accept does not check, or answers in plain text: a request that is no
  // WebSocket handshake gets 426 (as the REST port's /ws), a page from an origin the edge
  // does not allow gets 403 (as its REST requests get no CORS grant), a missing
  // Sec-WebSocket-Key or one that is not 16 bytes in base64 (RFC 6455 4.2.1) gets 400, a
  // version other than 13 gets 426 naming 13 (400 if there is none);
  // with the REST port's error body, and the connection closes. False then.
  template <class Fields>
  bool handshake_allowed(const http::request_header<Fields>& req) {
    if (!websocket::is_upgrade(req)) {
      refuse(http::status::upgrade_required, "UPGRADE_REQUIRED",
             "this is a WebSocket endpoint: connect with a WebSocket client", req.version());
      return false;
    }
    if (!ctx_->ws_origin_allowed(req[http::field::origin], req[http::field::host])) {
      refuse(http::status::forbidden, "FORBIDDEN_ORIGIN",
             "WebSocket connections from this origin are not allowed", req.version());
      return false;
    }
    const auto key = req.find(http::field::sec_websocket_key);
    if (key == req.end() || !is_websocket_key(key->value())) {
      refuse(http::status::bad_request, "BAD_REQUEST",
             "Sec-WebSocket-Key must be 16 bytes in base64 (24 characters)", req.version());
      return false;
    }
    const auto version = req[http::field::sec_websocket_version];
    if (version != "13") {
      if (version.empty())
        refuse(http::status::bad_request, "BAD_REQUEST", "Sec-WebSocket-Version is missing (13)",
               req.version());
      else
        refuse(http::status::upgrade_required, "UPGRADE_REQUIRED",
               "Sec-WebSocket-Version must be 13", req.version());
      return false;
    }
    return true;
  }

  static bool is_websocket_key(std::string_view key) {
    auto base64 = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
    };
    return key.size() == 24 && key.substr(22) == "==" &&
           std::all_of(key.begin(), key.begin() + 22, base64);
  }

  // Answers the handshake with an error (the REST port's body) and closes.
  void refuse(http::status status, std::string_view code, std::string_view message,
              unsigned version) {
    auto res = std::make_shared<http::response<http::string_body>>(status, version);
    res->set(http::field::server, "exchange");
    res->set(http::field::content_type, "application/json");
    if (status == http::status::upgrade_required) {
      res->set(http::field::upgrade, "websocket");
      res->set(http::field::sec_websocket_version, "13");
    }
    res->body() = Router::error_reply(static_cast<int>(status), code, message).body;
    res->keep_alive(false);
    res->prepare_payload();
    http::async_write(
        ws_.next_layer(), *res, [self = shared_from_this(), res](beast::error_code, size_t) {
          self->ws_.next_layer().async_drain([self](beast::error_code) { self->finish(); });
        });
  }

  void shutdown() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      self->begin_close(websocket::close_code::going_away, "server shutting down");
    });
  }

  // From the fan-out, on this session's thread: a frame of a batch goes straight into the
  // coalescing layer while it has room, else waits in the queue; a queue over its limit
  // closes the connection (later, not under the fan-out's feet).
  void deliver(const Frame& frame) override {
    if (closing_ || overflowed_) return;
    if (queue_.empty() && writable()) {
      CoalescingStream& layer = ws_.next_layer();
      if (!holding_) {
        layer.hold();
        holding_ = true;
      }
      if (layer.write_text_frame(*frame)) {
        ++batched_;
        return;
      }
    }
    if (queue_.size() >= ctx_->config.ws_send_queue_frames) {
      overflowed_ = true;
      asio::post(ws_.get_executor(), [self = shared_from_this()] { self->on_overflow(); });
      return;
    }
    queue_.push_back(frame);
  }

  // The fan-out's batch is complete: one socket write carries it.
  void flush() override {
    if (holding_) {
      holding_ = false;
      ws_.next_layer().release();
    }
    if (batched_) {
      ctx_->metrics.ws_frames_sent.inc(batched_);
      batched_ = 0;
    }
    waiting_for_flush_ = !queue_.empty();
  }

 private:
  void init() {
    id_ = ctx_->next_connection_id.fetch_add(1);
    beast::error_code ec;
    ws_.next_layer().next_layer().set_option(tcp::no_delay(true), ec);
    websocket::stream_base::timeout t;
    t.handshake_timeout = kHandshakeTimeout;
    t.idle_timeout = kIdleTimeout;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "exchange"); }));
    ws_.read_message_max(ctx_->config.max_ws_message_bytes);
    ws_.auto_fragment(false);
    ws_.text(true);
  }

  void on_accept(beast::error_code ec) {
    if (ec) return finish();
    std::weak_ptr<WsSession> weak = weak_from_this();
    ws_.next_layer().on_flushed([weak] {
      if (auto self = weak.lock()) self->on_flushed();
    });
    accepted_ = true;
    ctx_->metrics.ws_connections.add(1);
    if (ctx_->stopping.load())
      return begin_close(websocket::close_code::going_away, "server shutting down");
    do_read();
  }

  // ---- reading client messages ----

  void do_read() {
    ws_.async_read(
        buffer_, [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return finish();
    ctx_->metrics.ws_messages_received.inc();
    if (!closing_) {
      if (!ws_.got_text()) {
        reply_error("INVALID_JSON", "send JSON text frames, not binary", "");
      } else {
        auto data = buffer_.data();
        std::string_view text(static_cast<const char*>(data.data()), data.size());
        try {
          handle_message(text);
        } catch (const std::exception& e) {
          reply_error("INTERNAL", std::string("internal error: ") + e.what(), "");
        }
      }
    }
    buffer_.consume(buffer_.size());
    do_read();
  }

  void handle_message(std::string_view text) {
    WsParsed parsed = parse_ws_command(text);
    if (!parsed.command)
      return reply_error(code_name(parsed.error.code), parsed.error.message, parsed.id);
    WsCommand& cmd = *parsed.command;
    switch (cmd.method) {
      case WsMethod::ping:
        return send_text(encode_ws_pong(parsed.id));
      case WsMethod::list_subscriptions:
        return send_text(encode_ws_result_list(streams_, parsed.id));
      case WsMethod::unsubscribe: {
        for (const auto& s : cmd.params) {
          auto it = std::find(streams_.begin(), streams_.end(), s);
          if (it == streams_.end()) continue;
          fanout_->unsubscribe(s, this);
          streams_.erase(it);
          ctx_->metrics.ws_subscriptions.add(-1);
        }
        if (!parsed.id.empty()) send_text(encode_ws_result_null(parsed.id));
        return;
      }
      case WsMethod::subscribe:
        return subscribe(cmd.params, parsed.id);
    }
  }

  void subscribe(const std::vector<std::string>& params, const std::string& id) {
    std::vector<std::string> fresh;
    for (const auto& s : params)
      if (std::find(streams_.begin(), streams_.end(), s) == streams_.end() &&
          std::find(fresh.begin(), fresh.end(), s) == fresh.end())
        fresh.push_back(s);
    const size_t max = ctx_->config.max_streams_per_connection;
    if (streams_.size() + fresh.size() > max)
      return reply_error("TOO_MANY_STREAMS",
                         "at most " + std::to_string(max) + " streams per connection (" +
                             std::to_string(streams_.size()) + " subscribed)",
                         id);
    for (size_t i = 0; i < fresh.size(); ++i) {
      Result<bool> r = fanout_->subscribe(fresh[i], shared_from_this());
      if (!r) {
        for (size_t j = 0; j < i; ++j)
          fanout_->unsubscribe(fresh[j], this);  // all or nothing
        return reply_error(code_name(r.error().code), r.error().message, id);
      }
    }
    streams_.insert(streams_.end(), fresh.begin(), fresh.end());
    ctx_->metrics.ws_subscriptions.add(static_cast<int64_t>(fresh.size()));
    if (!id.empty()) send_text(encode_ws_result_null(id));
  }

  void reply_error(std::string_view code, const std::string& message, const std::string& id) {
    ctx_->metrics.ws_bad_requests.inc();
    send_text(encode_ws_error(code, message, id));
  }

  // ---- writing ----

  // A reply of our own: through the same queue and limit as events.
  void send_text(std::string text) {
    if (closing_) return;
    if (queue_.size() >= ctx_->config.ws_send_queue_frames) {
      overflowed_ = true;
      return on_overflow();
    }
    queue_.push_back(std::make_shared<const std::string>(std::move(text)));
    do_write();
  }

  bool writable() {
    return accepted_ && !close_started_ && !finished_ && ws_.is_open() &&
           ws_.next_layer().buffered() < kHighWater;
  }

  // Hands queued frames to the coalescing layer, which writes them out together in as few
  // socket writes as it can. Data frames are framed by the layer directly (text, final,
  // unmasked): no Beast operation per frame. Beast's own frames (handshake, pings, pongs,
  // close) go through the same layer, whole, so nothing interleaves.
  void do_write() {
    if (!accepted_ || close_started_ || finished_ || !ws_.is_open()) return;
    CoalescingStream& layer = ws_.next_layer();
    layer.hold();
    size_t sent = 0;
    while (!queue_.empty() && layer.buffered() < kHighWater) {
      if (!layer.write_text_frame(*queue_.front())) break;
      queue_.pop_front();
      ++sent;
    }
    holding_ = false;
    layer.release();
    if (sent) ctx_->metrics.ws_frames_sent.inc(sent);
    waiting_for_flush_ = !queue_.empty();  // on_flushed() resumes
  }

  void on_flushed() {
    if (waiting_for_flush_ && ws_.next_layer().buffered() < kLowWater) do_write();
  }

  void close_socket() {
    beast::error_code ec;
    ws_.next_layer().next_layer().close(ec);
  }

  // ---- closing ----

  void on_overflow() {
    if (closing_) return;
    ctx_->metrics.ws_slow_consumers.inc();
    begin_close(websocket::close_code::policy_error, "slow consumer");
  }

  // Stops taking events, drops what is queued, sends a close frame (after what the layer
  // already holds), and closes the socket hard if the client does not complete the close
  // handshake in time (a client that never reads never will).
  void begin_close(websocket::close_code code, const char* reason) {
    if (closing_ || finished_) return;
    closing_ = true;
    close_reason_ = websocket::close_reason(code, reason);
    unsubscribe_everything();
    queue_.clear();
    // A slow consumer loses what it has not received yet, so that the close frame can reach
    // it; a server shutdown still delivers what was accepted.
    if (code == websocket::close_code::policy_error) ws_.next_layer().discard_pending();
    kill_timer_.expires_after(kCloseGrace);
    kill_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && !self->finished_) self->close_socket();
    });
    if (!accepted_) {
      close_socket();
      return;
    }
    start_close();
  }

  void start_close() {
    if (close_started_ || finished_) return;
    close_started_ = true;
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) {
      // The pending read completes (with `closed`) when the handshake ends.
    });
  }

  void unsubscribe_everything() {
    if (unsubscribed_) return;
    unsubscribed_ = true;
    for (const auto& s : streams_)
      fanout_->unsubscribe(s, this);
    ctx_->metrics.ws_subscriptions.add(-static_cast<int64_t>(streams_.size()));
    streams_.clear();
  }

  // The connection is over (read failed): release everything once.
  void finish() {
    if (finished_) return;
    finished_ = true;
    closing_ = true;
    kill_timer_.cancel();
    if (accepted_) {
      unsubscribe_everything();
      ctx_->metrics.ws_connections.add(-1);
    }
    close_socket();
    ctx_->sessions.remove(id_);
  }

  websocket::stream<CoalescingStream> ws_;
  std::shared_ptr<EdgeContext> ctx_;
  std::shared_ptr<void> peer_slot_;  // the connection's place in its client's count
  ThreadSlot thread_slot_;
  std::shared_ptr<FanoutShard> fanout_;  // this thread's
  uint64_t id_ = 0;
  beast::flat_buffer buffer_;
  asio::steady_timer kill_timer_;

  // All on the session's io thread.
  std::deque<Frame> queue_;           // waiting for room in the coalescing layer
  std::vector<std::string> streams_;  // at most max_streams_per_connection: a scan is fine
  websocket::close_reason close_reason_;
  bool accepted_ = false;
  bool waiting_for_flush_ = false;
  bool closing_ = false;
  bool close_started_ = false;
  bool unsubscribed_ = false;
  bool finished_ = false;
  bool overflowed_ = false;
  bool holding_ = false;  // the layer holds a fan-out batch until flush()
  size_t batched_ = 0;    // frames of that batch
};

// Moves a connection's descriptor from its io thread's reactor to `home`'s. Closed if the
// peer is gone already.
tcp::socket move_to(asio::io_context& home, tcp::socket socket) {
  tcp::socket moved(home);
  beast::error_code ec;
  const tcp protocol = socket.local_endpoint(ec).protocol();
  if (ec) return moved;
  const tcp::socket::native_handle_type fd = socket.release(ec);
  if (ec) return moved;
  moved.assign(protocol, fd, ec);
  if (ec) ::close(fd);
  return moved;
}

}  // namespace

void start_ws_session(tcp::socket socket, std::shared_ptr<EdgeContext> ctx,
                      std::shared_ptr<void> peer_slot) {
  std::make_shared<WsSession>(std::move(socket), std::move(ctx), std::move(peer_slot))->run();
}

void start_ws_upgrade(tcp::socket socket, http::request<http::string_body> request,
                      std::string early_bytes, std::shared_ptr<EdgeContext> ctx,
                      std::shared_ptr<void> peer_slot) {
  // The REST thread read the upgrade; the connection lives on a market-data thread from
  // now on.
  asio::io_context& home = ctx->market_data_threads.next();
  if (&asio::query(socket.get_executor(), asio::execution::context) != &home) {
    socket = move_to(home, std::move(socket));
    if (!socket.is_open()) return;
  }
  std::make_shared<WsSession>(std::move(socket), std::move(ctx), std::move(peer_slot))
      ->run(std::move(request), std::move(early_bytes));
}

}  // namespace ex
