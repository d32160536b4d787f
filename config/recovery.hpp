// Start-up recovery (DESIGN.md, "Durability"): every market from its newest usable
// snapshot plus its journal, every account from the deposits journal plus the markets'
// shadow ledgers, and storage caught up from the journals so history has no gap.
//
// Layout under <data_dir>/journal/:
//   <market symbol>/   the market's journal segments and snapshots
//   deposits/          the deposits journal and its snapshots (totals per user and asset)
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/account/account_actor.hpp"
#include "actors/account/deposit_totals.hpp"
#include "actors/market/market_core.hpp"
#include "config/options.hpp"
#include "storage/journal.hpp"
#include "storage/store.hpp"

namespace ex {

struct RecoveredMarket {
  std::shared_ptr<MarketCore> core;
  std::shared_ptr<journal::Writer> journal;
  std::string dir;
  uint64_t stored_seq = 0;  // what storage had before the catch-up
  uint64_t replayed = 0;    // journal records applied
};

struct Recovery {
  std::vector<RecoveredMarket> markets;  // in Options::markets order
  std::unordered_map<std::string, AccountRestore> accounts;
  std::shared_ptr<journal::Writer> deposits;
  std::string deposits_dir;
  DepositTotals deposit_totals;  // what the deposits journal holds
  uint64_t deposits_stored_seq = 0;
  uint64_t deposits_last_seq = 0;  // the deposits journal's last record
  uint64_t deposits_replayed = 0;
  uint64_t caught_up = 0;  // updates sent to storage
  std::chrono::milliseconds took{0};
};

std::string journal_root(const Options& o);
std::string journal_dir(const Options& o, const std::string& stream);
// A market's fixed settings (band, STP) as the options give them.
MarketStart market_start(const Options& o, const MarketSpec& spec);

// Rebuilds everything from <data_dir>/journal. Updates storage lacks go to `writer` (the
// writer actor) as it replays; the caller flushes the writer before serving. `store`
// answers what storage already has. Errors name the file at fault.
Result<Recovery> recover(const Options& o, Store& store, caf::actor_system& system,
                         const caf::actor& writer);

}  // namespace ex
