// Balances of users, per asset, as `available` and `locked`, and the holds that back
// each open order. A pure state machine: an account actor owns one (for its user), the
// tests and benchmarks own one for many users.
//
// Money flows:  deposit -> available;  place: available -> locked (a hold for the order);
// fill: the hold pays the trade (a buyer whose limit was above the trade price gets the
// difference back to available), the counter-asset arrives in available;  close: what
// the hold still has returns to available.
//
// Invariants (check_invariants()):
//  - no available, locked or hold is ever negative;
//  - per user and asset, locked == the sum of that user's holds in that asset;
//  - per asset, the sum over users of available + locked == deposits (no fees).
// An operation that would break one is refused with ErrorCode::internal and changes
// nothing: it means a bug upstream, and the tests treat it as a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "actors/common/flat_id_map.hpp"
#include "actors/common/status.hpp"
#include "actors/money/decimal.hpp"

namespace ex {

using AssetId = uint16_t;
using AccountId = uint32_t;

struct Balance {
  Decimal available;
  Decimal locked;
};

enum class HoldSide : uint8_t { buy, sell };

// What an order needs held: a buy holds quote, a sell holds base.
struct HoldRequest {
  uint64_t order_id = 0;
  HoldSide side = HoldSide::buy;
  AssetId base = 0;
  AssetId quote = 0;
  Decimal amount;  // to lock, in quote for buys and base for sells
  // Buys at a limit: each fill consumes limit x qty of the hold and returns
  // (limit - price) x qty to available. Zero for market buys: fills consume the cost.
  Decimal limit_price;
};

class Ledger {
 public:
  explicit Ledger(size_t asset_count) : assets_(asset_count) {}

  size_t asset_count() const { return assets_; }
  // Accounts are dense ids; touching a new id grows the table.
  void ensure_account(AccountId account);
  bool has_account(AccountId account) const { return account < account_count_; }

  Result<Balance> balance(AccountId account, AssetId asset) const;
  Result<Decimal> deposit(AccountId account, AssetId asset, Decimal amount);
  // Locks funds for a new order; INSUFFICIENT_FUNDS if available is short.
  Result<bool> place(AccountId account, const HoldRequest& request);
  // Settles one trade on one side of `order_id`: `qty` of base at `price`.
  Result<bool> fill(AccountId account, uint64_t order_id, Decimal price, Decimal qty);
  // Re-keys a hold: an account locks under a provisional key before its market assigns
  // the order id.
  Result<bool> rename_hold(uint64_t from, uint64_t to);
  // Returns what the order's hold still has to available and forgets the hold.
  Result<Decimal> close(AccountId account, uint64_t order_id);
  // How much an open order's hold still has (for tests and queries).
  Result<Decimal> held(uint64_t order_id) const;
  // An open order's hold as it stands now (`amount` = what it still has): placing it
  // again into another ledger recreates it, which is how accounts are rebuilt.
  Result<HoldRequest> hold(uint64_t order_id) const;
  size_t open_holds() const { return index_.size(); }

  Decimal total(AssetId asset) const;  // sum of available + locked over accounts
  bool check_invariants() const;

 private:
  struct Hold {
    uint64_t order_id;
    AccountId account;
    HoldSide side;
    AssetId base, quote;
    int64_t remaining;  // Decimal units in the held asset
    int64_t limit;      // Decimal units; 0 for market buys
  };

  Balance& at(AccountId account, AssetId asset) { return balances_[account * assets_ + asset]; }
  const Balance& at(AccountId account, AssetId asset) const {
    return balances_[account * assets_ + asset];
  }
  Hold* find_hold(AccountId account, uint64_t order_id);

  size_t assets_;
  size_t account_count_ = 0;
  std::vector<Balance> balances_;
  std::vector<Hold> holds_;
  std::vector<uint32_t> free_holds_;
  FlatIdMap index_;  // order id -> holds_ slot
};

}  // namespace ex
