// The market maker's decisions, apart from any I/O: where its ladder of quotes goes
// (around a reference price, skewed by inventory, on the market's tick/step grid and above
// its minimums) and which live orders are stale and must be replaced.
//
// Prices are computed in whole ticks and quantities in whole steps (integers), so every
// quote is exactly valid for the market; doubles only scale sizes and distances before
// they are rounded onto the grid. Pure, deterministic, single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "net/client/wire.hpp"

namespace ex::bots {

using client::MarketInfo;
using client::Side;

// ---- The grid ----

// The price on the tick grid at or below (bids) / at or above (asks) `price`; nullopt if
// that is not positive.
std::optional<Decimal> round_price(Decimal price, Decimal tick, Side side);
// `qty` rounded down to a multiple of `step` (zero if below one step).
Decimal round_qty_down(Decimal qty, Decimal step);
// The smallest quantity on the step grid that meets the market's minimum quantity and,
// at `price`, its minimum notional.
Decimal min_quantity(const MarketInfo& market, Decimal price);
// `qty` raised to min_quantity() if below it, and rounded onto the step grid.
Decimal valid_quantity(const MarketInfo& market, Decimal price, Decimal qty);
// `amount` scaled by `factor` (>= 0), rounded down onto the step grid.
Decimal scale_qty(Decimal amount, double factor, Decimal step);

// ---- The ladder ----

struct LadderParams {
  int levels = 5;                           // per side
  double spread_bps = 10;                   // reference to the first level, each side
  double level_step_bps = 10;               // between levels
  Decimal quantity = Decimal::from_int(1);  // first level's size
  double size_growth = 0.5;                 // level i quotes quantity * (1 + growth * i)
  double skew_bps = 20;                     // price shift at full inventory (down when long)
  double size_skew = 0.5;  // size factor change at full inventory (fewer bids when long)
  Decimal max_position = Decimal::from_int(50);  // |position| of full skew; beyond: stop adding
};

struct Quote {
  Side side = Side::buy;
  Decimal price;
  Decimal qty;
  int level = 0;  // 0 = best
};

// Position normalised to [-1, 1] by max_position (full long = 1).
double inventory_ratio(Decimal position, Decimal max_position);

// The best prices a ladder must stay clear of (anyone's orders, the maker's own too);
// nullopt: none known.
struct BookTop {
  std::optional<Decimal> bid;
  std::optional<Decimal> ask;
};

// The ladder around `reference` for a `position` (base held beyond the target; negative
// when short): bids best (highest) first, then asks best (lowest) first. Every bid is
// below every ask, levels are at least one tick apart, each quote meets the market's
// minimums. When long by max_position or more, no bids (and no asks when that short).
// A post-only quote at or through the other side's best price is refused, so a side that
// would reach `book`'s opposite best steps away from it as a whole, its best level one tick
// short of it and the others at their usual distances below (bids) or above (asks).
std::vector<Quote> compute_ladder(Decimal reference, Decimal position, const MarketInfo& market,
                                  const LadderParams& params, const BookTop& book = {});

// The BookTop to quote against: the book's best prices, tightened by the quotes the exchange
// refused as crossing (POST_ONLY_WOULD_CROSS), since the book they were computed from did
// not show yet what they crossed. A refusal holds until the book or the reference moves, so
// the side steps away from the refused level instead of sending it again at once.
class CrossGuard {
 public:
  // `book_id`, `reference`: the book's last update id and the reference when it came.
  void refused(Side side, Decimal price, uint64_t book_id, Decimal reference);
  BookTop top(const BookTop& book, uint64_t book_id, Decimal reference);

 private:
  struct Refusal {
    Decimal price;  // the deepest refused: the other side's best is at or beyond it
    uint64_t book_id = 0;
    Decimal reference;
  };
  std::optional<Refusal> refusals_[2];  // bids, asks
};

// ---- Staleness ----

struct LiveQuote {
  uint64_t key = 0;  // the caller's handle
  Side side = Side::buy;
  Decimal price;
  Decimal remaining;
  int64_t age_ms = 0;
  int64_t max_age_ms = 0;  // 0: never expires
};

struct RefreshParams {
  int levels = 5;               // orders per side at most, counting those in flight
  int64_t tolerance_ticks = 1;  // a live quote this close to a wanted one is kept
  double min_remaining = 0.3;   // below this fraction of the wanted size: refresh it
};

struct RefreshPlan {
  std::vector<uint64_t> cancel;  // keys of stale live quotes
  std::vector<Quote> place;      // wanted quotes nobody covers, best first, within free slots
};

// Matches live quotes to wanted ones. A live quote is kept if an unmatched wanted quote of
// its side lies within the tolerance, it is not too old, and enough of it remains; every
// other live quote is cancelled. Wanted quotes left uncovered are placed, best first, as
// long as the side's slots allow: `busy_bids`/`busy_asks` count the side's orders that are
// in flight (placing, cancelling, unresolved) besides the live ones, and a slot frees only
// once a cancel is confirmed, so the side never has more than `levels` orders.
RefreshPlan plan_refresh(const std::vector<Quote>& wanted, const std::vector<LiveQuote>& live,
                         int busy_bids, int busy_asks, Decimal tick, const RefreshParams& params);

}  // namespace ex::bots
