#include "storage/sqlite_db.hpp"

#include <sqlite3.h>

#include <cstring>

namespace ex::sqlite {

void DbCloser::operator()(sqlite3* db) const {
  // Every Stmt is finalized before its connection (the store declares them after the
  // handle), so close_v2 closes at once.
  sqlite3_close_v2(db);
}

Error error_of(sqlite3* db, int rc, std::string_view what) {
  ErrorCode code = ErrorCode::internal;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
    case SQLITE_PROTOCOL:
      code = ErrorCode::unavailable;
      break;
    default:
      break;
  }
  std::string message = "sqlite: ";
  message.append(what);
  message += ": ";
  // The connection's message is the most recent one; it names the failing condition
  // better than the generic text of the code ("UNIQUE constraint failed: ...").
  message += db != nullptr && sqlite3_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (db != nullptr && (rc & 0xff) == SQLITE_CANTOPEN) {
    if (int err = sqlite3_system_errno(db); err != 0) {
      message += " (";
      message += std::strerror(err);
      message += ")";
    }
  }
  return make_error(code, std::move(message));
}

Result<DbHandle> open_db(const std::string& path) {
  // SQLite counts every allocation for sqlite3_memory_used() under a global mutex, which
  // the writer's connection would take for each row; nothing here reads the count. It can
  // be switched off only before SQLite initializes, which the first open does.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbHandle db(raw);  // even a failed open allocates a handle that must be closed
  if (rc != SQLITE_OK) {
    if (!db) return make_error(ErrorCode::unavailable, "sqlite: out of memory opening " + path);
    return error_of(db.get(), rc, "cannot open database '" + path + "'");
  }
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

Result<bool> exec(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error_of(db, rc, sql);
  return true;
}

Stmt::~Stmt() {
  sqlite3_finalize(stmt_);
}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Result<Stmt> Stmt::prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return error_of(db, rc, std::string("prepare ") + sql);
  }
  return Stmt(db, stmt);
}

// Binding can only fail for an index out of range or out of memory; the first is a bug
// caught by the tests, the second shows up as an error at step().
void Stmt::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void Stmt::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

int Stmt::step() {
  return sqlite3_step(stmt_);
}

Result<bool> Stmt::run(std::string_view what) {
  ResetOnExit reset(*this);
  int rc = step();
  while (rc == SQLITE_ROW)
    rc = step();
  if (rc != SQLITE_DONE) return error_of(db_, rc, what);
  return true;
}

void Stmt::reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Stmt::changes() const {
  return sqlite3_changes(db_);
}

int64_t Stmt::int_at(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string_view Stmt::text_view_at(int column) const {
  auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Stmt::text_at(int column) const {
  return std::string(text_view_at(column));
}

}  // namespace ex::sqlite
