#include "actors/money/decimal.hpp"

#include <cstdlib>

namespace ex {
namespace {

// Significant digits (from the first nonzero one to the last); longer mantissas are
// refused before any arithmetic. Zeros around them only move the point, up to a bound on
// the literal's digits in all.
constexpr int kMaxDigits = 40;
constexpr int kMaxLiteralDigits = 400;

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
  // value = digits x 10^(exponent - point + zeros): `digits` the significant digits,
  // `point` the count of digits after the point, `zeros` the zeros after the last
  // significant digit, held back until a nonzero digit follows (then they are digits).
  // Padding ("100000e-5", "0.00001e5") thus counts against no limit but the literal's.
  char digits[kMaxDigits];
  int ndigits = 0, zeros = 0, point = 0, seen = 0;
  auto take = [&](char c) {
    if (++seen > kMaxLiteralDigits) return false;
    if (c == '0') {
      zeros += ndigits > 0;
      return true;
    }
    if (ndigits + zeros >= kMaxDigits) return false;
    for (; zeros > 0; --zeros)
      digits[ndigits++] = '0';
    digits[ndigits++] = c;
    return true;
  };
  size_t int_start = i;
  while (i < s.size() && is_digit(s[i]))
    if (!take(s[i++])) return std::nullopt;
  if (i == int_start) return std::nullopt;  // no integer part: ".5", "-", ""
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac_start = i;
    while (i < s.size() && is_digit(s[i])) {
      if (!take(s[i++])) return std::nullopt;
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

  if (ndigits == 0) return Decimal(0);  // all zeros, whatever the exponent
  // In units: digits x 10^shift. The last digit is not 0, so a negative shift would leave
  // a fraction of a unit.
  const int shift = kScaleDigits + exponent - point + zeros;
  if (shift < 0) return std::nullopt;
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
