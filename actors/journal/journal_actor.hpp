// The journal of one stream (a market, or the deposits of every account), on its own
// thread: appends records, makes them durable in groups, writes snapshots, and removes
// what snapshots and storage no longer need.
//
// Messages it accepts:
//  (append, seq, payload) -> seq      seq 0: the journal numbers the record. Answered once
//        the record is as durable as the level asks (none: written, not synced; batch:
//        written and fdatasync'ed with every record that arrived meanwhile; sync: its own
//        write and fdatasync). A failed write fails this and every later request: an
//        owner must stop acknowledging then.
//  (record, seq, payload)   the same for a stream's single owner (a market), without a
//        reply per record: after each write the owner hears (synced, last seq), or
//        (synced, error) once if the journal failed. One message per group, not per record.
//  (record, first seq, vector<string> payloads)   several records, numbered from first seq
//  (snapshot, seq, payload, stored_seq) -> bool   writes a snapshot that includes records
//        up to seq (after everything appended before it is written), then removes older
//        snapshots and segments, keeping the newest snapshot at or before `stored_seq`
//        (what storage already has) and the journal after it, so storage can always be
//        caught up from the journal. The file is written on a thread of its own while
//        records go on; false if a newer snapshot took this one's place first.
//  (written, seq, failure)  its own: the snapshot thread is done ("" = it worked)
//  (stored, stream, seq)     storage has the stream up to seq (from the writer)
//  (flush)  its own: writes what is pending
// A journal may also keep a state of its own from its records (JournalLink::state, the
// deposits' totals): it snapshots that state itself every `snapshot_every` records.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/all.hpp>

#include "storage/journal.hpp"
#include "storage/snapshot_file.hpp"

namespace ex {

// A state rebuilt from a journal's records, which the journal snapshots by itself.
class JournalState {
 public:
  virtual ~JournalState() = default;
  virtual Result<bool> apply(std::string_view record) = 0;
  virtual std::string snapshot() const = 0;
};

struct JournalLink {
  JournalLink(std::string stream_name, std::string journal_dir, journal::Durability level)
      : stream(std::move(stream_name)), dir(std::move(journal_dir)), durability(level) {}

  std::string stream;  // for messages
  std::string dir;     // journal segments and snapshots
  journal::Durability durability = journal::Durability::batch;
  std::shared_ptr<JournalState> state;  // optional
  uint64_t snapshot_every = 0;          // records between snapshots of `state`
  uint64_t stored_seq = 0;              // storage's position at start
};

caf::behavior journal_actor(caf::event_based_actor* self, JournalLink link,
                            std::shared_ptr<journal::Writer> writer);

// Snapshots a recovery may start from, best first: those at or before `stored_seq`
// (storage can be caught up from them), newest first; if none is, the oldest alone.
std::vector<snapshot::Info> snapshots_to_try(const std::string& dir, uint64_t stored_seq);
// Where clean-up keeps snapshots and journal from: the second of snapshots_to_try (a
// spare, should the first be unreadable), else the first; 0 if there is none.
uint64_t keep_from(const std::string& dir, uint64_t stored_seq);

}  // namespace ex
