// Counters and a latency histogram for the bots' progress lines and summaries.
// Pure, single-threaded.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>

namespace ex::bots {

// Latencies in microseconds, in buckets 2^(k/8) wide (about 9% resolution) from 1 us to
// about an hour: constant memory, percentiles within one bucket.
class LatencyHistogram {
 public:
  void add(int64_t micros) {
    if (micros < 1) micros = 1;
    size_t k = static_cast<size_t>(std::log2(static_cast<double>(micros)) * kPerOctave);
    if (k >= kBuckets) k = kBuckets - 1;
    ++counts_[k];
    ++total_;
    if (micros > max_) max_ = micros;
  }
  uint64_t count() const { return total_; }
  int64_t max() const { return max_; }
  // The upper bound of the bucket holding the p-th quantile (0 < p <= 1); 0 if empty.
  int64_t percentile(double p) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(std::ceil(p * static_cast<double>(total_)));
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (size_t k = 0; k < kBuckets; ++k) {
      seen += counts_[k];
      if (seen >= rank) {
        auto upper = static_cast<int64_t>(std::pow(2.0, static_cast<double>(k + 1) / kPerOctave));
        return upper < max_ ? upper : max_;
      }
    }
    return max_;
  }
  void clear() { *this = LatencyHistogram{}; }

 private:
  static constexpr int kPerOctave = 8;
  static constexpr size_t kBuckets = 32 * kPerOctave;
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  int64_t max_ = 0;
};

// Events per second over the last interval: call tick() once per interval.
class RateMeter {
 public:
  void add(uint64_t n = 1) { total_ += n; }
  uint64_t total() const { return total_; }
  // Events since the previous tick, divided by `seconds`.
  double tick(double seconds) {
    double rate = seconds > 0 ? static_cast<double>(total_ - at_tick_) / seconds : 0;
    at_tick_ = total_;
    return rate;
  }

 private:
  uint64_t total_ = 0;
  uint64_t at_tick_ = 0;
};

}  // namespace ex::bots
