// One check the ticker tests share: two tickers agree on their windows' trades.
#pragma once

#include <caf/test/unit_test.hpp>

#include "actors/market/candles.hpp"

namespace ex::testing {

// Prices, volume, trade count and change; the start and the percent are each test's own.
inline void require_same_window(const TickerStats& got, const TickerStats& want) {
  CAF_REQUIRE_EQUAL(got.first_price, want.first_price);
  CAF_REQUIRE_EQUAL(got.high, want.high);
  CAF_REQUIRE_EQUAL(got.low, want.low);
  CAF_REQUIRE_EQUAL(got.last_price, want.last_price);
  CAF_REQUIRE_EQUAL(got.volume, want.volume);
  CAF_REQUIRE_EQUAL(got.trades, want.trades);
  CAF_REQUIRE_EQUAL(got.price_change, want.price_change);
}

}  // namespace ex::testing
