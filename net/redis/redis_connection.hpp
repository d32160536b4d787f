// One Redis connection (hiredis async) on a Boost.Asio io_context, that stays connected.
//
// It connects, and after any failure (refused, reset, Redis restarted) reconnects with
// exponential backoff until stop(). Commands given while it is down wait in a bounded
// buffer (ConnectionOptions::max_buffered) and go out, in order, once it is back; beyond
// the bound they fail at once with UNAVAILABLE, so a long outage costs bounded memory.
// The same bound holds for commands sent and not yet answered, so a Redis that is
// connected but stalled (stopped, swapping, a host gone silent) costs bounded memory too;
// and a command unanswered for ConnectionOptions::reply_timeout takes the connection down,
// to be made again, as a reset would.
// Commands in flight when the connection drops fail with UNAVAILABLE: whether Redis
// applied them is unknown, and the caller decides whether to send them again.
//
// A connection is either for commands or for subscriptions, never both (Redis's own
// rule): subscribe() puts it in subscriber mode, and it subscribes to its channels again
// after every reconnect. Messages published while it was down are lost (pub/sub keeps
// nothing); streams (XADD/XREADGROUP) are what keeps events across outages.
//
// Thread-safety: every public method may be called from any thread; work runs on the
// io_context's thread (which must be one thread), and so do callbacks. hiredis has no
// timer hook, so the connect timeout and the reply timeout are asio timers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/common/status.hpp"
#include "net/redis/redis_reply.hpp"

namespace boost::asio {
class io_context;
}

namespace ex::redis {

// A thread running one io_context, for every Redis connection of a process. The
// destructor stops and joins it.
class IoThread {
 public:
  IoThread();
  ~IoThread();
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;
  boost::asio::io_context& context();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ConnectionOptions {
  Endpoint endpoint;
  std::string name = "redis";    // in logs and the metrics' `connection` label
  size_t max_buffered = 100000;  // commands (published messages) waiting while disconnected
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{2000};
  std::chrono::milliseconds connect_timeout{2000};
  // The oldest unanswered command waited this long: Redis is taken for gone (what is in
  // flight fails with UNAVAILABLE) and the connection is made again. Above the longest
  // blocking read (XREADGROUP BLOCK, 1 s).
  std::chrono::milliseconds reply_timeout{10000};
  // With a token, publish() is fenced: the messages given in one turn of the io thread go
  // out as one script that publishes them only while the key `fence_key` holds
  // `fence_token`, in the same atomic step. A node whose claim another node took
  // (markets_lease.hpp) publishes nothing more from that moment, not even what it buffered
  // during an outage. Refused messages are dropped (pub/sub keeps nothing either), with one
  // warning until a batch goes through again.
  std::string fence_key;
  std::string fence_token;
};

// A command's outcome: the reply, or an Error: UNAVAILABLE when the connection was lost
// or the buffer was full, INTERNAL with Redis's text for an error reply ("NOGROUP ...").
using ReplyFn = std::function<void(Result<Reply>)>;
using MessageFn =
    std::function<void(const std::string& channel, std::shared_ptr<const std::string> payload)>;

class Connection {
 public:
  Connection(boost::asio::io_context& io, ConnectionOptions options);
  ~Connection();  // stop()
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Set handlers before start(). on_connected runs after every (re)connection, once
  // buffered commands and subscriptions have been sent again.
  void on_message(MessageFn fn);
  void on_connected(std::function<void()> fn);
  void start();
  // Closes the connection and fails what is buffered or in flight. Idempotent. From
  // another thread it waits (bounded) until that is done, so no callback of this
  // connection starts after it returns.
  void stop();

  void command(std::vector<std::string> args, ReplyFn done = {});
  // Many commands in one hop to the io thread, pipelined; `done[i]` may be empty.
  void pipeline(std::vector<std::vector<std::string>> commands, std::vector<ReplyFn> done);
  // PUBLISH without a reply (fenced: ConnectionOptions::fence_token); the payload is
  // shared, not copied, until it is written.
  void publish(std::string channel, std::shared_ptr<const std::string> payload);

  void subscribe(std::string channel);
  void unsubscribe(std::string channel);

  bool connected() const;
  struct Stats {
    uint64_t connects = 0;  // successful connections so far
    uint64_t dropped = 0;   // commands failed because the buffer was full
    size_t buffered = 0;    // commands (published messages) waiting for a connection now
  };
  Stats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace ex::redis
