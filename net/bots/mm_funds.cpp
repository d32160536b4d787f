#include "net/bots/mm_funds.hpp"

#include <algorithm>
#include <memory>

#include "net/client/timer.hpp"

namespace ex::bots {

using client::Balances;
using client::Reply;
using std::chrono::milliseconds;

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

MmFunds::MmFunds(boost::asio::io_context& io, const MmConfig& cfg, client::ApiClient& api,
                 FillLedger& ledger, const MmMarkets& markets, const MmPhase& phase,
                 MmCounters& counters, const BotLog& log, std::function<void()> maker_funded)
    : cfg_(cfg),
      api_(api),
      ledger_(ledger),
      markets_(markets),
      phase_(phase),
      counters_(counters),
      log_(log),
      maker_funded_(std::move(maker_funded)),
      timer_(io) {}

std::vector<std::string> MmFunds::users() const {
  std::vector<std::string> u{cfg_.user};
  if (!cfg_.taker_user.empty() && cfg_.taker_user != cfg_.user) u.push_back(cfg_.taker_user);
  return u;
}

void MmFunds::fetch(const std::string& user, std::function<void(Reply<Balances>)> done) {
  api_.balances(user, [this, user, done](Reply<Balances> r) {
    if (!r.ok() && unknown_user(r.error())) {
      never_seen_.insert(user);
      return done(Balances{});
    }
    done(std::move(r));
  });
}

void MmFunds::fetch_all(const std::vector<std::string>& list,
                        std::function<void(const std::string&, const Reply<Balances>&)> each,
                        std::function<void()> done) {
  auto remaining = std::make_shared<size_t>(list.size());
  for (const std::string& user : list) {
    fetch(user, [user, remaining, each, done](Reply<Balances> r) {
      each(user, r);
      if (--*remaining == 0) done();
    });
  }
}

void MmFunds::top_up(const std::string& user, const Balances& b, std::function<void()> then) {
  auto remaining = std::make_shared<size_t>(1);
  auto next = [remaining, then] {
    if (--*remaining == 0 && then) then();
  };
  for (const std::string& asset : assets()) {
    auto it = b.find(asset);
    Decimal available = it == b.end() ? Decimal{} : it->second.available;
    if (!cfg_.topup || available >= cfg_.topup_below) continue;
    std::string tag = user + "/" + asset;
    if (!topups_in_flight_.insert(tag).second) continue;
    ++*remaining;
    api_.deposit(user, asset, cfg_.topup_amount, [this, user, asset, tag, next](Reply<Decimal> r) {
      topups_in_flight_.erase(tag);
      if (r.ok()) {
        ledger_.deposit(user, asset, cfg_.topup_amount);
        ++counters_.deposits;
        log_.info("deposited " + cfg_.topup_amount.to_string() + " " + asset + " for " + user);
      } else {
        log_.warn("deposit of " + asset + " for " + user + ": " + r.error().describe());
      }
      next();
    });
  }
  next();
}

void MmFunds::top_up_now(const std::string& user) {
  fetch(user, [this, user](Reply<Balances> r) {
    if (r.ok()) top_up(user, *r);
  });
}

void MmFunds::balances_loaded() {
  loaded_ = true;
  report_missing();
}

// A user that holds none of the assets places no orders (each would be refused, again and
// again) until the balance checks see funds arrive.
void MmFunds::report_missing() {
  std::set<std::string> all = assets();
  for (const std::string& user : users()) {
    std::vector<std::string> missing;
    for (const std::string& asset : all)
      if (!ledger_.expected(user, asset).is_positive()) missing.push_back(asset);
    if (missing.empty()) continue;
    bool maker = user == cfg_.user;
    std::string role = maker ? "maker user " : "taker user ";
    if (missing.size() < all.size()) {
      log_.warn(role + user + " holds no " + join(missing) + ": its " +
                (maker ? "quotes" : "orders") + " that need it are refused until it does" +
                (cfg_.topup ? "" : " (--topup deposits what runs low)"));
      continue;
    }
    unfunded_.insert(user);
    std::string how =
        cfg_.topup ? "The deposits failed (see above); they are retried at each balance check."
                   : "Fund it: POST /api/v1/on-ramp {\"userId\": \"" + user + "\", \"asset\": \"" +
                         *all.begin() +
                         "\", \"amount\": \"1000000\"} for each of those assets; or run "
                         "exchange-mm with --topup to let it deposit; or, on an exchange run "
                         "with --demo, use one of its funded users (1, 2, 5).";
    log_.error(role + user + " holds none of " + join(missing) +
               (never_seen_.count(user) ? " (the exchange does not know it: a user exists once "
                                          "it has deposited)"
                                        : "") +
               ", so it " + (maker ? "cannot quote" : "cannot take liquidity") + ". " + how +
               " Waiting for funds: " + (maker ? "quoting" : "taking") +
               " starts when they arrive.");
  }
}

// A user that held nothing at the start (so it has placed no order) and holds something
// now was funded from outside: its balances become the ledger's baseline, and it trades.
void MmFunds::note_funds(const std::string& user, const Balances& b) {
  if (!unfunded_.count(user)) return;
  std::set<std::string> all = assets();
  if (std::none_of(b.begin(), b.end(), [&](const auto& kv) {
        return all.count(kv.first) && kv.second.total().is_positive();
      }))
    return;
  ledger_.rebase(user, b);
  unfunded_.erase(user);
  never_seen_.erase(user);
  bool maker = user == cfg_.user;
  log_.info("user " + user + " now holds funds: " + (maker ? "quoting" : "taking liquidity"));
  if (maker) maker_funded_();
}

// Every 2 s while a user holds nothing, so that it starts soon after funds arrive.
void MmFunds::schedule_check(milliseconds delay) {
  if (cfg_.balance_check_ms <= 0 && unfunded_.empty()) return;
  if (!unfunded_.empty()) delay = std::min(delay, milliseconds(2000));
  client::run_after(timer_, delay, [this] {
    if (phase_ != MmPhase::running) return;
    check(users(), [this](bool agreed) {
      schedule_check(milliseconds(agreed ? cfg_.balance_check_ms : 500));
    });
  });
}

void MmFunds::cancel_checks() {
  timer_.cancel();
}

// Fills in flight make a difference for a moment, so only one that lasts over three
// checks is reported.
void MmFunds::check(std::vector<std::string> list, std::function<void(bool)> done) {
  auto drift = std::make_shared<std::string>();
  fetch_all(
      list,
      [this, drift](const std::string& user, const Reply<Balances>& r) {
        if (!r.ok()) return;
        note_funds(user, r.value());
        for (const auto& d : ledger_.compare(user, r.value()))
          *drift += " " + user + "/" + d.asset + ": expected " + d.expected.to_string() +
                    ", exchange " + d.actual.to_string() + ";";
        top_up(user, r.value());
      },
      [this, drift, done] {
        if (drift->empty()) {
          drift_streak_ = 0;
        } else if (++drift_streak_ == 3) {
          ++counters_.drift_warnings;
          log_.warn("balances differ from the bot's ledger:" + *drift);
        }
        done(drift->empty());
      });
}

void MmFunds::final_check(std::function<void()> then) {
  if (!loaded_) {  // stopped before it knew its balances: nothing to compare
    log_.info("final balance check skipped: stopped before the balances were loaded");
    return then();
  }
  auto drift = std::make_shared<std::string>();
  auto failed = std::make_shared<bool>(false);
  fetch_all(
      users(),
      [this, drift, failed](const std::string& user, const Reply<Balances>& r) {
        if (!r.ok()) {
          *failed = true;
          return;
        }
        for (const auto& d : ledger_.compare(user, r.value()))
          *drift += user + "/" + d.asset + ":" + d.expected.to_string() +
                    "!=" + d.actual.to_string() + ",";
      },
      [this, drift, failed, then] {
        if (*failed) {
          counters_.final_check = "unreachable";
        } else if (drift->empty()) {
          counters_.final_check = "ok";
          log_.info("final balance check: the exchange agrees with the ledger");
        } else {
          drift->pop_back();
          counters_.final_check = "drift";
          counters_.final_drift = *drift;
          log_.error("final balance check: expected != exchange: " + *drift);
        }
        then();
      });
}

}  // namespace ex::bots
