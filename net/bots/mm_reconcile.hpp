// Brings the market maker's idea of its orders in line with the exchange's: for each market
// it asks for the maker's open orders and lets OrderTracker::reconcile say which orders to
// look up (by id, or in the history when a place reply was lost) and which strays to
// cancel. Runs on resuming after an outage, soon after a doubt (a refused cancel, a server
// error), and every reconcile_ms while the bot quotes.
// Single-threaded: used on the bot's io_context only.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "net/bots/bot_log.hpp"
#include "net/bots/market_maker.hpp"
#include "net/bots/mm_market.hpp"
#include "net/bots/mm_orders.hpp"
#include "net/bots/mm_phase.hpp"
#include "net/bots/mm_report.hpp"
#include "net/bots/order_tracker.hpp"
#include "net/client/api_client.hpp"

namespace ex::bots {

class MmReconciler {
 public:
  MmReconciler(boost::asio::io_context& io, const MmConfig& cfg, client::ApiClient& api,
               OrderTracker& tracker, const MmMarkets& markets, MmOrders& orders,
               const MmPhase& phase, MmCounters& counters, const BotLog& log);

  // Every market in turn; done(false) if the exchange could not be asked.
  void run(std::function<void(bool)> done);
  // A run in a second, unless one is pending already (then periodic runs resume).
  void soon();
  // A run every reconcile_ms while the bot quotes (none while one is pending).
  void periodically();
  // Drops the scheduled run, if any (going offline, stopping); a dropped soon() no longer
  // counts as pending, so runs are scheduled again once the bot quotes.
  void cancel();

 private:
  void reconcile_market(size_t i, std::function<void(bool)> done);
  // `asked`: when the open orders were requested (see OrderTracker::reconcile).
  void reconcile_with(size_t i, const std::vector<client::OrderState>& open,
                      Clock::time_point asked, std::function<void(bool)> done);

  const MmConfig& cfg_;
  client::ApiClient& api_;
  OrderTracker& tracker_;
  const MmMarkets& markets_;
  MmOrders& orders_;
  const MmPhase& phase_;
  MmCounters& counters_;
  const BotLog& log_;
  boost::asio::steady_timer timer_;
  bool pending_ = false;  // soon() has a run scheduled
};

}  // namespace ex::bots
