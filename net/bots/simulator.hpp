// exchange-sim: many simulated traders (takers, passive makers, cancellers) placing and
// cancelling orders at a configurable rate through the public API, to drive realistic
// activity for demos, soak tests and benchmarks. Each trader is its own user, funded
// through on-ramp. It watches the books (depth@) to price its orders and counts the
// market's trades (trade@); it prints a progress line each second on stderr and a final
// name=value summary. It survives exchange restarts: requests fail (and are counted)
// while the exchange is away, the WebSocket reconnects and the books resynchronise.
// Single-threaded: everything runs on the io_context given to it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/bots/sim_traders.hpp"

namespace boost::asio {
class io_context;
}

namespace ex::bots {

struct SimConfig {
  std::string http_url = "http://127.0.0.1:3001";
  std::string ws_url = "http";  // "http": /ws on the REST port (else e.g. ws://127.0.0.1:3002/)
  std::vector<std::string> markets;  // empty: every market
  size_t traders = 20;
  std::string user_prefix = "sim";  // users sim1, sim2, ...
  TraderMix mix;
  double rate = 50;           // actions (orders and cancels) per second, all traders together
  double duration_s = 0;      // 0: until interrupted
  size_t max_in_flight = 64;  // requests outstanding; an action beyond is skipped (counted)
  SimParams params;
  bool fund = true;  // deposit until each trader holds the amounts below
  Decimal fund_quote = Decimal::from_int(1000000);
  Decimal fund_base = Decimal::from_int(1000);
  bool cancel_on_exit = true;
  int http_connections = 8;
  int64_t request_timeout_ms = 5000;
  double wait_ready_s = 30;
  bool progress = true;  // the per-second line on stderr
  uint64_t seed = 0;     // 0: from the clock
  std::string log_level = "info";
};

class Simulator {
 public:
  Simulator(boost::asio::io_context& io, SimConfig config);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // `fatal` if it cannot start; `finished` when --duration has elapsed (the caller then
  // calls stop()).
  void start(std::function<void(const std::string&)> fatal, std::function<void()> finished);
  // Stops trading, waits briefly for answers, cancels the traders' orders, then `done`.
  void stop(std::function<void()> done);
  // "sim traders=20 ... orders=N orders_per_s=X trades=N trades_per_s=X errors=N ..."
  std::string summary() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ex::bots
