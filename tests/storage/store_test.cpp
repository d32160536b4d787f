// The storage interface's specification, run against every back end: SQLite by default,
// PostgreSQL when EXCHANGE_TEST_PG_URL names a server (the storage_postgres CTest entry).
// Back-end specifics live in sqlite_store_test.cpp and postgres_store_test.cpp.
#define CAF_SUITE store
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/storage/store_records.hpp"

using namespace ex;
using namespace ex::testing;

namespace {

// One fresh database per test, on the back end the environment selects.
struct fixture {
  std::unique_ptr<StoreBackend> backend = make_backend();

  std::shared_ptr<Store> open() { return must(backend->open()); }
  int64_t query_int(const std::string& sql) { return backend->query_int(sql); }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(store_tests, fixture)

CAF_TEST(opening creates the schema and reopening applies no migration twice) {
  CAF_MESSAGE("back end: " << backend->name());
  {
    auto store = open();
    CAF_CHECK(must(store->ping()));
  }
  CAF_CHECK_EQUAL(query_int("SELECT MAX(version) FROM schema_version"), backend->latest_version());
  CAF_CHECK_EQUAL(query_int("SELECT COUNT(*) FROM schema_version"), backend->migration_count());
  for (int i = 0; i < 3; ++i) {
    auto store = open();
    CAF_CHECK(must(store->ping()));
  }
  CAF_CHECK_EQUAL(query_int("SELECT COUNT(*) FROM schema_version"), backend->migration_count());
  for (const char* table :
       {"orders", "trades", "trade_counts", "deposits", "candles", "stream_positions"})
    CAF_CHECK(backend->has_table(table));
}

CAF_TEST(instances opening a fresh database at once all succeed and migrate it once) {
  constexpr int kOpeners = 6;
  std::vector<std::string> errors(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i)
    threads.emplace_back([this, &errors, i] {
      auto store = backend->open();
      if (!store)
        errors[i] = store.error().message;
      else if (auto p = (*store)->ping(); !p)
        errors[i] = p.error().message;
    });
  for (auto& t : threads)
    t.join();
  for (const auto& e : errors)
    CAF_CHECK_EQUAL(e, "");
  CAF_CHECK_EQUAL(query_int("SELECT COUNT(*) FROM schema_version"), backend->migration_count());
}

CAF_TEST(a later migration is applied once and an older program refuses the newer schema) {
  { open(); }
  int next = backend->latest_version() + 1;
  CAF_CHECK_EQUAL(must(backend->migrate_with_one_more()), next);
  CAF_CHECK_EQUAL(must(backend->migrate_with_one_more()), next);  // no "table exists" error
  CAF_CHECK(backend->has_table("extra"));
  CAF_CHECK_EQUAL(
      query_int("SELECT COUNT(*) FROM schema_version WHERE version = " + std::to_string(next)), 1);
  CAF_CHECK_EQUAL(query_int("SELECT COUNT(*) FROM schema_version"), backend->migration_count() + 1);
  auto refused = backend->open();
  CAF_REQUIRE(!refused);
  CAF_CHECK(refused.error().code == ErrorCode::internal);
  CAF_CHECK(refused.error().message.find("newer") != std::string::npos);
}

CAF_TEST(every record type round trips with exact decimals) {
  auto store = open();
  WriteBatch b;
  OrderInfo o = order(42, "alice", "BTC_USDT", 1000, 2000, OrderStatus::partially_filled);
  o.client_order_id = "my-order-1";
  o.side = Side::sell;
  o.kind = OrderKind::market;
  o.tif = TimeInForce::fok;
  o.post_only = true;
  o.product = Product::delivery;
  o.price = dec("92233720368.54775807");  // the largest Decimal
  o.quantity = dec("0.00000001");         // the smallest step
  o.quote_quantity = dec("12345.6789");
  o.executed = dec("0.00000001");
  o.executed_quote = dec("-0.5");
  b.orders.push_back(o);
  TradeRecord t = trade("BTC_USDT", 7);
  t.price = dec("30000.12345678");
  t.qty = dec("92233720368.54775807");
  t.buyer_maker = true;
  b.trades.push_back(t);
  TradeRecord t2 = trade("BTC_USDT", 8);
  t2.buyer_maker = false;
  b.trades.push_back(t2);
  b.deposits.push_back(deposit(5, "alice", 900));
  b.candles.push_back(candle("BTC_USDT", Interval::h4, 1737792000000));
  must(store->write(b));

  OrderInfo got = must(store->order(42));
  CAF_CHECK_EQUAL(got.order_id, 42u);
  CAF_CHECK_EQUAL(got.client_order_id, "my-order-1");
  CAF_CHECK_EQUAL(got.market, "BTC_USDT");
  CAF_CHECK_EQUAL(got.user_id, "alice");
  CAF_CHECK(got.side == Side::sell);
  CAF_CHECK(got.kind == OrderKind::market);
  CAF_CHECK(got.tif == TimeInForce::fok);
  CAF_CHECK(got.post_only);
  CAF_CHECK(got.product == Product::delivery);
  CAF_CHECK_EQUAL(got.price.to_string(), "92233720368.54775807");
  CAF_CHECK_EQUAL(got.quantity.to_string(), "0.00000001");
  CAF_CHECK_EQUAL(got.quote_quantity.to_string(), "12345.6789");
  CAF_CHECK_EQUAL(got.executed.units(), 1);
  CAF_CHECK_EQUAL(got.executed_quote.to_string(), "-0.5");
  CAF_CHECK(got.status == OrderStatus::partially_filled);
  CAF_CHECK_EQUAL(got.time_ms, 1000);
  CAF_CHECK_EQUAL(got.update_ms, 2000);

  auto trades = must(store->recent_trades("BTC_USDT", 10, kAboveNewestTrade));
  CAF_REQUIRE_EQUAL(trades.size(), 2u);
  const TradeRecord& rt = trades[1];
  CAF_CHECK_EQUAL(rt.market, "BTC_USDT");
  CAF_CHECK_EQUAL(rt.trade_id, 7u);
  CAF_CHECK_EQUAL(rt.price.to_string(), "30000.12345678");
  CAF_CHECK_EQUAL(rt.qty.to_string(), "92233720368.54775807");
  CAF_CHECK_EQUAL(rt.buy_order_id, 14u);
  CAF_CHECK_EQUAL(rt.sell_order_id, 15u);
  CAF_CHECK_EQUAL(rt.buyer, "alice");
  CAF_CHECK_EQUAL(rt.seller, "bob");
  CAF_CHECK(rt.buyer_maker);
  CAF_CHECK_EQUAL(rt.time_ms, t.time_ms);
  CAF_CHECK(!trades[0].buyer_maker);

  auto deposits = must(store->deposits_of("alice"));
  CAF_REQUIRE_EQUAL(deposits.size(), 1u);
  CAF_CHECK_EQUAL(deposits[0].deposit_id, 5u);
  CAF_CHECK_EQUAL(deposits[0].user_id, "alice");
  CAF_CHECK_EQUAL(deposits[0].asset, "USDT");
  CAF_CHECK_EQUAL(deposits[0].amount.to_string(), "1000.00000001");
  CAF_CHECK_EQUAL(deposits[0].time_ms, 900);

  auto candles = must(store->candles("BTC_USDT", Interval::h4, 0, INT64_MAX));
  CAF_REQUIRE_EQUAL(candles.size(), 1u);
  CAF_CHECK_EQUAL(candles[0].start_ms, 1737792000000);
  CAF_CHECK_EQUAL(candles[0].open.to_string(), "99");
  CAF_CHECK_EQUAL(candles[0].high.to_string(), "101");
  CAF_CHECK_EQUAL(candles[0].low.to_string(), "98.5");
  CAF_CHECK_EQUAL(candles[0].close.to_string(), "100");
  CAF_CHECK_EQUAL(candles[0].volume.to_string(), "12.34567891");
  CAF_CHECK_EQUAL(candles[0].trades, 7);

  // Money is stored as exact integer units, not REAL.
  CAF_CHECK(backend->is_integer_column("trades", "price"));
  CAF_CHECK_EQUAL(query_int("SELECT price FROM trades WHERE trade_id = 7"), 3000012345678);
}

CAF_TEST(every enum value survives storage) {
  auto store = open();
  WriteBatch b;
  uint64_t id = 1;
  for (OrderStatus st : {OrderStatus::new_, OrderStatus::partially_filled, OrderStatus::filled,
                         OrderStatus::canceled, OrderStatus::expired, OrderStatus::rejected})
    for (TimeInForce tif : {TimeInForce::gtc, TimeInForce::ioc, TimeInForce::fok}) {
      OrderInfo o = order(id, "u", "M", static_cast<int64_t>(id), 1, st);
      o.tif = tif;
      o.side = id % 2 ? Side::buy : Side::sell;
      o.kind = id % 3 ? OrderKind::limit : OrderKind::market;
      o.product = id % 5 ? Product::intraday : Product::delivery;
      b.orders.push_back(o);
      ++id;
    }
  must(store->write(b));
  for (const OrderInfo& want : b.orders) {
    OrderInfo got = must(store->order(want.order_id));
    CAF_CHECK(got.status == want.status);
    CAF_CHECK(got.tif == want.tif);
    CAF_CHECK(got.side == want.side);
    CAF_CHECK(got.kind == want.kind);
    CAF_CHECK(got.product == want.product);
  }
}

CAF_TEST(a replayed batch stores each trade and deposit once) {
  auto store = open();
  WriteBatch b;
  for (uint64_t i = 1; i <= 5; ++i)
    b.trades.push_back(trade("BTC_USDT", i));
  b.deposits.push_back(deposit(1, "alice", 10));
  b.deposits.push_back(deposit(2, "alice", 20));
  must(store->write(b));
  must(store->write(b));
  // A replay overlapping new trades: only the new ones count.
  WriteBatch c;
  for (uint64_t i = 4; i <= 8; ++i)
    c.trades.push_back(trade("BTC_USDT", i));
  must(store->write(c));
  CAF_CHECK_EQUAL(must(store->trade_count("BTC_USDT")), 8u);
  CAF_CHECK_EQUAL(must(store->max_trade_id("BTC_USDT")), 8u);
  CAF_CHECK_EQUAL(must(store->recent_trades("BTC_USDT", 100, kAboveNewestTrade)).size(), 8u);
  CAF_CHECK_EQUAL(must(store->deposits_of("alice")).size(), 2u);
  CAF_CHECK_EQUAL(query_int("SELECT COUNT(*) FROM trades"), 8);
  // A replayed trade does not overwrite the stored one.
  WriteBatch d;
  d.trades.push_back(trade("BTC_USDT", 1));
  d.trades.back().price = dec("1");
  must(store->write(d));
  CAF_CHECK_EQUAL(
      must(store->recent_trades("BTC_USDT", 100, kAboveNewestTrade)).back().price.to_string(),
      "100.00000001");
}

CAF_TEST(trade counts follow the trades across markets in one batch) {
  auto store = open();
  WriteBatch b;
  // Interleaved markets, with duplicates inside the batch itself.
  uint64_t a = 0, z = 0;
  for (int i = 0; i < 30; ++i) {
    b.trades.push_back(trade(i % 3 == 0 ? "Z" : "A", i % 3 == 0 ? ++z : ++a));
    if (i % 7 == 0) b.trades.push_back(b.trades.back());
  }
  b.trades.push_back(trade("Q", 1));
  must(store->write(b));
  must(store->write(b));
  CAF_CHECK_EQUAL(must(store->trade_count("A")), a);
  CAF_CHECK_EQUAL(must(store->trade_count("Z")), z);
  CAF_CHECK_EQUAL(must(store->trade_count("Q")), 1u);
  CAF_CHECK_EQUAL(must(store->trade_count("none")), 0u);
  CAF_CHECK_EQUAL(must(store->max_trade_id("none")), 0u);
  // The invariant of trade_counts, checked against the rows themselves.
  CAF_CHECK_EQUAL(query_int("SELECT COUNT(*) FROM trade_counts c WHERE c.trades <> "
                            "(SELECT COUNT(*) FROM trades t WHERE t.market = c.market)"),
                  0);
}

CAF_TEST(an order keeps its newest state whatever the order of writes) {
  auto store = open();
  WriteBatch newer;
  OrderInfo filled = order(9, "alice", "M", 100, 300, OrderStatus::filled);
  filled.executed = dec("2");
  filled.executed_quote = dec("202.5");
  newer.orders.push_back(filled);
  must(store->write(newer));

  WriteBatch older;
  older.orders.push_back(order(9, "alice", "M", 100, 200, OrderStatus::partially_filled));
  older.orders.push_back(order(9, "alice", "M", 100, 100, OrderStatus::new_));
  must(store->write(older));
  OrderInfo got = must(store->order(9));
  CAF_CHECK(got.status == OrderStatus::filled);
  CAF_CHECK_EQUAL(got.executed.to_string(), "2");
  CAF_CHECK_EQUAL(got.update_ms, 300);

  // Equal update_ms: the later write wins, within a batch and across batches.
  WriteBatch same;
  OrderInfo a = order(9, "alice", "M", 100, 300, OrderStatus::canceled);
  OrderInfo b = order(9, "alice", "M", 100, 300, OrderStatus::expired);
  same.orders = {a, b};
  must(store->write(same));
  CAF_CHECK(must(store->order(9)).status == OrderStatus::expired);
  WriteBatch again;
  again.orders = {a};
  must(store->write(again));
  CAF_CHECK(must(store->order(9)).status == OrderStatus::canceled);

  // Newer within one batch, older last: the newer state stays.
  WriteBatch mixed;
  mixed.orders = {order(10, "bob", "M", 5, 50, OrderStatus::filled),
                  order(10, "bob", "M", 5, 10, OrderStatus::new_)};
  must(store->write(mixed));
  CAF_CHECK(must(store->order(10)).status == OrderStatus::filled);
  CAF_CHECK_EQUAL(query_int("SELECT COUNT(*) FROM orders"), 2);
}

CAF_TEST(an unknown order is unknown_order) {
  auto store = open();
  auto r = store->order(12345);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::unknown_order);
  // Named as clients know order ids (base 36), not as the internal number.
  CAF_CHECK(r.error().message.find(order_id_text(12345)) != std::string::npos);
  CAF_CHECK(r.error().message.find("12345") == std::string::npos);
  auto huge = store->order(UINT64_MAX);
  CAF_REQUIRE(!huge);
  CAF_CHECK(huge.error().code == ErrorCode::unknown_order);
}

CAF_TEST(recent trades are newest first and limited) {
  auto store = open();
  WriteBatch b;
  // Written out of order, and a second market that must not leak in.
  for (uint64_t i : {3, 1, 10, 2, 7, 4, 9, 5, 8, 6})
    b.trades.push_back(trade("BTC_USDT", i));
  for (uint64_t i = 1; i <= 20; ++i)
    b.trades.push_back(trade("ETH_USDT", 100 + i));
  must(store->write(b));
  auto top = must(store->recent_trades("BTC_USDT", 3, kAboveNewestTrade));
  CAF_REQUIRE_EQUAL(top.size(), 3u);
  CAF_CHECK_EQUAL(top[0].trade_id, 10u);
  CAF_CHECK_EQUAL(top[1].trade_id, 9u);
  CAF_CHECK_EQUAL(top[2].trade_id, 8u);
  auto all = must(store->recent_trades("BTC_USDT", 1000, kAboveNewestTrade));
  CAF_REQUIRE_EQUAL(all.size(), 10u);
  for (size_t i = 0; i < all.size(); ++i) {
    CAF_CHECK_EQUAL(all[i].trade_id, 10 - i);
    CAF_CHECK_EQUAL(all[i].market, "BTC_USDT");
  }
  CAF_CHECK(must(store->recent_trades("BTC_USDT", 0, kAboveNewestTrade)).empty());
  CAF_CHECK(must(store->recent_trades("NOPE", 10, kAboveNewestTrade)).empty());
  CAF_CHECK_EQUAL(must(store->recent_trades("ETH_USDT", SIZE_MAX, kAboveNewestTrade)).size(), 20u);
  CAF_CHECK_EQUAL(must(store->max_trade_id("ETH_USDT")), 120u);
}

CAF_TEST(a users trades are hers as buyer or seller newest first and limited) {
  auto store = open();
  WriteBatch b;
  // carol buys in 2, 5 and 9 and sells in 4 and 7; the rest are others'; another market's
  // trade of hers must not leak in.
  for (uint64_t i = 1; i <= 10; ++i) {
    TradeRecord t = trade("BTC_USDT", i);
    if (i == 2 || i == 5 || i == 9) t.buyer = "carol";
    if (i == 4 || i == 7) t.seller = "carol";
    b.trades.push_back(t);
  }
  TradeRecord elsewhere = trade("ETH_USDT", 11);
  elsewhere.buyer = "carol";
  b.trades.push_back(elsewhere);
  must(store->write(b));
  auto ids = [](const std::vector<TradeRecord>& v) {
    std::vector<uint64_t> out;
    for (const auto& t : v)
      out.push_back(t.trade_id);
    return out;
  };
  CAF_CHECK_EQUAL(ids(must(store->trades_of("carol", "BTC_USDT", 100, kAboveNewestTrade))),
                  (std::vector<uint64_t>{9, 7, 5, 4, 2}));
  CAF_CHECK_EQUAL(ids(must(store->trades_of("carol", "BTC_USDT", 3, kAboveNewestTrade))),
                  (std::vector<uint64_t>{9, 7, 5}));
  auto top = must(store->trades_of("carol", "BTC_USDT", 2, kAboveNewestTrade));
  CAF_REQUIRE_EQUAL(top.size(), 2u);
  CAF_CHECK_EQUAL(top[1].seller, "carol");
  CAF_CHECK_EQUAL(top[1].buyer, "alice");
  CAF_CHECK_EQUAL(top[1].market, "BTC_USDT");
  CAF_CHECK_EQUAL(top[1].sell_order_id, 15u);
  CAF_CHECK_EQUAL(ids(must(store->trades_of("carol", "ETH_USDT", 10, kAboveNewestTrade))),
                  (std::vector<uint64_t>{11}));
  CAF_CHECK(must(store->trades_of("dave", "BTC_USDT", 10, kAboveNewestTrade)).empty());
  CAF_CHECK(must(store->trades_of("carol", "BTC_USDT", 0, kAboveNewestTrade)).empty());
  // Pages: each from below the last trade of the one before.
  CAF_CHECK_EQUAL(ids(must(store->trades_of("carol", "BTC_USDT", 2, 7))),
                  (std::vector<uint64_t>{5, 4}));
  CAF_CHECK_EQUAL(ids(must(store->trades_of("carol", "BTC_USDT", 2, 4))),
                  (std::vector<uint64_t>{2}));
  CAF_CHECK(must(store->trades_of("carol", "BTC_USDT", 2, 2)).empty());
  CAF_CHECK_EQUAL(ids(must(store->trades_of("carol", "BTC_USDT", 10, 6))),
                  (std::vector<uint64_t>{5, 4, 2}));
  CAF_CHECK_EQUAL(ids(must(store->trades_of("carol", "BTC_USDT", 10, UINT64_MAX))),
                  (std::vector<uint64_t>{9, 7, 5, 4, 2}));
  CAF_CHECK_EQUAL(ids(must(store->recent_trades("BTC_USDT", 3, 6))),
                  (std::vector<uint64_t>{5, 4, 3}));
  CAF_CHECK(must(store->recent_trades("BTC_USDT", 3, 1)).empty());
}

CAF_TEST(orders of a user are newest first by time then id) {
  auto store = open();
  WriteBatch b;
  b.orders = {order(1, "alice", "M", 100, 100), order(2, "alice", "M", 300, 300),
              order(3, "alice", "M", 200, 200), order(5, "alice", "M", 300, 300),
              order(4, "alice", "M", 300, 300), order(6, "alice", "N", 400, 400),
              order(7, "bob", "M", 500, 500)};
  must(store->write(b));
  auto got = must(store->orders_of("alice", "M", 100, {}));
  std::vector<uint64_t> ids;
  for (const auto& o : got)
    ids.push_back(o.order_id);
  CAF_CHECK_EQUAL(ids, (std::vector<uint64_t>{5, 4, 2, 3, 1}));
  auto limited = must(store->orders_of("alice", "M", 2, {}));
  CAF_REQUIRE_EQUAL(limited.size(), 2u);
  CAF_CHECK_EQUAL(limited[0].order_id, 5u);
  CAF_CHECK_EQUAL(limited[1].order_id, 4u);
  auto everywhere = must(store->orders_of("alice", "", 100, {}));
  CAF_REQUIRE_EQUAL(everywhere.size(), 6u);
  CAF_CHECK_EQUAL(everywhere[0].order_id, 6u);
  CAF_CHECK(must(store->orders_of("carol", "M", 10, {})).empty());
  CAF_CHECK(must(store->orders_of("alice", "M", 0, {})).empty());
  // Pages: each from below the last order of the one before, ties in time by id.
  auto page = [&](const std::string& market, OrderCursor before, size_t n) {
    std::vector<uint64_t> out;
    for (const auto& o : must(store->orders_of("alice", market, n, before)))
      out.push_back(o.order_id);
    return out;
  };
  CAF_CHECK_EQUAL(page("M", OrderCursor::at(limited[1]), 2), (std::vector<uint64_t>{2, 3}));
  CAF_CHECK_EQUAL(page("M", OrderCursor{300, 2}, 2), (std::vector<uint64_t>{3, 1}));
  CAF_CHECK_EQUAL(page("M", OrderCursor{100, 1}, 2), (std::vector<uint64_t>{}));
  CAF_CHECK_EQUAL(page("M", OrderCursor{300, 6}, 10), (std::vector<uint64_t>{5, 4, 2, 3, 1}));
  CAF_CHECK_EQUAL(page("", OrderCursor{400, 6}, 2), (std::vector<uint64_t>{5, 4}));
  CAF_CHECK_EQUAL(page("M", OrderCursor{INT64_MAX, UINT64_MAX}, 1), (std::vector<uint64_t>{5}));
}

CAF_TEST(deposits of a user are oldest first) {
  auto store = open();
  WriteBatch b;
  b.deposits = {deposit(3, "alice", 300), deposit(1, "alice", 100), deposit(4, "alice", 100),
                deposit(2, "bob", 50)};
  must(store->write(b));
  auto got = must(store->deposits_of("alice"));
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(got[0].deposit_id, 1u);
  CAF_CHECK_EQUAL(got[1].deposit_id, 4u);
  CAF_CHECK_EQUAL(got[2].deposit_id, 3u);
  CAF_CHECK(must(store->deposits_of("nobody")).empty());
}

CAF_TEST(candles are selected by market interval and inclusive range) {
  auto store = open();
  constexpr int64_t kMin = 60'000;
  WriteBatch b;
  for (int64_t i = 9; i >= 0; --i)
    b.candles.push_back(candle("M", Interval::m1, i * kMin));
  b.candles.push_back(candle("M", Interval::m5, 0));
  b.candles.push_back(candle("N", Interval::m1, 3 * kMin));
  must(store->write(b));
  auto got = must(store->candles("M", Interval::m1, 2 * kMin, 5 * kMin));
  CAF_REQUIRE_EQUAL(got.size(), 4u);
  for (size_t i = 0; i < got.size(); ++i)
    CAF_CHECK_EQUAL(got[i].start_ms, static_cast<int64_t>(2 + i) * kMin);
  CAF_CHECK_EQUAL(must(store->candles("M", Interval::m1, 0, INT64_MAX)).size(), 10u);
  CAF_CHECK_EQUAL(must(store->candles("M", Interval::m5, 0, INT64_MAX)).size(), 1u);
  CAF_CHECK(must(store->candles("M", Interval::h1, 0, INT64_MAX)).empty());
  CAF_CHECK(must(store->candles("M", Interval::m1, 5 * kMin + 1, 6 * kMin - 1)).empty());
  CAF_CHECK(must(store->candles("M", Interval::m1, 5 * kMin, 2 * kMin)).empty());
  // Last write wins for the same bucket.
  WriteBatch update;
  update.candles.push_back(candle("M", Interval::m1, 3 * kMin, "123.45678901"));
  must(store->write(update));
  auto one = must(store->candles("M", Interval::m1, 3 * kMin, 3 * kMin));
  CAF_REQUIRE_EQUAL(one.size(), 1u);
  CAF_CHECK_EQUAL(one[0].close.to_string(), "123.45678901");
  CAF_CHECK_EQUAL(query_int("SELECT COUNT(*) FROM candles"), 12);
}

CAF_TEST(a write that fails midway leaves nothing) {
  auto store = open();
  WriteBatch first;
  first.trades.push_back(trade("M", 1));
  must(store->write(first));
  // A statement of the batch fails inside the database: the last deposit trips a trigger.
  backend->poison_deposits();
  WriteBatch b;
  for (uint64_t i = 2; i <= 50; ++i)
    b.trades.push_back(trade("M", i));
  b.orders.push_back(order(77, "alice", "M", 1, 1));
  b.candles.push_back(candle("M", Interval::m1, 0));
  b.deposits.push_back(deposit(1, "alice", 1));
  b.deposits.push_back(deposit(2, "alice", 2));
  b.deposits.back().asset = "POISON";
  auto r = store->write(b);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().message.find("poisoned deposit") != std::string::npos);
  auto nothing_new = [&] {
    CAF_CHECK_EQUAL(must(store->trade_count("M")), 1u);
    CAF_CHECK_EQUAL(must(store->max_trade_id("M")), 1u);
    CAF_CHECK_EQUAL(must(store->recent_trades("M", 100, kAboveNewestTrade)).size(), 1u);
    CAF_CHECK(!store->order(77));
    CAF_CHECK(must(store->candles("M", Interval::m1, 0, INT64_MAX)).empty());
    CAF_CHECK(must(store->deposits_of("alice")).empty());
  };
  nothing_new();

  // A value the store refuses, after trades and orders were already written.
  WriteBatch bad_id = b;
  bad_id.deposits.pop_back();
  bad_id.deposits.push_back(deposit(uint64_t{1} << 63, "alice", 3));
  auto r2 = store->write(bad_id);
  CAF_REQUIRE(!r2);
  CAF_CHECK(r2.error().code == ErrorCode::invalid_field);
  nothing_new();

  // The same store goes on working once the cause is gone.
  backend->cure_deposits();
  must(store->write(b));
  CAF_CHECK_EQUAL(must(store->trade_count("M")), 50u);
  CAF_CHECK_EQUAL(must(store->deposits_of("alice")).size(), 2u);
  CAF_CHECK(must(store->order(77)).order_id == 77);
}

CAF_TEST(readers on their own instances read while the writer writes) {
  constexpr uint64_t kBatches = 200;
  constexpr uint64_t kPerBatch = 50;
  auto writer = open();
  auto reader = open();
  std::atomic<bool> done{false};
  std::string writer_error;
  std::thread writing([&] {
    for (uint64_t b = 0; b < kBatches && writer_error.empty(); ++b) {
      WriteBatch batch;
      for (uint64_t i = 1; i <= kPerBatch; ++i)
        batch.trades.push_back(trade("M", b * kPerBatch + i));
      if (auto r = writer->write(batch); !r) writer_error = r.error().message;
    }
    done = true;
  });
  // Every read sees whole batches only, and never goes back.
  uint64_t reads = 0, last_count = 0, errors = 0, torn = 0;
  bool went_back = false;
  while (!done || reads == 0) {
    auto count = reader->trade_count("M");
    auto top = reader->recent_trades("M", 1, kAboveNewestTrade);
    auto max = reader->max_trade_id("M");
    ++reads;
    if (!count || !top || !max) {
      ++errors;
      continue;
    }
    if (*count < last_count) went_back = true;
    last_count = *count;
    if (*count % kPerBatch != 0 || *max % kPerBatch != 0) ++torn;
    if (!top->empty() && top->front().trade_id % kPerBatch != 0) ++torn;
    if (*max < *count) went_back = true;  // max was read after count
  }
  writing.join();
  CAF_CHECK_EQUAL(writer_error, "");
  CAF_CHECK_EQUAL(errors, 0u);
  CAF_CHECK_EQUAL(torn, 0u);
  CAF_CHECK(!went_back);
  CAF_CHECK_GREATER(reads, 1u);
  CAF_CHECK_EQUAL(must(reader->trade_count("M")), kBatches * kPerBatch);
  CAF_MESSAGE("reader made " << reads << " consistent reads during the writes");
}

CAF_TEST(two writers on their own instances both commit everything) {
  constexpr uint64_t kBatches = 100;
  auto run = [this](std::string market, std::string* error) {
    auto opened = backend->open();
    if (!opened) {
      *error = opened.error().message;
      return;
    }
    for (uint64_t b = 0; b < kBatches; ++b) {
      WriteBatch batch;
      for (uint64_t i = 1; i <= 20; ++i)
        batch.trades.push_back(trade(market, b * 20 + i));
      if (auto r = (*opened)->write(batch); !r) {
        *error = r.error().message;
        return;
      }
    }
  };
  std::string e1, e2;
  std::thread w1(run, "A", &e1), w2(run, "B", &e2);
  w1.join();
  w2.join();
  CAF_CHECK_EQUAL(e1, "");
  CAF_CHECK_EQUAL(e2, "");
  auto store = open();
  CAF_CHECK_EQUAL(must(store->trade_count("A")), kBatches * 20);
  CAF_CHECK_EQUAL(must(store->trade_count("B")), kBatches * 20);
}

CAF_TEST(an empty batch writes nothing and succeeds) {
  auto store = open();
  CAF_CHECK(must(store->write(WriteBatch{})));
  CAF_CHECK(must(store->ping()));
}

CAF_TEST(the highest order id per market is where a restarted market resumes) {
  auto store = open();
  CAF_CHECK_EQUAL(must(store->max_order_id("A")), 0u);
  WriteBatch b;
  b.orders.push_back(order(4097, "u", "A", 1, 1));
  b.orders.push_back(order(12289, "u", "A", 2, 2));
  b.orders.push_back(order(99999, "u", "B", 3, 3));
  must(store->write(b));
  CAF_CHECK_EQUAL(must(store->max_order_id("A")), 12289u);
  CAF_CHECK_EQUAL(must(store->max_order_id("B")), 99999u);
}

CAF_TEST(orders left open by a previous run can be closed) {
  auto store = open();
  WriteBatch b;
  b.orders.push_back(order(4097, "u", "A", 1, 1));
  b.orders.push_back(order(8193, "u", "A", 2, 2, OrderStatus::filled));
  b.orders.push_back(order(12289, "u", "B", 3, 3));
  must(store->write(b));
  CAF_CHECK_EQUAL(must(store->close_open_orders("A", 50)), 1u);
  CAF_CHECK(must(store->order(4097)).status == OrderStatus::canceled);
  CAF_CHECK_EQUAL(must(store->order(4097)).update_ms, 50);
  CAF_CHECK(must(store->order(8193)).status == OrderStatus::filled);
  CAF_CHECK(must(store->order(12289)).status == OrderStatus::new_);
}

CAF_TEST(stream positions keep the highest sequence written) {
  auto store = open();
  CAF_CHECK_EQUAL(must(store->stored_seq("BTC_USDT")), 0u);
  WriteBatch b;
  b.positions = {{"BTC_USDT", 10}, {"deposits", 3}, {"BTC_USDT", 12}, {"BTC_USDT", 11}};
  must(store->write(b));
  CAF_CHECK_EQUAL(must(store->stored_seq("BTC_USDT")), 12u);
  CAF_CHECK_EQUAL(must(store->stored_seq("deposits")), 3u);
  WriteBatch older;  // a replay of an earlier batch does not move a position back
  older.positions = {{"BTC_USDT", 5}};
  older.trades.push_back(trade("BTC_USDT", 1));
  must(store->write(older));
  CAF_CHECK_EQUAL(must(store->stored_seq("BTC_USDT")), 12u);
  WriteBatch newer;
  newer.positions = {{"BTC_USDT", (uint64_t{1} << 63) - 1}};
  must(store->write(newer));
  CAF_CHECK_EQUAL(must(store->stored_seq("BTC_USDT")), (uint64_t{1} << 63) - 1);
  WriteBatch too_big;
  too_big.positions = {{"BTC_USDT", uint64_t{1} << 63}};
  auto r = store->write(too_big);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::invalid_field);
  CAF_CHECK_EQUAL(must(store->stored_seq("nothing")), 0u);
}

CAF_TEST(a replayed batch of every kind of record changes nothing) {
  auto store = open();
  WriteBatch b;
  for (uint64_t i = 1; i <= 20; ++i)
    b.trades.push_back(trade(i % 2 ? "A" : "B", i));
  b.orders = {order(1, "alice", "A", 10, 10), order(1, "alice", "A", 10, 20, OrderStatus::filled),
              order(2, "bob", "B", 11, 11, OrderStatus::canceled)};
  b.deposits = {deposit(1, "alice", 5), deposit(2, "bob", 6)};
  b.candles = {candle("A", Interval::m1, 0), candle("A", Interval::m1, 60'000, "102")};
  b.positions = {{"A", 7}, {"B", 9}, {"deposits", 2}};
  must(store->write(b));
  // Everything a reader sees, as one string per query, before and after the replay.
  auto snapshot = [&] {
    std::vector<std::string> out;
    for (const char* m : {"A", "B"}) {
      std::string s = m;
      for (const auto& t : must(store->recent_trades(m, 100, kAboveNewestTrade)))
        s += " t" + std::to_string(t.trade_id) + "@" + t.price.to_string();
      for (const auto& o : must(store->orders_of("alice", m, 100, {})))
        s += " o" + std::to_string(o.order_id) + name_of(o.status);
      for (const auto& c : must(store->candles(m, Interval::m1, 0, INT64_MAX)))
        s += " c" + std::to_string(c.start_ms) + c.close.to_string();
      s += " n" + std::to_string(must(store->trade_count(m)));
      s += " s" + std::to_string(must(store->stored_seq(m)));
      out.push_back(s);
    }
    for (const auto& d : must(store->deposits_of("alice")))
      out.push_back("d" + std::to_string(d.deposit_id) + d.amount.to_string());
    out.push_back(std::to_string(query_int("SELECT COUNT(*) FROM trades")) + " trades, " +
                  std::to_string(query_int("SELECT COUNT(*) FROM orders")) + " orders, " +
                  std::to_string(query_int("SELECT COUNT(*) FROM candles")) + " candles");
    return out;
  };
  auto before = snapshot();
  must(store->write(b));
  must(store->write(b));
  CAF_CHECK_EQUAL(snapshot(), before);
  CAF_CHECK_EQUAL(before.back(), "20 trades, 2 orders, 2 candles");
  CAF_CHECK(must(store->order(1)).status == OrderStatus::filled);
  CAF_CHECK_EQUAL(must(store->trade_count("A")), 10u);
}

CAF_TEST_FIXTURE_SCOPE_END()
