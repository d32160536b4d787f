// The persistence writer: batches market updates and deposits into storage, off the
// order path (a slow disk delays history, never matching). Runs on its own thread.
//
// Messages it accepts:
//  (update, MarketUpdate)   its trades, order states and candles
//  (deposit, DepositRecord, seq)  seq: its place in the deposits journal (0: none)
//  (flush)                  writes what is pending now; answers true (used at shutdown)
//  (tick)                   its own timer
// With each write goes the journal position it reaches (storage/store.hpp, StreamPosition);
// once written, the sender of that stream hears (stored, stream, seq), so it knows which
// journal segments history no longer needs. Writes are idempotent by id (see storage/store.hpp), so a replayed update is harmless.
// A failed write is retried on the next tick with the same batch; nothing is dropped.
#pragma once

#include <chrono>
#include <memory>

#include <caf/all.hpp>

#include "storage/store.hpp"

namespace ex {

struct WriterOptions {
  std::chrono::milliseconds interval{10};  // how long records may wait for company
  size_t max_batch = 5000;                 // records per transaction
};

caf::behavior writer_actor(caf::event_based_actor* self, std::shared_ptr<Store> store,
                           WriterOptions options);

// Serves history queries from storage, on its own thread (queries block).
//  (order, id) -> OrderInfo;  (trades, market, limit) -> vector<TradeRecord>;
//  (klines, market, Interval, from, to) -> vector<Candle>;
//  (history, user, market, limit) -> vector<OrderInfo>;  (ping) -> bool
caf::behavior history_actor(caf::event_based_actor* self, std::shared_ptr<Store> store);

}  // namespace ex
