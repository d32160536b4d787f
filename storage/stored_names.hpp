// Enums as they are written in storage rows: stable text that does not depend on the
// order of the C++ enumerators, readable in any SQL shell. The same names as the API
// ("buy", "GTC", "PARTIALLY_FILLED"), so rows read like the JSON the edge serves.
// Intervals are stored by interval_name() ("1m" ... "1w") from the candles module.
#pragma once

#include <string_view>

#include "actors/common/domain.hpp"

namespace ex::stored {

const char* name(Side side);           // "buy", "sell"
const char* name(OrderKind kind);      // "limit", "market"
const char* name(TimeInForce tif);     // "GTC", "IOC", "FOK"
const char* name(Product product);     // "intraday", "delivery"
const char* name(OrderStatus status);  // "NEW", "PARTIALLY_FILLED", "FILLED", ...

// Each returns false (leaving `out` untouched) for a name it does not know.
bool parse(std::string_view text, Side& out);
bool parse(std::string_view text, OrderKind& out);
bool parse(std::string_view text, TimeInForce& out);
bool parse(std::string_view text, Product& out);
bool parse(std::string_view text, OrderStatus& out);

}  // namespace ex::stored
