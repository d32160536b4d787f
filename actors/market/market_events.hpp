// What a market takes in and gives out, as plain records: the commands it journals, the
// updates it sends to accounts, hub and writer, and the state a snapshot keeps. No CAF
// here beyond the `inspect` overloads (type names only), so the pure market core and
// its tests use them without an actor system.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/common/domain.hpp"
#include "actors/gateway/exchange_api.hpp"

namespace ex {

template <class Inspector>
auto inspect(Inspector& f, Settlement& x) {
  return f(caf::meta::type_name("settlement"), x.kind, x.user, x.order_id, x.price, x.qty);
}

template <class Inspector>
auto inspect(Inspector& f, CancelReply& x) {
  return f(caf::meta::type_name("cancel_reply"), x.order_id, x.executed, x.remaining,
           x.client_order_id);
}

// What a market tells one account after a command: ledger operations for its orders,
// in order, and the new state of those orders.
struct AccountUpdate {
  std::vector<Settlement> settlements;
  std::vector<OrderInfo> orders;
  uint64_t seq = 0;  // the market command it comes from (storage has it once it reaches it)
};

template <class Inspector>
auto inspect(Inspector& f, AccountUpdate& x) {
  return f(caf::meta::type_name("account_update"), x.settlements, x.orders, x.seq);
}

// The market's answer to an account's (place, PlaceOrder, held, hold_key): the client's
// reply and the taker's own account update, applied by the account before it answers
// the client. `error` is set (and nothing happened) if the market refused the order.
struct PlaceOutcome {
  uint64_t hold_key = 0;
  PlaceReply reply;
  AccountUpdate taker;
  uint8_t error = 0;  // 0: none, else an ErrorCode + 1
  std::string error_message;
};

template <class Inspector>
auto inspect(Inspector& f, PlaceOutcome& x) {
  return f(caf::meta::type_name("place_outcome"), x.hold_key, x.reply, x.taker, x.error,
           x.error_message);
}

// Everything one market command changed, for the hub (streams) and the writer (storage).
struct MarketUpdate {
  std::string market;
  uint64_t seq = 0;
  int64_t time_ms = 0;
  uint64_t depth_update_id = 0;        // non-zero when levels changed
  std::vector<PriceLevel> bids, asks;  // changed levels, new totals (0 = gone)
  std::vector<TradeRecord> trades;
  std::vector<OrderInfo> orders;    // orders created or changed
  std::vector<Candle> candles;      // current candle of every interval, when trades happened
  std::vector<TickerStats> ticker;  // one element when trades happened
};

template <class Inspector>
auto inspect(Inspector& f, MarketUpdate& x) {
  return f(caf::meta::type_name("market_update"), x.market, x.seq, x.time_ms, x.depth_update_id,
           x.bids, x.asks, x.trades, x.orders, x.candles, x.ticker);
}

// Candles a market holds in memory for a range, and where its memory starts.
struct KlineSlice {
  std::vector<Candle> candles;
  int64_t oldest_kept_ms = 0;
};

template <class Inspector>
auto inspect(Inspector& f, KlineSlice& x) {
  return f(caf::meta::type_name("kline_slice"), x.candles, x.oldest_kept_ms);
}

// The trades a market holds in memory below an id, newest first, and the first id it
// keeps: trades below that one are in storage only.
struct TradeSlice {
  std::vector<TradeRecord> trades;
  uint64_t first_kept = 1;
};

template <class Inspector>
auto inspect(Inspector& f, TradeSlice& x) {
  return f(caf::meta::type_name("trade_slice"), x.trades, x.first_kept);
}

// One accepted command, as the market's journal keeps it: replaying the journal's
// commands in order through MarketCore rebuilds the market exactly.
struct MarketCommand {
  enum Kind : uint8_t { place, cancel, cancel_all };
  Kind kind = place;
  int64_t time_ms = 0;    // the command's time: matching reads no clock
  PlaceOrder order;       // place
  Decimal held;           // place: what the account locked for it
  uint64_t order_id = 0;  // place: the id it got; cancel: the order
  std::string user_id;    // cancel, cancel_all: who asks ("" = anyone, for cancel)
};

template <class Inspector>
auto inspect(Inspector& f, MarketCommand& x) {
  return f(caf::meta::type_name("market_command"), x.kind, x.time_ms, x.order, x.held, x.order_id,
           x.user_id);
}

// A market's state in a snapshot (format kMarketStateVersion). Candles, the ticker and
// recent trades are not in it: they come back from storage (see MarketCore).
constexpr uint32_t kMarketStateVersion = 1;

struct TraderState {
  std::string user_id;  // index = the book's UserId
  // The trader's side of this market, as the market's shadow ledger holds it: totals
  // (available + locked) and what its orders' holds brought in (see MarketCore).
  int64_t base_total = 0, quote_total = 0;
  int64_t base_funded = 0, quote_funded = 0;
};

template <class Inspector>
auto inspect(Inspector& f, TraderState& x) {
  return f(caf::meta::type_name("trader_state"), x.user_id, x.base_total, x.quote_total,
           x.base_funded, x.quote_funded);
}

struct RestingState {
  OrderInfo info;
  uint32_t user = 0;
  int64_t price_ticks = 0;
  int64_t remaining_lots = 0, original_lots = 0;
  int64_t hold_remaining = 0, hold_limit = 0;  // Decimal units
};

template <class Inspector>
auto inspect(Inspector& f, RestingState& x) {
  return f(caf::meta::type_name("resting_state"), x.info, x.user, x.price_ticks, x.remaining_lots,
           x.original_lots, x.hold_remaining, x.hold_limit);
}

struct MarketState {
  uint32_t version = kMarketStateVersion;
  std::string market;
  uint64_t seq = 0;  // the last command it includes
  uint64_t next_order_seq = 1;
  uint64_t next_trade_id = 1;
  int64_t last_price_ticks = 0;
  uint64_t depth_update_id = 0;
  std::vector<TraderState> traders;
  std::vector<RestingState> orders;  // in book priority order
};

template <class Inspector>
auto inspect(Inspector& f, MarketState& x) {
  return f(caf::meta::type_name("market_state"), x.version, x.market, x.seq, x.next_order_seq,
           x.next_trade_id, x.last_price_ticks, x.depth_update_id, x.traders, x.orders);
}

}  // namespace ex
