#include "net/fanout.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>

#include <boost/asio/post.hpp>

namespace ex {

namespace asio = boost::asio;

FanoutShard::FanoutShard(asio::io_context& ioc, ExchangeApi& api, uint64_t upstream_id,
                         std::chrono::microseconds window)
    : ioc_(ioc), api_(api), upstream_id_(upstream_id), window_(window), timer_(ioc) {}

Result<bool> FanoutShard::subscribe(const std::string& stream,
                                    std::shared_ptr<FanoutSubscriber> sub) {
  auto found = channel_of_.find(stream);
  uint32_t index;
  if (found != channel_of_.end()) {
    index = found->second;
  } else {
    index = static_cast<uint32_t>(channels_.size());
    channels_.push_back(Channel{stream, {}, {}});
  }
  Channel& c = channels_[index];
  if (c.subscribers.empty()) {
    std::weak_ptr<FanoutShard> weak = weak_from_this();
    Result<bool> r = api_.subscribe(upstream_id_, stream, [weak, index](Frame frame) {
      if (auto self = weak.lock()) self->publish(index, std::move(frame));
    });
    if (!r) {
      if (found == channel_of_.end()) channels_.pop_back();  // never a name upstream refused
      return r;
    }
    channel_of_.emplace(stream, index);
    ++active_;
  }
  c.subscribers.push_back(std::move(sub));
  return true;
}

void FanoutShard::unsubscribe(const std::string& stream, const FanoutSubscriber* sub) {
  auto found = channel_of_.find(stream);
  if (found == channel_of_.end()) return;
  auto& subs = channels_[found->second].subscribers;
  auto it = std::find_if(subs.begin(), subs.end(), [&](const auto& s) { return s.get() == sub; });
  if (it == subs.end()) return;
  *it = std::move(subs.back());
  subs.pop_back();
  if (subs.empty()) {
    api_.unsubscribe(upstream_id_, stream);
    --active_;
  }
}

void FanoutShard::clear() {
  if (active_ > 0) api_.unsubscribe_all(upstream_id_);
  for (Channel& c : channels_)
    c.subscribers.clear();
  for (const auto& sub : to_flush_)
    sub->flush_due_ = false;
  to_flush_.clear();
  flushed_ = 0;
  active_ = 0;
  timer_.cancel();
}

void FanoutShard::publish(uint32_t channel, Frame frame) {
  bool post;
  {
    std::lock_guard<std::mutex> lock(inbox_mutex_);
    inbox_.push_back(Published{channel, std::move(frame)});
    post = !wake_posted_;
    wake_posted_ = true;
  }
  if (post) asio::post(ioc_, [self = shared_from_this()] { self->wake(); });
}

void FanoutShard::wake() {
  const auto due = last_drain_ + window_;
  if (std::chrono::steady_clock::now() >= due) return drain();
  timer_.expires_at(due);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->drain();
  });
}

void FanoutShard::drain() {
  {
    std::lock_guard<std::mutex> lock(inbox_mutex_);
    draining_.swap(inbox_);
    wake_posted_ = false;
  }
  last_drain_ = std::chrono::steady_clock::now();
  ++drains_;
  for (uint32_t i = 0; i < draining_.size(); ++i) {
    Channel& c = channels_[draining_[i].channel];
    if (c.drained.empty()) drained_channels_.push_back(draining_[i].channel);
    c.drained.push_back(i);
  }
  for (uint32_t index : drained_channels_) {
    for (const auto& sub : channels_[index].subscribers) {
      if (sub->drain_ != drains_) {
        sub->drain_ = drains_;
        sub->drain_channels_.clear();
        drain_targets_.push_back(sub.get());
        // One still waiting for its write from an earlier batch writes both at once.
        if (!sub->flush_due_) {
          sub->flush_due_ = true;
          to_flush_.push_back(sub);
        }
      }
      sub->drain_channels_.push_back(index);
    }
  }
  for (FanoutSubscriber* sub : drain_targets_)
    deliver_drained(*sub);
  for (uint32_t index : drained_channels_)
    channels_[index].drained.clear();
  drained_channels_.clear();
  drain_targets_.clear();
  draining_.clear();
  if (!slice_posted_) flush_slice();
}

// The frames of the subscriber's channels, merged back into publication order.
void FanoutShard::deliver_drained(FanoutSubscriber& sub) {
  const std::vector<uint32_t>& mine = sub.drain_channels_;
  if (mine.size() == 1) {
    for (uint32_t i : channels_[mine[0]].drained)
      sub.deliver(draining_[i].frame);
    return;
  }
  std::vector<size_t>& next = merge_positions_;
  next.assign(mine.size(), 0);
  if (mine.size() <= 4) {
    // The usual case (a connection's streams of one market): a linear pick of the lowest
    // next index is cheaper than a heap.
    for (;;) {
      size_t best = mine.size();
      uint32_t best_index = 0;
      for (size_t k = 0; k < mine.size(); ++k) {
        const auto& frames = channels_[mine[k]].drained;
        if (next[k] < frames.size() && (best == mine.size() || frames[next[k]] < best_index)) {
          best = k;
          best_index = frames[next[k]];
        }
      }
      if (best == mine.size()) return;
      ++next[best];
      sub.deliver(draining_[best_index].frame);
    }
  }
  // Up to the streams a connection may have (64 by default): a heap keeps each frame's
  // cost logarithmic in them.
  using Head = std::pair<uint32_t, size_t>;  // (frame index, which of `mine`)
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
  for (size_t k = 0; k < mine.size(); ++k)
    heads.push({channels_[mine[k]].drained[0], k});
  while (!heads.empty()) {
    const auto [index, k] = heads.top();
    heads.pop();
    sub.deliver(draining_[index].frame);
    const auto& frames = channels_[mine[k]].drained;
    if (++next[k] < frames.size()) heads.push({frames[next[k]], k});
  }
}

void FanoutShard::flush_slice() {
  constexpr size_t kSlice = 128;  // 1-2 ms of loopback socket writes on a small VM
  slice_posted_ = false;
  const size_t end = std::min(to_flush_.size(), flushed_ + kSlice);
  for (; flushed_ < end; ++flushed_) {
    FanoutSubscriber& sub = *to_flush_[flushed_];
    sub.flush_due_ = false;
    sub.flush();
  }
  if (flushed_ == to_flush_.size()) {
    to_flush_.clear();
    flushed_ = 0;
    return;
  }
  slice_posted_ = true;
  asio::post(ioc_, [self = shared_from_this()] { self->flush_slice(); });
}

}  // namespace ex
