// One market the market maker quotes: its rules and ladder settings (the global ones with
// its [[market]] overrides), its reference price, its book as the depth stream shows it,
// the quotes the exchange refused, and its timers. The parts of the bot name a market by
// its index in MmMarkets, which is fixed once the markets are loaded.
// Single-threaded: used on the bot's io_context only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "net/bots/market_maker.hpp"
#include "net/bots/price_walk.hpp"
#include "net/bots/quoting.hpp"
#include "net/client/local_book.hpp"

namespace ex::bots {

struct MmMarket {
  using Clock = std::chrono::steady_clock;

  MmMarket(boost::asio::io_context& io, const MarketInfo& market, const MmConfig& cfg);

  // Sets the reference to `price` on the tick grid (at least one tick) and starts the walk
  // there.
  void start_reference(Decimal price, const WalkParams& walk);
  // Moves the reference on and returns it: to the last trade when `mode` is "last" (kept
  // if none yet), else one step of the walk for the time since the last move (at most 5 s,
  // so a pause does not make one huge jump).
  Decimal advance_reference(const std::string& mode);
  // The best prices a ladder around `reference` must stay clear of: the book's once it is
  // in, tightened by the quotes refused as crossing (CrossGuard).
  BookTop book_top(Decimal reference);

  // A side stops quoting for a while after INSUFFICIENT_FUNDS, so as not to send again at
  // once what was just refused.
  void pause(Side side, Clock::time_point until);
  bool paused(Side side, Clock::time_point now) const;

  MarketInfo info;
  LadderParams ladder;
  std::optional<Decimal> configured_reference;
  std::unique_ptr<PriceWalk> walk;  // set by start_reference
  Decimal reference;
  Clock::time_point walked_at;
  std::optional<Decimal> last_trade;
  client::LocalBook book;
  bool snapshot_in_flight = false;
  bool refresh_posted = false;  // a refresh is queued on the io_context already
  boost::asio::steady_timer refresh_timer;
  boost::asio::steady_timer take_timer;
  boost::asio::steady_timer snapshot_timer;
  CrossGuard cross_guard;

 private:
  Clock::time_point pause_until_[2];  // bids, asks
};

using MmMarkets = std::vector<std::unique_ptr<MmMarket>>;

// The index of the market called `symbol`; markets.size() if none is.
size_t market_index(const MmMarkets& markets, const std::string& symbol);

// The assets the bot trades: base and quote of every market (the maker quotes both sides,
// the taker buys and sells).
std::set<std::string> traded_assets(const MmMarkets& markets);

}  // namespace ex::bots
