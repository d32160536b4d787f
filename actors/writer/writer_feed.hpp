// Feeds the writer a long run of records (a replay) in bounded steps: after every `step`
// records it waits until the writer has stored them, so the writer's mailbox never holds
// more than one step. Blocking: for start-up and for detached workers, never for actors
// on the scheduler.
#pragma once

#include <chrono>
#include <cstdint>
#include <utility>

#include <caf/all.hpp>

#include "actors/common/messages.hpp"

namespace ex {

class WriterFeed {
 public:
  WriterFeed(caf::actor_system& system, caf::actor writer, uint64_t step)
      : self_(system), writer_(std::move(writer)), step_(step) {}

  // Sends one message to the writer (all from one sender, so they arrive in order). An
  // error means the writer could not store the last step (storage is away).
  template <class... Ts>
  Result<bool> send(Ts&&... xs) {
    if (!writer_) return true;
    self_->send(writer_, std::forward<Ts>(xs)...);
    if (++sent_ % step_ == 0) return flush();
    return true;
  }

  // Waits until the writer has stored everything sent so far.
  Result<bool> flush() {
    if (!writer_) return true;
    Result<bool> out = true;
    self_->request(writer_, std::chrono::minutes(5), flush_atom::value)
        .receive(
            [&](bool ok) {
              if (!ok) out = make_error(ErrorCode::unavailable, "storage did not take the records");
            },
            [&](caf::error& e) {
              writer_stopped_ = e == caf::sec::request_receiver_down;
              out = from_caf_error(e);
            });
    return out;
  }

  // The last flush found the writer gone: waiting for it is pointless (a shutdown).
  bool writer_stopped() const { return writer_stopped_; }

  uint64_t sent() const { return sent_; }

 private:
  caf::scoped_actor self_;
  caf::actor writer_;
  uint64_t step_;
  uint64_t sent_ = 0;
  bool writer_stopped_ = false;
};

}  // namespace ex
