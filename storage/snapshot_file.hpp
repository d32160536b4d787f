// Snapshot files: a whole state as one checksummed blob, written atomically (write to a
// temporary, fsync, rename, fsync the directory), so a crash leaves either the old
// snapshot or the new one, never half of one.
//
// On disk (format version 1, little-endian):
//   <dir>/snapshot-<seq, 20 digits>.snap
//   "EXSNAPSH" u32 version u32 reserved u64 seq u64 payload length u64 XXH3-64(payload)
//   payload
// `seq` is the last journal record the state includes. The payload's own layout belongs
// to whoever writes it (and carries its own version).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/common/status.hpp"

namespace ex::snapshot {

constexpr uint32_t kFormatVersion = 1;

struct Info {
  uint64_t seq = 0;
  std::string path;
};

// The snapshot files in `dir`, oldest first (names only checked; read() validates).
std::vector<Info> list(const std::string& dir);

Result<Info> write(const std::string& dir, uint64_t seq, const std::string& payload);

// The payload of a snapshot file, after checking header, length and checksum.
Result<std::string> read(const Info& info);

// Removes every snapshot older than `seq` (they are covered by a newer one), and what
// crashes left of writing such snapshots. Returns how many files went.
Result<size_t> remove_before(const std::string& dir, uint64_t seq);

}  // namespace ex::snapshot
