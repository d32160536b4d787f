#include "net/codec/request.hpp"

#include <nlohmann/json.hpp>

namespace ex {
namespace {

using json = nlohmann::json;

// Collects the top level of one JSON object into Fields (see request.hpp).
class FieldSax {
 public:
  FieldSax(Fields& fields, const ParseLimits& limits) : fields_(fields), limits_(limits) {}

  bool null() { return scalar(JsonType::null, {}); }
  bool boolean(bool v) { return scalar(JsonType::boolean, v ? "true" : "false"); }
  bool number_integer(json::number_integer_t v) {
    return scalar(JsonType::number, std::to_string(v));
  }
  bool number_unsigned(json::number_unsigned_t v) {
    return scalar(JsonType::number, std::to_string(v));
  }
  bool number_float(json::number_float_t, const json::string_t& literal) {
    // The lexer writes the C locale's decimal point into the token; keep JSON's '.'.
    std::string text = literal;
    for (char& c : text)
      if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' || c == 'E')) c = '.';
    return scalar(JsonType::number, std::move(text));
  }
  bool string(json::string_t& v) { return scalar(JsonType::string, std::move(v)); }
  bool binary(json::binary_t&) { return fail("binary values are not JSON"); }

  bool start_object(std::size_t) { return open(JsonType::object); }
  bool start_array(std::size_t) { return open(JsonType::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& k) {
    if (depth_ == 1) key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> after "] ".
    std::string what = e.what();
    auto cut = what.find("] ");
    if (cut != std::string::npos) what.erase(0, cut + 2);
    if (what.size() > 200) what = clip(what, 200);
    error_ = "malformed JSON (byte " + std::to_string(position) + "): " + what;
    return false;
  }

  const std::string& error() const { return error_; }
  bool saw_object() const { return saw_object_; }

 private:
  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  bool scalar(JsonType type, std::string text) {
    if (depth_ == 0)
      return fail("the body must be a JSON object, not " + std::string(json_type_name(type)));
    if (depth_ == 1) return add_field(FieldValue{type, std::move(text), {}});
    if (depth_ == 2 && in_top_array_) return add_item(FieldValue{type, std::move(text), {}});
    return true;
  }

  bool open(JsonType type) {
    if (depth_ == 0) {
      if (type != JsonType::object) return fail("the body must be a JSON object, not an array");
      saw_object_ = true;
      depth_ = 1;
      return true;
    }
    if (depth_ + 1 > limits_.max_depth)
      return fail("JSON is nested too deeply (more than " + std::to_string(limits_.max_depth) +
                  " levels)");
    if (depth_ == 1) {
      if (!add_field(FieldValue{type, {}, {}})) return false;
      in_top_array_ = type == JsonType::array;
    } else if (depth_ == 2 && in_top_array_) {
      if (!add_item(FieldValue{type, {}, {}})) return false;
      in_top_array_ = false;  // until this nested value closes
      nested_in_array_ = true;
    }
    ++depth_;
    return true;
  }

  bool close() {
    --depth_;
    if (depth_ == 1) in_top_array_ = false;
    if (depth_ == 2 && nested_in_array_) {
      nested_in_array_ = false;
      in_top_array_ = true;
    }
    return true;
  }

  bool add_field(FieldValue v) {
    if (fields_.size() >= limits_.max_fields)
      return fail("too many fields (more than " + std::to_string(limits_.max_fields) + ")");
    fields_.add(std::move(key_), std::move(v));
    key_.clear();
    return true;
  }

  bool add_item(FieldValue v) {
    auto& items = fields_.back().items;
    if (items.size() >= limits_.max_array_items)
      return fail("too many items in array (more than " + std::to_string(limits_.max_array_items) +
                  ")");
    items.push_back(std::move(v));
    return true;
  }

  Fields& fields_;
  const ParseLimits& limits_;
  size_t depth_ = 0;
  bool in_top_array_ = false;     // depth 2 is the inside of a top-level array field
  bool nested_in_array_ = false;  // a value nested in that array is open
  bool saw_object_ = false;
  std::string key_;
  std::string error_;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string in_quotes(std::string_view name) {
  std::string s = "'";
  s += name;
  s += "'";
  return s;
}

Error missing(std::string_view name) {
  return make_error(ErrorCode::missing_field, "missing field " + in_quotes(name));
}

Error wrong_type(std::string_view name, const char* expected, JsonType got) {
  return make_error(ErrorCode::invalid_field, "field " + in_quotes(name) + " must be " + expected +
                                                  ", not " + json_type_name(got));
}

// Present and not null.
const FieldValue* present(const Fields& f, std::string_view name) {
  const FieldValue* v = f.find(name);
  return v && v->type != JsonType::null ? v : nullptr;
}

Result<std::string> text_of(const FieldValue& v, std::string_view name, size_t max_len) {
  if (v.type != JsonType::string) return wrong_type(name, "a string", v.type);
  if (v.text.size() > max_len)
    return make_error(ErrorCode::invalid_field, "field " + in_quotes(name) + " is longer than " +
                                                    std::to_string(max_len) + " characters");
  return v.text;
}

Result<std::string> id_of(const FieldValue& v, std::string_view name, size_t max_len) {
  bool integer = v.type == JsonType::number && !v.text.empty() &&
                 v.text.find_first_not_of("0123456789") == std::string::npos;
  // Ids are text; a whole number is taken as its digits (the original's clients send
  // userId 5), anything else (5.0, 1e3, -5) would not name one id unambiguously.
  if (v.type == JsonType::number && !integer)
    return make_error(ErrorCode::invalid_field, "field " + in_quotes(name) +
                                                    " must be a string or a whole number, not " +
                                                    in_quotes(clip(v.text)));
  if (v.type != JsonType::string && !integer) return wrong_type(name, "a string", v.type);
  if (v.text.empty())
    return make_error(ErrorCode::invalid_field, "field " + in_quotes(name) + " must not be empty");
  if (v.text.size() > max_len)
    return make_error(ErrorCode::invalid_field, "field " + in_quotes(name) + " is longer than " +
                                                    std::to_string(max_len) + " characters");
  if (!is_id_text(v.text))
    return make_error(
        ErrorCode::invalid_field,
        "field " + in_quotes(name) + " may contain only letters, digits, '_' and '-'");
  return v.text;
}

Result<Decimal> decimal_of(const FieldValue& v, std::string_view name, ErrorCode code) {
  if (v.type != JsonType::number && v.type != JsonType::string)
    return wrong_type(name, "a number or a decimal string", v.type);
  auto d = Decimal::parse(v.text);
  if (!d)
    return make_error(code, "field " + in_quotes(name) +
                                " must be a decimal number with at most 8 decimals and within "
                                "range, not " +
                                in_quotes(clip(v.text)));
  return *d;
}

Result<uint64_t> uint_of(const FieldValue& v, std::string_view name, uint64_t min, uint64_t max) {
  if (v.type != JsonType::number && v.type != JsonType::string)
    return wrong_type(name, "a whole number", v.type);
  const std::string& t = v.text;
  auto bad = [&] {
    return make_error(ErrorCode::invalid_field,
                      "field " + in_quotes(name) + " must be a whole number from " +
                          std::to_string(min) + " to " + std::to_string(max) + ", not " +
                          in_quotes(clip(t)));
  };
  if (t.empty() || t.size() > 19 || t.find_first_not_of("0123456789") != std::string::npos)
    return bad();
  uint64_t n = std::stoull(t);
  if (n < min || n > max) return bad();
  return n;
}

}  // namespace

const char* json_type_name(JsonType type) {
  switch (type) {
    case JsonType::null:
      return "null";
    case JsonType::boolean:
      return "a boolean";
    case JsonType::number:
      return "a number";
    case JsonType::string:
      return "a string";
    case JsonType::object:
      return "an object";
    case JsonType::array:
      return "an array";
  }
  return "unknown";
}

Result<Fields> parse_json_object(std::string_view body, const ParseLimits& limits) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return make_error(ErrorCode::invalid_json, "the body is empty: expected a JSON object");
  // nlohmann's lexer takes a NUL byte for the end of its input, so `{...}\0garbage` would
  // parse as `{...}`. A raw NUL is never valid JSON text (inside a string it must be \u0000).
  if (body.find('\0') != std::string_view::npos)
    return make_error(ErrorCode::invalid_json, "malformed JSON: a NUL byte in the body");
  Fields fields;
  FieldSax sax(fields, limits);
  bool ok = json::sax_parse(body.begin(), body.end(), &sax);
  if (!ok || !sax.saw_object()) {
    std::string message = sax.error().empty() ? "malformed JSON" : sax.error();
    return make_error(ErrorCode::invalid_json, std::move(message));
  }
  return fields;
}

Fields parse_query(std::string_view query) {
  Fields fields;
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view part = query.substr(pos, amp - pos);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string_view k = part.substr(0, eq);
      std::string_view v = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
      // No cap on the count: the header limit bounds a query to 16 KB, and dropping
      // parameters would turn a present field into a "missing" one.
      fields.add(url_decode(k), FieldValue{JsonType::string, url_decode(v), {}});
    }
    pos = amp + 1;
  }
  return fields;
}

Result<std::string> required_text(const Fields& f, std::string_view name, size_t max_len) {
  const FieldValue* v = present(f, name);
  if (!v) return missing(name);
  return text_of(*v, name, max_len);
}

Result<std::optional<std::string>> optional_text(const Fields& f, std::string_view name,
                                                 size_t max_len) {
  const FieldValue* v = present(f, name);
  if (!v) return std::optional<std::string>{};
  auto t = text_of(*v, name, max_len);
  if (!t) return t.error();
  return std::optional<std::string>{std::move(*t)};
}

Result<std::string> required_id(const Fields& f, std::string_view name, size_t max_len) {
  const FieldValue* v = present(f, name);
  if (!v) return missing(name);
  return id_of(*v, name, max_len);
}

Result<std::optional<std::string>> optional_id(const Fields& f, std::string_view name,
                                               size_t max_len) {
  const FieldValue* v = present(f, name);
  if (!v) return std::optional<std::string>{};
  auto t = id_of(*v, name, max_len);
  if (!t) return t.error();
  return std::optional<std::string>{std::move(*t)};
}

Result<Decimal> required_decimal(const Fields& f, std::string_view name, ErrorCode code) {
  const FieldValue* v = present(f, name);
  if (!v) return missing(name);
  return decimal_of(*v, name, code);
}

Result<std::optional<Decimal>> optional_decimal(const Fields& f, std::string_view name,
                                                ErrorCode code) {
  const FieldValue* v = present(f, name);
  if (!v) return std::optional<Decimal>{};
  auto d = decimal_of(*v, name, code);
  if (!d) return d.error();
  return std::optional<Decimal>{*d};
}

Result<bool> optional_bool(const Fields& f, std::string_view name, bool fallback) {
  const FieldValue* v = present(f, name);
  if (!v) return fallback;
  if ((v->type == JsonType::boolean || v->type == JsonType::string) &&
      (v->text == "true" || v->text == "false"))
    return v->text == "true";
  return wrong_type(name, "true or false", v->type);
}

Result<uint64_t> optional_uint(const Fields& f, std::string_view name, uint64_t fallback,
                               uint64_t min, uint64_t max) {
  const FieldValue* v = present(f, name);
  if (!v || (v->type == JsonType::string && v->text.empty())) return fallback;
  return uint_of(*v, name, min, max);
}

Result<uint64_t> required_uint(const Fields& f, std::string_view name, uint64_t min, uint64_t max) {
  const FieldValue* v = present(f, name);
  if (!v || (v->type == JsonType::string && v->text.empty())) return missing(name);
  return uint_of(*v, name, min, max);
}

bool is_id_text(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string clip(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  std::string out(text.substr(0, max));
  out += "...";
  return out;
}

}  // namespace ex
