#define CAF_SUITE ledger
#include <caf/test/unit_test.hpp>

#include "actors/account/ledger.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex;

namespace {

using ex::testing::dec;
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
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->locked.to_string(), "204");     // 2 x 102 still needed
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

CAF_TEST(holds stay exact through table growth renames and closes in any order) {
  // Many accounts and holds: the hold table grows several times and its backward-shift
  // deletions move cells around; every hold must still be found with its own remainder.
  Ledger l(2);
  constexpr uint64_t kOrders = 5000;
  for (AccountId a = 0; a < 50; ++a) {
    l.deposit(a, kBase, dec("1000"));
    l.deposit(a, kQuote, dec("1000000"));
  }
  for (uint64_t id = 1; id <= kOrders; ++id) {
    const AccountId a = static_cast<AccountId>(id % 50);
    auto placed = id % 2 ? l.place(a, sell(id, "1")) : l.place(a, buy(id, "10", "5"));
    CAF_REQUIRE(placed);
  }
  CAF_CHECK_EQUAL(l.open_holds(), kOrders);
  for (uint64_t id = 1; id <= kOrders; id += 7)
    CAF_REQUIRE(l.rename_hold(id, id + 1'000'000));
  auto key_of = [](uint64_t id) { return (id - 1) % 7 == 0 ? id + 1'000'000 : id; };
  for (uint64_t id = 2; id <= kOrders; id += 4) {  // buy `id` trades 1 with sell `id - 1`
    CAF_REQUIRE(l.fill(static_cast<AccountId>(id % 50), key_of(id), dec("4.5"), dec("1")));
    CAF_REQUIRE(
        l.fill(static_cast<AccountId>((id - 1) % 50), key_of(id - 1), dec("4.5"), dec("1")));
    CAF_CHECK_EQUAL(l.held(key_of(id))->to_string(), "5");  // 10 at 5, one at its limit
    CAF_CHECK_EQUAL(l.held(key_of(id - 1))->to_string(), "0");
  }
  CAF_REQUIRE(l.check_invariants());
  for (uint64_t n = 0; n < kOrders; ++n) {
    const uint64_t id = 1 + (n * 2654435761u) % kOrders;  // a permutation of 1..kOrders
    CAF_REQUIRE(l.close(static_cast<AccountId>(id % 50), key_of(id)));
    if (n % 997 == 0) CAF_REQUIRE(l.check_invariants());
  }
  CAF_CHECK_EQUAL(l.open_holds(), 0u);
  CAF_CHECK(l.check_invariants());
  CAF_CHECK_EQUAL(l.total(kBase).to_string(), "50000");
  CAF_CHECK_EQUAL(l.total(kQuote).to_string(), "50000000");
  for (AccountId a = 0; a < 50; ++a)
    CAF_CHECK(l.balance(a, kQuote)->locked.is_zero());
}

CAF_TEST(a hold for order id 0 and a close by the wrong account change nothing) {
  Ledger l(2);
  l.deposit(0, kBase, dec("5"));
  l.deposit(1, kBase, dec("5"));
  auto r = l.place(0, sell(0, "1"));
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::internal);
  CAF_CHECK_EQUAL(l.balance(0, kBase)->available.to_string(), "5");
  CAF_CHECK_EQUAL(l.open_holds(), 0u);
  CAF_REQUIRE(l.place(0, sell(9, "2")));
  auto c = l.close(1, 9);
  CAF_REQUIRE(!c);
  CAF_CHECK(c.error().code == ErrorCode::internal);
  CAF_CHECK_EQUAL(l.held(9)->to_string(), "2");  // still there, still 0's
  CAF_CHECK_EQUAL(l.close(0, 9)->to_string(), "2");
  CAF_CHECK(l.check_invariants());
}

CAF_TEST(large trades settle exactly and out of range ones are refused) {
  // price x qty beyond 64 bits of units: whole quantities scale first, fractional ones
  // divide the 128-bit product; both exact, and anything out of range is refused.
  Ledger l(2);
  l.deposit(0, kQuote, dec("90000000000"));
  l.deposit(1, kBase, dec("9000000"));
  CAF_REQUIRE(l.place(0, buy(1, "61728350", "12345.67")));  // 5000 at 12345.67
  CAF_REQUIRE(l.place(1, sell(2, "5000.5")));
  CAF_REQUIRE(l.fill(0, 1, dec("12345.66"), dec("4999")));
  CAF_REQUIRE(l.fill(1, 2, dec("12345.66"), dec("4999")));
  CAF_CHECK_EQUAL(l.balance(1, kQuote)->available.to_string(), "61715954.34");
  CAF_CHECK_EQUAL(l.held(1)->to_string(), "12345.67");
  CAF_REQUIRE(l.fill(1, 2, dec("12345.66"), dec("0.5")));
  CAF_CHECK_EQUAL(l.balance(1, kQuote)->available.to_string(), "61722127.17");
  CAF_CHECK_EQUAL(l.held(2)->to_string(), "1");
  // Proceeds beyond the balance's range, or a cost beyond any range: refused, no change.
  CAF_CHECK(!l.fill(1, 2, dec("92233720368"), dec("1")));
  CAF_REQUIRE(l.place(1, sell(3, "3")));
  CAF_CHECK(!l.fill(1, 3, dec("46116860184.27387904"), dec("2")));
  CAF_CHECK(!l.fill(1, 3, dec("61489146912.36517205"), dec("1.5")));
  CAF_CHECK_EQUAL(l.held(2)->to_string(), "1");
  CAF_CHECK_EQUAL(l.held(3)->to_string(), "3");
  CAF_CHECK_EQUAL(l.balance(1, kQuote)->available.to_string(), "61722127.17");
  CAF_CHECK_EQUAL(Decimal::mul(dec("46116860184.27387903"), dec("2"))->to_string(),
                  "92233720368.54775806");
  CAF_CHECK(!Decimal::mul(dec("46116860184.27387904"), dec("2")));
  CAF_CHECK(!Decimal::mul(dec("0.00000001"), dec("0.5")));  // not exact at 8 decimals
  CAF_CHECK_EQUAL(Decimal::mul(dec("-3"), dec("30744573456.18258602"))->to_string(),
                  "-92233720368.54775806");
  CAF_CHECK(l.check_invariants());
}

CAF_TEST(prefetch hints never change state) {
  Ledger l(2);
  l.deposit(3, kBase, dec("5"));
  CAF_REQUIRE(l.place(3, sell(4, "1")));
  l.prefetch(3);
  l.prefetch(3, 4);
  l.prefetch(1'000'000, 0);  // unknown account, order id 0
  l.prefetch(7, 12345);      // no such hold
  CAF_CHECK(!l.has_account(7));
  CAF_CHECK_EQUAL(l.held(4)->to_string(), "1");
  CAF_CHECK(l.check_invariants());
}

CAF_TEST(a release returns part of a hold early and its fills and close still add up) {
  Ledger l(2);
  l.deposit(0, kQuote, dec("1000"));
  l.deposit(1, kQuote, dec("1000"));
  CAF_REQUIRE(l.place(0, buy(7, "1000", "0")));  // a market buy holds all it has
  CAF_REQUIRE(l.release(0, 7, dec("895")));      // its market spent 105 at most
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->available.to_string(), "895");
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->locked.to_string(), "105");
  CAF_CHECK(l.check_invariants());
  CAF_REQUIRE(l.fill(0, 7, dec("105"), dec("1")));
  CAF_CHECK_EQUAL(l.close(0, 7)->to_string(), "0");
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->available.to_string(), "895");
  CAF_CHECK_EQUAL(l.balance(0, kBase)->available.to_string(), "1");
  // More than the hold has, a negative amount, another account's hold, no hold: refused,
  // nothing changes.
  CAF_REQUIRE(l.place(0, buy(8, "100", "100")));
  CAF_CHECK(!l.release(0, 8, dec("100.01")));
  CAF_CHECK(!l.release(0, 8, dec("-1")));
  CAF_CHECK(!l.release(1, 8, dec("1")));
  CAF_CHECK(!l.release(0, 99, dec("1")));
  CAF_CHECK_EQUAL(l.held(8)->to_string(), "100");
  CAF_CHECK_EQUAL(l.balance(0, kQuote)->available.to_string(), "795");
  CAF_CHECK(l.release(0, 8, dec("0")));
  CAF_CHECK(l.check_invariants());
  CAF_CHECK_EQUAL(l.total(kQuote).to_string(), "1895");
}
