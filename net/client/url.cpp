#include "net/client/url.hpp"

#include <cctype>

namespace ex::client {

std::string Url::text() const {
  return scheme + "://" + host_header() + path;
}

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  url.scheme = std::string(text.substr(0, sep));
  for (char& c : url.scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (url.scheme != "http" && url.scheme != "ws") return std::nullopt;
  std::string_view rest = text.substr(sep + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty()) return std::nullopt;
  size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    url.host = std::string(authority);
    url.port = 80;
  } else {
    url.host = std::string(authority.substr(0, colon));
    std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return std::nullopt;
    url.port = static_cast<uint16_t>(value);
  }
  if (url.host.empty()) return std::nullopt;
  return url;
}

Url ws_url_on_http_port(const Url& http) {
  Url ws = http;
  ws.scheme = "ws";
  std::string base = http.path;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  ws.path = base + "/ws";
  return ws;
}

}  // namespace ex::client
