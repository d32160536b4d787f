#include "net/redis/markets_lease.hpp"

#include <future>

#include "actors/common/log.hpp"

namespace ex::redis {
namespace {

// Takes or renews the key if it is free or ours: 1, else the holder's token.
constexpr const char* kClaim = R"lua(
local holder = redis.call('GET', KEYS[1])
if (not holder) or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return holder
)lua";

constexpr const char* kRelease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

// The other node's token, or "" if the key is this node's now.
std::string holder_of(const Reply& r) {
  return r.type == Reply::Type::integer ? "" : r.str;
}

}  // namespace

MarketsLease::MarketsLease(std::shared_ptr<Connection> connection, std::string token,
                           std::function<void(const std::string& holder)> on_lost,
                           std::chrono::milliseconds ttl)
    : connection_(std::move(connection)),
      token_(std::move(token)),
      ttl_(ttl),
      watch_(std::make_shared<Watch>()) {
  watch_->on_lost = std::move(on_lost);
}

void MarketsLease::ask(std::function<void(Result<Reply>)> done) {
  connection_->command({"EVAL", kClaim, "1", kMarketsNodeKey, token_, std::to_string(ttl_.count())},
                       std::move(done));
}

Result<bool> MarketsLease::claim(std::chrono::milliseconds wait) {
  auto answer = std::make_shared<std::promise<Result<Reply>>>();
  auto got = answer->get_future();
  ask([answer](Result<Reply> r) { answer->set_value(std::move(r)); });
  if (got.wait_for(wait) != std::future_status::ready) {
    log(Level::warn,
        "redis did not answer: cannot check yet that no other node hosts markets on it",
        {{"wait_ms", static_cast<int64_t>(wait.count())}});
    return true;
  }
  Result<Reply> r = got.get();
  if (!r && r.error().code == ErrorCode::unavailable) {
    log(Level::warn, "cannot check that no other node hosts markets on this Redis",
        {{"detail", r.error().message}});
    return true;
  }
  if (!r)  // Redis answered with an error: the claim cannot work there
    return make_error(ErrorCode::unavailable,
                      "cannot claim this Redis for the node's markets: " + r.error().message);
  const std::string holder = holder_of(*r);
  if (holder.empty()) return true;
  return make_error(ErrorCode::invalid_field,
                    "another node that hosts markets uses this Redis (" + holder +
                        "): one Redis serves one such node, whose streams and channels are "
                        "named by market alone. Add WebSocket-only edges (--role ws-edge) "
                        "instead, or give this node a Redis of its own. The key " +
                        std::string(kMarketsNodeKey) + " expires " +
                        std::to_string(ttl_.count() / 1000) + " s after that node stops");
}

void MarketsLease::renew() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (released_ || watch_->lost) return;  // once lost, never taken back while running
  ask([watch = watch_, token = token_](Result<Reply> r) {
    if (!r) {
      // Redis away is its connection's to log; an error reply (NOPERM, READONLY, scripts
      // disabled) means this node is not protected, and is said once.
      if (r.error().code != ErrorCode::unavailable && !watch->warned.exchange(true))
        log(Level::error, "cannot renew this node's claim on Redis",
            {{"detail", r.error().message}});
      return;
    }
    watch->warned.store(false);
    const std::string holder = holder_of(*r);
    if (holder.empty() || watch->lost.exchange(true)) return;
    log(Level::error,
        "another node took this node's claim on Redis while it could not renew it: this node "
        "stops, as the storage events and market data of two nodes would mix",
        {{"holder", holder}, {"this_node", token}});
    watch->on_lost(holder);
  });
}

void MarketsLease::release(std::chrono::milliseconds wait) {
  auto done = std::make_shared<std::promise<void>>();
  auto released = done->get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    connection_->command({"EVAL", kRelease, "1", kMarketsNodeKey, token_},
                         [done](Result<Reply>) { done->set_value(); });
  }
  released.wait_for(wait);
}

}  // namespace ex::redis
