#include "actors/common/metrics.hpp"

#include <cinttypes>
#include <cstdio>
#include <stdexcept>

namespace ex {
namespace {

// Bucket bounds as Prometheus clients usually print them (kBounds in text).
constexpr std::array<const char*, Histogram::kBuckets> kBoundText = {
    "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
    "0.05",    "0.1",    "0.25",    "0.5",    "1",     "2.5",    "5",     "10"};

const char* type_text(int type) {
  switch (type) {
    case 0:
      return "counter";
    case 1:
      return "gauge";
    default:
      return "histogram";
  }
}

// HELP text escapes backslash and newline; label values are the caller's (already text).
void append_help(std::string& out, const std::string& help) {
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

void append_series(std::string& out, const std::string& name, const char* suffix,
                   const std::string& labels, const std::string& extra_label) {
  out += name;
  out += suffix;
  if (!labels.empty() || !extra_label.empty()) {
    out += '{';
    out += labels;
    if (!labels.empty() && !extra_label.empty()) out += ',';
    out += extra_label;
    out += '}';
  }
  out += ' ';
}

void append_u64(std::string& out, uint64_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%" PRIu64, v);
  out.append(buf, static_cast<size_t>(n));
}

void append_i64(std::string& out, int64_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%" PRId64, v);
  out.append(buf, static_cast<size_t>(n));
}

}  // namespace

void Histogram::observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also catches NaN
  size_t i = 0;
  while (i < kBuckets && seconds > kBounds[i])
    ++i;  // 17 compares at most: cheaper than a search
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  double ns = seconds * 1e9;
  sum_ns_.fetch_add(ns >= 1.8e19 ? UINT64_C(18000000000000000000) : static_cast<uint64_t>(ns),
                    std::memory_order_relaxed);
}

double Histogram::sum() const {
  return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
}

uint64_t Histogram::cumulative(size_t i) const {
  uint64_t total = 0;
  for (size_t b = 0; b <= i && b <= kBuckets; ++b)
    total += buckets_[b].load(std::memory_order_relaxed);
  return total;
}

Metrics& Metrics::global() {
  // Never destroyed: actor and io threads may still touch metrics during exit.
  static Metrics* instance = new Metrics;
  return *instance;
}

Metrics::Family& Metrics::family(const std::string& name, const std::string& help, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(name, Family{type, help, {}, {}, {}}).first;
  } else if (it->second.type != type) {
    throw std::logic_error("metric " + name + " is already registered as a " +
                           type_text(static_cast<int>(it->second.type)));
  }
  return it->second;
}

Counter& Metrics::counter(const std::string& name, const std::string& help,
                          const std::string& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = family(name, help, Type::counter).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const std::string& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = family(name, help, Type::gauge).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help,
                              const std::string& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = family(name, help, Type::histogram).histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, fam] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    append_help(out, fam.help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type_text(static_cast<int>(fam.type));
    out += '\n';
    for (const auto& [labels, c] : fam.counters) {
      append_series(out, name, "", labels, "");
      append_u64(out, c->value());
      out += '\n';
    }
    for (const auto& [labels, g] : fam.gauges) {
      append_series(out, name, "", labels, "");
      append_i64(out, g->value());
      out += '\n';
    }
    for (const auto& [labels, h] : fam.histograms) {
      // Read buckets once, then accumulate: the count line equals the +Inf bucket.
      uint64_t running = 0;
      for (size_t i = 0; i <= Histogram::kBuckets; ++i) {
        running = h->cumulative(i);
        std::string le = "le=\"";
        le += i < Histogram::kBuckets ? kBoundText[i] : "+Inf";
        le += '"';
        append_series(out, name, "_bucket", labels, le);
        append_u64(out, running);
        out += '\n';
      }
      append_series(out, name, "_sum", labels, "");
      char buf[40];
      int n = std::snprintf(buf, sizeof buf, "%.9f", h->sum());
      out.append(buf, static_cast<size_t>(n));
      out += '\n';
      append_series(out, name, "_count", labels, "");
      append_u64(out, running);
      out += '\n';
    }
  }
  return out;
}

Gauge& writer_pending_records() {
  return Metrics::global().gauge("exchange_writer_pending_records",
                                 "Records waiting to be written to storage (writer lag)");
}

Gauge& bus_pending_events() {
  return Metrics::global().gauge("exchange_bus_pending_events",
                                 "Storage events waiting to be appended to Redis");
}

Counter& bus_appended() {
  return Metrics::global().counter("exchange_bus_appended_total",
                                   "Storage events appended to Redis streams");
}

Counter& bus_stored() {
  return Metrics::global().counter("exchange_bus_stored_total",
                                   "Storage events read from Redis and acknowledged once stored");
}

Gauge& markets_halted() {
  return Metrics::global().gauge("exchange_markets_halted",
                                 "Markets that refuse orders because their journal failed");
}

Gauge& writer_streams_behind() {
  return Metrics::global().gauge(
      "exchange_writer_streams_behind",
      "Markets whose updates storage will get from their journals (catch-up)");
}

}  // namespace ex
