// The wall clock, in the unix milliseconds every record carries. Only actor shells and
// start-up read it: the pure cores get time with their commands.
#pragma once

#include <chrono>
#include <cstdint>

namespace ex {

inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ex
