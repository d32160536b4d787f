#define CAF_SUITE bots_order_tracker
#include <caf/test/unit_test.hpp>

#include "net/bots/order_tracker.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex::bots;
using ex::Decimal;
using ex::client::FillEvent;
using ex::client::OrderState;
using ex::client::PlaceResult;
using ex::client::Side;
using State = TrackedOrder::State;

namespace {

using ex::testing::dec;

const std::vector<std::string> kUsers = {"5", "1"};

OrderTracker::NewOrder quote(Side side, const char* price, const char* qty, size_t market = 0) {
  OrderTracker::NewOrder n;
  n.market = market;
  n.base = "TATA";
  n.quote = "INR";
  n.user = "5";
  n.side = side;
  n.price = dec(price);
  n.qty = dec(qty);
  return n;
}

PlaceResult placed(const std::string& id, const char* status = "NEW") {
  PlaceResult r;
  r.order_id = id;
  r.status = status;
  return r;
}

FillEvent fill(const std::string& id, uint64_t trade, const char* price, const char* qty,
               const std::string& user = "5") {
  FillEvent f;
  f.market = "TATA_INR";
  f.order_id = id;
  f.price = dec(price);
  f.qty = dec(qty);
  f.trade_id = trade;
  f.user_id = user;
  return f;
}

OrderState listed(const std::string& id, const std::string& client_id, const char* filled = "0") {
  OrderState s;
  s.order_id = id;
  s.client_order_id = client_id;
  s.executed = dec(filled);
  s.status = "NEW";
  return s;
}

struct fixture {
  OrderTracker t{"mmab12"};
  Clock::time_point now = Clock::now();
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(order_tracker, fixture)

CAF_TEST(orders get client ids and hold slots from the moment they are sent) {
  auto& a = t.add(quote(Side::buy, "999", "1"), now);
  CAF_CHECK_EQUAL(a.client_id, "mmab12-1");
  auto n = quote(Side::sell, "1001", "1");
  n.taker = true;
  CAF_CHECK_EQUAL(t.add(n, now).client_id, "mmab12t2");
  std::vector<LiveQuote> live;
  int busy[2];
  t.quotes(0, now, &live, busy);
  CAF_CHECK(live.empty());
  CAF_CHECK_EQUAL(busy[0], 1);  // the taker order holds no quote slot
  CAF_CHECK_EQUAL(busy[1], 0);
  CAF_CHECK(!t.on_placed(1, placed("a1"), now));
  live.clear();
  t.quotes(0, now + std::chrono::milliseconds(1500), &live, busy);
  CAF_REQUIRE_EQUAL(live.size(), 1u);
  CAF_CHECK_EQUAL(live[0].age_ms, 1500);
  CAF_CHECK_EQUAL(busy[0], 0);
  CAF_CHECK(t.any_placing());  // the taker is still being placed
}

CAF_TEST(fills before the place reply are held and then counted once) {
  t.add(quote(Side::buy, "999", "2"), now);
  auto early = t.on_fill(fill("a1", 7, "999", "0.5"), kUsers, now);
  CAF_CHECK(early.kind == OrderTracker::FillOutcome::held);
  CAF_CHECK(t.on_fill(fill("zz", 8, "1", "1", "9"), kUsers, now).kind ==
            OrderTracker::FillOutcome::ignored);  // another user's
  t.on_placed(1, placed("a1"), now);
  CAF_CHECK_EQUAL(t.ledger().executed(1).to_string(), "0.5");
  CAF_CHECK(t.on_fill(fill("a1", 7, "999", "0.5"), kUsers, now).kind ==
            OrderTracker::FillOutcome::ignored);  // the same trade again
  auto last = t.on_fill(fill("a1", 9, "999", "1.5"), kUsers, now);
  CAF_CHECK(last.kind == OrderTracker::FillOutcome::completed);
  CAF_CHECK(t.find(1) == nullptr);
  CAF_CHECK_EQUAL(t.ledger().traded("5", "TATA").to_string(), "2");
  // A late duplicate of a closed order's fill is recognised, not held as a stranger's.
  CAF_CHECK(t.on_fill(fill("a1", 9, "999", "1.5"), kUsers, now).kind ==
            OrderTracker::FillOutcome::ignored);
  CAF_CHECK_EQUAL(t.ledger().traded("5", "TATA").to_string(), "2");
}

CAF_TEST(a taker closes with its reply and its fills count) {
  auto n = quote(Side::buy, "1001", "2");
  n.taker = true;
  n.user = "1";
  t.add(n, now);
  PlaceResult r = placed("t1", "EXPIRED");
  r.executed = dec("1");
  r.fills.push_back({dec("1000.5"), dec("1"), 11, "5", "m1", false});
  CAF_CHECK(t.on_placed(1, r, now));
  CAF_CHECK(t.find(1) == nullptr);
  CAF_CHECK_EQUAL(t.ledger().traded("1", "INR").to_string(), "-1000.5");
  CAF_CHECK_EQUAL(t.ledger().traded("1", "TATA").to_string(), "1");
}

CAF_TEST(reconcile keeps listed orders and looks up the rest) {
  t.add(quote(Side::buy, "999", "1"), now);    // 1: listed
  t.add(quote(Side::buy, "998", "1"), now);    // 2: missing from the list
  t.add(quote(Side::sell, "1001", "1"), now);  // 3: reply lost, listed by client id
  t.add(quote(Side::sell, "1002", "1"), now);  // 4: reply lost, not listed
  t.add(quote(Side::sell, "1003", "1"), now);  // 5: still being placed
  t.add(quote(Side::buy, "997", "1"), now);    // 6: acknowledged after the list was asked for
  t.on_placed(1, placed("a1"), now);
  t.on_placed(2, placed("a2"), now);
  t.find(3)->state = State::unknown;
  t.find(4)->state = State::unknown;
  auto asked = now + std::chrono::milliseconds(10);
  t.on_placed(6, placed("a6"), asked + std::chrono::milliseconds(1));
  std::vector<OrderState> open = {listed("a1", "mmab12-1", "0.25"), listed("a3", "mmab12-3"),
                                  listed("x9", "mm0000-77"), listed("h1", "")};
  auto r = t.reconcile(0, open, asked, "mm");
  CAF_CHECK_EQUAL(r.lookup_by_id, std::vector<uint64_t>{2});
  CAF_REQUIRE_EQUAL(r.lookup_history.size(), 1u);
  CAF_CHECK_EQUAL(r.lookup_history["5"], std::vector<uint64_t>{4});
  CAF_CHECK_EQUAL(r.strays, std::vector<std::string>{"x9"});  // a bot's; "h1" is a person's
  CAF_CHECK_EQUAL(r.adopted, 1u);
  CAF_CHECK(t.find(3)->state == State::open);
  CAF_CHECK_EQUAL(t.find(3)->order_id, "a3");
  CAF_CHECK_EQUAL(t.ledger().executed(1).to_string(), "0.25");
  CAF_CHECK(t.find(5)->state == State::placing);
  CAF_CHECK(t.find(6)->state == State::open);
  // The history settles order 4: it was filled, then closed.
  OrderState done = listed("a4", "mmab12-4", "1");
  done.status = "FILLED";
  CAF_CHECK_EQUAL(t.resolve_history({4}, {done}), 0u);
  CAF_CHECK(t.find(4) == nullptr);
  CAF_CHECK_EQUAL(t.ledger().traded("5", "TATA").to_string(), "-0.75");  // +0.25 - 1
}

CAF_TEST(an order missing from the history never reached the book) {
  t.add(quote(Side::buy, "999", "1"), now);
  t.find(1)->state = State::unknown;
  CAF_CHECK_EQUAL(t.resolve_history({1}, {}), 0u);
  CAF_CHECK(t.find(1) == nullptr);
  CAF_CHECK_EQUAL(t.ledger().traded("5", "TATA").to_string(), "0");
}

CAF_TEST_FIXTURE_SCOPE_END()
