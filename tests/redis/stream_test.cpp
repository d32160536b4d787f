// Storage events through Redis streams: the producer (XADD in pipelined batches) and the
// consumer group reader feeding the real writer actor into a real SQLite store.
// At-least-once: entries a consumer read but never acknowledged (it died) are read again
// and stored when it (or another consumer, after claim_idle) comes back; everything ends
// acknowledged; duplicates are harmless.
#define CAF_SUITE redis_streams
#include <caf/test/dsl.hpp>

#include <filesystem>

#include "actors/common/messages.hpp"
#include "actors/writer/writer_actor.hpp"
#include "net/redis/event_codec.hpp"
#include "net/redis/stream_consumer.hpp"
#include "net/redis/stream_producer.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/redis/call.hpp"
#include "tests/redis/sample_events.hpp"
#include "tests/redis/wait.hpp"
#include "tests/support/redis_server.hpp"

using namespace ex;
using namespace ex::redis;
using ex::testing::call;
using ex::testing::RedisServer;
using ex::testing::sample_update;
using ex::testing::wait_until;

namespace {

namespace fs = std::filesystem;

caf::actor_system_config& config() {
  static caf::actor_system_config cfg = [] {
    caf::actor_system_config c;
    add_message_types(c);
    c.set("logger.console", caf::atom("none"));
    c.set("logger.file-verbosity", caf::atom("quiet"));
    return c;
  }();
  return cfg;
}

// A real-time actor system, a fresh SQLite store, a writer, a Redis server and connections.
struct fixture {
  fixture() : system(config()) {
    CAF_REQUIRE(server.started());
    dir = fs::temp_directory_path() /
          ("redis_streams_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
    fs::remove_all(dir);
    fs::create_directories(dir);
    // The writer and the test each own a connection: SQLite connections are opened
    // without a mutex (one per thread), as node bootstrap does.
    auto opened = open_sqlite_store((dir / "exchange.db").string());
    CAF_REQUIRE(opened.ok());
    auto for_writer = open_sqlite_store((dir / "exchange.db").string());
    CAF_REQUIRE(for_writer.ok());
    store = std::move(*opened);
    WriterOptions w;
    w.interval = std::chrono::milliseconds(5);
    writer = system.spawn<caf::detached>(writer_actor,
                                         std::shared_ptr<Store>(std::move(*for_writer)), w);
  }

  ~fixture() {
    for (auto& a : actors)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
    system.await_all_actors_done();
    connections.clear();
    io.stop();
    fs::remove_all(dir);
  }

  std::shared_ptr<Connection> connect(const char* name) {
    ConnectionOptions o;
    o.endpoint = *parse_redis_url(server.url());
    o.name = name;
    o.backoff_initial = std::chrono::milliseconds(20);
    o.backoff_max = std::chrono::milliseconds(200);
    auto c = std::make_shared<Connection>(io.context(), o);
    c->start();
    connections.push_back(c);
    return c;
  }

  caf::actor consumer(const std::string& name, std::chrono::milliseconds claim_idle,
                      size_t count = 1000) {
    ConsumerOptions o;
    o.consumer = name;
    o.count = count;
    o.block = std::chrono::milliseconds(100);
    o.claim_idle = claim_idle;
    o.retry = std::chrono::milliseconds(50);
    auto a = system.spawn(stream_consumer, connect("consumer"),
                          std::vector<std::string>{"TATA_INR", kDepositStream}, writer, o);
    actors.push_back(a);
    return a;
  }

  uint64_t trades() {
    auto n = store->trade_count("TATA_INR");
    return n ? *n : 0;
  }

  // Entries read by some consumer of the group and not acknowledged yet.
  int64_t pending(Connection& c, const std::string& key) {
    auto r = call(c, {"XPENDING", key, "writers"});
    if (!r || !r->is_array() || r->elements.empty()) return -1;
    return r->elements[0].integer;
  }

  static inline int counter = 0;
  RedisServer server;
  IoThread io;
  caf::actor_system system;
  fs::path dir;
  std::shared_ptr<Store> store;  // the test's own connection (reads)
  caf::actor writer;
  std::vector<caf::actor> actors;
  std::vector<std::shared_ptr<Connection>> connections;
};

}  // namespace

CAF_TEST(events round trip through the binary codec) {
  MarketUpdate up = sample_update("TATA_INR", 7);
  auto e = decode_event("u", kEventFormatVersion, encode_update(up));
  CAF_REQUIRE(e.ok());
  CAF_CHECK(!e->is_deposit);
  CAF_CHECK_EQUAL(e->update.market, "TATA_INR");
  CAF_CHECK_EQUAL(e->update.trades.size(), 1u);
  CAF_CHECK_EQUAL(e->update.trades[0].trade_id, 7u);
  CAF_CHECK_EQUAL(e->update.orders.size(), 2u);
  CAF_CHECK_EQUAL(e->update.candles.size(), kIntervalCount);
  CAF_CHECK(e->update.trades[0].price == up.trades[0].price);
  DepositRecord d{42, "7", "INR", *Decimal::parse("100.5"), 123};
  auto dep = decode_event("d", kEventFormatVersion, encode_deposit(d, 9));
  CAF_REQUIRE(dep.ok());
  CAF_CHECK(dep->is_deposit);
  CAF_CHECK_EQUAL(dep->deposit.deposit_id, 42u);
  CAF_CHECK_EQUAL(dep->deposit.user_id, "7");
  CAF_CHECK_EQUAL(dep->seq, 9u);
  CAF_CHECK(!decode_event("u", "3", encode_update(up)).ok());          // unknown version
  CAF_CHECK(!decode_event("u", kEventFormatVersion, "garbage").ok());  // bad bytes
  std::string extra = encode_update(up) + "x";
  CAF_CHECK(!decode_event("u", kEventFormatVersion, extra).ok());  // trailing bytes
}

CAF_TEST(events of format 1 are still read without the quote volume they carried) {
  MarketUpdate up = sample_update("TATA_INR", 7);
  up.ticker[0].price_change = ex::testing::dec("-1.25");
  up.ticker[0].price_change_percent = ex::testing::dec("-0.5");
  // Format 1, field by field, as a node before version 2 wrote it: the ticker's quote
  // volume came after its volume.
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  const TickerStats& t = up.ticker[0];
  Decimal quote_volume = ex::testing::dec("123.45");
  size_t tickers = 1;
  auto err = sink(up.market, up.seq, up.time_ms, up.depth_update_id, up.bids, up.asks, up.trades,
                  up.orders, up.candles);
  CAF_REQUIRE(!err && !sink.begin_sequence(tickers));
  CAF_REQUIRE(!sink(t.start_ms, t.first_price, t.high, t.low, t.last_price, t.volume, quote_volume,
                    t.price_change, t.price_change_percent, t.trades));
  CAF_REQUIRE(!sink.end_sequence());
  const std::string v1(buf.data(), buf.size());

  auto e = decode_event("u", kOldestEventFormat, v1);
  CAF_REQUIRE(e.ok());
  CAF_CHECK_EQUAL(encode_update(e->update), encode_update(up));  // every field as sent
  CAF_REQUIRE_EQUAL(e->update.ticker.size(), 1u);
  CAF_CHECK_EQUAL(e->update.ticker[0].trades, 7);
  CAF_CHECK_EQUAL(e->update.ticker[0].price_change, ex::testing::dec("-1.25"));
  // Each version reads only its own bytes.
  CAF_CHECK(!decode_event("u", kEventFormatVersion, v1).ok());
  CAF_CHECK(!decode_event("u", kOldestEventFormat, encode_update(up)).ok());
}

CAF_TEST_FIXTURE_SCOPE(streams, fixture)

CAF_TEST(every event reaches storage once and is acknowledged) {
  auto admin = connect("admin");
  auto producer = system.spawn(stream_producer, connect("producer"), ProducerOptions{});
  actors.push_back(producer);
  consumer("writer-1", std::chrono::seconds(30));
  constexpr uint64_t n = 3000;
  for (uint64_t i = 1; i <= n; ++i)
    caf::anon_send(producer, update_atom::value, sample_update("TATA_INR", i));
  for (uint64_t i = 1; i <= 5; ++i)
    caf::anon_send(producer, deposit_atom::value,
                   DepositRecord{i, "9", "INR", *Decimal::parse("10"), 1700000000000}, uint64_t{0});
  {
    caf::scoped_actor self{system};
    bool flushed = false;
    self->request(producer, std::chrono::seconds(10), flush_atom::value)
        .receive([&](bool ok) { flushed = ok; }, [&](caf::error&) {});
    CAF_CHECK(flushed);  // everything is in Redis now
  }
  auto len = call(*admin, {"XLEN", event_stream_key("TATA_INR")});
  CAF_REQUIRE(len.ok());
  CAF_CHECK_EQUAL(len->integer, static_cast<int64_t>(n));
  CAF_REQUIRE(wait_until([&] { return trades() == n; }));
  CAF_REQUIRE(wait_until([&] { return pending(*admin, event_stream_key("TATA_INR")) == 0; }));
  CAF_REQUIRE(wait_until([&] {
    auto d = store->deposits_of("9");
    return d && d->size() == 5;
  }));
  CAF_CHECK_EQUAL(pending(*admin, event_stream_key(kDepositStream)), 0);
  auto order = store->order(sample_update("TATA_INR", n).orders[0].order_id);
  CAF_REQUIRE(order.ok());
  CAF_CHECK_EQUAL(order->status, OrderStatus::filled);
}

CAF_TEST(entries read but never acknowledged are stored after a consumer restart) {
  auto admin = connect("admin");
  auto producer = system.spawn(stream_producer, connect("producer"), ProducerOptions{});
  actors.push_back(producer);
  const std::string key = event_stream_key("TATA_INR");
  CAF_REQUIRE(call(*admin, {"XGROUP", "CREATE", key, "writers", "0", "MKSTREAM"}).ok());
  for (uint64_t i = 1; i <= 100; ++i)
    caf::anon_send(producer, update_atom::value, sample_update("TATA_INR", i));
  CAF_REQUIRE(wait_until([&] {
    auto l = call(*admin, {"XLEN", key});
    return l && l->integer == 100;
  }));
  // "writer-1" reads 60 entries and dies before storing them; "writer-2" reads the other
  // 40 and dies too.
  CAF_REQUIRE(call(*admin, {"XREADGROUP", "GROUP", "writers", "writer-1", "COUNT", "60", "STREAMS",
                            key, ">"})
                  .ok());
  CAF_REQUIRE(call(*admin, {"XREADGROUP", "GROUP", "writers", "writer-2", "COUNT", "40", "STREAMS",
                            key, ">"})
                  .ok());
  CAF_CHECK_EQUAL(pending(*admin, key), 100);
  CAF_CHECK_EQUAL(trades(), 0u);

  // writer-1 restarts: it finds its own 60 pending entries (ID 0) and stores them. The
  // claim delay is long, so writer-2's entries stay where they are for now.
  consumer("writer-1", std::chrono::seconds(60));
  CAF_REQUIRE(wait_until([&] { return trades() == 60; }));
  CAF_REQUIRE(wait_until([&] { return pending(*admin, key) == 40; }));

  // writer-2 never returns: a consumer with a short claim delay takes its entries over,
  // ten at a time.
  consumer("writer-3", std::chrono::milliseconds(100), 10);
  CAF_REQUIRE(wait_until([&] { return trades() == 100; }));
  CAF_REQUIRE(wait_until([&] { return pending(*admin, key) == 0; }));

  // A duplicate (a producer retry after a lost reply) is harmless.
  caf::anon_send(producer, update_atom::value, sample_update("TATA_INR", 100));
  caf::anon_send(producer, update_atom::value, sample_update("TATA_INR", 101));
  CAF_REQUIRE(wait_until([&] { return trades() == 101; }));
  CAF_REQUIRE(wait_until([&] { return pending(*admin, key) == 0; }));
}

CAF_TEST(the producer keeps events while redis is down and sends them when it returns) {
  auto admin = connect("admin");
  auto producer = system.spawn(stream_producer, connect("producer"), ProducerOptions{});
  actors.push_back(producer);
  consumer("writer-1", std::chrono::seconds(30));
  for (uint64_t i = 1; i <= 50; ++i)
    caf::anon_send(producer, update_atom::value, sample_update("TATA_INR", i));
  CAF_REQUIRE(wait_until([&] { return trades() == 50; }));

  server.stop();
  for (uint64_t i = 51; i <= 150; ++i)
    caf::anon_send(producer, update_atom::value, sample_update("TATA_INR", i));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CAF_CHECK_EQUAL(trades(), 50u);
  // Redis comes back empty (no persistence in tests): the producer appends what waited,
  // the consumer recreates its group and stores it all.
  CAF_REQUIRE(server.start());
  CAF_REQUIRE(wait_until([&] { return trades() == 150; }, std::chrono::seconds(20)));
  CAF_REQUIRE(wait_until([&] { return pending(*admin, event_stream_key("TATA_INR")) == 0; }));
}

CAF_TEST_FIXTURE_SCOPE_END()
