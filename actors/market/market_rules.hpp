// The rules a market's journal was written under, kept in a file beside it (`rules`).
// Replay re-runs every command under the rules it is given, so a market whose tick or step
// size, minimums, price band or self-trade policy changed once it had a journal would
// refuse its records or, worse, match them otherwise than they were acknowledged (a wider
// band walks a market order further). Start-up checks the file before it replays.
#pragma once

#include <string>

#include "actors/common/status.hpp"
#include "actors/market/market_core.hpp"

namespace ex {

// "key=value" lines: the market's id and assets, and every rule replay depends on.
std::string rules_text(const MarketSpec& spec, const MarketStart& start);

// Compares the rules file in `dir` with `rules`, and writes it when there is none (a new
// journal, or one from before the file existed). Errors: the rules differ (the message
// names each change), or the file cannot be read or written.
Result<bool> check_market_rules(const std::string& dir, const std::string& rules);

}  // namespace ex
