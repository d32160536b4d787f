// Per-client token buckets for the REST API: each client (IP address) may make
// `per_second` requests per second on average, in bursts of up to `per_second`.
// Thread-safe (one mutex: a map lookup and a few arithmetic operations per request).
// Idle clients are forgotten when the table grows, so memory stays bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ex {

class RateLimiter {
 public:
  explicit RateLimiter(size_t per_second) : rate_(static_cast<double>(per_second)) {}

  bool enabled() const { return rate_ > 0; }
  // Takes one token for `client` at time `now_ns` (any monotonic clock); false if the
  // client has none left.
  bool allow(std::string_view client, int64_t now_ns);

 private:
  struct Bucket {
    double tokens;
    int64_t last_ns;
  };
  static constexpr size_t kMaxClients = 100000;

  double rate_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace ex
