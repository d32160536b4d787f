// What only the PostgreSQL back end has: a server that can go away and come back, URLs with
// passwords, two ways of loading rows, the mode log line. Runs when EXCHANGE_TEST_PG_URL
// names a server started by tests/support/pg_server.sh (EXCHANGE_TEST_PG_DIR then lets the
// tests stop and restart it); without one every test says it was skipped.
#define CAF_SUITE postgres_store
#include <caf/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "storage/open_store.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/postgres/postgres_timescale.hpp"
#include "storage/postgres/postgres_url.hpp"
#include "tests/storage/store_records.hpp"

using namespace ex;
using namespace ex::testing;

namespace {

// The password of a URL (between "user:" and "@").
std::string password_of(const std::string& url) {
  size_t colon = url.find(':', url.find("://") + 3);
  return url.substr(colon + 1, url.find('@') - colon - 1);
}

// A loopback port nothing listens on (bound then released).
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// Runs tests/support/pg_server.sh stop|start on the harness's server.
void server(const char* action) {
  const char* dir = std::getenv("EXCHANGE_TEST_PG_DIR");
  CAF_REQUIRE(dir != nullptr);
  std::string cmd = std::string(EXCHANGE_SOURCE_DIR "/tests/support/pg_server.sh ") + action + " " +
                    dir + " >/dev/null";
  CAF_REQUIRE_EQUAL(std::system(cmd.c_str()), 0);
}

// Brings the server back when a test that stopped it ends, passed or failed.
struct RestartOnExit {
  bool stopped = false;
  ~RestartOnExit() {
    if (stopped) server("start");
  }
};

std::string snapshot(Store& store) {
  std::string s;
  for (const auto& t : must(store.recent_trades("M", 100, kAboveNewestTrade)))
    s += " t" + std::to_string(t.trade_id) + t.buyer + t.price.to_string();
  for (const auto& o : must(store.orders_of("alice", "", 100, {})))
    s += " o" + std::to_string(o.order_id) + name_of(o.status) + o.executed.to_string();
  for (const auto& c : must(store.candles("M", Interval::m1, 0, INT64_MAX)))
    s += " c" + std::to_string(c.start_ms) + c.close.to_string();
  for (const auto& d : must(store.deposits_of("alice")))
    s += " d" + std::to_string(d.deposit_id);
  s += " n" + std::to_string(must(store.trade_count("M")));
  s += " s" + std::to_string(must(store.stored_seq("M")));
  return s;
}

WriteBatch mixed_batch(uint64_t first_trade) {
  WriteBatch b;
  for (uint64_t i = first_trade; i < first_trade + 50; ++i)
    b.trades.push_back(trade("M", i));
  b.trades.back().buyer = "it's \"quoted\"\ttab\\slash";  // escaping in COPY and VALUES
  b.orders = {order(first_trade, "alice", "M", 1, 5),
              order(first_trade, "alice", "M", 1, 9, OrderStatus::filled),
              order(first_trade, "alice", "M", 1, 7, OrderStatus::canceled)};
  b.deposits = {deposit(first_trade, "alice", 3)};
  b.candles = {candle("M", Interval::m1, 60'000, "1"), candle("M", Interval::m1, 60'000, "2")};
  b.positions = {{"M", first_trade}};
  return b;
}

struct fixture {
  std::unique_ptr<StoreBackend> backend = make_postgres_backend();
};

#define NEEDS_SERVER()                                                  \
  if (!backend) {                                                       \
    CAF_MESSAGE("skipped: no EXCHANGE_TEST_PG_URL (see pg_server.sh)"); \
    return;                                                             \
  }

}  // namespace

CAF_TEST(urls are shown without their password) {
  CAF_CHECK_EQUAL(pg::redact_url("postgresql://u:secret@h:5432/db"),
                  "postgresql://u:***@h:5432/db");
  CAF_CHECK_EQUAL(pg::redact_url("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
  CAF_CHECK_EQUAL(pg::redact_url("postgresql://u@h/db"), "postgresql://u@h/db");
  CAF_CHECK_EQUAL(pg::redact_url("postgresql://h/db?user=u&password=secret&sslmode=off"),
                  "postgresql://h/db?user=u&password=***&sslmode=off");
  CAF_CHECK(pg::is_postgres_url("postgres://h/db"));
  CAF_CHECK(pg::is_postgres_url("postgresql://h/db"));
  CAF_CHECK(!pg::is_postgres_url("mysql://h/db"));
  CAF_CHECK_EQUAL(
      pg::conninfo_of("postgresql://h/db", 3),
      "postgresql://h/db?connect_timeout=3&application_name=exchange&keepalives_idle=10&"
      "keepalives_interval=5&keepalives_count=3");
  CAF_CHECK_EQUAL(
      pg::conninfo_of("postgresql://h/db?connect_timeout=1&x=y", 3),
      "postgresql://h/db?connect_timeout=1&x=y&application_name=exchange&keepalives_idle=10&"
      "keepalives_interval=5&keepalives_count=3");
  auto r = open_store("mysql://u:secret@h/db", "unused");
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::invalid_field);
  CAF_CHECK(r.error().message.find("secret") == std::string::npos);
}

// The TimescaleDB SQL cannot run here (no Debian package): check at least its shape.
CAF_TEST(the timescaledb migration makes a continuous aggregate per interval) {
  const auto& list = pg::timescale_migrations();
  CAF_REQUIRE_EQUAL(list.size(), 3u);
  CAF_CHECK_EQUAL(list[0].version, 1);
  CAF_CHECK_EQUAL(list[1].version, 2);
  CAF_CHECK_EQUAL(list[2].version, 3);
  // Migration 3 makes them again with the volume as NUMERIC (a bucket's turnover may pass
  // the BIGINT range), each dropped first.
  std::string numeric = list[2].sql;
  for (Interval i : kAllIntervals) {
    std::string view = pg::candle_view(i);
    auto dropped = numeric.find("DROP MATERIALIZED VIEW IF EXISTS " + view + ";");
    auto made = numeric.find("CREATE MATERIALIZED VIEW " + view + " WITH");
    CAF_CHECK(dropped != std::string::npos && made != std::string::npos && dropped < made);
  }
  CAF_CHECK(numeric.find("::BIGINT AS volume") == std::string::npos);
  CAF_CHECK(numeric.find("sum(qty) AS volume") != std::string::npos);
  std::string sql = list[1].sql;
  for (Interval i : kAllIntervals) {
    std::string view = pg::candle_view(i);
    CAF_CHECK(sql.find("CREATE MATERIALIZED VIEW " + view + " WITH") != std::string::npos);
    CAF_CHECK(sql.find("add_continuous_aggregate_policy('" + view + "'") != std::string::npos);
    CAF_CHECK(sql.find("time_bucket(BIGINT '" + std::to_string(interval_ms(i)) + "', time_ms") !=
              std::string::npos);
  }
  // Weeks start on Monday: 1970-01-05, four days after the epoch.
  CAF_CHECK(sql.find("time_bucket(BIGINT '604800000', time_ms, BIGINT '345600000')") !=
            std::string::npos);
  CAF_CHECK(std::string(list[0].sql).find("create_hypertable('trades'") != std::string::npos);
  CAF_MESSAGE("candles_1w:\n" << sql.substr(sql.find("CREATE MATERIALIZED VIEW candles_1w")));
}

CAF_TEST_FIXTURE_SCOPE(postgres_store_tests, fixture)

CAF_TEST(opening logs the mode and postgres urls work too) {
  NEEDS_SERVER();
  std::vector<std::string> lines;
  StoreLogger log = [&](Level, std::string_view msg,
                        std::initializer_list<std::pair<std::string_view, LogValue>> fields) {
    std::string line(msg);
    for (const auto& [k, v] : fields)
      line += " " + std::string(k) + "=" + v.text();
    lines.push_back(line);
  };
  std::string url = backend->url();
  std::string short_scheme = "postgres" + url.substr(url.find("://"));
  auto store = must(open_store(short_scheme, "unused", log));
  CAF_CHECK(must(store->ping()));
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  CAF_MESSAGE(lines[0]);
  CAF_CHECK(lines[0].find("plain PostgreSQL") != std::string::npos);
  CAF_CHECK(lines[0].find(password_of(url)) == std::string::npos);
  CAF_CHECK(lines[0].find("***") != std::string::npos);
}

CAF_TEST(an unreachable server is unavailable and the message hides the password) {
  NEEDS_SERVER();
  std::string url = backend->url();
  size_t port_at = url.find(':', url.find('@')) + 1;
  std::string dead =
      url.substr(0, port_at) + std::to_string(closed_port()) + url.substr(url.find('/', port_at));
  auto r = open_store(dead, "unused");
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::unavailable);
  CAF_MESSAGE(r.error().message);
  CAF_CHECK(r.error().message.find(password_of(url)) == std::string::npos);
  CAF_CHECK(r.error().message.find("127.0.0.1") != std::string::npos);
  // A wrong password is refused the same way, and not shown either.
  std::string wrong = url;
  wrong.replace(wrong.find(password_of(url)), password_of(url).size(), "not-the-password");
  auto refused = open_store(wrong, "unused");
  CAF_REQUIRE(!refused);
  CAF_CHECK(refused.error().code == ErrorCode::unavailable);
  CAF_CHECK(refused.error().message.find("not-the-password") == std::string::npos);
  CAF_MESSAGE(refused.error().message);
}

CAF_TEST(a connection the server drops is replaced without the caller noticing) {
  NEEDS_SERVER();
  auto store = must(backend->open());
  must(store->write(mixed_batch(1)));
  CAF_CHECK_EQUAL(backend->query_int("SELECT COUNT(pg_terminate_backend(pid)) FROM "
                                     "pg_stat_activity WHERE application_name = 'exchange' AND "
                                     "datname = current_database()"),
                  1);
  must(store->write(mixed_batch(100)));  // no error: reconnected and retried
  CAF_CHECK_EQUAL(must(store->trade_count("M")), 100u);
  backend->query_int(
      "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
      "application_name = 'exchange' AND datname = current_database()");
  auto newest = must(store->recent_trades("M", 1, kAboveNewestTrade));
  CAF_REQUIRE_EQUAL(newest.size(), 1u);
  CAF_CHECK_EQUAL(newest.front().trade_id, 149u);
}

CAF_TEST(while the server is down calls are unavailable and afterwards the store works again) {
  NEEDS_SERVER();
  auto store = must(backend->open());
  must(store->write(mixed_batch(1)));
  std::string before = snapshot(*store);
  RestartOnExit restart;
  server("stop");
  restart.stopped = true;
  auto w = store->write(mixed_batch(100));
  CAF_REQUIRE(!w);
  CAF_CHECK(w.error().code == ErrorCode::unavailable);
  CAF_MESSAGE("write while down: " << w.error().message);
  for (int i = 0; i < 3; ++i) {  // each call tries again, and fails fast
    auto p = store->ping();
    CAF_REQUIRE(!p);
    CAF_CHECK(p.error().code == ErrorCode::unavailable);
    CAF_CHECK(p.error().message.find(password_of(backend->url())) == std::string::npos);
  }
  auto reopened = backend->open();
  CAF_REQUIRE(!reopened);
  CAF_CHECK(reopened.error().code == ErrorCode::unavailable);

  server("start");
  restart.stopped = false;
  CAF_CHECK(must(store->ping()));
  CAF_CHECK_EQUAL(snapshot(*store), before);
  must(store->write(mixed_batch(100)));
  must(store->write(mixed_batch(100)));  // the writer's retry after an unknown outcome
  CAF_CHECK_EQUAL(must(store->trade_count("M")), 100u);
  CAF_CHECK_EQUAL(must(store->stored_seq("M")), 100u);
}

CAF_TEST(both ways of loading rows store the same thing) {
  NEEDS_SERVER();
  auto other = make_postgres_backend();
  auto by_copy = must(backend->open());
  PostgresTuning values;
  values.load = PostgresTuning::Load::values;
  auto by_values = must(open_postgres_store(other->url(), nullptr, values));
  for (uint64_t first : {1, 30, 100, 1}) {
    must(by_copy->write(mixed_batch(first)));
    must(by_values->write(mixed_batch(first)));
  }
  std::string copied = snapshot(*by_copy);
  CAF_CHECK_EQUAL(snapshot(*by_values), copied);
  CAF_CHECK(copied.find("it's \"quoted\"\ttab\\slash") != std::string::npos);
  CAF_CHECK_EQUAL(must(by_copy->trade_count("M")), 129u);  // 1..79 and 100..149
  CAF_CHECK(must(by_copy->order(1)).status == OrderStatus::filled);
}

CAF_TEST_FIXTURE_SCOPE_END()
