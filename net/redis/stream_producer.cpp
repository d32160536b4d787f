#include "net/redis/stream_producer.hpp"

#include <deque>
#include <vector>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "net/redis/bus_atoms.hpp"
#include "net/redis/event_codec.hpp"

namespace ex::redis {
namespace {

// One XADD: the stream key, the entry type and the encoded record.
struct Entry {
  std::string key;
  const char* type;
  std::string data;
};

class Producer {
 public:
  Producer(std::shared_ptr<Connection> connection, ProducerOptions options)
      : connection_(std::move(connection)),
        options_(options),
        max_len_(std::to_string(options.max_len)),
        appended_(bus_appended()),
        dropped_(Metrics::global().counter(
            "exchange_bus_dropped_total",
            "Storage events dropped because Redis was away and the buffer was full")),
        waiting_(bus_pending_events()) {}

  void add(Entry e) {
    if (pending_.size() >= options_.max_pending) {
      dropped_.inc();
      if (!dropping_)
        log(Level::error, "storage events dropped: Redis is away and the bus buffer is full",
            {{"max_pending", options_.max_pending}});
      dropping_ = true;
      return;
    }
    pending_.push_back(std::move(e));
    waiting_.set(static_cast<int64_t>(pending_.size()));
  }

  bool idle() const { return pending_.empty() && in_flight_.empty(); }

  // Sends the next batch unless one is in flight (or a retry is scheduled).
  void send(caf::event_based_actor* self) {
    if (!in_flight_.empty() || pending_.empty() || retry_scheduled_) return;
    size_t n = std::min(options_.max_batch, pending_.size());
    in_flight_.assign(std::make_move_iterator(pending_.begin()),
                      std::make_move_iterator(pending_.begin() + static_cast<long>(n)));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(n));
    waiting_.set(static_cast<int64_t>(pending_.size()));

    // Replies arrive in order on the io thread; the tally lives there until the last one.
    struct Tally {
      size_t remaining;
      size_t first_failed;
    };
    auto tally = std::make_shared<Tally>(Tally{n, n});
    uint64_t batch = ++batch_id_;
    auto me = caf::actor_cast<caf::actor>(self);
    std::vector<std::vector<std::string>> commands;
    std::vector<ReplyFn> done;
    commands.reserve(n);
    done.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const Entry& e = in_flight_[i];
      commands.push_back({"XADD", e.key, "MAXLEN", "~", max_len_, "*", "t", e.type, "v",
                          kEventFormatVersion, "d", e.data});
      done.push_back([tally, i, me, batch](Result<Reply> r) {
        if (!r && i < tally->first_failed) tally->first_failed = i;
        if (--tally->remaining == 0)
          caf::anon_send(me, bus_sent_atom::value, batch,
                         static_cast<uint64_t>(tally->first_failed));
      });
    }
    connection_->pipeline(std::move(commands), std::move(done));
  }

  // A batch ended: keeps what succeeded, puts the rest back in front. Returns false if
  // something failed (the caller schedules a retry).
  bool sent(uint64_t batch, uint64_t first_failed) {
    if (batch != batch_id_) return true;  // not ours (cannot happen: one in flight)
    size_t ok = std::min<size_t>(first_failed, in_flight_.size());
    appended_.inc(ok);
    if (ok < in_flight_.size()) {
      pending_.insert(pending_.begin(),
                      std::make_move_iterator(in_flight_.begin() + static_cast<long>(ok)),
                      std::make_move_iterator(in_flight_.end()));
      waiting_.set(static_cast<int64_t>(pending_.size()));
    }
    bool all = ok == in_flight_.size();
    in_flight_.clear();
    if (all) dropping_ = false;
    return all;
  }

  bool retry_scheduled_ = false;
  std::vector<caf::response_promise> flushes;

 private:
  std::shared_ptr<Connection> connection_;
  ProducerOptions options_;
  std::string max_len_;
  std::deque<Entry> pending_;
  std::vector<Entry> in_flight_;
  uint64_t batch_id_ = 0;
  bool dropping_ = false;
  Counter& appended_;
  Counter& dropped_;
  Gauge& waiting_;
};

}  // namespace

caf::behavior stream_producer(caf::event_based_actor* self, std::shared_ptr<Connection> connection,
                              ProducerOptions options) {
  auto p = std::make_shared<Producer>(std::move(connection), options);
  auto answer_flushes = [=](bool value) {
    for (auto& rp : p->flushes)
      rp.deliver(value);
    p->flushes.clear();
  };
  return {
      [=](update_atom, const MarketUpdate& up) {
        p->add(Entry{event_stream_key(up.market), "u", encode_update(up)});
        p->send(self);
      },
      [=](update_atom, const std::vector<MarketUpdate>& ups) {
        for (const MarketUpdate& up : ups)
          p->add(Entry{event_stream_key(up.market), "u", encode_update(up)});
        p->send(self);
      },
      [=](deposit_atom, const DepositRecord& d, uint64_t seq) {
        p->add(Entry{event_stream_key(kDepositStream), "d", encode_deposit(d, seq)});
        p->send(self);
      },
      [=](bus_sent_atom, uint64_t batch, uint64_t first_failed) {
        if (!p->sent(batch, first_failed)) {
          p->retry_scheduled_ = true;
          self->delayed_send(self, options.retry, bus_retry_atom::value);
          return;
        }
        if (p->idle()) answer_flushes(true);
        p->send(self);
      },
      [=](bus_retry_atom) {
        p->retry_scheduled_ = false;
        p->send(self);
      },
      [=](flush_atom) -> caf::result<bool> {
        if (p->idle()) return true;
        p->flushes.push_back(self->make_response_promise());
        self->delayed_send(self, options.flush_timeout, bus_late_atom::value);
        return caf::delegated<bool>{};
      },
      [=](bus_late_atom) {
        if (!p->idle()) answer_flushes(false);
      },
  };
}

}  // namespace ex::redis
