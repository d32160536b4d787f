#define CAF_SUITE candles
#include <caf/test/unit_test.hpp>

#include "actors/market/candles.hpp"

using namespace ex;

namespace {
Decimal dec(const char* s) {
  return *Decimal::parse(s);
}
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
  // the first two trades leave the window
  s = t.stats(kT0 + 24 * kHour + kHour);
  CAF_CHECK_EQUAL(s.first_price.to_string(), "990.3");
  CAF_CHECK_EQUAL(s.high.to_string(), "990.3");
  CAF_CHECK_EQUAL(s.volume.to_string(), "0.5");
  s = t.stats(kT0 + 30 * kHour);
  CAF_CHECK_EQUAL(s.volume.to_string(), "0");
  CAF_CHECK_EQUAL(s.last_price.to_string(), "990.3");
}

CAF_TEST(turnover beyond the decimal range stays at the largest value) {
  // The same 9e10 of base traded 11 times: a volume of 9.9e11, beyond 2^63 units.
  CandleBook c;
  RollingTicker t;
  for (int i = 0; i < 11; ++i) {
    c.on_trade(kT0 + i, dec("0.01"), dec("90000000000"));
    t.on_trade(kT0 + i, dec("0.01"), dec("90000000000"));
  }
  const std::string largest = Decimal::from_units(INT64_MAX).to_string();
  CAF_CHECK_EQUAL(c.current(Interval::m1)->volume.to_string(), largest);
  CAF_CHECK_EQUAL(c.current(Interval::m1)->trades, 11);
  auto s = t.stats(kT0 + 11);
  CAF_CHECK_EQUAL(s.volume.to_string(), largest);
  CAF_CHECK_EQUAL(s.quote_volume.to_string(), "9900000000");
  // Once most of it leaves the window, the exact sum is back.
  t.on_trade(kT0 + 24 * kHour + 9, dec("0.01"), dec("1"));
  CAF_CHECK_EQUAL(t.stats(kT0 + 24 * kHour + 9).volume.to_string(), "90000000001");
}

CAF_TEST(a price change beyond the decimal range shows as the largest percentage) {
  RollingTicker t;
  t.on_trade(kT0, dec("0.01"), dec("1"));
  t.on_trade(kT0 + 1, dec("10000000000"), dec("1"));
  // +99,999,999,999,900 %: beyond 2^63 units.
  CAF_CHECK_EQUAL(t.stats(kT0 + 2).price_change_percent.to_string(),
                  Decimal::from_units(INT64_MAX).to_string());
}
