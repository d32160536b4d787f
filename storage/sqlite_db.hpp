// Thin RAII over the SQLite C API for the SQLite back end: an owned connection, prepared
// statements, and SQLite result codes turned into Errors.
//
// Not thread-safe: a connection and its statements belong to one thread at a time (the
// connection is opened with SQLITE_OPEN_NOMUTEX, so SQLite does no locking of its own).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "actors/common/status.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace ex::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const;
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

// Opens (creating if needed) the database file at `path` in multi-thread mode with
// extended result codes. A missing or unwritable directory gives ErrorCode::unavailable
// with the path and the reason in the message.
Result<DbHandle> open_db(const std::string& path);

// The Error for SQLite result code `rc` from an operation on `db` described by `what`.
// Conditions of the environment (busy, locked, cannot open, I/O error, disk full,
// read-only, permission) map to ErrorCode::unavailable; everything else to internal.
Error error_of(sqlite3* db, int rc, std::string_view what);

// Runs SQL text without results (may hold several statements): DDL, pragmas.
Result<bool> exec(sqlite3* db, const char* sql);

// A prepared statement, reset (bindings cleared) after every use. Text is bound without
// copying: a bound string must outlive the step()s that read it.
class Stmt {
 public:
  Stmt() = default;
  ~Stmt();
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Prepared once and kept for the life of the connection (SQLITE_PREPARE_PERSISTENT).
  static Result<Stmt> prepare(sqlite3* db, const char* sql);

  // Parameters are 1-based, as in SQLite.
  void bind(int index, int64_t value);
  void bind(int index, std::string_view text);

  // One step: SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  // Steps to completion and resets: for statements that return no rows.
  Result<bool> run(std::string_view what);
  // Clears the statement for its next use (safe to call at any time).
  void reset();

  // Rows the last INSERT/UPDATE/DELETE on this statement's connection changed.
  int changes() const;

  int64_t int_at(int column) const;
  std::string text_at(int column) const;
  std::string_view text_view_at(int column) const;  // valid until the next step/reset

  sqlite3* db() const { return db_; }

 private:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when it leaves scope, however the scope is left.
class ResetOnExit {
 public:
  explicit ResetOnExit(Stmt& stmt) : stmt_(stmt) {}
  ~ResetOnExit() { stmt_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Stmt& stmt_;
};

}  // namespace ex::sqlite
