#include "actors/account/ledger.hpp"

#include <string>

namespace ex {
namespace {

Error bug(const std::string& what) { return make_error(ErrorCode::internal, "ledger: " + what); }

}  // namespace

void Ledger::ensure_account(AccountId account) {
  if (account < account_count_) return;
  account_count_ = static_cast<size_t>(account) + 1;
  balances_.resize(account_count_ * assets_);
}

Result<Balance> Ledger::balance(AccountId account, AssetId asset) const {
  if (account >= account_count_) return make_error(ErrorCode::unknown_user, "unknown user");
  if (asset >= assets_) return make_error(ErrorCode::invalid_field, "unknown asset");
  return at(account, asset);
}

Result<Decimal> Ledger::deposit(AccountId account, AssetId asset, Decimal amount) {
  if (asset >= assets_) return make_error(ErrorCode::invalid_field, "unknown asset");
  if (!amount.is_positive()) return make_error(ErrorCode::invalid_field, "amount must be positive");
  ensure_account(account);
  Balance& b = at(account, asset);
  auto sum = Decimal::add(b.available, amount);
  // The total of available + locked must stay in range too, or a later close could overflow.
  auto whole = sum ? Decimal::add(*sum, b.locked) : std::nullopt;
  if (!whole) return make_error(ErrorCode::invalid_field, "amount would overflow the balance");
  b.available = *sum;
  return b.available;
}

Ledger::Hold* Ledger::find_hold(AccountId account, uint64_t order_id) {
  uint32_t slot = index_.find(order_id);
  if (slot == FlatIdMap::kMissing || holds_[slot].account != account) return nullptr;
  return &holds_[slot];
}

Result<bool> Ledger::place(AccountId account, const HoldRequest& r) {
  if (account >= account_count_) return make_error(ErrorCode::unknown_user, "unknown user");
  if (r.base >= assets_ || r.quote >= assets_) return make_error(ErrorCode::invalid_field, "unknown asset");
  if (!r.amount.is_positive())
    return make_error(ErrorCode::insufficient_funds, "insufficient funds: nothing available");
  AssetId asset = r.side == HoldSide::buy ? r.quote : r.base;
  Balance& b = at(account, asset);
  if (b.available < r.amount)
    return make_error(ErrorCode::insufficient_funds,
                      "insufficient funds: needs " + r.amount.to_string() + ", available " +
                          b.available.to_string());
  uint32_t slot = free_holds_.empty() ? static_cast<uint32_t>(holds_.size()) : free_holds_.back();
  if (!index_.insert(r.order_id, slot)) return bug("duplicate hold for an order");  // one probe
  if (free_holds_.empty()) holds_.emplace_back();
  else free_holds_.pop_back();
  holds_[slot] = Hold{r.order_id, account, r.side, r.base, r.quote, r.amount.units(),
                      r.limit_price.units()};
  b.available = Decimal::from_units(b.available.units() - r.amount.units());
  b.locked = Decimal::from_units(b.locked.units() + r.amount.units());
  return true;
}

Result<bool> Ledger::fill(AccountId account, uint64_t order_id, Decimal price, Decimal qty) {
  Hold* h = find_hold(account, order_id);
  if (!h) return bug("fill for an order without a hold");
  if (!price.is_positive() || !qty.is_positive()) return bug("fill of a non-positive trade");
  auto cost = Decimal::mul(price, qty);
  if (!cost) return bug("trade cost out of range");
  if (h->side == HoldSide::buy) {
    int64_t consumed = cost->units();
    if (h->limit > 0) {
      auto at_limit = Decimal::mul(Decimal::from_units(h->limit), qty);
      if (!at_limit || at_limit->units() < consumed) return bug("buy filled above its limit");
      consumed = at_limit->units();
    }
    Balance& q = at(account, h->quote);
    Balance& base = at(account, h->base);
    if (consumed > h->remaining || consumed > q.locked.units()) return bug("buy fill exceeds its hold");
    auto received = Decimal::add(base.available, qty);
    if (!received) return bug("base balance overflow");
    h->remaining -= consumed;
    q.locked = Decimal::from_units(q.locked.units() - consumed);
    q.available = Decimal::from_units(q.available.units() + (consumed - cost->units()));
    base.available = *received;
  } else {
    Balance& base = at(account, h->base);
    Balance& q = at(account, h->quote);
    if (qty.units() > h->remaining || qty.units() > base.locked.units())
      return bug("sell fill exceeds its hold");
    auto received = Decimal::add(q.available, *cost);
    if (!received) return bug("quote balance overflow");
    h->remaining -= qty.units();
    base.locked = Decimal::from_units(base.locked.units() - qty.units());
    q.available = *received;
  }
  return true;
}

Result<Decimal> Ledger::close(AccountId account, uint64_t order_id) {
  // take() finds and forgets the id in one probe; a wrong account puts it back.
  const uint32_t slot = index_.take(order_id);
  if (slot == FlatIdMap::kMissing) return bug("close of an order without a hold");
  Hold& h = holds_[slot];
  Balance& b = at(account, h.side == HoldSide::buy ? h.quote : h.base);
  if (h.account != account || h.remaining > b.locked.units()) {
    index_.insert(order_id, slot);
    return bug(h.account != account ? "close of another account's hold" : "hold exceeds locked");
  }
  b.locked = Decimal::from_units(b.locked.units() - h.remaining);
  b.available = Decimal::from_units(b.available.units() + h.remaining);
  const Decimal released = Decimal::from_units(h.remaining);
  free_holds_.push_back(slot);
  h.order_id = 0;
  return released;
}

Result<bool> Ledger::rename_hold(uint64_t from, uint64_t to) {
  uint32_t slot = index_.find(from);
  if (slot == FlatIdMap::kMissing) return bug("rename of a missing hold");
  if (to == 0 || index_.find(to) != FlatIdMap::kMissing) return bug("rename onto an existing hold");
  index_.erase(from);
  index_.insert(to, slot);
  holds_[slot].order_id = to;
  return true;
}

Result<Decimal> Ledger::held(uint64_t order_id) const {
  uint32_t slot = index_.find(order_id);
  if (slot == FlatIdMap::kMissing) return make_error(ErrorCode::unknown_order, "no hold");
  return Decimal::from_units(holds_[slot].remaining);
}

Result<HoldRequest> Ledger::hold(uint64_t order_id) const {
  uint32_t slot = index_.find(order_id);
  if (slot == FlatIdMap::kMissing) return make_error(ErrorCode::unknown_order, "no hold");
  const Hold& h = holds_[slot];
  return HoldRequest{h.order_id, h.side, h.base, h.quote, Decimal::from_units(h.remaining),
                     Decimal::from_units(h.limit)};
}

Decimal Ledger::total(AssetId asset) const {
  int64_t sum = 0;
  for (size_t a = 0; a < account_count_; ++a) {
    const Balance& b = balances_[a * assets_ + asset];
    sum += b.available.units() + b.locked.units();
  }
  return Decimal::from_units(sum);
}

bool Ledger::check_invariants() const {
  std::vector<int64_t> held_sum(balances_.size(), 0);
  for (const Hold& h : holds_) {
    if (h.order_id == 0) continue;
    if (h.remaining < 0) return false;
    AssetId asset = h.side == HoldSide::buy ? h.quote : h.base;
    held_sum[h.account * assets_ + asset] += h.remaining;
  }
  for (size_t i = 0; i < balances_.size(); ++i) {
    const Balance& b = balances_[i];
    if (b.available.is_negative() || b.locked.is_negative()) return false;
    if (b.locked.units() != held_sum[i]) return false;
  }
  return true;
}

}  // namespace ex
