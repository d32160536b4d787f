#define CAF_SUITE bots_quoting
#include <caf/test/unit_test.hpp>

#include "net/bots/quoting.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex::bots;
using ex::Decimal;
using ex::client::Side;

namespace {

using ex::testing::dec;

MarketInfo market(const char* tick = "0.01", const char* step = "0.01",
                  const char* min_qty = "0.01", const char* min_notional = "1") {
  MarketInfo m;
  m.symbol = "TATA_INR";
  m.base = "TATA";
  m.quote = "INR";
  m.tick_size = dec(tick);
  m.step_size = dec(step);
  m.min_qty = dec(min_qty);
  m.min_notional = dec(min_notional);
  return m;
}

bool on_grid(const MarketInfo& m, const Quote& q) {
  auto notional = Decimal::mul(q.price, q.qty);
  return q.price.is_multiple_of(m.tick_size) && q.qty.is_multiple_of(m.step_size) &&
         q.qty >= m.min_qty && notional && *notional >= m.min_notional && q.price.is_positive();
}

}  // namespace

CAF_TEST(prices and quantities snap to the grid) {
  CAF_CHECK_EQUAL(round_price(dec("1000.005"), dec("0.01"), Side::buy)->to_string(), "1000");
  CAF_CHECK_EQUAL(round_price(dec("1000.001"), dec("0.01"), Side::sell)->to_string(), "1000.01");
  CAF_CHECK_EQUAL(round_price(dec("1000"), dec("0.5"), Side::sell)->to_string(), "1000");
  CAF_CHECK(!round_price(dec("0.004"), dec("0.01"), Side::buy).has_value());
  CAF_CHECK_EQUAL(round_qty_down(dec("1.239"), dec("0.01")).to_string(), "1.23");
  CAF_CHECK(round_qty_down(dec("0.009"), dec("0.01")).is_zero());
  // Minimum notional 1 at price 3: 0.34 (0.33 x 3 = 0.99 is too little).
  CAF_CHECK_EQUAL(min_quantity(market(), dec("3")).to_string(), "0.34");
  CAF_CHECK_EQUAL(min_quantity(market("0.01", "1", "5", "0"), dec("3")).to_string(), "5");
  CAF_CHECK_EQUAL(valid_quantity(market(), dec("1000"), dec("0.001")).to_string(), "0.01");
  CAF_CHECK_EQUAL(scale_qty(dec("1"), 1.5, dec("0.01")).to_string(), "1.5");
}

CAF_TEST(a flat ladder is symmetric on the grid and never crosses) {
  MarketInfo m = market();
  LadderParams p;
  p.levels = 5;
  p.spread_bps = 10;
  p.level_step_bps = 10;
  auto ladder = compute_ladder(dec("1000"), Decimal{}, m, p);
  CAF_REQUIRE_EQUAL(ladder.size(), 10u);
  Decimal best_bid, best_ask;
  for (const Quote& q : ladder) {
    CAF_CHECK(on_grid(m, q));
    if (q.side == Side::buy && q.level == 0) best_bid = q.price;
    if (q.side == Side::sell && q.level == 0) best_ask = q.price;
  }
  CAF_CHECK_EQUAL(best_bid.to_string(), "999");
  CAF_CHECK_EQUAL(best_ask.to_string(), "1001");
  CAF_CHECK_EQUAL(ladder[4].price.to_string(), "995");
  CAF_CHECK_EQUAL(ladder[9].price.to_string(), "1005");
  // Sizes grow with depth: 1, 1.5, 2, ...
  CAF_CHECK_EQUAL(ladder[0].qty.to_string(), "1");
  CAF_CHECK_EQUAL(ladder[1].qty.to_string(), "1.5");
}

CAF_TEST(levels stay at least a tick apart when the spread is tiny) {
  MarketInfo m = market("1", "1", "1", "0");
  LadderParams p;
  p.levels = 4;
  p.spread_bps = 0.1;
  p.level_step_bps = 0.1;
  auto ladder = compute_ladder(dec("100"), Decimal{}, m, p);
  CAF_REQUIRE_EQUAL(ladder.size(), 8u);
  CAF_CHECK_EQUAL(ladder[0].price.to_string(), "99");
  CAF_CHECK_EQUAL(ladder[3].price.to_string(), "96");
  CAF_CHECK_EQUAL(ladder[4].price.to_string(), "101");
  // Near zero, bids that would not be positive are left out.
  auto low = compute_ladder(dec("3"), Decimal{}, m, p);
  size_t bids = 0;
  for (const Quote& q : low)
    bids += q.side == Side::buy;
  CAF_CHECK_EQUAL(bids, 2u);
}

CAF_TEST(inventory skews prices and sizes and stops the side that adds) {
  MarketInfo m = market();
  LadderParams p;
  p.levels = 3;
  p.skew_bps = 20;
  p.size_skew = 0.5;
  p.max_position = dec("10");
  auto flat = compute_ladder(dec("1000"), Decimal{}, m, p);
  auto longish = compute_ladder(dec("1000"), dec("5"), m, p);
  CAF_REQUIRE_EQUAL(longish.size(), 6u);
  // Long half way: both sides 1 INR lower, bids smaller, asks bigger.
  CAF_CHECK_EQUAL(longish[0].price.to_string(), "998");
  CAF_CHECK_EQUAL(longish[3].price.to_string(), "1000");
  CAF_CHECK(longish[0].qty < flat[0].qty);
  CAF_CHECK(longish[3].qty > flat[3].qty);
  auto full_long = compute_ladder(dec("1000"), dec("10"), m, p);
  for (const Quote& q : full_long)
    CAF_CHECK(q.side == Side::sell);
  auto full_short = compute_ladder(dec("1000"), dec("-12"), m, p);
  for (const Quote& q : full_short)
    CAF_CHECK(q.side == Side::buy);
  CAF_CHECK_EQUAL(full_short.size(), 3u);
}

CAF_TEST(refresh keeps what is close and places what is missing within the slots) {
  MarketInfo m = market();
  LadderParams p;
  p.levels = 3;
  auto wanted =
      compute_ladder(dec("1000"), Decimal{}, m, p);  // bids 999 998 997, asks 1001 1002 1003
  RefreshParams rp;
  rp.levels = 3;
  rp.tolerance_ticks = 10;
  std::vector<LiveQuote> live = {
      {1, Side::buy, dec("999.05"), dec("1"), 100, 0},       // close to 999: kept
      {2, Side::buy, dec("990"), dec("1"), 100, 0},          // far: cancelled
      {3, Side::sell, dec("1001"), dec("0.1"), 100, 0},      // mostly filled: cancelled
      {4, Side::sell, dec("1002"), dec("1.5"), 5000, 4000},  // expired: cancelled
  };
  auto plan = plan_refresh(wanted, live, 0, 0, m.tick_size, rp);
  std::vector<uint64_t> cancel = plan.cancel;
  std::sort(cancel.begin(), cancel.end());
  CAF_CHECK_EQUAL(cancel, (std::vector<uint64_t>{2, 3, 4}));
  // Slots: bids hold 2 live (1 kept, 1 cancelling) of 3: one more bid, the best missing (998).
  // Asks hold 2 live (both cancelling): one ask, the best (1001).
  CAF_REQUIRE_EQUAL(plan.place.size(), 2u);
  CAF_CHECK(plan.place[0].side == Side::buy);
  CAF_CHECK_EQUAL(plan.place[0].price.to_string(), "998");
  CAF_CHECK(plan.place[1].side == Side::sell);
  CAF_CHECK_EQUAL(plan.place[1].price.to_string(), "1001");
}

CAF_TEST(busy orders hold slots so a side never exceeds its limit) {
  MarketInfo m = market();
  LadderParams p;
  p.levels = 5;
  auto wanted = compute_ladder(dec("1000"), Decimal{}, m, p);
  RefreshParams rp;
  rp.levels = 5;
  auto plan = plan_refresh(wanted, {}, 4, 5, m.tick_size, rp);
  CAF_REQUIRE_EQUAL(plan.place.size(), 1u);
  CAF_CHECK(plan.place[0].side == Side::buy);
  CAF_CHECK_EQUAL(plan.place[0].level, 0);
  // More live quotes than levels (adopted after a reconnect): the extras go.
  std::vector<LiveQuote> live;
  for (uint64_t k = 1; k <= 7; ++k)
    live.push_back({k, Side::sell,
                    Decimal::from_units(100100000000 + static_cast<int64_t>(k) * 100000000),
                    dec("5"), 0, 0});
  rp.tolerance_ticks = 1000;
  auto trim = plan_refresh(wanted, live, 0, 0, m.tick_size, rp);
  CAF_CHECK_EQUAL(trim.cancel.size(), 2u);
  for (const Quote& q : trim.place)
    CAF_CHECK(q.side == Side::buy);
}

CAF_TEST(the ladder steps away from an opposite order inside it) {
  MarketInfo m = market();
  LadderParams p;
  p.levels = 5;
  auto flat = compute_ladder(dec("1000"), Decimal{}, m, p);  // bids 999..995, asks 1001..1005
  // Its own quotes at the top of the book change nothing.
  auto own = compute_ladder(dec("1000"), Decimal{}, m, p, BookTop{dec("999"), dec("1001")});
  CAF_REQUIRE_EQUAL(own.size(), flat.size());
  for (size_t i = 0; i < own.size(); ++i)
    CAF_CHECK_EQUAL(own[i].price.to_string(), flat[i].price.to_string());
  // Someone sells at 997.5, inside the bids: they move down under it, a level apart as
  // before; the asks stay.
  auto under = compute_ladder(dec("1000"), Decimal{}, m, p, BookTop{std::nullopt, dec("997.5")});
  CAF_REQUIRE_EQUAL(under.size(), 10u);
  const char* bids[] = {"997.49", "996.49", "995.49", "994.49", "993.49"};
  for (size_t i = 0; i < 5; ++i) {
    CAF_CHECK(under[i].side == Side::buy);
    CAF_CHECK_EQUAL(under[i].price.to_string(), bids[i]);
    CAF_CHECK_EQUAL(under[i].qty.to_string(), flat[i].qty.to_string());
    CAF_CHECK(on_grid(m, under[i]));
    CAF_CHECK_EQUAL(under[i + 5].price.to_string(), flat[i + 5].price.to_string());
  }
  // Exactly at the best bid's price, and off the grid: still strictly below.
  auto at = compute_ladder(dec("1000"), Decimal{}, m, p, BookTop{std::nullopt, dec("999")});
  CAF_CHECK_EQUAL(at[0].price.to_string(), "998.99");
  auto off = compute_ladder(dec("1000"), Decimal{}, m, p, BookTop{std::nullopt, dec("998.555")});
  CAF_CHECK_EQUAL(off[0].price.to_string(), "998.55");
  // Someone bids 1003: the asks move up over it.
  auto over = compute_ladder(dec("1000"), Decimal{}, m, p, BookTop{dec("1003"), std::nullopt});
  CAF_REQUIRE_EQUAL(over.size(), 10u);
  CAF_CHECK_EQUAL(over[0].price.to_string(), flat[0].price.to_string());
  CAF_CHECK_EQUAL(over[5].price.to_string(), "1003.01");
  CAF_CHECK_EQUAL(over[9].price.to_string(), "1007.01");
  // An ask near zero leaves no room for bids.
  auto none = compute_ladder(dec("1000"), Decimal{}, m, p, BookTop{std::nullopt, dec("0.01")});
  for (const Quote& q : none)
    CAF_CHECK(q.side == Side::sell);
}

CAF_TEST(a quote refused as crossing stays off its level until the book or reference moves) {
  CrossGuard guard;
  const BookTop book{dec("999"), dec("1001")};
  CAF_CHECK_EQUAL(guard.top(book, 7, dec("1000")).ask->to_string(), "1001");
  // A bid at 999.5 was refused: some ask the book does not show yet is at or under it.
  guard.refused(Side::buy, dec("999.5"), 7, dec("1000"));
  guard.refused(Side::buy, dec("999.8"), 7, dec("1000"));  // the deeper refusal holds
  BookTop top = guard.top(book, 7, dec("1000"));
  CAF_CHECK_EQUAL(top.ask->to_string(), "999.5");
  CAF_CHECK_EQUAL(top.bid->to_string(), "999");
  MarketInfo m = market();
  LadderParams p;
  p.spread_bps = 0;  // the wanted best bid would be 999.99
  CAF_CHECK_EQUAL(compute_ladder(dec("1000"), Decimal{}, m, p, top)[0].price.to_string(), "999.49");
  // The book moved: it shows whatever was crossed, and the refusal is forgotten.
  CAF_CHECK_EQUAL(guard.top(book, 8, dec("1000")).ask->to_string(), "1001");
  // Same for asks, until the reference moves.
  guard.refused(Side::sell, dec("1000.5"), 8, dec("1000"));
  CAF_CHECK_EQUAL(guard.top(book, 8, dec("1000")).bid->to_string(), "1000.5");
  CAF_CHECK_EQUAL(guard.top(BookTop{}, 8, dec("1000")).bid->to_string(), "1000.5");
  CAF_CHECK(!guard.top(BookTop{}, 8, dec("1000.01")).bid.has_value());
}
