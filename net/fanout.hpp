// Market-data fan-out for the WebSocket connections of one io thread.
//
// Why: a hub that delivered each event to each connection paid, per frame and per
// subscriber, a std::function call, atomics, a mutex and a hand-off to the io thread; and
// each hand-off became a socket write of its own. With a thousand subscribers that is
// millions of hand-offs and writes a second. Here the hub has one subscriber per io
// thread and stream (this shard, which subscribes upstream on the first local
// subscriber and unsubscribes after the last), so an event crosses threads once. The io
// thread then hands every frame of a batch to every local subscriber of its stream, in
// order, with plain calls, and each subscriber writes its batch with one socket write.
//
// Within a batch the shard goes subscriber by subscriber, each receiving its frames in
// publication order: frame by frame, a thousand other subscribers' buffers came between
// two appends to the same one, and nearly every append missed the cache.
//
// Batches are paced: the shard drains its inbox at once if the last drain is at least
// `window` old, otherwise at the end of the window. A quiet market adds no delay; a busy
// one makes at most one write per connection per window, however many events it has.
// The writes of a batch go out in slices, each its own turn of the io thread, so that
// the REST requests the same thread serves wait for a slice, not for every connection.
//
// Threads: publish() from any thread; everything else on the shard's io thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "actors/gateway/exchange_api.hpp"

namespace ex {

using Frame = std::shared_ptr<const std::string>;

// A WebSocket connection as the fan-out sees it (called on the shard's io thread only).
class FanoutSubscriber {
 public:
  virtual ~FanoutSubscriber() = default;
  // One frame of a batch, in publication order. Must not call back into the shard.
  virtual void deliver(const Frame& frame) = 0;
  // The batch is complete: write it out. May unsubscribe.
  virtual void flush() = 0;

 private:
  friend class FanoutShard;
  bool flush_due_ = false;                // delivered to, and waiting in the shard's list of writes
  uint64_t drain_ = 0;                    // the last drain that reached it
  std::vector<uint32_t> drain_channels_;  // its channels with frames in that drain
};

class FanoutShard : public std::enable_shared_from_this<FanoutShard> {
 public:
  // `upstream_id`: the connection id this shard subscribes with (unique in the process).
  FanoutShard(boost::asio::io_context& ioc, ExchangeApi& api, uint64_t upstream_id,
              std::chrono::microseconds window);

  // Adds `sub` to `stream` (validated upstream: UNKNOWN_MARKET, INVALID_FIELD). The shard
  // holds `sub` until unsubscribe() or clear().
  Result<bool> subscribe(const std::string& stream, std::shared_ptr<FanoutSubscriber> sub);
  void unsubscribe(const std::string& stream, const FanoutSubscriber* sub);
  // Drops every subscriber and every upstream subscription (the edge is stopping).
  void clear();

  // From the upstream sinks, on any thread.
  void publish(uint32_t channel, Frame frame);

  size_t streams() const { return active_; }  // streams with local subscribers
  const boost::asio::execution_context& context() const { return ioc_; }

 private:
  struct Channel {
    std::string stream;
    std::vector<std::shared_ptr<FanoutSubscriber>> subscribers;
    std::vector<uint32_t> drained;  // this drain's frames for it: indexes into draining_
  };
  struct Published {
    uint32_t channel;
    Frame frame;
  };

  void wake();
  void drain();
  void deliver_drained(FanoutSubscriber& sub);
  void flush_slice();

  boost::asio::io_context& ioc_;
  ExchangeApi& api_;
  const uint64_t upstream_id_;
  const std::chrono::microseconds window_;
  boost::asio::steady_timer timer_;

  // io thread. Channels are never reused for another stream, so a frame still in flight
  // from an earlier subscription can only reach subscribers of the same stream.
  std::vector<Channel> channels_;
  std::unordered_map<std::string, uint32_t> channel_of_;
  size_t active_ = 0;
  std::chrono::steady_clock::time_point last_drain_{};
  std::vector<Published> draining_;
  uint64_t drains_ = 0;
  std::vector<uint32_t> drained_channels_;        // channels with frames in this drain
  std::vector<FanoutSubscriber*> drain_targets_;  // their subscribers, each once
  std::vector<size_t> merge_positions_;
  // Subscribers with frames to write, each once however many batches reached it since:
  // at most one entry per subscriber, written slice by slice.
  std::vector<std::shared_ptr<FanoutSubscriber>> to_flush_;
  size_t flushed_ = 0;  // of to_flush_
  bool slice_posted_ = false;

  // Shared with publishers.
  std::mutex inbox_mutex_;
  std::vector<Published> inbox_;
  bool wake_posted_ = false;  // a drain is due: publishers need not post another
};

}  // namespace ex
