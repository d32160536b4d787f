// The storage interface: the queryable, durable view of orders, trades, deposits and
// candles. The writer actor writes batches; the query paths read.
//
// The SQL store is derived data (DESIGN.md, "Durability"): the journals are the source of
// truth and the writer can always replay into it, so every write is idempotent — a replayed
// batch changes nothing. Errors are values: storage that cannot be reached (missing file,
// disk full, lock timeout) gives ErrorCode::unavailable; anything else ErrorCode::internal.
//
// Thread-safety: one Store instance owns one connection and must be used by one thread at
// a time. Several instances on the same database may be used concurrently from different
// threads (readers go on while the writer writes).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/common/domain.hpp"
#include "actors/common/status.hpp"
#include "actors/market/candles.hpp"
#include "actors/market/market_spec.hpp"

namespace ex {

struct CandleRecord {
  std::string market;
  Interval interval = Interval::m1;
  Candle candle;
};

template <class Inspector>
auto inspect(Inspector& f, CandleRecord& x) {
  return f(caf::meta::type_name("candle_record"), x.market, x.interval, x.candle);
}

// What one write() stores, in one transaction.
struct WriteBatch {
  // Upsert by order_id: a row keeps the newest state (higher update_ms wins; on equal
  // update_ms the later write wins). An order's identity — market, user_id, time_ms — is
  // fixed by its first write.
  std::vector<OrderInfo> orders;
  // Insert-or-ignore by (market, trade_id): a replayed batch is harmless.
  std::vector<TradeRecord> trades;
  // Insert-or-ignore by deposit_id.
  std::vector<DepositRecord> deposits;
  // Upsert by (market, interval, candle.start_ms): the last write wins.
  std::vector<CandleRecord> candles;
  // Upsert by stream, the higher seq wins. Written in the same transaction as the rows, so
  // after a crash the store says exactly where a catch-up from the journal must resume.
  std::vector<StreamPosition> positions;

  bool empty() const {
    return orders.empty() && trades.empty() && deposits.empty() && candles.empty() &&
           positions.empty();
  }
  void clear() {
    orders.clear();
    trades.clear();
    deposits.clear();
    candles.clear();
    positions.clear();
  }
};

template <class Inspector>
auto inspect(Inspector& f, WriteBatch& x) {
  return f(caf::meta::type_name("write_batch"), x.orders, x.trades, x.deposits, x.candles,
           x.positions);
}

// UNKNOWN_ORDER for an order storage does not have, named as clients know it.
inline Error order_not_found(uint64_t order_id) {
  return make_error(ErrorCode::unknown_order, "order " + order_id_text(order_id) + " not found");
}

// A page's `before` id as a column value (ids are signed 64-bit columns).
inline int64_t id_bound(uint64_t before) {
  return static_cast<int64_t>(std::min<uint64_t>(before, INT64_MAX));
}

class Store {
 public:
  virtual ~Store() = default;

  // Stores the whole batch in one transaction: all of it or, on error, none of it.
  // Ids (order_id, trade_id, deposit_id) must be below 2^63 (invalid_field otherwise).
  virtual Result<bool> write(const WriteBatch& batch) = 0;

  // The market's trades with trade_id below `before`, newest (highest trade_id) first; at
  // most `limit`. kAboveNewestTrade: the latest.
  virtual Result<std::vector<TradeRecord>> recent_trades(const std::string& market, size_t limit,
                                                         uint64_t before) = 0;
  // The user's trades in the market, as buyer or seller, with trade_id below `before`,
  // newest first; at most `limit`.
  virtual Result<std::vector<TradeRecord>> trades_of(const std::string& user_id,
                                                     const std::string& market, size_t limit,
                                                     uint64_t before) = 0;
  // Candles whose start is in [from_ms, to_ms], oldest first.
  virtual Result<std::vector<Candle>> candles(const std::string& market, Interval interval,
                                              int64_t from_ms, int64_t to_ms) = 0;
  // A user's orders in a market (every market if `market` is empty), newest first (by
  // time_ms, then order_id), from below `before`; at most `limit`.
  virtual Result<std::vector<OrderInfo>> orders_of(const std::string& user_id,
                                                   const std::string& market, size_t limit,
                                                   const OrderCursor& before) = 0;
  // One order in its newest stored state; ErrorCode::unknown_order if absent.
  virtual Result<OrderInfo> order(uint64_t order_id) = 0;
  // Number of trades stored for the market (O(1)).
  virtual Result<uint64_t> trade_count(const std::string& market) = 0;
  // Highest trade_id stored for the market, 0 if none: where a catching-up writer resumes.
  virtual Result<uint64_t> max_trade_id(const std::string& market) = 0;
  // Highest order_id stored for the market, 0 if none: order ids are never reused, so a
  // restarted market numbers its orders after it.
  virtual Result<uint64_t> max_order_id(const std::string& market) = 0;
  // Marks every order of the market still stored as open as CANCELED at `time_ms` and
  // returns how many: a node that starts without the books of its previous run (no
  // journal yet) must not go on reporting their orders as open.
  virtual Result<uint64_t> close_open_orders(const std::string& market, int64_t time_ms) = 0;
  // The journal position stored for `stream` (see StreamPosition), 0 if none.
  virtual Result<uint64_t> stored_seq(const std::string& stream) = 0;
  // A user's deposits, oldest first (by time_ms, then deposit_id).
  virtual Result<std::vector<DepositRecord>> deposits_of(const std::string& user_id) = 0;
  // True if the storage answers a query now.
  virtual Result<bool> ping() = 0;
};

}  // namespace ex
