#include "net/codec/json_writer.hpp"

namespace ex::json {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_cont(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Length of the valid UTF-8 sequence starting at s[i] (2..4), or 0 if it is invalid.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto at = [&](size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  unsigned char c = at(0);
  if (c >= 0xC2 && c <= 0xDF) return is_cont(at(1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned char c1 = at(1);
    bool ok1 = c == 0xE0   ? (c1 >= 0xA0 && c1 <= 0xBF)
               : c == 0xED ? (c1 >= 0x80 && c1 <= 0x9F)  // no UTF-16 surrogates
                           : is_cont(c1);
    return ok1 && is_cont(at(2)) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned char c1 = at(1);
    bool ok1 = c == 0xF0   ? (c1 >= 0x90 && c1 <= 0xBF)
               : c == 0xF4 ? (c1 >= 0x80 && c1 <= 0x8F)  // <= U+10FFFF
                           : is_cont(c1);
    return ok1 && is_cont(at(2)) && is_cont(at(3)) ? 4 : 0;
  }
  return 0;
}

// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm), proleptic Gregorian.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

void append_padded(std::string& out, int64_t v, int width) {
  char buf[24];
  int n = 0;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) out += '-';
  for (int i = n; i < width; ++i)
    out += '0';
  while (n)
    out += buf[--n];
}

}  // namespace

void append_string(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    // Copy the longest run of bytes that need nothing.
    size_t run = i;
    while (run < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++run;
    }
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8_sequence(s, i);
      if (n == 0) {
        out += kReplacement;
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    ++i;
  }
  out += '"';
}

void append_iso_time(std::string& out, int64_t time_ms) {
  int64_t days = time_ms >= 0 ? time_ms / 86400000 : -((-time_ms + 86399999) / 86400000);
  int64_t ms_of_day = time_ms - days * 86400000;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  append_padded(out, y, 4);
  out += '-';
  append_padded(out, m, 2);
  out += '-';
  append_padded(out, d, 2);
  out += 'T';
  append_padded(out, ms_of_day / 3600000, 2);
  out += ':';
  append_padded(out, ms_of_day / 60000 % 60, 2);
  out += ':';
  append_padded(out, ms_of_day / 1000 % 60, 2);
  out += '.';
  append_padded(out, ms_of_day % 1000, 3);
  out += 'Z';
}

std::string iso_time(int64_t time_ms) {
  std::string out;
  append_iso_time(out, time_ms);
  return out;
}

void append_u64(std::string& out, uint64_t v) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n)
    out += buf[--n];
}

void append_i64(std::string& out, int64_t v) {
  if (v < 0) {
    out += '-';
    append_u64(out, 0 - static_cast<uint64_t>(v));
  } else {
    append_u64(out, static_cast<uint64_t>(v));
  }
}

}  // namespace ex::json
