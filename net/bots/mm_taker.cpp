#include "net/bots/mm_taker.hpp"

#include <algorithm>

namespace ex::bots {

std::chrono::milliseconds next_take_delay(const MmConfig& cfg, std::mt19937_64& rng) {
  std::exponential_distribution<double> wait(1.0 / cfg.take_interval_s);
  return std::chrono::milliseconds(
      static_cast<int64_t>(std::min(wait(rng), cfg.take_interval_s * 10) * 1000));
}

std::optional<Take> choose_take(const MmMarket& m, const MmConfig& cfg, std::mt19937_64& rng) {
  if (!m.book.synced()) return std::nullopt;
  auto bid = m.book.best_bid();
  auto ask = m.book.best_ask();
  double p_buy = 0.5;
  if (bid && ask) {
    int64_t mid2 = bid->price.units() + ask->price.units();
    if (2 * m.reference.units() > mid2)
      p_buy = 0.65;
    else if (2 * m.reference.units() < mid2)
      p_buy = 0.35;
  }
  std::bernoulli_distribution buy(p_buy);
  Take t;
  t.side = buy(rng) ? Side::buy : Side::sell;
  auto best = t.side == Side::buy ? ask : bid;
  if (!best) return std::nullopt;
  std::uniform_real_distribution<double> size(cfg.take_min, std::max(cfg.take_min, cfg.take_max));
  t.price = best->price;
  t.qty = valid_quantity(m.info, best->price,
                         scale_qty(m.ladder.quantity, size(rng), m.info.step_size));
  return t;
}

}  // namespace ex::bots
