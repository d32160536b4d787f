// How storage back ends report events worth a log line (which mode they run in, a lost or
// regained connection) without depending on the program's logger: the program hands in
// ex::log (actors/common/log.hpp), tests hand in nothing or a recorder.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "actors/common/log.hpp"

namespace ex {

using StoreLogger = std::function<void(
    Level, std::string_view msg, std::initializer_list<std::pair<std::string_view, LogValue>>)>;

}  // namespace ex
