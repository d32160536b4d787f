// libFuzzer: untrusted bytes through everything the edge decodes before an actor sees
// them. The first byte picks the way in, the rest is the input:
//   0  an HTTP body: parse_json_object, then every request decoder;
//   1  a URL query: parse_query, then every request decoder;
//   2  a WebSocket text message: parse_ws_command, and the replies that echo its id;
//   3  fields built from the bytes (the API's names, every JSON type, values the decoders
//      look for), after those of a valid request of one kind or none, written as a JSON
//      body and as a query: both must parse back to the same fields; then every decoder,
//      and parse_ws_command on the body. This mode reaches the decoders' success paths
//      in seconds, where raw text would first have to find their field names.
// The decoders are those the router calls (identity.hpp, api_requests.hpp), on the
// example configuration's markets and assets. One that succeeds must return values
// within the API's limits, and agree with the market's own rules (validate_order); one
// that fails must give an error with a message and a 4xx status. Anything else aborts.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/market/clearing.hpp"
#include "net/codec/api_requests.hpp"
#include "net/codec/json_writer.hpp"
#include "net/codec/request.hpp"
#include "net/identity.hpp"
#include "net/ws_protocol.hpp"
#include "tests/fuzz/fuzz_reader.hpp"

using namespace ex;
using book::Side;
using book::TimeInForce;
using ex::fuzz::Reader;

namespace {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "request_fuzz: %s\n", what);
  std::abort();
}

// The latest time decode_klines gives: the end of the year 9999 (api_requests.cpp).
constexpr int64_t kMaxMillis = 253402300799999;
constexpr int64_t kNowMs = 1'700'000'000'000;

MarketSpec make_market(uint16_t id, const char* base, const char* tick, const char* step,
                       const char* min_qty, const char* min_notional, int64_t band_bps) {
  MarketSpec m;
  m.id = id;
  m.base = base;
  m.quote = "INR";
  m.symbol = m.base + "_" + m.quote;
  m.tick_size = *Decimal::parse(tick);
  m.step_size = *Decimal::parse(step);
  m.min_qty = *Decimal::parse(min_qty);
  m.min_notional = *Decimal::parse(min_notional);
  m.band_bps = band_bps;
  return m;
}

// config/exchange.example.toml.
const std::vector<MarketSpec> kMarkets = {make_market(1, "TATA", "0.01", "0.01", "0.01", "1", 1000),
                                          make_market(2, "INFY", "0.05", "1", "1", "10", 500)};
const std::vector<AssetSpec> kAssets = {{"TATA", 2}, {"INFY", 2}, {"INR", 2}};

// ---- invariants ----

// True if `r` failed, after checking its error.
template <class T>
bool failed(const Result<T>& r) {
  if (r) return false;
  const int status = http_status(r.error().code);
  check(status >= 400 && status < 500, "an error on bad input has a 4xx status");
  check(!r.error().message.empty(), "an error has a message");
  check(r.error().message.size() <= 512, "an error's message is short");
  return true;
}

bool is_configured(const MarketSpec* m) {
  return m >= kMarkets.data() && m < kMarkets.data() + kMarkets.size();
}

const MarketSpec* market_named(const std::string& symbol) {
  for (const auto& m : kMarkets)
    if (m.symbol == symbol) return &m;
  return nullptr;
}

bool is_user_id(const std::string& s) {
  return !s.empty() && s.size() <= kMaxUserIdLength && is_id_text(s);
}

bool is_client_order_id(const std::string& s) {
  return !s.empty() && s.size() <= kMaxClientOrderIdLength && is_id_text(s);
}

void check_place(const Result<PlaceOrder>& r, const std::string& user) {
  if (failed(r)) return;
  const PlaceOrder& o = *r;
  const OrderRequest& q = o.request;
  const MarketSpec* spec = market_named(o.market);
  check(spec != nullptr, "place: a configured market");
  check(o.user_id == user, "place: the user asked for");
  check(q.is_market == (o.kind == OrderKind::market), "place: kind and is_market agree");
  check(o.client_order_id.empty() || is_client_order_id(o.client_order_id),
        "place: clientOrderId within kMaxClientOrderIdLength of [A-Za-z0-9_-]");
  check(!q.post_only || (!q.is_market && q.tif == TimeInForce::gtc),
        "place: postOnly only on a GTC limit order");
  if (q.is_market) {
    check(q.price.is_zero(), "place: a market order has no price");
    check(q.tif != TimeInForce::gtc, "place: a market order is IOC or FOK");
  } else {
    check(q.price.is_positive() && q.price.is_multiple_of(spec->tick_size),
          "place: a positive price on the tick");
    check(q.quote_quantity.is_zero(), "place: no quoteQuantity on a limit order");
  }
  if (q.quote_quantity.is_zero()) {
    check(q.quantity.is_positive() && q.quantity.is_multiple_of(spec->step_size) &&
              q.quantity >= spec->min_qty,
          "place: a positive quantity on the step, at least the minimum");
    if (!q.is_market) {
      auto value = spec->notional(q.price, q.quantity);
      check(value && *value >= spec->min_notional, "place: a limit order's value is in range");
    }
  } else {
    check(q.is_market && q.side == Side::buy && q.tif != TimeInForce::fok && q.quantity.is_zero(),
          "place: quoteQuantity only on an IOC market buy without quantity");
    check(q.quote_quantity >= spec->min_notional && q.quote_quantity.decimals() <= 2,
          "place: quoteQuantity at least the minimum, at most INR's decimals");
  }
  check(validate_order(*spec, q).ok(), "place: a decoded order passes the market's rules");
}

void check_order_ref(const Result<OrderRef>& r) {
  if (failed(r)) return;
  check(is_configured(r->market), "order ref: a configured market");
  if (r->order_id != 0) {
    check(r->client_order_id.empty(), "order ref: an order id or a clientOrderId, not both");
    check(market_of_order(r->order_id) == r->market->id, "order ref: an id of its market");
    check(parse_order_id(order_id_text(r->order_id)) == r->order_id,
          "order ref: the id prints back");
  } else {
    check(is_client_order_id(r->client_order_id), "order ref: a valid clientOrderId");
  }
}

void check_deposit(const Result<DepositRequest>& r) {
  if (failed(r)) return;
  const AssetSpec* asset = nullptr;
  for (const auto& a : kAssets)
    if (a.name == r->asset) asset = &a;
  check(asset != nullptr, "deposit: a configured asset");
  check(r->amount.is_positive(), "deposit: a positive amount");
  check(r->amount.decimals() <= asset->decimals, "deposit: at most the asset's decimals");
}

void check_klines(const Result<KlinesRequest>& r) {
  if (failed(r)) return;
  check(is_configured(r->market), "klines: a configured market");
  check(static_cast<size_t>(r->interval) < kIntervalCount, "klines: a known interval");
  check(0 <= r->from_ms && r->from_ms <= r->to_ms && r->to_ms <= kMaxMillis,
        "klines: 0 <= from <= to <= the end of 9999");
}

// Everything the router decodes from one request's fields (net/router.cpp).
void decode_all(const Fields& f, int64_t now_ms) {
  const Credentials none;
  auto user = identify(f, none);
  if (!failed(user)) check(is_user_id(*user), "userId within kMaxUserIdLength of [A-Za-z0-9_-]");
  auto maybe_user = identify_optional(f, none);
  if (!failed(maybe_user))
    check(maybe_user->empty() || is_user_id(*maybe_user), "optional userId: none or valid");
  check(user.ok() == (maybe_user.ok() && !maybe_user->empty()) &&
            (!user.ok() || *user == *maybe_user),
        "identify and identify_optional agree");

  check_place(decode_place_order(f, user ? *user : "fuzz-user", kMarkets, kAssets),
              user ? *user : "fuzz-user");
  check_order_ref(decode_order_ref(f, kMarkets));
  check_deposit(decode_deposit(f, kAssets, kMarkets));
  check_klines(decode_klines(f, kMarkets, now_ms));

  const std::pair<const char*, const char*> names[] = {
      {"market", ""}, {"symbol", ""}, {"market", "symbol"}, {"symbol", "market"}};
  for (const auto& [name, alt] : names) {
    auto m = find_market(f, kMarkets, name, alt);
    if (!failed(m)) check(is_configured(*m), "find_market: a configured market");
  }
  for (const auto& m : kMarkets) {
    auto before = decode_order_before(f, m);
    if (!failed(before) && *before)
      check(**before != 0 && market_of_order(**before) == m.id, "before: an id of the market");
  }
  auto trade = decode_trade_before(f);
  if (!failed(trade)) check(*trade >= 1 && *trade <= kAboveNewestTrade, "before: a trade id");
  const std::pair<size_t, size_t> limits[] = {{50, 500}, {50, 1000}, {1000, 5000}};
  for (const auto& [fallback, max] : limits) {
    auto n = decode_limit(f, fallback, max);
    if (!failed(n)) check(*n >= 1 && *n <= max, "limit: 1 to the endpoint's maximum");
  }
}

// A reply to a WebSocket message: one JSON object, echoing the id (if any) as a number, a
// string or null.
void check_ws_reply(const std::string& reply, bool has_id) {
  auto r = parse_json_object(reply);
  check(r.ok(), "a WebSocket reply is a JSON object");
  const FieldValue* id = r->find("id");
  check((id != nullptr) == has_id, "a WebSocket reply has an id when it should");
  if (id)
    check(
        id->type == JsonType::number || id->type == JsonType::string || id->type == JsonType::null,
        "a WebSocket reply's id is a number, a string or null");
}

void check_ws(std::string_view text) {
  WsParsed p = parse_ws_command(text);
  if (p.command) {
    const bool streams =
        p.command->method == WsMethod::subscribe || p.command->method == WsMethod::unsubscribe;
    check(streams == !p.command->params.empty(), "ws: streams exactly for (UN)SUBSCRIBE");
    for (const auto& s : p.command->params)
      check(is_stream_name(s) && s.size() <= kMaxStreamNameLength, "ws: valid stream names");
    check_ws_reply(encode_ws_result_null(p.id), true);
    check_ws_reply(encode_ws_result_list(p.command->params, p.id), true);
    check_ws_reply(encode_ws_pong(p.id), !p.id.empty());
  } else {
    failed(Result<bool>(p.error));
    check_ws_reply(encode_ws_error(code_name(p.error.code), p.error.message, p.id), true);
  }
}

// ---- fields from bytes (mode 3) ----

const char* const kNames[] = {
    "userId",   "market",        "symbol", "side",     "type",    "orderType",
    "postOnly", "timeInForce",   "price",  "quantity", "orderId", "quoteQuantity",
    "asset",    "clientOrderId", "amount", "interval", "limit",   "startTime",
    "endTime",  "before",        "method", "params",   "id"};
constexpr size_t kNameCount = sizeof(kNames) / sizeof(kNames[0]);

const char* const kTexts[] = {
    // markets, sides, types, time in force, booleans, intervals, assets
    "TATA_INR", "INFY_INR", "tata_inr", "buy", "SELL", "limit", "Market", "intraday", "delivery",
    "GTC", "ioc", "FOK", "true", "false", "1m", "1h", "1w", "4H", "TATA", "INR", "USD",
    // numbers as text
    "0.01", "0.05", "1", "10", "-1", "0", "1e3", "2.5E-2", "0.000000001", "92233720368.54775807",
    "1000000000000", "18446744073709551615",
    // WebSocket methods and streams, user ids, blanks
    "SUBSCRIBE", "unsubscribe", "LIST_SUBSCRIPTIONS", "ping", "depth@TATA_INR", "kline@INFY_INR:1h",
    "trades@TATA_INR", "@x", "a@", "alice", "bob-1", "", " "};
constexpr size_t kTextCount = sizeof(kTexts) / sizeof(kTexts[0]);

// Valid JSON numbers whose text the parser keeps as written (floats keep their literal).
const char* const kNumbers[] = {
    // as written
    "1e3", "2.5E-2", "1E+2", "0.1e1", "-0.0", "1.0", "1e-9", "100.5", "0.01", "-9e18",
    // beyond 64 bits
    "18446744073709551616", "123456789012345678901234567890"};
constexpr size_t kNumberCount = sizeof(kNumbers) / sizeof(kNumbers[0]);

std::string number_text(Reader& r) {
  static constexpr int64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                       100000, 1000000, 10000000, 100000000};
  switch (r.byte() % 5) {
    case 0:
      return std::to_string(r.byte());
    case 1: {  // a price or quantity: up to 65535, 0 to 8 decimals, either sign
      uint8_t b = r.byte();
      int64_t units = static_cast<int64_t>(r.word()) * kPow10[b % 9];
      return Decimal::from_units(b & 0x80 ? -units : units).to_string();
    }
    case 2:
      return Decimal::from_units(static_cast<int64_t>(r.u64())).to_string();
    case 3:
      return std::to_string(r.u64() >> (r.byte() % 64));  // every magnitude
    default:
      return kNumbers[r.byte() % kNumberCount];
  }
}

std::string string_text(Reader& r) {
  switch (r.byte() % 4) {
    case 0:
    case 1:
      return kTexts[r.byte() % kTextCount];
    case 2:  // an order id of market 0 to 3 (1 and 2 are configured)
      return order_id_text(make_order_id(r.word(), r.byte() % 4));
    default:
      return r.bytes(40);
  }
}

// A JSON value of a type chosen by the input, appended to `json`; what parsing keeps of it.
FieldValue value(Reader& r, std::string& json, bool top) {
  FieldValue v;
  v.type = static_cast<JsonType>(r.byte() % 6);
  switch (v.type) {
    case JsonType::null:
      json += "null";
      break;
    case JsonType::boolean:
      v.text = r.byte() & 1 ? "true" : "false";
      json += v.text;
      break;
    case JsonType::number:
      v.text = number_text(r);
      json += v.text;
      break;
    case JsonType::string:
      v.text = string_text(r);
      json::append_string(json, v.text);
      break;
    case JsonType::object:
      json += r.byte() & 1 ? R"({"a":[1,{"b":null}],"c":"x"})" : "{}";
      break;
    case JsonType::array:
      if (!top) {
        json += r.byte() & 1 ? "[1,[2,{}]]" : "[]";
        break;
      }
      json += '[';
      for (size_t i = 0, n = r.byte() % 6; i < n; ++i) {
        if (i) json += ',';
        v.items.push_back(value(r, json, false));
      }
      json += ']';
      break;
  }
  return v;
}

// Valid requests, one per decoder, that the input's fields then change.
struct Field {
  const char* name;
  JsonType type;
  const char* text;  // an array: its one string item
};
struct Template {
  const Field* fields;
  size_t count;
};
constexpr JsonType kStr = JsonType::string, kNum = JsonType::number;
const Field kLimitOrder[] = {{"userId", kStr, "alice"}, {"market", kStr, "TATA_INR"},
                             {"side", kStr, "buy"},     {"price", kNum, "100.5"},
                             {"quantity", kNum, "2"},   {"clientOrderId", kStr, "c-1"}};
const Field kMarketBuy[] = {{"userId", kNum, "5"},
                            {"market", kStr, "INFY_INR"},
                            {"side", kStr, "BUY"},
                            {"type", kStr, "market"},
                            {"quoteQuantity", kStr, "150.25"}};
// "fsx" and "m4i": orders 5 of TATA_INR and 7 of INFY_INR (order_id_text).
const Field kOrderRef[] = {{"market", kStr, "TATA_INR"}, {"orderId", kStr, "fsx"}};
const Field kDeposit[] = {
    {"userId", kStr, "bob"}, {"asset", kStr, "INR"}, {"amount", kNum, "1000"}};
const Field kKlines[] = {{"symbol", kStr, "TATA_INR"},
                         {"interval", kStr, "1h"},
                         {"startTime", kNum, "1700000000"},
                         {"limit", kStr, "24"}};
const Field kHistory[] = {{"userId", kStr, "alice"},
                          {"symbol", kStr, "INFY_INR"},
                          {"limit", kNum, "100"},
                          {"before", kStr, "m4i"}};
const Field kSubscribe[] = {{"method", kStr, "SUBSCRIBE"},
                            {"params", JsonType::array, "depth@TATA_INR"},
                            {"id", kNum, "1"}};
template <size_t N>
constexpr Template of(const Field (&fields)[N]) {
  return Template{fields, N};
}
// None is twice as likely as each request.
const Template kTemplates[] = {{nullptr, 0},   {nullptr, 0},  of(kLimitOrder),
                               of(kMarketBuy), of(kOrderRef), of(kDeposit),
                               of(kKlines),    of(kHistory),  of(kSubscribe)};
constexpr size_t kTemplateCount = sizeof(kTemplates) / sizeof(kTemplates[0]);

bool is_ascii(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Parsing keeps what was written; a string's text exactly when it is ASCII (the writer
// replaces invalid UTF-8).
bool same(const FieldValue& got, const FieldValue& want) {
  if (got.type != want.type || got.items.size() != want.items.size()) return false;
  if (is_ascii(want.text) && got.text != want.text) return false;
  for (size_t i = 0; i < want.items.size(); ++i)
    if (!same(got.items[i], want.items[i])) return false;
  return true;
}

// The last field named `name` in `fields` (the one Fields::find gives).
const FieldValue* last(const std::vector<std::pair<std::string, FieldValue>>& fields,
                       const std::string& name) {
  for (auto it = fields.rbegin(); it != fields.rend(); ++it)
    if (it->first == name) return &it->second;
  return nullptr;
}

void check_same(const Fields& parsed, const std::vector<std::pair<std::string, FieldValue>>& want,
                bool ascii_names_only, const char* what) {
  check(parsed.size() == want.size(), what);
  for (const auto& [name, v] : want) {
    if (ascii_names_only && !is_ascii(name)) continue;
    const FieldValue* got = parsed.find(name);
    check(got != nullptr && same(*got, *last(want, name)), what);
  }
}

void append_query_part(std::string& out, const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '_' || u == '.' || u == '~') {
      out += c;
    } else if (u == ' ' && (out.size() & 1)) {
      out += '+';  // both spellings of a space
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
}

void structured(Reader r) {
  const int64_t now_ms =
      r.byte() & 1 ? kNowMs : static_cast<int64_t>(r.u64() % static_cast<uint64_t>(kMaxMillis));
  std::vector<std::pair<std::string, FieldValue>> fields;
  std::string json = "{";
  // A valid request to start from (or none); the fields after it override its own.
  const Template& base = kTemplates[r.byte() % kTemplateCount];
  for (const Field* f = base.fields; f != base.fields + base.count; ++f) {
    FieldValue v{f->type, f->text, {}};
    if (!fields.empty()) json += ',';
    json::append_string(json, f->name);
    json += ':';
    if (f->type == JsonType::array) {
      json += '[';
      json::append_string(json, f->text);
      json += ']';
      v.items.push_back(FieldValue{JsonType::string, f->text, {}});
      v.text.clear();
    } else if (f->type == JsonType::string) {
      json::append_string(json, f->text);
    } else {
      json += f->text;
    }
    fields.emplace_back(f->name, std::move(v));
  }
  for (size_t i = 0, n = r.byte() % 12; i < n; ++i) {
    const size_t pick = r.byte() % (kNameCount + 1);
    std::string name = pick < kNameCount ? std::string(kNames[pick]) : r.bytes(12);
    if (!fields.empty()) json += ',';
    json::append_string(json, name);
    json += ':';
    FieldValue v = value(r, json, true);
    fields.emplace_back(std::move(name), std::move(v));
  }
  json += '}';

  auto body = parse_json_object(json);
  check(body.ok(), "the body written from fields parses");
  check_same(*body, fields, true, "the body parses back to the fields written");
  decode_all(*body, now_ms);
  check_ws(json);

  // As a query every value is a string: a scalar's text (none for the others).
  std::vector<std::pair<std::string, FieldValue>> strings;
  std::string query;
  for (const auto& [name, v] : fields) {
    const bool scalar =
        v.type == JsonType::string || v.type == JsonType::number || v.type == JsonType::boolean;
    if (!strings.empty()) query += '&';
    append_query_part(query, name);
    query += '=';  // "=" alone is a field too: no name, no value
    if (scalar) append_query_part(query, v.text);
    strings.emplace_back(name, FieldValue{JsonType::string, scalar ? v.text : "", {}});
  }
  Fields parsed = parse_query(query);
  check_same(parsed, strings, false, "the query parses back to the fields written");
  decode_all(parsed, now_ms);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto body = parse_json_object(text);
      if (!failed(body)) decode_all(*body, kNowMs);
      break;
    }
    case 1:
      decode_all(parse_query(text), kNowMs);
      break;
    case 2:
      check_ws(text);
      break;
    default:
      structured(Reader{data + 1, size - 1});
      break;
  }
  return 0;
}
