// libpqxx reports failures by exception; the store reports them as Errors. This is the one
// place that decides which failures are the environment's (ErrorCode::unavailable: server
// down or restarting, connection lost, out of resources, lock or serialization conflicts)
// and which are ours (ErrorCode::internal: constraint violations, SQL errors).
#pragma once

#include <string_view>

#include "actors/common/status.hpp"

namespace ex::pg {

struct CaughtError {
  Error error;
  // The connection cannot be used again: drop it and connect anew on the next call.
  bool connection_lost = false;
};

// The exception being handled, as an Error about `what`. Call only inside a catch block.
// libpq's messages name host and port but never the password, so they are passed on.
CaughtError current_error(std::string_view what);

}  // namespace ex::pg
