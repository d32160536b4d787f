// How the market maker stops: it waits (3 s at most) for the orders still being placed,
// cancels everything of the maker's in each market (DELETE /api/v1/orders), asks what
// became of the orders the cancel-all did not list, compares the balances with its ledger
// a last time, and counts this run's orders still open. The outcome goes to MmCounters
// (exit_cancelled, left_open, final_check), which the summary and the exit code read.
// Single-threaded: used on the bot's io_context only.
#pragma once

#include <functional>

#include <boost/asio/steady_timer.hpp>

#include "net/bots/bot_log.hpp"
#include "net/bots/market_maker.hpp"
#include "net/bots/mm_funds.hpp"
#include "net/bots/mm_market.hpp"
#include "net/bots/mm_orders.hpp"
#include "net/bots/mm_report.hpp"
#include "net/bots/order_tracker.hpp"

namespace ex::bots {

class MmShutdown {
 public:
  MmShutdown(boost::asio::io_context& io, const MmConfig& cfg, OrderTracker& tracker,
             const MmMarkets& markets, MmOrders& orders, MmFunds& funds, MmCounters& counters,
             const BotLog& log);

  // Runs the whole sequence, then `done`. `cancel_attempts`: tries of each market's
  // cancel-all when the exchange answers with a transport or server error (1 when it is
  // known to be away).
  void run(int cancel_attempts, std::function<void()> done);
  // Drops a pending wait or retry.
  void cancel();

 private:
  // Orders still being placed could reach the book after a cancel-all: wait for replies.
  void wait_for_places(Clock::time_point deadline);
  void cancel_everything(size_t i, int attempt);
  // Quotes not in the cancel-all reply had closed already (filled, most likely): ask.
  void resolve_leftovers(size_t i);
  void final_balance_check();
  // Counts this run's orders still open on the exchange (there should be none).
  void count_left_open(size_t i);

  const MmConfig& cfg_;
  OrderTracker& tracker_;
  const MmMarkets& markets_;
  MmOrders& orders_;
  MmFunds& funds_;
  MmCounters& counters_;
  const BotLog& log_;
  boost::asio::steady_timer timer_;
  int cancel_attempts_ = 3;
  std::function<void()> done_;
};

}  // namespace ex::bots
