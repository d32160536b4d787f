#include "actors/common/log.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "net/codec/json_writer.hpp"

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

LogValue::LogValue(double number) : number_(std::isfinite(number)) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", number);
  text_ = text;
}

void log(Level level, std::string_view msg,
         std::initializer_list<std::pair<std::string_view, LogValue>> fields) {
  if (!log_enabled(level)) return;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  std::string line = "{\"ts\":\"";
  json::append_iso_time(line, ms);
  line += "\",\"level\":\"";
  line += name_of(level);
  line += "\",\"msg\":";
  json::append_string(line, msg);
  for (const auto& [k, v] : fields) {
    line.push_back(',');
    json::append_string(line, k);
    line.push_back(':');
    if (v.is_number())
      line += v.text();
    else
      json::append_string(line, v.text());
  }
  line += "}\n";
  std::lock_guard<std::mutex> lock(g_out);
  std::fputs(line.c_str(), stderr);
}

}  // namespace ex
