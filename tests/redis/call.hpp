// One Redis command from a test's thread, waited for.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "net/redis/redis_connection.hpp"

namespace ex::testing {

// Sends `args` on `c` and waits up to 10 s for the outcome (`unavailable` past that).
inline Result<redis::Reply> call(redis::Connection& c, std::vector<std::string> args) {
  auto p = std::make_shared<std::promise<Result<redis::Reply>>>();
  auto f = p->get_future();
  c.command(std::move(args), [p](Result<redis::Reply> r) { p->set_value(std::move(r)); });
  if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
    return make_error(ErrorCode::unavailable, "no answer in 10 s");
  return f.get();
}

}  // namespace ex::testing
