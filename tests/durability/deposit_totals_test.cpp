#define CAF_SUITE deposit_totals
#include <caf/test/unit_test.hpp>

#include "actors/account/deposit_totals.hpp"
#include "actors/common/binary_codec.hpp"

using namespace ex;

namespace {
DepositRecord deposit(uint64_t id, const char* user, const char* asset, int64_t units) {
  return DepositRecord{id, user, asset, Decimal::from_units(units), 1700000000000};
}
}  // namespace

CAF_TEST(journal records add up per user and asset and survive a snapshot) {
  DepositTotals t;
  for (auto d : {deposit(1, "5", "INR", 100), deposit(2, "5", "INR", 250),
                 deposit(3, "5", "TATA", 7), deposit(4, "1", "INR", 9)}) {
    CAF_REQUIRE(t.apply(encode_binary(d)));
  }
  CAF_CHECK_EQUAL(t.units().at({"5", "INR"}), 350);
  CAF_CHECK_EQUAL(t.units().at({"5", "TATA"}), 7);
  CAF_CHECK_EQUAL(t.units().at({"1", "INR"}), 9);
  auto back = DepositTotals::decode(t.encode());
  CAF_REQUIRE(back);
  CAF_CHECK(back->units() == t.units());
}

CAF_TEST(bad records and payloads are refused and change nothing) {
  DepositTotals t;
  CAF_CHECK(!t.apply("not a deposit"));
  CAF_CHECK(t.units().empty());
  CAF_CHECK(!DepositTotals::decode("\x02\x00"));
  std::string payload = t.encode();
  for (int i = 0; i < 4; ++i)
    payload[i] = 9;  // the version, in either byte order
  CAF_CHECK(!DepositTotals::decode(payload));
}

// A user may deposit more over time than a balance can hold, when trading takes the money
// away in between. The totals are then sums modulo 2^64, as recovery adds a balance up
// (config/recovery.cpp): deposits plus what trading moved, which is in range again.
CAF_TEST(deposits beyond what a balance can hold add up modulo 2 to the 64) {
  DepositTotals t;
  const int64_t big = INT64_MAX - 10;
  for (auto d : {deposit(1, "5", "INR", big), deposit(2, "5", "INR", big)})
    CAF_REQUIRE(t.apply(encode_binary(d)));
  const int64_t wrapped = wrapping_add(big, big);
  CAF_CHECK_EQUAL(t.units().at({"5", "INR"}), wrapped);  // without UB (deploy/sanitize.sh)
  auto back = DepositTotals::decode(t.encode());
  CAF_REQUIRE(back);
  CAF_CHECK(back->units() == t.units());
}
