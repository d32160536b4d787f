#include "net/bots/quoting.hpp"

#include <algorithm>
#include <cmath>

namespace ex::bots {
namespace {

int64_t ceil_div(int64_t a, int64_t b) {
  return a / b + ((a % b != 0 && a > 0) ? 1 : 0);
}

}  // namespace

std::optional<Decimal> round_price(Decimal price, Decimal tick, Side side) {
  if (!tick.is_positive()) return std::nullopt;
  int64_t t = tick.units();
  int64_t ticks = side == Side::buy ? price.units() / t : ceil_div(price.units(), t);
  if (price.units() < 0 && side == Side::buy && price.units() % t != 0) --ticks;
  if (ticks <= 0) return std::nullopt;
  return Decimal::from_units(ticks * t);
}

Decimal round_qty_down(Decimal qty, Decimal step) {
  if (!step.is_positive() || !qty.is_positive()) return Decimal{};
  return Decimal::from_units(qty.units() / step.units() * step.units());
}

Decimal min_quantity(const MarketInfo& market, Decimal price) {
  int64_t step = market.step_size.units();
  int64_t lots = std::max<int64_t>(1, ceil_div(market.min_qty.units(), step));
  if (market.min_notional.is_positive() && price.is_positive()) {
    // notional = price * lots * step / 10^8 (Decimal units); find the smallest lots with
    // notional >= min_notional, in 128-bit arithmetic so nothing overflows.
    __int128 per_lot = static_cast<__int128>(price.units()) * step;  // scaled by 10^8
    __int128 need = static_cast<__int128>(market.min_notional.units()) * Decimal::kScale;
    __int128 n = (need + per_lot - 1) / per_lot;
    lots = std::max<int64_t>(lots, static_cast<int64_t>(n));
  }
  return Decimal::from_units(lots * step);
}

Decimal valid_quantity(const MarketInfo& market, Decimal price, Decimal qty) {
  Decimal q = round_qty_down(qty, market.step_size);
  Decimal floor = min_quantity(market, price);
  return q < floor ? floor : q;
}

Decimal scale_qty(Decimal amount, double factor, Decimal step) {
  if (factor <= 0 || !step.is_positive()) return Decimal{};
  double units = static_cast<double>(amount.units()) * factor;
  if (units >= 9.2e18) units = 9.2e18;
  return round_qty_down(Decimal::from_units(static_cast<int64_t>(units)), step);
}

double inventory_ratio(Decimal position, Decimal max_position) {
  if (!max_position.is_positive()) return 0;
  double r = static_cast<double>(position.units()) / static_cast<double>(max_position.units());
  return std::clamp(r, -1.0, 1.0);
}

std::vector<Quote> compute_ladder(Decimal reference, Decimal position, const MarketInfo& market,
                                  const LadderParams& p, const BookTop& book) {
  std::vector<Quote> out;
  const int64_t tick = market.tick_size.units();
  if (tick <= 0 || !reference.is_positive() || p.levels <= 0) return out;
  const int64_t ref = reference.units() / tick;  // reference in whole ticks
  if (ref <= 0) return out;
  const double q = inventory_ratio(position, p.max_position);
  // Long: shift both sides down so that asks get hit and bids do not.
  const int64_t shift =
      static_cast<int64_t>(std::llround(-q * p.skew_bps * static_cast<double>(ref) / 1e4));
  const bool bids_on = !(p.max_position.is_positive() && position >= p.max_position);
  const bool asks_on =
      !(p.max_position.is_positive() && Decimal::from_units(-position.units()) >= p.max_position);

  // Distance of each level from the reference, in ticks, strictly increasing.
  std::vector<int64_t> distance;
  int64_t prev = 0;
  for (int i = 0; i < p.levels; ++i) {
    double bps = p.spread_bps + p.level_step_bps * i;
    int64_t d = static_cast<int64_t>(std::ceil(static_cast<double>(ref) * bps / 1e4 - 1e-9));
    d = std::max(d, prev + 1);
    distance.push_back(d);
    prev = d;
  }

  // Ticks each side moves away from the reference so that its best level stays clear of
  // the other side's best price. Moving the whole side keeps its levels apart, and bids
  // only ever move down and asks up, so every bid stays below every ask.
  int64_t bids_away = 0, asks_away = 0;
  if (book.ask) {
    int64_t highest = ceil_div(book.ask->units(), tick) - 1;
    bids_away = std::max<int64_t>(0, ref + shift - distance[0] - highest);
  }
  if (book.bid) {
    int64_t lowest = book.bid->units() / tick + 1;
    asks_away = std::max<int64_t>(0, lowest - (ref + shift + distance[0]));
  }

  for (Side side : {Side::buy, Side::sell}) {
    if ((side == Side::buy && !bids_on) || (side == Side::sell && !asks_on)) continue;
    double size_factor = side == Side::buy ? 1 - p.size_skew * q : 1 + p.size_skew * q;
    for (int i = 0; i < p.levels; ++i) {
      int64_t ticks = side == Side::buy
                          ? ref + shift - bids_away - distance[static_cast<size_t>(i)]
                          : ref + shift + asks_away + distance[static_cast<size_t>(i)];
      if (ticks <= 0) break;  // bids below zero: no deeper levels either
      Decimal price = Decimal::from_units(ticks * tick);
      Decimal want = scale_qty(p.quantity, std::max(0.0, size_factor) * (1 + p.size_growth * i),
                               market.step_size);
      out.push_back(Quote{side, price, valid_quantity(market, price, want), i});
    }
  }
  return out;
}

void CrossGuard::refused(Side side, Decimal price, uint64_t book_id, Decimal reference) {
  std::optional<Refusal>& r = refusals_[side == Side::buy ? 0 : 1];
  // Two refusals in a row bound the other side's best by the deeper of the two.
  if (r && (side == Side::buy ? r->price < price : r->price > price)) price = r->price;
  r = Refusal{price, book_id, reference};
}

BookTop CrossGuard::top(const BookTop& book, uint64_t book_id, Decimal reference) {
  for (std::optional<Refusal>& r : refusals_)
    if (r && (r->book_id != book_id || r->reference != reference)) r.reset();
  BookTop out = book;
  if (const auto& r = refusals_[0]) out.ask = out.ask ? std::min(*out.ask, r->price) : r->price;
  if (const auto& r = refusals_[1]) out.bid = out.bid ? std::max(*out.bid, r->price) : r->price;
  return out;
}

RefreshPlan plan_refresh(const std::vector<Quote>& wanted, const std::vector<LiveQuote>& live,
                         int busy_bids, int busy_asks, Decimal tick, const RefreshParams& params) {
  RefreshPlan plan;
  const int64_t tolerance = std::max<int64_t>(0, params.tolerance_ticks) * tick.units();
  for (Side side : {Side::buy, Side::sell}) {
    std::vector<const Quote*> want;
    for (const Quote& q : wanted)
      if (q.side == side) want.push_back(&q);
    std::vector<const LiveQuote*> have;
    for (const LiveQuote& l : live)
      if (l.side == side) have.push_back(&l);
    // Best first, so the best live quotes claim the best wanted levels.
    auto better = [side](const LiveQuote* a, const LiveQuote* b) {
      return side == Side::buy ? a->price > b->price : a->price < b->price;
    };
    std::sort(have.begin(), have.end(), better);

    std::vector<bool> covered(want.size(), false);
    int kept = 0;
    for (const LiveQuote* l : have) {
      bool expired = l->max_age_ms > 0 && l->age_ms >= l->max_age_ms;
      int best = -1;
      int64_t best_gap = 0;
      for (size_t i = 0; i < want.size() && !expired; ++i) {
        if (covered[i]) continue;
        int64_t gap = std::llabs(want[i]->price.units() - l->price.units());
        if (gap > tolerance) continue;
        double enough = static_cast<double>(want[i]->qty.units()) * params.min_remaining;
        if (static_cast<double>(l->remaining.units()) < enough) continue;
        if (best < 0 || gap < best_gap) {
          best = static_cast<int>(i);
          best_gap = gap;
        }
      }
      if (best >= 0 && kept < params.levels) {
        covered[static_cast<size_t>(best)] = true;
        ++kept;
      } else {
        plan.cancel.push_back(l->key);
      }
    }
    // Slots: every live quote (kept or being cancelled) and every busy order holds one.
    int busy = side == Side::buy ? busy_bids : busy_asks;
    int free = params.levels - static_cast<int>(have.size()) - busy;
    for (size_t i = 0; i < want.size() && free > 0; ++i) {
      if (covered[i]) continue;
      plan.place.push_back(*want[i]);
      --free;
    }
  }
  return plan;
}

}  // namespace ex::bots
