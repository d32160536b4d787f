#include "net/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

namespace ex {
namespace fs = std::filesystem;
namespace {

constexpr std::uintmax_t kMaxFileBytes = 32u << 20;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a path; nullopt for a malformed escape.
std::optional<std::string> decode_path(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0)
      return std::nullopt;
    out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
    i += 2;
  }
  return out;
}

// Splits a decoded path into safe segments; nullopt if any segment is unsafe.
std::optional<std::vector<std::string>> safe_segments(const std::string& path) {
  std::vector<std::string> parts;
  if (path.empty() || path[0] != '/') return std::nullopt;
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string seg = path.substr(pos, slash - pos);
    if (!seg.empty()) {
      if (seg[0] == '.') return std::nullopt;  // "..", ".", ".git", ".env"
      for (char c : seg)
        if (c == '\\' || c == '\0' || c == ':') return std::nullopt;
      parts.push_back(std::move(seg));
    }
    pos = slash + 1;
  }
  return parts;
}

bool read_file(const fs::path& p, std::string& out) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return false;
  auto size = fs::file_size(p, ec);
  if (ec || size > kMaxFileBytes) return false;
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  out.resize(static_cast<size_t>(size));
  in.read(out.data(), static_cast<std::streamsize>(size));
  out.resize(static_cast<size_t>(in.gcount()));
  return true;
}

}  // namespace

StaticFiles::StaticFiles(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::path canonical = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(canonical, ec)) return;
  root_ = canonical.string();
  while (root_.size() > 1 && root_.back() == '/')
    root_.pop_back();
}

std::optional<StaticFile> StaticFiles::resolve(std::string_view url_path) const {
  if (!enabled()) return std::nullopt;
  auto decoded = decode_path(url_path);
  if (!decoded) return std::nullopt;
  auto parts = safe_segments(*decoded);
  if (!parts) return std::nullopt;

  std::string joined;
  for (const auto& p : *parts)
    joined += "/" + p;
  std::vector<std::string> candidates;
  if (!joined.empty()) {
    candidates.push_back(joined);
    candidates.push_back(joined + ".html");
  }
  candidates.push_back(joined + "/index.html");
  if (parts->size() >= 2) {
    std::string parent;
    for (size_t i = 0; i + 1 < parts->size(); ++i)
      parent += "/" + (*parts)[i];
    candidates.push_back(parent + "/_.html");
  }

  for (const auto& c : candidates) {
    std::error_code ec;
    fs::path real = fs::canonical(root_ + c, ec);
    if (ec) continue;
    const std::string r = real.string();
    if (r.compare(0, root_.size(), root_) != 0 ||
        (r.size() > root_.size() && r[root_.size()] != '/'))
      continue;  // a symlink out of the directory
    StaticFile file;
    if (!read_file(real, file.body)) continue;
    file.content_type = content_type(r);
    file.immutable = joined.compare(0, 14, "/_next/static/") == 0;
    return file;
  }
  return std::nullopt;
}

const char* StaticFiles::content_type(std::string_view path) {
  auto dot = path.rfind('.');
  auto slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
    return "application/octet-stream";
  std::string_view ext = path.substr(dot + 1);
  struct Entry {
    std::string_view ext;
    const char* type;
  };
  static constexpr Entry kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"wasm", "application/wasm"},
      {"webmanifest", "application/manifest+json"},
      {"rsc", "text/x-component"},
  };
  for (const auto& e : kTypes)
    if (e.ext == ext) return e.type;
  return "application/octet-stream";
}

const std::string& StaticFiles::builtin_index() {
  static const std::string page = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Exchange</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:0 .25rem}td{padding:.15rem .8rem .15rem 0;vertical-align:top}</style>
</head><body>
<h1>Exchange</h1>
<p>This node serves the exchange's public API. The trading page is not installed here
(start the server with a static directory to serve it). The full contract is
<code>shared/API.md</code> in the source tree.</p>
<h2>REST (JSON)</h2>
<table>
<tr><td><code>POST /api/v1/order</code></td><td>place an order: market, side, price, quantity, userId, orderType; type, timeInForce, postOnly, clientOrderId, quoteQuantity</td></tr>
<tr><td><code>DELETE /api/v1/order</code></td><td>cancel an order: orderId, market</td></tr>
<tr><td><code>GET /api/v1/order</code></td><td>one order: orderId, market</td></tr>
<tr><td><code>GET /api/v1/order/open</code></td><td>open orders: userId, market</td></tr>
<tr><td><code>GET /api/v1/orders</code></td><td>order history: userId, market, limit, before (an orderId: the next page)</td></tr>
<tr><td><code>DELETE /api/v1/orders</code></td><td>cancel all of a user's orders: userId, market</td></tr>
<tr><td><code>GET /api/v1/depth</code></td><td>order book: symbol, limit</td></tr>
<tr><td><code>GET /api/v1/trades</code></td><td>recent trades: symbol, limit, before (a trade id: the next page)</td></tr>
<tr><td><code>GET /api/v1/fills</code></td><td>a user's trades: userId, market, limit, before (a tradeId)</td></tr>
<tr><td><code>GET /api/v1/klines</code></td><td>candles: symbol, interval, startTime, endTime</td></tr>
<tr><td><code>GET /api/v1/tickers</code></td><td>24-hour tickers: symbol (optional)</td></tr>
<tr><td><code>GET /api/v1/markets</code></td><td>markets and their rules</td></tr>
<tr><td><code>GET /api/v1/balances</code></td><td>balances: userId</td></tr>
<tr><td><code>POST /api/v1/on-ramp</code></td><td>deposit: userId, amount, asset</td></tr>
<tr><td><code>GET /health</code>, <code>GET /ready</code>, <code>GET /metrics</code></td><td>liveness, readiness, Prometheus metrics</td></tr>
</table>
<h2>WebSocket</h2>
<p><code>ws://HOST:3002/</code> or <code>/ws</code> on this port.
Send <code>{"method":"SUBSCRIBE","params":["depth@TATA_INR"],"id":1}</code>.
Streams: <code>depth@M</code>, <code>trade@M</code>, <code>fills@M</code>, <code>ticker@M</code>,
<code>kline@M:1h</code> (intervals 1m 5m 15m 30m 1h 4h 1d 1w).
Also <code>UNSUBSCRIBE</code>, <code>LIST_SUBSCRIPTIONS</code> and <code>PING</code>.</p>
</body></html>
)";
  return page;
}

}  // namespace ex
