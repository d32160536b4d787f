// Rebuilding a market from its journal directory: the newest snapshot at or before what
// storage has, then the journal after it. Start-up recovery uses it to rebuild the book and
// catch storage up; the writer uses it to catch storage up after the database was away.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "actors/market/market_core.hpp"
#include "storage/store.hpp"

namespace ex {

struct MarketReplayPlan {
  std::string dir;  // the market's journal and snapshots
  MarketSpec spec;
  MarketStart start;
  uint64_t stored_seq = 0;  // storage has the market up to here
  bool repair = false;      // cut a torn tail: at start-up only, never on a live journal
};

struct MarketReplay {
  std::shared_ptr<MarketCore> core;
  uint64_t replayed = 0;  // journal records applied
  bool torn_tail = false;
  std::string tail_file;
  uint64_t tail_offset = 0;
};

// What storage shows of a market's past: its candles, and its newest `trades` trades (at
// least one, the last price).
MarketHistory load_history(Store& store, const std::string& market, size_t trades);

// Rebuilds the market. Commands up to stored_seq replay silently (state only); at that
// point candles, ticker and recent trades are loaded from `store` (which has exactly them),
// and every later command's update goes to `emit`. An error from `emit` stops the replay.
using EmitUpdate = std::function<Result<bool>(MarketUpdate&&)>;
Result<MarketReplay> replay_market(const MarketReplayPlan& plan, Store& store,
                                   const EmitUpdate& emit);

}  // namespace ex
