#define CAF_SUITE bots_deposit_precision
#include <caf/test/unit_test.hpp>

#include "net/bots/deposit_precision.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex::bots;
using ex::Decimal;
using ex::client::MarketInfo;

namespace {

using ex::testing::dec;

MarketInfo market(const char* base, const char* quote, std::optional<int> base_precision,
                  std::optional<int> quote_precision) {
  MarketInfo m;
  m.symbol = std::string(base) + "_" + quote;
  m.base = base;
  m.quote = quote;
  m.base_precision = base_precision;
  m.quote_precision = quote_precision;
  return m;
}

}  // namespace

CAF_TEST(amounts within the precision of their assets pass) {
  std::vector<MarketInfo> markets{market("TATA", "INR", 2, 2), market("GOLD", "USD", 4, 0)};
  CAF_CHECK(!too_fine_deposit(markets, {{"INR", dec("1000000"), "--fund-quote"},
                                        {"TATA", dec("0.25"), "--fund-base"},
                                        {"GOLD", dec("0.1234"), "--fund-base"},
                                        {"USD", dec("3"), "--fund-quote"}}));
  CAF_CHECK(!too_fine_deposit(markets, {}));
}

CAF_TEST(the first amount finer than its asset is named with its option) {
  std::vector<MarketInfo> markets{market("TATA", "INR", 2, 2), market("GOLD", "USD", 4, 0)};
  auto why = too_fine_deposit(markets, {{"INR", dec("100"), "--topup-amount"},
                                        {"USD", dec("100.5"), "--topup-amount"},
                                        {"GOLD", dec("0.00001"), "--fund-base"}});
  CAF_REQUIRE(why);
  CAF_CHECK_EQUAL(*why,
                  "--topup-amount 100.5 has more decimals than USD allows (0, market GOLD_USD): "
                  "the exchange would refuse every deposit of it");
  why = too_fine_deposit(markets, {{"GOLD", dec("0.00001"), "--fund-base"}});
  CAF_REQUIRE(why);
  CAF_CHECK(why->find("GOLD allows (4") != std::string::npos);
}

CAF_TEST(an asset quoted in one market and traded in another has the precision either states) {
  // INR's precision comes from the second market, where it is the quote.
  std::vector<MarketInfo> markets{market("TATA", "USD", 2, 2), market("USD", "INR", 2, 1)};
  CAF_CHECK(too_fine_deposit(markets, {{"INR", dec("0.25"), "--fund-quote"}}));
  CAF_CHECK(!too_fine_deposit(markets, {{"INR", dec("0.5"), "--fund-quote"}}));
  CAF_CHECK(!too_fine_deposit(markets, {{"USD", dec("0.25"), "--fund-quote"}}));
}

CAF_TEST(an exchange that does not state precisions is not second guessed) {
  std::vector<MarketInfo> markets{market("TATA", "INR", std::nullopt, std::nullopt)};
  CAF_CHECK(!too_fine_deposit(markets, {{"INR", dec("0.00000001"), "--topup-amount"}}));
  // Nor an asset no market names.
  CAF_CHECK(!too_fine_deposit(markets, {{"XYZ", dec("0.00000001"), "--topup-amount"}}));
}
