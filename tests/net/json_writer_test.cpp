#define CAF_SUITE json_writer
#include <caf/test/unit_test.hpp>

#include <climits>

#include "net/codec/json_writer.hpp"
#include "tests/support/fixtures.hpp"

using ex::Decimal;
using ex::json::Writer;

namespace {

using ex::testing::dec;

std::string escaped(std::string_view s) {
  std::string out;
  ex::json::append_string(out, s);
  return out;
}

}  // namespace

CAF_TEST(money is written from its exact text as a number or a string) {
  Writer w;
  w.begin_array()
      .dec_num(dec("1000.97"))
      .dec_num(dec("7"))
      .dec_num(dec("-0.5"))
      .dec_num(dec("0.00000001"))
      .dec_num(dec("92233720368.54775807"))
      .dec_str(dec("1005.50"))
      .dec_str(dec("0"))
      .end_array();
  CAF_CHECK_EQUAL(w.text(), R"([1000.97,7,-0.5,0.00000001,92233720368.54775807,"1005.5","0"])");
}

CAF_TEST(integers cover their whole range) {
  Writer w;
  w.begin_array().u64(0).u64(UINT64_MAX).i64(INT64_MIN).i64(-1).i64(INT64_MAX).end_array();
  CAF_CHECK_EQUAL(w.text(), "[0,18446744073709551615,-9223372036854775808,-1,9223372036854775807]");
}

CAF_TEST(commas are placed between members and elements only) {
  Writer w;
  w.begin_object()
      .key("a")
      .begin_array()
      .end_array()
      .key("b")
      .begin_object()
      .end_object()
      .key("c")
      .begin_array()
      .begin_array()
      .u64(1)
      .end_array()
      .begin_array()
      .end_array()
      .end_array()
      .key("d")
      .null()
      .key("e")
      .boolean(true)
      .key("f")
      .boolean(false)
      .key("g")
      .str_or_null("")
      .key("h")
      .str_or_null("x")
      .end_object();
  CAF_CHECK_EQUAL(w.text(),
                  R"({"a":[],"b":{},"c":[[1],[]],"d":null,"e":true,"f":false,"g":null,"h":"x"})");
}

CAF_TEST(strings are escaped and always valid UTF - 8) {
  CAF_CHECK_EQUAL(escaped("plain"), R"("plain")");
  CAF_CHECK_EQUAL(escaped("a\"b\\c"), R"("a\"b\\c")");
  CAF_CHECK_EQUAL(escaped("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  CAF_CHECK_EQUAL(escaped(std::string("\x01\x1f\x00", 3)), R"("\u0001\u001f\u0000")");
  CAF_CHECK_EQUAL(escaped("caf\xc3\xa9 \xe2\x82\xb9 \xf0\x9f\x9a\x80"),
                  "\"caf\xc3\xa9 \xe2\x82\xb9 \xf0\x9f\x9a\x80\"");
  // Invalid bytes become U+FFFD: a lone continuation, a truncated sequence, an overlong
  // encoding, a UTF-16 surrogate, a code point past U+10FFFF.
  const std::string fffd = "\xef\xbf\xbd";
  CAF_CHECK_EQUAL(escaped("\x80"), "\"" + fffd + "\"");
  CAF_CHECK_EQUAL(escaped("a\xe2\x82"), "\"a" + fffd + fffd + "\"");
  CAF_CHECK_EQUAL(escaped("\xc0\xaf"), "\"" + fffd + fffd + "\"");
  CAF_CHECK_EQUAL(escaped("\xed\xa0\x80"), "\"" + fffd + fffd + fffd + "\"");
  CAF_CHECK_EQUAL(escaped("\xf4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");
}

CAF_TEST(times are ISO 8601 UTC with milliseconds) {
  CAF_CHECK_EQUAL(ex::json::iso_time(0), "1970-01-01T00:00:00.000Z");
  CAF_CHECK_EQUAL(ex::json::iso_time(1737792000000), "2025-01-25T08:00:00.000Z");
  CAF_CHECK_EQUAL(ex::json::iso_time(1740941827356), "2025-03-02T18:57:07.356Z");
  CAF_CHECK_EQUAL(ex::json::iso_time(1709210096789), "2024-02-29T12:34:56.789Z");
  CAF_CHECK_EQUAL(ex::json::iso_time(253402300799999), "9999-12-31T23:59:59.999Z");
  CAF_CHECK_EQUAL(ex::json::iso_time(-1), "1969-12-31T23:59:59.999Z");
}
