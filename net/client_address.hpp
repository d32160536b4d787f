// Which client a request comes from, for the per-client limits: the connection's peer,
// or, when the peer is a trusted reverse proxy (one terminating TLS, say), the client it
// says it forwarded the request for. Pure: no I/O, thread-safe once built.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ex {

// True if `text` is an IPv4 or IPv6 address.
bool is_ip_address(std::string_view text);
// The canonical text of an address, or "" if `text` is none.
std::string canonical_address(std::string_view text);

class TrustedProxies {
 public:
  // IP addresses (checked with is_ip_address; others are ignored).
  explicit TrustedProxies(const std::vector<std::string>& addresses);

  bool empty() const { return addresses_.empty(); }

  // The client behind `peer`. If `peer` is a trusted proxy: the rightmost address of
  // `forwarded_for` (X-Forwarded-For: comma-separated, each proxy appends the address
  // it received the request from) that is not itself a trusted proxy, since only what
  // trusted proxies appended can be believed; if the header runs out first, or names a
  // malformed address there, the last trusted proxy reached. Otherwise `peer`: anyone
  // can send the header. Addresses come back in their canonical text form.
  std::string client(std::string_view peer, std::string_view forwarded_for) const;
  // True if `peer` (any text form) is one of the trusted proxies.
  bool is_trusted(std::string_view peer) const { return trusted(canonical_address(peer)); }

 private:
  bool trusted(const std::string& canonical) const;

  std::vector<std::string> addresses_;  // canonical text form
};

}  // namespace ex
