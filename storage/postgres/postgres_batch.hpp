// Writing one WriteBatch inside a PostgreSQL transaction: the SQL of write(), apart from
// connection handling (postgres_store.cpp).
//
// Each kind of row is sent in one go, by COPY into a session's temporary staging table then
// one INSERT ... SELECT ... ON CONFLICT (Load::copy), or by one multi-row INSERT ... VALUES
// (Load::values). Either way a batch costs a few round trips, not one per row. Trades, the
// bulk of the volume, first try COPY straight into their table (see copy_new_trades).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/common/status.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/store.hpp"

namespace pqxx {
class connection_base;
class dbtransaction;
}  // namespace pqxx

namespace ex::pg {

// Ids and sequence numbers are BIGINT: at most 2^63-1.
constexpr uint64_t kMaxId = 0x7fffffffffffffffULL;

// ErrorCode::invalid_field naming the first id of `batch` above kMaxId, if any: checked
// before anything is sent, so a refused batch leaves nothing.
Result<bool> check_ids(const WriteBatch& batch);

// Creates this session's staging tables (temporary, emptied at every commit). Call once
// per connection, after the migrations. Throws pqxx exceptions.
void create_staging(pqxx::connection_base& conn);

// Reused between batches so that merging duplicates allocates nothing in the steady state.
struct BatchScratch {
  std::vector<OrderInfo> orders;
  std::vector<CandleRecord> candles;
  std::vector<StreamPosition> positions;
  std::vector<std::pair<std::string, int64_t>> counts;  // new trades per market
  std::string sql;
};

// Writes every row of `batch` within `tx` (which the caller commits). Throws pqxx
// exceptions; the caller's transaction then rolls back whole.
void write_batch(pqxx::dbtransaction& tx, const WriteBatch& batch, PostgresTuning::Load load,
                 BatchScratch& scratch);

}  // namespace ex::pg
