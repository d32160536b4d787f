#include "actors/journal/journal_actor.hpp"

#include <deque>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "storage/snapshot_file.hpp"

namespace ex {
namespace {

class Journal {
 public:
  Journal(JournalLink link, std::shared_ptr<journal::Writer> writer)
      : link_(std::move(link)),
        writer_(std::move(writer)),
        syncs_(Metrics::global().counter("exchange_journal_syncs_total",
                                         "Journal writes made durable",
                                         "stream=\"" + link_.stream + "\"")),
        records_(Metrics::global().counter("exchange_journal_records_total",
                                           "Journal records written",
                                           "stream=\"" + link_.stream + "\"")) {}

  caf::result<uint64_t> append(caf::event_based_actor* self, uint64_t seq,
                               const std::string& payload) {
    if (failed_) return to_caf_error(failure_);
    auto added = add(seq, payload);
    if (!added) return to_caf_error(added.error());
    auto rp = self->make_response_promise<uint64_t>();
    pending_.back().promise = rp;
    schedule(self);
    return rp;
  }

  void record(caf::event_based_actor* self, uint64_t seq, const std::string& payload) {
    owner_ = caf::actor_cast<caf::actor>(self->current_sender());
    if (failed_) return;  // the owner has heard
    if (auto added = add(seq, payload); !added) {
      fail(added.error());
      return;
    }
    schedule(self);
  }

  Result<bool> add(uint64_t seq, const std::string& payload) {
    uint64_t next = writer_->next_seq() + pending_.size();
    if (seq == 0) seq = next;
    if (seq != next)
      return make_error(ErrorCode::internal, "journal " + link_.stream + ": record " +
                                                 std::to_string(seq) + " appended where " +
                                                 std::to_string(next) + " was expected");
    journal::append_frame(frames_, seq, payload);
    pending_.push_back(Pending{seq, {}});
    if (link_.state)
      if (auto r = link_.state->apply(payload); !r)
        log(Level::error, "journal state refused a record",
            {{"stream", link_.stream}, {"detail", r.error().message}});
    return true;
  }

  void schedule(caf::event_based_actor* self) {
    if (link_.durability == journal::Durability::sync) {
      flush();
    } else if (!flush_queued_) {
      // Lands behind every append already in the mailbox: all of them share one write.
      flush_queued_ = true;
      self->send(self, flush_atom::value);
    }
  }

  void on_flush() {
    flush_queued_ = false;
    flush();
  }

  caf::result<bool> snapshot(uint64_t seq, const std::string& payload, uint64_t stored_seq) {
    flush();
    if (failed_) return to_caf_error(failure_);
    if (auto r = write_snapshot(seq, payload, stored_seq); !r) return to_caf_error(r.error());
    return true;
  }

  void on_stored(uint64_t seq) { link_.stored_seq = std::max(link_.stored_seq, seq); }

 private:
  struct Pending {
    uint64_t seq;
    caf::response_promise promise;  // pending() only for append requests
  };

  // Writes a snapshot covering records up to `seq`, then removes what it and storage
  // together make unnecessary.
  Result<bool> write_snapshot(uint64_t seq, const std::string& payload, uint64_t stored_seq) {
    auto written = snapshot::write(link_.dir, seq, payload);
    if (!written) {
      log(Level::error, "snapshot failed",
          {{"stream", link_.stream}, {"detail", written.error().message}});
      return written.error();
    }
    snapshot_seq_ = seq;
    const uint64_t keep = keep_from(link_.dir, stored_seq);
    auto snaps = snapshot::remove_before(link_.dir, keep);
    auto segments = writer_->remove_before(keep + 1);
    if (!snaps || !segments)
      log(Level::warn, "journal clean-up failed", {{"stream", link_.stream}});
    log(Level::debug, "snapshot written",
        {{"stream", link_.stream},
         {"seq", std::to_string(seq)},
         {"kept_from", std::to_string(keep)},
         {"segments_removed", std::to_string(segments ? *segments : 0)}});
    return true;
  }

  void flush() {
    if (pending_.empty() || failed_) return;
    const bool durable = link_.durability != journal::Durability::none;
    auto r = writer_->write(frames_, pending_.back().seq, durable);
    if (!r) {
      fail(r.error());
      return;
    }
    syncs_.inc();
    records_.inc(pending_.size());
    bool owned = false;
    for (Pending& p : pending_) {
      if (p.promise.pending())
        p.promise.deliver(p.seq);
      else
        owned = true;
    }
    const uint64_t last = pending_.back().seq;
    if (owned && owner_) caf::anon_send(owner_, synced_atom::value, last);
    pending_.clear();
    frames_.clear();
    if (link_.state && link_.snapshot_every > 0 && last - snapshot_seq_ >= link_.snapshot_every)
      write_snapshot(last, link_.state->snapshot(), link_.stored_seq);
  }

  void fail(const Error& e) {
    failed_ = true;
    failure_ = make_error(ErrorCode::unavailable, "journal write failed: " + e.message);
    log(Level::error, "journal write failed; the stream stops acknowledging",
        {{"stream", link_.stream}, {"detail", e.message}});
    for (Pending& p : pending_)
      if (p.promise.pending()) p.promise.deliver(to_caf_error(failure_));
    if (owner_) caf::anon_send(owner_, synced_atom::value, to_caf_error(failure_));
    pending_.clear();
    frames_.clear();
  }

  JournalLink link_;
  std::shared_ptr<journal::Writer> writer_;
  caf::actor owner_;  // of `record`s
  uint64_t snapshot_seq_ = 0;
  std::string frames_;
  std::vector<Pending> pending_;
  bool flush_queued_ = false;
  bool failed_ = false;
  Error failure_;
  Counter& syncs_;
  Counter& records_;
};

}  // namespace

std::vector<snapshot::Info> snapshots_to_try(const std::string& dir, uint64_t stored_seq) {
  std::vector<snapshot::Info> all = snapshot::list(dir), out;
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (it->seq <= stored_seq) out.push_back(*it);
  if (out.empty() && !all.empty()) out.push_back(all.front());
  return out;
}

uint64_t keep_from(const std::string& dir, uint64_t stored_seq) {
  auto candidates = snapshots_to_try(dir, stored_seq);
  if (candidates.empty()) return 0;
  return candidates.size() > 1 ? candidates[1].seq : candidates[0].seq;
}

caf::behavior journal_actor(caf::event_based_actor* self, JournalLink link,
                            std::shared_ptr<journal::Writer> writer) {
  auto j = std::make_shared<Journal>(std::move(link), std::move(writer));
  return {
      [=](append_atom, uint64_t seq, const std::string& payload) {
        return j->append(self, seq, payload);
      },
      [=](record_atom, uint64_t seq, const std::string& payload) { j->record(self, seq, payload); },
      [=](flush_atom) { j->on_flush(); },
      [=](stored_atom, const std::string&, uint64_t seq) { j->on_stored(seq); },
      [=](snapshot_atom, uint64_t seq, const std::string& payload, uint64_t stored_seq) {
        return j->snapshot(seq, payload, stored_seq);
      },
  };
}

}  // namespace ex
