#define CAF_SUITE bots_fill_ledger
#include <caf/test/unit_test.hpp>

#include "net/bots/fill_ledger.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex::bots;
using ex::Decimal;
using ex::client::Balance;
using ex::client::Balances;
using ex::client::Side;

namespace {

using ex::testing::dec;

Balances holdings(const char* base, const char* quote) {
  return Balances{{"TATA", Balance{dec(base), Decimal{}}}, {"INR", Balance{dec(quote), Decimal{}}}};
}

FillLedger::OrderSpec spec(Side side, const char* price, bool maker, const char* user = "5") {
  return FillLedger::OrderSpec{user, "TATA", "INR", side, dec(price), maker};
}

}  // namespace

CAF_TEST(fills move expected balances once per trade) {
  FillLedger l;
  l.rebase("5", holdings("100", "100000"));
  l.track(1, spec(Side::buy, "1000", true));
  CAF_CHECK(l.add_fill(1, 77, dec("1000"), dec("2")));
  CAF_CHECK(!l.add_fill(1, 77, dec("1000"), dec("2")));  // the same trade again
  CAF_CHECK(!l.add_fill(9, 78, dec("1000"), dec("2")));  // unknown order
  CAF_CHECK_EQUAL(l.expected("5", "TATA").to_string(), "102");
  CAF_CHECK_EQUAL(l.expected("5", "INR").to_string(), "98000");
  CAF_CHECK_EQUAL(l.traded("5", "TATA").to_string(), "2");
  CAF_CHECK(l.compare("5", holdings("102", "98000")).empty());
  auto drift = l.compare("5", holdings("102", "98000.01"));
  CAF_REQUIRE_EQUAL(drift.size(), 1u);
  CAF_CHECK_EQUAL(drift[0].asset, "INR");
}

CAF_TEST(executed totals and fills are reconciled by their maximum) {
  FillLedger l;
  l.rebase("5", holdings("100", "100000"));
  l.track(1, spec(Side::sell, "1010.5", true));
  l.add_fill(1, 1, dec("1010.5"), dec("1"));
  l.set_executed(1, dec("3"));  // a cancel reply knows of fills not streamed yet
  CAF_CHECK_EQUAL(l.executed(1).to_string(), "3");
  CAF_CHECK_EQUAL(l.expected("5", "TATA").to_string(), "97");
  CAF_CHECK_EQUAL(l.expected("5", "INR").to_string(), "103031.5");
  l.close(1);
  l.add_fill(1, 2, dec("1010.5"), dec("2"));  // the late fills: already counted
  CAF_CHECK_EQUAL(l.expected("5", "TATA").to_string(), "97");
  l.set_executed(1, dec("2"));  // a stale report never lowers it
  CAF_CHECK_EQUAL(l.executed(1).to_string(), "3");
}

CAF_TEST(takers pay the fills prices) {
  FillLedger l;
  l.rebase("1", holdings("0", "10000"));
  l.track(5, spec(Side::buy, "1005", false, "1"));
  l.add_fill(5, 10, dec("1001"), dec("1"));
  l.add_fill(5, 11, dec("1002"), dec("0.5"));
  CAF_CHECK_EQUAL(l.expected("1", "INR").to_string(), "8498");
  CAF_CHECK_EQUAL(l.expected("1", "TATA").to_string(), "1.5");
  CAF_CHECK_EQUAL(l.uncertain(), 0u);
  // An executed total beyond the fills seen: priced at the limit, and flagged.
  l.set_executed(5, dec("2"));
  CAF_CHECK_EQUAL(l.expected("1", "INR").to_string(), "7995.5");
  CAF_CHECK_EQUAL(l.uncertain(), 1u);
}

CAF_TEST(deposits and rebase) {
  FillLedger l;
  l.rebase("5", holdings("1", "1"));
  l.deposit("5", "INR", dec("1000"));
  CAF_CHECK_EQUAL(l.expected("5", "INR").to_string(), "1001");
  l.track(1, spec(Side::buy, "10", true));
  l.add_fill(1, 1, dec("10"), dec("1"));
  l.rebase("5", holdings("5", "5"));
  CAF_CHECK_EQUAL(l.expected("5", "INR").to_string(), "5");
  CAF_CHECK_EQUAL(l.traded("5", "TATA").to_string(), "1");  // the position survives a rebase
  // An asset the exchange does not list counts as zero held.
  auto drift = l.compare("5", Balances{{"TATA", Balance{dec("5"), Decimal{}}}});
  CAF_REQUIRE_EQUAL(drift.size(), 1u);
  CAF_CHECK_EQUAL(drift[0].actual.to_string(), "0");
}
