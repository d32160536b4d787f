// What the benchmark programs share: percentiles of samples, and (for the Beast-based
// tools) one blocking HTTP request for set-up work such as funding users.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace ex::bench {

// The p-quantile (0..1) of `v`, reordering it; 0 for no samples.
template <class T>
double percentile(std::vector<T>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return static_cast<double>(v[k]);
}

}  // namespace ex::bench

#ifdef EX_BENCH_HTTP
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace ex::bench {

// One blocking request on a fresh connection (set-up only, never timed). Returns the
// HTTP status; the body goes to `out` if given.
inline int simple_request(boost::asio::io_context& ioc,
                          const boost::asio::ip::tcp::resolver::results_type& endpoints,
                          boost::beast::http::verb verb, const std::string& target,
                          const std::string& body, std::string* out = nullptr) {
  namespace http = boost::beast::http;
  boost::beast::tcp_stream s(ioc);
  s.connect(endpoints);
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "x");
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(s, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  if (out) *out = res.body();
  boost::beast::error_code ec;
  s.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return res.result_int();
}

}  // namespace ex::bench
#endif
