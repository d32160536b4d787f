// Candles (OHLCV) per interval and the 24-hour rolling ticker of one market, built from
// its trades. Pure: time comes in with each trade or query (unix milliseconds).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include "actors/money/decimal.hpp"

namespace ex {

enum class Interval : uint8_t { m1, m5, m15, m30, h1, h4, d1, w1 };
constexpr size_t kIntervalCount = 8;
constexpr std::array<Interval, kIntervalCount> kAllIntervals = {
    Interval::m1, Interval::m5, Interval::m15, Interval::m30,
    Interval::h1, Interval::h4, Interval::d1,  Interval::w1};

std::optional<Interval> parse_interval(std::string_view text);  // "1m" ... "1w"
const char* interval_name(Interval interval);
int64_t interval_ms(Interval interval);
// Start of the bucket holding `time_ms`. Weeks start on Monday 00:00 UTC.
int64_t bucket_start(Interval interval, int64_t time_ms);

struct Candle {
  int64_t start_ms = 0;
  Decimal open, high, low, close;
  Decimal volume;  // base quantity traded
  int64_t trades = 0;
};

// Recent candles of every interval, newest last; older ones live in storage.
class CandleBook {
 public:
  explicit CandleBook(size_t keep_per_interval = 1500) : keep_(keep_per_interval) {}

  void on_trade(int64_t time_ms, Decimal price, Decimal qty);
  // Candles with start in [from_ms, to_ms], oldest first (only what is kept in memory).
  std::vector<Candle> range(Interval interval, int64_t from_ms, int64_t to_ms) const;
  const Candle* current(Interval interval) const;
  // Earliest start kept for an interval (INT64_MAX if none): storage answers before it.
  int64_t oldest_kept(Interval interval) const;
  // Seeds history (e.g. from storage at start-up), oldest first.
  void restore(Interval interval, const std::vector<Candle>& candles);

 private:
  size_t keep_;
  std::array<std::deque<Candle>, kIntervalCount> series_;
};

struct TickerStats {
  int64_t start_ms = 0;
  Decimal first_price, high, low, last_price, volume;
  Decimal price_change;
  Decimal price_change_percent;  // rounded half away from zero to 2 decimals
  int64_t trades = 0;
};

// Rolling 24-hour window over one-minute buckets. A busy market trades millions of times a
// day, so the window keeps per-minute aggregates, not trades: at most 1,441 buckets (and as
// many entries in each of the high and low queues) whatever the rate. The price is a window
// up to 59.999 s wider than 24 hours: it starts at the minute holding now - 24 h (stats()
// reports that start), as Binance's rolling windows do. High and low are kept with monotonic
// queues of one entry per bucket at most, so every operation is amortized O(1).
class RollingTicker {
 public:
  static constexpr int64_t kWindowMs = 24 * 3600 * 1000;

  // Times come from the wall clock, which can step back: a trade timed before the newest
  // bucket (or the window's start) counts in that bucket (or the window's first minute), and
  // the window's start never moves back.
  void on_trade(int64_t time_ms, Decimal price, Decimal qty);
  // A one-minute candle, all its trades at once: how the window is rebuilt from storage,
  // whatever the number of trades it held.
  void on_minute(const Candle& minute);
  // Statistics of the window ending at `now_ms`. With no trade in the window but an
  // earlier one, prices are the last price and volume is 0; with none ever, all zero.
  TickerStats stats(int64_t now_ms);
  // Buckets and queue entries kept: at most 3 x 1,441.
  size_t entries() const { return window_.size() + max_.size() + min_.size(); }

 private:
  struct Bucket {
    int64_t start_ms;
    int64_t open;  // Decimal units
    __int128 volume;
    int64_t trades;
  };
  struct Extreme {
    int64_t start_ms;  // of its bucket
    int64_t price;
  };
  void evict(int64_t now_ms);
  template <class Better>
  static void push_extreme(std::deque<Extreme>& q, Extreme e, Better better);

  std::deque<Bucket> window_;
  std::deque<Extreme> max_;  // prices decreasing
  std::deque<Extreme> min_;  // prices increasing
  __int128 volume_ = 0;      // units: turnover can outgrow int64 (shown clamped)
  int64_t trades_ = 0;
  int64_t last_price_ = 0;
  int64_t newest_start_ = INT64_MIN;  // of the newest bucket ever
  int64_t window_start_ = INT64_MIN;  // the latest stats() asked for
};

}  // namespace ex
