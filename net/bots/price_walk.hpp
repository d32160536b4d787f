// The market maker's reference price when it is told to walk: a random walk in whole
// ticks with a pull back toward its anchor, so that a demo market wanders but does not
// drift away for ever. Deterministic for a seed. Pure, single-threaded.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "actors/money/decimal.hpp"

namespace ex::bots {

struct WalkParams {
  double volatility_bps = 5;  // standard deviation of the move over one second
  double reversion = 0.01;    // fraction of the distance to the anchor recovered per second
  uint64_t seed = 1;
};

class PriceWalk {
 public:
  PriceWalk(Decimal start, Decimal tick, WalkParams params)
      : tick_(std::max<int64_t>(1, tick.units())), params_(params), rng_(params.seed) {
    reset(start);
  }

  // Restarts the walk at `price` (also the new anchor), e.g. from the last trade.
  void reset(Decimal price) {
    anchor_ = static_cast<double>(std::max<int64_t>(1, price.units() / tick_));
    ticks_ = anchor_;
  }

  // Advances the walk by `seconds` and returns the new reference, on the tick grid and
  // never below one tick nor under a tenth of the anchor.
  Decimal step(double seconds) {
    if (seconds > 0) {
      std::normal_distribution<double> z(0.0, 1.0);
      double sigma = ticks_ * params_.volatility_bps / 1e4 * std::sqrt(seconds);
      double pull = (anchor_ - ticks_) * std::min(1.0, params_.reversion * seconds);
      ticks_ = std::max({1.0, anchor_ / 10, ticks_ + pull + sigma * z(rng_)});
    }
    return value();
  }

  Decimal value() const {
    return Decimal::from_units(static_cast<int64_t>(std::llround(ticks_)) * tick_);
  }
  Decimal anchor() const {
    return Decimal::from_units(static_cast<int64_t>(std::llround(anchor_)) * tick_);
  }

 private:
  int64_t tick_;  // Decimal units per tick
  WalkParams params_;
  std::mt19937_64 rng_;
  double anchor_ = 1;  // in ticks
  double ticks_ = 1;   // in ticks, fractional between steps; value() rounds
};

}  // namespace ex::bots
