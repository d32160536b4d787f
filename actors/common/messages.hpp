// The messages actors exchange: atoms, message records and their registration.
// Every record has an `inspect` overload and is registered by add_message_types(), on
// every node under the same names, so actors can later talk across nodes unchanged.
// (FrameSink and the gateway's callbacks are process-local by nature: they never leave
// the node that created them.)
#pragma once

#include <caf/all.hpp>

#include "actors/common/domain.hpp"
#include "actors/gateway/exchange_api.hpp"
#include "actors/market/market_events.hpp"
#include "storage/store.hpp"

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
using written_atom = caf::atom_constant<caf::atom("written")>;
using append_atom = caf::atom_constant<caf::atom("append")>;
using record_atom = caf::atom_constant<caf::atom("record")>;
using replay_atom = caf::atom_constant<caf::atom("replay")>;
using store_atom = caf::atom_constant<caf::atom("store")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using release_atom = caf::atom_constant<caf::atom("release")>;

// The journal stream of account deposits (markets' streams are named by their symbols).
constexpr const char* kDepositStream = "deposits";

// Errors travel as caf::error in this category; code = ErrorCode.
constexpr caf::atom_value kErrorCategory = caf::atom("exchange");
caf::error to_caf_error(const Error& e);
caf::error to_caf_error(ErrorCode code, std::string message);
// Any caf::error back to an API error: ours keep their code; timeouts and dead or
// unreachable actors become UNAVAILABLE.
Error from_caf_error(const caf::error& e);

void add_message_types(caf::actor_system_config& cfg);

}  // namespace ex

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ex::FrameSink)
