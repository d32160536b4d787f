// Write throughput of a store: N trades in batches of B, one write() (one transaction) per
// batch, into a fresh database, as the writer actor would.
//
//   store_bench [--trades N] [--batch B] [--markets M] [--path FILE] [--keep]
//               [--store postgresql://user:pass@host:port/db [--load copy|values]]
//
// Defaults: 1,000,000 trades, batches of 1000, 1 market, SQLite in a file in a new
// temporary directory that is removed afterwards (--keep leaves it). --store measures
// PostgreSQL instead (the database must hold no trades of the benchmark's markets; e.g.
// tests/support/pg_server.sh run sh -c 'build/store_bench --store "$EXCHANGE_TEST_PG_URL"'),
// --load choosing how rows are sent (storage/postgres/postgres_store.hpp, PostgresTuning). The
// timed loop includes filling each batch (field assignments into reused records, no allocation) and
// every write(), WAL checkpoints included. Progress goes to stderr; the last stdout line is
// name=value pairs for scripts.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/postgres/postgres_store.hpp"
#include "storage/postgres/postgres_url.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/bench/flags.hpp"

using namespace ex;

namespace {

struct Options {
  uint64_t trades = 1'000'000;
  uint64_t batch = 1000;
  uint64_t markets = 1;
  std::string path;
  bool keep = false;
  std::string store;  // a PostgreSQL URL; empty: SQLite at `path`
  PostgresTuning::Load load = PostgresTuning::Load::copy;
};

Options parse(int argc, char** argv) {
  Options o;
  std::string load = "copy";
  bench::Flags flags(
      "usage: store_bench [--trades N] [--batch B] [--markets M] [--path FILE] "
      "[--keep] [--store postgresql://... [--load copy|values]]\n");
  flags.number("--trades", o.trades)
      .number("--batch", o.batch)
      .number("--markets", o.markets)
      .text("--path", o.path)
      .on("--keep", o.keep)
      .text("--store", o.store)
      .text("--load", load)
      .parse(argc, argv);
  if (o.trades == 0 || o.batch == 0 || o.markets == 0)
    flags.refuse("--trades, --batch and --markets must be positive");
  if (load != "copy" && load != "values") flags.refuse("--load: copy or values");
  o.load = load == "copy" ? PostgresTuning::Load::copy : PostgresTuning::Load::values;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  std::filesystem::path temp_dir;
  bool postgres = !opt.store.empty();
  if (postgres) {
    opt.path = pg::redact_url(opt.store);
  } else if (opt.path.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "store-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    temp_dir = tmpl;
    opt.path = (temp_dir / "bench.db").string();
  } else if (std::filesystem::exists(opt.path)) {
    std::fprintf(stderr, "%s exists: the benchmark needs a fresh file\n", opt.path.c_str());
    return 2;
  }

  PostgresTuning tuning;
  tuning.load = opt.load;
  auto opened =
      postgres ? open_postgres_store(opt.store, nullptr, tuning) : open_sqlite_store(opt.path);
  if (!opened) {
    std::fprintf(stderr, "open failed: %s\n", opened.error().message.c_str());
    return 1;
  }
  Store& store = **opened;

  std::vector<std::string> markets, users;
  for (uint64_t m = 0; m < opt.markets; ++m)
    markets.push_back("MKT" + std::to_string(m) + "_USDT");
  for (int u = 0; u < 64; ++u)
    users.push_back("user-" + std::to_string(u));
  std::vector<uint64_t> next_id(opt.markets, 1);
  for (const auto& m : markets)
    if (auto c = store.trade_count(m); !c || *c != 0) {
      std::fprintf(stderr, "%s already holds trades of %s: the benchmark needs a fresh database\n",
                   opt.path.c_str(), m.c_str());
      return 2;
    }

  WriteBatch batch;
  batch.trades.resize(opt.batch);
  std::fprintf(stderr, "store_bench: %llu trades, batches of %llu, %llu market(s) -> %s\n",
               static_cast<unsigned long long>(opt.trades),
               static_cast<unsigned long long>(opt.batch),
               static_cast<unsigned long long>(opt.markets), opt.path.c_str());

  auto start = std::chrono::steady_clock::now();
  uint64_t written = 0, next_report = opt.trades / 10;
  while (written < opt.trades) {
    uint64_t n = std::min(opt.batch, opt.trades - written);
    batch.trades.resize(n);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t seq = written + i;
      uint64_t m = seq % opt.markets;
      uint64_t id = next_id[m]++;
      TradeRecord& t = batch.trades[i];
      t.market = markets[m];
      t.trade_id = id;
      t.price = Decimal::from_units(30'000'00000000 + static_cast<int64_t>(seq % 100'000) * 1000);
      t.qty = Decimal::from_units(1'000'000 + static_cast<int64_t>(seq % 977) * 10'000);
      t.buy_order_id = 2 * seq + 1;
      t.sell_order_id = 2 * seq + 2;
      t.buyer = users[seq % users.size()];
      t.seller = users[(seq * 7 + 3) % users.size()];
      t.buyer_maker = seq % 2 == 0;
      t.time_ms = 1'700'000'000'000 + static_cast<int64_t>(seq);
    }
    if (auto r = store.write(batch); !r) {
      std::fprintf(stderr, "write failed after %llu trades: %s\n",
                   static_cast<unsigned long long>(written), r.error().message.c_str());
      return 1;
    }
    written += n;
    if (written >= next_report && written < opt.trades) {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "  %llu trades, %.2f s, %.0f trades/s\n",
                   static_cast<unsigned long long>(written), s, written / s);
      next_report += std::max<uint64_t>(opt.trades / 10, 1);
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  uint64_t stored = 0;
  for (const auto& m : markets) {
    auto c = store.trade_count(m);
    if (!c) {
      std::fprintf(stderr, "trade_count failed: %s\n", c.error().message.c_str());
      return 1;
    }
    stored += *c;
  }
  if (stored != opt.trades) {
    std::fprintf(stderr, "stored %llu trades, expected %llu\n",
                 static_cast<unsigned long long>(stored),
                 static_cast<unsigned long long>(opt.trades));
    return 1;
  }
  std::error_code ec;
  if (!postgres) {
    auto bytes = std::filesystem::file_size(opt.path, ec);
    auto wal = std::filesystem::file_size(opt.path + "-wal", ec);
    std::fprintf(stderr, "  done: %llu trades stored, database %.1f MB (+ WAL %.1f MB)\n",
                 static_cast<unsigned long long>(stored), bytes / 1e6, ec ? 0.0 : wal / 1e6);
  }

  opened->reset();  // close before removing the files
  if (!temp_dir.empty() && !opt.keep) std::filesystem::remove_all(temp_dir, ec);

  const char* name = !postgres                                ? "sqlite"
                     : opt.load == PostgresTuning::Load::copy ? "postgresql-copy"
                                                              : "postgresql-values";
  std::printf("store=%s trades=%llu batch=%llu seconds=%.3f trades_per_sec=%.0f\n", name,
              static_cast<unsigned long long>(opt.trades),
              static_cast<unsigned long long>(opt.batch), seconds, opt.trades / seconds);
  return 0;
}
