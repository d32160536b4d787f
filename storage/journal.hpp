// An append-only journal of records, in segment files in one directory: the source of
// truth a market (or the deposits of every account) is rebuilt from after a restart.
//
// On disk (format version 1, little-endian):
//   segment file  <dir>/<first seq, 20 digits>.journal
//     header      "EXJOURNL" u32 version u32 reserved
//     frames      u32 payload length | u32 checksum | u64 seq | payload
//   The checksum is the low 32 bits of XXH3-64 over seq and payload. Seqs are 1, 2, 3, ...
//   with no gap across segments.
//
// Space is zero-filled ahead of the records (and cut when a segment is complete or its
// writer closes), so that a record's fdatasync does not also write the file's inode: a
// segment's records end at its end or where only zeros follow.
//
// Crash safety: a crash can only leave a torn tail (a partial or unsynced last write) at
// the end of the newest segment. replay() detects it (bad length or checksum with no valid
// frame after it), logs it, and cuts the file there. A bad frame anywhere else - an older
// segment, or followed by a valid frame - is corruption: replay() stops with an error that
// names the file and the offset, and nothing is skipped silently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/common/status.hpp"

namespace ex::journal {

constexpr uint32_t kFormatVersion = 1;
constexpr size_t kMaxPayload = 64u << 20;  // a frame claiming more is corrupt
constexpr size_t kFrameHeader = 16;

// How much an acknowledged command is worth (config `durability`):
//  none  - records are written (no fsync) and replies do not wait: survives a process
//          crash except for the last moments, not a power loss;
//  batch - replies wait until their record is written and fdatasync'ed; many records
//          share one fdatasync (group commit). The default;
//  sync  - as batch, but every record gets its own write and fdatasync.
enum class Durability : uint8_t { none, batch, sync };
bool parse_durability(std::string_view text, Durability* out);
const char* durability_name(Durability d);

// Appends one framed record to `out` (the frame layout above).
void append_frame(std::string& out, uint64_t seq, std::string_view payload);

// Appends frames to the journal in `dir`. One owner; not thread-safe.
class Writer {
 public:
  // Starts a new segment whose first record will be `next_seq` (replay() first, so the
  // directory holds nothing at or after it).
  static Result<std::unique_ptr<Writer>> open(const std::string& dir, uint64_t next_seq,
                                              size_t segment_bytes);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Writes frames made by append_frame() whose seqs continue the journal, and with
  // `sync` makes them durable (fdatasync). Starts a new segment once the current one is
  // past its size. All or nothing from the caller's view: on error the journal must be
  // considered failed (the caller stops acknowledging).
  Result<bool> write(std::string_view frames, uint64_t last_seq, bool sync);

  uint64_t next_seq() const { return next_seq_; }
  const std::string& dir() const { return dir_; }

  // Deletes whole segments whose records all precede `seq` (never the current one).
  // Returns how many files it removed.
  Result<size_t> remove_before(uint64_t seq);

 private:
  Writer(std::string dir, size_t segment_bytes)
      : dir_(std::move(dir)), segment_bytes_(segment_bytes) {}
  Result<bool> start_segment(uint64_t first_seq);
  Result<bool> zero_fill(uint64_t size);

  static constexpr uint64_t kZeroFillChunk = 256 * 1024;

  std::string dir_;
  size_t segment_bytes_;
  int fd_ = -1;
  uint64_t segment_size_ = 0;  // the records' end
  uint64_t allocated_ = 0;     // the file's size: records, then zeros written ahead
  uint64_t next_seq_ = 1;
};

struct ReplayReport {
  uint64_t first_seq = 0;  // of the first record passed on (0: none)
  uint64_t last_seq = 0;   // of the last valid record in the journal (0: empty)
  size_t records = 0;      // passed on
  size_t segments = 0;     // read
  uint64_t bytes = 0;      // read
  bool torn_tail = false;  // a torn tail was cut off
  std::string tail_file;   // where, when torn_tail
  uint64_t tail_offset = 0;
};

// Calls `f(seq, payload)` for every record with seq >= `from`, in order, and (with
// `repair`) cuts a torn tail off the newest segment. Without `repair` the journal may be
// live - another thread appending - so an incomplete last frame just ends the replay and
// nothing is changed. An error from `f` stops the replay and is returned.
// Errors: corruption (file and offset named), a gap in seqs, a missing start (`from` is
// older than the oldest segment while the journal has records after it).
using RecordFn = std::function<Result<bool>(uint64_t seq, std::string_view payload)>;
Result<ReplayReport> replay(const std::string& dir, uint64_t from, const RecordFn& f,
                            bool repair = true);

// The segments in `dir` by first seq, oldest first (file names only checked).
struct Segment {
  uint64_t first_seq;
  std::string path;
};
std::vector<Segment> list_segments(const std::string& dir);

// fsyncs a directory, so a created, renamed or removed file survives a crash.
Result<bool> sync_dir(const std::string& dir);

// Writes `parts`, one after another, as the file at `path`: into `path`.tmp, fsynced,
// renamed over `path`, and the directory synced, so neither a crash nor a power loss leaves
// anything but the old file or the whole new one. Errors: UNAVAILABLE, naming the file.
Result<bool> replace_file(const std::string& path, const std::vector<std::string_view>& parts);

}  // namespace ex::journal
