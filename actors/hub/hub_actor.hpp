// The hub of one market: keeps who subscribed to which of its streams and fans each
// event out, serialized once for all subscribers.
//
// Messages it accepts:
//  (subscribe, connection, Stream, FrameSink)   (unsubscribe, connection, Stream)
//  (unsubscribe, connection)                    drops every subscription of a connection
//  (update, MarketUpdate)                       from the market, in sequence order
//  (update, vector<MarketUpdate>)               the same, several at once
//  (flush)                                      its own timer: sends coalesced depth
//
// Depth changes are coalesced for `depth_batch` (one event covers update ids U..u, so
// clients can still apply them exactly); trades, fills, candles and tickers go out at
// once. Sinks never block: each connection queues frames and closes itself if it falls
// too far behind, so a slow subscriber never slows the hub.
#pragma once

#include <chrono>
#include <string>

#include <caf/all.hpp>

#include "actors/gateway/exchange_api.hpp"
#include "actors/market/candles.hpp"

namespace ex {

// A market's streams: depth, trade, fills, ticker, then one kline stream per interval.
enum class Stream : uint8_t { depth, trade, fills, ticker, kline_first };
constexpr size_t kStreamCount = static_cast<size_t>(Stream::kline_first) + kIntervalCount;
inline Stream kline_stream(Interval i) {
  return static_cast<Stream>(static_cast<size_t>(Stream::kline_first) + static_cast<size_t>(i));
}

// Parses "depth@TATA_INR", "kline@TATA_INR:1h", ... into market and stream.
bool parse_stream_name(const std::string& name, std::string* market, Stream* stream);

caf::behavior hub_actor(caf::event_based_actor* self, std::string market,
                        std::chrono::milliseconds depth_batch);

}  // namespace ex
