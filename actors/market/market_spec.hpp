// A market's trading rules (from configuration) and the conversions between money
// (Decimal) and the book's integer units: prices in ticks, quantities in lots.
// Validation lives here so the edge, the market actor and the tests share one rule set.
#pragma once

#include <cstdint>
#include <string>

#include "actors/common/status.hpp"
#include "actors/market/order_book.hpp"
#include "actors/money/decimal.hpp"

namespace ex {

struct MarketSpec {
  uint16_t id = 0;     // stable, unique, 1..4095: part of every order id of this market
  std::string symbol;  // "TATA_INR"
  std::string base;    // "TATA"
  std::string quote;   // "INR"
  Decimal tick_size;
  Decimal step_size;
  Decimal min_qty;
  Decimal min_notional;
  int64_t band_bps = 1000;  // market orders: at most 10% away from the reference price

  // Checks the rules themselves: positive sizes, and one tick times one step must be a
  // whole number of Decimal units so that every notional is exact.
  Result<bool> validate() const;

  // Decimal units of quote per tick-lot (price x quantity of one tick and one lot).
  int64_t tick_lot_units() const;

  Result<book::Ticks> to_ticks(Decimal price) const;
  Result<book::Lots> to_lots(Decimal qty) const;
  Decimal price_of(book::Ticks ticks) const {
    return Decimal::from_units(ticks * tick_size.units());
  }
  // An order's quantity is in range by construction; a book level's sum of them need not
  // be (many bids at a tiny price), and shows as the largest value then.
  Decimal qty_of(book::Lots lots) const {
    return Decimal::clamped(static_cast<__int128>(lots) * step_size.units());
  }
  // Quote amount of `tick_lots` (e.g. a trade's price x qty); exact.
  Decimal amount_of(int64_t tick_lots) const {
    return Decimal::from_units(tick_lots * tick_lot_units());
  }
  // Whole tick-lots that `amount` of quote buys (the rest cannot be spent).
  int64_t tick_lots_in(Decimal amount) const { return amount.units() / tick_lot_units(); }
  // Checked price x quantity in quote, for limits and locks.
  Result<Decimal> notional(Decimal price, Decimal qty) const;
};

// Order ids carry their market, so any node can route one: id = seq << 12 | market id.
inline constexpr uint16_t kMaxMarketId = 0xfff;
inline uint64_t make_order_id(uint64_t seq, uint16_t market_id) {
  return seq << 12 | market_id;
}
inline uint16_t market_of_order(uint64_t id) {
  return static_cast<uint16_t>(id & kMaxMarketId);
}
// Public text form of an order id (lowercase base 36) and back; 0 if malformed.
std::string order_id_text(uint64_t id);
uint64_t parse_order_id(const std::string& text);

}  // namespace ex
