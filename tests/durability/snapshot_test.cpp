#define CAF_SUITE snapshot_file
#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "storage/snapshot_file.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ex;
using ex::testing::TempDir;
namespace fs = std::filesystem;

CAF_TEST(snapshots round trip and list oldest first) {
  TempDir d;
  std::string big(100000, '\0');
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>(i * 31);
  CAF_REQUIRE(snapshot::write(d.str(), 7, "seven"));
  CAF_REQUIRE(snapshot::write(d.str(), 42, big));
  auto all = snapshot::list(d.str());
  CAF_REQUIRE_EQUAL(all.size(), 2u);
  CAF_CHECK_EQUAL(all[0].seq, 7u);
  CAF_CHECK_EQUAL(all[1].seq, 42u);
  auto a = snapshot::read(all[0]);
  auto b = snapshot::read(all[1]);
  CAF_REQUIRE(a && b);
  CAF_CHECK_EQUAL(*a, "seven");
  CAF_CHECK(*b == big);
  CAF_REQUIRE(snapshot::remove_before(d.str(), 42));
  CAF_CHECK_EQUAL(snapshot::list(d.str()).size(), 1u);
}

CAF_TEST(a damaged or truncated snapshot is refused) {
  TempDir d;
  auto info = snapshot::write(d.str(), 3, std::string(1000, 'a'));
  CAF_REQUIRE(info);
  {
    std::fstream f(info->path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(500);
    f.put('b');
  }
  auto r = snapshot::read(*info);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().message.find("checksum") != std::string::npos);
  fs::resize_file(info->path, 100);
  r = snapshot::read(*info);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().message.find("truncated") != std::string::npos);
}

CAF_TEST(a leftover temporary file is not a snapshot) {
  TempDir d;
  std::ofstream(d.path() / "snapshot-00000000000000000009.snap.tmp") << "half";
  CAF_CHECK(snapshot::list(d.str()).empty());
}

CAF_TEST(leftover temporary files go with the snapshots they are older than) {
  TempDir d;
  std::ofstream(d.path() / "snapshot-00000000000000000009.snap.tmp") << "half";
  std::ofstream(d.path() / "snapshot-00000000000000000050.snap.tmp") << "being written";
  CAF_REQUIRE(snapshot::write(d.str(), 7, "seven"));
  CAF_REQUIRE(snapshot::write(d.str(), 42, "forty-two"));
  auto removed = snapshot::remove_before(d.str(), 42);
  CAF_REQUIRE(removed);
  CAF_CHECK_EQUAL(*removed, 2u);
  CAF_CHECK(!fs::exists(d.path() / "snapshot-00000000000000000009.snap.tmp"));
  CAF_CHECK(fs::exists(d.path() / "snapshot-00000000000000000050.snap.tmp"));
  CAF_CHECK_EQUAL(snapshot::list(d.str()).size(), 1u);
}
