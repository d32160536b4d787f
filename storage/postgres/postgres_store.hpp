// The PostgreSQL back end of Store (libpqxx 6.4): the shared store of a cluster of nodes
// (DESIGN.md, "Scaling out"), with TimescaleDB where the server has it.
//
// How and why:
//  - One connection per instance, opened lazily and reopened transparently: a call that
//    finds its connection lost (server restarted, network cut) reconnects once and retries,
//    which is safe because every write is idempotent; while the server is down each call
//    fails fast with ErrorCode::unavailable and the next one tries again.
//  - write() is one transaction. Rows go in with COPY into per-session temporary staging
//    tables, then one INSERT ... SELECT ... ON CONFLICT per table merges them (trades and
//    their trade_counts in one statement): a few round trips per batch whatever its size.
//    Rows that would hit the same key twice in one statement (an order written twice in a
//    batch) are merged in C++ first, by the same rules as sequential writes.
//  - The schema is migrated at open (postgres_schema.hpp); TimescaleDB is detected then and
//    used if present (postgres_timescale.hpp).
// Semantics are exactly those of the SQLite back end (storage/store.hpp).
#pragma once

#include <memory>
#include <string>

#include "actors/common/status.hpp"
#include "storage/store.hpp"
#include "storage/store_logger.hpp"

namespace ex {

struct PostgresTuning {
  // How write() sends rows: COPY into staging tables (the default: measured faster, see
  // tests/bench/store_bench.cpp), or multi-row INSERT ... VALUES statements.
  enum class Load { copy, values };
  Load load = Load::copy;
  // Seconds a connection attempt may take before the call gives up as unavailable.
  int connect_timeout_s = 5;
};

// Connects to `url` (postgresql://user:password@host:port/db, or postgres://), migrates
// the schema, detects TimescaleDB, logs which mode it runs in, and returns a Store on a
// connection of its own. Errors: ErrorCode::unavailable if the server cannot be reached
// or refuses the login; ErrorCode::internal if its schema is newer than this program's.
// Messages show the URL without its password.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url,
                                                   const StoreLogger& log = nullptr,
                                                   PostgresTuning tuning = {});

}  // namespace ex
