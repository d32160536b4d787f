#include "net/client/local_book.hpp"

namespace ex::client {

void LocalBook::reset() {
  synced_ = false;
  overflowed_ = false;
  last_id_ = 0;
  bids_.clear();
  asks_.clear();
  buffered_.clear();
}

void LocalBook::set_level(std::map<int64_t, Decimal>& side, const Level& level) {
  if (level.qty.is_zero())
    side.erase(level.price.units());
  else
    side[level.price.units()] = level.qty;
}

bool LocalBook::apply_snapshot(const DepthSnapshot& snapshot) {
  bids_.clear();
  asks_.clear();
  for (const Level& l : snapshot.bids)
    set_level(bids_, l);
  for (const Level& l : snapshot.asks)
    set_level(asks_, l);
  last_id_ = snapshot.last_update_id;
  synced_ = !overflowed_;
  overflowed_ = false;
  std::vector<DepthEvent> pending;
  pending.swap(buffered_);
  for (const DepthEvent& e : pending) {
    if (!synced_) break;
    if (apply_synced(e) == Applied::gap) return false;
  }
  return synced_;
}

LocalBook::Applied LocalBook::apply_event(const DepthEvent& event) {
  if (!synced_) {
    if (buffered_.size() >= kMaxBuffered) {
      overflowed_ = true;  // the snapshot will not be followable: take another
      buffered_.clear();
    }
    buffered_.push_back(event);
    return Applied::buffered;
  }
  return apply_synced(event);
}

LocalBook::Applied LocalBook::apply_synced(const DepthEvent& event) {
  if (event.last_id != 0) {
    if (event.last_id <= last_id_) return Applied::stale;
    if (event.first_id > last_id_ + 1) {
      synced_ = false;
      return Applied::gap;
    }
    last_id_ = event.last_id;
  }
  for (const Level& l : event.bids)
    set_level(bids_, l);
  for (const Level& l : event.asks)
    set_level(asks_, l);
  return Applied::applied;
}

std::optional<Level> LocalBook::best_bid() const {
  if (bids_.empty()) return std::nullopt;
  auto it = bids_.rbegin();
  return Level{Decimal::from_units(it->first), it->second};
}

std::optional<Level> LocalBook::best_ask() const {
  if (asks_.empty()) return std::nullopt;
  auto it = asks_.begin();
  return Level{Decimal::from_units(it->first), it->second};
}

std::vector<Level> LocalBook::top(Side side, size_t n) const {
  std::vector<Level> out;
  if (side == Side::buy) {
    for (auto it = bids_.rbegin(); it != bids_.rend() && out.size() < n; ++it)
      out.push_back(Level{Decimal::from_units(it->first), it->second});
  } else {
    for (auto it = asks_.begin(); it != asks_.end() && out.size() < n; ++it)
      out.push_back(Level{Decimal::from_units(it->first), it->second});
  }
  return out;
}

}  // namespace ex::client
