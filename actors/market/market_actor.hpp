// The market actor: the only place where one market's orders match.
//
// Messages it accepts (and what it does):
//  (place, PlaceOrder, Decimal held)      from an account that has locked `held`: assigns
//        the order id, matches, replies PlaceOutcome to the account, sends every other
//        account that traded its AccountUpdate, and hands the MarketUpdate to hub and writer.
//  (cancel, order id, user id)            -> CancelReply, or UNKNOWN_ORDER (also when the
//        named user does not own it); the owner's account gets the unlock.
//  (cancel_all, user id)                  -> vector<CancelReply>
//  (order, order id)                      -> OrderInfo (memory, else the history actor)
//  (depth, limit) -> DepthSnapshot; (trades, limit) -> vector<TradeRecord>, newest first;
//  (klines, Interval, from, to) -> KlineSlice; (ticker) -> TickerStats.
#pragma once

#include <caf/all.hpp>

#include <array>
#include <vector>

#include "actors/common/domain.hpp"
#include "actors/market/clearing.hpp"
#include "actors/market/market_spec.hpp"

namespace ex {

struct MarketLinks {
  caf::actor hub;      // streams; may be invalid
  caf::actor writer;   // storage; may be invalid
  caf::actor history;  // storage queries; may be invalid
};

struct MarketStart {
  uint64_t next_order_seq = 1;  // order ids are never reused, even across restarts
  uint64_t next_trade_id = 1;
  int64_t band_bps = 1000;
  book::StpPolicy stp = book::StpPolicy::cancel_resting;
  size_t recent_trades = 1000;    // served from memory
  size_t recent_closed = 10000;   // closed orders answered from memory
  // History from storage, so candles, tickers and recent trades survive a restart:
  // the latest candles of every interval (oldest first) and the trades of the last
  // 24 hours (oldest first). The last trade's price is the market orders' reference.
  std::array<std::vector<Candle>, kIntervalCount> candles;
  std::vector<TradeRecord> trades;
};

caf::behavior market_actor(caf::event_based_actor* self, MarketSpec spec, MarketAssets assets,
                           MarketLinks links, MarketStart start);

}  // namespace ex
