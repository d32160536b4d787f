#include "storage/postgres/postgres_batch.hpp"

#include <algorithm>
#include <functional>
#include <pqxx/connection_base>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/stream_to>
#include <pqxx/subtransaction>
#include <pqxx/transaction_base>
#include <tuple>
#include <unordered_map>

namespace ex::pg {
namespace {

// --- Columns and the statement that merges each kind of row. {SOURCE} is either a SELECT
// from the staging table or a VALUES list. ---

struct Table {
  const char* name;     // the stored table
  const char* staging;  // its session's staging table
  std::initializer_list<const char*> columns;
  const char* merge;  // the INSERT, with {SOURCE} and {COLUMNS} to fill in
};

// Trades and trade_counts in one statement: only the rows actually inserted are counted,
// so a replayed trade changes neither. The ON CONFLICT has no target so that it also holds
// with TimescaleDB, where the key includes time_ms (postgres_timescale.cpp).
const Table kTrades{
    "trades",
    "trades_in",
    {"market", "trade_id", "price", "qty", "buy_order_id", "sell_order_id", "buyer", "seller",
     "buyer_maker", "time_ms"},
    "WITH ins AS (INSERT INTO trades ({COLUMNS}) {SOURCE} ON CONFLICT DO NOTHING "
    "RETURNING market) "
    "INSERT INTO trade_counts (market, trades) SELECT market, COUNT(*) FROM ins GROUP BY market "
    "ON CONFLICT (market) DO UPDATE SET trades = trade_counts.trades + excluded.trades"};

// An order's identity (order_id, market, user_id, time_ms) is fixed by its first write.
const Table kOrders{
    "orders",
    "orders_in",
    {"order_id", "client_order_id", "market", "user_id", "side", "kind", "tif", "post_only",
     "product", "price", "quantity", "quote_quantity", "executed", "executed_quote", "status",
     "time_ms", "update_ms"},
    "INSERT INTO orders ({COLUMNS}) {SOURCE} ON CONFLICT (order_id) DO UPDATE SET "
    "client_order_id = excluded.client_order_id, side = excluded.side, kind = excluded.kind, "
    "tif = excluded.tif, post_only = excluded.post_only, product = excluded.product, "
    "price = excluded.price, quantity = excluded.quantity, "
    "quote_quantity = excluded.quote_quantity, executed = excluded.executed, "
    "executed_quote = excluded.executed_quote, status = excluded.status, "
    "update_ms = excluded.update_ms WHERE excluded.update_ms >= orders.update_ms"};

const Table kDeposits{"deposits",
                      "deposits_in",
                      {"deposit_id", "user_id", "asset", "amount", "time_ms"},
                      "INSERT INTO deposits ({COLUMNS}) {SOURCE} ON CONFLICT (deposit_id) "
                      "DO NOTHING"};

const Table kCandles{
    "candles",
    "candles_in",
    {"market", "interval", "start_ms", "open", "high", "low", "close", "volume", "trades"},
    "INSERT INTO candles ({COLUMNS}) {SOURCE} ON CONFLICT (market, interval, start_ms) DO UPDATE "
    "SET open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, "
    "volume = excluded.volume, trades = excluded.trades"};

// Few rows per batch (one per journal): always sent as VALUES.
const Table kPositions{"stream_positions",
                       nullptr,
                       {"stream", "seq"},
                       "INSERT INTO stream_positions ({COLUMNS}) {SOURCE} ON CONFLICT (stream) "
                       "DO UPDATE SET seq = GREATEST(stream_positions.seq, excluded.seq)"};

// --- Each record as a tuple of column values, in the order of its table's columns. Text
// is held by reference (std::make_tuple turns std::cref into a reference member): use a
// tuple only while its record lives. ---

auto row_of(const TradeRecord& t) {
  return std::make_tuple(std::cref(t.market), static_cast<int64_t>(t.trade_id), t.price.units(),
                         t.qty.units(), static_cast<int64_t>(t.buy_order_id),
                         static_cast<int64_t>(t.sell_order_id), std::cref(t.buyer),
                         std::cref(t.seller), t.buyer_maker, t.time_ms);
}

auto row_of(const OrderInfo& o) {
  return std::make_tuple(
      static_cast<int64_t>(o.order_id), std::cref(o.client_order_id), std::cref(o.market),
      std::cref(o.user_id), name_of(o.side), name_of(o.kind), name_of(o.tif), o.post_only,
      name_of(o.product), o.price.units(), o.quantity.units(), o.quote_quantity.units(),
      o.executed.units(), o.executed_quote.units(), name_of(o.status), o.time_ms, o.update_ms);
}

auto row_of(const DepositRecord& d) {
  return std::make_tuple(static_cast<int64_t>(d.deposit_id), std::cref(d.user_id),
                         std::cref(d.asset), d.amount.units(), d.time_ms);
}

auto row_of(const CandleRecord& c) {
  return std::make_tuple(std::cref(c.market), interval_name(c.interval), c.candle.start_ms,
                         c.candle.open.units(), c.candle.high.units(), c.candle.low.units(),
                         c.candle.close.units(), c.candle.volume.units(), c.candle.trades);
}

auto row_of(const StreamPosition& p) {
  return std::make_tuple(std::cref(p.stream), static_cast<int64_t>(p.seq));
}

// --- SQL text of values, for VALUES lists. ---

void append_value(std::string& sql, pqxx::transaction_base& tx, const std::string& text) {
  sql += '\'';
  sql += tx.esc(text);
  sql += '\'';
}
void append_value(std::string& sql, pqxx::transaction_base& tx, const char* text) {
  append_value(sql, tx, std::string(text));
}
void append_value(std::string& sql, pqxx::transaction_base&, int64_t v) {
  sql += std::to_string(v);
}
void append_value(std::string& sql, pqxx::transaction_base&, bool v) {
  sql += v ? "TRUE" : "FALSE";
}

std::string column_list(const Table& t) {
  std::string out;
  for (const char* c : t.columns) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

// The merge statement of `t` with `source` in place of {SOURCE}.
void append_merge(std::string& sql, const Table& t, const std::string& source) {
  std::string merge = t.merge;
  merge.replace(merge.find("{COLUMNS}"), 9, column_list(t));
  merge.replace(merge.find("{SOURCE}"), 8, source);
  sql += merge;
  sql += ";\n";
}

template <class Record>
void append_values_merge(std::string& sql, pqxx::transaction_base& tx, const Table& t,
                         const std::vector<Record>& rows) {
  std::string source = "VALUES ";
  bool first_row = true;
  for (const Record& r : rows) {
    source += first_row ? "(" : ", (";
    first_row = false;
    bool first = true;
    std::apply(
        [&](const auto&... v) {
          ((source += first ? "" : ", ", first = false, append_value(source, tx, v)), ...);
        },
        row_of(r));
    source += ')';
  }
  append_merge(sql, t, source);
}

// COPY of `rows` into t's staging table; its merge statement is appended to `sql`.
template <class Record>
void copy_then_merge(std::string& sql, pqxx::transaction_base& tx, const Table& t,
                     const std::vector<Record>& rows) {
  std::vector<std::string> columns(t.columns.begin(), t.columns.end());
  pqxx::stream_to copy{tx, t.staging, columns};
  for (const Record& r : rows)
    copy << row_of(r);
  copy.complete();
  append_merge(sql, t, std::string("SELECT ") + column_list(t) + " FROM " + t.staging);
}

// The fast path for trades, which are nearly always new: COPY straight into `trades` under
// a savepoint, then add the per-market counts. No staging table and no speculative
// insertion. If any trade is already stored (a replay) or repeated in the batch, the
// unique key stops the COPY, the savepoint undoes it, and false sends the caller to the
// staged ON CONFLICT path.
bool copy_new_trades(std::string& sql, pqxx::dbtransaction& tx,
                     const std::vector<TradeRecord>& trades,
                     std::vector<std::pair<std::string, int64_t>>& counts) {
  if (trades.empty()) return true;
  try {
    pqxx::subtransaction savepoint{tx, "new_trades"};
    {
      std::vector<std::string> columns(kTrades.columns.begin(), kTrades.columns.end());
      pqxx::stream_to copy{savepoint, kTrades.name, columns};
      for (const TradeRecord& t : trades)
        copy << row_of(t);
      copy.complete();
    }
    savepoint.commit();
  } catch (const pqxx::unique_violation&) {
    return false;
  }
  // A batch rarely spans more than a few markets: a linear list beats a map.
  counts.clear();
  for (const TradeRecord& t : trades) {
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& c) { return c.first == t.market; });
    if (it == counts.end())
      counts.emplace_back(t.market, 1);
    else
      ++it->second;
  }
  sql += "INSERT INTO trade_counts (market, trades) VALUES ";
  for (size_t i = 0; i < counts.size(); ++i) {
    sql += i == 0 ? "(" : ", (";
    append_value(sql, tx, counts[i].first);
    sql += ", " + std::to_string(counts[i].second) + ")";
  }
  sql += " ON CONFLICT (market) DO UPDATE SET trades = trade_counts.trades + excluded.trades;\n";
  return true;
}

// --- Rows that must reach an ON CONFLICT DO UPDATE at most once per key. ---

// One row per order_id, holding the state sequential writes of `orders` would leave:
// a write replaces the state unless it is older (lower update_ms); identity stays that of
// the first write.
const std::vector<OrderInfo>& merged(const std::vector<OrderInfo>& orders,
                                     std::vector<OrderInfo>& out) {
  out.clear();
  std::unordered_map<uint64_t, size_t> at;
  for (const OrderInfo& o : orders) {
    auto [it, fresh] = at.emplace(o.order_id, out.size());
    if (fresh) {
      out.push_back(o);
      continue;
    }
    OrderInfo& kept = out[it->second];
    if (o.update_ms < kept.update_ms) continue;
    OrderInfo next = o;
    next.market = kept.market;
    next.user_id = kept.user_id;
    next.time_ms = kept.time_ms;
    kept = std::move(next);
  }
  return out;
}

// One row per (market, interval, start): the last write wins.
const std::vector<CandleRecord>& merged(const std::vector<CandleRecord>& candles,
                                        std::vector<CandleRecord>& out) {
  out.clear();
  std::unordered_map<std::string, size_t> at;
  for (const CandleRecord& c : candles) {
    std::string key =
        c.market + '\0' + interval_name(c.interval) + '\0' + std::to_string(c.candle.start_ms);
    auto [it, fresh] = at.emplace(std::move(key), out.size());
    if (fresh)
      out.push_back(c);
    else
      out[it->second] = c;
  }
  return out;
}

// One row per stream: the highest seq.
const std::vector<StreamPosition>& merged(const std::vector<StreamPosition>& positions,
                                          std::vector<StreamPosition>& out) {
  out.clear();
  for (const StreamPosition& p : positions) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const StreamPosition& q) { return q.stream == p.stream; });
    if (it == out.end())
      out.push_back(p);
    else
      it->seq = std::max(it->seq, p.seq);
  }
  return out;
}

Error out_of_range(const char* what, uint64_t id) {
  return make_error(ErrorCode::invalid_field, std::string("storage: ") + what + " " +
                                                  std::to_string(id) +
                                                  " is above 2^63-1 and cannot be stored");
}

}  // namespace

Result<bool> check_ids(const WriteBatch& b) {
  for (const TradeRecord& t : b.trades) {
    if (t.trade_id > kMaxId) return out_of_range("trade_id", t.trade_id);
    if (t.buy_order_id > kMaxId) return out_of_range("buy_order_id", t.buy_order_id);
    if (t.sell_order_id > kMaxId) return out_of_range("sell_order_id", t.sell_order_id);
  }
  for (const OrderInfo& o : b.orders)
    if (o.order_id > kMaxId) return out_of_range("order_id", o.order_id);
  for (const DepositRecord& d : b.deposits)
    if (d.deposit_id > kMaxId) return out_of_range("deposit_id", d.deposit_id);
  for (const StreamPosition& p : b.positions)
    if (p.seq > kMaxId) return out_of_range("stream seq", p.seq);
  return true;
}

void create_staging(pqxx::connection_base& conn) {
  std::string sql;
  for (const Table* t : {&kTrades, &kOrders, &kDeposits, &kCandles})
    sql += std::string("CREATE TEMP TABLE ") + t->staging + " (LIKE " + t->name +
           ") ON COMMIT DELETE ROWS;\n";
  pqxx::nontransaction tx{conn};
  tx.exec(sql);
}

void write_batch(pqxx::dbtransaction& tx, const WriteBatch& b, PostgresTuning::Load load,
                 BatchScratch& s) {
  std::string& sql = s.sql;
  sql.clear();
  auto add = [&](const Table& t, const auto& rows) {
    if (rows.empty()) return;
    if (load == PostgresTuning::Load::copy && t.staging != nullptr)
      copy_then_merge(sql, tx, t, rows);
    else
      append_values_merge(sql, tx, t, rows);
  };
  if (load != PostgresTuning::Load::copy || !copy_new_trades(sql, tx, b.trades, s.counts))
    add(kTrades, b.trades);
  add(kOrders, merged(b.orders, s.orders));
  add(kDeposits, b.deposits);
  add(kCandles, merged(b.candles, s.candles));
  if (!b.positions.empty())
    append_values_merge(sql, tx, kPositions, merged(b.positions, s.positions));
  tx.exec(sql);  // every merge in one round trip
}

}  // namespace ex::pg
