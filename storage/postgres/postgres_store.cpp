#include "storage/postgres/postgres_store.hpp"

#include <limits>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>
#include <utility>

#include "storage/postgres/postgres_batch.hpp"
#include "storage/postgres/postgres_error.hpp"
#include "storage/postgres/postgres_schema.hpp"
#include "storage/postgres/postgres_timescale.hpp"
#include "storage/postgres/postgres_url.hpp"

namespace ex {
namespace {

// --- Queries, prepared once per connection by name. Readers take columns by position. ---

constexpr const char* kOrderColumns =
    "order_id, client_order_id, market, user_id, side, kind, tif, post_only, product, price, "
    "quantity, quote_quantity, executed, executed_quote, status, time_ms, update_ms";

std::string orders_query(const char* where) {
  return std::string("SELECT ") + kOrderColumns + " FROM orders WHERE " + where;
}

// Volume clamps at the largest value, as the writer's own candles do (Decimal::clamped):
// TimescaleDB's aggregates sum it as NUMERIC.
std::string candles_query(const std::string& from, bool by_interval) {
  return "SELECT start_ms, open, high, low, close, "
         "LEAST(volume, 9223372036854775807)::BIGINT, trades FROM " +
         from + " WHERE market = $1 AND " +
         (by_interval ? "interval = $2 AND start_ms BETWEEN $3 AND $4"
                      : "start_ms BETWEEN $2 AND $3") +
         " ORDER BY start_ms";
}

std::string trades_query(const char* where) {
  return std::string(
             "SELECT trade_id, price, qty, buy_order_id, sell_order_id, buyer, seller, "
             "buyer_maker, time_ms FROM trades WHERE ") +
         where;
}

const std::pair<const char*, std::string> kStatements[] = {
    {"recent_trades",
     trades_query("market = $1 AND trade_id < $3 ORDER BY trade_id DESC LIMIT $2")},
    // Each side newest first and limited on its own index, then the two merged.
    {"trades_of_user",
     "(" +
         trades_query(
             "market = $1 AND buyer = $2 AND trade_id < $4 ORDER BY trade_id DESC LIMIT $3") +
         ") UNION ALL (" +
         trades_query("market = $1 AND seller = $2 AND buyer <> $2 AND trade_id < $4 "
                      "ORDER BY trade_id DESC LIMIT $3") +
         ") ORDER BY trade_id DESC LIMIT $3"},
    {"candles", candles_query("candles", true)},
    {"orders_of_market",
     orders_query("user_id = $1 AND market = $2 AND (time_ms, order_id) < ($4, $5) "
                  "ORDER BY time_ms DESC, order_id DESC LIMIT $3")},
    {"orders_of_user", orders_query("user_id = $1 AND (time_ms, order_id) < ($3, $4) "
                                    "ORDER BY time_ms DESC, order_id DESC LIMIT $2")},
    {"order", orders_query("order_id = $1")},
    {"trade_count", "SELECT trades FROM trade_counts WHERE market = $1"},
    {"max_trade_id", "SELECT MAX(trade_id) FROM trades WHERE market = $1"},
    {"max_order_id", "SELECT MAX(order_id) FROM orders WHERE market = $1"},
    {"close_open_orders",
     "UPDATE orders SET status = 'CANCELED', update_ms = $2 "
     "WHERE market = $1 AND status IN ('NEW', 'PARTIALLY_FILLED')"},
    {"stored_seq", "SELECT seq FROM stream_positions WHERE stream = $1"},
    {"deposits_of",
     "SELECT deposit_id, asset, amount, time_ms FROM deposits WHERE user_id = $1 "
     "ORDER BY time_ms, deposit_id"},
};

int64_t limit_of(size_t limit) {
  constexpr auto kMax = static_cast<size_t>(std::numeric_limits<int64_t>::max());
  return limit > kMax ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(limit);
}

Decimal money(const pqxx::field& f) {
  return Decimal::from_units(f.as<int64_t>());
}

template <class Enum>
bool read_enum(const pqxx::field& f, Enum& out) {
  return parse_name(std::string_view(f.c_str(), f.size()), out);
}

// Rows of trades_query()'s columns, of `market`.
std::vector<TradeRecord> trades_from(const pqxx::result& rows, const std::string& market) {
  std::vector<TradeRecord> out;
  for (const auto& r : rows) {
    TradeRecord t;
    t.market = market;
    t.trade_id = r[0].as<uint64_t>();
    t.price = money(r[1]);
    t.qty = money(r[2]);
    t.buy_order_id = r[3].as<uint64_t>();
    t.sell_order_id = r[4].as<uint64_t>();
    t.buyer = r[5].as<std::string>();
    t.seller = r[6].as<std::string>();
    t.buyer_maker = r[7].as<bool>();
    t.time_ms = r[8].as<int64_t>();
    out.push_back(std::move(t));
  }
  return out;
}

Result<OrderInfo> order_from_row(const pqxx::row& r) {
  OrderInfo o;
  o.order_id = r[0].as<uint64_t>();
  o.client_order_id = r[1].as<std::string>();
  o.market = r[2].as<std::string>();
  o.user_id = r[3].as<std::string>();
  if (!read_enum(r[4], o.side) || !read_enum(r[5], o.kind) || !read_enum(r[6], o.tif) ||
      !read_enum(r[8], o.product) || !read_enum(r[14], o.status))
    return make_error(ErrorCode::internal,
                      "storage: order " + std::to_string(o.order_id) + " has an unknown enum name");
  o.post_only = r[7].as<bool>();
  o.price = money(r[9]);
  o.quantity = money(r[10]);
  o.quote_quantity = money(r[11]);
  o.executed = money(r[12]);
  o.executed_quote = money(r[13]);
  o.time_ms = r[15].as<int64_t>();
  o.update_ms = r[16].as<int64_t>();
  return o;
}

// The first column of the first row as a count or id; 0 if no row or NULL.
uint64_t single_int(const pqxx::result& r) {
  if (r.empty() || r[0][0].is_null()) return 0;
  return r[0][0].as<uint64_t>();
}

class PostgresStore final : public Store {
 public:
  PostgresStore(const std::string& url, StoreLogger log, PostgresTuning tuning)
      : conninfo_(pg::conninfo_of(url, tuning.connect_timeout_s)),
        shown_url_(pg::redact_url(url)),
        log_(std::move(log)),
        tuning_(tuning) {}

  // Connects, migrates the core schema, and enables TimescaleDB if the server offers it.
  Result<bool> open() {
    std::unique_ptr<pqxx::connection> conn;
    if (auto r = connect_raw(conn); !r) return r;
    if (auto v = pg::migrate(*conn); !v) return at_url(v.error());
    auto available = pg::timescaledb_available(*conn);
    if (!available) return at_url(available.error());
    std::string mode =
        "plain PostgreSQL (timescaledb not available): candles maintained by the writer";
    if (*available) {
      auto v = pg::migrate(*conn, pg::timescale_migrations(), pg::kTimescaleTrack);
      timescale_ = v && *v == pg::timescale_migrations().back().version;
      mode = timescale_ ? "TimescaleDB: trades hypertable, candles from continuous aggregates"
                        : "plain PostgreSQL (timescaledb available but not enabled: " +
                              (v ? std::string("incomplete") : v.error().message) + ")";
    }
    note(timescale_ || !*available ? Level::info : Level::warn, "storage: postgresql",
         {{"url", shown_url_}, {"mode", mode}});
    if (auto r = guard("prepare session", [&] { prepare_session(*conn); }); !r)
      return at_url(r.error());
    conn_ = std::move(conn);
    return true;
  }

  Result<bool> write(const WriteBatch& batch) override {
    if (batch.empty()) return true;
    if (auto ok = pg::check_ids(batch); !ok) return ok;
    return run<bool>("write", [&](pqxx::connection& c) {
      pqxx::work tx{c};
      pg::write_batch(tx, batch, tuning_.load, scratch_);
      tx.commit();
      return true;
    });
  }

  Result<std::vector<TradeRecord>> recent_trades(const std::string& market, size_t limit,
                                                 uint64_t before) override {
    return run<std::vector<TradeRecord>>("recent trades", [&](pqxx::connection& c) {
      pqxx::nontransaction tx{c};
      return trades_from(
          tx.exec_prepared("recent_trades", market, limit_of(limit), id_bound(before)), market);
    });
  }

  Result<std::vector<TradeRecord>> trades_of(const std::string& user_id, const std::string& market,
                                             size_t limit, uint64_t before) override {
    return run<std::vector<TradeRecord>>("trades of a user", [&](pqxx::connection& c) {
      pqxx::nontransaction tx{c};
      return trades_from(
          tx.exec_prepared("trades_of_user", market, user_id, limit_of(limit), id_bound(before)),
          market);
    });
  }

  Result<std::vector<Candle>> candles(const std::string& market, Interval interval, int64_t from_ms,
                                      int64_t to_ms) override {
    return run<std::vector<Candle>>("candles", [&](pqxx::connection& c) {
      pqxx::nontransaction tx{c};
      pqxx::result rows =
          timescale_ ? tx.exec_prepared(pg::candle_view(interval), market, from_ms, to_ms)
                     : tx.exec_prepared("candles", market, interval_name(interval), from_ms, to_ms);
      std::vector<Candle> out;
      for (const auto& r : rows) {
        Candle k;
        k.start_ms = r[0].as<int64_t>();
        k.open = money(r[1]);
        k.high = money(r[2]);
        k.low = money(r[3]);
        k.close = money(r[4]);
        k.volume = money(r[5]);
        k.trades = r[6].as<int64_t>();
        out.push_back(k);
      }
      return out;
    });
  }

  Result<std::vector<OrderInfo>> orders_of(const std::string& user_id, const std::string& market,
                                           size_t limit, const OrderCursor& before) override {
    std::vector<OrderInfo> out;
    std::string bad;
    auto r = run<bool>("orders of user", [&](pqxx::connection& c) {
      pqxx::nontransaction tx{c};
      const int64_t time = before.time_ms, id = id_bound(before.order_id);
      pqxx::result rows =
          market.empty()
              ? tx.exec_prepared("orders_of_user", user_id, limit_of(limit), time, id)
              : tx.exec_prepared("orders_of_market", user_id, market, limit_of(limit), time, id);
      out.clear();
      for (const auto& row : rows) {
        auto o = order_from_row(row);
        if (!o) {
          bad = o.error().message;
          break;
        }
        out.push_back(std::move(*o));
      }
      return true;
    });
    if (!r) return r.error();
    if (!bad.empty()) return make_error(ErrorCode::internal, bad);
    return out;
  }

  Result<OrderInfo> order(uint64_t order_id) override {
    if (order_id > pg::kMaxId) return order_not_found(order_id);
    auto rows = run<pqxx::result>("order", [&](pqxx::connection& c) {
      pqxx::nontransaction tx{c};
      return tx.exec_prepared("order", static_cast<int64_t>(order_id));
    });
    if (!rows) return rows.error();
    if (rows->empty()) return order_not_found(order_id);
    return order_from_row((*rows)[0]);
  }

  Result<uint64_t> trade_count(const std::string& market) override {
    return single("trade_count", market);
  }
  Result<uint64_t> max_trade_id(const std::string& market) override {
    return single("max_trade_id", market);
  }
  Result<uint64_t> max_order_id(const std::string& market) override {
    return single("max_order_id", market);
  }
  Result<uint64_t> stored_seq(const std::string& stream) override {
    return single("stored_seq", stream);
  }

  Result<uint64_t> close_open_orders(const std::string& market, int64_t time_ms) override {
    return run<uint64_t>("close open orders", [&](pqxx::connection& c) {
      pqxx::nontransaction tx{c};  // one statement: its own transaction
      return static_cast<uint64_t>(
          tx.exec_prepared("close_open_orders", market, time_ms).affected_rows());
    });
  }

  Result<std::vector<DepositRecord>> deposits_of(const std::string& user_id) override {
    return run<std::vector<DepositRecord>>("deposits of user", [&](pqxx::connection& c) {
      pqxx::nontransaction tx{c};
      std::vector<DepositRecord> out;
      for (const auto& r : tx.exec_prepared("deposits_of", user_id)) {
        DepositRecord d;
        d.deposit_id = r[0].as<uint64_t>();
        d.user_id = user_id;
        d.asset = r[1].as<std::string>();
        d.amount = money(r[2]);
        d.time_ms = r[3].as<int64_t>();
        out.push_back(std::move(d));
      }
      return out;
    });
  }

  Result<bool> ping() override {
    return run<bool>("ping", [](pqxx::connection& c) {
      pqxx::nontransaction tx{c};
      tx.exec("SELECT 1");
      return true;
    });
  }

 private:
  // Opening's errors name the database (never its password).
  Error at_url(Error e) const {
    e.message += " [" + shown_url_ + "]";
    return e;
  }

  void note(Level level, std::string_view msg,
            std::initializer_list<std::pair<std::string_view, LogValue>> fields) {
    if (log_) log_(level, msg, fields);
  }

  template <class F>
  Result<bool> guard(std::string_view what, F&& f) {
    try {
      f();
      return true;
    } catch (...) {
      return pg::current_error(what).error;
    }
  }

  // A new connection, not yet set up. pqxx would otherwise re-open a broken connection by
  // itself, silently losing the session's staging tables: a lost connection is replaced
  // here instead, and set up anew.
  Result<bool> connect_raw(std::unique_ptr<pqxx::connection>& out) {
    try {
      out = std::make_unique<pqxx::connection>(conninfo_);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      out->inhibit_reactivation(true);
#pragma GCC diagnostic pop
      return true;
    } catch (...) {
      auto e = pg::current_error("cannot connect to " + shown_url_).error;
      e.code = ErrorCode::unavailable;  // refused, unknown host, bad login, missing database
      return e;
    }
  }

  void prepare_session(pqxx::connection& c) {
    for (const auto& [name, sql] : kStatements)
      c.prepare(name, sql);
    if (timescale_)
      for (Interval i : kAllIntervals)
        c.prepare(pg::candle_view(i), candles_query(pg::candle_view(i), false));
    pg::create_staging(c);
  }

  Result<bool> reconnect() {
    std::unique_ptr<pqxx::connection> conn;
    if (auto r = connect_raw(conn); !r) return r;
    if (auto r = guard("prepare session", [&] { prepare_session(*conn); }); !r) return r;
    conn_ = std::move(conn);
    if (lost_) note(Level::info, "storage: postgresql connection restored", {{"url", shown_url_}});
    lost_ = false;
    return true;
  }

  // Runs `f` on the connection, connecting first if there is none. A connection found
  // lost is replaced and `f` retried once, unless the connection was new (the server is
  // then really gone, and the caller hears unavailable now rather than after a delay).
  template <class T, class F>
  Result<T> run(std::string_view what, F&& f) {
    for (int attempt = 0;; ++attempt) {
      bool fresh = conn_ == nullptr;
      if (fresh)
        if (auto r = reconnect(); !r) return r.error();
      try {
        return f(*conn_);
      } catch (...) {
        auto caught = pg::current_error(what);
        if (!caught.connection_lost) return caught.error;
        conn_.reset();
        if (!lost_)
          note(Level::warn, "storage: postgresql connection lost",
               {{"url", shown_url_}, {"error", caught.error.message}});
        lost_ = true;
        if (fresh || attempt > 0) return caught.error;
      }
    }
  }

  Result<uint64_t> single(const char* statement, const std::string& key) {
    return run<uint64_t>(statement, [&](pqxx::connection& c) {
      pqxx::nontransaction tx{c};
      return single_int(tx.exec_prepared(statement, key));
    });
  }

  std::string conninfo_;  // holds the password: never shown
  std::string shown_url_;
  StoreLogger log_;
  PostgresTuning tuning_;
  std::unique_ptr<pqxx::connection> conn_;  // null while disconnected
  bool timescale_ = false;
  bool lost_ = false;
  pg::BatchScratch scratch_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, const StoreLogger& log,
                                                   PostgresTuning tuning) {
  auto store = std::make_unique<PostgresStore>(url, log, tuning);
  if (auto r = store->open(); !r) return r.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace ex
