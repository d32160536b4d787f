// The messages actors exchange: atoms, message records and their registration.
// Every record has an `inspect` overload and is registered by add_message_types(), on
// every node under the same names, so actors can later talk across nodes unchanged.
// (FrameSink and the gateway's callbacks are process-local by nature: they never leave
// the node that created them.)
#pragma once

#include <caf/all.hpp>

#include "actors/common/domain.hpp"
#include "actors/gateway/exchange_api.hpp"

namespace ex {

// --- atoms (at most 10 characters) ---
using place_atom = caf::atom_constant<caf::atom("place")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using cancel_all_atom = caf::atom_constant<caf::atom("cancelall")>;
using open_atom = caf::atom_constant<caf::atom("open")>;
using order_atom = caf::atom_constant<caf::atom("order")>;
using history_atom = caf::atom_constant<caf::atom("history")>;
using depth_atom = caf::atom_constant<caf::atom("depth")>;
using trades_atom = caf::atom_constant<caf::atom("trades")>;
using klines_atom = caf::atom_constant<caf::atom("klines")>;
using ticker_atom = caf::atom_constant<caf::atom("ticker")>;
using deposit_atom = caf::atom_constant<caf::atom("deposit")>;
using balances_atom = caf::atom_constant<caf::atom("balances")>;
using settle_atom = caf::atom_constant<caf::atom("settle")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;
using account_atom = caf::atom_constant<caf::atom("account")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using stored_atom = caf::atom_constant<caf::atom("stored")>;
using synced_atom = caf::atom_constant<caf::atom("synced")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
using append_atom = caf::atom_constant<caf::atom("append")>;

// The journal stream of account deposits (markets' streams are named by their symbols).
constexpr const char* kDepositStream = "deposits";

// Errors travel as caf::error in this category; code = ErrorCode.
constexpr caf::atom_value kErrorCategory = caf::atom("exchange");
caf::error to_caf_error(const Error& e);
caf::error to_caf_error(ErrorCode code, std::string message);
// Any caf::error back to an API error: ours keep their code; timeouts and dead or
// unreachable actors become UNAVAILABLE.
Error from_caf_error(const caf::error& e);

template <class Inspector>
auto inspect(Inspector& f, Settlement& x) {
  return f(caf::meta::type_name("settlement"), x.kind, x.user, x.order_id, x.price, x.qty);
}

template <class Inspector>
auto inspect(Inspector& f, CancelReply& x) {
  return f(caf::meta::type_name("cancel_reply"), x.order_id, x.executed, x.remaining);
}

// What a market tells one account after a command: ledger operations for its orders,
// in order, and the new state of those orders.
struct AccountUpdate {
  std::vector<Settlement> settlements;
  std::vector<OrderInfo> orders;
};

template <class Inspector>
auto inspect(Inspector& f, AccountUpdate& x) {
  return f(caf::meta::type_name("account_update"), x.settlements, x.orders);
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
  uint64_t depth_update_id = 0;  // non-zero when levels changed
  std::vector<PriceLevel> bids, asks;  // changed levels, new totals (0 = gone)
  std::vector<TradeRecord> trades;
  std::vector<OrderInfo> orders;  // orders created or changed
  std::vector<Candle> candles;    // current candle of every interval, when trades happened
  std::vector<TickerStats> ticker;  // one element when trades happened
};

template <class Inspector>
auto inspect(Inspector& f, MarketUpdate& x) {
  return f(caf::meta::type_name("market_update"), x.market, x.seq, x.time_ms,
           x.depth_update_id, x.bids, x.asks, x.trades, x.orders, x.candles, x.ticker);
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

void add_message_types(caf::actor_system_config& cfg);

}  // namespace ex

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ex::FrameSink)
