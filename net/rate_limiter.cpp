#include "net/rate_limiter.hpp"

#include <algorithm>

namespace ex {

bool RateLimiter::allow(std::string_view client, int64_t now_ns) {
  if (!enabled()) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  if (buckets_.size() >= kMaxClients) {
    // Forget clients whose bucket is full again: they lose nothing by it.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double refill = static_cast<double>(now_ns - it->second.last_ns) * 1e-9 * rate_;
      if (it->second.tokens + refill >= rate_)
        it = buckets_.erase(it);
      else
        ++it;
    }
  }
  auto [it, fresh] = buckets_.try_emplace(std::string(client), Bucket{rate_, now_ns});
  Bucket& b = it->second;
  if (!fresh) {
    double elapsed = static_cast<double>(std::max<int64_t>(0, now_ns - b.last_ns)) * 1e-9;
    b.tokens = std::min(rate_, b.tokens + elapsed * rate_);
    b.last_ns = now_ns;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace ex
