// The rules a market's journal was written under, kept in a file beside it (`rules`).
// Replay re-runs every command under the rules it is given, so a market whose tick or step
// size, minimums, price band or self-trade policy changed once it had a journal would
// refuse its records or, worse, match them otherwise than they were acknowledged (a wider
// band walks a market order further). Start-up checks every market's file before it
// writes anything, and records the file of a journal that has none.
#pragma once

#include <string>

#include "actors/common/status.hpp"
#include "actors/market/market_core.hpp"

namespace ex {

// "key=value" lines: the market's id and assets, and every rule replay depends on.
std::string rules_text(const MarketSpec& spec, const MarketStart& start);

// Compares the rules file in `dir` with `rules`, reading only. Fine when there is no file,
// or no journal beside it (nothing to replay). A key the file lacks (one a later version
// added) is not a change. Errors: INVALID_FIELD naming each change; the file unreadable.
Result<bool> check_market_rules(const std::string& dir, const std::string& rules);

// Writes `rules` as the file in `dir` (creating `dir`), durably, unless the journal beside
// it has one already.
Result<bool> record_market_rules(const std::string& dir, const std::string& rules);

}  // namespace ex
