// The SQLite back end of Store: the embedded default, one database file per node.
//
// Settings and why:
//  - WAL journal: readers never block the writer and the writer never blocks readers, so
//    query paths keep answering while the writer commits (each on its own instance).
//  - synchronous=NORMAL: a commit does not fsync; the WAL is synced at checkpoints. A power
//    loss may drop the last commits but never corrupts the file. Acceptable because this
//    store is derived: the writer catches up from the journals (DESIGN.md, "Durability").
//  - busy_timeout 5 s: a connection that meets a lock (another writer, a checkpoint) waits
//    that long before giving up with ErrorCode::unavailable.
//  - Every statement is prepared once per instance; write() is one IMMEDIATE transaction.
// The schema and its migrations are in sqlite_schema.cpp; opening applies any missing one.
#pragma once

#include <memory>
#include <string>

#include "actors/common/status.hpp"
#include "storage/store.hpp"

namespace ex {

// Opens the SQLite database at `path`, creating the file and migrating the schema as
// needed, and returns a Store on a connection of its own. Call once per thread that needs
// a Store. Errors: ErrorCode::unavailable if the file cannot be opened or created (missing
// or unwritable directory, locked too long); ErrorCode::internal if it is not a database
// or its schema is newer than this program's.
// `cache_kib`: SQLite's page cache for this connection (2,000 KiB is SQLite's default).
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, int64_t cache_kib = 2000);

}  // namespace ex
