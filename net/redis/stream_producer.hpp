// The storage side of a market with --bus: stands where the writer stands (markets and
// accounts send it what they would send the writer) and appends each record to its Redis
// stream with XADD, for stream_consumer (which feeds the writer) to read.
//
// Messages it accepts (the writer's own):
//  (update, MarketUpdate)          -> XADD events:<market>
//  (update, vector<MarketUpdate>)  the same, several at once
//  (deposit, DepositRecord, seq)   -> XADD events:deposits
//  (flush) -> bool                 true once everything received is in Redis (false if
//                                  Redis stays away for `flush_timeout`)
//
// Batching: one batch (up to `max_batch` XADDs, in one Lua script) is in flight at a time
// and the records arriving meanwhile form the next one, so a burst costs one round trip and
// a lone record goes out at once. Order is kept per stream: when a batch fails (Redis went
// away mid-batch), the whole batch is sent again, before any newer record. A record whose
// reply was lost may then appear twice in the stream, which is harmless: the writer's
// writes are idempotent by id.
//
// Fencing: with a `fence_token`, the script appends only while the key kMarketsNodeKey
// (markets_lease.hpp) holds that token, checked in the same atomic step. A node whose claim
// lapsed while it was cut off from Redis, and which another node took meanwhile, then
// appends nothing to the other node's streams, not even what it buffered during the
// outage; its records wait (and are retried) until its lease renews the claim or finds it
// lost and stops the node.
//
// While Redis is down records wait in memory, at most `max_pending`; beyond that new ones
// are dropped (counted in exchange_bus_dropped_total and logged), since memory must stay
// bounded; the journal remains the source of truth. Streams are capped with
// XADD MAXLEN ~ `max_len` so Redis memory stays bounded too: a consumer away for longer
// than max_len records of a stream loses the oldest: the writer sees the gap in the
// market's sequence and takes those from the journal (README, "PostgreSQL and Redis").
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "net/redis/redis_connection.hpp"

namespace ex::redis {

struct ProducerOptions {
  size_t max_batch = 1000;
  size_t max_pending = 1000000;
  size_t max_len = 1000000;  // per stream, approximate (MAXLEN ~)
  std::chrono::milliseconds retry{200};
  std::chrono::milliseconds flush_timeout{10000};
  std::string fence_token;  // this node's claim; "" appends without checking
};

// `connection`: a started command connection, used by this actor alone.
caf::behavior stream_producer(caf::event_based_actor* self, std::shared_ptr<Connection> connection,
                              ProducerOptions options);

}  // namespace ex::redis
