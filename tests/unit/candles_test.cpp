#define CAF_SUITE candles
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "actors/market/candles.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/ticker_checks.hpp"

using namespace ex;
using ex::testing::require_same_window;

namespace {
using ex::testing::dec;
constexpr int64_t kHour = 3600 * 1000;
// 2025-01-25T08:00:00Z
constexpr int64_t kT0 = 1737792000000;
}  // namespace

CAF_TEST(buckets align to interval starts and weeks to monday) {
  CAF_CHECK_EQUAL(bucket_start(Interval::h1, kT0 + 59 * 60 * 1000), kT0);
  CAF_CHECK_EQUAL(bucket_start(Interval::m5, kT0 + 7 * 60 * 1000), kT0 + 5 * 60 * 1000);
  // 2025-01-25 is a Saturday; its week starts Monday 2025-01-20
  CAF_CHECK_EQUAL(bucket_start(Interval::w1, kT0), 1737331200000);
  CAF_CHECK_EQUAL(bucket_start(Interval::m1, -1), -60000);
  CAF_CHECK(parse_interval("4h") == Interval::h4);
  CAF_CHECK(!parse_interval("2h"));
}

CAF_TEST(candles aggregate ohlcv per bucket) {
  CandleBook c;
  c.on_trade(kT0 + 1000, dec("100"), dec("1"));
  c.on_trade(kT0 + 2000, dec("105.5"), dec("2"));
  c.on_trade(kT0 + 3000, dec("99"), dec("0.5"));
  c.on_trade(kT0 + kHour, dec("101"), dec("1"));
  auto h = c.range(Interval::h1, 0, INT64_MAX);
  CAF_REQUIRE_EQUAL(h.size(), 2u);
  CAF_CHECK_EQUAL(h[0].start_ms, kT0);
  CAF_CHECK_EQUAL(h[0].open.to_string(), "100");
  CAF_CHECK_EQUAL(h[0].high.to_string(), "105.5");
  CAF_CHECK_EQUAL(h[0].low.to_string(), "99");
  CAF_CHECK_EQUAL(h[0].close.to_string(), "99");
  CAF_CHECK_EQUAL(h[0].volume.to_string(), "3.5");
  CAF_CHECK_EQUAL(h[1].open.to_string(), "101");
  CAF_CHECK_EQUAL(c.range(Interval::d1, 0, INT64_MAX).size(), 1u);
  CAF_CHECK_EQUAL(c.range(Interval::m1, kT0, kT0).size(), 1u);
  CAF_CHECK_EQUAL(c.current(Interval::m1)->close.to_string(), "101");
}

CAF_TEST(candle history is bounded in memory) {
  CandleBook c(3);
  for (int i = 0; i < 10; ++i)
    c.on_trade(kT0 + i * 60000, dec("1"), dec("1"));
  CAF_CHECK_EQUAL(c.range(Interval::m1, 0, INT64_MAX).size(), 3u);
  CAF_CHECK_EQUAL(c.oldest_kept(Interval::m1), kT0 + 7 * 60000);
}

CAF_TEST(ticker rolls over 24 hours) {
  RollingTicker t;
  auto empty = t.stats(kT0);
  CAF_CHECK(empty.last_price.is_zero());
  t.on_trade(kT0, dec("1000"), dec("1"));
  t.on_trade(kT0 + kHour, dec("1010"), dec("2"));
  t.on_trade(kT0 + 2 * kHour, dec("990.3"), dec("0.5"));
  auto s = t.stats(kT0 + 3 * kHour);
  CAF_CHECK_EQUAL(s.first_price.to_string(), "1000");
  CAF_CHECK_EQUAL(s.high.to_string(), "1010");
  CAF_CHECK_EQUAL(s.low.to_string(), "990.3");
  CAF_CHECK_EQUAL(s.last_price.to_string(), "990.3");
  CAF_CHECK_EQUAL(s.volume.to_string(), "3.5");
  CAF_CHECK_EQUAL(s.price_change.to_string(), "-9.7");
  CAF_CHECK_EQUAL(s.price_change_percent.to_string(), "-0.97");
  CAF_CHECK_EQUAL(s.start_ms, kT0 + 3 * kHour - 24 * kHour);
  // The window starts at the minute holding now - 24 h: 59 s past the second trade's
  // 24 hours, it still holds it.
  s = t.stats(kT0 + 25 * kHour + 59000);
  CAF_CHECK_EQUAL(s.start_ms, kT0 + kHour);
  CAF_CHECK_EQUAL(s.first_price.to_string(), "1010");
  CAF_CHECK_EQUAL(s.volume.to_string(), "2.5");
  // the first two trades leave the window
  s = t.stats(kT0 + 25 * kHour + 60000);
  CAF_CHECK_EQUAL(s.start_ms, kT0 + kHour + 60000);
  CAF_CHECK_EQUAL(s.first_price.to_string(), "990.3");
  CAF_CHECK_EQUAL(s.high.to_string(), "990.3");
  CAF_CHECK_EQUAL(s.volume.to_string(), "0.5");
  s = t.stats(kT0 + 30 * kHour);
  CAF_CHECK_EQUAL(s.volume.to_string(), "0");
  CAF_CHECK_EQUAL(s.last_price.to_string(), "990.3");
}

CAF_TEST(turnover beyond the decimal range stays at the largest value) {
  // The same 9e10 of base traded 11 times: a volume of 9.9e11, beyond 2^63 units.
  // The ticker's last one a minute later, so that it stays when the rest leave the window.
  CandleBook c;
  RollingTicker t;
  for (int i = 0; i < 11; ++i) {
    c.on_trade(kT0 + i, dec("0.01"), dec("90000000000"));
    t.on_trade(kT0 + (i < 10 ? i : 60000), dec("0.01"), dec("90000000000"));
  }
  const std::string largest = Decimal::from_units(INT64_MAX).to_string();
  CAF_CHECK_EQUAL(c.current(Interval::m1)->volume.to_string(), largest);
  CAF_CHECK_EQUAL(c.current(Interval::m1)->trades, 11);
  auto s = t.stats(kT0 + 60001);
  CAF_CHECK_EQUAL(s.volume.to_string(), largest);
  // Once most of it leaves the window, the exact sum is back.
  t.on_trade(kT0 + 24 * kHour + 60000 + 9, dec("0.01"), dec("1"));
  CAF_CHECK_EQUAL(t.stats(kT0 + 24 * kHour + 60000 + 9).volume.to_string(), "90000000001");
}

CAF_TEST(a price change beyond the decimal range shows as the largest percentage) {
  RollingTicker t;
  t.on_trade(kT0, dec("0.01"), dec("1"));
  t.on_trade(kT0 + 1, dec("10000000000"), dec("1"));
  // +99,999,999,999,900 %: beyond 2^63 units.
  CAF_CHECK_EQUAL(t.stats(kT0 + 2).price_change_percent.to_string(),
                  Decimal::from_units(INT64_MAX).to_string());
}

namespace {

// The ticker's definition, on every trade kept: the window holds the trades from the start
// of the minute holding now - 24 h. The wall clock can step back: the window's start never
// does, and a trade timed before the newest minute (or the window's start) counts there.
struct ReferenceTicker {
  struct Trade {
    int64_t minute, price, qty;
  };
  std::vector<Trade> trades;
  int64_t newest = INT64_MIN, window_start = INT64_MIN;

  void on_trade(int64_t time_ms, Decimal price, Decimal qty) {
    newest = std::max({bucket_start(Interval::m1, time_ms), newest, window_start});
    trades.push_back(Trade{newest, price.units(), qty.units()});
  }
  TickerStats stats(int64_t now_ms) {
    window_start =
        std::max(window_start, bucket_start(Interval::m1, now_ms - RollingTicker::kWindowMs));
    TickerStats s;
    s.start_ms = window_start;
    int64_t last = trades.empty() ? 0 : trades.back().price;
    s.first_price = s.high = s.low = s.last_price = Decimal::from_units(last);
    __int128 volume = 0;
    bool any = false;
    for (const Trade& t : trades) {
      if (t.minute < s.start_ms) continue;
      if (!any) s.first_price = s.high = s.low = Decimal::from_units(t.price);
      any = true;
      s.high = std::max(s.high, Decimal::from_units(t.price));
      s.low = std::min(s.low, Decimal::from_units(t.price));
      volume += t.qty;
      ++s.trades;
    }
    s.volume = Decimal::clamped(volume);
    s.price_change = Decimal::from_units(last - s.first_price.units());
    return s;
  }
};

}  // namespace

CAF_TEST(ticker agrees with its definition over random trades and times) {
  std::mt19937_64 rng(7);
  for (int run = 0; run < 20; ++run) {
    RollingTicker t;
    ReferenceTicker ref;
    int64_t now = kT0;
    for (int i = 0; i < 3000; ++i) {
      // Bursts within a minute, gaps of minutes and hours, now and then a clock step back.
      switch (rng() % 8) {
        case 0:
          now += static_cast<int64_t>(rng() % (6 * kHour));
          break;
        case 1:
          now += static_cast<int64_t>(rng() % (3 * 60000));
          break;
        case 2:
          now -= static_cast<int64_t>(rng() % 90000);
          break;
        default:
          now += static_cast<int64_t>(rng() % 2000);
          break;
      }
      if (rng() % 4 != 0) {
        Decimal price = Decimal::from_units(static_cast<int64_t>(1 + rng() % 500) * 1000000);
        Decimal qty = Decimal::from_units(static_cast<int64_t>(1 + rng() % 1000) * 1000000);
        t.on_trade(now, price, qty);
        ref.on_trade(now, price, qty);
      }
      if (rng() % 3 == 0) {
        TickerStats got = t.stats(now), want = ref.stats(now);
        CAF_REQUIRE_EQUAL(got.start_ms, want.start_ms);
        require_same_window(got, want);
      }
    }
  }
}

CAF_TEST(a ticker rebuilt from the one minute candles agrees with the one that saw every trade) {
  // How a restarted market gets its ticker back: storage keeps candles, not every trade.
  std::mt19937_64 rng(13);
  int compared = 0;
  for (int run = 0; run < 10; ++run) {
    CandleBook candles;
    RollingTicker live;
    int64_t now = kT0;
    for (int i = 0; i < 3000; ++i) {
      const uint64_t roll = rng() % 10;
      if (roll == 0)
        now += static_cast<int64_t>(rng() % (4 * kHour));
      else if (roll == 1)
        now -= static_cast<int64_t>(rng() % 90000);
      else
        now += static_cast<int64_t>(rng() % 20000);
      Decimal price = Decimal::from_units(static_cast<int64_t>(1 + rng() % 500) * 1000000);
      Decimal qty = Decimal::from_units(static_cast<int64_t>(1 + rng() % 1000) * 1000000);
      candles.on_trade(now, price, qty);
      live.on_trade(now, price, qty);
      if (rng() % 40 != 0) continue;
      TickerStats want = live.stats(now);
      RollingTicker rebuilt;
      for (const Candle& minute : candles.range(Interval::m1, want.start_ms, INT64_MAX))
        rebuilt.on_minute(minute);
      TickerStats got = rebuilt.stats(now);
      // After the clock stepped back, the live window keeps its later start; a rebuilt one
      // starts from now (with no minute before the live start to count).
      CAF_REQUIRE_EQUAL(got.start_ms, bucket_start(Interval::m1, now - RollingTicker::kWindowMs));
      require_same_window(got, want);
      CAF_REQUIRE_EQUAL(got.price_change_percent, want.price_change_percent);
      ++compared;
    }
  }
  CAF_CHECK_GREATER(compared, 500);
}

CAF_TEST(ticker memory does not grow with the trade rate) {
  RollingTicker t;
  std::mt19937_64 rng(11);
  // Two days of 50 trades a second, prices wandering: 8.6 million trades.
  int64_t now = kT0;
  for (int i = 0; i < 2 * 24 * 3600 * 50; ++i) {
    now += 20;
    t.on_trade(now, Decimal::from_units(static_cast<int64_t>(1 + rng() % 100000) * 1000000),
               dec("1"));
    if (i % 100000 == 0) CAF_REQUIRE_LESS_OR_EQUAL(t.entries(), 3u * 1441u);
  }
  CAF_CHECK_LESS_OR_EQUAL(t.entries(), 3u * 1441u);
  // Every trade since the window's start (one each 20 ms, one at that very instant) counts.
  const int64_t start = bucket_start(Interval::m1, now - RollingTicker::kWindowMs);
  CAF_CHECK_EQUAL(t.stats(now).trades, (now - start) / 20 + 1);
}
