#include "actors/money/decimal.hpp"

#include <cstdlib>

namespace ex {
namespace {

constexpr int kMaxDigits = 40;  // longer mantissas are refused before any arithmetic

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view s) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  // Mantissa digits without the point; `point` counts digits after it.
  char digits[kMaxDigits];
  int ndigits = 0;
  int point = 0;
  size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) {
    if (ndigits == kMaxDigits) return std::nullopt;
    digits[ndigits++] = s[i++];
  }
  if (i == int_start) return std::nullopt;  // no integer part: ".5", "-", ""
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac_start = i;
    while (i < s.size() && is_digit(s[i])) {
      if (ndigits == kMaxDigits) return std::nullopt;
      digits[ndigits++] = s[i++];
      ++point;
    }
    if (i == frac_start) return std::nullopt;  // "5."
  }
  int exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    size_t exp_start = i;
    while (i < s.size() && is_digit(s[i])) {
      exponent = exponent * 10 + (s[i++] - '0');
      if (exponent > 100) return std::nullopt;
    }
    if (i == exp_start) return std::nullopt;
    if (exp_negative) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;

  // value = mantissa * 10^(exponent - point); in units: * 10^(8 + exponent - point).
  int shift = kScaleDigits + exponent - point;
  // Drop trailing zeros that a negative shift would divide away.
  while (shift < 0 && ndigits > 0 && digits[ndigits - 1] == '0') {
    --ndigits;
    ++shift;
  }
  if (shift < 0) {
    // Only acceptable if the mantissa is all zeros (then the value is 0).
    for (int k = 0; k < ndigits; ++k)
      if (digits[k] != '0') return std::nullopt;
    return Decimal(0);
  }
  unsigned __int128 value = 0;
  const unsigned __int128 limit = static_cast<unsigned __int128>(INT64_MAX);
  for (int k = 0; k < ndigits; ++k) {
    value = value * 10 + static_cast<unsigned>(digits[k] - '0');
    if (value > limit) return std::nullopt;
  }
  for (int k = 0; k < shift; ++k) {
    if (value == 0) break;
    value *= 10;
    if (value > limit) return std::nullopt;
  }
  int64_t units = static_cast<int64_t>(value);
  return Decimal(negative ? -units : units);
}

int Decimal::decimals() const {
  int64_t frac = units_ % kScale;
  if (frac == 0) return 0;
  int d = kScaleDigits;
  while (frac % 10 == 0) {
    frac /= 10;
    --d;
  }
  return d;
}

void Decimal::append_to(std::string& out) const {
  uint64_t magnitude =
      units_ < 0 ? 0 - static_cast<uint64_t>(units_) : static_cast<uint64_t>(units_);
  if (units_ < 0) out.push_back('-');
  uint64_t whole = magnitude / kScale;
  uint64_t frac = magnitude % kScale;
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole);
  while (n)
    out.push_back(buf[--n]);
  if (frac == 0) return;
  char fbuf[kScaleDigits];
  for (int k = kScaleDigits - 1; k >= 0; --k) {
    fbuf[k] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int len = kScaleDigits;
  while (fbuf[len - 1] == '0')
    --len;
  out.push_back('.');
  out.append(fbuf, static_cast<size_t>(len));
}

std::string Decimal::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

std::optional<Decimal> Decimal::mul_wide(Decimal a, Decimal b) {
  // The 64-bit product overflowed and b is not whole (see mul). A whole a (a round price)
  // scales down first, exactly, and needs no division of the product.
  int64_t scaled;
  if (a.units_ % kScale == 0) {
    if (__builtin_mul_overflow(a.units_ / kScale, b.units_, &scaled)) return std::nullopt;
    return Decimal(scaled);
  }
  // Otherwise divide the 128-bit product: exact or refused.
  __int128 p = static_cast<__int128>(a.units_) * b.units_;
  const bool negative = p < 0;
  const unsigned __int128 m =
      negative ? -static_cast<unsigned __int128>(p) : static_cast<unsigned __int128>(p);
  const uint64_t hi = static_cast<uint64_t>(m >> 64), lo = static_cast<uint64_t>(m);
  if (hi >= static_cast<uint64_t>(kScale)) return std::nullopt;  // quotient beyond 64 bits
  uint64_t q, r;
#if defined(__x86_64__)
  __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "r"(static_cast<uint64_t>(kScale)));
#else
  q = static_cast<uint64_t>(m / kScale);
  r = static_cast<uint64_t>(m % kScale);
#endif
  if (r != 0) return std::nullopt;
  if (q > static_cast<uint64_t>(INT64_MAX) + (negative ? 1 : 0)) return std::nullopt;
  return Decimal(negative ? static_cast<int64_t>(0 - q) : static_cast<int64_t>(q));
}

}  // namespace ex
