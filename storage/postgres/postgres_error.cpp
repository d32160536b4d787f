#include "storage/postgres/postgres_error.hpp"

#include <exception>
#include <pqxx/except>
#include <string>

namespace ex::pg {
namespace {

std::string trimmed(const char* text) {
  std::string s = text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

// SQLSTATE classes and codes that mean "try again later", not "this write is wrong".
bool transient(const std::string& state, bool* lost) {
  auto cls = state.substr(0, 2);
  *lost = cls == "08" || state == "57P01" || state == "57P02" || state == "57P03";
  return *lost || cls == "53" || cls == "40" || state == "55P03" || state == "57014";
}

}  // namespace

CaughtError current_error(std::string_view what) {
  std::string prefix = "postgresql: " + std::string(what) + ": ";
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return {make_error(ErrorCode::unavailable, prefix + trimmed(e.what())), true};
  } catch (const pqxx::in_doubt_error& e) {
    // The commit's outcome is unknown. Harmless here: every write is idempotent, so the
    // caller may simply write the batch again.
    return {make_error(ErrorCode::unavailable, prefix + trimmed(e.what())), true};
  } catch (const pqxx::sql_error& e) {
    bool lost = false;
    ErrorCode code = transient(e.sqlstate(), &lost) ? ErrorCode::unavailable : ErrorCode::internal;
    return {make_error(code, prefix + trimmed(e.what()) + " [SQLSTATE " + e.sqlstate() + "]"),
            lost};
  } catch (const std::exception& e) {
    return {make_error(ErrorCode::internal, prefix + trimmed(e.what())), false};
  }
}

}  // namespace ex::pg
