#include "net/ws_protocol.hpp"

#include "net/codec/json_writer.hpp"
#include "net/codec/request.hpp"

namespace ex {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (x != b[i]) return false;
  }
  return true;
}

WsParsed fail(WsParsed p, ErrorCode code, std::string message) {
  p.command.reset();
  p.error = make_error(code, std::move(message));
  return p;
}

void write_id(json::Writer& w, const std::string& id) {
  w.key("id").raw(id.empty() ? std::string_view("null") : std::string_view(id));
}

}  // namespace

WsParsed parse_ws_command(std::string_view text) {
  WsParsed p;
  ParseLimits limits;
  limits.max_depth = 8;
  limits.max_fields = 32;
  auto fields = parse_json_object(text, limits);
  if (!fields) return fail(std::move(p), fields.error().code, fields.error().message);
  const Fields& f = *fields;

  if (const FieldValue* id = f.find("id")) {
    if (id->type == JsonType::number && id->text.size() <= 64) {
      p.id = id->text;
    } else if (id->type == JsonType::string && id->text.size() <= 64) {
      json::append_string(p.id, id->text);
    } else if (id->type == JsonType::null) {
      p.id = "null";
    } else {
      return fail(std::move(p), ErrorCode::invalid_field,
                  "field 'id' must be a number or a string of at most 64 characters, or null");
    }
  }

  auto method = required_text(f, "method", 32);
  if (!method) return fail(std::move(p), method.error().code, method.error().message);
  WsCommand cmd;
  if (iequals(*method, "SUBSCRIBE"))
    cmd.method = WsMethod::subscribe;
  else if (iequals(*method, "UNSUBSCRIBE"))
    cmd.method = WsMethod::unsubscribe;
  else if (iequals(*method, "LIST_SUBSCRIPTIONS"))
    cmd.method = WsMethod::list_subscriptions;
  else if (iequals(*method, "PING"))
    cmd.method = WsMethod::ping;
  else
    return fail(std::move(p), ErrorCode::invalid_field,
                "unknown method '" + clip(*method) +
                    "': use SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS or PING");

  if (cmd.method == WsMethod::subscribe || cmd.method == WsMethod::unsubscribe) {
    const FieldValue* params = f.find("params");
    if (!params || params->type == JsonType::null)
      return fail(std::move(p), ErrorCode::missing_field, "missing field 'params'");
    if (params->type != JsonType::array)
      return fail(std::move(p), ErrorCode::invalid_field,
                  std::string("field 'params' must be an array of stream names, not ") +
                      json_type_name(params->type));
    if (params->items.empty())
      return fail(std::move(p), ErrorCode::invalid_field, "field 'params' is empty");
    cmd.params.reserve(params->items.size());
    for (size_t i = 0; i < params->items.size(); ++i) {
      const FieldValue& item = params->items[i];
      std::string where = "params[" + std::to_string(i) + "]";
      if (item.type != JsonType::string)
        return fail(std::move(p), ErrorCode::invalid_field,
                    where + " must be a stream name (a string), not " + json_type_name(item.type));
      if (!is_stream_name(item.text))
        return fail(std::move(p), ErrorCode::invalid_field,
                    where + " is not a stream name: '" + clip(item.text) +
                        "' (expected e.g. depth@TATA_INR or kline@TATA_INR:1h)");
      cmd.params.push_back(item.text);
    }
  }
  p.command = std::move(cmd);
  return p;
}

bool is_stream_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxStreamNameLength) return false;
  auto at = name.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == name.size()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '@' || c == ':' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string encode_ws_result_null(const std::string& id) {
  json::Writer w(32);
  w.begin_object().null("result");
  write_id(w, id);
  w.end_object();
  return w.take();
}

std::string encode_ws_result_list(const std::vector<std::string>& streams, const std::string& id) {
  json::Writer w(32 + streams.size() * 24);
  w.begin_object().begin_array("result");
  for (const auto& s : streams)
    w.str(s);
  w.end_array();
  write_id(w, id);
  w.end_object();
  return w.take();
}

std::string encode_ws_pong(const std::string& id) {
  json::Writer w(32);
  w.begin_object().str("result", "pong");
  if (!id.empty()) write_id(w, id);
  w.end_object();
  return w.take();
}

std::string encode_ws_error(std::string_view code, std::string_view message,
                            const std::string& id) {
  json::Writer w(64 + message.size());
  w.begin_object().begin_object("error").str("code", code).str("message", message);
  w.end_object();
  write_id(w, id);
  w.end_object();
  return w.take();
}

}  // namespace ex
