// The simulated traders' decisions, apart from any I/O: what kind each trader is, and what
// it does next given the book it sees and what it holds. Takers cross the spread (IOC
// limits or market orders), makers rest limit orders near the middle, cancellers place
// fleeting orders near the top of the book and cancel them. Pure, deterministic for a
// given random generator, single-threaded.
#pragma once

#include <cstddef>
#include <optional>
#include <random>
#include <vector>

#include "net/bots/quoting.hpp"

namespace ex::bots {

enum class TraderKind { taker, maker, canceller };
const char* trader_kind_name(TraderKind kind);

struct TraderMix {
  double takers = 0.3;
  double makers = 0.5;
  double cancellers = 0.2;
};

// Kinds for `n` traders in the mix's proportions (largest remainders), interleaved so that
// any prefix of the list is mixed too.
std::vector<TraderKind> assign_kinds(size_t n, const TraderMix& mix);

struct SimParams {
  Decimal quantity = Decimal::from_int(1);  // sizes are uniform in [0.2, 2] x quantity
  double spread_bps = 50;                   // makers rest within this of the middle
  double slippage_bps = 20;                 // takers' IOC limit beyond the best opposite price
  double market_share = 0.3;                // takers send market orders this often
  double cancel_share = 0.5;                // cancellers with open orders cancel this often
  size_t max_open = 5;  // per trader and market; makers cancel the oldest beyond
  Decimal default_reference = Decimal::from_int(1000);
};

// What a trader sees of one market.
struct MarketView {
  const MarketInfo* market = nullptr;
  std::optional<client::Level> best_bid;
  std::optional<client::Level> best_ask;
  std::optional<Decimal> last_price;
};

// What it holds (as last known) and how many of its orders rest in that market.
struct TraderView {
  Decimal base_available;
  Decimal quote_available;
  size_t open_orders = 0;
};

struct SimAction {
  enum class Kind { none, place, cancel_oldest, cancel_random };
  Kind kind = Kind::none;
  Side side = Side::buy;
  bool is_market = false;
  std::string time_in_force;  // "GTC" / "IOC"
  Decimal price;              // limit orders
  Decimal qty;
};

// The price the simulation trades around: the middle of the book, else its one side,
// else the last trade, else the default.
Decimal reference_of(const MarketView& view, Decimal fallback);

SimAction decide(TraderKind kind, const MarketView& view, const TraderView& trader,
                 const SimParams& params, std::mt19937_64& rng);

}  // namespace ex::bots
