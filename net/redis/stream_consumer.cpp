#include "net/redis/stream_consumer.hpp"

#include <map>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "net/redis/bus_atoms.hpp"
#include "net/redis/event_codec.hpp"

namespace ex::redis::detail {

// What one XREADGROUP returned, parsed on the io thread.
struct ReadOutcome {
  struct Item {
    std::string key, id;
    bool deleted = false;  // trimmed away while pending: nothing left to write
    std::string type, version, data;
  };
  bool ok = true;
  bool more = false;  // XAUTOCLAIM: more entries to take over than one call took
  std::string error;
  std::vector<Item> items;
};

}  // namespace ex::redis::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<ex::redis::detail::ReadOutcome>)

namespace ex::redis {
namespace {

using detail::ReadOutcome;
using Clock = std::chrono::steady_clock;

// [[key, [[id, [field, value, ...] | nil], ...]], ...] (nil reply: nothing new in time).
void parse_read(const Reply& r, ReadOutcome& out) {
  if (!r.is_array()) return;
  for (const Reply& stream : r.elements) {
    if (!stream.is_array() || stream.elements.size() != 2) continue;
    const std::string& key = stream.elements[0].str;
    for (const Reply& entry : stream.elements[1].elements) {
      if (!entry.is_array() || entry.elements.size() != 2) continue;
      ReadOutcome::Item item;
      item.key = key;
      item.id = entry.elements[0].str;
      const Reply& fields = entry.elements[1];
      item.deleted = !fields.is_array();
      for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        const std::string& name = fields.elements[i].str;
        const std::string& value = fields.elements[i + 1].str;
        if (name == "t")
          item.type = value;
        else if (name == "v")
          item.version = value;
        else if (name == "d")
          item.data = value;
      }
      out.items.push_back(std::move(item));
    }
  }
}

enum class Phase { setup, own_pending, fresh };

class Consumer {
 public:
  Consumer(std::shared_ptr<Connection> connection, std::vector<std::string> streams,
           caf::actor writer, ConsumerOptions options)
      : connection_(std::move(connection)),
        writer_(std::move(writer)),
        options_(std::move(options)),
        stored_(bus_stored()) {
    for (const auto& s : streams)
      keys_.push_back(event_stream_key(s));
  }

  // ---- steps; each ends by asking Redis something, whose answer comes back as a message ----

  // XGROUP CREATE for every stream (BUSYGROUP: it exists), then XAUTOCLAIM.
  void setup(caf::event_based_actor* self) {
    phase_ = Phase::setup;
    auto me = caf::actor_cast<caf::actor>(self);
    auto outcome = std::make_shared<ReadOutcome>();
    auto remaining = std::make_shared<size_t>(keys_.size() * 2);
    std::vector<std::vector<std::string>> commands;
    std::vector<ReplyFn> done;
    auto count = [me, outcome, remaining](Result<Reply> r) {
      if (!r && !error_is(r.error(), "BUSYGROUP") && outcome->ok) {
        outcome->ok = false;
        outcome->error = r.error().message;
      }
      // XAUTOCLAIM answers [next cursor, entries, deleted ids]; "0-0": nothing left.
      if (r && r->is_array() && !r->elements.empty() && r->elements[0].str != "0-0")
        outcome->more = true;
      if (--*remaining == 0) caf::anon_send(me, bus_ready_atom::value, outcome);
    };
    for (const auto& key : keys_) {
      commands.push_back({"XGROUP", "CREATE", key, options_.group, "0", "MKSTREAM"});
      done.push_back(count);
    }
    for (const auto& key : keys_) {
      // Entries a dead consumer left pending become ours; read below with ID 0.
      commands.push_back({"XAUTOCLAIM", key, options_.group, options_.consumer,
                          std::to_string(options_.claim_idle.count()), "0-0", "COUNT",
                          std::to_string(options_.count)});
      done.push_back(count);
    }
    last_claim_ = Clock::now();
    connection_->pipeline(std::move(commands), std::move(done));
  }

  void ready(caf::event_based_actor* self, const ReadOutcome& outcome) {
    if (!outcome.ok) return fail(self, outcome.error);
    phase_ = Phase::own_pending;
    claim_more_ = outcome.more;
    for (const auto& key : keys_)
      pending_from_[key] = "0";
    read(self);
  }

  void read(caf::event_based_actor* self) {
    if (phase_ == Phase::fresh && (claim_more_ || Clock::now() - last_claim_ > options_.claim_idle))
      return setup(self);  // now and then (or until done): take over what dead consumers left
    std::vector<std::string> args{"XREADGROUP",      "GROUP", options_.group,
                                  options_.consumer, "COUNT", std::to_string(options_.count)};
    if (phase_ == Phase::fresh) {
      args.push_back("BLOCK");
      args.push_back(std::to_string(options_.block.count()));
    }
    args.push_back("STREAMS");
    args.insert(args.end(), keys_.begin(), keys_.end());
    for (const auto& key : keys_)
      args.push_back(phase_ == Phase::fresh ? std::string(">") : pending_from_[key]);
    auto me = caf::actor_cast<caf::actor>(self);
    connection_->command(std::move(args), [me](Result<Reply> r) {
      auto outcome = std::make_shared<ReadOutcome>();
      if (!r) {
        outcome->ok = false;
        outcome->error = r.error().message;
      } else {
        parse_read(*r, *outcome);
      }
      caf::anon_send(me, bus_read_atom::value, outcome);
    });
  }

  // Hands what was read to the writer and asks it to store it; acks follow its answer.
  void got(caf::event_based_actor* self, const ReadOutcome& outcome) {
    if (!outcome.ok) return fail(self, outcome.error);
    if (outcome.items.empty()) {
      if (phase_ == Phase::own_pending) phase_ = Phase::fresh;
      return read(self);
    }
    acks_.clear();
    bool to_store = false;
    for (const auto& item : outcome.items) {
      if (phase_ == Phase::own_pending) pending_from_[item.key] = item.id;
      if (item.deleted) {
        acks_[item.key].push_back(item.id);
        continue;
      }
      auto event = decode_event(item.type, item.version, item.data);
      if (!event) {
        log(Level::error, "storage event left pending: cannot decode",
            {{"stream", item.key}, {"id", item.id}, {"detail", event.error().message}});
        continue;
      }
      if (event->is_deposit)
        self->send(writer_, deposit_atom::value, event->deposit, event->seq);
      else
        self->send(writer_, update_atom::value, event->update);
      acks_[item.key].push_back(item.id);
      to_store = true;
    }
    if (to_store)
      store(self);
    else
      ack(self);
  }

  void store(caf::event_based_actor* self) {
    self->request(writer_, caf::infinite, flush_atom::value)
        .then(
            [=](bool written) {
              if (written) return ack(self);
              retry_store(self);
            },
            [=](caf::error&) { retry_store(self); });
  }

  void retry_store(caf::event_based_actor* self) {
    retry_is_store_ = true;
    self->delayed_send(self, options_.retry, bus_retry_atom::value);
  }

  void ack(caf::event_based_actor* self) {
    if (acks_.empty()) return read(self);
    auto me = caf::actor_cast<caf::actor>(self);
    auto outcome = std::make_shared<ReadOutcome>();
    auto remaining = std::make_shared<size_t>(acks_.size());
    size_t total = 0;
    std::vector<std::vector<std::string>> commands;
    std::vector<ReplyFn> done;
    for (auto& [key, ids] : acks_) {
      std::vector<std::string> args{"XACK", key, options_.group};
      args.insert(args.end(), ids.begin(), ids.end());
      total += ids.size();
      commands.push_back(std::move(args));
      done.push_back([me, outcome, remaining](Result<Reply> r) {
        if (!r && outcome->ok) {
          outcome->ok = false;
          outcome->error = r.error().message;
        }
        if (--*remaining == 0) caf::anon_send(me, bus_acked_atom::value, outcome);
      });
    }
    stored_.inc(total);
    acks_.clear();
    connection_->pipeline(std::move(commands), std::move(done));
  }

  void acked(caf::event_based_actor* self, const ReadOutcome& outcome) {
    // A lost XACK leaves entries pending: they are read again (harmless duplicates).
    if (!outcome.ok) return fail(self, outcome.error);
    read(self);
  }

  // Any Redis error: start over after a pause (groups, claims, own pending entries).
  void fail(caf::event_based_actor* self, const std::string& why) {
    if (phase_ != Phase::setup || !failing_)
      log(Level::warn, "storage event stream: Redis error; starting over",
          {{"consumer", options_.consumer}, {"detail", why}});
    failing_ = true;
    phase_ = Phase::setup;
    retry_is_store_ = false;
    self->delayed_send(self, options_.retry, bus_retry_atom::value);
  }

  void retry(caf::event_based_actor* self) {
    if (retry_is_store_) {
      retry_is_store_ = false;
      return store(self);
    }
    setup(self);
  }

  void succeeded() { failing_ = false; }

 private:
  std::shared_ptr<Connection> connection_;
  caf::actor writer_;
  ConsumerOptions options_;
  std::vector<std::string> keys_;
  Phase phase_ = Phase::setup;
  std::map<std::string, std::string> pending_from_;       // own_pending: last ID seen per key
  std::map<std::string, std::vector<std::string>> acks_;  // read, to acknowledge once stored
  Clock::time_point last_claim_;
  bool retry_is_store_ = false;
  bool claim_more_ = false;
  bool failing_ = false;
  Counter& stored_;
};

}  // namespace

caf::behavior stream_consumer(caf::event_based_actor* self, std::shared_ptr<Connection> connection,
                              std::vector<std::string> streams, caf::actor writer,
                              ConsumerOptions options) {
  auto c = std::make_shared<Consumer>(std::move(connection), std::move(streams), std::move(writer),
                                      std::move(options));
  c->setup(self);
  auto sources = std::make_shared<std::map<std::string, caf::actor>>();
  return {
      [=](bus_ready_atom, const std::shared_ptr<ReadOutcome>& o) { c->ready(self, *o); },
      [=](bus_read_atom, const std::shared_ptr<ReadOutcome>& o) {
        if (o->ok) c->succeeded();
        c->got(self, *o);
      },
      [=](bus_acked_atom, const std::shared_ptr<ReadOutcome>& o) { c->acked(self, *o); },
      [=](bus_retry_atom) { c->retry(self); },
      [=](bus_source_atom, const std::string& stream, const caf::actor& source) {
        (*sources)[stream] = source;
      },
      [=](stored_atom, const std::string& stream, uint64_t seq) {
        if (auto it = sources->find(stream); it != sources->end())
          self->send(it->second, stored_atom::value, stream, seq);
      },
  };
}

}  // namespace ex::redis
