// The persistence writer: batches market updates and deposits into storage, off the
// order path (a slow disk delays history, never matching). The writer itself runs on the
// scheduler, so the markets' updates reach it without waking a thread; each batch's write
// runs on a storage thread the writer owns, one write at a time.
//
// Messages it accepts:
//  (update, MarketUpdate)   its trades, order states and candles
//  (update, vector<MarketUpdate>)  the same, several at once, in sequence order
//  (deposit, DepositRecord, seq)  seq: its place in the deposits journal (0: none)
//  (flush)                  writes what is pending now; answers true once it is stored,
//                           false if that write failed (used at shutdown and by replays)
//  (tick)                   its own timer
//  (stored, market, seq) -> seq  recovery caught storage up with the market's journal to
//                           `seq`: the next update must follow it. Answers how far storage
//                           holds the market without a gap (less if the catch-up spilled)
// With each write goes the journal position it reaches (storage/store.hpp, StreamPosition);
// once written, the sender of that stream hears (stored, stream, seq), so it knows which
// journal segments history no longer needs. Writes are idempotent by id (see storage/store.hpp), so
// a replayed update is harmless. A failed write is retried with exponential backoff, with the same
// batch plus what came meanwhile. Past max_pending the writer stops holding a market's updates and
// notes where it stopped; when storage answers again, a catch-up worker replays that market's
// journal from there (market_replay.hpp) while the writer holds the market's live updates, then
// hands over: storage gets every trade once and in order, and the journal position stored
// with each batch never passes a gap. Deposits are rare and small: they are always held.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "actors/market/market_replay.hpp"
#include "storage/store.hpp"

namespace ex {

// How the writer rebuilds market updates it had to drop while storage was away: each
// market's journal (MarketReplayPlan, stored_seq filled in per catch-up) and a way to open
// a store connection of its own for the replay's history.
struct WriterCatchUp {
  std::function<Result<std::shared_ptr<Store>>()> open_store;
  std::vector<MarketReplayPlan> markets;
};

struct WriterOptions {
  std::chrono::milliseconds interval{10};  // how long records may wait for company
  // Records per transaction. Above what an interval gathers at full load (about 17,000 in
  // 250 ms at 45,000 orders/s): a transaction's cost is mostly the index pages it dirties,
  // one per user and market whatever the batch, so cutting batches short costs CPU.
  size_t max_batch = 50000;
  // While storage is away, records wait in memory up to this many; after that a market's
  // updates are dropped and, once storage is back, rebuilt from its journal (catch_up).
  size_t max_pending = 200000;
  std::chrono::milliseconds backoff_min{50}, backoff_max{5000};  // retries while away
  std::shared_ptr<const WriterCatchUp> catch_up;  // none: dropped updates wait for a restart
};

caf::behavior writer_actor(caf::event_based_actor* self, std::shared_ptr<Store> store,
                           WriterOptions options);

// Serves history queries from storage, on its own thread (queries block).
//  (order, id) -> OrderInfo;  (trades, market, limit, before) -> vector<TradeRecord>;
//  (klines, market, Interval, from, to) -> vector<Candle>;
//  (history, user, market, limit, OrderCursor, needs) -> vector<OrderInfo>, or UNAVAILABLE
//        while storage has not reached every position of `needs`;
//  (trades, user, market, limit, before) -> vector<TradeRecord>;  (ping) -> bool
// Lists run newest first from below their cursor (storage/store.hpp).
caf::behavior history_actor(caf::event_based_actor* self, std::shared_ptr<Store> store);

}  // namespace ex
