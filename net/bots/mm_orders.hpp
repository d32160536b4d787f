// The market maker's order requests: it places its quotes (post-only GTC, as the maker) and
// its takes (IOC, as the taker), cancels quotes, and finds out what became of an order
// whose fate it does not know (by id, or by client id in the user's history when the place
// reply was lost). OrderTracker holds what the bot knows of its orders; this sends the
// requests and hands it the replies, and says what a refusal means for the market (a side
// paused for lack of funds, a crossing remembered, a top-up).
// Single-threaded: used on the bot's io_context only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "net/bots/bot_log.hpp"
#include "net/bots/market_maker.hpp"
#include "net/bots/mm_funds.hpp"
#include "net/bots/mm_market.hpp"
#include "net/bots/mm_report.hpp"
#include "net/bots/order_tracker.hpp"
#include "net/client/api_client.hpp"

namespace ex::bots {

class MmOrders {
 public:
  // What the orders ask of the rest of the bot.
  struct Hooks {
    std::function<void(size_t market)> refresh;           // a slot freed: quote again soon
    std::function<void(const std::string& why)> offline;  // the exchange did not answer
    std::function<void()> reconcile;  // a doubt that the exchange's open orders settle
  };

  MmOrders(const MmConfig& cfg, client::ApiClient& api, OrderTracker& tracker, MmMarkets& markets,
           MmFunds& funds, std::mt19937_64& rng, MmCounters& counters, const BotLog& log,
           Hooks hooks);

  void place_quote(size_t market, const Quote& q);
  void place_take(size_t market, Side side, Decimal price, Decimal qty);
  // Cancels an open quote; a 404 means it closed meanwhile, so it asks how much executed.
  void cancel_quote(size_t market, uint64_t key);

  // Learns the final execution of an order that left the book from GET /api/v1/order,
  // and closes it. `then` runs afterwards whatever happened.
  void resolve_by_id(size_t market, uint64_t key, std::function<void()> then);
  // Orders whose place reply was lost: the user's recent orders say whether they exist.
  // Sets *ok to false if the history could not be had.
  void resolve_by_history(size_t market, const std::string& user, std::vector<uint64_t> keys,
                          std::shared_ptr<bool> ok, std::function<void()> then);

  // These answer an unknown user's request as empty rather than UNKNOWN_USER.
  void cancel_all_of(const std::string& symbol, const std::string& user,
                     client::Callback<std::vector<client::CancelResult>> done);
  void open_orders_of(const std::string& user, const std::string& symbol,
                      client::Callback<std::vector<client::OrderState>> done);

 private:
  void place(size_t market, Side side, Decimal price, Decimal qty, bool taker);
  void on_placed(size_t market, uint64_t key, client::Reply<client::PlaceResult>& rep);
  void request_failed(const client::ApiError& e, const std::string& what);

  const MmConfig& cfg_;
  client::ApiClient& api_;
  OrderTracker& tracker_;
  MmMarkets& markets_;
  MmFunds& funds_;
  std::mt19937_64& rng_;
  MmCounters& counters_;
  const BotLog& log_;
  Hooks hooks_;
};

}  // namespace ex::bots
