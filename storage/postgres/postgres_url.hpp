// PostgreSQL connection URLs (postgresql://user:password@host:port/db?param=value, also
// postgres://): recognizing one, showing one without its secret, and turning one into the
// connection string the store passes to libpq.
#pragma once

#include <string>
#include <string_view>

namespace ex::pg {

// True for "postgresql://..." and "postgres://...".
bool is_postgres_url(std::string_view url);

// The URL with any password replaced by "***" (user:***@host, password=***): the only form
// of a URL that may appear in messages and logs.
std::string redact_url(std::string_view url);

// The URL with connect_timeout (seconds), application_name and TCP keepalive settings added
// unless it sets them: an unreachable host fails within the timeout, and a silently dead
// one within seconds, rather than hanging the caller.
std::string conninfo_of(const std::string& url, int connect_timeout_s = 5);

}  // namespace ex::pg
