// Exact fixed-point money: prices, quantities and amounts.
//
// A Decimal is a signed 64-bit count of 10^-8 units, so every value the exchange
// handles (asset precisions up to 8 decimals) is represented exactly. Arithmetic that
// could overflow is checked and refused; nothing ever wraps or rounds silently.
// Range: +-92,233,720,368.54775807.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ex {

class Decimal {
 public:
  static constexpr int kScaleDigits = 8;
  static constexpr int64_t kScale = 100'000'000;

  constexpr Decimal() = default;
  static constexpr Decimal from_units(int64_t units) { return Decimal(units); }
  static constexpr Decimal from_int(int64_t whole) { return Decimal(whole * kScale); }

  // Parses decimal text: optional '-', digits, optional '.' and digits, optional
  // exponent ("1e3", "2.5E-2"), as JSON writes numbers. The value must be exact at
  // 8 decimals and in range; anything else (spaces, '+', hex, "nan", ".5", "5.")
  // is refused. Exponents are applied exactly by moving the decimal point.
  static std::optional<Decimal> parse(std::string_view text);

  constexpr int64_t units() const { return units_; }
  constexpr bool is_zero() const { return units_ == 0; }
  constexpr bool is_positive() const { return units_ > 0; }
  constexpr bool is_negative() const { return units_ < 0; }

  // Number of decimals needed to write the value exactly (0..8).
  int decimals() const;
  // True if the value is a whole multiple of `step` (step > 0).
  bool is_multiple_of(Decimal step) const { return step.units_ > 0 && units_ % step.units_ == 0; }

  // Shortest exact text: "1000.97", "7", "-0.5", "0".
  std::string to_string() const;
  // Appends the shortest exact text to `out` without allocating a temporary.
  void append_to(std::string& out) const;

  // For sums that are statistics rather than money held (volumes, a book level's size,
  // percentages): the nearest value in range, so one beyond shows as the largest.
  static Decimal clamped(__int128 units) {
    constexpr __int128 kMax = INT64_MAX, kMin = INT64_MIN;
    return Decimal(static_cast<int64_t>(units > kMax ? kMax : units < kMin ? kMin : units));
  }

  // Checked arithmetic: nullopt on overflow. Inline: they sit on the settlement path.
  static std::optional<Decimal> add(Decimal a, Decimal b) {
    int64_t r;
    if (__builtin_add_overflow(a.units_, b.units_, &r)) return std::nullopt;
    return Decimal(r);
  }
  static std::optional<Decimal> sub(Decimal a, Decimal b) {
    int64_t r;
    if (__builtin_sub_overflow(a.units_, b.units_, &r)) return std::nullopt;
    return Decimal(r);
  }
  // a * b, exact only when the product fits 8 decimals; nullopt if it does not or overflows.
  // Inline fast paths: a whole b (a quantity in whole units) scales down first, exactly;
  // otherwise most products of money fit 64 bits before scaling back. The rest (price x
  // quantity of large values) take one 128-by-64-bit division in mul_wide.
  static std::optional<Decimal> mul(Decimal a, Decimal b) {
    int64_t r;
    if (b.units_ % kScale == 0) {
      if (__builtin_mul_overflow(a.units_, b.units_ / kScale, &r)) return std::nullopt;
      return Decimal(r);
    }
    if (__builtin_mul_overflow(a.units_, b.units_, &r)) return mul_wide(a, b);
    if (r % kScale != 0) return std::nullopt;
    return Decimal(r / kScale);
  }

  friend constexpr bool operator==(Decimal a, Decimal b) { return a.units_ == b.units_; }
  friend constexpr bool operator!=(Decimal a, Decimal b) { return a.units_ != b.units_; }
  friend constexpr bool operator<(Decimal a, Decimal b) { return a.units_ < b.units_; }
  friend constexpr bool operator<=(Decimal a, Decimal b) { return a.units_ <= b.units_; }
  friend constexpr bool operator>(Decimal a, Decimal b) { return a.units_ > b.units_; }
  friend constexpr bool operator>=(Decimal a, Decimal b) { return a.units_ >= b.units_; }

  template <class Inspector>
  friend auto inspect(Inspector& f, Decimal& x) {
    return f(x.units_);
  }

 private:
  constexpr explicit Decimal(int64_t units) : units_(units) {}
  static std::optional<Decimal> mul_wide(Decimal a, Decimal b);  // a * b beyond 64 bits
  int64_t units_ = 0;
};

// a + b modulo 2^64, for sums whose parts may leave the int64 range while the whole stays
// in it: a trader's flow in one market is not bounded by its money (two markets that share
// a quote asset can pass the same money round and round), but its balance, the sum over
// markets and deposits, is; modular sums give that sum exactly.
inline int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t wrapping_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

}  // namespace ex
