// Polling with a deadline, for tests that watch another thread or process.
#pragma once

#include <chrono>
#include <thread>

namespace ex::testing {

// Calls `done` every few milliseconds until it returns true (then true) or `limit` passes.
template <class F>
bool wait_until(F done, std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace ex::testing
