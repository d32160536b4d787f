#define CAF_SUITE ledger
#include <caf/test/unit_test.hpp>

#include "actors/account/ledger.hpp"

using namespace ex;

namespace {

Decimal dec(const char* s) { return *Decimal::parse(s); }
constexpr AssetId kBase = 0, kQuote = 1;

HoldRequest buy(uint64_t id, const char* amount, const char* limit) {
  return HoldRequest{id, HoldSide::buy, kBase, kQuote, dec(amount), dec(limit)};
}
HoldRequest sell(uint64_t id, const char* qty) {
  return HoldRequest{id, HoldSide::sell, kBase, kQuote, dec(qty), Decimal{}};
}

}  // namespace

CAF_TEST(deposits credit available and refuse non positive amounts) {
  Ledger l(2);
  CAF_CHECK_EQUAL(l.deposit(0, kQuote, dec("100.5"))->to_string(), "100.5");
  CAF_CHECK_EQUAL(l.deposit(0, kQuote, dec("0.5"))->to_string(), "101");
  CAF_CHECK(!l.deposit(0, kQuote, dec("0")));
  CAF_CHECK(!l.deposit(0, kQuote, dec("-1")));
  CAF_CHECK(!l.deposit(0, 7, dec("1")));
  CAF_CHECK(!l.deposit(0, kQuote, Decimal::from_units(INT64_MAX)));
  CAF_CHECK_EQUAL(l.total(kQuote).to_string(), "101");
  CAF_CHECK(!l.balance(5, kQuote));
}

CAF_TEST(placing locks and insufficient funds changes nothing) {
  Ledger l(2);
  l.deposit(0, kQuote, dec("100"));
  auto r = l.place(0, buy(1, "150", "1.5"));
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::insufficient_funds);
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->available.to_string(), "100");
  CAF_CHECK(l.place(0, buy(2, "60", "6")));
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->available.to_string(), "40");
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->locked.to_string(), "60");
  CAF_CHECK(l.check_invariants());
}

CAF_TEST(a buyer who pays less than its limit gets the difference back) {
  Ledger l(2);
  l.deposit(0, kQuote, dec("1000"));
  l.deposit(1, kBase, dec("10"));
  CAF_REQUIRE(l.place(0, buy(1, "510", "102")));  // 5 at 102
  CAF_REQUIRE(l.place(1, sell(2, "3")));
  // 3 trade at the maker's price 100
  CAF_REQUIRE(l.fill(0, 1, dec("100"), dec("3")));
  CAF_REQUIRE(l.fill(1, 2, dec("100"), dec("3")));
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->locked.to_string(), "204");   // 2 x 102 still needed
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->available.to_string(), "496");  // 490 + 6 improvement
  CAF_CHECK_EQUAL(l.balance(0, kBase)->available.to_string(), "3");
  CAF_CHECK_EQUAL(l.balance(1, kQuote)->available.to_string(), "300");
  CAF_CHECK_EQUAL(l.balance(1, kBase)->locked.to_string(), "0");
  CAF_CHECK(l.close(1, 2));
  CAF_CHECK_EQUAL(l.close(0, 1)->to_string(), "204");
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->available.to_string(), "700");
  CAF_CHECK_EQUAL(l.total(kQuote).to_string(), "1000");
  CAF_CHECK_EQUAL(l.total(kBase).to_string(), "10");
  CAF_CHECK(l.check_invariants());
}

CAF_TEST(market buys consume their actual cost) {
  Ledger l(2);
  l.deposit(0, kQuote, dec("500"));
  CAF_REQUIRE(l.place(0, HoldRequest{1, HoldSide::buy, kBase, kQuote, dec("500"), Decimal{}}));
  CAF_REQUIRE(l.fill(0, 1, dec("99.5"), dec("2")));
  CAF_CHECK_EQUAL(l.held(1)->to_string(), "301");
  CAF_CHECK_EQUAL(l.close(0, 1)->to_string(), "301");
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->available.to_string(), "301");
  CAF_CHECK(l.check_invariants());
}

CAF_TEST(settlements that would go negative are refused loudly) {
  Ledger l(2);
  l.deposit(0, kBase, dec("5"));
  CAF_REQUIRE(l.place(0, sell(1, "2")));
  auto r = l.fill(0, 1, dec("10"), dec("3"));  // more than held
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::internal);
  CAF_CHECK_EQUAL(l.balance(0, kBase)->locked.to_string(), "2");
  CAF_CHECK(!l.fill(0, 99, dec("10"), dec("1")));  // no such hold
  CAF_CHECK(!l.fill(1, 1, dec("10"), dec("1")));   // someone else's hold
  CAF_REQUIRE(l.place(0, buy(2, "0", "1")).error().code == ErrorCode::insufficient_funds);
  // a buy filled above its limit is a bug
  l.deposit(0, kQuote, dec("100"));
  CAF_REQUIRE(l.place(0, buy(3, "100", "10")));
  CAF_CHECK(!l.fill(0, 3, dec("11"), dec("1")));
  CAF_CHECK(!l.place(0, sell(1, "1")));  // duplicate hold id
  CAF_CHECK(l.check_invariants());
  CAF_CHECK(l.close(0, 1));
  CAF_CHECK(!l.close(0, 1));
}

CAF_TEST(holds can be renamed once the market numbers the order) {
  Ledger l(2);
  l.deposit(0, kBase, dec("5"));
  CAF_REQUIRE(l.place(0, sell(1ull << 63 | 1, "2")));
  CAF_REQUIRE(l.rename_hold(1ull << 63 | 1, 77));
  CAF_CHECK(!l.held(1ull << 63 | 1));
  CAF_CHECK_EQUAL(l.held(77)->to_string(), "2");
  CAF_REQUIRE(l.place(0, sell(78, "1")));
  CAF_CHECK(!l.rename_hold(77, 78));   // onto an existing hold
  CAF_CHECK(!l.rename_hold(999, 80));  // missing
  CAF_CHECK(l.fill(0, 77, dec("3"), dec("2")));
  CAF_CHECK(l.check_invariants());
}
