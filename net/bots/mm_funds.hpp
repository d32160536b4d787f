// The market maker's users and their money: who trades (the maker, and the taker if any),
// what the exchange says they hold against what the bot's ledger expects (checked now and
// then, and a last time at the stop), deposits when a balance runs low (--topup), and the
// users that hold nothing they trade and so place nothing until funds arrive.
//
// A user the exchange has never seen holds nothing: one exists once it has deposited.
// Single-threaded: used on the bot's io_context only.
#pragma once

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "net/bots/bot_link.hpp"
#include "net/bots/bot_log.hpp"
#include "net/bots/fill_ledger.hpp"
#include "net/bots/market_maker.hpp"
#include "net/bots/mm_market.hpp"
#include "net/bots/mm_phase.hpp"
#include "net/bots/mm_report.hpp"
#include "net/client/api_client.hpp"

namespace ex::bots {

class MmFunds {
 public:
  // `maker_funded`: the maker, which held nothing, holds funds now and may quote.
  MmFunds(boost::asio::io_context& io, const MmConfig& cfg, client::ApiClient& api,
          FillLedger& ledger, const MmMarkets& markets, const MmPhase& phase, MmCounters& counters,
          const BotLog& log, std::function<void()> maker_funded);

  // The maker, then the taker if it has one of its own.
  std::vector<std::string> users() const;
  std::set<std::string> assets() const { return traded_assets(markets_); }
  // True while `user` holds none of the assets: it places nothing.
  bool unfunded(const std::string& user) const { return unfunded_.count(user) != 0; }

  // GET the user's balances; an unknown user's are empty.
  void fetch(const std::string& user, std::function<void(client::Reply<client::Balances>)> done);
  // Deposits what runs low in `b` (--topup); `then`, if given, once those deposits are
  // answered (at once if there are none).
  void top_up(const std::string& user, const client::Balances& b, std::function<void()> then = {});
  // Fetches the user's balances and tops them up (after a refusal for lack of funds).
  void top_up_now(const std::string& user);

  // The start-up balances are in the ledger and the start-up deposits answered: says
  // plainly which user lacks what, and how to fix it.
  void balances_loaded();
  // Compares every user's balances with the ledger after `delay`, then again and again
  // while the bot runs; meanwhile a user that holds nothing learns that funds arrived.
  void schedule_check(std::chrono::milliseconds delay);
  void cancel_checks();
  // The last comparison, at the stop: sets counters.final_check ("ok", "drift" with
  // final_drift, "unreachable"; left as it is if the balances were never loaded, for then
  // nothing was placed), then calls `then`.
  void final_check(std::function<void()> then);

 private:
  void report_missing();
  void note_funds(const std::string& user, const client::Balances& b);
  void check(std::vector<std::string> list, std::function<void(bool)> done);
  // Asks for every user's balances at once; `each` for each answer as it comes, `done`
  // after the last.
  void fetch_all(
      const std::vector<std::string>& list,
      std::function<void(const std::string&, const client::Reply<client::Balances>&)> each,
      std::function<void()> done);

  const MmConfig& cfg_;
  client::ApiClient& api_;
  FillLedger& ledger_;
  const MmMarkets& markets_;
  const MmPhase& phase_;
  MmCounters& counters_;
  const BotLog& log_;
  std::function<void()> maker_funded_;
  boost::asio::steady_timer timer_;

  bool loaded_ = false;               // the start-up balances are in the ledger
  int drift_streak_ = 0;              // checks in a row that found a difference
  std::set<std::string> unfunded_;    // users that hold nothing they trade
  std::set<std::string> never_seen_;  // users the exchange answered UNKNOWN_USER about
  std::unordered_set<std::string> topups_in_flight_;  // "user/asset"
};

}  // namespace ex::bots
