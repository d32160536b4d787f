#define CAF_SUITE ws_protocol
#include <caf/test/unit_test.hpp>

#include "net/ws_protocol.hpp"

using namespace ex;

namespace {

std::string error_of(std::string_view text) {
  WsParsed p = parse_ws_command(text);
  if (p.command) return "(no error)";
  return std::string(code_name(p.error.code)) + ": " + p.error.message;
}

}  // namespace

CAF_TEST(subscribe with and without id) {
  WsParsed p = parse_ws_command(
      R"({"method":"SUBSCRIBE","params":["depth@TATA_INR","kline@TATA_INR:1h","ticker@TATA_INR","fills@TATA_INR"],"id":1})");
  CAF_REQUIRE(p.command);
  CAF_CHECK(p.command->method == WsMethod::subscribe);
  CAF_CHECK_EQUAL(p.command->params.size(), 4u);
  CAF_CHECK_EQUAL(p.command->params[1], "kline@TATA_INR:1h");
  CAF_CHECK_EQUAL(p.id, "1");
  CAF_CHECK_EQUAL(encode_ws_result_null(p.id), R"({"result":null,"id":1})");

  p = parse_ws_command(R"({"method":"unsubscribe","params":["depth@TATA_INR"]})");
  CAF_REQUIRE(p.command);
  CAF_CHECK(p.command->method == WsMethod::unsubscribe);
  CAF_CHECK_EQUAL(p.id, "");
  p = parse_ws_command(R"({"method":"LIST_SUBSCRIPTIONS","id":"x"})");
  CAF_REQUIRE(p.command);
  CAF_CHECK_EQUAL(encode_ws_result_list({"a@B", "c@D"}, p.id),
                  R"({"result":["a@B","c@D"],"id":"x"})");
  p = parse_ws_command(R"({"method":"PING"})");
  CAF_REQUIRE(p.command);
  CAF_CHECK_EQUAL(encode_ws_pong(p.id), R"({"result":"pong"})");
  CAF_CHECK_EQUAL(encode_ws_pong("7"), R"({"result":"pong","id":7})");
}

CAF_TEST(bad requests are explained and keep their id) {
  CAF_CHECK_EQUAL(error_of("not json"), error_of("not json"));  // deterministic
  CAF_CHECK(error_of("not json").find("INVALID_JSON: malformed JSON") == 0);
  CAF_CHECK_EQUAL(error_of("[1]"), "INVALID_JSON: the body must be a JSON object, not an array");
  CAF_CHECK_EQUAL(error_of(R"({"params":[]})"), "MISSING_FIELD: missing field 'method'");
  CAF_CHECK_EQUAL(error_of(R"({"method":"JUMP"})"),
                  "INVALID_FIELD: unknown method 'JUMP': use SUBSCRIBE, UNSUBSCRIBE, "
                  "LIST_SUBSCRIPTIONS or PING");
  CAF_CHECK_EQUAL(error_of(R"({"method":"SUBSCRIBE"})"), "MISSING_FIELD: missing field 'params'");
  CAF_CHECK_EQUAL(error_of(R"({"method":"SUBSCRIBE","params":"depth@X"})"),
                  "INVALID_FIELD: field 'params' must be an array of stream names, not a string");
  CAF_CHECK_EQUAL(error_of(R"({"method":"SUBSCRIBE","params":[]})"),
                  "INVALID_FIELD: field 'params' is empty");
  CAF_CHECK_EQUAL(error_of(R"({"method":"SUBSCRIBE","params":["depth@X",5]})"),
                  "INVALID_FIELD: params[1] must be a stream name (a string), not a number");
  CAF_CHECK_EQUAL(error_of(R"({"method":"SUBSCRIBE","params":["nonsense"]})"),
                  "INVALID_FIELD: params[0] is not a stream name: 'nonsense' (expected e.g. "
                  "depth@TATA_INR or kline@TATA_INR:1h)");
  CAF_CHECK_EQUAL(error_of(R"({"method":"SUBSCRIBE","params":["depth@X"],"id":{}})"),
                  "INVALID_FIELD: field 'id' must be a number or a string of at most 64 "
                  "characters, or null");
  // A number's text is echoed as sent: it is bounded as a string id is.
  CAF_CHECK_EQUAL(error_of(R"({"method":"PING","id":)" + std::string(65, '9') + "}"),
                  "INVALID_FIELD: field 'id' must be a number or a string of at most 64 "
                  "characters, or null");
  CAF_CHECK_EQUAL(parse_ws_command(R"({"method":"PING","id":)" + std::string(64, '9') + "}").id,
                  std::string(64, '9'));
  WsParsed p = parse_ws_command(R"({"method":"JUMP","id":9})");
  CAF_CHECK_EQUAL(p.id, "9");
  CAF_CHECK_EQUAL(encode_ws_error(code_name(p.error.code), "no", p.id),
                  R"({"error":{"code":"INVALID_FIELD","message":"no"},"id":9})");
  CAF_CHECK_EQUAL(encode_ws_error("INVALID_JSON", "bad", ""),
                  R"({"error":{"code":"INVALID_JSON","message":"bad"},"id":null})");
}

CAF_TEST(stream name syntax) {
  CAF_CHECK(is_stream_name("depth@TATA_INR"));
  CAF_CHECK(is_stream_name("kline@TATA_INR:1h"));
  CAF_CHECK(!is_stream_name(""));
  CAF_CHECK(!is_stream_name("@TATA_INR"));
  CAF_CHECK(!is_stream_name("depth@"));
  CAF_CHECK(!is_stream_name("depth TATA"));
  CAF_CHECK(!is_stream_name("depth@TATA\"INR"));
  CAF_CHECK(!is_stream_name("depth@" + std::string(100, 'A')));
}
