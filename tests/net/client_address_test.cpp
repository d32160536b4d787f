#define CAF_SUITE client_address
#include <caf/test/unit_test.hpp>

#include "net/client_address.hpp"

using namespace ex;

CAF_TEST(addresses are recognised in both families) {
  CAF_CHECK(is_ip_address("127.0.0.1"));
  CAF_CHECK(is_ip_address("::1"));
  CAF_CHECK(is_ip_address(" 10.0.0.7 "));
  CAF_CHECK(!is_ip_address(""));
  CAF_CHECK(!is_ip_address("localhost"));
  CAF_CHECK(!is_ip_address("1.2.3.4:80"));
  CAF_CHECK(!is_ip_address("300.1.1.1"));
}

CAF_TEST(without trusted proxies the peer is the client whatever it claims) {
  TrustedProxies none({});
  CAF_CHECK(none.empty());
  CAF_CHECK_EQUAL(none.client("10.0.0.9", "1.2.3.4"), "10.0.0.9");
}

CAF_TEST(a peer that is not trusted cannot name another client) {
  TrustedProxies proxies({"10.0.0.1"});
  CAF_CHECK_EQUAL(proxies.client("10.0.0.9", "1.2.3.4"), "10.0.0.9");
  CAF_CHECK_EQUAL(proxies.client("10.0.0.9", ""), "10.0.0.9");
}

CAF_TEST(a trusted proxy names the client it received the request from) {
  TrustedProxies proxies({"10.0.0.1", "10.0.0.2", "garbage"});
  CAF_CHECK(!proxies.empty());
  CAF_CHECK_EQUAL(proxies.client("10.0.0.1", "1.2.3.4"), "1.2.3.4");
  // What the client itself sent sits to the left of what the proxy appended: ignored.
  CAF_CHECK_EQUAL(proxies.client("10.0.0.1", "6.6.6.6, 1.2.3.4"), "1.2.3.4");
  // Through two trusted proxies (10.0.0.2 received it from the client, 10.0.0.1 from it).
  CAF_CHECK_EQUAL(proxies.client("10.0.0.1", "6.6.6.6,1.2.3.4, 10.0.0.2"), "1.2.3.4");
  // IPv6, in canonical form.
  CAF_CHECK_EQUAL(proxies.client("10.0.0.1", "2001:DB8::0:1"), "2001:db8::1");
}

CAF_TEST(a trusted proxy that names nobody usable answers for the request itself) {
  TrustedProxies proxies({"10.0.0.1", "10.0.0.2"});
  CAF_CHECK_EQUAL(proxies.client("10.0.0.1", ""), "10.0.0.1");
  CAF_CHECK_EQUAL(proxies.client("10.0.0.1", "not-an-address"), "10.0.0.1");
  CAF_CHECK_EQUAL(proxies.client("10.0.0.1", "1.2.3.4, unknown"), "10.0.0.1");
  CAF_CHECK_EQUAL(proxies.client("10.0.0.1", "10.0.0.2"), "10.0.0.2");
  CAF_CHECK_EQUAL(proxies.client("10.0.0.1", ","), "10.0.0.1");
}
