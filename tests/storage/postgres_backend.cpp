// The PostgreSQL StoreBackend: a database of its own, created on the server that
// EXCHANGE_TEST_PG_URL names and dropped afterwards.
#include <unistd.h>
#include <atomic>
#include <caf/test/unit_test.hpp>
#include <cstdlib>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include "storage/postgres/postgres_schema.hpp"
#include "tests/storage/store_backend.hpp"

namespace ex::testing {
namespace {

// The server URL with its database replaced by `db`.
std::string with_database(const std::string& url, const std::string& db) {
  size_t query = url.find('?');
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  std::string base = url.substr(0, query);
  return base.substr(0, base.rfind('/') + 1) + db + rest;
}

class PostgresBackend final : public StoreBackend {
 public:
  explicit PostgresBackend(std::string server_url) : server_url_(std::move(server_url)) {
    static std::atomic<int> counter{0};
    db_ = "ex_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    url_ = with_database(server_url_, db_);
    admin("DROP DATABASE IF EXISTS " + db_);
    admin("CREATE DATABASE " + db_);
  }
  ~PostgresBackend() override {
    try {
      admin("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The server may be down at the end of a failed test: the harness removes it anyway.
    }
  }

  std::string name() const override { return "postgresql"; }
  std::string url() const override { return url_; }
  std::string data_dir() const override { return "unused-data-dir"; }

  int64_t query_int(const std::string& sql) override {
    try {
      pqxx::connection c{url_};
      pqxx::nontransaction tx{c};
      auto r = tx.exec(sql);
      if (r.empty()) CAF_FAIL("no row from " << sql);
      return r[0][0].as<int64_t>();
    } catch (const std::exception& e) {
      CAF_FAIL("postgresql: " << sql << ": " << e.what());
    }
    return 0;
  }
  void exec(const std::string& sql) override {
    try {
      pqxx::connection c{url_};
      pqxx::nontransaction tx{c};
      tx.exec(sql);
    } catch (const std::exception& e) {
      CAF_FAIL("postgresql: " << sql << ": " << e.what());
    }
  }
  bool has_table(const std::string& table) override {
    return query_int(
               "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND "
               "tablename = '" +
               table + "'") == 1;
  }
  bool is_integer_column(const std::string& table, const std::string& column) override {
    return query_int("SELECT COUNT(*) FROM information_schema.columns WHERE table_name = '" +
                     table + "' AND column_name = '" + column + "' AND data_type = 'bigint'") == 1;
  }

  int migration_count() const override { return static_cast<int>(pg::migrations().size()); }
  int latest_version() const override { return pg::migrations().back().version; }
  Result<int> migrate_with_one_more() override {
    auto list = pg::migrations();
    list.push_back(
        {list.back().version + 1, "test: add a table", "CREATE TABLE extra (x BIGINT);"});
    pqxx::connection c{url_};
    return pg::migrate(c, list);
  }

  void poison_deposits() override {
    exec(
        "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.asset = 'POISON' THEN RAISE EXCEPTION 'poisoned deposit'; END IF; "
        "RETURN NEW; END $$");
    exec("CREATE TRIGGER poison BEFORE INSERT ON deposits FOR EACH ROW EXECUTE FUNCTION poison()");
  }
  void cure_deposits() override {
    exec("DROP TRIGGER poison ON deposits");
    exec("DROP FUNCTION poison()");
  }

 private:
  void admin(const std::string& sql) {
    pqxx::connection c{server_url_};
    pqxx::nontransaction tx{c};
    tx.exec(sql);
  }

  std::string server_url_, db_, url_;
};

}  // namespace

std::unique_ptr<StoreBackend> make_postgres_backend() {
  const char* url = std::getenv("EXCHANGE_TEST_PG_URL");
  if (url == nullptr || *url == '\0') return nullptr;
  return std::make_unique<PostgresBackend>(url);
}

}  // namespace ex::testing
