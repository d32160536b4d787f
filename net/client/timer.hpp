// One-shot timers for the bots' loops: retries with backoff, periodic work.
#pragma once

#include <chrono>

#include <boost/asio/steady_timer.hpp>

namespace ex::client {

// Runs `f` on the timer's executor after `delay`, unless the timer is cancelled or
// re-armed first (a new run_after on the same timer replaces the pending one).
template <class F>
void run_after(boost::asio::steady_timer& timer, std::chrono::milliseconds delay, F f) {
  timer.expires_after(delay);
  timer.async_wait([f](boost::system::error_code ec) {
    if (!ec) f();
  });
}

}  // namespace ex::client
