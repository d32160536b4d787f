// Structured, quiet-by-default logging: one JSON object per line on stderr.
// log(Level::info, "listening", {{"address", "0.0.0.0"}, {"http_port", 3001}}) ->
//   {"ts":"2026-11-25T19:30:00.123Z","level":"info","msg":"listening","address":"0.0.0.0",
//    "http_port":3001}
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ex {

// A field's value: text (a JSON string), or a number (a JSON number, so that log tools
// can compare and sum it; a non-finite one is written as text).
class LogValue {
 public:
  LogValue(std::string text) : text_(std::move(text)) {}
  LogValue(std::string_view text) : text_(text) {}
  LogValue(const char* text) : text_(text) {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                          !std::is_same_v<T, char>,
                                      int> = 0>
  LogValue(T number) : text_(std::to_string(number)), number_(true) {}
  LogValue(double number);

  const std::string& text() const { return text_; }
  bool is_number() const { return number_; }

 private:
  std::string text_;
  bool number_ = false;
};

enum class Level : int { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

// Messages below the level are dropped (default: warn, so a healthy node is silent).
void set_log_level(Level level);
bool parse_log_level(std::string_view text, Level* level);
bool log_enabled(Level level);
void log(Level level, std::string_view msg,
         std::initializer_list<std::pair<std::string_view, LogValue>> fields = {});

}  // namespace ex
