#define CAF_SUITE market_rules
#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "actors/market/market_rules.hpp"
#include "storage/snapshot_file.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ex;
using ex::testing::dec;
using ex::testing::tata_inr;
using ex::testing::TempDir;

namespace fs = std::filesystem;

namespace {

struct Fixture {
  TempDir temp{"market-rules-test"};
  fs::path dir = temp.path() / "TATA_INR";  // not there yet, as for a new market

  void journal_begins() { CAF_REQUIRE(snapshot::write(dir.string(), 0, "state")); }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(market_rules_tests, Fixture)

CAF_TEST(a journal keeps the rules it began under and refuses others) {
  const std::string rules = rules_text(tata_inr(), MarketStart{});
  CAF_REQUIRE(check_market_rules(dir.string(), rules));  // nothing recorded yet
  CAF_REQUIRE(record_market_rules(dir.string(), rules));
  CAF_CHECK(fs::exists(dir / "rules"));
  journal_begins();
  CAF_CHECK(check_market_rules(dir.string(), rules));  // the same: fine

  MarketSpec wider = tata_inr();
  wider.band_bps = 2000;
  MarketStart taker;
  taker.stp = book::StpPolicy::cancel_taker;
  auto changed = check_market_rules(dir.string(), rules_text(wider, taker));
  CAF_REQUIRE(!changed);
  CAF_CHECK(changed.error().code == ErrorCode::invalid_field);
  CAF_CHECK(changed.error().message.find("band_bps 1000 -> 2000") != std::string::npos);
  CAF_CHECK(changed.error().message.find("stp cancel_resting -> cancel_taker") !=
            std::string::npos);

  MarketSpec coarser = tata_inr();
  coarser.tick_size = dec("0.05");
  auto tick = check_market_rules(dir.string(), rules_text(coarser, MarketStart{}));
  CAF_REQUIRE(!tick);
  CAF_CHECK(tick.error().message.find("tick_size") != std::string::npos);
  // Recording again leaves the journal's rules as they were.
  CAF_CHECK(record_market_rules(dir.string(), rules_text(coarser, MarketStart{})));
  CAF_CHECK(!check_market_rules(dir.string(), rules_text(coarser, MarketStart{})));
  CAF_CHECK(check_market_rules(dir.string(), rules));
}

CAF_TEST(rules with no journal beside them bind nothing) {
  // A start that failed after writing the file, before the journal's first snapshot.
  MarketSpec coarser = tata_inr();
  coarser.tick_size = dec("0.05");
  CAF_REQUIRE(record_market_rules(dir.string(), rules_text(coarser, MarketStart{})));
  const std::string rules = rules_text(tata_inr(), MarketStart{});
  CAF_CHECK(check_market_rules(dir.string(), rules));
  CAF_REQUIRE(record_market_rules(dir.string(), rules));  // replaced
  journal_begins();
  CAF_CHECK(check_market_rules(dir.string(), rules));
  CAF_CHECK(!check_market_rules(dir.string(), rules_text(coarser, MarketStart{})));
}

CAF_TEST(a rule the file does not name is no change) {
  // The file of an older version, which knew no self-trade policy key.
  fs::create_directories(dir);
  std::ofstream(dir / "rules") << "id=1\ntick_size=0.01\n";
  journal_begins();
  CAF_CHECK(check_market_rules(dir.string(), rules_text(tata_inr(), MarketStart{})));
}

CAF_TEST_FIXTURE_SCOPE_END()
