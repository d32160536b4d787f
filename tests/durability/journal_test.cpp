#define CAF_SUITE journal
#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "storage/journal.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ex;
using ex::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string payload(uint64_t seq) {
  return "record-" + std::to_string(seq) + std::string(seq % 7, 'x');
}

// Appends records [from, to] in batches of `batch`, each batch one write.
void append(journal::Writer& w, uint64_t from, uint64_t to, size_t batch = 3) {
  std::string frames;
  for (uint64_t seq = from; seq <= to; ++seq) {
    journal::append_frame(frames, seq, payload(seq));
    if ((seq - from + 1) % batch == 0 || seq == to) {
      auto r = w.write(frames, seq, true);
      CAF_REQUIRE(r);
      frames.clear();
    }
  }
}

std::vector<uint64_t> read_all(const std::string& dir, uint64_t from,
                               journal::ReplayReport* report = nullptr) {
  std::vector<uint64_t> seqs;
  auto r = journal::replay(dir, from, [&](uint64_t seq, std::string_view p) -> Result<bool> {
    CAF_CHECK_EQUAL(std::string(p), payload(seq));
    seqs.push_back(seq);
    return true;
  });
  if (!r) CAF_FAIL("replay failed: " << r.error().message);
  if (report) *report = *r;
  return seqs;
}

std::vector<uint64_t> range(uint64_t from, uint64_t to) {
  std::vector<uint64_t> v;
  for (uint64_t s = from; s <= to; ++s)
    v.push_back(s);
  return v;
}

uint64_t file_size(const std::string& path) {
  return fs::file_size(path);
}

// A journal of `records` records whose writer is still open, and in another directory a
// copy of its segment as a crash at this moment leaves it on disk: records, then zeros.
struct CrashedJournal {
  TempDir live, crashed;
  std::unique_ptr<journal::Writer> writer;
  std::string segment;  // the live one
  std::string copy;

  explicit CrashedJournal(uint64_t records) {
    auto w = journal::Writer::open(live.str(), 1, 1 << 20);
    CAF_REQUIRE(w);
    writer = std::move(*w);
    append(*writer, 1, records);
    segment = journal::list_segments(live.str()).back().path;
    copy = (crashed.path() / fs::path(segment).filename()).string();
    fs::copy_file(segment, copy);
  }
};

void flip_byte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5a));
}

}  // namespace

CAF_TEST(records round trip in order across writes and reopen) {
  TempDir d;
  {
    auto w = journal::Writer::open(d.str(), 1, 1 << 20);
    CAF_REQUIRE(w);
    append(**w, 1, 50);
  }
  CAF_CHECK(read_all(d.str(), 1) == range(1, 50));
  CAF_CHECK(read_all(d.str(), 20) == range(20, 50));
  CAF_CHECK(read_all(d.str(), 51).empty());
  {
    auto w = journal::Writer::open(d.str(), 51, 1 << 20);  // a restart: new segment
    CAF_REQUIRE(w);
    append(**w, 51, 60);
  }
  journal::ReplayReport report;
  CAF_CHECK(read_all(d.str(), 1, &report) == range(1, 60));
  CAF_CHECK_EQUAL(report.last_seq, 60u);
  CAF_CHECK_EQUAL(report.segments, 2u);
  CAF_CHECK(!report.torn_tail);
}

CAF_TEST(an empty directory replays nothing) {
  TempDir d;
  journal::ReplayReport report;
  CAF_CHECK(read_all(d.str(), 1, &report).empty());
  CAF_CHECK_EQUAL(report.last_seq, 0u);
}

CAF_TEST(segments rotate by size and are removed only when covered) {
  TempDir d;
  auto w = journal::Writer::open(d.str(), 1, 4096);
  CAF_REQUIRE(w);
  append(**w, 1, 2000, 10);
  auto segments = journal::list_segments(d.str());
  CAF_REQUIRE(segments.size() > 5);
  CAF_CHECK(read_all(d.str(), 1) == range(1, 2000));
  // Everything before record 1000 is covered: segments wholly before it go.
  uint64_t keep = 1000;
  auto removed = (*w)->remove_before(keep);
  CAF_REQUIRE(removed);
  CAF_CHECK(*removed > 0);
  auto left = journal::list_segments(d.str());
  CAF_CHECK(left.front().first_seq <= keep);
  CAF_CHECK_EQUAL(left.size() + *removed, segments.size());
  CAF_CHECK(read_all(d.str(), keep) == range(keep, 2000));
  // Records before the oldest segment are gone: asking for them is an error.
  auto r =
      journal::replay(d.str(), 1, [](uint64_t, std::string_view) -> Result<bool> { return true; });
  CAF_CHECK(!r);
  // The current segment is never removed, even when everything is covered.
  CAF_REQUIRE((*w)->remove_before(5000));
  CAF_CHECK_EQUAL(journal::list_segments(d.str()).size(), 1u);
}

CAF_TEST(a torn tail is cut off and the journal goes on) {
  TempDir d;
  {
    auto w = journal::Writer::open(d.str(), 1, 1 << 20);
    CAF_REQUIRE(w);
    append(**w, 1, 10);
  }
  std::string seg = journal::list_segments(d.str()).back().path;
  uint64_t good = file_size(seg);
  {  // half a frame: a write the crash interrupted
    std::string frames;
    journal::append_frame(frames, 11, payload(11));
    std::ofstream f(seg, std::ios::app | std::ios::binary);
    f.write(frames.data(), static_cast<std::streamsize>(frames.size() / 2));
  }
  journal::ReplayReport report;
  CAF_CHECK(read_all(d.str(), 1, &report) == range(1, 10));
  CAF_CHECK(report.torn_tail);
  CAF_CHECK_EQUAL(report.tail_offset, good);
  CAF_CHECK_EQUAL(file_size(seg), good);
  {
    auto w = journal::Writer::open(d.str(), 11, 1 << 20);
    CAF_REQUIRE(w);
    append(**w, 11, 15);
  }
  CAF_CHECK(read_all(d.str(), 1, &report) == range(1, 15));
  CAF_CHECK(!report.torn_tail);
}

CAF_TEST(space zero filled ahead of the records is not a torn tail) {
  CrashedJournal j(20);
  uint64_t with_zeros = 0;
  {
    auto r = journal::replay(
        j.live.str(), 1, [](uint64_t, std::string_view) -> Result<bool> { return true; }, false);
    CAF_REQUIRE(r);
    CAF_CHECK_EQUAL(r->last_seq, 20u);
    with_zeros = r->bytes;  // the whole file, zeros included
  }
  CAF_CHECK(with_zeros > 16u + 20u * 16u);
  CAF_CHECK_EQUAL(file_size(j.copy), with_zeros);
  journal::ReplayReport report;
  CAF_CHECK(read_all(j.crashed.str(), 1, &report) == range(1, 20));
  CAF_CHECK(!report.torn_tail);
  // The zeros were cut: the file ends with the last record, and a writer goes on from it.
  uint64_t cut = file_size(j.copy);
  CAF_CHECK(cut < with_zeros);
  {
    auto w2 = journal::Writer::open(j.crashed.str(), 21, 1 << 20);
    CAF_REQUIRE(w2);
    append(**w2, 21, 30);
  }
  CAF_CHECK(read_all(j.crashed.str(), 1, &report) == range(1, 30));
  // A clean close cuts the zeros too.
  j.writer.reset();
  CAF_CHECK(file_size(j.segment) == cut);
}

CAF_TEST(a frame torn inside zero filled space is a torn tail) {
  CrashedJournal j(10);
  // Where the next record goes: after the ten records (the file's size once closed).
  j.writer.reset();
  uint64_t good = file_size(j.segment);
  {  // the first half of record 11 reached the disk, the zeros after it stayed
    std::string frames;
    journal::append_frame(frames, 11, payload(11));
    std::fstream f(j.copy, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(good));
    f.write(frames.data(), static_cast<std::streamsize>(frames.size() / 2));
  }
  journal::ReplayReport report;
  CAF_CHECK(read_all(j.crashed.str(), 1, &report) == range(1, 10));
  CAF_CHECK(report.torn_tail);
  CAF_CHECK_EQUAL(report.tail_offset, good);
  CAF_CHECK_EQUAL(file_size(j.copy), good);
}

CAF_TEST(a corrupt last frame with nothing valid after it is a torn tail) {
  TempDir d;
  {
    auto w = journal::Writer::open(d.str(), 1, 1 << 20);
    CAF_REQUIRE(w);
    append(**w, 1, 10);
  }
  std::string seg = journal::list_segments(d.str()).back().path;
  flip_byte(seg, file_size(seg) - 2);  // inside the last record's payload
  journal::ReplayReport report;
  CAF_CHECK(read_all(d.str(), 1, &report) == range(1, 9));
  CAF_CHECK(report.torn_tail);
}

CAF_TEST(corruption in the middle stops replay and names file and offset) {
  TempDir d;
  {
    auto w = journal::Writer::open(d.str(), 1, 1 << 20);
    CAF_REQUIRE(w);
    append(**w, 1, 10);
  }
  std::string seg = journal::list_segments(d.str()).back().path;
  uint64_t size_before = file_size(seg);
  flip_byte(seg, 16 + 16 + 2);  // the first record's payload
  size_t seen = 0;
  auto r = journal::replay(d.str(), 1, [&](uint64_t, std::string_view) -> Result<bool> {
    ++seen;
    return true;
  });
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(seen, 0u);
  CAF_CHECK(r.error().message.find(seg) != std::string::npos);
  CAF_CHECK(r.error().message.find("offset 16") != std::string::npos);
  CAF_CHECK_EQUAL(file_size(seg), size_before);  // nothing cut
}

CAF_TEST(corruption in an older segment is never a torn tail) {
  TempDir d;
  {
    auto w = journal::Writer::open(d.str(), 1, 4096);
    CAF_REQUIRE(w);
    append(**w, 1, 500, 10);
  }
  auto segments = journal::list_segments(d.str());
  CAF_REQUIRE(segments.size() > 2);
  flip_byte(segments[0].path, file_size(segments[0].path) - 1);
  auto r =
      journal::replay(d.str(), 1, [](uint64_t, std::string_view) -> Result<bool> { return true; });
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().message.find(segments[0].path) != std::string::npos);
}

CAF_TEST(a record out of sequence is corruption) {
  TempDir d;
  auto w = journal::Writer::open(d.str(), 1, 1 << 20);
  CAF_REQUIRE(w);
  append(**w, 1, 3);
  std::string frames;
  journal::append_frame(frames, 5, payload(5));  // 4 is missing
  CAF_REQUIRE((*w)->write(frames, 5, true));
  auto r =
      journal::replay(d.str(), 1, [](uint64_t, std::string_view) -> Result<bool> { return true; });
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().message.find("record 5 where 4 was expected") != std::string::npos);
}

CAF_TEST(a gap that the replays snapshot covers is not corruption) {
  TempDir d;
  {
    auto w = journal::Writer::open(d.str(), 1, 1 << 20);
    CAF_REQUIRE(w);
    append(**w, 1, 10);
  }
  // A crash lost records 11-20, never synced, but not a snapshot at 20: the next run
  // journals from 21.
  {
    auto w = journal::Writer::open(d.str(), 21, 1 << 20);
    CAF_REQUIRE(w);
    append(**w, 21, 25);
  }
  journal::ReplayReport report;
  CAF_CHECK(read_all(d.str(), 21, &report) == range(21, 25));
  CAF_CHECK_EQUAL(report.last_seq, 25u);
  CAF_CHECK(read_all(d.str(), 24) == range(24, 25));
  // A replay from an older snapshot needs the lost records: refused, naming the gap.
  auto r =
      journal::replay(d.str(), 15, [](uint64_t, std::string_view) -> Result<bool> { return true; });
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().message.find("segment starts at record 21, expected 11") !=
            std::string::npos);
}

CAF_TEST(durability names parse and print) {
  journal::Durability d;
  for (const char* name : {"none", "batch", "sync"}) {
    CAF_REQUIRE(journal::parse_durability(name, &d));
    CAF_CHECK_EQUAL(std::string(journal::durability_name(d)), name);
  }
  CAF_CHECK(!journal::parse_durability("always", &d));
}
