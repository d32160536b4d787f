#include "storage/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ex::journal {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'E', 'X', 'J', 'O', 'U', 'R', 'N', 'L'};
constexpr size_t kFileHeader = 16;
constexpr const char* kSuffix = ".journal";

Error io_error(const std::string& what, const std::string& path) {
  return make_error(ErrorCode::unavailable,
                    "journal: " + what + " " + path + ": " + std::strerror(errno));
}

Error corrupt(const std::string& path, uint64_t offset, const std::string& why) {
  return make_error(ErrorCode::internal, "journal corrupt: " + path + " at offset " +
                                             std::to_string(offset) + ": " + why);
}

void put32(std::string& out, uint32_t v) {
  out.append(reinterpret_cast<const char*>(&v), 4);
}
void put64(std::string& out, uint64_t v) {
  out.append(reinterpret_cast<const char*>(&v), 8);
}
uint32_t get32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t get64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint32_t checksum(const char* seq_and_payload, size_t size) {
  return static_cast<uint32_t>(XXH3_64bits(seq_and_payload, size));
}

std::string segment_name(uint64_t first_seq) {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(first_seq));
  return std::string(name) + kSuffix;
}

// A frame at `off` of `data`, if its length fits and its checksum matches.
bool valid_frame(const std::string& data, size_t off, uint64_t* seq, size_t* size) {
  if (data.size() - off < kFrameHeader) return false;
  uint32_t len = get32(data.data() + off);
  if (len > kMaxPayload || data.size() - off - kFrameHeader < len) return false;
  if (checksum(data.data() + off + 8, 8 + len) != get32(data.data() + off + 4)) return false;
  *seq = get64(data.data() + off + 8);
  *size = kFrameHeader + len;
  return true;
}

bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  out->resize(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  in.read(out->data(), static_cast<std::streamsize>(out->size()));
  return static_cast<bool>(in);
}

Result<bool> cut(const std::string& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open to cut the torn tail of", path);
  bool ok = ::ftruncate(fd, static_cast<off_t>(size)) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return io_error("cannot cut the torn tail of", path);
  return true;
}

Result<bool> write_all(int fd, const char* data, size_t size, uint64_t offset,
                       const std::string& path) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error("cannot write", path);
    data += n;
    offset += static_cast<uint64_t>(n);
    size -= static_cast<size_t>(n);
  }
  return true;
}

// The end of a segment's records: only zeros from `off` on (the unused part of the
// space a writer zero-filled ahead). No frame starts with zeros: seqs start at 1.
bool zero_tail(const std::string& data, size_t off) {
  return std::all_of(data.begin() + static_cast<std::ptrdiff_t>(off), data.end(),
                     [](char c) { return c == 0; });
}

}  // namespace

bool parse_durability(std::string_view text, Durability* out) {
  for (Durability d : {Durability::none, Durability::batch, Durability::sync})
    if (text == durability_name(d)) {
      *out = d;
      return true;
    }
  return false;
}

const char* durability_name(Durability d) {
  switch (d) {
    case Durability::none:
      return "none";
    case Durability::sync:
      return "sync";
    default:
      return "batch";
  }
}

void append_frame(std::string& out, uint64_t seq, std::string_view payload) {
  size_t start = out.size();
  put32(out, static_cast<uint32_t>(payload.size()));
  put32(out, 0);
  put64(out, seq);
  out.append(payload);
  uint32_t sum = checksum(out.data() + start + 8, 8 + payload.size());
  std::memcpy(out.data() + start + 4, &sum, 4);
}

std::vector<Segment> list_segments(const std::string& dir) {
  std::vector<Segment> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() != 20 + std::strlen(kSuffix) || name.substr(20) != kSuffix) continue;
    if (!std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    out.push_back(Segment{std::stoull(name.substr(0, 20)), entry.path().string()});
  }
  std::sort(out.begin(), out.end(),
            [](const Segment& a, const Segment& b) { return a.first_seq < b.first_seq; });
  return out;
}

Result<bool> sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open directory", dir);
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return io_error("cannot sync directory", dir);
  return true;
}

Result<bool> replace_file(const std::string& path, const std::vector<std::string_view>& parts) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create", tmp);
  bool ok = true;
  for (std::string_view part : parts)
    for (const char *p = part.data(), *end = p + part.size(); ok && p < end;) {
      ssize_t n = ::write(fd, p, static_cast<size_t>(end - p));
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) p += n;
    }
  ok = ok && ::fsync(fd) == 0;
  int saved = errno;
  if (::close(fd) != 0 && ok) ok = false, saved = errno;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    return io_error("cannot write", path);
  }
  return sync_dir(std::filesystem::path(path).parent_path().string());
}

Result<ReplayReport> replay(const std::string& dir, uint64_t from, const RecordFn& f, bool repair) {
  ReplayReport report;
  std::vector<Segment> segments = list_segments(dir);
  if (segments.empty()) return report;
  if (segments.front().first_seq > std::max<uint64_t>(from, 1))
    return make_error(ErrorCode::internal, "journal " + dir + " starts at record " +
                                               std::to_string(segments.front().first_seq) +
                                               " but record " + std::to_string(from) +
                                               " is needed (segments were removed)");
  uint64_t expected = segments.front().first_seq;
  std::string data;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (!read_file(seg.path, &data)) return io_error("cannot read", seg.path);
    ++report.segments;
    report.bytes += data.size();
    // Records missing before `from` are covered by the snapshot the replay starts after.
    // Such a gap is what a crash at --durability none can leave when it lost the journal's
    // unsynced end but not the synced snapshot taken after it: the next run's writer
    // began after that snapshot.
    if (seg.first_seq > expected && seg.first_seq <= from) expected = seg.first_seq;
    if (seg.first_seq != expected)
      return corrupt(seg.path, 0,
                     "segment starts at record " + std::to_string(seg.first_seq) + ", expected " +
                         std::to_string(expected));
    if (data.size() < kFileHeader) {
      if (!last) return corrupt(seg.path, 0, "segment header is missing");
      if (!repair) break;  // being created right now
      // A crash while the newest segment was being created: nothing in it was acknowledged.
      report.torn_tail = !data.empty();
      report.tail_file = seg.path;
      if (auto r = cut(seg.path, 0); !r) return r.error();
      break;
    }
    if (std::memcmp(data.data(), kMagic, 8) != 0)
      return corrupt(seg.path, 0, "not a journal segment");
    if (uint32_t v = get32(data.data() + 8); v != kFormatVersion)
      return corrupt(seg.path, 8,
                     "format version " + std::to_string(v) +
                         " is not supported (this build reads " + std::to_string(kFormatVersion) +
                         ")");
    size_t off = kFileHeader;
    while (off < data.size()) {
      uint64_t seq = 0;
      size_t size = 0;
      if (zero_tail(data, off)) {
        // Space zero-filled ahead of the records: cut from the newest segment (its writer
        // is gone), so that its size is its records' again.
        if (last && repair)
          if (auto r = cut(seg.path, off); !r) return r.error();
        break;
      }
      if (!valid_frame(data, off, &seq, &size)) {
        if (!last) return corrupt(seg.path, off, "bad frame (length or checksum)");
        if (!repair) break;  // a write in progress
        for (size_t probe = off + 1; probe < data.size(); ++probe)
          if (valid_frame(data, probe, &seq, &size))
            return corrupt(seg.path, off,
                           "bad frame followed by a valid one at offset " + std::to_string(probe));
        report.torn_tail = true;
        report.tail_file = seg.path;
        report.tail_offset = off;
        if (auto r = cut(seg.path, off); !r) return r.error();
        break;
      }
      if (seq != expected)
        return corrupt(seg.path, off,
                       "record " + std::to_string(seq) + " where " + std::to_string(expected) +
                           " was expected");
      if (seq >= from) {
        if (auto r =
                f(seq, std::string_view(data.data() + off + kFrameHeader, size - kFrameHeader));
            !r)
          return r.error();
        if (report.records++ == 0) report.first_seq = seq;
      }
      report.last_seq = seq;
      ++expected;
      off += size;
    }
  }
  return report;
}

Result<std::unique_ptr<Writer>> Writer::open(const std::string& dir, uint64_t next_seq,
                                             size_t segment_bytes) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(ErrorCode::unavailable,
                      "journal: cannot create " + dir + ": " + ec.message());
  std::unique_ptr<Writer> w(new Writer(dir, std::max<size_t>(segment_bytes, 4096)));
  if (auto r = w->start_segment(next_seq); !r) return r.error();
  return w;
}

Writer::~Writer() {
  if (fd_ < 0) return;
  // The zero-filled space goes; the records stay (replay ignores zeros after a crash).
  [[maybe_unused]] int ignored = ::ftruncate(fd_, static_cast<off_t>(segment_size_));
  ::close(fd_);
}

Result<bool> Writer::start_segment(uint64_t first_seq) {
  std::string path = (fs::path(dir_) / segment_name(first_seq)).string();
  int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create", path);
  std::string header(kMagic, 8);
  put32(header, kFormatVersion);
  put32(header, 0);
  if (auto r = write_all(fd, header.data(), header.size(), 0, path); !r) {
    ::close(fd);
    return r;
  }
  // The segment must exist after a crash before anything in it is acknowledged.
  if (::fdatasync(fd) != 0) {
    ::close(fd);
    return io_error("cannot sync", path);
  }
  if (auto r = sync_dir(dir_); !r) {
    ::close(fd);
    return r;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  segment_size_ = header.size();
  allocated_ = header.size();
  next_seq_ = first_seq;
  return true;
}

// Writes zeros up to at least `size` bytes, a chunk at a time. Records then overwrite
// space that is already the file's, so their fdatasync writes only the records: a file
// that grows needs its inode written too, a second I/O that doubled the sync's cost.
Result<bool> Writer::zero_fill(uint64_t size) {
  static const std::string zeros(64 * 1024, '\0');
  uint64_t target = (size + kZeroFillChunk - 1) / kZeroFillChunk * kZeroFillChunk;
  while (allocated_ < target) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(zeros.size(), target - allocated_));
    if (auto r = write_all(fd_, zeros.data(), n, allocated_, dir_); !r) return r;
    allocated_ += n;
  }
  return true;
}

Result<bool> Writer::write(std::string_view frames, uint64_t last_seq, bool sync) {
  if (frames.empty()) return true;
  // A segment deleted under the journal (its directory removed by hand, say) still takes
  // writes, which a restart would never see: nothing written now may be acknowledged.
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && st.st_nlink == 0)
    return make_error(ErrorCode::unavailable,
                      "journal: the segment being written in " + dir_ + " was deleted");
  if (segment_size_ >= segment_bytes_) {
    // The old segment is complete: cut its unused zeros and make it durable before the
    // new one takes over.
    if (::ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0 || ::fsync(fd_) != 0)
      return io_error("cannot complete a segment of", dir_);
    if (auto r = start_segment(next_seq_); !r) return r;
  }
  if (segment_size_ + frames.size() > allocated_)
    if (auto r = zero_fill(segment_size_ + frames.size()); !r) return r;
  if (auto r = write_all(fd_, frames.data(), frames.size(), segment_size_, dir_); !r) return r;
  if (sync && ::fdatasync(fd_) != 0) return io_error("cannot sync", dir_);
  segment_size_ += frames.size();
  next_seq_ = last_seq + 1;
  return true;
}

Result<size_t> Writer::remove_before(uint64_t seq) {
  std::vector<Segment> segments = list_segments(dir_);
  size_t removed = 0;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i + 1].first_seq > seq || segments[i + 1].first_seq > next_seq_) break;
    if (::unlink(segments[i].path.c_str()) != 0) return io_error("cannot remove", segments[i].path);
    ++removed;
  }
  if (removed > 0)
    if (auto r = sync_dir(dir_); !r) return r.error();
  return removed;
}

}  // namespace ex::journal
