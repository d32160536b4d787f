#include "net/bots/sim_traders.hpp"

#include <algorithm>
#include <cmath>

namespace ex::bots {
namespace {

// `price` moved by `bps` (positive: up), on the tick grid (bids down, asks up); at least
// one tick.
Decimal offset_price(Decimal price, double bps, Decimal tick, Side round_as) {
  double units = static_cast<double>(price.units()) * (1 + bps / 1e4);
  auto p = round_price(Decimal::from_units(static_cast<int64_t>(units)), tick, round_as);
  return p ? *p : tick;
}

bool can_afford(Side side, Decimal price, Decimal qty, const TraderView& t) {
  if (side == Side::sell) return t.base_available >= qty;
  auto notional = Decimal::mul(price, qty);
  return notional && t.quote_available >= *notional;
}

}  // namespace

const char* trader_kind_name(TraderKind kind) {
  switch (kind) {
    case TraderKind::taker:
      return "taker";
    case TraderKind::maker:
      return "maker";
    default:
      return "canceller";
  }
}

std::vector<TraderKind> assign_kinds(size_t n, const TraderMix& mix) {
  const TraderKind kinds[3] = {TraderKind::taker, TraderKind::maker, TraderKind::canceller};
  double w[3] = {std::max(0.0, mix.takers), std::max(0.0, mix.makers),
                 std::max(0.0, mix.cancellers)};
  double total = w[0] + w[1] + w[2];
  if (total <= 0) {
    w[1] = 1;
    total = 1;
  }
  // Interleave: each next trader goes to the kind furthest below its share so far.
  std::vector<TraderKind> out;
  size_t count[3] = {0, 0, 0};
  for (size_t i = 0; i < n; ++i) {
    int best = 0;
    double best_gap = -1e300;
    for (int k = 0; k < 3; ++k) {
      if (w[k] <= 0) continue;
      double gap = static_cast<double>(i + 1) * w[k] / total - static_cast<double>(count[k]);
      if (gap > best_gap) {
        best_gap = gap;
        best = k;
      }
    }
    ++count[best];
    out.push_back(kinds[best]);
  }
  return out;
}

Decimal reference_of(const MarketView& v, Decimal fallback) {
  if (v.best_bid && v.best_ask)
    return Decimal::from_units((v.best_bid->price.units() + v.best_ask->price.units()) / 2);
  if (v.best_bid) return v.best_bid->price;
  if (v.best_ask) return v.best_ask->price;
  if (v.last_price) return *v.last_price;
  return fallback;
}

SimAction decide(TraderKind kind, const MarketView& view, const TraderView& trader,
                 const SimParams& p, std::mt19937_64& rng) {
  SimAction a;
  if (!view.market) return a;
  const MarketInfo& m = *view.market;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const Decimal ref = reference_of(view, p.default_reference);

  if (kind == TraderKind::canceller && trader.open_orders > 0 && unit(rng) < p.cancel_share) {
    a.kind = SimAction::Kind::cancel_random;
    return a;
  }
  if (kind == TraderKind::maker && trader.open_orders >= p.max_open) {
    a.kind = SimAction::Kind::cancel_oldest;
    return a;
  }
  if (kind == TraderKind::canceller && trader.open_orders >= p.max_open) {
    a.kind = SimAction::Kind::cancel_random;
    return a;
  }

  Side side = unit(rng) < 0.5 ? Side::buy : Side::sell;
  Decimal qty = scale_qty(p.quantity, 0.2 + 1.8 * unit(rng), m.step_size);

  if (kind == TraderKind::taker) {
    auto opposite = side == Side::buy ? view.best_ask : view.best_bid;
    if (!opposite) return a;  // nothing to take
    a.price = offset_price(opposite->price, side == Side::buy ? p.slippage_bps : -p.slippage_bps,
                           m.tick_size, side);
    a.is_market = unit(rng) < p.market_share;
    a.time_in_force = a.is_market ? "" : "IOC";
  } else {
    // Makers rest inside [ref - spread, ref) for bids; cancellers stay near the top.
    double depth = kind == TraderKind::maker ? p.spread_bps * (0.05 + 0.95 * unit(rng))
                                             : p.spread_bps * 0.1 * unit(rng);
    a.price = offset_price(ref, side == Side::buy ? -depth : depth, m.tick_size, side);
    // Never cross: a resting order stays on its side of the book.
    if (side == Side::buy && view.best_ask && a.price >= view.best_ask->price) {
      auto below = Decimal::from_units(view.best_ask->price.units() - m.tick_size.units());
      if (!below.is_positive()) return a;
      a.price = below;
    }
    if (side == Side::sell && view.best_bid && a.price <= view.best_bid->price)
      a.price = Decimal::from_units(view.best_bid->price.units() + m.tick_size.units());
    a.time_in_force = "GTC";
  }
  a.qty = valid_quantity(m, a.price, qty);
  // Inventory: a side it cannot pay for turns into the other side, or nothing.
  if (!can_afford(side, a.price, a.qty, trader)) {
    Side other = client::opposite(side);
    if (kind != TraderKind::taker && can_afford(other, a.price, a.qty, trader)) {
      // Mirror the price to the other side of the reference.
      int64_t mirrored = 2 * ref.units() - a.price.units();
      auto price = round_price(Decimal::from_units(mirrored), m.tick_size, other);
      if (!price) return SimAction{};
      a.price = *price;
      side = other;
    } else {
      return SimAction{};
    }
  }
  a.side = side;
  a.kind = SimAction::Kind::place;
  return a;
}

}  // namespace ex::bots
