// What the market maker and the simulator share to reach the exchange, read its answers
// and report.
#pragma once

#include <cstdint>
#include <string>

#include "net/client/http_client.hpp"
#include "net/client/url.hpp"
#include "net/client/wire.hpp"

namespace ex::bots {

// The HTTP pool of a bot: `connections` kept-alive connections, each request given
// `timeout_ms`.
client::HttpOptions http_options(int connections, int64_t timeout_ms);

// The WebSocket address: `ws` itself, or /ws on the REST port of `http` when `ws` is "http".
client::Url stream_url(const std::string& ws, const std::string& http);

// `seed`, or one from the clock when it is 0 (a run that is not meant to be repeated).
uint64_t seed_or_clock(uint64_t seed);

// `v` with exactly `decimals` digits after the point, for logs and status lines.
std::string fixed(double v, int decimals);

// The exchange's answer about a user it has never seen (a user exists once it has
// deposited): such a user holds nothing and has no orders, which is what the market maker
// takes the request to answer.
bool unknown_user(const client::ApiError& e);

}  // namespace ex::bots
