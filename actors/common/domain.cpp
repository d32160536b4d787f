#include "actors/common/domain.hpp"

#include <array>
#include <cstddef>

namespace ex {
namespace {

constexpr std::array<const char*, 2> kSides = {"buy", "sell"};
constexpr std::array<const char*, 2> kKinds = {"limit", "market"};
constexpr std::array<const char*, 3> kTifs = {"GTC", "IOC", "FOK"};
constexpr std::array<const char*, 2> kProducts = {"intraday", "delivery"};
constexpr std::array<const char*, 6> kStatuses = {"NEW",      "PARTIALLY_FILLED", "FILLED",
                                                  "CANCELED", "EXPIRED",          "REJECTED"};

// The tables list names in enumerator order; each enum starts at 0 and is dense.
template <class Enum, size_t N>
const char* name_in(const std::array<const char*, N>& names, Enum value) {
  auto i = static_cast<size_t>(value);
  return i < N ? names[i] : "?";
}

template <class Enum, size_t N>
bool parse_in(const std::array<const char*, N>& names, std::string_view text, Enum& out) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) {
      out = static_cast<Enum>(i);
      return true;
    }
  }
  return false;
}

static_assert(static_cast<size_t>(OrderStatus::rejected) + 1 == kStatuses.size());
static_assert(static_cast<size_t>(TimeInForce::fok) + 1 == kTifs.size());

}  // namespace

const char* name_of(Side side) {
  return name_in(kSides, side);
}
const char* name_of(OrderKind kind) {
  return name_in(kKinds, kind);
}
const char* name_of(TimeInForce tif) {
  return name_in(kTifs, tif);
}
const char* name_of(Product product) {
  return name_in(kProducts, product);
}
const char* name_of(OrderStatus status) {
  return name_in(kStatuses, status);
}

bool parse_name(std::string_view text, Side& out) {
  return parse_in(kSides, text, out);
}
bool parse_name(std::string_view text, OrderKind& out) {
  return parse_in(kKinds, text, out);
}
bool parse_name(std::string_view text, TimeInForce& out) {
  return parse_in(kTifs, text, out);
}
bool parse_name(std::string_view text, Product& out) {
  return parse_in(kProducts, text, out);
}
bool parse_name(std::string_view text, OrderStatus& out) {
  return parse_in(kStatuses, text, out);
}

}  // namespace ex
