// hiredis on Asio. hiredis ships no Asio adapter; its event hooks (addRead, delRead,
// addWrite, delWrite, cleanup) map onto stream_descriptor::async_wait: a wait is armed
// while hiredis wants an event and calls redisAsyncHandleRead/Write when it fires. The
// descriptor is released (not closed) at cleanup because hiredis closes the fd itself.
#include "net/redis/redis_connection.hpp"

#include <atomic>
#include <deque>
#include <future>
#include <set>
#include <thread>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "actors/common/log.hpp"
#include "actors/common/metrics.hpp"

namespace ex::redis {

namespace asio = boost::asio;

// ---------------------------------------------------------------- IoThread

struct IoThread::Impl {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
};

IoThread::IoThread() : impl_(std::make_unique<Impl>()) {}
IoThread::~IoThread() {
  stop();
}
asio::io_context& IoThread::context() {
  return impl_->io;
}
void IoThread::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->work.reset();
  impl_->io.stop();
  impl_->thread.join();
}

// ---------------------------------------------------------------- conversion

namespace {

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i)
        out.elements.push_back(convert(r->element[i]));
      break;
    default:
      break;  // nil
  }
  return out;
}

Result<Reply> outcome(const redisReply* r) {
  if (!r) return make_error(ErrorCode::unavailable, "connection to Redis lost");
  if (r->type == REDIS_REPLY_ERROR)
    return make_error(ErrorCode::internal, std::string(r->str, r->len));
  return convert(r);
}

// The read/write interest hiredis asked for, and the waits that serve it.
struct Watch {
  Watch(asio::io_context& io, int fd, redisAsyncContext* c) : fd_(io, fd), ctx(c) {}
  asio::posix::stream_descriptor fd_;
  redisAsyncContext* ctx;  // null once hiredis cleaned up
  bool want_read = false, want_write = false;
  bool read_armed = false, write_armed = false;
};

void arm(const std::shared_ptr<Watch>& w, bool read) {
  (read ? w->read_armed : w->write_armed) = true;
  auto type =
      read ? asio::posix::stream_descriptor::wait_read : asio::posix::stream_descriptor::wait_write;
  w->fd_.async_wait(type, [w, read](const boost::system::error_code& ec) {
    (read ? w->read_armed : w->write_armed) = false;
    if (ec || !w->ctx || !(read ? w->want_read : w->want_write)) return;
    if (read)
      redisAsyncHandleRead(w->ctx);
    else
      redisAsyncHandleWrite(w->ctx);
    // The handler may have freed the context (cleanup cleared w->ctx).
    if (w->ctx && (read ? w->want_read : w->want_write) && !(read ? w->read_armed : w->write_armed))
      arm(w, read);
  });
}

// The hooks get a pointer to the shared_ptr that Impl keeps for the context's lifetime.
using WatchRef = std::shared_ptr<Watch>;
void hook_add_read(void* p) {
  auto& w = *static_cast<WatchRef*>(p);
  w->want_read = true;
  if (!w->read_armed) arm(w, true);
}
void hook_del_read(void* p) {
  (*static_cast<WatchRef*>(p))->want_read = false;
}
void hook_add_write(void* p) {
  auto& w = *static_cast<WatchRef*>(p);
  w->want_write = true;
  if (!w->write_armed) arm(w, false);
}
void hook_del_write(void* p) {
  (*static_cast<WatchRef*>(p))->want_write = false;
}
void hook_cleanup(void* p) {
  auto* ref = static_cast<WatchRef*>(p);
  (*ref)->ctx = nullptr;
  (*ref)->want_read = (*ref)->want_write = false;
  (*ref)->fd_.release();  // cancels the waits; hiredis closes the fd
  delete ref;
}

// Publishes a batch: KEYS[1] = the claim, ARGV[1] = the token it must hold, then the n
// channels, then their n messages.
constexpr const char* kFencedPublish = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED this node does not hold ' .. KEYS[1])
end
local n = (#ARGV - 1) / 2
for i = 2, n + 1 do
  redis.call('PUBLISH', ARGV[i], ARGV[i + n])
end
return n
)lua";

// The most messages one fenced script publishes.
constexpr size_t kMaxPublishBatch = 512;

}  // namespace

// ---------------------------------------------------------------- Connection::Impl

struct Connection::Impl : std::enable_shared_from_this<Impl> {
  // A command waiting for a connection. `payloads` are its last arguments, shared rather
  // than copied (published messages); `weight` is the messages it publishes, or 1.
  struct Pending {
    std::vector<std::string> args;
    std::vector<std::shared_ptr<const std::string>> payloads;
    ReplyFn done;
    size_t weight = 1;
  };

  // A command sent and not yet answered.
  struct InFlight {
    ReplyFn done;
    size_t weight;
  };

  Impl(asio::io_context& io_, ConnectionOptions o)
      : io(io_),
        options(std::move(o)),
        retry_timer(io_),
        connect_timer(io_),
        reply_timer(io_),
        backoff(options.backoff_initial),
        reconnects(Metrics::global().counter("exchange_redis_reconnects_total",
                                             "Redis connections re-established after a loss",
                                             "connection=\"" + options.name + "\"")),
        dropped_metric(
            Metrics::global().counter("exchange_redis_dropped_commands_total",
                                      "Redis commands failed because the outage buffer was full",
                                      "connection=\"" + options.name + "\"")),
        up_metric(Metrics::global().gauge("exchange_redis_connected",
                                          "1 while the Redis connection is up",
                                          "connection=\"" + options.name + "\"")) {}

  // ---- on the io thread ----

  void connect() {
    if (stopping) return;
    ctx = redisAsyncConnect(options.endpoint.host.c_str(), options.endpoint.port);
    if (!ctx || ctx->err) {
      std::string why = ctx ? ctx->errstr : "out of memory";
      if (ctx) redisAsyncFree(ctx);
      ctx = nullptr;
      return retry_later(why);
    }
    ctx->data = this;
    auto* ref = new WatchRef(std::make_shared<Watch>(io, ctx->c.fd, ctx));
    ctx->ev.data = ref;
    ctx->ev.addRead = hook_add_read;
    ctx->ev.delRead = hook_del_read;
    ctx->ev.addWrite = hook_add_write;
    ctx->ev.delWrite = hook_del_write;
    ctx->ev.cleanup = hook_cleanup;
    redisAsyncSetConnectCallback(ctx, &Impl::on_connect);
    redisAsyncSetDisconnectCallback(ctx, &Impl::on_disconnect);
    // The non-blocking connect completes when the socket becomes writable.
    hook_add_write(ref);
    connect_timer.expires_after(options.connect_timeout);
    connect_timer.async_wait(
        [self = shared_from_this(), c = ctx](const boost::system::error_code& ec) {
          if (ec || self->ctx != c || self->is_connected) return;
          self->ctx = nullptr;
          redisAsyncFree(c);  // no disconnect callback: it never connected
          self->retry_later("connect timed out");
        });
  }

  static void on_connect(const redisAsyncContext* c, int status) {
    auto* self = static_cast<Impl*>(c->data);
    self->connect_timer.cancel();
    if (status != REDIS_OK) {
      // hiredis frees the context right after this callback.
      self->ctx = nullptr;
      return self->retry_later(c->errstr);
    }
    self->connected();
  }

  static void on_disconnect(const redisAsyncContext* c, int status) {
    auto* self = static_cast<Impl*>(c->data);
    self->ctx = nullptr;
    self->set_up(false);
    if (self->stopping || self->abandoning) return;
    self->retry_later(status == REDIS_OK ? "closed" : c->errstr);
  }

  void retry_later(const std::string& why) {
    // One warning per outage; the retries that follow are debug noise.
    bool first = backoff == options.backoff_initial;
    set_up(false);
    if (stopping) return;
    log(first ? Level::warn : Level::debug, "redis connection down; retrying",
        {{"connection", options.name},
         {"endpoint", options.endpoint.text()},
         {"detail", why},
         {"retry_ms", backoff.count()}});
    retry_timer.expires_after(backoff);
    backoff = std::min(backoff * 2, options.backoff_max);
    retry_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->connect();
    });
  }

  void connected() {
    // The backoff starts again once Redis has answered (on_reply), not on connecting: a
    // proxy or a full Redis (maxclients) accepts, then closes at once.
    last_answer = std::chrono::steady_clock::now();
    watch_replies();
    const bool again = connects.fetch_add(1) > 0;
    if (again) reconnects.inc();
    set_up(true);
    // A reconnection ends an outage that was logged as a warning: said at the same level.
    log(again ? Level::warn : Level::info, again ? "redis reconnected" : "redis connected",
        {{"connection", options.name}, {"endpoint", options.endpoint.text()}});
    if (!channels.empty()) {
      std::vector<std::string> args{"SUBSCRIBE"};
      args.insert(args.end(), channels.begin(), channels.end());
      send_subscription(args);
    }
    std::deque<Pending> waiting;
    waiting.swap(buffer);
    set_buffered(0);
    for (auto& p : waiting)
      send(p);
    if (connected_fn) connected_fn();
  }

  void set_up(bool up) {
    is_connected = up;
    up_flag.store(up);
    up_metric.set(up ? 1 : 0);
  }

  static void on_reply(redisAsyncContext* c, void* reply, void* privdata) {
    std::unique_ptr<InFlight> sent(static_cast<InFlight*>(privdata));
    auto* self = static_cast<Impl*>(c->data);
    self->in_flight_weight -= sent->weight;
    if (reply) {  // null: the connection went, failing what was in flight
      self->last_answer = std::chrono::steady_clock::now();
      self->backoff = self->options.backoff_initial;
    }
    if (sent->done) sent->done(outcome(static_cast<redisReply*>(reply)));
  }

  // Every second while connected: a command unanswered for reply_timeout ends the
  // connection (on_disconnect then makes it again).
  void watch_replies() {
    reply_timer.expires_after(std::chrono::seconds(1));
    reply_timer.async_wait([self = shared_from_this(),
                            c = ctx](const boost::system::error_code& ec) {
      if (ec || self->ctx != c || !self->is_connected) return;
      const auto waited = std::chrono::steady_clock::now() - self->last_answer;
      if (self->in_flight_weight == 0 || waited < self->options.reply_timeout)
        return self->watch_replies();
      log(Level::warn, "redis did not answer in time; reconnecting",
          {{"connection", self->options.name},
           {"endpoint", self->options.endpoint.text()},
           {"unanswered", self->in_flight_weight},
           {"waited_ms", std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()}});
      // Freed here, it fails what is in flight; the reconnection is ours to start, whether
      // or not hiredis calls on_disconnect for a context freed while connected.
      self->ctx = nullptr;
      self->abandoning = true;
      redisAsyncFree(c);
      self->abandoning = false;
      self->retry_later("Redis did not answer in time");
    });
  }

  static void on_subscription(redisAsyncContext* c, void* reply, void*) {
    auto* r = static_cast<redisReply*>(reply);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
    auto* self = static_cast<Impl*>(c->data);
    self->backoff = self->options.backoff_initial;  // Redis answers (see connected())
    const redisReply* kind = r->element[0];
    if (kind->type != REDIS_REPLY_STRING || std::string_view(kind->str, kind->len) != "message")
      return;
    if (!self->message_fn) return;
    std::string channel(r->element[1]->str, r->element[1]->len);
    self->message_fn(channel,
                     std::make_shared<const std::string>(r->element[2]->str, r->element[2]->len));
  }

  void send(Pending& p) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    argv.reserve(p.args.size() + p.payloads.size());
    lens.reserve(p.args.size() + p.payloads.size());
    for (const auto& a : p.args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    for (const auto& payload : p.payloads) {
      argv.push_back(payload->data());
      lens.push_back(payload->size());
    }
    // Every command gets a callback, even one nobody waits for: its reply is how the
    // connection knows that Redis answers, and how much it has in flight.
    if (in_flight_weight == 0) last_answer = std::chrono::steady_clock::now();
    auto* sent = new InFlight{std::move(p.done), p.weight};
    int rc = redisAsyncCommandArgv(ctx, &Impl::on_reply, sent, static_cast<int>(argv.size()),
                                   argv.data(), lens.data());
    if (rc != REDIS_OK) {
      std::unique_ptr<InFlight> owned(sent);
      if (owned->done)
        owned->done(make_error(ErrorCode::unavailable, "Redis connection is closing"));
      return;
    }
    in_flight_weight += sent->weight;
  }

  void send_subscription(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAsyncCommandArgv(ctx, &Impl::on_subscription, nullptr, static_cast<int>(argv.size()),
                          argv.data(), lens.data());
  }

  void submit(Pending p) {
    if (stopping) {
      if (p.done) p.done(make_error(ErrorCode::unavailable, "Redis connection stopped"));
      return;
    }
    const bool up = is_connected && ctx;
    if ((up ? in_flight_weight : buffered_weight) + p.weight > options.max_buffered) {
      dropped.fetch_add(p.weight);
      dropped_metric.inc(p.weight);
      if (p.done)
        p.done(make_error(ErrorCode::unavailable,
                          std::string(up ? "Redis is not answering and the commands it has "
                                           "not answered"
                                         : "Redis is unreachable and its outage buffer") +
                              " are at the limit (" + std::to_string(options.max_buffered) +
                              " commands)"));
      return;
    }
    if (up) return send(p);
    set_buffered(buffered_weight + p.weight);
    buffer.push_back(std::move(p));
  }

  void set_buffered(size_t weight) {
    buffered_weight = weight;
    buffered.store(weight);
  }

  void publish(std::string channel, std::shared_ptr<const std::string> payload) {
    if (options.fence_token.empty())
      return submit(Pending{{"PUBLISH", std::move(channel)}, {std::move(payload)}, {}});
    // The first message of a turn schedules the batch's flush behind what the io thread
    // already has queued, so the messages posted meanwhile go with it.
    if (outgoing.args.empty())
      asio::post(io, [self = shared_from_this()] { self->flush_publishes(); });
    outgoing.args.push_back(std::move(channel));
    outgoing.payloads.push_back(std::move(payload));
    if (outgoing.args.size() == kMaxPublishBatch) flush_publishes();
  }

  void flush_publishes() {
    if (outgoing.args.empty()) return;
    Pending p{{"EVAL", kFencedPublish, "1", options.fence_key, options.fence_token}, {}, {}, 0};
    p.weight = outgoing.args.size();
    p.args.insert(p.args.end(), std::make_move_iterator(outgoing.args.begin()),
                  std::make_move_iterator(outgoing.args.end()));
    p.payloads = std::move(outgoing.payloads);
    outgoing = Pending{};
    p.done = [self = shared_from_this()](Result<Reply> r) {
      // Redis away is the connection's to tell; a refusal (FENCED) is said here, once.
      const bool refused = !r && r.error().code != ErrorCode::unavailable;
      if (refused && !self->fence_warned)
        log(Level::warn, "market data not published: Redis refused it",
            {{"connection", self->options.name}, {"detail", r.error().message}});
      if (r || refused) self->fence_warned = refused;
    };
    submit(std::move(p));
  }

  void shutdown() {
    if (stopping) return;
    stopping = true;
    retry_timer.cancel();
    connect_timer.cancel();
    reply_timer.cancel();
    if (ctx) {
      redisAsyncContext* c = ctx;
      ctx = nullptr;
      redisAsyncFree(c);  // fails in-flight callbacks with a null reply
    }
    set_up(false);
    outgoing = Pending{};
    std::deque<Pending> waiting;
    waiting.swap(buffer);
    set_buffered(0);
    for (auto& p : waiting)
      if (p.done) p.done(make_error(ErrorCode::unavailable, "Redis connection stopped"));
  }

  // Runs `fn` on the io thread.
  template <class F>
  void post(F&& fn) {
    asio::post(io, [self = shared_from_this(), fn = std::forward<F>(fn)]() mutable { fn(*self); });
  }

  asio::io_context& io;
  ConnectionOptions options;
  asio::steady_timer retry_timer, connect_timer, reply_timer;
  std::chrono::milliseconds backoff;
  MessageFn message_fn;
  std::function<void()> connected_fn;

  // io-thread state
  redisAsyncContext* ctx = nullptr;
  bool is_connected = false;
  bool stopping = false;
  bool abandoning = false;  // freeing a context that stopped answering (watch_replies)
  std::deque<Pending> buffer;
  size_t buffered_weight = 0;                         // of buffer's commands
  size_t in_flight_weight = 0;                        // of the commands sent and not yet answered
  std::chrono::steady_clock::time_point last_answer;  // or when the oldest unanswered went
  Pending outgoing;           // fenced messages of this turn: channels in args
  bool fence_warned = false;  // said once until a batch goes through
  std::set<std::string> channels;

  // readable from any thread
  std::atomic<bool> up_flag{false};
  std::atomic<uint64_t> connects{0}, dropped{0};
  std::atomic<size_t> buffered{0};
  Counter& reconnects;
  Counter& dropped_metric;
  Gauge& up_metric;
};

// ---------------------------------------------------------------- Connection

Connection::Connection(asio::io_context& io, ConnectionOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

Connection::~Connection() {
  stop();
}

void Connection::on_message(MessageFn fn) {
  impl_->message_fn = std::move(fn);
}
void Connection::on_connected(std::function<void()> fn) {
  impl_->connected_fn = std::move(fn);
}

void Connection::start() {
  impl_->post([](Impl& i) { i.connect(); });
}

void Connection::stop() {
  if (impl_->io.get_executor().running_in_this_thread() || impl_->io.stopped()) {
    impl_->shutdown();
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  impl_->post([done](Impl& i) {
    i.shutdown();
    done->set_value();
  });
  finished.wait_for(std::chrono::seconds(5));
}

void Connection::command(std::vector<std::string> args, ReplyFn done) {
  impl_->post([p = Impl::Pending{std::move(args), {}, std::move(done)}](Impl& i) mutable {
    i.submit(std::move(p));
  });
}

void Connection::pipeline(std::vector<std::vector<std::string>> commands,
                          std::vector<ReplyFn> done) {
  done.resize(commands.size());
  impl_->post([commands = std::move(commands), done = std::move(done)](Impl& i) mutable {
    for (size_t k = 0; k < commands.size(); ++k)
      i.submit(Impl::Pending{std::move(commands[k]), {}, std::move(done[k])});
  });
}

void Connection::publish(std::string channel, std::shared_ptr<const std::string> payload) {
  impl_->post([channel = std::move(channel), payload = std::move(payload)](Impl& i) mutable {
    i.publish(std::move(channel), std::move(payload));
  });
}

void Connection::subscribe(std::string channel) {
  impl_->post([channel = std::move(channel)](Impl& i) {
    if (i.stopping || !i.channels.insert(channel).second) return;
    if (i.is_connected && i.ctx) i.send_subscription({"SUBSCRIBE", channel});
  });
}

void Connection::unsubscribe(std::string channel) {
  impl_->post([channel = std::move(channel)](Impl& i) {
    if (i.channels.erase(channel) == 0) return;
    if (i.is_connected && i.ctx) i.send_subscription({"UNSUBSCRIBE", channel});
  });
}

bool Connection::connected() const {
  return impl_->up_flag.load();
}

Connection::Stats Connection::stats() const {
  return Stats{impl_->connects.load(), impl_->dropped.load(), impl_->buffered.load()};
}

}  // namespace ex::redis
