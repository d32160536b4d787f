// Reconnection delays: exponential from `initial` to `max`, with up to `jitter` (a
// fraction) taken off at random so that many clients do not reconnect in lockstep.
// reset() after a connection has proved itself. Pure, single-threaded.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace ex::client {

class Backoff {
 public:
  using ms = std::chrono::milliseconds;
  explicit Backoff(ms initial = ms(100), ms max = ms(5000), double jitter = 0.2,
                   uint64_t seed = 0x5eed)
      : initial_(initial),
        max_(std::max(initial, max)),
        jitter_(std::clamp(jitter, 0.0, 1.0)),
        rng_(seed) {}

  // The delay before the next attempt; each call doubles the next one, up to max.
  ms next() {
    ms base = std::min(max_, initial_ * (int64_t{1} << std::min(attempts_, 20)));
    ++attempts_;
    if (jitter_ <= 0) return base;
    std::uniform_real_distribution<double> off(0.0, jitter_);
    return ms(static_cast<int64_t>(static_cast<double>(base.count()) * (1.0 - off(rng_))));
  }
  void reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }

 private:
  ms initial_, max_;
  double jitter_;
  int attempts_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace ex::client
