#include "actors/journal/journal_actor.hpp"

#include <deque>
#include <optional>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "storage/snapshot_file.hpp"

namespace ex {
namespace {

// Writes one snapshot file and tells the journal how it went.
void write_snapshot_file(caf::blocking_actor* self, caf::actor journal, std::string dir,
                         uint64_t seq, std::shared_ptr<const std::string> payload) {
  auto written = snapshot::write(dir, seq, *payload);
  payload.reset();
  self->send(journal, written_atom::value, seq, written ? std::string() : written.error().message);
}

class Journal {
 public:
  Journal(caf::event_based_actor* self, JournalLink link, std::shared_ptr<journal::Writer> writer)
      : self_(self),
        link_(std::move(link)),
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

  // Answers true once the snapshot is on disk, false if a newer one took its place.
  caf::result<bool> snapshot(uint64_t seq, std::string& payload, uint64_t stored_seq) {
    flush();  // the records a snapshot includes are written before it
    if (failed_) return to_caf_error(failure_);
    if (seq <= snapshot_seq_) return false;
    auto rp = self_->make_response_promise<bool>();
    start_snapshot(seq, std::move(payload), stored_seq, rp);
    return rp;
  }

  // The snapshot thread is done with `seq`: clean up after it, start the next one.
  void on_written(uint64_t seq, const std::string& failure) {
    if (!writing_ || writing_->seq != seq) return;
    Snapshot done = std::move(*writing_);
    writing_.reset();
    if (failure.empty()) {
      clean_up(seq, done.stored_seq);
      if (done.promise.pending()) done.promise.deliver(true);
    } else {
      log(Level::error, "snapshot failed", {{"stream", link_.stream}, {"detail", failure}});
      if (done.promise.pending())
        done.promise.deliver(to_caf_error(make_error(ErrorCode::internal, failure)));
    }
    if (queued_) {
      Snapshot next = std::move(*queued_);
      queued_.reset();
      write(std::move(next));
    }
  }

  void on_stored(uint64_t seq) { link_.stored_seq = std::max(link_.stored_seq, seq); }

  // The journal stops: what it holds is written, and no one is left waiting for an answer
  // it can no longer give (a snapshot file being written goes on without it).
  void stop() {
    flush();
    const caf::error stopped = to_caf_error(
        make_error(ErrorCode::unavailable, "the journal of " + link_.stream + " stopped"));
    for (std::optional<Snapshot>* s : {&writing_, &queued_})
      if (*s && (*s)->promise.pending()) (*s)->promise.deliver(stopped);
  }

 private:
  struct Pending {
    uint64_t seq;
    caf::response_promise promise;  // pending() only for append requests
  };

  struct Snapshot {
    uint64_t seq;
    std::shared_ptr<const std::string> payload;
    uint64_t stored_seq;
    caf::response_promise promise;  // pending() only for snapshot requests
  };

  // Writes a snapshot covering records up to `seq` on a thread of its own: a deep book's
  // runs to tens of megabytes, and group commits go on meanwhile. One at a time; of those
  // waiting, only the newest is kept.
  void start_snapshot(uint64_t seq, std::string payload, uint64_t stored_seq,
                      caf::response_promise promise = {}) {
    snapshot_seq_ = seq;
    Snapshot s{seq, std::make_shared<const std::string>(std::move(payload)), stored_seq,
               std::move(promise)};
    if (!writing_) return write(std::move(s));
    if (queued_ && queued_->promise.pending()) queued_->promise.deliver(false);
    queued_ = std::move(s);
  }

  void write(Snapshot s) {
    self_->spawn<caf::detached>(write_snapshot_file, caf::actor_cast<caf::actor>(self_), link_.dir,
                                s.seq, s.payload);
    s.payload.reset();
    writing_ = std::move(s);
  }

  // Removes what the snapshot at `seq` and storage together make unnecessary.
  void clean_up(uint64_t seq, uint64_t stored_seq) {
    const uint64_t keep = keep_from(link_.dir, stored_seq);
    auto snaps = snapshot::remove_before(link_.dir, keep);
    auto segments = writer_->remove_before(keep + 1);
    if (!snaps || !segments)
      log(Level::warn, "journal clean-up failed", {{"stream", link_.stream}});
    log(Level::debug, "snapshot written",
        {{"stream", link_.stream},
         {"seq", seq},
         {"kept_from", keep},
         {"segments_removed", segments ? *segments : 0}});
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
      start_snapshot(last, link_.state->snapshot(), link_.stored_seq);
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

  caf::event_based_actor* self_;
  JournalLink link_;
  std::shared_ptr<journal::Writer> writer_;
  caf::actor owner_;           // of `record`s
  uint64_t snapshot_seq_ = 0;  // the newest snapshot written or on its way
  std::optional<Snapshot> writing_, queued_;
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
  auto j = std::make_shared<Journal>(self, std::move(link), std::move(writer));
  self->set_exit_handler([=](caf::exit_msg& msg) {
    j->stop();
    self->quit(msg.reason);
  });
  return {
      [=](append_atom, uint64_t seq, const std::string& payload) {
        return j->append(self, seq, payload);
      },
      [=](record_atom, uint64_t seq, const std::string& payload) { j->record(self, seq, payload); },
      [=](record_atom, uint64_t first_seq, const std::vector<std::string>& payloads) {
        for (size_t i = 0; i < payloads.size(); ++i)
          j->record(self, first_seq + i, payloads[i]);
      },
      [=](flush_atom) { j->on_flush(); },
      [=](stored_atom, const std::string&, uint64_t seq) { j->on_stored(seq); },
      [=](snapshot_atom, uint64_t seq, std::string& payload, uint64_t stored_seq) {
        return j->snapshot(seq, payload, stored_seq);
      },
      [=](written_atom, uint64_t seq, const std::string& failure) { j->on_written(seq, failure); },
  };
}

}  // namespace ex
