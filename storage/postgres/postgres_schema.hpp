// The PostgreSQL schema as ordered lists of migrations, and the code that applies them.
//
// Two tracks, each numbered 1, 2, 3, ... with no gaps, recorded in `schema_version`
// (track, version, description, time):
//  - "core": the tables every server gets (the same tables and rules as the SQLite schema).
//  - "timescaledb": trades as a hypertable and candles as continuous aggregates; applied
//    only on a server that offers the extension (postgres_timescale.hpp).
// A migration runs once, in its own transaction with the row that records it, under a
// transaction-scoped advisory lock: processes that start at once take turns, and each
// re-reads the version after getting the lock, so every migration is applied exactly once.
// To change the schema, append a migration; never edit a released one.
#pragma once

#include <string>
#include <vector>

#include "actors/common/status.hpp"

namespace pqxx {
class connection_base;
}

namespace ex::pg {

struct Migration {
  int version;              // 1, 2, 3, ... with no gaps within its track
  const char* description;  // one line, recorded in schema_version
  const char* sql;          // one or more statements
};

constexpr const char* kCoreTrack = "core";
constexpr const char* kTimescaleTrack = "timescaledb";

// This program's core migrations, oldest first.
const std::vector<Migration>& migrations();

// The version `track` is at: 0 if no migration of it was ever applied.
Result<int> schema_version(pqxx::connection_base& conn, const std::string& track = kCoreTrack);

// Applies, in order, each migration of `list` the database has not seen yet on `track` and
// returns the version reached. Refuses (ErrorCode::internal) a database whose version is
// newer than the last of `list`: an older program must not write to it. A server that
// cannot be reached gives ErrorCode::unavailable.
Result<int> migrate(pqxx::connection_base& conn, const std::vector<Migration>& list = migrations(),
                    const std::string& track = kCoreTrack);

}  // namespace ex::pg
