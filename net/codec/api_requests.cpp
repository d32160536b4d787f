#include "net/codec/api_requests.hpp"

#include <algorithm>

#include "actors/market/clearing.hpp"

namespace ex {
namespace {

// Unix seconds up to the year 9999; larger values are milliseconds.
constexpr uint64_t kMaxSeconds = 253402300799ULL;
constexpr uint64_t kMillisThreshold = 1000000000000ULL;
constexpr uint64_t kMaxMillis = kMaxSeconds * 1000 + 999;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Error bad_choice(std::string_view name, const char* choices, const std::string& got) {
  return make_error(ErrorCode::invalid_field, "field '" + std::string(name) + "' must be " +
                                                  choices + ", not '" + clip(got) + "'");
}

Error not_positive(std::string_view name, ErrorCode code) {
  return make_error(code, "field '" + std::string(name) + "' must be positive");
}

// An amount of `asset` may not have more decimals than the asset: it is refused, not
// rounded (deposits, and the quote amount of a market buy).
Result<bool> within_precision(std::string_view name, Decimal amount, const AssetSpec& asset) {
  if (amount.decimals() <= asset.decimals) return true;
  return make_error(ErrorCode::invalid_quantity, "field '" + std::string(name) +
                                                     "' has more than " +
                                                     std::to_string(asset.decimals) +
                                                     " decimals, the precision of " + asset.name);
}

// A time field counts as given unless it is absent, null or "" (query strings send "").
bool time_given(const Fields& f, std::string_view name) {
  const FieldValue* v = f.find(name);
  return v && v->type != JsonType::null && !(v->type == JsonType::string && v->text.empty());
}

// Seconds (or milliseconds, see decode_klines) to milliseconds.
Result<int64_t> time_field(const Fields& f, std::string_view name, uint64_t fallback_ms) {
  if (!time_given(f, name)) return static_cast<int64_t>(fallback_ms);
  auto n = optional_uint(f, name, 0, 0, kMaxMillis);
  if (!n) return n.error();
  uint64_t value = *n;
  if (value < kMillisThreshold) {
    if (value > kMaxSeconds)
      return make_error(ErrorCode::invalid_field,
                        "field '" + std::string(name) + "' is out of range (unix seconds)");
    value *= 1000;
  }
  return static_cast<int64_t>(value);
}

}  // namespace

Result<const MarketSpec*> find_market(const Fields& f, const std::vector<MarketSpec>& markets,
                                      std::string_view name, std::string_view alt_name) {
  std::string_view used = name;
  const FieldValue* v = f.find(name);
  if ((!v || v->type == JsonType::null) && !alt_name.empty()) {
    const FieldValue* alt = f.find(alt_name);
    if (alt && alt->type != JsonType::null) used = alt_name;
  }
  auto symbol = required_text(f, used, 64);
  if (!symbol) return symbol.error();
  if (symbol->empty())  // "symbol=" in a query: named, but with nothing
    return make_error(ErrorCode::missing_field, "missing field '" + std::string(used) + "'");
  for (const auto& m : markets)
    if (m.symbol == *symbol) return &m;
  return make_error(ErrorCode::unknown_market, "unknown market '" + clip(*symbol) + "'");
}

Result<PlaceOrder> decode_place_order(const Fields& f, const std::string& user_id,
                                      const std::vector<MarketSpec>& markets,
                                      const std::vector<AssetSpec>& assets) {
  auto market = find_market(f, markets, "market");
  if (!market) return market.error();
  const MarketSpec& spec = **market;

  PlaceOrder order;
  order.user_id = user_id;
  order.market = spec.symbol;

  auto side = required_text(f, "side", 16);
  if (!side) return side.error();
  if (iequals(*side, "buy"))
    order.request.side = Side::buy;
  else if (iequals(*side, "sell"))
    order.request.side = Side::sell;
  else
    return bad_choice("side", "'buy' or 'sell'", *side);

  auto type = optional_text(f, "type", 16);
  if (!type) return type.error();
  if (!*type || iequals(**type, "limit"))
    order.kind = OrderKind::limit;
  else if (iequals(**type, "market"))
    order.kind = OrderKind::market;
  else
    return bad_choice("type", "'limit' or 'market'", **type);
  const bool is_market = order.kind == OrderKind::market;
  order.request.is_market = is_market;

  auto product = optional_text(f, "orderType", 16);
  if (!product) return product.error();
  if (!*product || iequals(**product, "intraday"))
    order.product = Product::intraday;
  else if (iequals(**product, "delivery"))
    order.product = Product::delivery;
  else
    return bad_choice("orderType", "'intraday' or 'delivery'", **product);

  auto tif = optional_text(f, "timeInForce", 8);
  if (!tif) return tif.error();
  if (!*tif)
    order.request.tif = is_market ? TimeInForce::ioc : TimeInForce::gtc;
  else if (iequals(**tif, "GTC") && is_market)
    return make_error(ErrorCode::invalid_field,
                      "field 'timeInForce': a market order cannot rest, so it is IOC or FOK, "
                      "not GTC");
  else if (iequals(**tif, "GTC"))
    order.request.tif = TimeInForce::gtc;
  else if (iequals(**tif, "IOC"))
    order.request.tif = TimeInForce::ioc;
  else if (iequals(**tif, "FOK"))
    order.request.tif = TimeInForce::fok;
  else
    return bad_choice("timeInForce", "'GTC', 'IOC' or 'FOK'", **tif);

  auto post_only = optional_bool(f, "postOnly", false);
  if (!post_only) return post_only.error();
  order.request.post_only = *post_only;

  auto client_id = optional_id(f, "clientOrderId", kMaxClientOrderIdLength);
  if (!client_id) return client_id.error();
  if (*client_id) order.client_order_id = std::move(**client_id);

  // A market order takes whatever price the book gives (within the band); a price sent
  // with one is refused, not ignored, since its sender may believe it limits the order.
  if (is_market) {
    auto price = optional_decimal(f, "price", ErrorCode::invalid_price);
    if (!price) return price.error();
    if (*price)
      return make_error(ErrorCode::invalid_price,
                        "field 'price': a market order has no price; send type 'limit' to set one");
  } else {
    auto price = required_decimal(f, "price", ErrorCode::invalid_price);
    if (!price) return price.error();
    if (!price->is_positive()) return not_positive("price", ErrorCode::invalid_price);
    order.request.price = *price;
  }

  auto qty = optional_decimal(f, "quantity", ErrorCode::invalid_quantity);
  if (!qty) return qty.error();
  auto quote_qty = optional_decimal(f, "quoteQuantity", ErrorCode::invalid_quantity);
  if (!quote_qty) return quote_qty.error();
  if (*quote_qty && !is_market)
    return make_error(ErrorCode::invalid_field,
                      "field 'quoteQuantity' is only for market buys: give 'quantity'");
  if (*quote_qty && order.request.side == Side::sell)
    return make_error(ErrorCode::invalid_field,
                      "field 'quoteQuantity' is only for market buys: a sell gives 'quantity'");
  if (*qty && *quote_qty)
    return make_error(ErrorCode::invalid_field, "give 'quantity' or 'quoteQuantity', not both");
  if (!*qty && !*quote_qty)
    return make_error(ErrorCode::missing_field,
                      is_market && order.request.side == Side::buy
                          ? "missing field 'quantity' (or 'quoteQuantity')"
                          : "missing field 'quantity'");
  if (*qty) {
    if (!(*qty)->is_positive()) return not_positive("quantity", ErrorCode::invalid_quantity);
    order.request.quantity = **qty;
  } else {
    if (!(*quote_qty)->is_positive())
      return not_positive("quoteQuantity", ErrorCode::invalid_quantity);
    if (const AssetSpec* quote = find_asset(assets, spec.quote)) {
      auto precise = within_precision("quoteQuantity", **quote_qty, *quote);
      if (!precise) return precise.error();
    }
    order.request.quote_quantity = **quote_qty;
  }

  auto valid = validate_order(spec, order.request);
  if (!valid) return valid.error();
  return order;
}

// The order id `text` names, if it can be one of `market`'s orders.
Result<uint64_t> order_id_in(const std::string& text, const MarketSpec& market) {
  uint64_t id = parse_order_id(text);
  if (id == 0 || market_of_order(id) != market.id)
    return make_error(ErrorCode::unknown_order,
                      "unknown order '" + clip(text) + "' in market " + market.symbol);
  return id;
}

Result<OrderRef> decode_order_ref(const Fields& f, const std::vector<MarketSpec>& markets) {
  auto market = find_market(f, markets, "market", "symbol");
  if (!market) return market.error();
  if (!f.find("orderId")) {
    auto client_id = optional_id(f, "clientOrderId", kMaxClientOrderIdLength);
    if (!client_id) return client_id.error();
    if (*client_id) return OrderRef{*market, 0, std::move(**client_id)};
  }
  auto text = required_text(f, "orderId", 64);
  if (!text) return text.error();
  auto id = order_id_in(*text, **market);
  if (!id) return id.error();
  return OrderRef{*market, *id, {}};
}

Result<DepositRequest> decode_deposit(const Fields& f, const std::vector<AssetSpec>& assets,
                                      const std::vector<MarketSpec>& markets) {
  auto asset_name = optional_text(f, "asset", 32);
  if (!asset_name) return asset_name.error();
  std::string name;
  if (*asset_name) {
    name = **asset_name;
  } else {
    for (const auto& a : assets)
      if (a.name == "INR") name = a.name;
    if (name.empty() && !markets.empty()) name = markets.front().quote;
  }
  const AssetSpec* asset = find_asset(assets, name);
  if (!asset)
    return make_error(ErrorCode::invalid_field,
                      "field 'asset': unknown asset '" + clip(name) + "'");
  auto amount = required_decimal(f, "amount", ErrorCode::invalid_quantity);
  if (!amount) return amount.error();
  if (!amount->is_positive()) return not_positive("amount", ErrorCode::invalid_quantity);
  auto precise = within_precision("amount", *amount, *asset);
  if (!precise) return precise.error();
  return DepositRequest{asset->name, *amount};
}

Result<KlinesRequest> decode_klines(const Fields& f, const std::vector<MarketSpec>& markets,
                                    int64_t now_ms) {
  KlinesRequest k;
  auto market = find_market(f, markets, "symbol", "market");
  if (!market) return market.error();
  k.market = *market;
  auto interval_text = required_text(f, "interval", 8);
  if (!interval_text) return interval_text.error();
  auto interval = parse_interval(*interval_text);
  if (!interval)
    return bad_choice("interval", "one of 1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w", *interval_text);
  k.interval = *interval;
  auto from = time_field(f, "startTime", 0);
  if (!from) return from.error();
  auto to = time_field(f, "endTime", kMaxMillis);
  if (!to) return to.error();
  if (*from > *to)
    return make_error(ErrorCode::invalid_field, "field 'startTime' is after 'endTime'");
  k.from_ms = *from;
  k.to_ms = *to;
  auto limit = optional_uint(f, "limit", 0, 1, kMaxKlines);
  if (!limit) return limit.error();
  if (*limit > 0) {
    // Bucket starts are one interval apart: a span of `limit` intervals holds `limit`.
    const int64_t span = static_cast<int64_t>(*limit) * interval_ms(k.interval);
    if (time_given(f, "startTime"))
      k.to_ms = std::min(k.to_ms, k.from_ms + span - 1);
    else
      k.from_ms = std::max<int64_t>(
          0, bucket_start(k.interval, std::min(k.to_ms, now_ms)) - span + interval_ms(k.interval));
  }
  return k;
}

Result<std::optional<uint64_t>> decode_order_before(const Fields& f, const MarketSpec& market) {
  auto text = optional_text(f, "before", 64);
  if (!text) return text.error();
  if (!*text || (*text)->empty()) return std::optional<uint64_t>{};  // as for a trade id
  auto id = order_id_in(**text, market);
  if (!id) return id.error();
  return std::optional<uint64_t>{*id};
}

Result<uint64_t> decode_trade_before(const Fields& f) {
  return optional_uint(f, "before", kAboveNewestTrade, 1, kAboveNewestTrade);
}

Result<size_t> decode_limit(const Fields& f, size_t fallback, size_t max) {
  auto n = optional_uint(f, "limit", fallback, 1, max);
  if (!n) return n.error();
  return static_cast<size_t>(*n);
}

}  // namespace ex
