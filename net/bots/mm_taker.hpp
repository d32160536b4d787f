// When and what the market maker's taker takes: now and then an IOC order at the book's
// best price, so that trades, candles and tickers move. It leans toward the reference, so
// the trades follow the walk. Decisions only: market_maker.cpp runs the timer and
// MmOrders sends the order.
#pragma once

#include <chrono>
#include <optional>
#include <random>

#include "net/bots/market_maker.hpp"
#include "net/bots/mm_market.hpp"

namespace ex::bots {

struct Take {
  Side side = Side::buy;
  Decimal price;  // the other side's best
  Decimal qty;    // take_min..take_max times the ladder's quantity, valid for the market
};

// The wait before the next take: exponential with mean take_interval_s, at most ten times
// that.
std::chrono::milliseconds next_take_delay(const MmConfig& cfg, std::mt19937_64& rng);

// What to take in `m` now; nullopt while its book is not in or the chosen side is empty.
// Buys with probability 0.65 when the reference is above the middle of the book, 0.35 when
// below, else 0.5. Draws from `rng` in a fixed order, so a seeded run repeats itself.
std::optional<Take> choose_take(const MmMarket& m, const MmConfig& cfg, std::mt19937_64& rng);

}  // namespace ex::bots
