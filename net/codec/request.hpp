// Requests as flat field maps: a JSON body (parsed once, with nlohmann's SAX interface,
// so numbers keep their literal text) or a URL query string, and readers that turn a
// field into a checked value or an Error that names the field.
//
// Only the top level of a body is kept: each field's type and text, and for an array
// its scalar items (WebSocket "params"). Deeper values are parsed (the body must be
// valid JSON) but only their type is kept. Unknown fields cost nothing and are ignored
// by the readers. Pure: no I/O, no Beast.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/common/status.hpp"
#include "actors/money/decimal.hpp"

namespace ex {

enum class JsonType : uint8_t { null, boolean, number, string, object, array };
const char* json_type_name(JsonType type);  // "null", "a boolean", "a number", ...

struct FieldValue {
  JsonType type = JsonType::null;
  // string: the unescaped value; number: the literal text ("1000.97", "1e3", "5");
  // boolean: "true" / "false"; null, object, array: empty.
  std::string text;
  std::vector<FieldValue> items;  // top-level arrays: their items (nested ones typed only)
};

class Fields {
 public:
  // The last occurrence of a repeated name wins (as in JavaScript's JSON.parse).
  const FieldValue* find(std::string_view name) const {
    for (auto it = items_.rbegin(); it != items_.rend(); ++it)
      if (it->first == name) return &it->second;
    return nullptr;
  }
  void add(std::string name, FieldValue value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  FieldValue& back() { return items_.back().second; }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<std::pair<std::string, FieldValue>> items_;  // few fields: a scan beats hashing
};

struct ParseLimits {
  size_t max_depth = 16;          // nesting of objects and arrays
  size_t max_fields = 256;        // top-level fields
  size_t max_array_items = 1024;  // items of one top-level array
};

// Parses a JSON object. Errors (INVALID_JSON) say what is wrong and where: malformed
// text, not an object, nested too deeply, too many fields or items.
Result<Fields> parse_json_object(std::string_view body, const ParseLimits& limits = {});
// Parses "a=1&b=x%20y" ('+' is a space, %XX decoded; malformed escapes kept as text).
// Every value is a string.
Fields parse_query(std::string_view query);

// ---- Readers. `name` is the API's field name; every error message contains it. ----

// A string, at most `max_len` bytes (a JSON null counts as missing).
Result<std::string> required_text(const Fields& f, std::string_view name, size_t max_len);
Result<std::optional<std::string>> optional_text(const Fields& f, std::string_view name,
                                                 size_t max_len);
// An identifier: non-empty, at most `max_len` characters of [A-Za-z0-9_-]. A JSON
// integer is accepted and taken as its text (userId 5 -> "5").
Result<std::string> required_id(const Fields& f, std::string_view name, size_t max_len);
Result<std::optional<std::string>> optional_id(const Fields& f, std::string_view name,
                                               size_t max_len);
// Exact money: a JSON number or a decimal string, parsed from its literal text by
// Decimal::parse (at most 8 decimals, in range). `code` is the error code for a value
// that is not such a decimal (e.g. INVALID_PRICE).
Result<Decimal> required_decimal(const Fields& f, std::string_view name,
                                 ErrorCode code = ErrorCode::invalid_field);
Result<std::optional<Decimal>> optional_decimal(const Fields& f, std::string_view name,
                                                ErrorCode code = ErrorCode::invalid_field);
// true/false (or the strings "true"/"false", as a query gives them).
Result<bool> optional_bool(const Fields& f, std::string_view name, bool fallback);
// A whole number in [min, max]: a JSON integer or a string of digits.
Result<uint64_t> optional_uint(const Fields& f, std::string_view name, uint64_t fallback,
                               uint64_t min, uint64_t max);
Result<uint64_t> required_uint(const Fields& f, std::string_view name, uint64_t min, uint64_t max);

// True if every character of `text` is one of [A-Za-z0-9_-].
bool is_id_text(std::string_view text);
// `text` cut to at most `max` bytes with "..." appended when cut (for echoing input).
std::string clip(std::string_view text, size_t max = 40);

}  // namespace ex
