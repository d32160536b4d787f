// What only the SQLite back end has: its file (WAL journal mode, paths that cannot hold a
// database). The interface's own specification is store_test.cpp.
#define CAF_SUITE sqlite_store
#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite_db.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/storage/store_records.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ex;
using namespace ex::testing;

namespace {

// One fresh directory per test, removed afterwards.
struct fixture {
  TempDir temp{"ex-storage"};
  std::filesystem::path dir = temp.path();
  std::string db_path = temp.file("exchange.db");

  std::string journal_mode() {
    auto db = must(sqlite::open_db(db_path));
    auto s = must(sqlite::Stmt::prepare(db.get(), "PRAGMA journal_mode"));
    sqlite::ResetOnExit reset(s);
    CAF_REQUIRE_EQUAL(s.step(), 100);  // SQLITE_ROW
    return s.text_at(0);
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(sqlite_store_tests, fixture)

CAF_TEST(the database file is in WAL mode however many open it at once) {
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([this, &errors, i] {
      if (auto s = open_sqlite_store(db_path); !s) errors[i] = s.error().message;
    });
  for (auto& t : threads)
    t.join();
  for (const auto& e : errors)
    CAF_CHECK_EQUAL(e, "");
  CAF_CHECK_EQUAL(journal_mode(), "wal");
}

CAF_TEST(a path that cannot hold a database gives a clear error) {
  auto missing = (dir / "no" / "such" / "dir" / "x.db").string();
  auto r = open_sqlite_store(missing);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::unavailable);
  CAF_CHECK(r.error().message.find(missing) != std::string::npos);
  CAF_MESSAGE("missing directory: " << r.error().message);

  // A regular file where a directory should be.
  auto file = dir / "plain-file";
  std::ofstream(file) << "x";
  auto under_file = open_sqlite_store((file / "x.db").string());
  CAF_REQUIRE(!under_file);
  CAF_CHECK(under_file.error().code == ErrorCode::unavailable);

  // A directory where the file should be.
  auto is_dir = open_sqlite_store(dir.string());
  CAF_REQUIRE(!is_dir);
  CAF_MESSAGE("directory as file: " << is_dir.error().message);

  // Not writable even for root.
  auto proc = open_sqlite_store("/proc/ex-storage-test.db");
  CAF_REQUIRE(!proc);
  CAF_CHECK(proc.error().code == ErrorCode::unavailable);
  CAF_MESSAGE("unwritable directory: " << proc.error().message);

  // A file that is not a database.
  auto garbage = dir / "garbage.db";
  std::ofstream(garbage) << std::string(4096, 'g');
  auto not_db = open_sqlite_store(garbage.string());
  CAF_REQUIRE(!not_db);
  CAF_CHECK(not_db.error().code == ErrorCode::internal);
  CAF_MESSAGE("not a database: " << not_db.error().message);
}

CAF_TEST_FIXTURE_SCOPE_END()
