// A local copy of one market's aggregated book, kept exactly from a REST snapshot and the
// depth@ stream's diffs (API.md, Part 2): buffer events until the snapshot arrives, drop
// those it already covers (u <= lastUpdateId), then apply each in order; an event that
// skips an update id means one was missed, and the book must be resynchronised.
//
// Levels live in ordered maps keyed by Decimal units: a book here holds tens of levels,
// and ordered iteration from the best price is what callers want. Pure, single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "net/client/wire.hpp"

namespace ex::client {

class LocalBook {
 public:
  enum class Applied { applied, stale, buffered, gap };

  // Forgets the book: events are buffered until the next snapshot.
  void reset();
  // Installs a snapshot, then replays buffered events after it. False if they do not
  // follow it (a missed update): the caller takes a new snapshot.
  bool apply_snapshot(const DepthSnapshot& snapshot);
  Applied apply_event(const DepthEvent& event);

  bool synced() const { return synced_; }
  uint64_t last_update_id() const { return last_id_; }

  std::optional<Level> best_bid() const;
  std::optional<Level> best_ask() const;
  // The first `n` levels from the best price.
  std::vector<Level> top(Side side, size_t n) const;
  size_t level_count(Side side) const { return side == Side::buy ? bids_.size() : asks_.size(); }

 private:
  Applied apply_synced(const DepthEvent& event);
  static void set_level(std::map<int64_t, Decimal>& side, const Level& level);

  static constexpr size_t kMaxBuffered = 10000;
  bool synced_ = false;
  bool overflowed_ = false;
  uint64_t last_id_ = 0;
  std::map<int64_t, Decimal> bids_;  // ascending: best is the last
  std::map<int64_t, Decimal> asks_;  // ascending: best is the first
  std::vector<DepthEvent> buffered_;
};

}  // namespace ex::client
