// The SQLite schema as an ordered list of migrations, and the code that applies them.
//
// The `schema_version` table records every migration applied (version, description,
// time). A migration runs once, in its own transaction, together with the row that
// records it, so a crash leaves the database at the previous version or the next one,
// never between. To change the schema, append a migration; never edit a released one.
#pragma once

#include <vector>

#include "actors/common/status.hpp"

struct sqlite3;

namespace ex::sqlite {

struct Migration {
  int version;              // 1, 2, 3, ... with no gaps
  const char* description;  // one line, recorded in schema_version
  const char* sql;          // one or more statements
};

// This program's migrations, oldest first.
const std::vector<Migration>& migrations();

// The version the database is at: 0 if no migration was ever applied.
Result<int> schema_version(sqlite3* db);

// Applies, in order, each migration of `list` the database has not seen yet and returns
// the version reached. Safe when several connections migrate at once (each migration takes
// the write lock and re-reads the version). Refuses (ErrorCode::internal) a database whose
// version is newer than the last of `list`: an older program must not write to it.
Result<int> migrate(sqlite3* db, const std::vector<Migration>& list = migrations());

}  // namespace ex::sqlite
