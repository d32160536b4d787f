// What the market maker reports: the counters its parts keep, how its stop ended, and the
// two lines made from them, the periodic status line and the summary. Both lines are read
// by tests and scripts (tests/bots/bots_e2e.test.mjs, deploy/soak.sh): keep their shape.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "net/bots/fill_ledger.hpp"
#include "net/bots/mm_market.hpp"
#include "net/bots/order_tracker.hpp"

namespace ex::bots {

// Each part of the bot counts its own events here; only the report reads them all.
struct MmCounters {
  uint64_t placed = 0, rejected = 0, cross_rejects = 0, funds_rejects = 0, cancels = 0,
           cancel_gone = 0, maker_fills = 0, taker_orders = 0, taker_fills = 0, trades_seen = 0,
           transport_errors = 0, server_errors = 0, offline_count = 0, deposits = 0,
           depth_resyncs = 0, drift_warnings = 0, adopted = 0, strays_cancelled = 0,
           inconsistent = 0;
  double offline_seconds = 0;

  // How the stop ended (MmShutdown, and MmFunds for the final balance check).
  uint64_t exit_cancelled = 0, left_open = 0;
  bool left_open_known = false;         // the exchange answered the last open-orders query
  std::string final_check = "skipped";  // "ok", "drift", "unreachable", "cancel_failed"
  std::string final_drift;              // with "drift": user/asset:expected!=exchange,...
};

// "status: <state> | <market> ref .. resting b/a in flight b/a position .. | ... | placed ..":
// per market the maker's resting quotes apart from those in flight (being placed or
// cancelled, or unsettled), since counting slots showed a full ladder while every quote
// was being refused.
std::string status_line(const std::string& state, const MmMarkets& markets,
                        const OrderTracker& tracker, const std::string& maker,
                        const MmCounters& counters);

// The name=value line printed when the bot ends: the counters, the stop's outcome, the
// maker's position per market and what the ledger expects each user to hold of each asset.
std::string summary_line(const MmCounters& counters, const MmMarkets& markets,
                         const FillLedger& ledger, const std::string& maker,
                         const std::vector<std::string>& users, const std::set<std::string>& assets,
                         uint64_t ws_connects, double elapsed_s);

}  // namespace ex::bots
