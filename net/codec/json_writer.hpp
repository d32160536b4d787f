// A small append-only JSON writer for the API's responses and stream events.
//
// It writes straight into one std::string, with no intermediate document: commas are
// placed automatically (one flag, no stack, since a value after a key never needs one).
// Money is written from Decimal's exact text, as a JSON number (dec_num: 1000.97) or a
// JSON string (dec_str: "1000.97"); nothing goes through double. Strings are escaped and
// any invalid UTF-8 byte is replaced by U+FFFD, so the output is always valid JSON even
// when it echoes a client's bytes. Keys are trusted literals from the codec (no escaping).
// Not thread-safe: one writer per message being built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "actors/money/decimal.hpp"

namespace ex::json {

// Appends `text` as a quoted, escaped JSON string.
void append_string(std::string& out, std::string_view text);
// Appends unix milliseconds as ISO-8601 UTC with milliseconds: 2025-01-25T08:00:00.000Z.
void append_iso_time(std::string& out, int64_t time_ms);
std::string iso_time(int64_t time_ms);
void append_u64(std::string& out, uint64_t v);
void append_i64(std::string& out, int64_t v);

class Writer {
 public:
  Writer() { out_.reserve(256); }
  explicit Writer(size_t reserve) { out_.reserve(reserve); }

  Writer& begin_object() { return open('{'); }
  Writer& end_object() { return close('}'); }
  Writer& begin_array() { return open('['); }
  Writer& end_array() { return close(']'); }

  // `k` must not need escaping (the codec's own field names).
  Writer& key(std::string_view k) {
    comma();
    out_ += '"';
    out_ += k;
    out_ += "\":";
    need_comma_ = false;
    return *this;
  }

  Writer& str(std::string_view s) {
    comma();
    append_string(out_, s);
    need_comma_ = true;
    return *this;
  }
  // An empty string becomes null (optional text such as clientOrderId).
  Writer& str_or_null(std::string_view s) { return s.empty() ? null() : str(s); }
  Writer& u64(uint64_t v) {
    comma();
    append_u64(out_, v);
    need_comma_ = true;
    return *this;
  }
  Writer& i64(int64_t v) {
    comma();
    append_i64(out_, v);
    need_comma_ = true;
    return *this;
  }
  Writer& boolean(bool v) { return raw(v ? "true" : "false"); }
  Writer& null() { return raw("null"); }
  // Exact decimal as a JSON number literal: 1000.97, 7, -0.5.
  Writer& dec_num(Decimal d) {
    comma();
    d.append_to(out_);
    need_comma_ = true;
    return *this;
  }
  // Exact decimal as a JSON string: "1000.97".
  Writer& dec_str(Decimal d) {
    comma();
    out_ += '"';
    d.append_to(out_);
    out_ += '"';
    need_comma_ = true;
    return *this;
  }
  Writer& iso_time(int64_t time_ms) {
    comma();
    out_ += '"';
    append_iso_time(out_, time_ms);
    out_ += '"';
    need_comma_ = true;
    return *this;
  }
  // Already-valid JSON text (a literal, a pre-encoded value).
  Writer& raw(std::string_view json) {
    comma();
    out_ += json;
    need_comma_ = true;
    return *this;
  }

  // Members: key and value in one call.
  Writer& begin_object(std::string_view k) { return key(k).begin_object(); }
  Writer& begin_array(std::string_view k) { return key(k).begin_array(); }
  Writer& str(std::string_view k, std::string_view v) { return key(k).str(v); }
  Writer& str_or_null(std::string_view k, std::string_view v) { return key(k).str_or_null(v); }
  Writer& u64(std::string_view k, uint64_t v) { return key(k).u64(v); }
  Writer& i64(std::string_view k, int64_t v) { return key(k).i64(v); }
  Writer& boolean(std::string_view k, bool v) { return key(k).boolean(v); }
  Writer& null(std::string_view k) { return key(k).null(); }
  Writer& dec_num(std::string_view k, Decimal d) { return key(k).dec_num(d); }
  Writer& dec_str(std::string_view k, Decimal d) { return key(k).dec_str(d); }
  Writer& iso_time(std::string_view k, int64_t time_ms) { return key(k).iso_time(time_ms); }

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void comma() {
    if (need_comma_) out_ += ',';
  }
  Writer& open(char c) {
    comma();
    out_ += c;
    need_comma_ = false;
    return *this;
  }
  Writer& close(char c) {
    out_ += c;
    need_comma_ = true;
    return *this;
  }

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace ex::json
