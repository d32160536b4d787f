#define CAF_SUITE bots_sim_traders
#include <caf/test/unit_test.hpp>

#include <map>

#include "net/bots/price_walk.hpp"
#include "net/bots/sim_traders.hpp"
#include "net/bots/stats.hpp"
#include "net/client/backoff.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex::bots;
using ex::Decimal;
using ex::client::Level;
using ex::client::Side;

namespace {

using ex::testing::dec;

MarketInfo market() {
  MarketInfo m;
  m.symbol = "TATA_INR";
  m.base = "TATA";
  m.quote = "INR";
  m.tick_size = dec("0.01");
  m.step_size = dec("0.01");
  m.min_qty = dec("0.01");
  m.min_notional = dec("1");
  return m;
}

TraderView rich() {
  return TraderView{dec("1000"), dec("10000000"), 0};
}

}  // namespace

CAF_TEST(kinds follow the mix and interleave) {
  auto kinds = assign_kinds(10, TraderMix{0.3, 0.5, 0.2});
  std::map<TraderKind, int> n;
  for (auto k : kinds)
    ++n[k];
  CAF_CHECK_EQUAL(n[TraderKind::taker], 3);
  CAF_CHECK_EQUAL(n[TraderKind::maker], 5);
  CAF_CHECK_EQUAL(n[TraderKind::canceller], 2);
  auto first3 = assign_kinds(3, TraderMix{0.3, 0.5, 0.2});
  std::map<TraderKind, int> m;
  for (auto k : first3)
    ++m[k];
  CAF_CHECK_GREATER_OR_EQUAL(m.size(), 2u);
  auto only = assign_kinds(4, TraderMix{0, 0, 1});
  for (auto k : only)
    CAF_CHECK(k == TraderKind::canceller);
}

CAF_TEST(makers rest valid orders on their side of the book) {
  MarketInfo m = market();
  MarketView v{&m, Level{dec("999"), dec("1")}, Level{dec("1001"), dec("1")}, std::nullopt};
  std::mt19937_64 rng(7);
  SimParams p;
  for (int i = 0; i < 500; ++i) {
    SimAction a = decide(TraderKind::maker, v, rich(), p, rng);
    CAF_REQUIRE(a.kind == SimAction::Kind::place);
    CAF_CHECK(a.price.is_multiple_of(m.tick_size));
    CAF_CHECK(a.qty.is_multiple_of(m.step_size));
    CAF_CHECK(*Decimal::mul(a.price, a.qty) >= m.min_notional);
    if (a.side == Side::buy)
      CAF_CHECK(a.price < dec("1001"));
    else
      CAF_CHECK(a.price > dec("999"));
    CAF_CHECK_EQUAL(a.time_in_force, "GTC");
  }
}

CAF_TEST(takers cross only when there is something to take) {
  MarketInfo m = market();
  std::mt19937_64 rng(3);
  SimParams p;
  MarketView empty{&m, std::nullopt, std::nullopt, std::nullopt};
  for (int i = 0; i < 50; ++i)
    CAF_CHECK(decide(TraderKind::taker, empty, rich(), p, rng).kind == SimAction::Kind::none);
  MarketView asks_only{&m, std::nullopt, Level{dec("1001"), dec("1")}, std::nullopt};
  int buys = 0;
  for (int i = 0; i < 200; ++i) {
    SimAction a = decide(TraderKind::taker, asks_only, rich(), p, rng);
    if (a.kind != SimAction::Kind::place) continue;
    CAF_CHECK(a.side == Side::buy);
    CAF_CHECK(a.price >= dec("1001"));
    ++buys;
  }
  CAF_CHECK_GREATER(buys, 50);
}

CAF_TEST(traders cancel when they hold enough orders and respect their funds) {
  MarketInfo m = market();
  MarketView v{&m, Level{dec("999"), dec("1")}, Level{dec("1001"), dec("1")}, std::nullopt};
  std::mt19937_64 rng(11);
  SimParams p;
  TraderView full = rich();
  full.open_orders = p.max_open;
  CAF_CHECK(decide(TraderKind::maker, v, full, p, rng).kind == SimAction::Kind::cancel_oldest);
  TraderView broke{Decimal{}, dec("0.5"), 0};
  for (int i = 0; i < 50; ++i)
    CAF_CHECK(decide(TraderKind::maker, v, broke, p, rng).kind == SimAction::Kind::none);
  TraderView no_base{Decimal{}, dec("10000000"), 0};
  for (int i = 0; i < 50; ++i) {
    SimAction a = decide(TraderKind::maker, v, no_base, p, rng);
    CAF_REQUIRE(a.kind == SimAction::Kind::place);
    CAF_CHECK(a.side == Side::buy);
  }
}

CAF_TEST(the walk stays on the grid and near its anchor) {
  PriceWalk w(dec("1000"), dec("0.01"), WalkParams{5, 0.05, 42});
  Decimal lo = dec("1000"), hi = dec("1000");
  for (int i = 0; i < 3600; ++i) {
    Decimal p = w.step(1.0);
    CAF_CHECK(p.is_multiple_of(dec("0.01")));
    lo = std::min(lo, p);
    hi = std::max(hi, p);
  }
  CAF_CHECK(lo > dec("900"));
  CAF_CHECK(hi < dec("1100"));
  CAF_CHECK(lo < hi);
  PriceWalk same(dec("1000"), dec("0.01"), WalkParams{5, 0.05, 42});
  PriceWalk again(dec("1000"), dec("0.01"), WalkParams{5, 0.05, 42});
  for (int i = 0; i < 10; ++i)
    CAF_CHECK(same.step(1) == again.step(1));
}

CAF_TEST(stats and backoff) {
  LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i)
    h.add(i);
  CAF_CHECK_EQUAL(h.count(), 1000u);
  CAF_CHECK_GREATER_OR_EQUAL(h.percentile(0.5), 500);
  CAF_CHECK_LESS_OR_EQUAL(h.percentile(0.5), 560);
  CAF_CHECK_EQUAL(h.percentile(1.0), 1000);
  RateMeter r;
  r.add(30);
  CAF_CHECK_EQUAL(r.tick(2.0), 15.0);
  CAF_CHECK_EQUAL(r.tick(1.0), 0.0);
  ex::client::Backoff b(std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 0);
  CAF_CHECK_EQUAL(b.next().count(), 100);
  CAF_CHECK_EQUAL(b.next().count(), 200);
  CAF_CHECK_EQUAL(b.next().count(), 400);
  CAF_CHECK_EQUAL(b.next().count(), 800);
  CAF_CHECK_EQUAL(b.next().count(), 1000);
  b.reset();
  CAF_CHECK_EQUAL(b.next().count(), 100);
}
