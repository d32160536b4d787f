#include "net/client_address.hpp"

#include <algorithm>

#include <boost/asio/ip/address.hpp>

namespace ex {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

// "::ffff:1.2.3.4" and "1.2.3.4" stay distinct, as the kernel reports them.
std::string canonical_address(std::string_view text) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(trim(text)), ec);
  return ec ? std::string() : address.to_string();
}

bool is_ip_address(std::string_view text) {
  return !canonical_address(text).empty();
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& addresses) {
  for (const auto& a : addresses)
    if (std::string c = canonical_address(a); !c.empty()) addresses_.push_back(std::move(c));
}

bool TrustedProxies::trusted(const std::string& address) const {
  return std::find(addresses_.begin(), addresses_.end(), address) != addresses_.end();
}

std::string TrustedProxies::client(std::string_view peer, std::string_view forwarded_for) const {
  std::string from = canonical_address(peer);
  if (from.empty()) return std::string(peer);
  // Walk back through the proxies, from the nearest, while each is one we trust.
  while (trusted(from)) {
    if (forwarded_for.empty()) return from;
    const size_t comma = forwarded_for.rfind(',');
    const std::string_view hop =
        comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    std::string next = canonical_address(hop);
    if (next.empty()) return from;  // a malformed hop: the last trusted proxy answers for it
    from = std::move(next);
  }
  return from;
}

}  // namespace ex
