// Reads storage events from the Redis streams with a consumer group and feeds them to the
// writer actor: at-least-once, since the writer's writes are idempotent by id.
//
// Loop: XREADGROUP GROUP <group> <consumer> COUNT n BLOCK ms STREAMS events:<s>... >
// -> decode -> send each record to the writer as the markets would -> (flush) the writer
// -> once it answers true (the batch is in storage), XACK the entries -> read again.
// Nothing is acknowledged before the store write succeeded; a write that fails is retried
// (the writer keeps its batch) before anything else is read.
//
// On start, and again after any Redis error, it (re)creates the groups (XGROUP CREATE
// ... 0 MKSTREAM: entries added before the group existed are read too), takes over
// entries other consumers left pending for longer than `claim_idle` (XAUTOCLAIM; a
// writer that died), and first reads its own pending entries (ID 0: read before a
// crash or restart, never acknowledged), then new ones. Entries it cannot decode (a
// newer format) are logged and left pending for a consumer that can.
//
// Messages besides its own: (bus_source, stream, actor) names the actor of this node that
// produces `stream` (its market); (stored, stream, seq) from the writer is passed on to it,
// so a market hears how far storage has it as it would without the bus. Streams whose
// source lives on another node (or deposits) are not told (their journals are kept longer).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "net/redis/redis_connection.hpp"

namespace ex::redis {

struct ConsumerOptions {
  std::string group = "writers";
  std::string consumer = "writer-1";  // stable across restarts: it finds its own pending
  size_t count = 1000;                // entries per read
  std::chrono::milliseconds block{1000};
  std::chrono::milliseconds claim_idle{30000};
  std::chrono::milliseconds retry{200};
};

// `streams`: the stream names (market symbols, kDepositStream) whose events it reads.
// `connection`: a started command connection for this actor alone (a read blocks it).
caf::behavior stream_consumer(caf::event_based_actor* self, std::shared_ptr<Connection> connection,
                              std::vector<std::string> streams, caf::actor writer,
                              ConsumerOptions options);

}  // namespace ex::redis
