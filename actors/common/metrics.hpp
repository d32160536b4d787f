// The process-wide Prometheus registry, shared by the edge and the actors.
//
// Thread-safety: every method is safe from any thread. Registration (counter(), gauge(),
// histogram()) takes a mutex and is meant for start-up or first use: hot paths look a
// metric up once and keep the reference. Updating (inc, set, add, observe) is a few
// relaxed atomic operations, never a lock. A metric lives as long as the process, so
// the references handed out never dangle. render() takes the mutex to walk the
// registry and reads each value atomically (a scrape may see two counters of one
// request at slightly different moments; Prometheus expects that).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace ex {

class Counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Latency histogram with fixed buckets from 50 microseconds to 10 seconds. Counts are
// kept per bucket (not cumulative) so observe() touches one bucket; render() sums.
class Histogram {
 public:
  static constexpr size_t kBuckets = 17;
  // Upper bounds in seconds; a last implicit +Inf bucket follows.
  static constexpr std::array<double, kBuckets> kBounds = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,    0.1,    0.25,    0.5,    1.0,   2.5,    5.0,   10.0};

  void observe(double seconds);

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;  // seconds
  // Observations <= kBounds[i] (cumulative), i < kBuckets; i == kBuckets is the total.
  uint64_t cumulative(size_t i) const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};  // nanoseconds: integers add atomically and exactly
};

class Metrics {
 public:
  static Metrics& global();

  // `labels`: Prometheus label text without braces, e.g.
  // R"(route="/api/v1/order",status="200")"; "" for none. The same name and labels give
  // the same object. A name is one type: asking for it as another type is a programming
  // error and throws std::logic_error. The first help text given for a name is kept.
  Counter& counter(const std::string& name, const std::string& help,
                   const std::string& labels = "");
  Gauge& gauge(const std::string& name, const std::string& help, const std::string& labels = "");
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::string& labels = "");

  // Prometheus text exposition format 0.0.4: HELP and TYPE once per name, names and
  // label sets in sorted order.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Family {
    Type type;
    std::string help;
    // Stable addresses: values are heap objects never freed before exit.
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& help, Type type);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

// The storage writer's lag, set by the writer and reported by /ready as well as /metrics.
Gauge& writer_pending_records();
Gauge& writer_streams_behind();
// Markets that stopped taking orders because their journal failed: /ready is 503 then.
Gauge& markets_halted();
// With --bus: storage events on their way through Redis (waiting to be appended, and
// appended but not yet stored), which /ready counts with the writer's lag.
Gauge& bus_pending_events();
Counter& bus_appended();
Counter& bus_stored();

}  // namespace ex
