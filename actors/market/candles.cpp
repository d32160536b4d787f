#include "actors/market/candles.hpp"

#include <algorithm>

namespace ex {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kMondayOffset = 4 * 24 * 3600 * 1000LL;  // 1970-01-01 was a Thursday

}  // namespace

std::optional<Interval> parse_interval(std::string_view t) {
  for (Interval i : kAllIntervals)
    if (t == interval_name(i)) return i;
  return std::nullopt;
}

const char* interval_name(Interval i) {
  static const char* kNames[] = {"1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w"};
  return kNames[static_cast<size_t>(i)];
}

int64_t interval_ms(Interval i) {
  static const int64_t kMs[] = {kMinute,      5 * kMinute,   15 * kMinute,   30 * kMinute,
                                60 * kMinute, 240 * kMinute, 1440 * kMinute, 7 * 1440 * kMinute};
  return kMs[static_cast<size_t>(i)];
}

int64_t bucket_start(Interval i, int64_t t) {
  int64_t len = interval_ms(i);
  int64_t offset = i == Interval::w1 ? kMondayOffset : 0;
  int64_t shifted = t - offset;
  int64_t q = shifted / len;
  if (shifted % len < 0) --q;  // floor for times before the epoch
  return q * len + offset;
}

void CandleBook::on_trade(int64_t time_ms, Decimal price, Decimal qty) {
  for (Interval i : kAllIntervals) {
    auto& s = series_[static_cast<size_t>(i)];
    int64_t start = bucket_start(i, time_ms);
    if (s.empty() || s.back().start_ms < start) {
      s.push_back(Candle{start, price, price, price, price, qty, 1});
      if (s.size() > keep_) s.pop_front();
      continue;
    }
    // A trade older than the current bucket cannot happen (time never goes back in a
    // market), but if a clock steps back we fold it into the current candle.
    Candle& c = s.back();
    c.high = std::max(c.high, price);
    c.low = std::min(c.low, price);
    c.close = price;
    // Volume is turnover, not money held: it can outgrow the Decimal range, and then
    // stays at its largest value.
    c.volume = Decimal::clamped(static_cast<__int128>(c.volume.units()) + qty.units());
    ++c.trades;
  }
}

std::vector<Candle> CandleBook::range(Interval i, int64_t from_ms, int64_t to_ms) const {
  std::vector<Candle> out;
  for (const Candle& c : series_[static_cast<size_t>(i)])
    if (c.start_ms >= from_ms && c.start_ms <= to_ms) out.push_back(c);
  return out;
}

const Candle* CandleBook::current(Interval i) const {
  const auto& s = series_[static_cast<size_t>(i)];
  return s.empty() ? nullptr : &s.back();
}

int64_t CandleBook::oldest_kept(Interval i) const {
  const auto& s = series_[static_cast<size_t>(i)];
  return s.empty() ? INT64_MAX : s.front().start_ms;
}

void CandleBook::restore(Interval i, const std::vector<Candle>& candles) {
  auto& s = series_[static_cast<size_t>(i)];
  s.assign(candles.begin(), candles.end());
  while (s.size() > keep_)
    s.pop_front();
}

// Adds `e` to a monotonic queue that keeps, for every suffix of the window, its extreme
// (`better(a, b)`: a beats b). One entry per bucket at most: a bucket's better entry stands
// for it, and leaves with it.
template <class Better>
void RollingTicker::push_extreme(std::deque<Extreme>& q, Extreme e, Better better) {
  if (!q.empty() && q.back().start_ms == e.start_ms && !better(e.price, q.back().price)) return;
  while (!q.empty() && !better(q.back().price, e.price))
    q.pop_back();
  q.push_back(e);
}

void RollingTicker::on_trade(int64_t time_ms, Decimal price, Decimal qty) {
  on_minute(Candle{time_ms, price, price, price, price, qty, 1});
}

void RollingTicker::on_minute(const Candle& minute) {
  const int64_t start =
      std::max({bucket_start(Interval::m1, minute.start_ms), newest_start_, window_start_});
  if (window_.empty() || window_.back().start_ms < start)
    window_.push_back(Bucket{start, minute.open.units(), 0, 0});
  newest_start_ = start;
  Bucket& b = window_.back();
  b.volume += minute.volume.units();
  b.trades += minute.trades;
  push_extreme(max_, Extreme{start, minute.high.units()},
               [](int64_t a, int64_t c) { return a > c; });
  push_extreme(min_, Extreme{start, minute.low.units()},
               [](int64_t a, int64_t c) { return a < c; });
  volume_ += minute.volume.units();
  trades_ += minute.trades;
  last_price_ = minute.close.units();
}

void RollingTicker::evict(int64_t now_ms) {
  window_start_ = std::max(window_start_, bucket_start(Interval::m1, now_ms - kWindowMs));
  while (!window_.empty() && window_.front().start_ms < window_start_) {
    const Bucket& b = window_.front();
    volume_ -= b.volume;
    trades_ -= b.trades;
    window_.pop_front();
  }
  while (!max_.empty() && max_.front().start_ms < window_start_)
    max_.pop_front();
  while (!min_.empty() && min_.front().start_ms < window_start_)
    min_.pop_front();
}

TickerStats RollingTicker::stats(int64_t now_ms) {
  evict(now_ms);
  TickerStats s;
  s.start_ms = window_start_;
  if (window_.empty()) {
    Decimal last = Decimal::from_units(last_price_);
    s.first_price = s.high = s.low = s.last_price = last;
    return s;
  }
  int64_t first = window_.front().open;
  s.first_price = Decimal::from_units(first);
  s.last_price = Decimal::from_units(last_price_);
  s.high = Decimal::from_units(max_.front().price);
  s.low = Decimal::from_units(min_.front().price);
  s.volume = Decimal::clamped(volume_);
  s.trades = trades_;
  int64_t change = last_price_ - first;
  s.price_change = Decimal::from_units(change);
  // percent with 2 decimals = round(change * 10000 / first) hundredths.
  __int128 num = static_cast<__int128>(change) * 10000;
  __int128 hundredths = (num + (num >= 0 ? first / 2 : -first / 2)) / first;
  s.price_change_percent = Decimal::clamped(hundredths * (Decimal::kScale / 100));
  return s;
}

}  // namespace ex
