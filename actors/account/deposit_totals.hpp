// What every user has deposited, per asset: the state the deposits journal rebuilds and
// snapshots (accounts are then deposits plus what trading moved, see market_core.hpp).
// Pure: no CAF beyond the record codec, no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "actors/common/domain.hpp"
#include "actors/common/status.hpp"

namespace ex {

class DepositTotals {
 public:
  using Key = std::pair<std::string, std::string>;  // user id, asset

  // Modulo 2^64, as recovery sums a balance: a user's deposits over time are not bounded
  // (trading can take the money away again), while the balance they add up to is.
  void add(const DepositRecord& d) { add(d.user_id, d.asset, d.amount.units()); }
  // A deposits journal record (an encoded DepositRecord).
  Result<bool> apply(std::string_view record);
  const std::map<Key, int64_t>& units() const { return units_; }
  // What all users together deposited of `asset`, in units (at most INT64_MAX).
  int64_t asset_total(std::string_view asset) const;

  // The snapshot payload (versioned) and back.
  std::string encode() const;
  static Result<DepositTotals> decode(std::string_view payload);

 private:
  void add(const std::string& user_id, const std::string& asset, int64_t units);

  std::map<Key, int64_t> units_;
};

}  // namespace ex
