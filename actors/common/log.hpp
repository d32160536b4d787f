// Structured, quiet-by-default logging: one JSON object per line on stderr.
// log(Level::info, "listening", {{"http_port", "3001"}}) ->
//   {"ts":"2026-11-25T19:30:00.123Z","level":"info","msg":"listening","http_port":"3001"}
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ex {

enum class Level : int { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

// Messages below the level are dropped (default: warn, so a healthy node is silent).
void set_log_level(Level level);
bool parse_log_level(std::string_view text, Level* level);
bool log_enabled(Level level);
void log(Level level, std::string_view msg,
         std::initializer_list<std::pair<std::string_view, std::string>> fields = {});

}  // namespace ex
