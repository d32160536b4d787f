// Decoding of the API's requests (shared/API.md) from field maps into the domain values
// the ExchangeApi takes, with every check the edge can make before sending a message:
// shapes, types, enumerations, exact decimals, and the market's own rules
// (validate_order from clearing.hpp, the same rule set the market applies). Every error
// names the field. Who is asking (userId) is decided by identity.hpp, not here.
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/common/domain.hpp"
#include "actors/common/status.hpp"
#include "actors/gateway/exchange_api.hpp"
#include "actors/market/candles.hpp"
#include "actors/market/market_spec.hpp"
#include "net/codec/request.hpp"

namespace ex {

constexpr size_t kMaxUserIdLength = 64;
constexpr size_t kMaxClientOrderIdLength = 36;

// The market named by field `name` (or `alt_name` when `name` is absent, e.g. "symbol"
// and "market"): MISSING_FIELD, or UNKNOWN_MARKET (404) if no market has that symbol.
Result<const MarketSpec*> find_market(const Fields& f, const std::vector<MarketSpec>& markets,
                                      std::string_view name, std::string_view alt_name = {});

// POST /api/v1/order for `user_id`. `assets` give the precision a quoteQuantity may have.
Result<PlaceOrder> decode_place_order(const Fields& f, const std::string& user_id,
                                      const std::vector<MarketSpec>& markets,
                                      const std::vector<AssetSpec>& assets);

struct OrderRef {
  const MarketSpec* market = nullptr;
  uint64_t order_id = 0;
  std::string client_order_id;  // instead of order_id (0 then): the owner's name for it
};
// {"orderId","market"} or {"clientOrderId","market"} (DELETE /api/v1/order, GET
// /api/v1/order). An id that cannot be one of this market's orders is UNKNOWN_ORDER
// (404), as an unknown one would be.
Result<OrderRef> decode_order_ref(const Fields& f, const std::vector<MarketSpec>& markets);

struct DepositRequest {
  std::string asset;
  Decimal amount;
};
// POST /api/v1/on-ramp: "amount" (positive, at most the asset's decimals) and optional
// "asset" (default: INR if configured, else the first market's quote asset).
Result<DepositRequest> decode_deposit(const Fields& f, const std::vector<AssetSpec>& assets,
                                      const std::vector<MarketSpec>& markets);

struct KlinesRequest {
  const MarketSpec* market = nullptr;
  Interval interval = Interval::h1;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
};
// GET /api/v1/klines: symbol, interval, startTime and endTime in unix seconds (values of
// 10^12 and more are taken as milliseconds, as Binance-style clients send); startTime
// defaults to 0 and endTime to the end of time. An optional `limit` (1 to kMaxKlines)
// narrows the range to that many buckets: the first ones from startTime, or without
// startTime the last ones up to endTime (or `now_ms`), as Binance-style clients expect.
inline constexpr uint64_t kMaxKlines = 1000;
Result<KlinesRequest> decode_klines(const Fields& f, const std::vector<MarketSpec>& markets,
                                    int64_t now_ms);

// "before": the next page of a newest-first list, the one after that id (an id from the
// previous page). An order of `market` (UNKNOWN_ORDER if it cannot be one; none: nullopt)
// for /orders; a trade id for /trades and /fills (none: kAboveNewestTrade).
Result<std::optional<uint64_t>> decode_order_before(const Fields& f, const MarketSpec& market);
Result<uint64_t> decode_trade_before(const Fields& f);

// "limit": default and maximum per endpoint.
Result<size_t> decode_limit(const Fields& f, size_t fallback, size_t max);

}  // namespace ex
