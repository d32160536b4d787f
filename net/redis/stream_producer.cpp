#include "net/redis/stream_producer.hpp"

#include <deque>
#include <vector>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "net/redis/bus_atoms.hpp"
#include "net/redis/event_codec.hpp"
#include "net/redis/markets_lease.hpp"

namespace ex::redis {
namespace {

// Appends a batch: KEYS = the claim key, then each entry's stream; ARGV = the fence token
// ("" = no check), MAXLEN, the format version, then each entry's type and data. Refused
// (FENCED) unless the claim holds the token, in the same atomic step as the appends.
constexpr const char* kAppend = R"lua(
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED this node does not hold ' .. KEYS[1])
end
for i = 2, #KEYS do
  redis.call('XADD', KEYS[i], 'MAXLEN', '~', ARGV[2], '*', 't', ARGV[2 * i], 'v', ARGV[3],
             'd', ARGV[2 * i + 1])
end
return #KEYS - 1
)lua";

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

    auto me = caf::actor_cast<caf::actor>(self);
    const uint64_t batch = ++batch_id_;
    std::vector<std::string> command{"EVAL", kAppend, std::to_string(n + 1), kMarketsNodeKey};
    command.reserve(4 + n + 3 + 2 * n);
    for (const Entry& e : in_flight_)
      command.push_back(e.key);
    for (std::string arg : {options_.fence_token, max_len_, std::string(kEventFormatVersion)})
      command.push_back(std::move(arg));
    for (const Entry& e : in_flight_) {
      command.push_back(e.type);
      command.push_back(e.data);
    }
    connection_->command(std::move(command), [me, batch](Result<Reply> r) {
      // Redis away is its connection's to tell; a refusal (FENCED) is the producer's.
      std::string refused = r || r.error().code == ErrorCode::unavailable ? "" : r.error().message;
      caf::anon_send(me, bus_sent_atom::value, batch, static_cast<bool>(r), std::move(refused));
    });
  }

  // A batch ended: keeps it if it is in Redis, else puts it back in front. Returns false
  // if it failed (the caller schedules a retry).
  bool sent(uint64_t batch, bool ok, const std::string& refused) {
    if (batch != batch_id_) return true;  // not ours (cannot happen: one in flight)
    if (!refused.empty() && !refused_)
      log(Level::warn, "storage events held back: Redis refused them (retried)",
          {{"detail", refused}});
    refused_ = !refused.empty();
    if (ok) {
      appended_.inc(in_flight_.size());
      dropping_ = false;
    } else {
      pending_.insert(pending_.begin(), std::make_move_iterator(in_flight_.begin()),
                      std::make_move_iterator(in_flight_.end()));
      waiting_.set(static_cast<int64_t>(pending_.size()));
    }
    in_flight_.clear();
    return ok;
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
  bool refused_ = false;  // said once until a batch goes through
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
      [=](bus_sent_atom, uint64_t batch, bool ok, const std::string& refused) {
        if (!p->sent(batch, ok, refused)) {
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
