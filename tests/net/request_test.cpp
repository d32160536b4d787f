#define CAF_SUITE request
#include <caf/test/unit_test.hpp>

#include "net/codec/request.hpp"

using namespace ex;

namespace {

template <class T>
T val(const Result<T>& r) {
  if (!r) {
    CAF_FAIL("unexpected error: " << r.error().message);
  }
  return r.value();
}

std::string code(ErrorCode c) {
  return code_name(c);
}

Fields parse(std::string_view body) {
  auto r = parse_json_object(body);
  if (!r) CAF_FAIL("unexpected parse error: " << r.error().message);
  return std::move(*r);
}

// The error message of a parse that must fail with INVALID_JSON.
std::string parse_error(std::string_view body, const ParseLimits& limits = {}) {
  auto r = parse_json_object(body, limits);
  if (r) {
    CAF_FAIL("parse should have failed: " << body);
    return {};
  }
  CAF_CHECK_EQUAL(code(r.error().code), code(ErrorCode::invalid_json));
  return r.error().message;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

template <class T>
Error error_of(const Result<T>& r) {
  if (r) {
    CAF_FAIL("expected an error");
    return {};
  }
  return r.error();
}

}  // namespace

CAF_TEST(numbers keep their literal text) {
  Fields f = parse(R"({"a":1000.97,"b":2.5,"c":5,"d":-7,"e":1e3,"f":2.5E-2,"g":0.1,
                      "h":123456789012345678901234567890,"i":18446744073709551615,"j":-0})");
  auto text = [&](const char* k) { return f.find(k)->text; };
  CAF_CHECK_EQUAL(text("a"), "1000.97");
  CAF_CHECK_EQUAL(text("b"), "2.5");
  CAF_CHECK_EQUAL(text("c"), "5");
  CAF_CHECK_EQUAL(text("d"), "-7");
  CAF_CHECK_EQUAL(text("e"), "1e3");
  CAF_CHECK_EQUAL(text("f"), "2.5E-2");
  CAF_CHECK_EQUAL(text("g"), "0.1");
  CAF_CHECK_EQUAL(text("h"), "123456789012345678901234567890");
  CAF_CHECK_EQUAL(text("i"), "18446744073709551615");
  CAF_CHECK_EQUAL(text("j"), "0");
  CAF_CHECK(f.find("a")->type == JsonType::number);
}

CAF_TEST(values of every type are recorded at the top level only) {
  Fields f = parse(R"({"s":"x\"y\u00e9","t":true,"n":null,"o":{"deep":{"x":1}},
                      "a":["p",1,{"x":[1]},[2],null,false],"s":"last"})");
  CAF_CHECK_EQUAL(f.find("s")->text, "last");  // a repeated name: the last one wins
  CAF_CHECK(f.find("t")->type == JsonType::boolean);
  CAF_CHECK_EQUAL(f.find("t")->text, "true");
  CAF_CHECK(f.find("n")->type == JsonType::null);
  CAF_CHECK(f.find("o")->type == JsonType::object);
  CAF_CHECK(f.find("deep") == nullptr);
  CAF_CHECK(f.find("x") == nullptr);
  const FieldValue* a = f.find("a");
  CAF_REQUIRE(a && a->type == JsonType::array);
  CAF_REQUIRE_EQUAL(a->items.size(), 6u);
  CAF_CHECK_EQUAL(a->items[0].text, "p");
  CAF_CHECK(a->items[1].type == JsonType::number);
  CAF_CHECK(a->items[2].type == JsonType::object);
  CAF_CHECK(a->items[3].type == JsonType::array);
  CAF_CHECK(a->items[3].items.empty());
  CAF_CHECK(a->items[4].type == JsonType::null);
  CAF_CHECK(a->items[5].type == JsonType::boolean);
  Fields s = parse(R"({"s":"x\"y\u00e9"})");
  CAF_CHECK_EQUAL(s.find("s")->text, "x\"y\xc3\xa9");
}

CAF_TEST(malformed JSON is refused with a position) {
  CAF_CHECK(contains(parse_error(""), "empty"));
  CAF_CHECK(contains(parse_error("   \n"), "empty"));
  CAF_CHECK(contains(parse_error("{"), "malformed JSON"));
  CAF_CHECK(contains(parse_error("{\"a\":}"), "byte"));
  CAF_CHECK(contains(parse_error("{'a':1}"), "malformed JSON"));
  CAF_CHECK(contains(parse_error("{\"a\":1,}"), "malformed JSON"));
  CAF_CHECK(contains(parse_error("{\"a\":1} x"), "malformed JSON"));
  CAF_CHECK(contains(parse_error("{\"a\":01}"), "malformed JSON"));
  CAF_CHECK(contains(parse_error("{\"a\":.5}"), "malformed JSON"));
  CAF_CHECK(contains(parse_error("{\"a\":NaN}"), "malformed JSON"));
  CAF_CHECK(contains(parse_error("{\"a\":1e999}"), "malformed JSON"));
  CAF_CHECK(contains(parse_error("{\"a\":\"\xff\"}"), "malformed JSON"));
  CAF_CHECK(contains(parse_error("{\"a\":\"tab\there\"}"), "malformed JSON"));
  // nlohmann stops at a NUL byte as at the end: what follows must not be ignored.
  using namespace std::string_view_literals;
  CAF_CHECK(contains(parse_error("{\"a\":1}\0 not JSON at all"sv), "NUL"));
  CAF_CHECK(contains(parse_error("{\"a\":\"x\0y\"}"sv), "NUL"));
  CAF_CHECK(contains(parse_error("\0"sv), "NUL"));
}

CAF_TEST(only objects are requests) {
  CAF_CHECK(contains(parse_error("[1,2]"), "must be a JSON object"));
  CAF_CHECK(contains(parse_error("5"), "must be a JSON object"));
  CAF_CHECK(contains(parse_error("\"x\""), "must be a JSON object"));
  CAF_CHECK(contains(parse_error("null"), "must be a JSON object"));
}

CAF_TEST(deep nesting and too many fields or items are refused) {
  std::string deep = "{\"a\":";
  for (int i = 0; i < 100000; ++i)
    deep += '[';
  CAF_CHECK(contains(parse_error(deep), "nested too deeply"));
  std::string ok = "{\"a\":[[[[[[[[[[[[[[1]]]]]]]]]]]]]]}";  // 15 levels
  CAF_CHECK(parse_json_object(ok).ok());
  std::string many = "{";
  for (int i = 0; i < 300; ++i)
    many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  many += "}";
  CAF_CHECK(contains(parse_error(many), "too many fields"));
  std::string items = "{\"p\":[";
  for (int i = 0; i < 2000; ++i)
    items += i ? ",1" : "1";
  items += "]}";
  CAF_CHECK(contains(parse_error(items), "too many items"));
}

CAF_TEST(huge strings parse and are bounded by the readers) {
  std::string huge = "{\"userId\":\"" + std::string(100000, 'a') + "\"}";
  Fields f = parse(huge);
  auto e = error_of(required_id(f, "userId", 64));
  CAF_CHECK_EQUAL(code(e.code), code(ErrorCode::invalid_field));
  CAF_CHECK(contains(e.message, "'userId' is longer than 64"));
}

CAF_TEST(queries are decoded) {
  Fields q = parse_query("symbol=TATA_INR&limit=5&x=a%20b+c&bad=%zz&empty=&flag&symbol=INFY_INR");
  CAF_CHECK_EQUAL(q.find("symbol")->text, "INFY_INR");
  CAF_CHECK_EQUAL(q.find("limit")->text, "5");
  CAF_CHECK_EQUAL(q.find("x")->text, "a b c");
  CAF_CHECK_EQUAL(q.find("bad")->text, "%zz");
  CAF_CHECK_EQUAL(q.find("empty")->text, "");
  CAF_CHECK(q.find("flag") != nullptr);
  CAF_CHECK(q.find("nothing") == nullptr);
  CAF_CHECK(parse_query("").empty());
}

CAF_TEST(readers name the field in every error) {
  Fields f = parse(R"({"s":"abc","n":5,"neg":-1,"f":1.5,"b":true,"o":{},"nul":null,
                      "id":"ab-_9","badid":"a b","big":"1e400","prec":"1.123456789","str":"12.5"})");
  auto e = error_of(required_text(f, "missing", 10));
  CAF_CHECK_EQUAL(code(e.code), code(ErrorCode::missing_field));
  CAF_CHECK_EQUAL(e.message, "missing field 'missing'");
  e = error_of(required_text(f, "nul", 10));  // null counts as missing
  CAF_CHECK_EQUAL(code(e.code), code(ErrorCode::missing_field));
  e = error_of(required_text(f, "n", 10));
  CAF_CHECK_EQUAL(e.message, "field 'n' must be a string, not a number");
  e = error_of(required_text(f, "s", 2));
  CAF_CHECK_EQUAL(e.message, "field 's' is longer than 2 characters");
  CAF_CHECK_EQUAL(val(required_id(f, "id", 64)), "ab-_9");
  CAF_CHECK_EQUAL(val(required_id(f, "n", 64)), "5");  // a JSON integer is its text
  e = error_of(required_id(f, "badid", 64));
  CAF_CHECK(contains(e.message, "'badid' may contain only"));
  e = error_of(required_id(f, "f", 64));
  CAF_CHECK_EQUAL(e.message, "field 'f' must be a string or a whole number, not '1.5'");
  e = error_of(required_id(f, "neg", 64));
  CAF_CHECK_EQUAL(e.message, "field 'neg' must be a string or a whole number, not '-1'");
  e = error_of(required_id(f, "b", 64));
  CAF_CHECK_EQUAL(e.message, "field 'b' must be a string, not a boolean");
  CAF_CHECK(!optional_id(f, "absent", 64)->has_value());

  CAF_CHECK_EQUAL(required_decimal(f, "f")->to_string(), "1.5");
  CAF_CHECK_EQUAL(required_decimal(f, "str")->to_string(), "12.5");
  CAF_CHECK_EQUAL(required_decimal(f, "neg")->to_string(), "-1");
  e = error_of(required_decimal(f, "big", ErrorCode::invalid_price));
  CAF_CHECK_EQUAL(code(e.code), code(ErrorCode::invalid_price));
  CAF_CHECK(contains(e.message, "'big' must be a decimal number with at most 8 decimals"));
  e = error_of(required_decimal(f, "prec"));
  CAF_CHECK(contains(e.message, "'prec'"));
  CAF_CHECK(contains(e.message, "'1.123456789'"));
  e = error_of(required_decimal(f, "o"));
  CAF_CHECK_EQUAL(e.message, "field 'o' must be a number or a decimal string, not an object");
  e = error_of(required_decimal(f, "b"));
  CAF_CHECK(contains(e.message, "not a boolean"));
  e = error_of(required_decimal(f, "s"));
  CAF_CHECK(contains(e.message, "not 'abc'"));

  CAF_CHECK_EQUAL(val(optional_bool(f, "b", false)), true);
  CAF_CHECK_EQUAL(val(optional_bool(f, "absent", true)), true);
  e = error_of(optional_bool(f, "s", false));
  CAF_CHECK_EQUAL(e.message, "field 's' must be true or false, not a string");

  CAF_CHECK_EQUAL(val(optional_uint(f, "n", 1, 1, 10)), 5u);
  CAF_CHECK_EQUAL(val(optional_uint(f, "absent", 7, 1, 10)), 7u);
  e = error_of(optional_uint(f, "n", 1, 1, 4));
  CAF_CHECK_EQUAL(e.message, "field 'n' must be a whole number from 1 to 4, not '5'");
  e = error_of(optional_uint(f, "f", 1, 1, 4));
  CAF_CHECK(contains(e.message, "not '1.5'"));
  e = error_of(optional_uint(f, "neg", 1, 1, 4));
  CAF_CHECK(contains(e.message, "not '-1'"));
  Fields q = parse_query("limit=99999999999999999999999");
  e = error_of(optional_uint(q, "limit", 1, 1, 500));
  CAF_CHECK(contains(e.message, "'limit' must be a whole number"));
}

CAF_TEST(decimal text is checked exactly) {
  Fields f = parse(R"({"a":1e3,"b":"1e3","c":1000.970000,"d":0.00000001,"e":0.000000001,
                      "f":"92233720368.54775808","g":" 1","h":"+1","i":"0x10","j":"1.","k":".5"})");
  CAF_CHECK_EQUAL(required_decimal(f, "a")->to_string(), "1000");
  CAF_CHECK_EQUAL(required_decimal(f, "b")->to_string(), "1000");
  CAF_CHECK_EQUAL(required_decimal(f, "c")->to_string(), "1000.97");
  CAF_CHECK_EQUAL(required_decimal(f, "d")->units(), 1);
  for (const char* k : {"e", "f", "g", "h", "i", "j", "k"})
    CAF_CHECK(!required_decimal(f, k).ok());
}
