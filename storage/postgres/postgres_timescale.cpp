#include "storage/postgres/postgres_timescale.hpp"

#include <pqxx/nontransaction>

#include "storage/postgres/postgres_error.hpp"

namespace ex::pg {
namespace {

constexpr int64_t kMondayOffsetMs = 4 * 24 * 3600 * 1000LL;  // 1970-01-01 was a Thursday

// Hypertables need the time column in every unique index, so trades' key gains time_ms.
// A replayed trade carries the same time_ms as the stored one, so it still conflicts and is
// ignored (the store inserts with a target-less ON CONFLICT DO NOTHING for this reason).
constexpr const char* kHypertable = R"sql(
CREATE EXTENSION IF NOT EXISTS timescaledb;
ALTER TABLE trades DROP CONSTRAINT trades_pkey;
ALTER TABLE trades ADD PRIMARY KEY (market, trade_id, time_ms);
SELECT create_hypertable('trades', 'time_ms', chunk_time_interval => BIGINT '86400000',
                         migrate_data => true);
-- Integer time needs a "now" for refresh policies: unix milliseconds.
CREATE FUNCTION exchange_now_ms() RETURNS BIGINT LANGUAGE SQL STABLE
  AS $$ SELECT (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT $$;
SELECT set_integer_now_func('trades', 'exchange_now_ms');
)sql";

// One continuous aggregate per interval, with the candle rules of actors/market/candles.cpp:
// open/close are the first/last trade by trade_id, volume the base quantity, and weeks
// start on Monday. The refresh policy re-materializes every invalidated bucket (no start
// offset: a writer catching up after an outage may insert old trades) up to the bucket in
// progress, which real-time aggregation computes from the raw trades. `volume`: the
// volume's expression (migrations are never edited once applied, so each keeps its own).
std::string aggregate(Interval interval, const char* volume) {
  std::string view = candle_view(interval);
  std::string width = std::to_string(interval_ms(interval));
  std::string bucket =
      "time_bucket(BIGINT '" + width + "', time_ms" +
      (interval == Interval::w1 ? ", BIGINT '" + std::to_string(kMondayOffsetMs) + "')"
                                : std::string(")"));
  std::string every = interval_ms(interval) <= 3600000 ? "1 minute" : "15 minutes";
  return "CREATE MATERIALIZED VIEW " + view +
         " WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS "
         "SELECT market, " +
         bucket +
         " AS start_ms, first(price, trade_id) AS open, "
         "max(price) AS high, min(price) AS low, last(price, trade_id) AS close, " +
         volume + " AS volume, count(*) AS trades FROM trades GROUP BY market, " + bucket +
         " WITH NO DATA;\n"
         "SELECT add_continuous_aggregate_policy('" +
         view + "', start_offset => NULL, end_offset => BIGINT '" + width +
         "', schedule_interval => INTERVAL '" + every + "');\n";
}

std::string aggregates_sql() {
  std::string sql;
  for (Interval i : kAllIntervals)
    sql += aggregate(i, "sum(qty)::BIGINT");
  return sql;
}

// A bucket's volume counts turnover, which can pass 2^63-1 units where no balance can
// (the same coins traded again and again): cast to BIGINT inside the view, it failed the
// refresh and the query. NUMERIC in the view; the store's query clamps it.
std::string numeric_volume_sql() {
  std::string sql;
  for (Interval i : kAllIntervals)
    sql += "DROP MATERIALIZED VIEW IF EXISTS " + candle_view(i) + ";\n" + aggregate(i, "sum(qty)");
  return sql;
}

}  // namespace

const std::vector<Migration>& timescale_migrations() {
  static const std::string kAggregates = aggregates_sql();
  static const std::string kNumericVolume = numeric_volume_sql();
  static const std::vector<Migration> kMigrations = {
      {1, "trades as a hypertable", kHypertable},
      {2, "candles_1m ... candles_1w as continuous aggregates with refresh policies",
       kAggregates.c_str()},
      {3, "candle volumes as NUMERIC in the continuous aggregates", kNumericVolume.c_str()},
  };
  return kMigrations;
}

Result<bool> timescaledb_available(pqxx::connection_base& conn) {
  try {
    pqxx::nontransaction tx{conn};
    return !tx.exec("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'").empty();
  } catch (...) {
    return current_error("look for timescaledb").error;
  }
}

std::string candle_view(Interval interval) {
  return std::string("candles_") + interval_name(interval);
}

}  // namespace ex::pg
