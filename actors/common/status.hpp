// Errors as values on the request and matching paths (after leveldb::Status).
// An Error names a machine-readable code (the API's "code" field) and a human message.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ex {

enum class ErrorCode : unsigned char {
  invalid_json,
  missing_field,
  invalid_field,
  invalid_price,
  invalid_quantity,
  body_too_large,
  unknown_market,
  unknown_order,
  unknown_user,
  not_found,
  duplicate_client_order_id,
  insufficient_funds,
  post_only_would_cross,
  min_notional,
  too_many_orders,
  too_many_users,
  rate_limited,
  unavailable,
  internal,
};

// The API's string for a code ("INSUFFICIENT_FUNDS") and its HTTP status.
const char* code_name(ErrorCode code);
int http_status(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

// A request whose answer did not come in time (503). Unlike a refusal, the request may still
// be carried out, and the message says so: a client must look before it tries again.
inline Error no_answer_in_time() {
  return Error{ErrorCode::unavailable,
               "the service did not answer in time; the request may still be carried out "
               "(look an order up by its clientOrderId before placing it again)"};
}

// The same error, its message prefixed with where it happened ("file x: ...").
inline Error at(const std::string& where, const Error& e) {
  return Error{e.code, where + ": " + e.message};
}

// Either a value or an Error. Small on purpose: no exceptions on hot paths.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  // The value of a temporary Result is moved out, not referred to: a reference into the
  // temporary would dangle once the statement ends (`const auto& n = *store.count();`).
  T value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace ex
