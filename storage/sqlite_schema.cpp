#include "storage/sqlite_schema.hpp"

#include <sqlite3.h>

#include <string>

#include "storage/sqlite_db.hpp"

namespace ex::sqlite {
namespace {

// Conventions of every table:
//  - Money (prices, quantities, amounts, volumes) is INTEGER: the exact count of 1e-8
//    units of a Decimal (1.5 is stored as 150000000). Never REAL: sums and comparisons in
//    SQL stay exact, and a value reads back bit for bit.
//  - Ids are INTEGER, below 2^63 (SQLite integers are signed 64-bit).
//  - Times are INTEGER unix milliseconds, UTC.
//  - Enums are TEXT names (actors/common/domain.hpp name_of(): 'buy', 'GTC', 'PARTIALLY_FILLED';
//    intervals '1m' ... '1w'), checked by CHECK constraints; booleans are 0/1.
//  - Tables keyed by a composite key are WITHOUT ROWID: the rows live in the key's b-tree,
//    so an insert touches one b-tree, not a table plus a unique index, and a key-range scan
//    ("latest trades of a market") reads rows in key order with no lookup back.
constexpr const char* kV1 = R"sql(
CREATE TABLE orders (
  order_id        INTEGER PRIMARY KEY,  -- the rowid: a lookup by id is one b-tree search
  client_order_id TEXT    NOT NULL,     -- '' when none
  market          TEXT    NOT NULL,
  user_id         TEXT    NOT NULL,
  side            TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  kind            TEXT    NOT NULL CHECK (kind IN ('limit', 'market')),
  tif             TEXT    NOT NULL CHECK (tif IN ('GTC', 'IOC', 'FOK')),
  post_only       INTEGER NOT NULL CHECK (post_only IN (0, 1)),
  product         TEXT    NOT NULL CHECK (product IN ('intraday', 'delivery')),
  price           INTEGER NOT NULL,     -- units; 0 for market orders
  quantity        INTEGER NOT NULL,     -- units; 0 for a market buy by quote amount
  quote_quantity  INTEGER NOT NULL,     -- units
  executed        INTEGER NOT NULL,     -- units of base filled so far
  executed_quote  INTEGER NOT NULL,     -- units of quote paid or received so far
  status          TEXT    NOT NULL CHECK (status IN ('NEW', 'PARTIALLY_FILLED', 'FILLED',
                                                     'CANCELED', 'EXPIRED', 'REJECTED')),
  time_ms         INTEGER NOT NULL,     -- accepted
  update_ms       INTEGER NOT NULL      -- last change: the newer state has the higher one
);
-- A user's history in a market, newest first: one index range read backwards. Its columns
-- never change after an order's first write, so state updates leave the index alone. (A
-- query over all of a user's markets sorts that user's orders: fine for a rare query.)
CREATE INDEX orders_by_user ON orders (user_id, market, time_ms, order_id);

CREATE TABLE trades (
  market        TEXT    NOT NULL,
  trade_id      INTEGER NOT NULL,       -- increasing within a market: newest = highest
  price         INTEGER NOT NULL,       -- units
  qty           INTEGER NOT NULL,       -- units of base
  buy_order_id  INTEGER NOT NULL,
  sell_order_id INTEGER NOT NULL,
  buyer         TEXT    NOT NULL,       -- user ids
  seller        TEXT    NOT NULL,
  buyer_maker   INTEGER NOT NULL CHECK (buyer_maker IN (0, 1)),
  time_ms       INTEGER NOT NULL,
  PRIMARY KEY (market, trade_id)
) WITHOUT ROWID;

-- Trades per market, so counting is O(1) rather than a scan of the market's trades.
-- Invariant: trades = (SELECT COUNT(*) FROM trades WHERE trades.market = market); the
-- store's write() keeps it in the same transaction as the inserts it counts.
CREATE TABLE trade_counts (
  market TEXT    PRIMARY KEY,
  trades INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE deposits (
  deposit_id INTEGER PRIMARY KEY,
  user_id    TEXT    NOT NULL,
  asset      TEXT    NOT NULL,
  amount     INTEGER NOT NULL,          -- units
  time_ms    INTEGER NOT NULL
);
CREATE INDEX deposits_by_user ON deposits (user_id, time_ms, deposit_id);

CREATE TABLE candles (
  market   TEXT    NOT NULL,
  interval TEXT    NOT NULL CHECK (interval IN ('1m', '5m', '15m', '30m', '1h', '4h', '1d',
                                                '1w')),
  start_ms INTEGER NOT NULL,            -- bucket start (weeks start on Monday, UTC)
  open     INTEGER NOT NULL,            -- units
  high     INTEGER NOT NULL,
  low      INTEGER NOT NULL,
  close    INTEGER NOT NULL,
  volume   INTEGER NOT NULL,            -- units of base
  trades   INTEGER NOT NULL,
  PRIMARY KEY (market, interval, start_ms)
) WITHOUT ROWID;
)sql";

// Where the stored rows reach in each journal (storage/store.hpp, StreamPosition).
constexpr const char* kV2 = R"sql(
CREATE TABLE stream_positions (
  stream TEXT    PRIMARY KEY,           -- a market symbol, or 'deposits'
  seq    INTEGER NOT NULL               -- journal command sequence, below 2^63
) WITHOUT ROWID;
)sql";

// A user's trades (GET /api/v1/fills): without these, a scan of the market's trades.
constexpr const char* kV3 = R"sql(
CREATE INDEX trades_by_buyer ON trades (market, buyer, trade_id);
CREATE INDEX trades_by_seller ON trades (market, seller, trade_id);
)sql";

constexpr const char* kVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version     INTEGER PRIMARY KEY,
  description TEXT    NOT NULL,
  applied_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
)sql";

Result<bool> rollback(sqlite3* db) {
  if (sqlite3_get_autocommit(db)) return true;  // SQLite already rolled back
  return exec(db, "ROLLBACK");
}

// Applies one migration unless another connection got there first. Called with no
// transaction open.
Result<bool> apply(sqlite3* db, const Migration& m) {
  if (auto r = exec(db, "BEGIN IMMEDIATE"); !r) return r;
  auto fail = [db, &m](const Error& e) -> Result<bool> {
    rollback(db);
    return make_error(e.code, "migration " + std::to_string(m.version) + " (" + m.description +
                                  ") failed: " + e.message);
  };
  auto version = schema_version(db);
  if (!version) return fail(version.error());
  if (*version >= m.version) return exec(db, "COMMIT");
  if (*version != m.version - 1)
    return fail(make_error(ErrorCode::internal, "database is at version " +
                                                    std::to_string(*version) + ", expected " +
                                                    std::to_string(m.version - 1)));
  if (auto r = exec(db, m.sql); !r) return fail(r.error());
  auto record =
      Stmt::prepare(db, "INSERT INTO schema_version (version, description) VALUES (?, ?)");
  if (!record) return fail(record.error());
  record->bind(1, int64_t{m.version});
  record->bind(2, std::string_view(m.description));
  if (auto r = record->run("record schema version"); !r) return fail(r.error());
  if (auto r = exec(db, "COMMIT"); !r) return fail(r.error());
  return true;
}

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "orders, trades, trade_counts, deposits, candles", kV1},
      {2, "stream_positions", kV2},
      {3, "trades by buyer and by seller", kV3},
  };
  return kMigrations;
}

Result<int> schema_version(sqlite3* db) {
  auto stmt = Stmt::prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!stmt) return stmt.error();
  ResetOnExit reset(*stmt);
  int rc = stmt->step();
  if (rc != SQLITE_ROW) return error_of(db, rc, "read schema version");
  return static_cast<int>(stmt->int_at(0));
}

Result<int> migrate(sqlite3* db, const std::vector<Migration>& list) {
  if (auto r = exec(db, kVersionTable); !r) return r.error();
  int latest = list.empty() ? 0 : list.back().version;
  auto version = schema_version(db);
  if (!version) return version.error();
  if (*version > latest)
    return make_error(ErrorCode::internal, "database schema version " + std::to_string(*version) +
                                               " is newer than this program's (" +
                                               std::to_string(latest) + "): refusing to use it");
  for (const Migration& m : list) {
    if (m.version <= *version) continue;
    if (auto r = apply(db, m); !r) return r.error();
  }
  return schema_version(db);
}

}  // namespace ex::sqlite
