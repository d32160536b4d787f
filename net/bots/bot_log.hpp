// The bots' log: one line per message on stderr, "HH:MM:SS.mmm name level message".
// Quiet by default about routine events (info); warnings and errors always show unless
// the level is "off". Single-threaded use (the bots run one io thread).
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

namespace ex::bots {

enum class LogLevel : int { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

struct BotLog {
  std::string name = "bot";
  LogLevel level = LogLevel::info;

  static bool parse(std::string_view text, LogLevel* out) {
    static constexpr std::pair<std::string_view, LogLevel> kNames[] = {{"debug", LogLevel::debug},
                                                                       {"info", LogLevel::info},
                                                                       {"warn", LogLevel::warn},
                                                                       {"error", LogLevel::error},
                                                                       {"off", LogLevel::off}};
    for (const auto& [n, l] : kNames)
      if (n == text) {
        *out = l;
        return true;
      }
    return false;
  }

  bool enabled(LogLevel l) const { return l >= level && level != LogLevel::off; }

  void write(LogLevel l, std::string_view msg) const {
    if (!enabled(l)) return;
    static constexpr const char* kLabels[] = {"debug", "info", "warn", "error", "off"};
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm tm{};
    localtime_r(&t, &tm);
    std::fprintf(stderr, "%02d:%02d:%02d.%03d %s %s %.*s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
                 static_cast<int>(ms), name.c_str(), kLabels[static_cast<int>(l)],
                 static_cast<int>(msg.size()), msg.data());
  }
  void debug(std::string_view m) const { write(LogLevel::debug, m); }
  void info(std::string_view m) const { write(LogLevel::info, m); }
  void warn(std::string_view m) const { write(LogLevel::warn, m); }
  void error(std::string_view m) const { write(LogLevel::error, m); }
};

}  // namespace ex::bots
