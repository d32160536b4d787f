// The WebSocket control protocol (shared/API.md, "WebSocket streams"), apart from sockets:
// what a client may send and the replies it gets. Events themselves are encoded by
// net/codec/encoders.hpp.
//
//   {"method":"SUBSCRIBE","params":["depth@TATA_INR",...],"id":1}  -> {"result":null,"id":1}
//   {"method":"UNSUBSCRIBE","params":[...],"id":2}                  -> {"result":null,"id":2}
//   {"method":"LIST_SUBSCRIPTIONS","id":3}                          -> {"result":[...],"id":3}
//   {"method":"PING"}                                               -> {"result":"pong"}
//   anything wrong -> {"error":{"code":"...","message":"..."},"id":<id or null>}
// The id is optional (a number, or a short string) and echoed as given; without one,
// SUBSCRIBE and UNSUBSCRIBE are not acknowledged (the original clients send none and
// expect only events). Method names are case-insensitive. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/common/status.hpp"

namespace ex {

enum class WsMethod { subscribe, unsubscribe, list_subscriptions, ping };

struct WsCommand {
  WsMethod method = WsMethod::ping;
  std::vector<std::string> params;  // stream names (SUBSCRIBE / UNSUBSCRIBE)
};

struct WsParsed {
  std::optional<WsCommand> command;  // empty: `error` says why
  Error error;
  std::string id;  // the id as JSON text ("1", "\"a\"", "null"); empty if none was given
};

constexpr size_t kMaxStreamNameLength = 64;

WsParsed parse_ws_command(std::string_view text);

// A stream name's syntax: "<kind>@<market>" or "kline@<market>:<interval>", made of
// [A-Za-z0-9_@:.-]. Which kinds and markets exist is the ExchangeApi's to say.
bool is_stream_name(std::string_view name);

std::string encode_ws_result_null(const std::string& id);
std::string encode_ws_result_list(const std::vector<std::string>& streams, const std::string& id);
std::string encode_ws_pong(const std::string& id);
std::string encode_ws_error(std::string_view code, std::string_view message, const std::string& id);

}  // namespace ex
