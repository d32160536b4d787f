// The SQLite StoreBackend: a database file in a temporary directory of its own.
#include <caf/test/unit_test.hpp>

#include "storage/sqlite_db.hpp"
#include "storage/sqlite_schema.hpp"
#include "tests/storage/store_backend.hpp"
#include "tests/support/temp_dir.hpp"

namespace ex::testing {
namespace {

template <class T>
T must(Result<T> r) {
  if (!r) CAF_FAIL("sqlite: " << code_name(r.error().code) << ": " << r.error().message);
  return std::move(*r);
}

class SqliteBackend final : public StoreBackend {
 public:
  std::string name() const override { return "sqlite"; }
  std::string url() const override { return ""; }
  std::string data_dir() const override { return dir_.str(); }

  int64_t query_int(const std::string& sql) override {
    auto db = raw();
    auto s = must(sqlite::Stmt::prepare(db.get(), sql.c_str()));
    sqlite::ResetOnExit reset(s);
    if (s.step() != 100) CAF_FAIL("no row from " << sql);  // SQLITE_ROW
    return s.int_at(0);
  }
  void exec(const std::string& sql) override {
    auto db = raw();
    must(sqlite::exec(db.get(), sql.c_str()));
  }
  bool has_table(const std::string& table) override {
    return query_int("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" +
                     table + "'") == 1;
  }
  bool is_integer_column(const std::string& table, const std::string& column) override {
    return query_int("SELECT COUNT(*) FROM " + table + " WHERE typeof(" + column +
                     ") <> 'integer'") == 0 &&
           query_int("SELECT COUNT(*) FROM " + table) > 0;
  }

  int migration_count() const override { return static_cast<int>(sqlite::migrations().size()); }
  int latest_version() const override { return sqlite::migrations().back().version; }
  Result<int> migrate_with_one_more() override {
    auto list = sqlite::migrations();
    list.push_back(
        {list.back().version + 1, "test: add a table", "CREATE TABLE extra (x INTEGER);"});
    auto db = raw();
    return sqlite::migrate(db.get(), list);
  }

  void poison_deposits() override {
    exec(
        "CREATE TRIGGER poison BEFORE INSERT ON deposits WHEN NEW.asset = 'POISON' "
        "BEGIN SELECT RAISE(ABORT, 'poisoned deposit'); END");
  }
  void cure_deposits() override { exec("DROP TRIGGER poison"); }

 private:
  sqlite::DbHandle raw() { return must(sqlite::open_db(dir_.file("exchange.db"))); }

  TempDir dir_{"ex-storage"};
};

}  // namespace

std::unique_ptr<StoreBackend> make_sqlite_backend() {
  return std::make_unique<SqliteBackend>();
}

}  // namespace ex::testing
