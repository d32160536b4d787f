// A Redis reply as an owned value (hiredis frees its own reply when the callback
// returns), and the `redis://host:port` URLs the --bus option takes. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/common/status.hpp"

namespace ex::redis {

struct Reply {
  enum class Type : uint8_t { nil, status, integer, string, array };
  Type type = Type::nil;
  int64_t integer = 0;
  std::string str;  // status and string replies
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::nil; }
  bool is_array() const { return type == Type::array; }
};

struct Endpoint {
  std::string host;
  uint16_t port = 6379;
  std::string text() const { return "redis://" + host + ":" + std::to_string(port); }
};

// "redis://host[:port][/]" (port 6379 by default). Anything else, or a database number
// or credentials (not supported yet), is an INVALID_FIELD error that says so.
Result<Endpoint> parse_redis_url(std::string_view url);

// True for a server error reply whose text starts with `prefix` ("BUSYGROUP", "NOGROUP").
bool error_is(const Error& e, std::string_view prefix);

}  // namespace ex::redis
