#include "storage/postgres/postgres_url.hpp"

namespace ex::pg {

bool is_postgres_url(std::string_view url) {
  return url.substr(0, 13) == "postgresql://" || url.substr(0, 11) == "postgres://";
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    // userinfo ends at the last '@' before the path or query.
    size_t start = scheme + 3;
    size_t end = out.find_first_of("/?", start);
    size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= start) {
      size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    size_t value = p + 9;
    size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

std::string conninfo_of(const std::string& url, int connect_timeout_s) {
  std::string out = url;
  char sep = out.find('?') == std::string::npos ? '?' : '&';
  auto add = [&](const char* key, const std::string& value) {
    if (out.find(std::string(key) + "=") != std::string::npos) return;
    out += sep;
    out += key;
    out += '=';
    out += value;
    sep = '&';
  };
  add("connect_timeout", std::to_string(connect_timeout_s));
  add("application_name", "exchange");
  // A server that vanishes without closing the connection (host down, network cut) is
  // noticed within about 25 s instead of the system's default of hours.
  add("keepalives_idle", "10");
  add("keepalives_interval", "5");
  add("keepalives_count", "3");
  return out;
}

}  // namespace ex::pg
