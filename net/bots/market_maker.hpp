// exchange-mm: a market maker written as a client of the public API. For each market it
// quotes a ladder of post-only orders around a reference price (a random walk or the last
// trade), skewed by its inventory; replaces quotes that went stale; now and then takes
// liquidity (as a second user, so that the exchange's self-trade prevention does not stop
// it) so that trades, candles and tickers move; tops its balances up when told to.
//
// It reads the book, its fills and the trades from the WebSocket (depth@, fills@, trade@),
// places and cancels over REST, and keeps its own account of what its orders did
// (FillLedger) to check the exchange's balances. When the exchange goes away it stops
// quoting, waits until /ready answers, reconciles its orders (open ones, and the fate of
// those whose replies were lost) and resumes. stop() cancels everything it has open
// (DELETE /api/v1/orders per market), checks its balances a last time and reports.
//
// Single-threaded: everything runs on the io_context given to it. The decisions (ladder,
// staleness, walk, ledger) live in quoting.hpp, price_walk.hpp and fill_ledger.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/bots/bot_log.hpp"
#include "net/bots/price_walk.hpp"
#include "net/bots/quoting.hpp"

namespace boost::asio {
class io_context;
}

namespace ex::bots {

// Per-market settings that override the global ones (from [[market]] tables).
struct MmMarketOverride {
  std::optional<Decimal> reference_price;
  std::optional<int> levels;
  std::optional<Decimal> quantity;
  std::optional<double> spread_bps;
  std::optional<double> level_step_bps;
  std::optional<Decimal> max_position;
};

struct MmConfig {
  std::string http_url = "http://127.0.0.1:3001";
  std::string ws_url = "http";  // "http": /ws on the REST port (else e.g. ws://127.0.0.1:3002/)
  std::string user = "5";
  std::string taker_user = "1";      // "": never take liquidity
  std::vector<std::string> markets;  // empty: every market of GET /api/v1/markets
  std::map<std::string, MmMarketOverride> overrides;

  std::string reference = "walk";  // "walk" or "last"
  Decimal default_reference = Decimal::from_int(1000);
  WalkParams walk;
  LadderParams ladder;
  double requote_bps = 5;  // a live quote within this of its wanted price is kept
  double min_remaining = 0.3;
  int64_t refresh_ms = 500;
  int64_t max_age_ms = 30000;  // quotes older than this (+-20%) are replaced; 0: never

  double take_interval_s = 2;  // mean time between liquidity-taking orders; 0: never
  double take_min = 0.5;       // their size, as a multiple of the ladder's quantity
  double take_max = 2;

  bool topup = false;
  Decimal topup_below = Decimal::from_int(100000);  // available under this: deposit
  Decimal topup_amount = Decimal::from_int(1000000);

  int64_t balance_check_ms = 5000;
  int64_t reconcile_ms = 30000;
  int64_t status_ms = 10000;
  int64_t request_timeout_ms = 5000;
  int http_connections = 4;
  double wait_ready_s = 0;  // give up starting after this long (0: wait for ever)
  bool cancel_on_start = true;
  std::string client_id_prefix = "mm";
  uint64_t seed = 0;  // 0: from the clock
  std::string log_level = "info";
};

class MarketMaker {
 public:
  MarketMaker(boost::asio::io_context& io, MmConfig config);
  ~MarketMaker();
  MarketMaker(const MarketMaker&) = delete;
  MarketMaker& operator=(const MarketMaker&) = delete;

  // Connects and quotes until stop(). `fatal` is called if it cannot start (bad markets,
  // /ready never answered within wait_ready_s).
  void start(std::function<void(const std::string&)> fatal);
  // Cancels its orders, checks its balances a last time, closes its connections, then
  // calls `done`. A second call hurries: `done` at once.
  void stop(std::function<void()> done);

  // One line of name=value pairs: orders placed, cancels, fills, trades taken, reconnects,
  // balance drift (0 when the exchange agrees with the bot's ledger), ...
  std::string summary() const;
  // 0 if the final balance check agreed (or had nothing to check: stopped before the
  // balances were loaded) and no order was left open, 1 otherwise.
  int exit_code() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ex::bots
