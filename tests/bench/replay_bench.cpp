// Replays a workload file (../shared/bench/gen_workload.py) through the real order book,
// and optionally through book + ledger (locks and settlements), single-threaded.
//
//   replay_bench w.csv [--ledger] [--repeat N]
//
// The file is loaded and parsed first; only the replay is timed. A throughput pass runs
// without per-operation timing; a second pass times each operation (rdtsc, calibrated)
// for latency percentiles. The last line is name=value pairs for scripts.
#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "actors/market/clearing.hpp"
#include "tests/bench/bench_support.hpp"
#include "tests/bench/flags.hpp"
#include "tests/bench/workload.hpp"

using namespace ex;
using namespace ex::book;
using ex::bench::Op;

namespace {

MarketSpec bench_spec() {
  MarketSpec m;
  m.id = 1;
  m.symbol = "BENCH_INR";
  m.tick_size = *Decimal::parse("0.01");
  m.step_size = Decimal::from_int(1);
  m.min_qty = m.step_size;
  m.band_bps = 1000;
  return m;
}

struct Totals {
  uint64_t trades = 0;
  int64_t traded_qty = 0;
};

void count(const OrderBook& b, Totals& t) {
  for (const Event& e : b.events())
    if (e.type == EventType::trade) {
      ++t.trades;
      t.traded_qty += e.qty;
    }
}

// Book only: each order from its own user, so self-trade prevention never triggers.
struct BookOnly {
  OrderBook book{BookConfig{StpPolicy::cancel_resting, 1000, 1 << 13}};
  Totals totals;

  void run(const Op& op) {
    if (op.kind == 'C') {
      book.cancel(op.id);
    } else {
      NewOrder o;
      o.id = op.id;
      o.user = static_cast<UserId>(op.id);
      o.side = op.side;
      o.is_market = op.kind == 'M';
      o.price = op.price;
      o.qty = op.qty;
      o.tif = o.is_market ? TimeInForce::ioc : TimeInForce::gtc;
      book.add(o);
    }
    count(book, totals);
  }
};

// Book + ledger: validation, locks, the book, then every settlement on both sides.
struct BookAndLedger {
  MarketSpec spec = bench_spec();
  OrderBook book{BookConfig{StpPolicy::cancel_resting, 1000, 1 << 13}};
  Ledger ledger{2};
  std::vector<Settlement> settlements;
  Totals totals;
  uint64_t refused = 0;

  explicit BookAndLedger(size_t users) {
    ledger.ensure_account(static_cast<AccountId>(users));
    for (size_t u = 0; u <= users; ++u) {
      ledger.deposit(static_cast<AccountId>(u), 0, Decimal::from_int(1000));
      ledger.deposit(static_cast<AccountId>(u), 1, Decimal::from_int(10'000'000));
    }
    settlements.reserve(64);
  }

  void run(const Op& op) {
    if (op.kind == 'C') {
      // The order's account is known before the book is asked (here it is the order's
      // own id; a market keeps it in its open-order record): its balances and hold load
      // meanwhile.
      ledger.prefetch(static_cast<AccountId>(op.id), op.id);
      book.cancel(op.id);
    } else {
      OrderRequest req;
      req.side = op.side;
      req.is_market = op.kind == 'M';
      req.price = spec.price_of(op.price);
      req.quantity = spec.qty_of(op.qty);
      req.tif = req.is_market ? TimeInForce::ioc : TimeInForce::gtc;
      auto valid = validate_order(spec, req);
      AccountId user = static_cast<AccountId>(op.id);
      // Only a market buy by quantity needs the available balance (it holds all of it).
      Decimal available =
          req.is_market && req.side == Side::buy ? ledger.balance(user, 1)->available : Decimal{};
      auto hold = hold_for(spec, {0, 1}, *valid, op.id, available);
      if (!valid || !ledger.place(user, hold)) {
        ++refused;
        return;
      }
      book.add(book_order(spec, *valid, op.id, user, hold.amount));
    }
    settlements.clear();
    settlements_of(spec, book.events(), settlements);
    prefetch_accounts(ledger, settlements);
    for (const Settlement& s : settlements)
      if (!apply_settlement(ledger, s.user, s)) {
        std::fprintf(stderr, "settlement refused: a bug\n");
        std::exit(1);
      }
    count(book, totals);
  }
};

double ticks_per_ns() {
  auto t0 = std::chrono::steady_clock::now();
  uint64_t c0 = __rdtsc();
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(200)) {
  }
  uint64_t c1 = __rdtsc();
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
  return static_cast<double>(c1 - c0) / ns;
}

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Returns wall seconds; `cpu` gets this thread's CPU seconds over the same span, which a
// busy shared machine inflates less (time spent preempted does not count).
template <class Engine, class... Args>
double throughput_pass(const std::vector<Op>& ops, Totals& totals, double& cpu, Args&&... args) {
  Engine e(std::forward<Args>(args)...);
  const double c0 = thread_cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  // The operations stream in order from a large array: load them ahead, so the replay
  // measures the engine rather than the harness's reading of its input.
  constexpr size_t kAhead = 16;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i + kAhead < ops.size()) __builtin_prefetch(&ops[i + kAhead]);
    e.run(ops[i]);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  cpu = thread_cpu_seconds() - c0;
  totals = e.totals;
  return s;
}

template <class Engine, class... Args>
void latency_pass(const std::vector<Op>& ops, std::vector<uint32_t> (&samples)[3], Args&&... args) {
  Engine e(std::forward<Args>(args)...);
  for (const Op& op : ops) {
    _mm_lfence();
    uint64_t c0 = __rdtsc();
    e.run(op);
    _mm_lfence();
    uint64_t c1 = __rdtsc();
    int k = op.kind == 'A' ? 0 : op.kind == 'C' ? 1 : 2;
    samples[k].push_back(static_cast<uint32_t>(std::min<uint64_t>(c1 - c0, UINT32_MAX)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool with_ledger = false;
  int repeat = 5;
  ex::bench::Flags flags("usage: replay_bench workload.csv [--ledger] [--repeat N]\n");
  flags.on("--ledger", with_ledger).number("--repeat", repeat);
  if (argc < 2 || argv[1][0] == '-') {
    flags.parse(argc, argv);  // answers --help
    flags.refuse("the workload file comes first");
  }
  flags.parse(argc, argv, 2);
  if (repeat < 1) flags.refuse("--repeat must be positive");
  std::vector<Op> ops = ex::bench::load_workload(argv[1]);
  uint64_t max_id = 0;
  for (const Op& op : ops)
    max_id = std::max(max_id, op.id);
  std::fprintf(stderr, "loaded %zu ops; mode=%s; %d timed runs\n", ops.size(),
               with_ledger ? "book+ledger" : "book", repeat);

  Totals totals;
  double best = 1e30, best_cpu = 1e30;
  for (int r = 0; r < repeat; ++r) {
    double cpu = 0;
    double s = with_ledger ? throughput_pass<BookAndLedger>(ops, totals, cpu, max_id)
                           : throughput_pass<BookOnly>(ops, totals, cpu);
    std::fprintf(stderr, "run %d: %.3f s, %.0f ops/s (cpu %.3f s, %.0f ops/cpu-s)\n", r + 1, s,
                 ops.size() / s, cpu, ops.size() / cpu);
    best = std::min(best, s);
    best_cpu = std::min(best_cpu, cpu);
  }
  std::fprintf(stderr, "best: %.0f ops/s wall, %.0f ops/cpu-s\n", ops.size() / best,
               ops.size() / best_cpu);
  std::vector<uint32_t> samples[3];
  for (auto& v : samples)
    v.reserve(ops.size());
  if (with_ledger)
    latency_pass<BookAndLedger>(ops, samples, max_id);
  else
    latency_pass<BookOnly>(ops, samples);
  double tpn = ticks_per_ns();

  std::printf("mode=%s ops=%zu ops_per_sec=%.0f trades=%llu traded_qty=%lld",
              with_ledger ? "book+ledger" : "book", ops.size(), ops.size() / best,
              static_cast<unsigned long long>(totals.trades),
              static_cast<long long>(totals.traded_qty));
  const char* names[3] = {"add", "cancel", "market"};
  for (int k = 0; k < 3; ++k)
    std::printf(" %s_p50_ns=%.0f %s_p99_ns=%.0f %s_p999_ns=%.0f", names[k],
                ex::bench::percentile(samples[k], 0.50) / tpn, names[k],
                ex::bench::percentile(samples[k], 0.99) / tpn, names[k],
                ex::bench::percentile(samples[k], 0.999) / tpn);
  std::printf("\n");
  return 0;
}
