#define CAF_SUITE bots_local_book
#include <caf/test/unit_test.hpp>

#include "net/client/local_book.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex::client;
using ex::Decimal;

namespace {

using ex::testing::dec;
Level lv(const char* p, const char* q) {
  return Level{dec(p), dec(q)};
}

DepthEvent event(uint64_t first, uint64_t last, std::vector<Level> bids, std::vector<Level> asks) {
  DepthEvent e;
  e.market = "TATA_INR";
  e.first_id = first;
  e.last_id = last;
  e.bids = std::move(bids);
  e.asks = std::move(asks);
  return e;
}

DepthSnapshot snapshot(uint64_t id) {
  DepthSnapshot s;
  s.bids = {lv("100", "1"), lv("99", "2")};
  s.asks = {lv("101", "3")};
  s.last_update_id = id;
  return s;
}

}  // namespace

CAF_TEST(buffers events until the snapshot and drops those it covers) {
  LocalBook book;
  CAF_CHECK(book.apply_event(event(9, 10, {lv("100", "5")}, {})) == LocalBook::Applied::buffered);
  CAF_CHECK(book.apply_event(event(11, 11, {}, {lv("101", "0")})) == LocalBook::Applied::buffered);
  CAF_CHECK(book.apply_snapshot(snapshot(10)));
  CAF_CHECK(book.synced());
  // Event 9-10 was in the snapshot already: the bid stays 1, not 5.
  CAF_CHECK_EQUAL(book.best_bid()->qty.to_string(), "1");
  CAF_CHECK(!book.best_ask().has_value());
  CAF_CHECK_EQUAL(book.last_update_id(), 11u);
}

CAF_TEST(applies diffs in order and keeps levels sorted) {
  LocalBook book;
  book.apply_snapshot(snapshot(5));
  CAF_CHECK(book.apply_event(event(6, 6, {lv("100.5", "4")}, {lv("100.9", "1")})) ==
            LocalBook::Applied::applied);
  CAF_CHECK_EQUAL(book.best_bid()->price.to_string(), "100.5");
  CAF_CHECK_EQUAL(book.best_ask()->price.to_string(), "100.9");
  auto bids = book.top(Side::buy, 10);
  CAF_REQUIRE_EQUAL(bids.size(), 3u);
  CAF_CHECK_EQUAL(bids[2].price.to_string(), "99");
  CAF_CHECK(book.apply_event(event(6, 6, {lv("1", "1")}, {})) == LocalBook::Applied::stale);
  CAF_CHECK_EQUAL(book.level_count(Side::buy), 3u);
}

CAF_TEST(a missed update means a resync) {
  LocalBook book;
  book.apply_snapshot(snapshot(5));
  CAF_CHECK(book.apply_event(event(8, 8, {}, {})) == LocalBook::Applied::gap);
  CAF_CHECK(!book.synced());
  // Buffered events that do not follow a snapshot fail it.
  LocalBook other;
  other.apply_event(event(20, 21, {}, {}));
  CAF_CHECK(!other.apply_snapshot(snapshot(10)));
}

CAF_TEST(a batch spanning the snapshot is applied) {
  LocalBook book;
  book.apply_event(event(4, 7, {lv("98", "1")}, {}));
  CAF_CHECK(book.apply_snapshot(snapshot(5)));
  CAF_CHECK_EQUAL(book.level_count(Side::buy), 3u);
  CAF_CHECK_EQUAL(book.last_update_id(), 7u);
}
