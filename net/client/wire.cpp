#include "net/client/wire.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

namespace ex::client {
namespace {

using json = nlohmann::json;

// nlohmann's DOM builder, except that a number with a fraction or exponent is kept as its
// literal text (a JSON string) instead of a double. Integers stay integers (exact).
class ExactSax : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  explicit ExactSax(json& root) : json_sax_dom_parser(root, false) {}
  bool number_float(json::number_float_t /*unused*/, const json::string_t& literal) {
    json::string_t copy = literal;
    return json_sax_dom_parser::string(copy);
  }
};

std::optional<json> parse(std::string_view text) {
  json root;
  ExactSax sax(root);
  if (!json::sax_parse(text, &sax, json::input_format_t::json, true) || sax.is_errored())
    return std::nullopt;
  return root;
}

// Thrown inside the decoders only, turned into a BAD_REPLY ApiError at their boundary.
struct BadReply {
  std::string what;
};

[[noreturn]] void bad(std::string what) {
  throw BadReply{std::move(what)};
}

const json& field(const json& obj, const char* name) {
  if (!obj.is_object()) bad(std::string("expected an object holding \"") + name + "\"");
  auto it = obj.find(name);
  if (it == obj.end()) bad(std::string("missing \"") + name + "\"");
  return *it;
}

const json* optional_field(const json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

// A money value: a decimal string, or a number (kept as text or an exact integer).
Decimal to_decimal(const json& v, const char* name) {
  std::optional<Decimal> d;
  if (v.is_string())
    d = Decimal::parse(v.get_ref<const std::string&>());
  else if (v.is_number_integer())
    d = Decimal::parse(v.dump());
  if (!d) bad(std::string("\"") + name + "\" is not an exact decimal: " + v.dump());
  return *d;
}

Decimal dec(const json& obj, const char* name) {
  return to_decimal(field(obj, name), name);
}

Decimal dec_or_zero(const json& obj, const char* name) {
  const json* v = optional_field(obj, name);
  return v ? to_decimal(*v, name) : Decimal{};
}

std::string str(const json& obj, const char* name) {
  const json& v = field(obj, name);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return v.dump();  // ids the original wrote as numbers
  bad(std::string("\"") + name + "\" is not a string");
}

std::string str_or_empty(const json& obj, const char* name) {
  const json* v = optional_field(obj, name);
  if (!v) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number_integer()) return v->dump();
  return {};
}

uint64_t u64(const json& obj, const char* name) {
  const json& v = field(obj, name);
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0)
    return static_cast<uint64_t>(v.get<int64_t>());
  bad(std::string("\"") + name + "\" is not a non-negative integer");
}

// A precision (decimals, 0..8) if the field is there; nullopt if it is absent or null.
std::optional<int> precision_or_none(const json& obj, const char* name) {
  const json* v = optional_field(obj, name);
  if (!v) return std::nullopt;
  if (!v->is_number_integer() || v->get<int64_t>() < 0 || v->get<int64_t>() > Decimal::kScaleDigits)
    bad(std::string("\"") + name + "\" is not a number of decimals (0 to 8)");
  return static_cast<int>(v->get<int64_t>());
}

bool boolean(const json& obj, const char* name) {
  const json& v = field(obj, name);
  if (!v.is_boolean()) bad(std::string("\"") + name + "\" is not a boolean");
  return v.get<bool>();
}

Side side_of(const json& obj) {
  std::string s = str(obj, "side");
  if (s == "buy" || s == "BUY") return Side::buy;
  if (s == "sell" || s == "SELL") return Side::sell;
  bad("\"side\" is neither buy nor sell: " + s);
}

std::vector<Level> levels(const json& v, const char* name) {
  if (!v.is_array()) bad(std::string("\"") + name + "\" is not an array");
  std::vector<Level> out;
  out.reserve(v.size());
  for (const json& l : v) {
    if (!l.is_array() || l.size() < 2)
      bad(std::string("a level of \"") + name + "\" is not a pair");
    out.push_back(Level{to_decimal(l[0], "price"), to_decimal(l[1], "quantity")});
  }
  return out;
}

const json& array(const json& v) {
  if (!v.is_array()) bad("expected an array");
  return v;
}

// Runs `decode` on the parsed body; any shape error becomes a BAD_REPLY ApiError.
template <class T, class F>
Reply<T> decode(std::string_view body, F decode) {
  auto root = parse(body);
  if (!root)
    return ApiError{200, "BAD_REPLY", "the reply is not JSON: " + std::string(body.substr(0, 200))};
  try {
    return Reply<T>(decode(*root));
  } catch (const BadReply& e) {
    return ApiError{200, "BAD_REPLY", e.what + " in " + std::string(body.substr(0, 200))};
  } catch (const std::exception& e) {
    return ApiError{200, "BAD_REPLY",
                    std::string(e.what()) + " in " + std::string(body.substr(0, 200))};
  }
}

OrderState order_object(const json& o) {
  OrderState s;
  s.order_id = str(o, "orderId");
  s.client_order_id = str_or_empty(o, "clientOrderId");
  s.market = str_or_empty(o, "market");
  s.user_id = str_or_empty(o, "userId");
  s.side = side_of(o);
  s.price = dec_or_zero(o, "price");
  s.quantity = dec_or_zero(o, "quantity");
  s.executed = optional_field(o, "executedQty") ? dec(o, "executedQty") : dec_or_zero(o, "filled");
  s.status = str_or_empty(o, "status");
  return s;
}

CancelResult cancel_object(const json& o) {
  return CancelResult{str(o, "orderId"), dec(o, "executedQty"), dec(o, "remainingQty")};
}

}  // namespace

std::string ApiError::describe() const {
  std::string out = status == 0 ? std::string("transport") : "HTTP " + std::to_string(status);
  if (!code.empty() && status != 0) out += " " + code;
  if (!message.empty()) out += ": " + message;
  return out;
}

ApiError decode_error(int status, std::string_view body) {
  ApiError e;
  e.status = status;
  if (auto root = parse(body); root && root->is_object()) {
    e.code = str_or_empty(*root, "code");
    e.message = str_or_empty(*root, "message");
  }
  if (e.code.empty()) e.code = "HTTP_" + std::to_string(status);
  if (e.message.empty()) e.message = std::string(body.substr(0, 200));
  return e;
}

const char* side_name(Side side) {
  return side == Side::buy ? "buy" : "sell";
}

std::string encode_order_request(const OrderRequest& o) {
  json j = json::object();
  j["market"] = o.market;
  j["side"] = side_name(o.side);
  j["userId"] = o.user_id;
  j["orderType"] = o.product;
  j["type"] = o.is_market ? "market" : "limit";
  if (!o.is_market) j["price"] = o.price.to_string();
  if (!o.quantity.is_zero()) j["quantity"] = o.quantity.to_string();
  if (!o.quote_quantity.is_zero()) j["quoteQuantity"] = o.quote_quantity.to_string();
  if (!o.time_in_force.empty()) j["timeInForce"] = o.time_in_force;
  if (o.post_only) j["postOnly"] = true;
  if (!o.client_order_id.empty()) j["clientOrderId"] = o.client_order_id;
  return j.dump();
}

std::string encode_cancel_request(const std::string& market, const std::string& order_id,
                                  const std::string& user_id) {
  json j = {{"orderId", order_id}, {"market", market}};
  if (!user_id.empty()) j["userId"] = user_id;
  return j.dump();
}

std::string encode_cancel_all_request(const std::string& market, const std::string& user_id) {
  return json{{"market", market}, {"userId", user_id}}.dump();
}

std::string encode_deposit_request(const std::string& user_id, const std::string& asset,
                                   Decimal amount) {
  json j = {{"userId", user_id}, {"amount", amount.to_string()}};
  if (!asset.empty()) j["asset"] = asset;
  return j.dump();
}

std::string encode_subscribe(const std::vector<std::string>& streams, int id) {
  return json{{"method", "SUBSCRIBE"}, {"params", streams}, {"id", id}}.dump();
}

std::string url_encode(std::string_view value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Reply<std::vector<MarketInfo>> decode_markets(std::string_view body) {
  return decode<std::vector<MarketInfo>>(body, [](const json& root) {
    std::vector<MarketInfo> out;
    for (const json& m : array(root)) {
      MarketInfo info;
      info.symbol = str(m, "symbol");
      info.base = str(m, "baseAsset");
      info.quote = str(m, "quoteAsset");
      info.tick_size = dec(m, "tickSize");
      info.step_size = dec(m, "stepSize");
      info.min_qty = dec_or_zero(m, "minQty");
      info.min_notional = dec_or_zero(m, "minNotional");
      info.price_band = dec_or_zero(m, "priceBand");
      info.base_precision = precision_or_none(m, "baseAssetPrecision");
      info.quote_precision = precision_or_none(m, "quoteAssetPrecision");
      if (!info.tick_size.is_positive() || !info.step_size.is_positive())
        bad("market " + info.symbol + " has a non-positive tick or step size");
      out.push_back(std::move(info));
    }
    return out;
  });
}

Reply<PlaceResult> decode_place_result(std::string_view body) {
  return decode<PlaceResult>(body, [](const json& root) {
    PlaceResult r;
    r.order_id = str(root, "orderId");
    r.executed = dec(root, "executedQty");
    r.remaining = dec_or_zero(root, "remainingQty");
    r.status = str_or_empty(root, "status");
    r.client_order_id = str_or_empty(root, "clientOrderId");
    for (const json& f : array(field(root, "fills"))) {
      TradeFill fill;
      fill.price = dec(f, "price");
      fill.qty = dec(f, "qty");
      fill.trade_id = u64(f, "tradeId");
      fill.other_user_id = str_or_empty(f, "otherUserId");
      fill.maker_order_id = str_or_empty(f, "markerOrderId");
      fill.buyer_maker = boolean(f, "isBuyerMaker");
      r.fills.push_back(std::move(fill));
    }
    return r;
  });
}

Reply<CancelResult> decode_cancel_result(std::string_view body) {
  return decode<CancelResult>(body, [](const json& root) { return cancel_object(root); });
}

Reply<std::vector<CancelResult>> decode_cancel_all_result(std::string_view body) {
  return decode<std::vector<CancelResult>>(body, [](const json& root) {
    std::vector<CancelResult> out;
    for (const json& c : array(root))
      out.push_back(cancel_object(c));
    return out;
  });
}

Reply<std::vector<OrderState>> decode_open_orders(std::string_view body) {
  return decode<std::vector<OrderState>>(body, [](const json& root) {
    std::vector<OrderState> out;
    for (const json& o : array(root))
      out.push_back(order_object(o));
    return out;
  });
}

Reply<OrderState> decode_order(std::string_view body) {
  return decode<OrderState>(body, [](const json& root) { return order_object(root); });
}

Reply<std::vector<OrderState>> decode_orders(std::string_view body) {
  return decode_open_orders(body);
}

Reply<Balances> decode_balances(std::string_view body) {
  return decode<Balances>(body, [](const json& root) {
    if (!root.is_object()) bad("expected an object of assets");
    Balances out;
    for (auto it = root.begin(); it != root.end(); ++it)
      out[it.key()] = Balance{dec(it.value(), "available"), dec(it.value(), "locked")};
    return out;
  });
}

Reply<Decimal> decode_deposit_result(std::string_view body) {
  return decode<Decimal>(body, [](const json& root) { return dec(root, "amount"); });
}

Reply<DepthSnapshot> decode_depth(std::string_view body) {
  return decode<DepthSnapshot>(body, [](const json& root) {
    DepthSnapshot d;
    d.bids = levels(field(root, "bids"), "bids");
    d.asks = levels(field(root, "asks"), "asks");
    if (optional_field(root, "lastUpdateId")) d.last_update_id = u64(root, "lastUpdateId");
    return d;
  });
}

Reply<std::vector<PublicTrade>> decode_trades(std::string_view body) {
  return decode<std::vector<PublicTrade>>(body, [](const json& root) {
    std::vector<PublicTrade> out;
    for (const json& t : array(root)) {
      PublicTrade p;
      p.trade_id = u64(t, "id");
      p.price = dec(t, "price");
      p.qty = dec(t, "qty");
      if (const json* m = optional_field(t, "isBuyerMaker"); m && m->is_boolean())
        p.buyer_maker = m->get<bool>();
      if (const json* tm = optional_field(t, "time"); tm && tm->is_number_integer())
        p.time_ms = tm->get<int64_t>();
      out.push_back(p);
    }
    return out;
  });
}

StreamEvent decode_stream_event(std::string_view text, bool* malformed) {
  if (malformed) *malformed = false;
  auto root = parse(text);
  try {
    if (!root || !root->is_object()) bad("not a JSON object");
    const json& r = *root;
    const json* e = optional_field(r, "e");
    if (!e) {
      if (const json* err = optional_field(r, "error")) {
        StreamReply reply{false, err->is_object() ? str_or_empty(*err, "message") : err->dump()};
        return reply;
      }
      if (r.contains("result")) return StreamReply{};
      bad("no \"e\"");
    }
    if (!e->is_string()) bad("\"e\" is not a string");
    const std::string& type = e->get_ref<const std::string&>();
    if (type == "depth") {
      DepthEvent d;
      d.market = str_or_empty(r, "s");
      d.first_id = optional_field(r, "U") ? u64(r, "U") : 0;
      d.last_id = optional_field(r, "u") ? u64(r, "u") : 0;
      if (const json* b = optional_field(r, "b")) d.bids = levels(*b, "b");
      if (const json* a = optional_field(r, "a")) d.asks = levels(*a, "a");
      return d;
    }
    if (type == "trade") {
      TradeEvent t;
      t.market = str_or_empty(r, "s");
      t.trade.trade_id = u64(r, "t");
      t.trade.price = dec(r, "p");
      t.trade.qty = dec(r, "q");
      if (const json* m = optional_field(r, "m"); m && m->is_boolean())
        t.trade.buyer_maker = m->get<bool>();
      if (const json* tm = optional_field(r, "T"); tm && tm->is_number_integer())
        t.trade.time_ms = tm->get<int64_t>();
      return t;
    }
    if (type == "fills") {
      FillEvent f;
      f.market = str_or_empty(r, "s");
      f.order_id = str(r, "orderId");
      f.price = dec(r, "price");
      f.qty = dec(r, "quantity");
      f.trade_id = u64(r, "tradeId");
      f.user_id = str(r, "userId");
      return f;
    }
    return std::monostate{};
  } catch (const BadReply&) {
    if (malformed) *malformed = true;
  } catch (const std::exception&) {
    if (malformed) *malformed = true;
  }
  return std::monostate{};
}

}  // namespace ex::client
