// Choosing the storage back end from configuration (--store): the one call a node makes to
// get its Store.
#pragma once

#include <memory>
#include <string>

#include "actors/common/status.hpp"
#include "storage/store.hpp"
#include "storage/store_logger.hpp"

namespace ex {

// `url_or_empty`:
//  - empty: the embedded SQLite database <data_dir>/exchange.db (the directory is created);
//  - postgresql://user:password@host:port/db (or postgres://...): PostgreSQL, with
//    TimescaleDB if the server has it (storage/postgres/postgres_store.hpp).
// Each call opens a Store on a connection of its own (one per thread that needs one).
// Errors: ErrorCode::unavailable if the database cannot be reached or created;
// ErrorCode::invalid_field for a URL of another kind; see the back ends for the rest.
// Messages never show a password. `log` (e.g. &ex::log) hears which mode was chosen and
// about lost and restored connections.
// `use`: the writer's connection gets a large SQLite page cache. Its inserts land all over
// the per-user indexes: with SQLite's default 2 MiB each transaction read most of their
// pages back from the file, and 64 MiB took the writer from 14.6 to 12.9 us of CPU per
// order under http_load. Queries read little and the OS caches the file for them.
enum class StoreUse { queries, writes };
Result<std::shared_ptr<Store>> open_store(const std::string& url_or_empty,
                                          const std::string& data_dir,
                                          const StoreLogger& log = nullptr,
                                          StoreUse use = StoreUse::queries);

// How the start-up line names a store: "sqlite:<data_dir>/exchange.db", or the URL
// without its password.
std::string describe_store(const std::string& url_or_empty, const std::string& data_dir);

}  // namespace ex
