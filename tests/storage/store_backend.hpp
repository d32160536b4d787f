// The back end the shared storage tests (store_test.cpp) run against, chosen by the
// environment: PostgreSQL if EXCHANGE_TEST_PG_URL names a server (tests/support/pg_server.sh
// run sets it, as the storage_postgres CTest entry does), SQLite otherwise. Each instance is
// a fresh, empty database (a temp directory, or a database created on the server) removed
// when the instance goes. It also offers what the Store interface does not show: raw SQL
// on the same database, the schema's bookkeeping, a way to make writes fail inside the
// database.
#pragma once

#include <memory>
#include <string>

#include "actors/common/status.hpp"
#include "storage/store.hpp"

namespace ex::testing {

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;

  virtual std::string name() const = 0;  // "sqlite" or "postgresql"
  // What open_store() takes for this database: a URL (empty for SQLite) and a data dir.
  virtual std::string url() const = 0;
  virtual std::string data_dir() const = 0;

  // A new Store on this database, through open_store() as a node opens one.
  Result<std::shared_ptr<Store>> open() const;

  // Raw SQL on a connection of its own; fails the test on error.
  virtual int64_t query_int(const std::string& sql) = 0;
  virtual void exec(const std::string& sql) = 0;

  // True if the table exists; true if the column holds exact 64-bit integers.
  virtual bool has_table(const std::string& table) = 0;
  virtual bool is_integer_column(const std::string& table, const std::string& column) = 0;

  // The program's migrations: their number and the last version.
  virtual int migration_count() const = 0;
  virtual int latest_version() const = 0;
  // Migrates with the program's migrations plus one more (creating table `extra`) and
  // returns the version reached.
  virtual Result<int> migrate_with_one_more() = 0;

  // From now on, inserting a deposit of asset 'POISON' fails inside the database with the
  // message "poisoned deposit"; cure() undoes it.
  virtual void poison_deposits() = 0;
  virtual void cure_deposits() = 0;
};

// The back end the environment selects, on a fresh database.
std::unique_ptr<StoreBackend> make_backend();
std::unique_ptr<StoreBackend> make_sqlite_backend();
// Null when EXCHANGE_TEST_PG_URL is not set.
std::unique_ptr<StoreBackend> make_postgres_backend();

}  // namespace ex::testing
