// What a bot's own orders did to its balances, kept from its fills and the exchange's
// reports of executed quantities, so that it can check the exchange's view of its balances
// (conservation: what it holds = what it had + deposits + what its trades moved).
//
// Two sources describe one order's execution: fills (stream events and the fills of a
// place reply, each once by trade id) and executed totals (a cancel reply, an order
// query). Both only grow and each is a lower bound of the truth, so the executed quantity
// is their maximum; it is exact once either is complete. A maker-only (post-only) order
// trades at its own price, so its quote amount follows from its executed quantity; a
// taker's comes from its fills, which its place reply holds in full.
// Pure, single-threaded.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "net/client/wire.hpp"

namespace ex::bots {

class FillLedger {
 public:
  struct OrderSpec {
    std::string user;
    std::string base;  // asset names of the order's market
    std::string quote;
    client::Side side = client::Side::buy;
    Decimal price;            // limit price
    bool maker_only = false;  // post-only: every fill is at `price`
  };

  void track(uint64_t key, OrderSpec spec);
  bool tracked(uint64_t key) const { return orders_.count(key) != 0; }
  // A fill of order `key`; false if unknown or already counted (same trade id).
  bool add_fill(uint64_t key, uint64_t trade_id, Decimal price, Decimal qty);
  // The exchange's executed quantity of order `key` so far.
  void set_executed(uint64_t key, Decimal executed);
  Decimal executed(uint64_t key) const;
  // The order is closed: it is forgotten after enough others closed after it (late fills
  // of a closed order can still be deduplicated meanwhile).
  void close(uint64_t key);

  void deposit(const std::string& user, const std::string& asset, Decimal amount);
  // Takes `actual` as the truth now: expected() becomes actual for every asset it lists.
  void rebase(const std::string& user, const client::Balances& actual);

  // Baseline + deposits + the trades' effects.
  Decimal expected(const std::string& user, const std::string& asset) const;
  // What the trades alone moved (e.g. the market maker's position in its base asset).
  Decimal traded(const std::string& user, const std::string& asset) const;

  struct Drift {
    std::string asset;
    Decimal expected;
    Decimal actual;  // available + locked
  };
  // Assets of `user` whose expected total differs from the exchange's.
  std::vector<Drift> compare(const std::string& user, const client::Balances& actual) const;
  // Orders whose quote amount could only be estimated (a taker's fills went missing).
  uint64_t uncertain() const { return uncertain_; }
  size_t open_count() const { return orders_.size() - closed_.size(); }

 private:
  struct Order {
    OrderSpec spec;
    Decimal fill_qty;    // sum of fills' quantities
    Decimal fill_quote;  // sum of fills' price x quantity
    Decimal reported;    // the exchange's executed total
    std::set<uint64_t> trades;
    Decimal base_effect;  // applied to totals so far (signed)
    Decimal quote_effect;
    bool closed = false;
    bool estimated = false;
  };
  using UserAsset = std::pair<std::string, std::string>;

  void settle(Order& o);  // re-derives the order's effect and applies the change
  static Decimal add(Decimal a, Decimal b);
  static Decimal neg(Decimal a) { return Decimal::from_units(-a.units()); }

  // Late fills of a closed order come within moments; 4096 closes is minutes of quoting.
  static constexpr size_t kClosedKept = 4096;
  std::unordered_map<uint64_t, Order> orders_;
  std::deque<uint64_t> closed_;
  std::map<UserAsset, Decimal> baseline_;
  std::map<UserAsset, Decimal> deposits_;
  std::map<UserAsset, Decimal> traded_;
  uint64_t uncertain_ = 0;
};

}  // namespace ex::bots
