#define CAF_SUITE journal_actor
#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <thread>

#include <caf/all.hpp>

#include "actors/common/messages.hpp"
#include "actors/journal/journal_actor.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ex;
using ex::testing::TempDir;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  TempDir temp{"journal-actor-test"};  // first: removed after the journal has stopped
  fs::path dir = temp.path();
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  caf::scoped_actor self{system};
  caf::actor journal;

  Fixture() {
    auto writer = journal::Writer::open(dir.string(), 1, 1 << 20);
    CAF_REQUIRE(writer);
    journal = system.spawn<caf::detached>(
        journal_actor, JournalLink{"test", dir.string(), journal::Durability::batch},
        std::shared_ptr<journal::Writer>(std::move(*writer)));
  }

  ~Fixture() {
    self->send_exit(journal, caf::exit_reason::user_shutdown);
    self->wait_for(journal);
  }

  // Appends a record and returns its sequence number once it is durable.
  uint64_t append(const std::string& payload) {
    uint64_t seq = 0;
    self->request(journal, std::chrono::seconds(10), append_atom::value, uint64_t{0}, payload)
        .receive([&](uint64_t s) { seq = s; },
                 [&](caf::error& e) { CAF_FAIL("append failed: " << system.render(e)); });
    return seq;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(journal_actor_tests, Fixture)

CAF_TEST(a snapshot is answered once its file is written) {
  for (int i = 0; i < 5; ++i)
    append("r" + std::to_string(i));
  bool written = false;
  self->request(journal, std::chrono::seconds(10), snapshot_atom::value, uint64_t{5},
                std::string(1 << 20, 's'), uint64_t{5})
      .receive([&](bool ok) { written = ok; },
               [&](caf::error& e) { CAF_FAIL("snapshot failed: " << system.render(e)); });
  CAF_CHECK(written);
  auto snaps = snapshot::list(dir.string());
  CAF_REQUIRE_EQUAL(snaps.size(), 1u);
  CAF_CHECK_EQUAL(snaps.back().seq, 5u);
  auto payload = snapshot::read(snaps.back());
  CAF_REQUIRE(payload);
  CAF_CHECK_EQUAL(payload->size(), size_t{1} << 20);
  CAF_CHECK_EQUAL(append("after"), 6u);  // the journal goes on
}

CAF_TEST(snapshots asked in a burst all get answers and the newest is kept) {
  for (int i = 0; i < 3; ++i)
    append("r" + std::to_string(i));
  // Sent back to back: while the first is written, a later one may take a waiting one's
  // place (answered false); the newest is always written, and nothing is left unanswered.
  for (uint64_t seq = 1; seq <= 3; ++seq)
    self->send(journal, snapshot_atom::value, seq, std::string(256 << 10, char('a' + seq)), seq);
  int answers = 0, written = 0;
  for (int i = 0; i < 3; ++i)
    self->receive([&](bool ok) { ++answers, written += ok; },
                  [&](caf::error& e) { CAF_FAIL("snapshot failed: " << system.render(e)); },
                  caf::after(std::chrono::seconds(10)) >> [&] { CAF_FAIL("no answer"); });
  CAF_CHECK_EQUAL(answers, 3);
  CAF_CHECK_GREATER_OR_EQUAL(written, 2);  // the first and the newest
  auto snaps = snapshot::list(dir.string());
  CAF_REQUIRE(!snaps.empty());
  CAF_CHECK_EQUAL(snaps.back().seq, 3u);
  auto payload = snapshot::read(snaps.back());
  CAF_REQUIRE(payload);
  CAF_CHECK_EQUAL(payload->front(), 'd');
  // The same seq again, once the others are answered: already covered.
  bool again = true;
  self->request(journal, std::chrono::seconds(10), snapshot_atom::value, uint64_t{3},
                std::string("late"), uint64_t{3})
      .receive([&](bool ok) { again = ok; },
               [&](caf::error& e) { CAF_FAIL("snapshot failed: " << system.render(e)); });
  CAF_CHECK(!again);
}

CAF_TEST(a snapshot that cannot be written is an error and the journal goes on) {
  append("r0");
  // The snapshot's temporary file cannot be created: a directory has its name.
  fs::create_directory(dir / "snapshot-00000000000000000001.snap.tmp");
  bool failed = false;
  self->request(journal, std::chrono::seconds(10), snapshot_atom::value, uint64_t{1},
                std::string("state"), uint64_t{1})
      .receive([&](bool) {}, [&](caf::error&) { failed = true; });
  CAF_CHECK(failed);
  CAF_CHECK_EQUAL(append("r1"), 2u);
}

CAF_TEST(a journal whose segment was deleted stops acknowledging) {
  append("r0");
  // What it wrote now would be in no file a restart reads.
  fs::remove_all(dir);
  bool failed = false;
  self->request(journal, std::chrono::seconds(10), append_atom::value, uint64_t{0},
                std::string("r1"))
      .receive(
          [&](uint64_t) {},
          [&](caf::error& e) { failed = system.render(e).find("deleted") != std::string::npos; });
  CAF_CHECK(failed);
  fs::create_directories(dir);  // for the fixture's clean-up
}

CAF_TEST(records sent together are written in order under their own numbers) {
  append("r1");
  // The owner hears (synced, last seq) once they are durable.
  self->send(journal, record_atom::value, uint64_t{2}, std::vector<std::string>{"r2", "r3", "r4"});
  uint64_t synced = 0;
  while (synced < 4)
    self->receive([&](synced_atom, uint64_t seq) { synced = seq; },
                  caf::after(std::chrono::seconds(10)) >> [&] { CAF_FAIL("never synced"); });
  std::vector<std::pair<uint64_t, std::string>> read;
  auto replayed = journal::replay(dir.string(), 1, [&](uint64_t seq, std::string_view payload) {
    read.emplace_back(seq, std::string(payload));
    return Result<bool>(true);
  });
  CAF_REQUIRE(replayed);
  using Records = std::vector<std::pair<uint64_t, std::string>>;
  CAF_CHECK_EQUAL(read, (Records{{1, "r1"}, {2, "r2"}, {3, "r3"}, {4, "r4"}}));
  // One that does not follow is refused, and the journal stops acknowledging.
  self->send(journal, record_atom::value, uint64_t{9}, std::vector<std::string>{"r9"});
  bool refused = false;
  self->receive([&](synced_atom, const caf::error&) { refused = true; },
                caf::after(std::chrono::seconds(10)) >> [] {});
  CAF_CHECK(refused);
}

CAF_TEST(a journal that stops while a snapshot is written still answers it) {
  append("r");
  self->send(journal, snapshot_atom::value, uint64_t{1}, std::string(64 << 20, 's'), uint64_t{1});
  // Stop the journal once the file is being written (its temporary file exists).
  auto writing = [&] {
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".tmp") return true;
    return false;
  };
  for (int i = 0; i < 5000 && !writing(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  self->send_exit(journal, caf::exit_reason::user_shutdown);
  bool answered = false;
  self->receive([&](bool) { answered = true; }, [&](caf::error&) { answered = true; },
                caf::after(std::chrono::seconds(10)) >> [] {});
  CAF_CHECK(answered);
}

CAF_TEST_FIXTURE_SCOPE_END()
