// Recovery benchmark: how long the exchange takes to restart from a journal.
//
//   recovery_bench --exchange build/exchange --workload w.csv [--commands 1000000]
//                  [--catch-up] [--keep DIR]
//
// Turns the standard workload (../shared/bench/gen_workload.py) into TATA_INR commands
// from 16 users, runs them through the market core exactly as a live market does, and
// writes what a live node would have left on disk: the market's starting snapshot and
// its journal of every accepted command (no later snapshot, so all of it is replayed),
// the deposits journal, and a SQLite store. Storage is marked as up to date, unless
// --catch-up: then recovery also writes every trade and order state into SQLite.
// Then it starts the real binary on that directory and times it from spawn to "listening".
// Last line: commands=.. journal_mb=.. recovery_ms=.. start_to_listen_ms=.. caught_up=..
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/account/deposit_totals.hpp"
#include "actors/common/binary_codec.hpp"
#include "actors/market/market_core.hpp"
#include "storage/journal.hpp"
#include "storage/snapshot_file.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/bench/flags.hpp"
#include "tests/bench/workload.hpp"

using namespace ex;
namespace fs = std::filesystem;

namespace {

constexpr int kUsers = 16;

MarketSpec tata_inr() {  // as the default configuration defines it
  MarketSpec m;
  m.id = 1;
  m.symbol = "TATA_INR";
  m.base = "TATA";
  m.quote = "INR";
  m.tick_size = *Decimal::parse("0.01");
  m.step_size = *Decimal::parse("0.01");
  m.min_qty = m.step_size;
  m.min_notional = Decimal::from_int(1);
  return m;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "recovery_bench: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

struct Written {
  uint64_t commands = 0;
  uint64_t bytes = 0;
};

// Writes the market's journal (and its starting snapshot) from the workload.
Written write_market(const std::string& dir, const std::vector<bench::Op>& ops, uint64_t limit) {
  MarketSpec spec = tata_inr();
  MarketCore core(spec, MarketStart{});
  MarketState start = core.state();
  must(snapshot::write(dir, 0, encode_binary(start)), "snapshot");
  auto writer = must(journal::Writer::open(dir, 1, 64u << 20), "journal");
  std::unordered_map<uint64_t, uint64_t> ids;  // workload id -> order id
  std::string frames;
  Written w;
  int64_t time_ms = 1764000000000;
  for (const bench::Op& op : ops) {
    if (w.commands >= limit) break;
    MarketCommand cmd;
    cmd.time_ms = ++time_ms;
    if (op.kind == 'C') {
      auto it = ids.find(op.id);
      if (it == ids.end()) continue;
      cmd.kind = MarketCommand::cancel;
      cmd.order_id = it->second;
    } else {
      cmd.kind = MarketCommand::place;
      PlaceOrder& o = cmd.order;
      o.user_id = "u" + std::to_string(op.id % kUsers);
      o.market = spec.symbol;
      o.request.side = op.side;
      o.request.quantity = spec.qty_of(op.qty);
      if (op.kind == 'M') {
        o.kind = OrderKind::market;
        o.request.is_market = true;
        o.request.tif = book::TimeInForce::ioc;
        cmd.held = op.side == book::Side::buy ? Decimal::from_int(1000000) : o.request.quantity;
      } else {
        o.request.price = spec.price_of(op.price);
        cmd.held = op.side == book::Side::buy ? *Decimal::mul(o.request.price, o.request.quantity)
                                              : o.request.quantity;
      }
    }
    MarketCore::Output out;
    if (!core.apply(cmd, out)) continue;  // refused commands are never journaled
    if (cmd.kind == MarketCommand::place) ids[op.id] = cmd.order_id;
    journal::append_frame(frames, core.sequence(), encode_binary(cmd));
    ++w.commands;
    if (frames.size() > (1u << 20)) {
      w.bytes += frames.size();
      must(writer->write(frames, core.sequence(), false), "journal write");
      frames.clear();
    }
  }
  w.bytes += frames.size();
  must(writer->write(frames, core.sequence(), true), "journal write");
  return w;
}

void write_deposits(const std::string& dir) {
  // A journal begins with a snapshot, as the exchange starts one: recovery tells a journal
  // that exists from one that was lost by it.
  must(snapshot::write(dir, 0, DepositTotals{}.encode()), "deposits snapshot");
  auto writer = must(journal::Writer::open(dir, 1, 64u << 20), "deposits journal");
  std::string frames;
  uint64_t seq = 0;
  for (int u = 0; u < kUsers; ++u)
    for (auto [asset, amount] :
         {std::pair{"INR", 10000000000LL}, std::pair{"TATA", 1000000000LL}}) {
      DepositRecord d{++seq, "u" + std::to_string(u), asset, Decimal::from_int(amount),
                      1764000000000};
      journal::append_frame(frames, seq, encode_binary(d));
    }
  must(writer->write(frames, seq, true), "deposits write");
}

int free_port() {
  return 20000 + static_cast<int>(getpid() % 20000);
}

}  // namespace

int main(int argc, char** argv) {
  std::string exchange, workload, keep;
  uint64_t commands = 1000000;
  bool catch_up = false;
  bench::Flags flags(
      "usage: recovery_bench --exchange BIN --workload w.csv [--commands N] [--catch-up] "
      "[--keep DIR]\n");
  flags.text("--exchange", exchange)
      .text("--workload", workload)
      .number("--commands", commands)
      .text("--keep", keep)
      .on("--catch-up", catch_up)
      .parse(argc, argv);
  if (exchange.empty() || workload.empty()) flags.refuse("--exchange and --workload are required");
  std::string dir = keep;
  if (dir.empty()) {
    char tmpl[] = "/tmp/recovery-bench-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  fs::remove_all(fs::path(dir) / "journal");
  fs::remove(fs::path(dir) / "exchange.db");
  std::vector<bench::Op> ops = bench::load_workload(workload.c_str());
  std::fprintf(stderr, "writing %llu commands of %s into %s ...\n",
               static_cast<unsigned long long>(commands), workload.c_str(), dir.c_str());
  Written w = write_market((fs::path(dir) / "journal" / "TATA_INR").string(), ops, commands);
  write_deposits((fs::path(dir) / "journal" / "deposits").string());
  {
    auto store = must(open_sqlite_store((fs::path(dir) / "exchange.db").string()), "store");
    WriteBatch b;
    if (!catch_up) b.positions = {{"TATA_INR", w.commands}, {"deposits", 2 * kUsers}};
    must(store->write(b), "store positions");  // an empty batch only creates the schema
  }
  std::fprintf(stderr, "journal: %llu commands, %.1f MB; starting %s ...\n",
               static_cast<unsigned long long>(w.commands), static_cast<double>(w.bytes) / 1e6,
               exchange.c_str());

  int out[2];
  if (pipe(out) != 0) die("pipe");
  const auto began = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    std::string port = std::to_string(free_port());
    execl(exchange.c_str(), exchange.c_str(), "--data-dir", dir.c_str(), "--bind", "127.0.0.1",
          "--http-port", port.c_str(), "--ws-port", "0", "--log-level", "error",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* child = fdopen(out[0], "r");
  char line[1024];
  long recovery_ms = -1, caught_up = -1;
  double listen_ms = -1;
  while (fgets(line, sizeof line, child)) {
    std::fputs(line, stderr);
    if (std::sscanf(line, "exchange recovered in %ld ms", &recovery_ms) == 1) {
      if (const char* c = std::strstr(line, "accounts, ")) caught_up = std::atol(c + 10);
    }
    if (std::strncmp(line, "exchange listening", 18) == 0) {
      listen_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began)
              .count();
      break;
    }
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  if (keep.empty()) fs::remove_all(dir);
  if (listen_ms < 0) die("the exchange did not start");
  std::printf(
      "commands=%llu journal_mb=%.1f recovery_ms=%ld start_to_listen_ms=%.0f caught_up=%ld\n",
      static_cast<unsigned long long>(w.commands), static_cast<double>(w.bytes) / 1e6, recovery_ms,
      listen_ms, caught_up);
  return 0;
}
