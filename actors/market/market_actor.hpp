// The market actor: the only place where one market's orders match. A thin shell around
// MarketCore (market_core.hpp) that journals each accepted command and releases its
// effects - the reply, the accounts' settlements, the hub's and writer's update - only
// once the journal says the command is durable (DESIGN.md, "Durability").
//
// Messages it accepts (and what it does):
//  (place, PlaceOrder, Decimal held, hold_key)   from an account that has locked `held`:
//        matches, then sends the account a PlaceOutcome, every other account that traded
//        its (settle, AccountUpdate), and the MarketUpdate to hub and writer (gathered
//        with the updates of the commands queued behind it: market_outbox.hpp).
//        An order that closed at once (IOC, FOK, market) and left part of its hold
//        unspent: the account gets (release, hold_key, amount) right away, before the
//        journal's commit, since that part stays unspent whether or not the command
//        becomes durable. A market buy by quantity holds all of its account's quote.
//  (cancel, order id, user id)            -> CancelReply, or UNKNOWN_ORDER (also when the
//        named user does not own it); the owner's account gets the unlock.
//  (cancel_all, user id)                  -> vector<CancelReply>
//  (order, order id)                      -> OrderInfo (memory, else the history actor)
//  (depth, limit) -> DepthSnapshot;
//  (trades, limit, before) -> TradeSlice: the latest trades below trade id `before`, newest
//        first, as far as memory reaches;
//  (klines, Interval, from, to) -> KlineSlice; (ticker) -> TickerStats.
//  (stored, stream, seq)                  from the writer: storage has the market up to seq.
//  (flush) -> true                        sends what the outbox holds (before a shutdown
//        flushes the journal and the writer); (publish) is its own message for the same.
// If the journal fails, the market stops taking commands (UNAVAILABLE) rather than
// acknowledge what it could not make durable; if it had applied commands it never
// acknowledged, it answers queries UNAVAILABLE too, until a restart replays the journal.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <memory>
#include <vector>

#include "actors/market/market_core.hpp"
#include "storage/journal.hpp"

namespace ex {

struct MarketLinks {
  caf::actor hub;      // streams; may be invalid
  caf::actor writer;   // storage; may be invalid
  caf::actor history;  // storage queries; may be invalid
  caf::actor journal;  // durability; invalid: nothing is journaled (tests)
};

struct MarketDurability {
  journal::Durability level = journal::Durability::batch;
  uint64_t snapshot_every = 100000;  // commands between snapshots
  std::chrono::milliseconds snapshot_interval{std::chrono::minutes(5)};
  uint64_t stored_seq = 0;  // what storage had at start
};

// `accounts[u]` is the account actor of the core's trader u, for traders restored from
// the journal (later traders are learnt from their orders).
caf::behavior market_actor(caf::event_based_actor* self, std::shared_ptr<MarketCore> core,
                           MarketLinks links, MarketDurability durability,
                           std::vector<caf::actor> accounts);

}  // namespace ex
