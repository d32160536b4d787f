#include "actors/common/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace ex {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::warn)};
std::mutex g_out;

const char* name_of(Level l) {
  switch (l) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
    case Level::off:
      return "off";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

}  // namespace

void set_log_level(Level level) {
  g_level.store(static_cast<int>(level));
}

bool parse_log_level(std::string_view t, Level* level) {
  for (Level l : {Level::debug, Level::info, Level::warn, Level::error, Level::off})
    if (t == name_of(l)) {
      *level = l;
      return true;
    }
  return false;
}

bool log_enabled(Level level) {
  return static_cast<int>(level) >= g_level.load();
}

void log(Level level, std::string_view msg,
         std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  if (!log_enabled(level)) return;
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  std::string line = "{\"ts\":\"";
  line += ts;
  line += "\",\"level\":\"";
  line += name_of(level);
  line += "\",\"msg\":";
  append_json_string(line, msg);
  for (const auto& [k, v] : fields) {
    line.push_back(',');
    append_json_string(line, k);
    line.push_back(':');
    append_json_string(line, v);
  }
  line += "}\n";
  std::lock_guard<std::mutex> lock(g_out);
  std::fputs(line.c_str(), stderr);
}

}  // namespace ex
