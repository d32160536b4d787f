#include "storage/sqlite_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "storage/sqlite_db.hpp"
#include "storage/sqlite_schema.hpp"

namespace ex {
namespace {

using sqlite::ResetOnExit;
using sqlite::Stmt;

constexpr int kBusyTimeoutMs = 5000;

// --- SQL. Column lists are in one place per table; readers take columns by position. ---

constexpr const char* kOrderColumns =
    "order_id, client_order_id, market, user_id, side, kind, tif, post_only, product, price, "
    "quantity, quote_quantity, executed, executed_quote, status, time_ms, update_ms";

// An order's identity (order_id, market, user_id, time_ms) is not updated: it never changes,
// and leaving it out of SET spares the orders_by_user index on every state change.
constexpr const char* kUpsertOrder =
    "INSERT INTO orders (order_id, client_order_id, market, user_id, side, kind, tif, "
    "post_only, product, price, quantity, quote_quantity, executed, executed_quote, status, "
    "time_ms, update_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17) "
    "ON CONFLICT (order_id) DO UPDATE SET client_order_id = excluded.client_order_id, "
    "side = excluded.side, kind = excluded.kind, tif = excluded.tif, "
    "post_only = excluded.post_only, product = excluded.product, price = excluded.price, "
    "quantity = excluded.quantity, quote_quantity = excluded.quote_quantity, "
    "executed = excluded.executed, executed_quote = excluded.executed_quote, "
    "status = excluded.status, update_ms = excluded.update_ms "
    "WHERE excluded.update_ms >= orders.update_ms";

// DO NOTHING (not INSERT OR IGNORE): only a duplicate key is ignored; a NOT NULL or CHECK
// violation still fails the write.
constexpr const char* kInsertTrade =
    "INSERT INTO trades (market, trade_id, price, qty, buy_order_id, sell_order_id, buyer, "
    "seller, buyer_maker, time_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT (market, trade_id) DO NOTHING";

constexpr const char* kCountTrades =
    "INSERT INTO trade_counts (market, trades) VALUES (?1, ?2) "
    "ON CONFLICT (market) DO UPDATE SET trades = trades + excluded.trades";

constexpr const char* kInsertDeposit =
    "INSERT INTO deposits (deposit_id, user_id, asset, amount, time_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (deposit_id) DO NOTHING";

constexpr const char* kUpsertCandle =
    "INSERT INTO candles (market, interval, start_ms, open, high, low, close, volume, trades) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (market, interval, start_ms) DO UPDATE SET open = excluded.open, "
    "high = excluded.high, low = excluded.low, close = excluded.close, "
    "volume = excluded.volume, trades = excluded.trades";

constexpr const char* kCandles =
    "SELECT start_ms, open, high, low, close, volume, trades FROM candles "
    "WHERE market = ?1 AND interval = ?2 AND start_ms BETWEEN ?3 AND ?4 ORDER BY start_ms";

constexpr const char* kTradeCount = "SELECT trades FROM trade_counts WHERE market = ?1";
// MAX over a prefix of the primary key: one descent of the b-tree, not a scan.
constexpr const char* kMaxTradeId = "SELECT MAX(trade_id) FROM trades WHERE market = ?1";
constexpr const char* kMaxOrderId = "SELECT MAX(order_id) FROM orders WHERE market = ?1";
constexpr const char* kCloseOpenOrders =
    "UPDATE orders SET status = 'CANCELED', update_ms = ?2 "
    "WHERE market = ?1 AND status IN ('NEW', 'PARTIALLY_FILLED')";

constexpr const char* kUpsertPosition =
    "INSERT INTO stream_positions (stream, seq) VALUES (?1, ?2) "
    "ON CONFLICT (stream) DO UPDATE SET seq = MAX(seq, excluded.seq)";
constexpr const char* kStoredSeq = "SELECT seq FROM stream_positions WHERE stream = ?1";

constexpr const char* kDepositsOf =
    "SELECT deposit_id, asset, amount, time_ms FROM deposits WHERE user_id = ?1 "
    "ORDER BY time_ms, deposit_id";

std::string orders_query(const char* where) {
  return std::string("SELECT ") + kOrderColumns + " FROM orders WHERE " + where;
}

// `from`: the table, and the index to read it by where SQLite would not pick it itself.
std::string trades_query(const char* where, const char* from = "trades") {
  return std::string(
             "SELECT trade_id, price, qty, buy_order_id, sell_order_id, buyer, seller, "
             "buyer_maker, time_ms FROM ") +
         from + " WHERE " + where;
}

// --- Values between C++ and SQLite. ---

constexpr uint64_t kMaxId = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

Error id_out_of_range(const char* what, uint64_t id) {
  return make_error(ErrorCode::invalid_field, std::string("storage: ") + what + " " +
                                                  std::to_string(id) +
                                                  " is above 2^63-1 and cannot be stored");
}

int64_t limit_of(size_t limit) {
  return limit > kMaxId ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(limit);
}

template <class Enum>
bool read_enum(const Stmt& s, int column, Enum& out) {
  return parse_name(s.text_view_at(column), out);
}

Result<OrderInfo> order_from_row(const Stmt& s) {
  OrderInfo o;
  o.order_id = static_cast<uint64_t>(s.int_at(0));
  o.client_order_id = s.text_at(1);
  o.market = s.text_at(2);
  o.user_id = s.text_at(3);
  if (!read_enum(s, 4, o.side) || !read_enum(s, 5, o.kind) || !read_enum(s, 6, o.tif) ||
      !read_enum(s, 8, o.product) || !read_enum(s, 14, o.status))
    return make_error(ErrorCode::internal,
                      "storage: order " + std::to_string(o.order_id) + " has an unknown enum name");
  o.post_only = s.int_at(7) != 0;
  o.price = Decimal::from_units(s.int_at(9));
  o.quantity = Decimal::from_units(s.int_at(10));
  o.quote_quantity = Decimal::from_units(s.int_at(11));
  o.executed = Decimal::from_units(s.int_at(12));
  o.executed_quote = Decimal::from_units(s.int_at(13));
  o.time_ms = s.int_at(15);
  o.update_ms = s.int_at(16);
  return o;
}

// Steps `s` to its end, handing each row to `on_row` (which returns Result<bool>).
template <class OnRow>
Result<bool> for_each_row(Stmt& s, std::string_view what, OnRow on_row) {
  ResetOnExit reset(s);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    if (auto r = on_row(s); !r) return r;
  }
  if (rc != SQLITE_DONE) return sqlite::error_of(s.db(), rc, what);
  return true;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(sqlite::DbHandle db) : db_(std::move(db)) {}

  Result<bool> prepare_all() {
    struct Entry {
      Stmt* stmt;
      std::string sql;
    };
    const Entry entries[] = {
        {&begin_, "BEGIN IMMEDIATE"},
        {&commit_, "COMMIT"},
        {&rollback_, "ROLLBACK"},
        {&upsert_order_, kUpsertOrder},
        {&insert_trade_, kInsertTrade},
        {&count_trades_, kCountTrades},
        {&insert_deposit_, kInsertDeposit},
        {&upsert_candle_, kUpsertCandle},
        {&recent_trades_,
         trades_query("market = ?1 AND trade_id < ?3 ORDER BY trade_id DESC LIMIT ?2")},
        // Each side newest first and limited on its own index, then the two merged. Named:
        // without statistics SQLite prefers walking the market's trades backwards by key
        // (0.24 s for a user with one trade among a million, against 0.2 ms by index).
        {&trades_of_user_,
         "SELECT * FROM (" +
             trades_query("market = ?1 AND buyer = ?2 AND trade_id < ?4 ORDER BY trade_id DESC "
                          "LIMIT ?3",
                          "trades INDEXED BY trades_by_buyer") +
             ") UNION ALL SELECT * FROM (" +
             trades_query("market = ?1 AND seller = ?2 AND buyer <> ?2 AND trade_id < ?4 "
                          "ORDER BY trade_id DESC LIMIT ?3",
                          "trades INDEXED BY trades_by_seller") +
             ") ORDER BY trade_id DESC LIMIT ?3"},
        {&candles_, kCandles},
        {&orders_of_market_,
         orders_query("user_id = ?1 AND market = ?2 AND (time_ms, order_id) < (?4, ?5) "
                      "ORDER BY time_ms DESC, order_id DESC LIMIT ?3")},
        {&orders_of_user_, orders_query("user_id = ?1 AND (time_ms, order_id) < (?3, ?4) "
                                        "ORDER BY time_ms DESC, order_id DESC LIMIT ?2")},
        {&order_, orders_query("order_id = ?1")},
        {&trade_count_, kTradeCount},
        {&max_trade_id_, kMaxTradeId},
        {&max_order_id_, kMaxOrderId},
        {&close_open_orders_, kCloseOpenOrders},
        {&deposits_of_, kDepositsOf},
        {&upsert_position_, kUpsertPosition},
        {&stored_seq_, kStoredSeq},
        {&ping_, "SELECT COUNT(*) FROM schema_version"},
    };
    for (const Entry& e : entries) {
      auto s = Stmt::prepare(db_.get(), e.sql.c_str());
      if (!s) return s.error();
      *e.stmt = std::move(*s);
    }
    return true;
  }

  Result<bool> write(const WriteBatch& batch) override {
    if (batch.empty()) return true;
    if (auto r = begin_.run("begin write"); !r) return r;
    auto r = write_rows(batch);
    if (r) r = commit_.run("commit write");
    if (!r && !sqlite3_get_autocommit(db_.get())) rollback_.run("rollback write");
    return r;
  }

  Result<std::vector<TradeRecord>> recent_trades(const std::string& market, size_t limit,
                                                 uint64_t before) override {
    recent_trades_.bind(1, market);
    recent_trades_.bind(2, limit_of(limit));
    recent_trades_.bind(3, id_bound(before));
    return read_trades(recent_trades_, market, "recent trades");
  }

  Result<std::vector<TradeRecord>> trades_of(const std::string& user_id, const std::string& market,
                                             size_t limit, uint64_t before) override {
    trades_of_user_.bind(1, market);
    trades_of_user_.bind(2, user_id);
    trades_of_user_.bind(3, limit_of(limit));
    trades_of_user_.bind(4, id_bound(before));
    return read_trades(trades_of_user_, market, "trades of a user");
  }

  Result<std::vector<Candle>> candles(const std::string& market, Interval interval, int64_t from_ms,
                                      int64_t to_ms) override {
    std::vector<Candle> out;
    candles_.bind(1, market);
    candles_.bind(2, std::string_view(interval_name(interval)));
    candles_.bind(3, from_ms);
    candles_.bind(4, to_ms);
    auto r = for_each_row(candles_, "candles", [&](const Stmt& s) -> Result<bool> {
      Candle c;
      c.start_ms = s.int_at(0);
      c.open = Decimal::from_units(s.int_at(1));
      c.high = Decimal::from_units(s.int_at(2));
      c.low = Decimal::from_units(s.int_at(3));
      c.close = Decimal::from_units(s.int_at(4));
      c.volume = Decimal::from_units(s.int_at(5));
      c.trades = s.int_at(6);
      out.push_back(c);
      return true;
    });
    if (!r) return r.error();
    return out;
  }

  Result<std::vector<OrderInfo>> orders_of(const std::string& user_id, const std::string& market,
                                           size_t limit, const OrderCursor& before) override {
    std::vector<OrderInfo> out;
    Stmt& s = market.empty() ? orders_of_user_ : orders_of_market_;
    s.bind(1, user_id);
    int next = 2;
    if (!market.empty()) s.bind(next++, market);
    s.bind(next++, limit_of(limit));
    s.bind(next++, before.time_ms);
    s.bind(next, id_bound(before.order_id));
    auto r = for_each_row(s, "orders of user", [&](const Stmt& row) -> Result<bool> {
      auto o = order_from_row(row);
      if (!o) return o.error();
      out.push_back(std::move(*o));
      return true;
    });
    if (!r) return r.error();
    return out;
  }

  Result<OrderInfo> order(uint64_t order_id) override {
    if (order_id > kMaxId) return order_not_found(order_id);
    order_.bind(1, static_cast<int64_t>(order_id));
    ResetOnExit reset(order_);
    int rc = order_.step();
    if (rc == SQLITE_DONE) return order_not_found(order_id);
    if (rc != SQLITE_ROW) return sqlite::error_of(db_.get(), rc, "order");
    return order_from_row(order_);
  }

  Result<uint64_t> trade_count(const std::string& market) override {
    return single_int(trade_count_, market, "trade count");
  }

  Result<uint64_t> max_trade_id(const std::string& market) override {
    return single_int(max_trade_id_, market, "max trade id");
  }

  Result<uint64_t> max_order_id(const std::string& market) override {
    return single_int(max_order_id_, market, "max order id");
  }

  Result<uint64_t> stored_seq(const std::string& stream) override {
    return single_int(stored_seq_, stream, "stored seq");
  }

  Result<uint64_t> close_open_orders(const std::string& market, int64_t time_ms) override {
    close_open_orders_.bind(1, market);
    close_open_orders_.bind(2, time_ms);
    ResetOnExit reset(close_open_orders_);
    int rc = close_open_orders_.step();
    if (rc != SQLITE_DONE) return sqlite::error_of(db_.get(), rc, "close open orders");
    return static_cast<uint64_t>(sqlite3_changes(db_.get()));
  }

  Result<std::vector<DepositRecord>> deposits_of(const std::string& user_id) override {
    std::vector<DepositRecord> out;
    deposits_of_.bind(1, user_id);
    auto r = for_each_row(deposits_of_, "deposits of user", [&](const Stmt& s) -> Result<bool> {
      DepositRecord d;
      d.deposit_id = static_cast<uint64_t>(s.int_at(0));
      d.user_id = user_id;
      d.asset = s.text_at(1);
      d.amount = Decimal::from_units(s.int_at(2));
      d.time_ms = s.int_at(3);
      out.push_back(std::move(d));
      return true;
    });
    if (!r) return r.error();
    return out;
  }

  Result<bool> ping() override {
    return for_each_row(ping_, "ping", [](const Stmt&) -> Result<bool> { return true; });
  }

 private:
  // The rows of a statement selecting the trade columns of `market`.
  Result<std::vector<TradeRecord>> read_trades(Stmt& stmt, const std::string& market,
                                               const char* what) {
    std::vector<TradeRecord> out;
    auto r = for_each_row(stmt, what, [&](const Stmt& s) -> Result<bool> {
      TradeRecord t;
      t.market = market;
      t.trade_id = static_cast<uint64_t>(s.int_at(0));
      t.price = Decimal::from_units(s.int_at(1));
      t.qty = Decimal::from_units(s.int_at(2));
      t.buy_order_id = static_cast<uint64_t>(s.int_at(3));
      t.sell_order_id = static_cast<uint64_t>(s.int_at(4));
      t.buyer = s.text_at(5);
      t.seller = s.text_at(6);
      t.buyer_maker = s.int_at(7) != 0;
      t.time_ms = s.int_at(8);
      out.push_back(std::move(t));
      return true;
    });
    if (!r) return r.error();
    return out;
  }

  // The first column of the first row as a count or id; 0 if no row or NULL.
  Result<uint64_t> single_int(Stmt& s, const std::string& key, std::string_view what) {
    s.bind(1, key);
    ResetOnExit reset(s);
    int rc = s.step();
    if (rc == SQLITE_DONE) return uint64_t{0};
    if (rc != SQLITE_ROW) return sqlite::error_of(db_.get(), rc, what);
    return static_cast<uint64_t>(s.int_at(0));  // NULL reads as 0
  }

  // Inside the write transaction. Any error aborts the batch (the caller rolls back).
  Result<bool> write_rows(const WriteBatch& b) {
    if (auto r = write_trades(b.trades); !r) return r;
    for (const OrderInfo& o : b.orders)
      if (auto r = write_order(o); !r) return r;
    for (const DepositRecord& d : b.deposits)
      if (auto r = write_deposit(d); !r) return r;
    for (const CandleRecord& c : b.candles)
      if (auto r = write_candle(c); !r) return r;
    for (const StreamPosition& p : b.positions)
      if (auto r = write_position(p); !r) return r;
    return true;
  }

  Result<bool> write_position(const StreamPosition& p) {
    if (p.seq > kMaxId) return id_out_of_range("stream seq", p.seq);
    upsert_position_.bind(1, p.stream);
    upsert_position_.bind(2, static_cast<int64_t>(p.seq));
    return upsert_position_.run("store stream position");
  }

  Result<bool> write_trades(const std::vector<TradeRecord>& trades) {
    if (trades.empty()) return true;
    // Trades inserted per market, for trade_counts. A batch rarely spans more than a few
    // markets, so a linear list beats a map.
    added_.clear();
    for (const TradeRecord& t : trades) {
      if (t.trade_id > kMaxId) return id_out_of_range("trade_id", t.trade_id);
      if (t.buy_order_id > kMaxId) return id_out_of_range("buy_order_id", t.buy_order_id);
      if (t.sell_order_id > kMaxId) return id_out_of_range("sell_order_id", t.sell_order_id);
      Stmt& s = insert_trade_;
      s.bind(1, t.market);
      s.bind(2, static_cast<int64_t>(t.trade_id));
      s.bind(3, t.price.units());
      s.bind(4, t.qty.units());
      s.bind(5, static_cast<int64_t>(t.buy_order_id));
      s.bind(6, static_cast<int64_t>(t.sell_order_id));
      s.bind(7, t.buyer);
      s.bind(8, t.seller);
      s.bind(9, int64_t{t.buyer_maker ? 1 : 0});
      s.bind(10, t.time_ms);
      if (auto r = s.run("insert trade"); !r) return r;
      if (s.changes() == 0) continue;  // already stored
      if (added_.empty() || added_.back().first != t.market) {
        auto it = added_.begin();
        while (it != added_.end() && it->first != t.market)
          ++it;
        if (it == added_.end()) {
          added_.emplace_back(t.market, 0);
        } else {
          std::iter_swap(it, added_.end() - 1);  // keep the current market last
        }
      }
      ++added_.back().second;
    }
    for (const auto& [market, count] : added_) {
      count_trades_.bind(1, market);
      count_trades_.bind(2, count);
      if (auto r = count_trades_.run("count trades"); !r) return r;
    }
    return true;
  }

  Result<bool> write_order(const OrderInfo& o) {
    if (o.order_id > kMaxId) return id_out_of_range("order_id", o.order_id);
    Stmt& s = upsert_order_;
    s.bind(1, static_cast<int64_t>(o.order_id));
    s.bind(2, o.client_order_id);
    s.bind(3, o.market);
    s.bind(4, o.user_id);
    s.bind(5, std::string_view(name_of(o.side)));
    s.bind(6, std::string_view(name_of(o.kind)));
    s.bind(7, std::string_view(name_of(o.tif)));
    s.bind(8, int64_t{o.post_only ? 1 : 0});
    s.bind(9, std::string_view(name_of(o.product)));
    s.bind(10, o.price.units());
    s.bind(11, o.quantity.units());
    s.bind(12, o.quote_quantity.units());
    s.bind(13, o.executed.units());
    s.bind(14, o.executed_quote.units());
    s.bind(15, std::string_view(name_of(o.status)));
    s.bind(16, o.time_ms);
    s.bind(17, o.update_ms);
    return s.run("upsert order");
  }

  Result<bool> write_deposit(const DepositRecord& d) {
    if (d.deposit_id > kMaxId) return id_out_of_range("deposit_id", d.deposit_id);
    Stmt& s = insert_deposit_;
    s.bind(1, static_cast<int64_t>(d.deposit_id));
    s.bind(2, d.user_id);
    s.bind(3, d.asset);
    s.bind(4, d.amount.units());
    s.bind(5, d.time_ms);
    return s.run("insert deposit");
  }

  Result<bool> write_candle(const CandleRecord& c) {
    Stmt& s = upsert_candle_;
    s.bind(1, c.market);
    s.bind(2, std::string_view(interval_name(c.interval)));
    s.bind(3, c.candle.start_ms);
    s.bind(4, c.candle.open.units());
    s.bind(5, c.candle.high.units());
    s.bind(6, c.candle.low.units());
    s.bind(7, c.candle.close.units());
    s.bind(8, c.candle.volume.units());
    s.bind(9, c.candle.trades);
    return s.run("upsert candle");
  }

  // The connection first: members are destroyed in reverse order, so every statement is
  // finalized before the connection closes.
  sqlite::DbHandle db_;
  Stmt begin_, commit_, rollback_;
  Stmt upsert_order_, insert_trade_, count_trades_, insert_deposit_, upsert_candle_;
  Stmt recent_trades_, trades_of_user_, candles_, orders_of_market_, orders_of_user_, order_;
  Stmt trade_count_, max_trade_id_, max_order_id_, close_open_orders_, deposits_of_, ping_;
  Stmt upsert_position_, stored_seq_;
  std::vector<std::pair<std::string, int64_t>> added_;  // write_trades' scratch, reused
};

Error at_path(const Error& e, const std::string& path) {
  if (e.message.find(path) != std::string::npos) return e;
  return make_error(e.code, e.message + " [" + path + "]");
}

// Journal mode and sync level. WAL is a property of the file (it persists), so a file
// already in WAL mode is only asked. Switching a new file needs a lock that another
// connection may hold (say, one creating the schema), and SQLite answers "locked" at once
// there instead of using the busy handler, so the switch is retried until the busy
// timeout. Checking the answer catches file systems where WAL cannot work.
Result<bool> configure(sqlite3* db, int64_t cache_kib) {
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (const char* sql : {"PRAGMA journal_mode", "PRAGMA journal_mode = WAL"}) {
    auto mode = Stmt::prepare(db, sql);
    if (!mode) return mode.error();
    ResetOnExit reset(*mode);
    int rc = mode->step();
    while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
           std::chrono::steady_clock::now() < give_up) {
      mode->reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      rc = mode->step();
    }
    if (rc != SQLITE_ROW) return sqlite::error_of(db, rc, "set WAL journal mode");
    std::string_view got = mode->text_view_at(0);
    if (got == "wal" || got == "memory") break;  // ":memory:" databases have no journal file
    if (std::string_view(sql).back() == 'L')
      return make_error(ErrorCode::unavailable,
                        "sqlite: cannot use WAL journal mode (got '" + std::string(got) + "')");
  }
  // Checkpoints stay at SQLite's default, every 1,000 pages: every 16,384 took 2 us of
  // the writer's CPU per order off, but each held the disk long enough to make the
  // journal's group commits wait (p99.9 from 11 to 30 ms).
  const std::string pragmas =
      "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -" + std::to_string(cache_kib);
  return sqlite::exec(db, pragmas.c_str());
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, int64_t cache_kib) {
  auto db = sqlite::open_db(path);
  if (!db) return at_path(db.error(), path);
  if (auto r = configure(db->get(), cache_kib); !r) return at_path(r.error(), path);
  if (auto r = sqlite::migrate(db->get()); !r) return at_path(r.error(), path);
  auto store = std::make_unique<SqliteStore>(std::move(*db));
  if (auto r = store->prepare_all(); !r) return at_path(r.error(), path);
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace ex
