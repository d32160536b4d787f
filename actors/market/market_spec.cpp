#include "actors/market/market_spec.hpp"

#include <algorithm>
#include <cctype>

namespace ex {
namespace {

// Ticks and lots are capped so that price x quantity always fits 64 bits in tick-lots.
constexpr int64_t kMaxTicks = 1'000'000'000'000;  // 10^12
constexpr int64_t kMaxLots = 1'000'000'000'000;

}  // namespace

Result<bool> MarketSpec::validate() const {
  // The symbol is in URLs, stream names ("depth@TATA_INR", "kline@TATA_INR:1h") and the name
  // of the market's journal directory: nothing there may take it apart.
  const bool plain = std::all_of(symbol.begin(), symbol.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (symbol.empty() || symbol.size() > 32 || !plain)
    return make_error(ErrorCode::invalid_field,
                      "market symbol '" + symbol +
                          "': 1-32 letters, digits, '_' or '-' (it names the market's journal)");
  if (id == 0 || id > 0xfff)
    return make_error(ErrorCode::invalid_field, symbol + ": id must be 1..4095");
  if (!tick_size.is_positive() || !step_size.is_positive())
    return make_error(ErrorCode::invalid_field, symbol + ": tick and step sizes must be positive");
  __int128 product = static_cast<__int128>(tick_size.units()) * step_size.units();
  if (product % Decimal::kScale != 0)
    return make_error(ErrorCode::invalid_field,
                      symbol + ": tick x step must be a whole multiple of 1e-8 (fewer decimals)");
  if (min_qty.is_negative() || min_notional.is_negative() || band_bps <= 0)
    return make_error(ErrorCode::invalid_field, symbol + ": limits must be positive");
  if (band_bps > 10000)  // a market buy's limit is then at most twice the reference price
    return make_error(ErrorCode::invalid_field, symbol + ": the price band is at most 1 (100%)");
  return true;
}

int64_t MarketSpec::tick_lot_units() const {
  return static_cast<int64_t>(static_cast<__int128>(tick_size.units()) * step_size.units() /
                              Decimal::kScale);
}

Result<book::Ticks> MarketSpec::to_ticks(Decimal price) const {
  if (!price.is_positive()) return make_error(ErrorCode::invalid_price, "price must be positive");
  if (!price.is_multiple_of(tick_size))
    return make_error(ErrorCode::invalid_price, "price " + price.to_string() +
                                                    " is not a multiple of the tick size " +
                                                    tick_size.to_string());
  int64_t ticks = price.units() / tick_size.units();
  if (ticks > kMaxTicks) return make_error(ErrorCode::invalid_price, "price is out of range");
  return ticks;
}

Result<book::Lots> MarketSpec::to_lots(Decimal qty) const {
  if (!qty.is_positive())
    return make_error(ErrorCode::invalid_quantity, "quantity must be positive");
  if (!qty.is_multiple_of(step_size))
    return make_error(ErrorCode::invalid_quantity, "quantity " + qty.to_string() +
                                                       " is not a multiple of the step size " +
                                                       step_size.to_string());
  if (qty < min_qty)
    return make_error(ErrorCode::invalid_quantity,
                      "quantity is below the minimum " + min_qty.to_string());
  int64_t lots = qty.units() / step_size.units();
  if (lots > kMaxLots) return make_error(ErrorCode::invalid_quantity, "quantity is out of range");
  return lots;
}

Result<Decimal> MarketSpec::notional(Decimal price, Decimal qty) const {
  auto n = Decimal::mul(price, qty);
  if (!n) return make_error(ErrorCode::invalid_quantity, "price x quantity is out of range");
  return *n;
}

std::string order_id_text(uint64_t id) {
  static const char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  char buf[16];
  int n = 0;
  do {
    buf[n++] = kDigits[id % 36];
    id /= 36;
  } while (id);
  std::string out;
  while (n)
    out.push_back(buf[--n]);
  return out;
}

uint64_t parse_order_id(const std::string& text) {
  if (text.empty() || text.size() > 12) return 0;  // 36^12 > 2^62: never overflows
  uint64_t id = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 10;
    else
      return 0;
    id = id * 36 + static_cast<uint64_t>(d);
  }
  return id;
}

}  // namespace ex
