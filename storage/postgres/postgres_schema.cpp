#include "storage/postgres/postgres_schema.hpp"

#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "storage/postgres/postgres_error.hpp"

namespace ex::pg {
namespace {

// Conventions of every table (the same as the SQLite schema, sqlite_schema.cpp):
//  - Money (prices, quantities, amounts, volumes) is BIGINT: the exact count of 1e-8 units
//    of a Decimal (1.5 is stored as 150000000). Never REAL or NUMERIC: sums and comparisons
//    stay exact and a value reads back bit for bit.
//  - Ids are BIGINT, below 2^63. Times are BIGINT unix milliseconds, UTC.
//  - Enums are TEXT names (actors/common/domain.hpp name_of()), checked by CHECK
//    constraints; flags are BOOLEAN.
//  - Text in keys (market, user_id, stream) is COLLATE "C": compared as bytes, whatever the
//    database's locale, which keeps index inserts and lookups cheap; nothing sorts these
//    by language rules.
constexpr const char* kV1 = R"sql(
-- fillfactor 80: an order's state changes touch no indexed column, so with room on the page
-- PostgreSQL updates it in place (a HOT update) without touching any index.
CREATE TABLE orders (
  order_id        BIGINT  PRIMARY KEY,
  client_order_id TEXT    NOT NULL,     -- '' when none
  market          TEXT    COLLATE "C" NOT NULL,
  user_id         TEXT    COLLATE "C" NOT NULL,
  side            TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  kind            TEXT    NOT NULL CHECK (kind IN ('limit', 'market')),
  tif             TEXT    NOT NULL CHECK (tif IN ('GTC', 'IOC', 'FOK')),
  post_only       BOOLEAN NOT NULL,
  product         TEXT    NOT NULL CHECK (product IN ('intraday', 'delivery')),
  price           BIGINT  NOT NULL,     -- units; 0 for market orders
  quantity        BIGINT  NOT NULL,     -- units; 0 for a market buy by quote amount
  quote_quantity  BIGINT  NOT NULL,     -- units
  executed        BIGINT  NOT NULL,     -- units of base filled so far
  executed_quote  BIGINT  NOT NULL,     -- units of quote paid or received so far
  status          TEXT    NOT NULL CHECK (status IN ('NEW', 'PARTIALLY_FILLED', 'FILLED',
                                                     'CANCELED', 'EXPIRED', 'REJECTED')),
  time_ms         BIGINT  NOT NULL,     -- accepted
  update_ms       BIGINT  NOT NULL      -- last change: the newer state has the higher one
) WITH (fillfactor = 80);
-- A user's history in a market, newest first. Its columns never change after an order's
-- first write.
CREATE INDEX orders_by_user ON orders (user_id, market, time_ms, order_id);
-- max_order_id and close_open_orders of a market: one index descent, not a scan.
CREATE INDEX orders_by_market ON orders (market, order_id);

CREATE TABLE trades (
  market        TEXT    COLLATE "C" NOT NULL,
  trade_id      BIGINT  NOT NULL,       -- increasing within a market: newest = highest
  price         BIGINT  NOT NULL,       -- units
  qty           BIGINT  NOT NULL,       -- units of base
  buy_order_id  BIGINT  NOT NULL,
  sell_order_id BIGINT  NOT NULL,
  buyer         TEXT    NOT NULL,       -- user ids
  seller        TEXT    NOT NULL,
  buyer_maker   BOOLEAN NOT NULL,
  time_ms       BIGINT  NOT NULL,
  PRIMARY KEY (market, trade_id)
);

-- Trades per market, so counting is O(1) rather than a scan of the market's trades.
-- Invariant: trades = (SELECT COUNT(*) FROM trades WHERE trades.market = market); the
-- store's write() keeps it in the same transaction as the inserts it counts.
CREATE TABLE trade_counts (
  market TEXT   COLLATE "C" PRIMARY KEY,
  trades BIGINT NOT NULL
);

CREATE TABLE deposits (
  deposit_id BIGINT PRIMARY KEY,
  user_id    TEXT   COLLATE "C" NOT NULL,
  asset      TEXT   NOT NULL,
  amount     BIGINT NOT NULL,           -- units
  time_ms    BIGINT NOT NULL
);
CREATE INDEX deposits_by_user ON deposits (user_id, time_ms, deposit_id);

-- Maintained by the writer. With TimescaleDB the continuous aggregates candles_1m ...
-- candles_1w are read instead (postgres_timescale.cpp); this table is then a spare copy.
CREATE TABLE candles (
  market   TEXT   COLLATE "C" NOT NULL,
  interval TEXT   NOT NULL CHECK (interval IN ('1m', '5m', '15m', '30m', '1h', '4h', '1d',
                                               '1w')),
  start_ms BIGINT NOT NULL,             -- bucket start (weeks start on Monday, UTC)
  open     BIGINT NOT NULL,             -- units
  high     BIGINT NOT NULL,
  low      BIGINT NOT NULL,
  close    BIGINT NOT NULL,
  volume   BIGINT NOT NULL,             -- units of base
  trades   BIGINT NOT NULL,
  PRIMARY KEY (market, interval, start_ms)
);

-- Where the stored rows reach in each journal (storage/store.hpp, StreamPosition).
CREATE TABLE stream_positions (
  stream TEXT   COLLATE "C" PRIMARY KEY,            -- a market symbol, or 'deposits'
  seq    BIGINT NOT NULL                -- journal command sequence, below 2^63
);
)sql";

// A user's trades (GET /api/v1/fills): without these, a scan of the market's trades.
constexpr const char* kV2 = R"sql(
CREATE INDEX trades_by_buyer ON trades (market, buyer, trade_id);
CREATE INDEX trades_by_seller ON trades (market, seller, trade_id);
)sql";

// Any 64-bit constant of our own: every process migrating this database takes this lock.
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(7346512873301205)";

constexpr const char* kVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  track       TEXT        NOT NULL,
  version     INTEGER     NOT NULL,
  description TEXT        NOT NULL,
  applied_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (track, version)
)
)sql";

int version_in(pqxx::transaction_base& tx, const std::string& track) {
  auto r = tx.exec_params("SELECT COALESCE(MAX(version), 0) FROM schema_version WHERE track = $1",
                          track);
  return r[0][0].as<int>();
}

std::string label(const std::string& track, const Migration& m) {
  return "migration " + track + " " + std::to_string(m.version) + " (" + m.description + ")";
}

// Applies the next migration of `list`, if any, and returns the version reached; `done`
// tells whether there was nothing left. One transaction under the advisory lock, which
// also covers creating schema_version (CREATE TABLE IF NOT EXISTS is not safe against a
// concurrent twin without it).
int apply_next(pqxx::connection_base& conn, const std::vector<Migration>& list,
               const std::string& track, bool* done, Error* refused) {
  pqxx::work tx{conn};
  tx.exec(kLock);
  tx.exec(kVersionTable);
  int version = version_in(tx, track);
  int latest = list.empty() ? 0 : list.back().version;
  *done = version >= latest;
  if (version > latest) {
    *refused =
        make_error(ErrorCode::internal, "database schema version " + std::to_string(version) +
                                            " (" + track + ") is newer than this program's (" +
                                            std::to_string(latest) + "): refusing to use it");
    return version;
  }
  if (*done) return version;  // the transaction rolls back: nothing was changed
  const Migration& m = list[static_cast<size_t>(version)];
  if (m.version != version + 1)
    throw std::logic_error(label(track, m) + ": migrations must be numbered 1, 2, 3, ...");
  tx.exec(m.sql);
  tx.exec_params("INSERT INTO schema_version (track, version, description) VALUES ($1, $2, $3)",
                 track, m.version, std::string(m.description));
  tx.commit();
  return m.version;
}

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "orders, trades, trade_counts, deposits, candles, stream_positions", kV1},
      {2, "trades by buyer and by seller", kV2},
  };
  return kMigrations;
}

Result<int> schema_version(pqxx::connection_base& conn, const std::string& track) {
  try {
    pqxx::nontransaction tx{conn};
    auto exists = tx.exec("SELECT to_regclass('schema_version') IS NOT NULL");
    if (!exists[0][0].as<bool>()) return 0;
    return version_in(tx, track);
  } catch (...) {
    return current_error("read schema version").error;
  }
}

Result<int> migrate(pqxx::connection_base& conn, const std::vector<Migration>& list,
                    const std::string& track) {
  int version = 0;
  for (bool done = false; !done;) {
    Error refused;
    size_t next = static_cast<size_t>(version);
    try {
      version = apply_next(conn, list, track, &done, &refused);
    } catch (...) {
      std::string what = next < list.size() ? label(track, list[next]) : "migration " + track;
      return current_error(what).error;
    }
    if (!refused.message.empty()) return refused;
  }
  return version;
}

}  // namespace ex::pg
