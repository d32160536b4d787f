// One node that hosts markets per Redis. Its streams and channels are named by market
// alone, so a second such node on the same Redis would take the first's storage events and
// publish into its channels. A node claims the key `exchange:markets-node` with a token
// that names it (config/process.hpp, node_name: the same node restarting after a crash
// takes the key back at once) and renews it (renew(), every ttl/3, by whoever owns the lease);
// the key expires once its holder has stopped renewing it for `ttl`. A node cut off from
// Redis for longer can find, when it is back, that another node took the key meanwhile: the
// key is that node's now, so this one is told (`on_lost`) and must stop hosting markets.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "actors/common/status.hpp"
#include "net/redis/redis_connection.hpp"

namespace ex::redis {

// The key a node that hosts markets holds (its value: the node's token).
inline constexpr const char* kMarketsNodeKey = "exchange:markets-node";

class MarketsLease {
 public:
  // `on_lost` is called once, on the connection's thread, with the other node's token.
  MarketsLease(std::shared_ptr<Connection> connection, std::string token,
               std::function<void(const std::string& holder)> on_lost,
               std::chrono::milliseconds ttl = std::chrono::seconds(15));

  // Claims the key, or renews it if it is this node's already, waiting at most `wait` for
  // Redis. Errors: another node holds it (INVALID_FIELD, its token named). Redis not
  // answering in time is not an error (logged): renew() claims the key once Redis answers.
  Result<bool> claim(std::chrono::milliseconds wait);
  // Claims or renews without waiting; if another node holds the key, logs it and calls
  // `on_lost` (once).
  void renew();
  // Deletes the key if it is this node's (a clean stop), waiting at most `wait` for Redis.
  void release(std::chrono::milliseconds wait);

  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  void ask(std::function<void(Result<Reply>)> done);

  std::shared_ptr<Connection> connection_;
  std::string token_;
  std::chrono::milliseconds ttl_;
  // Shared with the callbacks in flight, which may run after the lease is gone.
  struct Watch {
    std::function<void(const std::string&)> on_lost;
    std::atomic<bool> lost{false};
    std::atomic<bool> warned{false};  // about an error reply
  };
  std::shared_ptr<Watch> watch_;
  // renew() sends nothing once release() began: its claim, queued after the release's
  // delete on the connection, would take the key again.
  std::mutex mutex_;
  bool released_ = false;
};

}  // namespace ex::redis
