// libFuzzer: any text into Decimal::parse. What parses must print back to text that
// parses to the same value, and arithmetic on it must never wrap.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "actors/money/decimal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = ex::Decimal::parse(text);
  if (!d) return 0;
  auto back = ex::Decimal::parse(d->to_string());
  if (!back || back->units() != d->units()) std::abort();
  if (d->decimals() > ex::Decimal::kScaleDigits) std::abort();
  auto sum = ex::Decimal::add(*d, *d);
  if (sum && sum->units() / 2 != d->units()) std::abort();
  auto product = ex::Decimal::mul(*d, ex::Decimal::from_int(1));
  if (!product || product->units() != d->units()) std::abort();
  return 0;
}
