// A stream layer under Beast's websocket::stream that turns many small writes into few
// socket writes.
//
// Why: fan-out sends the same small frames to many connections, and on this class of
// machine (virtualized, two cores) the cost is the system call per frame, not the bytes.
// Beast writes one WebSocket message per async_write; this layer accepts each write into
// memory at once (completing it through the executor, never inline) and sends everything
// accumulated with one socket write. While a socket write is in flight, further frames
// accumulate: the busier a connection, the larger its batches.
//
// Every byte Beast writes - data frames, pongs, pings, the close frame, the handshake
// reply - passes through here in order, so frames never interleave. The owner bounds the
// memory: it stops handing frames over while buffered() is above its limit and resumes
// from the on_flushed callback. hold()/release() let the owner hand over a batch of
// frames before the flush starts. Not thread-safe: use it on the socket's strand only.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace ex {

class CoalescingStream {
  struct Impl;

 public:
  // Above this many buffered bytes, writes made through Beast complete only once the
  // socket has taken everything (write_text_frame's owner keeps its own, lower bound).
  static constexpr std::size_t kWriteBackpressureBytes = 1 << 20;

  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using next_layer_type = socket_type;

  explicit CoalescingStream(socket_type&& socket)
      : impl_(std::make_shared<Impl>(std::move(socket))) {}

  executor_type get_executor() noexcept { return impl_->socket.get_executor(); }
  socket_type& next_layer() noexcept { return impl_->socket; }
  const socket_type& next_layer() const noexcept { return impl_->socket; }

  // Bytes accepted and not yet acknowledged by the socket.
  std::size_t buffered() const { return impl_->pending.size() + impl_->inflight.size(); }
  // Hand-over of a batch: writes accumulate without flushing until release().
  void hold() { impl_->hold = true; }
  // Ends a hand-over and starts writing at once (no extra turn through the executor).
  void release() {
    impl_->hold = false;
    Impl::flush(impl_);
  }
  // Appends one complete, unfragmented, unmasked text frame (what a server sends) carrying
  // `payload`, and schedules a flush unless held. For data frames on the hot path: no Beast
  // operation, no handler, no allocation once the buffer has grown. Frames written by Beast
  // are appended whole too, so the two never interleave. False after a write failure.
  bool write_text_frame(std::string_view payload) {
    Impl& m = *impl_;
    if (m.error) return false;
    unsigned char header[10];
    size_t h = 0;
    const uint64_t n = payload.size();
    header[h++] = 0x81;  // FIN, text
    if (n < 126) {
      header[h++] = static_cast<unsigned char>(n);
    } else if (n <= 0xffff) {
      header[h++] = 126;
      header[h++] = static_cast<unsigned char>(n >> 8);
      header[h++] = static_cast<unsigned char>(n);
    } else {
      header[h++] = 127;
      for (int shift = 56; shift >= 0; shift -= 8)
        header[h++] = static_cast<unsigned char>(n >> shift);
    }
    auto out = m.pending.prepare(h + payload.size());
    auto* p = static_cast<unsigned char*>(out.data());
    std::memcpy(p, header, h);
    std::memcpy(p + h, payload.data(), payload.size());
    m.pending.commit(h + payload.size());
    if (!m.hold) Impl::schedule_flush(impl_);
    return true;
  }

  // Drops what is accepted but not yet handed to the socket (whole frames only: the write
  // in flight, if any, is untouched), e.g. before closing a slow consumer so that its close
  // frame goes right after the bytes already in flight.
  void discard_pending() { impl_->pending.clear(); }

  // Called on the strand after each socket write completes (success or failure).
  void on_flushed(std::function<void()> fn) { impl_->on_flushed = std::move(fn); }

  // Bytes to read before the socket's: what was read off the socket before this layer took
  // it over (a client's first frames, sent with its handshake).
  void unread(std::string bytes) { impl_->unread = std::move(bytes); }

  template <class MutableBufferSequence, class ReadToken>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
    return boost::asio::async_initiate<ReadToken, void(boost::beast::error_code, std::size_t)>(
        [](auto handler, std::shared_ptr<Impl> impl, const MutableBufferSequence& b) {
          if (impl->unread.empty()) return impl->socket.async_read_some(b, std::move(handler));
          const std::size_t n = boost::asio::buffer_copy(b, boost::asio::buffer(impl->unread));
          impl->unread.erase(0, n);
          auto ex = boost::asio::get_associated_executor(handler, impl->socket.get_executor());
          boost::asio::post(ex, boost::beast::bind_front_handler(std::move(handler),
                                                                 boost::beast::error_code(), n));
        },
        token, impl_, buffers);
  }

  template <class ConstBufferSequence, class WriteToken>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
    return boost::asio::async_initiate<WriteToken, void(boost::beast::error_code, std::size_t)>(
        [](auto handler, std::shared_ptr<Impl> impl, const ConstBufferSequence& b) {
          boost::beast::error_code ec = impl->error;
          std::size_t n = 0;
          if (!ec) {
            n = boost::asio::buffer_size(b);
            impl->pending.commit(boost::asio::buffer_copy(impl->pending.prepare(n), b));
            if (!impl->hold) Impl::schedule_flush(impl);
          }
          auto ex = boost::asio::get_associated_executor(handler, impl->socket.get_executor());
          if (!ec && impl->pending.size() + impl->inflight.size() > kWriteBackpressureBytes) {
            // A peer that sends (pings, say) but never reads must not make us buffer our
            // answers without end: the write completes once the socket took it all, and
            // Beast, which waits for its pong before it reads on, stops reading meanwhile.
            auto holder = std::make_shared<std::decay_t<decltype(handler)>>(std::move(handler));
            Impl::drain(impl, [holder, ex, n](boost::beast::error_code e) {
              boost::asio::post(ex, boost::beast::bind_front_handler(std::move(*holder), e, n));
            });
            return;
          }
          boost::asio::post(ex, boost::beast::bind_front_handler(std::move(handler), ec, n));
        },
        token, impl_, buffers);
  }

  // Runs `done` once everything accepted so far has been written (or writing failed).
  template <class Handler>
  void async_drain(Handler&& done) {
    auto holder = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(done));
    impl_->hold = false;
    Impl::drain(impl_, [holder](boost::beast::error_code ec) { (*holder)(ec); });
  }

 private:
  struct Impl {
    explicit Impl(socket_type&& s) : socket(std::move(s)) {}

    static void schedule_flush(const std::shared_ptr<Impl>& self) {
      if (self->flushing || self->scheduled || self->error) return;
      self->scheduled = true;
      // Posted, so that writes made in the same turn of the strand share the flush.
      boost::asio::post(self->socket.get_executor(), [self] {
        self->scheduled = false;
        flush(self);
      });
    }

    static void flush(const std::shared_ptr<Impl>& self) {
      if (self->flushing || self->error || self->pending.size() == 0) return;
      std::swap(self->pending, self->inflight);
      self->flushing = true;
      boost::asio::async_write(self->socket, self->inflight.data(),
                               [self](boost::beast::error_code ec, std::size_t) {
                                 self->flushing = false;
                                 self->inflight.clear();
                                 if (ec) self->error = ec;
                                 if (!self->hold) flush(self);
                                 if (self->on_flushed) self->on_flushed();
                                 notify_drained(self);
                               });
    }

    template <class F>
    static void drain(const std::shared_ptr<Impl>& self, F&& done) {
      if (self->error || (self->pending.size() == 0 && !self->flushing)) {
        boost::asio::post(self->socket.get_executor(),
                          [done = std::forward<F>(done), ec = self->error]() mutable { done(ec); });
        return;
      }
      self->drained.push_back(std::forward<F>(done));
      schedule_flush(self);
    }

    static void notify_drained(const std::shared_ptr<Impl>& self) {
      if (self->drained.empty()) return;
      if (!self->error && (self->flushing || self->pending.size() != 0)) return;
      auto waiting = std::move(self->drained);
      self->drained.clear();
      for (auto& fn : waiting)
        fn(self->error);
    }

    socket_type socket;
    boost::beast::flat_buffer pending;   // accepted, not yet handed to the socket
    boost::beast::flat_buffer inflight;  // being written
    boost::beast::error_code error;      // the first write failure: later writes fail with it
    bool flushing = false;
    bool scheduled = false;
    bool hold = false;
    std::function<void()> on_flushed;
    std::vector<std::function<void(boost::beast::error_code)>> drained;
    std::string unread;  // read before the socket
  };

  std::shared_ptr<Impl> impl_;
};

namespace detail {

// Reads and discards what the client still sends until it closes its side, then closes
// the socket. Closing with unread bytes would make the kernel answer with a reset, which
// can destroy, on the client's side, the replies and the close frame not yet read there.
// Bounded in bytes and in time: a client that never closes its side (Beast's close
// timeout does not cover the teardown) would otherwise hold the socket for good.
template <class Handler>
struct DiscardUntilEof {
  static constexpr std::size_t kLimit = 1 << 20;
  static constexpr auto kTimeout = std::chrono::seconds(5);

  // Shared with the deadline's handler, which may already be queued when the read ends:
  // `done` then tells it that the socket may be gone.
  struct Deadline {
    boost::asio::steady_timer timer;
    bool done = false;
  };

  boost::asio::ip::tcp::socket& socket;
  Handler handler;
  std::unique_ptr<std::array<char, 4096>> buffer = std::make_unique<std::array<char, 4096>>();
  std::shared_ptr<Deadline> deadline =
      std::make_shared<Deadline>(Deadline{{socket.get_executor(), kTimeout}, false});
  std::size_t discarded = 0;

  void start() {
    deadline->timer.async_wait([&s = socket, d = deadline](boost::beast::error_code ec) {
      boost::beast::error_code ignored;
      if (!ec && !d->done) s.close(ignored);  // the pending read ends with operation_aborted
    });
    read();
  }

  void read() {
    auto space = boost::asio::buffer(*buffer);
    socket.async_read_some(space, std::move(*this));
  }

  void operator()(boost::beast::error_code ec, std::size_t n) {
    discarded += n;
    if (!ec && discarded <= kLimit) return read();
    deadline->done = true;
    deadline->timer.cancel();
    boost::beast::error_code ignored;
    socket.close(ignored);
    handler(ec == boost::asio::error::eof ? boost::beast::error_code{} : ec);
  }
};

}  // namespace detail

// Beast's websocket close handshake ends with a teardown of the next layer: write out what
// is buffered (the close frame among it), shut the sending side down, and wait for the
// client to close. Not Beast's TCP teardown: in Boost 1.81 it stops after its first
// successful read (it tests a byte count it never sets) and closes with bytes unread.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, CoalescingStream& stream,
                    TeardownHandler&& handler) {
  auto* socket = &stream.next_layer();
  stream.async_drain(
      [role, socket, h = std::forward<TeardownHandler>(handler)](boost::beast::error_code) mutable {
        boost::beast::error_code ec;
        if (role == boost::beast::role_type::server)
          socket->shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
        detail::DiscardUntilEof<decltype(h)>{*socket, std::move(h)}.start();
      });
}

inline void teardown(boost::beast::role_type role, CoalescingStream& stream,
                     boost::beast::error_code& ec) {
  boost::beast::websocket::teardown(role, stream.next_layer(), ec);
}

}  // namespace ex
