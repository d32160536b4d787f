#include "storage/snapshot_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>

#include "storage/journal.hpp"

namespace ex::snapshot {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'E', 'X', 'S', 'N', 'A', 'P', 'S', 'H'};
constexpr size_t kHeader = 40;
constexpr const char* kPrefix = "snapshot-";
constexpr const char* kSuffix = ".snap";
// What a crash in the middle of write() leaves (journal::replace_file writes here first).
constexpr const char* kTempSuffix = ".snap.tmp";

std::string file_name(uint64_t seq) {
  char name[64];
  std::snprintf(name, sizeof name, "%s%020llu%s", kPrefix, static_cast<unsigned long long>(seq),
                kSuffix);
  return name;
}

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <class T>
T get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The seq of a file named kPrefix, 20 digits, `suffix`; nothing for any other name.
std::optional<uint64_t> seq_of(const std::string& name, std::string_view suffix) {
  const size_t prefix = std::strlen(kPrefix);
  if (name.size() != prefix + 20 + suffix.size() || name.compare(0, prefix, kPrefix) != 0 ||
      name.compare(prefix + 20, suffix.size(), suffix) != 0)
    return std::nullopt;
  std::string digits = name.substr(prefix, 20);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoull(digits);
}

Error bad(const std::string& path, const std::string& why) {
  return make_error(ErrorCode::internal, "snapshot " + path + ": " + why);
}

}  // namespace

std::vector<Info> list(const std::string& dir) {
  std::vector<Info> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (auto seq = seq_of(entry.path().filename().string(), kSuffix))
      out.push_back(Info{*seq, entry.path().string()});
  std::sort(out.begin(), out.end(), [](const Info& a, const Info& b) { return a.seq < b.seq; });
  return out;
}

Result<Info> write(const std::string& dir, uint64_t seq, const std::string& payload) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  Info info{seq, (fs::path(dir) / file_name(seq)).string()};
  std::string header(kMagic, 8);
  put<uint32_t>(header, kFormatVersion);
  put<uint32_t>(header, 0);
  put<uint64_t>(header, seq);
  put<uint64_t>(header, payload.size());
  put<uint64_t>(header, XXH3_64bits(payload.data(), payload.size()));
  if (auto r = journal::replace_file(info.path, {header, payload}); !r) return r.error();
  return info;
}

Result<std::string> read(const Info& info) {
  std::ifstream in(info.path, std::ios::binary);
  if (!in) return make_error(ErrorCode::unavailable, "snapshot: cannot open " + info.path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < kHeader || std::memcmp(data.data(), kMagic, 8) != 0)
    return bad(info.path, "not a snapshot file");
  if (uint32_t v = get<uint32_t>(data.data() + 8); v != kFormatVersion)
    return bad(info.path, "format version " + std::to_string(v) + " is not supported");
  if (get<uint64_t>(data.data() + 16) != info.seq)
    return bad(info.path, "seq does not match its name");
  uint64_t size = get<uint64_t>(data.data() + 24);
  if (size != data.size() - kHeader) return bad(info.path, "truncated");
  if (XXH3_64bits(data.data() + kHeader, size) != get<uint64_t>(data.data() + 32))
    return bad(info.path, "checksum mismatch");
  return data.substr(kHeader);
}

Result<size_t> remove_before(const std::string& dir, uint64_t seq) {
  size_t removed = 0;
  for (const Info& info : list(dir)) {
    if (info.seq >= seq) break;
    if (::unlink(info.path.c_str()) != 0)
      return make_error(ErrorCode::unavailable,
                        "snapshot: cannot remove " + info.path + ": " + std::strerror(errno));
    ++removed;
  }
  // Half-written snapshots older than `seq`, left by a crash: no write is making them now
  // (snapshots are written newest last), and nothing reads them.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    auto tmp = seq_of(entry.path().filename().string(), kTempSuffix);
    if (tmp && *tmp < seq && ::unlink(entry.path().c_str()) == 0) ++removed;
  }
  if (removed > 0)
    if (auto r = journal::sync_dir(dir); !r) return r.error();
  return removed;
}

}  // namespace ex::snapshot
