// Values the test suites share: exact decimals from text and the default market.
#pragma once

#include "actors/market/market_spec.hpp"
#include "actors/money/decimal.hpp"

namespace ex::testing {

// A decimal from text that the test knows is valid.
inline Decimal dec(const char* text) {
  return *Decimal::parse(text);
}

// TATA_INR as the default configuration defines it: tick 0.01, step 0.01, min notional 1.
inline MarketSpec tata_inr() {
  MarketSpec m;
  m.id = 1;
  m.symbol = "TATA_INR";
  m.base = "TATA";
  m.quote = "INR";
  m.tick_size = dec("0.01");
  m.step_size = dec("0.01");
  m.min_qty = dec("0.01");
  m.min_notional = dec("1");
  return m;
}

}  // namespace ex::testing
