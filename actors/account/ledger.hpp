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

// Storage for the balance table: one flat array that can reach tens of megabytes (a
// market's shadow ledger holds every trader). Above 2 MiB it is 2 MiB-aligned and asks
// the kernel for transparent huge pages, since settlements touch accounts at random and
// with 4 KiB pages nearly each of them would also miss the TLB. Plain memory otherwise.
void* allocate_table(size_t bytes);
void free_table(void* p, size_t bytes);

template <class T>
struct TableAllocator {
  using value_type = T;
  TableAllocator() = default;
  template <class U>
  TableAllocator(const TableAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(allocate_table(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { free_table(p, n * sizeof(T)); }
  friend bool operator==(const TableAllocator&, const TableAllocator&) { return true; }
  friend bool operator!=(const TableAllocator&, const TableAllocator&) { return false; }
};

class Ledger {
 public:
  // `holds`: open orders it expects to hold for at first (the table grows beyond). A
  // market's shadow ledger holds every resting order of the book; a user's account a few,
  // and with a thousand cells (40 KB) each, 50,000 users took 2.3 GB.
  explicit Ledger(size_t asset_count, size_t holds = 1024) : assets_(asset_count), holds_(holds) {}

  size_t asset_count() const { return assets_; }
  // Accounts are dense ids; touching a new id grows the table.
  void ensure_account(AccountId account);
  bool has_account(AccountId account) const { return account < account_count_; }

  Result<Balance> balance(AccountId account, AssetId asset) const;
  Result<Decimal> deposit(AccountId account, AssetId asset, Decimal amount);
  // Takes `amount` out of available: what a ledger hands back to where it came from.
  Result<Decimal> withdraw(AccountId account, AssetId asset, Decimal amount);
  // Locks funds for a new order; INSUFFICIENT_FUNDS if available is short.
  Result<bool> place(AccountId account, const HoldRequest& request);
  // Settles one trade on one side of `order_id`: `qty` of base at `price`.
  Result<bool> fill(AccountId account, uint64_t order_id, Decimal price, Decimal qty);
  // Re-keys a hold: an account locks under a provisional key before its market assigns
  // the order id.
  Result<bool> rename_hold(uint64_t from, uint64_t to);
  // Returns what the order's hold still has to available and forgets the hold.
  Result<Decimal> close(AccountId account, uint64_t order_id);
  // Returns `amount` of the hold to available ahead of the order's close, which then
  // returns that much less: for a part its market knows the order will not spend.
  Result<bool> release(AccountId account, uint64_t order_id, Decimal amount);
  // How much an open order's hold still has (for tests and queries).
  Result<Decimal> held(uint64_t order_id) const;
  // An open order's hold as it stands now (`amount` = what it still has): placing it
  // again into another ledger recreates it, which is how accounts are rebuilt.
  Result<HoldRequest> hold(uint64_t order_id) const;
  size_t open_holds() const { return holds_.size(); }

  // Hints, no effect on state: start loading `account`'s balances (and the hold of
  // `order_id`) into the cache, for a caller that knows what it will settle next and has
  // other work meanwhile. Settlements touch makers' accounts, which are rarely cached.
  void prefetch(AccountId account) const {
    if (account < account_count_) __builtin_prefetch(&balances_[account * assets_], 1, 3);
  }
  void prefetch(AccountId account, uint64_t order_id) const {
    prefetch(account);
    holds_.prefetch(order_id);
  }

  Decimal total(AssetId asset) const;  // sum of available + locked over accounts
  bool check_invariants() const;

 private:
  // One open order's hold, stored inline in the id table (one probe finds everything).
  struct Hold {
    AccountId account;
    HoldSide side;
    AssetId base, quote;
    int64_t remaining;  // Decimal units in the held asset
    int64_t limit;      // Decimal units; 0 for market buys
  };
  static AssetId held_asset(const Hold& h) { return h.side == HoldSide::buy ? h.quote : h.base; }

  Balance& at(AccountId account, AssetId asset) { return balances_[account * assets_ + asset]; }
  const Balance& at(AccountId account, AssetId asset) const {
    return balances_[account * assets_ + asset];
  }

  size_t assets_;
  size_t account_count_ = 0;
  std::vector<Balance, TableAllocator<Balance>> balances_;
  FlatIdTable<Hold> holds_;  // order id -> its hold
};

}  // namespace ex
