#define CAF_SUITE writer
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/common/messages.hpp"
#include "actors/writer/pending_batch.hpp"
#include "actors/writer/writer_actor.hpp"
#include "actors/writer/writer_feed.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ex;
using ex::testing::TempDir;
namespace fs = std::filesystem;

namespace {

OrderInfo order(uint64_t id, OrderStatus status, int64_t update_ms) {
  OrderInfo o;
  o.order_id = id;
  o.market = "TATA_INR";
  o.user_id = "u" + std::to_string(id % 3);
  o.price = Decimal::from_units(100);
  o.quantity = Decimal::from_units(5);
  o.status = status;
  o.time_ms = 1000;
  o.update_ms = update_ms;
  return o;
}

TradeRecord trade(uint64_t id) {
  TradeRecord t;
  t.market = "TATA_INR";
  t.trade_id = id;
  t.price = Decimal::from_units(100);
  t.qty = Decimal::from_units(1);
  t.buy_order_id = 1;
  t.sell_order_id = 2;
  t.buyer = "u1";
  t.seller = "u2";
  t.time_ms = 1000 + static_cast<int64_t>(id);
  return t;
}

// One command's update: a new order, and from the second on a trade with it.
MarketUpdate update(uint64_t seq) {
  MarketUpdate up;
  up.market = "TATA_INR";
  up.seq = seq;
  up.orders.push_back(order(seq, OrderStatus::new_, static_cast<int64_t>(seq)));
  if (seq > 1) up.trades.push_back(trade(seq - 1));
  return up;
}

// A real SQLite store that can be made to refuse writes, as a store whose server went
// away does (ErrorCode::unavailable).
class SwitchableStore final : public Store {
 public:
  explicit SwitchableStore(std::unique_ptr<Store> real) : real_(std::move(real)) {}
  std::atomic<bool> away{false};
  std::atomic<int> tries{0};  // writes and pings asked for

  Result<bool> write(const WriteBatch& b) override {
    ++tries;
    if (away) return make_error(ErrorCode::unavailable, "storage: test outage");
    return real_->write(b);
  }
  Result<bool> ping() override {
    ++tries;
    if (away) return make_error(ErrorCode::unavailable, "storage: test outage");
    return real_->ping();
  }
  Result<std::vector<TradeRecord>> recent_trades(const std::string& m, size_t n,
                                                 uint64_t before) override {
    return real_->recent_trades(m, n, before);
  }
  Result<std::vector<TradeRecord>> trades_of(const std::string& u, const std::string& m, size_t n,
                                             uint64_t before) override {
    return real_->trades_of(u, m, n, before);
  }
  Result<std::vector<Candle>> candles(const std::string& m, Interval i, int64_t a,
                                      int64_t b) override {
    return real_->candles(m, i, a, b);
  }
  Result<std::vector<OrderInfo>> orders_of(const std::string& u, const std::string& m, size_t n,
                                           const OrderCursor& before) override {
    return real_->orders_of(u, m, n, before);
  }
  Result<OrderInfo> order(uint64_t id) override { return real_->order(id); }
  Result<uint64_t> trade_count(const std::string& m) override { return real_->trade_count(m); }
  Result<uint64_t> max_trade_id(const std::string& m) override { return real_->max_trade_id(m); }
  Result<uint64_t> max_order_id(const std::string& m) override { return real_->max_order_id(m); }
  Result<uint64_t> close_open_orders(const std::string& m, int64_t t) override {
    return real_->close_open_orders(m, t);
  }
  Result<uint64_t> stored_seq(const std::string& s) override { return real_->stored_seq(s); }
  Result<std::vector<DepositRecord>> deposits_of(const std::string& u) override {
    return real_->deposits_of(u);
  }

 private:
  std::unique_ptr<Store> real_;
};

struct Config : caf::actor_system_config {
  Config() { ex::add_message_types(*this); }
};

struct Fixture {
  TempDir temp{"writer-test"};  // first: removed after everything below has stopped
  fs::path dir = temp.path();
  Config cfg;
  caf::actor_system system{cfg};
  caf::scoped_actor self{system};
  std::shared_ptr<SwitchableStore> store;
  std::unique_ptr<Store> reader;
  caf::actor writer;

  Fixture() {
    const std::string path = (dir / "exchange.db").string();
    auto real = open_sqlite_store(path);
    CAF_REQUIRE(real);
    store = std::make_shared<SwitchableStore>(std::move(*real));
    auto r = open_sqlite_store(path);
    CAF_REQUIRE(r);
    reader = std::move(*r);
    WriterOptions options;
    options.interval = std::chrono::milliseconds(5);
    options.backoff_min = std::chrono::milliseconds(5);
    options.backoff_max = std::chrono::milliseconds(20);
    writer = system.spawn(writer_actor, std::shared_ptr<Store>(store), options);
  }

  ~Fixture() {
    self->send_exit(writer, caf::exit_reason::user_shutdown);
    self->wait_for(writer);
  }

  bool flush() {
    bool ok = false;
    self->request(writer, std::chrono::seconds(10), flush_atom::value)
        .receive([&](bool b) { ok = b; },
                 [&](caf::error& e) { CAF_FAIL("flush failed: " << system.render(e)); });
    return ok;
  }

  void send_updates(uint64_t first, uint64_t last) {
    for (uint64_t seq = first; seq <= last; ++seq)
      self->send(writer, update_atom::value, update(seq));
  }

  // After a flush: how far storage holds TATA_INR, and the newest order id it has.
  std::string stored() {
    CAF_CHECK(flush());
    return std::to_string(*reader->stored_seq("TATA_INR")) + " " +
           std::to_string(*reader->max_order_id("TATA_INR"));
  }

  // Tells the writer recovery caught storage up with `market` to `seq`; its answer.
  uint64_t place(const std::string& market, uint64_t seq) {
    uint64_t out = 0;
    self->request(writer, std::chrono::seconds(10), stored_atom::value, market, seq)
        .receive([&](uint64_t s) { out = s; },
                 [&](caf::error& e) { CAF_FAIL("place failed: " << system.render(e)); });
    return out;
  }

  // The highest seq the writer reported stored to its source (this test), 0 if none.
  uint64_t stored_reports() {
    uint64_t seq = 0;
    bool more = true;
    while (more)
      self->receive([&](stored_atom, const std::string&, uint64_t s) { seq = std::max(seq, s); },
                    caf::after(std::chrono::milliseconds(50)) >> [&] { more = false; });
    return seq;
  }
};

}  // namespace

CAF_TEST(a pending batch keeps one row per order and candle and the highest position) {
  PendingBatch b;
  b.add_order(order(7, OrderStatus::new_, 1));
  b.add_trade(trade(1));
  b.add_order(order(8, OrderStatus::new_, 1));
  b.add_order(order(7, OrderStatus::filled, 2));
  Candle c;
  c.start_ms = 60000;
  c.close = Decimal::from_units(100);
  b.add_candle(CandleRecord{"TATA_INR", Interval::m1, c});
  c.close = Decimal::from_units(101);
  b.add_candle(CandleRecord{"TATA_INR", Interval::m1, c});
  b.add_candle(CandleRecord{"TATA_INR", Interval::h1, c});
  b.advance("TATA_INR", 5);
  b.advance("TATA_INR", 3);
  b.advance("TATA_INR", 0);
  CAF_CHECK_EQUAL(b.rows(), 5u);  // 2 orders, 1 trade, 2 candles
  WriteBatch w = b.take();
  CAF_CHECK(b.empty());
  CAF_CHECK_EQUAL(b.rows(), 0u);
  CAF_REQUIRE_EQUAL(w.orders.size(), 2u);
  CAF_CHECK_EQUAL(w.orders[0].order_id, 7u);
  CAF_CHECK(w.orders[0].status == OrderStatus::filled);
  CAF_CHECK_EQUAL(w.orders[1].order_id, 8u);
  CAF_REQUIRE_EQUAL(w.candles.size(), 2u);
  CAF_CHECK_EQUAL(w.candles[0].candle.close.units(), 101);
  CAF_REQUIRE_EQUAL(w.positions.size(), 1u);
  CAF_CHECK_EQUAL(w.positions[0].seq, 5u);
}

CAF_TEST(rows put back after a failed write are older than those added since) {
  PendingBatch failed;
  failed.add_order(order(7, OrderStatus::new_, 1));
  failed.add_trade(trade(1));
  failed.advance("TATA_INR", 4);
  WriteBatch unwritten = failed.take();

  PendingBatch b;
  b.add_order(order(7, OrderStatus::canceled, 3));
  b.add_trade(trade(2));
  b.advance("TATA_INR", 6);
  b.put_back(std::move(unwritten));
  WriteBatch w = b.take();
  CAF_REQUIRE_EQUAL(w.trades.size(), 2u);
  CAF_CHECK_EQUAL(w.trades[0].trade_id, 1u);
  CAF_CHECK_EQUAL(w.trades[1].trade_id, 2u);
  CAF_REQUIRE_EQUAL(w.orders.size(), 1u);
  CAF_CHECK(w.orders[0].status == OrderStatus::canceled);
  CAF_REQUIRE_EQUAL(w.positions.size(), 1u);
  CAF_CHECK_EQUAL(w.positions[0].seq, 6u);
}

CAF_TEST_FIXTURE_SCOPE(writer_tests, Fixture)

CAF_TEST(a flush answers once every update is stored and the source hears how far) {
  for (uint64_t seq = 1; seq <= 200; ++seq)
    self->send(writer, update_atom::value, update(seq));
  CAF_CHECK(flush());
  CAF_CHECK_EQUAL(*reader->trade_count("TATA_INR"), 199u);
  CAF_CHECK_EQUAL(*reader->max_order_id("TATA_INR"), 200u);
  CAF_CHECK_EQUAL(*reader->stored_seq("TATA_INR"), 200u);
  CAF_CHECK_EQUAL(stored_reports(), 200u);
  // Nothing pending: answered at once.
  CAF_CHECK(flush());
}

CAF_TEST(writes refused while storage is away are retried with what came meanwhile) {
  for (uint64_t seq = 1; seq <= 50; ++seq)
    self->send(writer, update_atom::value, update(seq));
  CAF_CHECK(flush());
  store->away = true;
  for (uint64_t seq = 51; seq <= 100; ++seq)
    self->send(writer, update_atom::value, update(seq));
  CAF_CHECK(!flush());  // the write that should take them failed
  for (uint64_t seq = 101; seq <= 150; ++seq)
    self->send(writer, update_atom::value, update(seq));
  CAF_CHECK_EQUAL(*reader->trade_count("TATA_INR"), 49u);
  CAF_CHECK_EQUAL(*reader->stored_seq("TATA_INR"), 50u);
  store->away = false;
  CAF_CHECK(flush());
  CAF_CHECK_EQUAL(*reader->trade_count("TATA_INR"), 149u);
  CAF_CHECK_EQUAL(*reader->max_trade_id("TATA_INR"), 149u);
  CAF_CHECK_EQUAL(*reader->stored_seq("TATA_INR"), 150u);
  CAF_CHECK_EQUAL(stored_reports(), 150u);
}

CAF_TEST(flushes asked while storage is away wait for the next try of the backoff) {
  // A bus consumer asks for a flush several times a second; each used to try storage.
  WriterOptions options;
  options.backoff_min = std::chrono::milliseconds(200);
  options.backoff_max = std::chrono::milliseconds(200);
  caf::actor slow = system.spawn(writer_actor, std::shared_ptr<Store>(store), options);
  store->away = true;
  self->send(slow, update_atom::value, update(1));
  self->request(slow, std::chrono::seconds(10), flush_atom::value)
      .receive([](bool ok) { CAF_CHECK(!ok); }, [](caf::error&) { CAF_FAIL("no answer"); });
  const int before = store->tries;
  for (int i = 0; i < 20; ++i)
    self->send(slow, flush_atom::value);
  int answered = 0;
  while (answered < 20)
    self->receive([&](bool ok) {
      CAF_CHECK(!ok);
      ++answered;
    });
  CAF_CHECK_LESS(store->tries - before, 3);  // the timer's, not one per flush
  store->away = false;
  self->request(slow, std::chrono::seconds(10), flush_atom::value)
      .receive([](bool ok) { CAF_CHECK(ok); }, [](caf::error&) { CAF_FAIL("no answer"); });
  self->send_exit(slow, caf::exit_reason::user_shutdown);
  self->wait_for(slow);
}

CAF_TEST(an update that does not follow the last one leaves the rest to the journal) {
  // Updates 11 and 12 were lost on the way (a bus's stream trimmed past them): storage
  // must not claim to reach beyond them. (This writer has no journal to catch up from: a
  // restart's recovery would.)
  send_updates(1, 10);
  send_updates(13, 20);
  CAF_CHECK_EQUAL(stored(), "10 10");
}

CAF_TEST(deposits out of order or lost hold storages position where every one has come) {
  // Recovery left the deposits at 10. Each account sends its own deposits, so 13 and 14
  // may overtake 12, or 12 may be lost on a bus: the rows are stored, the position waits.
  CAF_CHECK_EQUAL(place(kDepositStream, 10), 10u);
  auto deposit = [&](uint64_t seq) {
    DepositRecord d{1000 + seq, "u" + std::to_string(seq), "INR", Decimal::from_int(5), 1};
    self->send(writer, deposit_atom::value, d, seq);
  };
  for (uint64_t seq : {11, 13, 14})
    deposit(seq);
  CAF_REQUIRE(flush());
  CAF_CHECK_EQUAL(*reader->stored_seq(kDepositStream), 11u);
  CAF_CHECK_EQUAL(reader->deposits_of("u14")->size(), 1u);
  deposit(12);
  CAF_REQUIRE(flush());
  CAF_CHECK_EQUAL(*reader->stored_seq(kDepositStream), 14u);
  deposit(15);
  CAF_REQUIRE(flush());
  CAF_CHECK_EQUAL(*reader->stored_seq(kDepositStream), 15u);
}

CAF_TEST(after a restart the first update must follow what storage holds) {
  // Recovery caught storage up to 10. Updates 11 and 12 were lost on the way before the
  // writer saw any: it must not take 13 as its start.
  CAF_CHECK_EQUAL(place("TATA_INR", 10), 10u);
  send_updates(9, 9);  // an old one, delivered again
  send_updates(13, 20);
  CAF_CHECK_EQUAL(stored(), "0 0");
}

CAF_TEST(after a restart updates that follow what storage holds are stored) {
  CAF_CHECK_EQUAL(place("TATA_INR", 10), 10u);
  send_updates(11, 15);
  CAF_CHECK_EQUAL(stored(), "15 15");
}

CAF_TEST(a market whose catch up did not fit is not placed where recovery ended) {
  // Recovery's catch-up overflowed the writer (storage was slow): from update 3 on the
  // market waits for its journal. Placing it at the journal's end must not let live
  // updates jump over that gap, and the answer says how far storage really is.
  WriterOptions options;
  options.max_pending = 3;  // rows
  caf::actor small = system.spawn(writer_actor, std::shared_ptr<Store>(store), options);
  auto flush_small = [&] {
    bool ok = false;
    self->request(small, std::chrono::seconds(10), flush_atom::value)
        .receive([&](bool b) { ok = b; }, [](caf::error&) {});
    return ok;
  };
  store->away = true;
  for (uint64_t seq = 1; seq <= 10; ++seq)  // 1 row, then 2 each: spills at 3
    self->send(small, update_atom::value, update(seq));
  CAF_CHECK(!flush_small());  // all ten taken while storage is away
  store->away = false;
  CAF_CHECK(flush_small());
  uint64_t placed = 0;
  self->request(small, std::chrono::seconds(10), stored_atom::value, std::string("TATA_INR"),
                uint64_t{10})
      .receive([&](uint64_t s) { placed = s; }, [](caf::error&) {});
  CAF_CHECK_EQUAL(placed, 2u);
  for (uint64_t seq = 11; seq <= 12; ++seq)
    self->send(small, update_atom::value, update(seq));
  CAF_CHECK(flush_small());  // 11 and 12 taken, and left to the journal
  CAF_CHECK_EQUAL(stored(), "2 2");
  self->send_exit(small, caf::exit_reason::user_shutdown);
  self->wait_for(small);
}

CAF_TEST(an order stored in one state and then another keeps the newest) {
  self->send(writer, update_atom::value, update(1));
  CAF_CHECK(flush());
  MarketUpdate up;
  up.market = "TATA_INR";
  up.seq = 2;
  up.orders.push_back(order(1, OrderStatus::canceled, 5));
  self->send(writer, update_atom::value, up);
  CAF_CHECK(flush());
  auto o = reader->order(1);
  CAF_REQUIRE(o);
  CAF_CHECK(o->status == OrderStatus::canceled);
}

CAF_TEST(a feed tells a storage outage from a writer that stopped) {
  WriterFeed feed(system, writer, 10);
  store->away = true;
  CAF_CHECK(feed.send(update_atom::value, update(1)));
  CAF_CHECK(!feed.flush());
  CAF_CHECK(!feed.writer_stopped());  // worth waiting for: storage comes back
  store->away = false;
  CAF_CHECK(feed.flush());
  self->send_exit(writer, caf::exit_reason::user_shutdown);
  self->wait_for(writer);
  CAF_CHECK(!feed.flush());
  CAF_CHECK(feed.writer_stopped());
}

CAF_TEST_FIXTURE_SCOPE_END()
