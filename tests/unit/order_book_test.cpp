#define CAF_SUITE order_book
#include <caf/test/unit_test.hpp>

#include "actors/market/order_book.hpp"

using namespace ex::book;

namespace {

NewOrder limit(OrderId id, UserId user, Side side, Ticks price, Lots qty,
               TimeInForce tif = TimeInForce::gtc) {
  NewOrder o;
  o.id = id;
  o.user = user;
  o.side = side;
  o.price = price;
  o.qty = qty;
  o.tif = tif;
  return o;
}

NewOrder market(OrderId id, UserId user, Side side, Lots qty, int64_t budget = kNoBudget) {
  NewOrder o;
  o.id = id;
  o.user = user;
  o.side = side;
  o.is_market = true;
  o.qty = qty;
  o.quote_budget = budget;
  o.tif = TimeInForce::ioc;
  return o;
}

std::vector<Event> of_type(const OrderBook& b, EventType t) {
  std::vector<Event> out;
  for (const Event& e : b.events())
    if (e.type == t) out.push_back(e);
  return out;
}

constexpr Side B = Side::buy;
constexpr Side S = Side::sell;

}  // namespace

CAF_TEST(a non crossing order rests and reports its level) {
  OrderBook b;
  auto r = b.add(limit(1, 1, B, 100, 5));
  CAF_CHECK(r.status == OrderStatus::new_);
  CAF_CHECK_EQUAL(r.resting, 5);
  auto levels = of_type(b, EventType::level);
  CAF_REQUIRE_EQUAL(levels.size(), 1u);
  CAF_CHECK_EQUAL(levels[0].price, 100);
  CAF_CHECK_EQUAL(levels[0].qty, 5);
  CAF_CHECK(levels[0].side == B);
  CAF_CHECK_EQUAL(b.order_count(), 1u);
  CAF_CHECK(b.check_invariants());
}

CAF_TEST(partial fills walk levels in price time priority at maker prices) {
  OrderBook b;
  b.add(limit(1, 1, S, 101, 3));
  b.add(limit(2, 2, S, 100, 2));
  b.add(limit(3, 3, S, 100, 4));  // same price, later: after order 2
  b.add(limit(4, 4, S, 102, 10));
  auto r = b.add(limit(5, 5, B, 101, 8));
  CAF_CHECK(r.status == OrderStatus::filled);
  CAF_CHECK_EQUAL(r.executed, 8);
  CAF_CHECK_EQUAL(r.spent, 2 * 100 + 4 * 100 + 2 * 101);
  auto trades = of_type(b, EventType::trade);
  CAF_REQUIRE_EQUAL(trades.size(), 3u);
  CAF_CHECK_EQUAL(trades[0].maker, 2u);
  CAF_CHECK_EQUAL(trades[0].price, 100);
  CAF_CHECK_EQUAL(trades[0].qty, 2);
  CAF_CHECK_EQUAL(trades[1].maker, 3u);
  CAF_CHECK_EQUAL(trades[1].qty, 4);
  CAF_CHECK_EQUAL(trades[2].maker, 1u);
  CAF_CHECK_EQUAL(trades[2].price, 101);
  CAF_CHECK_EQUAL(trades[2].qty, 2);
  CAF_CHECK(trades[0].trade_id < trades[1].trade_id && trades[1].trade_id < trades[2].trade_id);
  // order 1 keeps 1 lot; level 100 is gone, level 101 is down to 1
  CAF_CHECK_EQUAL(b.find(1)->remaining, 1);
  CAF_CHECK(b.find(2) == nullptr);
  auto levels = of_type(b, EventType::level);
  CAF_REQUIRE_EQUAL(levels.size(), 2u);
  CAF_CHECK_EQUAL(levels[0].price, 100);
  CAF_CHECK_EQUAL(levels[0].qty, 0);
  CAF_CHECK_EQUAL(levels[1].price, 101);
  CAF_CHECK_EQUAL(levels[1].qty, 1);
  auto done = of_type(b, EventType::done);
  CAF_REQUIRE_EQUAL(done.size(), 3u);  // makers 2 and 3 filled, then the taker
  CAF_CHECK_EQUAL(done[2].order, 5u);
  CAF_CHECK(done[2].reason == DoneReason::filled);
  CAF_CHECK(b.check_invariants());
}

CAF_TEST(a crossing remainder rests at its limit) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 3));
  auto r = b.add(limit(2, 2, B, 105, 5));
  CAF_CHECK(r.status == OrderStatus::partially_filled);
  CAF_CHECK_EQUAL(r.executed, 3);
  CAF_CHECK_EQUAL(r.resting, 2);
  Ticks bid = 0;
  CAF_REQUIRE(b.best(B, &bid));
  CAF_CHECK_EQUAL(bid, 105);
  CAF_CHECK(b.check_invariants());
}

CAF_TEST(ioc expires its remainder) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 3));
  auto r = b.add(limit(2, 2, B, 100, 5, TimeInForce::ioc));
  CAF_CHECK(r.status == OrderStatus::expired);
  CAF_CHECK_EQUAL(r.executed, 3);
  CAF_CHECK_EQUAL(b.order_count(), 0u);
  auto done = of_type(b, EventType::done);
  CAF_CHECK_EQUAL(done.back().qty, 2);
  CAF_CHECK_EQUAL(done.back().filled, 3);
  CAF_CHECK(done.back().reason == DoneReason::expired);
}

CAF_TEST(fok is all or nothing) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 3));
  b.add(limit(2, 2, S, 101, 3));
  auto r = b.add(limit(3, 3, B, 101, 7, TimeInForce::fok));
  CAF_CHECK(r.status == OrderStatus::expired);
  CAF_CHECK_EQUAL(r.executed, 0);
  CAF_CHECK(of_type(b, EventType::trade).empty());
  CAF_CHECK(of_type(b, EventType::level).empty());
  CAF_CHECK_EQUAL(b.order_count(), 2u);
  // limited to 100 only 3 are available
  r = b.add(limit(4, 3, B, 100, 4, TimeInForce::fok));
  CAF_CHECK(r.status == OrderStatus::expired);
  r = b.add(limit(5, 3, B, 101, 6, TimeInForce::fok));
  CAF_CHECK(r.status == OrderStatus::filled);
  CAF_CHECK_EQUAL(r.executed, 6);
  CAF_CHECK_EQUAL(b.order_count(), 0u);
}

CAF_TEST(fok does not count the takers own orders) {
  OrderBook b;
  b.add(limit(1, 7, S, 100, 5));
  b.add(limit(2, 2, S, 100, 2));
  auto r = b.add(limit(3, 7, B, 100, 3, TimeInForce::fok));
  CAF_CHECK(r.status == OrderStatus::expired);
  CAF_CHECK_EQUAL(b.order_count(), 2u);  // no side effect: the own order was not cancelled
}

CAF_TEST(post only is rejected when it would cross and rests otherwise) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 3));
  auto o = limit(2, 2, B, 100, 1);
  o.post_only = true;
  auto r = b.add(o);
  CAF_CHECK(r.status == OrderStatus::rejected);
  CAF_CHECK(of_type(b, EventType::trade).empty());
  CAF_CHECK(of_type(b, EventType::done)[0].reason == DoneReason::rejected);
  o = limit(3, 2, B, 99, 1);
  o.post_only = true;
  r = b.add(o);
  CAF_CHECK(r.status == OrderStatus::new_);
  CAF_CHECK_EQUAL(b.order_count(), 2u);
}

CAF_TEST(market order on an empty book expires with nothing done) {
  OrderBook b;
  auto r = b.add(market(1, 1, B, 5));
  CAF_CHECK(r.status == OrderStatus::expired);
  CAF_CHECK_EQUAL(r.executed, 0);
  CAF_CHECK_EQUAL(b.events().size(), 1u);
}

CAF_TEST(market order on a thin book takes what there is) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 2));
  auto r = b.add(market(2, 2, B, 5));
  CAF_CHECK(r.status == OrderStatus::expired);
  CAF_CHECK_EQUAL(r.executed, 2);
  CAF_CHECK_EQUAL(b.order_count(), 0u);
}

CAF_TEST(market orders stop at the price band) {
  OrderBook b(BookConfig{StpPolicy::cancel_resting, 1000, 16});  // 10%
  b.add(limit(1, 1, S, 100, 1));
  b.add(market(2, 2, B, 1));  // trades at 100: the reference
  CAF_CHECK_EQUAL(b.last_price(), 100);
  b.add(limit(3, 1, S, 105, 1));
  b.add(limit(4, 1, S, 110, 1));
  b.add(limit(5, 1, S, 111, 1));  // beyond 100 + 10%
  auto r = b.add(market(6, 2, B, 3));
  CAF_CHECK_EQUAL(r.executed, 2);
  CAF_CHECK(r.status == OrderStatus::expired);
  CAF_CHECK(b.find(5) != nullptr);
  // sells are bounded below
  b.add(limit(7, 3, B, 99, 1));
  b.add(limit(8, 3, B, 80, 1));
  r = b.add(market(9, 4, S, 2));
  CAF_CHECK_EQUAL(r.executed, 1);
  CAF_CHECK(b.find(8) != nullptr);
}

CAF_TEST(market buy by quote budget spends whole lots only) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 2));
  b.add(limit(2, 1, S, 105, 2));
  auto r = b.add(market(3, 2, B, 0, 380));  // 2 x 100 + 1 x 105 = 305; 75 left buys nothing
  CAF_CHECK_EQUAL(r.executed, 3);
  CAF_CHECK_EQUAL(r.spent, 305);
  CAF_CHECK(r.status == OrderStatus::filled);
  CAF_CHECK_EQUAL(b.find(2)->remaining, 1);
}

CAF_TEST(market buy by quote budget that runs out of sellers expires) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 1));
  auto r = b.add(market(2, 2, B, 0, 500));  // buys the only lot; 400 could buy 4 more
  CAF_CHECK_EQUAL(r.executed, 1);
  CAF_CHECK_EQUAL(r.spent, 100);
  CAF_CHECK(r.status == OrderStatus::expired);
  // The same when the budget is spent to less than a lot at that price: filled.
  b.add(limit(3, 1, S, 100, 1));
  r = b.add(market(4, 2, B, 0, 150));
  CAF_CHECK_EQUAL(r.executed, 1);
  CAF_CHECK(r.status == OrderStatus::filled);
}

CAF_TEST(market buy by quantity respects its budget cap) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 5));
  auto r = b.add(market(2, 2, B, 5, 250));
  CAF_CHECK_EQUAL(r.executed, 2);
  CAF_CHECK_EQUAL(r.spent, 200);
  CAF_CHECK(r.status == OrderStatus::expired);
}

CAF_TEST(market buy by quantity with a budget below one lot buys nothing) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 5));
  for (int64_t budget : {0, 99}) {
    auto r = b.add(market(2 + budget, 2, B, 5, budget));
    CAF_CHECK_EQUAL(r.executed, 0);
    CAF_CHECK(r.status == OrderStatus::expired);
    CAF_CHECK(of_type(b, EventType::trade).empty());
    CAF_REQUIRE(b.find(1) != nullptr);
    CAF_CHECK_EQUAL(b.find(1)->remaining, 5);
  }
}

CAF_TEST(fill or kill market buy counts only what its budget can pay for) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 3));
  b.add(limit(2, 3, S, 101, 3));
  auto fok = [](OrderId id, Lots qty, int64_t budget) {
    NewOrder o = market(id, 2, B, qty, budget);
    o.tif = TimeInForce::fok;
    return o;
  };
  // 5 lots cost 3 x 100 + 2 x 101 = 502: one tick-lot short kills it, untouched.
  auto r = b.add(fok(3, 5, 501));
  CAF_CHECK(r.status == OrderStatus::expired);
  CAF_CHECK_EQUAL(r.executed, 0);
  CAF_CHECK_EQUAL(b.find(1)->remaining, 3);
  CAF_CHECK_EQUAL(b.find(2)->remaining, 3);
  r = b.add(fok(4, 5, 502));
  CAF_CHECK(r.status == OrderStatus::filled);
  CAF_CHECK_EQUAL(r.executed, 5);
  CAF_CHECK_EQUAL(r.spent, 502);
  CAF_CHECK_EQUAL(b.find(2)->remaining, 1);
}

CAF_TEST(self trade prevention cancels the resting order by default) {
  OrderBook b;
  b.add(limit(1, 9, S, 100, 2));
  b.add(limit(2, 1, S, 101, 2));
  auto r = b.add(limit(3, 9, B, 101, 3));
  CAF_CHECK_EQUAL(r.executed, 2);
  auto trades = of_type(b, EventType::trade);
  CAF_REQUIRE_EQUAL(trades.size(), 1u);
  CAF_CHECK_EQUAL(trades[0].maker, 2u);
  auto done = of_type(b, EventType::done);
  CAF_CHECK_EQUAL(done[0].order, 1u);
  CAF_CHECK(done[0].reason == DoneReason::self_trade);
  CAF_CHECK(b.find(1) == nullptr);
  CAF_CHECK_EQUAL(b.find(3)->remaining, 1);
  CAF_CHECK(b.check_invariants());
}

CAF_TEST(self trade prevention can cancel the taker or both) {
  {
    OrderBook b(BookConfig{StpPolicy::cancel_taker, 1000, 16});
    b.add(limit(1, 9, S, 100, 2));
    auto r = b.add(limit(2, 9, B, 100, 3));
    CAF_CHECK(r.status == OrderStatus::canceled);
    CAF_CHECK(b.find(1) != nullptr);
    CAF_CHECK(b.find(2) == nullptr);
  }
  {
    OrderBook b(BookConfig{StpPolicy::cancel_both, 1000, 16});
    b.add(limit(1, 9, S, 100, 2));
    auto r = b.add(limit(2, 9, B, 100, 3));
    CAF_CHECK(r.status == OrderStatus::canceled);
    CAF_CHECK_EQUAL(b.order_count(), 0u);
    CAF_CHECK(b.check_invariants());
  }
}

CAF_TEST(cancel of unknown or filled ids is a no op) {
  OrderBook b;
  CAF_CHECK(!b.cancel(42));
  b.add(limit(1, 1, S, 100, 2));
  b.add(limit(2, 2, B, 100, 2));
  CAF_CHECK(!b.cancel(1));
  CAF_CHECK(b.events().empty());
  b.add(limit(3, 1, S, 100, 2));
  CAF_CHECK(b.cancel(3));
  auto done = of_type(b, EventType::done);
  CAF_REQUIRE_EQUAL(done.size(), 1u);
  CAF_CHECK(done[0].reason == DoneReason::canceled);
  CAF_CHECK_EQUAL(done[0].qty, 2);
  CAF_CHECK(!b.cancel(3));
}

CAF_TEST(duplicate ids are rejected) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 2));
  auto r = b.add(limit(1, 1, S, 101, 2));
  CAF_CHECK(r.status == OrderStatus::rejected);
  CAF_CHECK_EQUAL(b.order_count(), 1u);
}

CAF_TEST(cancel user removes only that users orders) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 2));
  b.add(limit(2, 2, S, 100, 2));
  b.add(limit(3, 1, B, 90, 2));
  CAF_CHECK_EQUAL(b.cancel_user(1), 2u);
  CAF_CHECK_EQUAL(b.order_count(), 1u);
  CAF_CHECK(b.find(2) != nullptr);
  CAF_CHECK_EQUAL(of_type(b, EventType::done).size(), 2u);
  CAF_CHECK(b.check_invariants());
}

CAF_TEST(depth aggregates levels best first with a limit) {
  OrderBook b;
  b.add(limit(1, 1, B, 98, 1));
  b.add(limit(2, 1, B, 99, 2));
  b.add(limit(3, 2, B, 99, 3));
  b.add(limit(4, 1, S, 101, 4));
  b.add(limit(5, 1, S, 103, 5));
  auto bids = b.depth(B);
  CAF_REQUIRE_EQUAL(bids.size(), 2u);
  CAF_CHECK_EQUAL(bids[0].price, 99);
  CAF_CHECK_EQUAL(bids[0].total, 5);
  auto asks = b.depth(S, 1);
  CAF_REQUIRE_EQUAL(asks.size(), 1u);
  CAF_CHECK_EQUAL(asks[0].price, 101);
}

CAF_TEST(ids slots and levels are reused without corruption) {
  OrderBook b;
  for (OrderId id = 1; id <= 2000; ++id) {
    b.add(limit(id, static_cast<UserId>(id), id % 2 ? B : S,
                id % 2 ? 90 + Ticks(id % 7) : 110 - Ticks(id % 7), 3));
    if (id % 3 == 0) b.cancel(id - 1);
  }
  CAF_CHECK(b.check_invariants());
  size_t visited = 0;
  b.for_each_order([&](const RestingOrder&) { ++visited; });
  CAF_CHECK_EQUAL(visited, b.order_count());
}

CAF_TEST(every event carries the sequence number of its command) {
  OrderBook b;
  b.add(limit(1, 1, S, 100, 2));
  CAF_CHECK_EQUAL(b.sequence(), 1u);
  b.cancel(99);  // a command even when it finds nothing
  CAF_CHECK_EQUAL(b.sequence(), 2u);
  b.add(limit(2, 2, B, 100, 1));
  CAF_CHECK_EQUAL(b.sequence(), 3u);
  CAF_REQUIRE(!b.events().empty());
  for (const Event& e : b.events())
    CAF_CHECK_EQUAL(e.seq, 3u);
  b.add(limit(3, 1, S, 100, 1));
  CAF_CHECK_EQUAL(b.cancel_user(1), 2u);
  // one command: both orders, and their shared level reported once with its final total
  size_t levels = 0;
  for (const Event& e : b.events()) {
    CAF_CHECK_EQUAL(e.seq, 5u);
    levels += e.type == EventType::level;
  }
  CAF_CHECK_EQUAL(levels, 1u);
}
