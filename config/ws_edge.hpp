// `exchange --role ws-edge --bus redis://host:port`: a stateless WebSocket edge. It hosts
// no markets, accounts or storage; it serves SUBSCRIBE/UNSUBSCRIBE on its ports from the
// Redis channels the market nodes publish (net/redis/redis_streams_api.hpp), with the same
// frames; REST calls that need a market answer 503. Runs until SIGINT/SIGTERM.
#pragma once

#include "config/options.hpp"

namespace ex {

int run_ws_edge(const Options& options);

}  // namespace ex
