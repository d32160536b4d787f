// TimescaleDB, used when the server offers the extension: trades become a hypertable
// (chunks of one day of time_ms) and every candle interval of API.md (1m 5m 15m 30m 1h 4h
// 1d 1w) a continuous aggregate over it, candles_1m ... candles_1w, refreshed by a policy
// and read in real time (materialized_only = false: the newest buckets are computed from
// the raw trades until the policy materializes them). candles() then reads those views and
// the writer-maintained candles table is a spare copy.
//
// Needs TimescaleDB 2.13 or newer (continuous aggregates with first()/last() and a bucket
// offset, for weeks starting on Monday), loaded by the server
// (shared_preload_libraries = 'timescaledb' in postgresql.conf), and a role allowed to
// CREATE EXTENSION. Debian has no TimescaleDB package, so this path is not exercised by the
// tests here; storage/postgres/README.md says how to enable it on a server.
#pragma once

#include <string>
#include <vector>

#include "actors/common/status.hpp"
#include "actors/market/candles.hpp"
#include "storage/postgres/postgres_schema.hpp"

namespace ex::pg {

// The migrations of the "timescaledb" track, oldest first.
const std::vector<Migration>& timescale_migrations();

// True if the server offers the timescaledb extension (installed or installable).
Result<bool> timescaledb_available(pqxx::connection_base& conn);

// The continuous aggregate holding `interval`'s candles: "candles_1m" ... "candles_1w".
std::string candle_view(Interval interval);

}  // namespace ex::pg
