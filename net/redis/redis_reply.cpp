#include "net/redis/redis_reply.hpp"

#include <charconv>

namespace ex::redis {

Result<Endpoint> parse_redis_url(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return make_error(
        ErrorCode::invalid_field,
        "--bus: " + why + " (expected redis://host:port, got '" + std::string(url) + "')");
  };
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) return bad("only redis:// URLs are supported");
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('@') != std::string_view::npos) return bad("credentials are not supported");
  if (rest.find('/') != std::string_view::npos) return bad("database numbers are not supported");
  Endpoint e;
  auto colon = rest.rfind(':');
  e.host = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos) {
    std::string_view p = rest.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (ec != std::errc() || end != p.data() + p.size() || value == 0 || value > 65535)
      return bad("bad port");
    e.port = static_cast<uint16_t>(value);
  }
  if (e.host.empty()) return bad("no host");
  return e;
}

bool error_is(const Error& e, std::string_view prefix) {
  return std::string_view(e.message).substr(0, prefix.size()) == prefix;
}

}  // namespace ex::redis
