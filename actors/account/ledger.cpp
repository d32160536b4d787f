#include "actors/account/ledger.hpp"

#include <new>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ex {
namespace {

Error bug(const std::string& what) {
  return make_error(ErrorCode::internal, "ledger: " + what);
}

#if defined(__linux__) && defined(MADV_HUGEPAGE)
constexpr size_t kHugePage = size_t{2} << 20;
size_t huge_size(size_t bytes) {
  return (bytes + kHugePage - 1) & ~(kHugePage - 1);
}
#endif

}  // namespace

void* allocate_table(size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= kHugePage) {
    // Map one extra huge page and trim both ends so the table starts 2 MiB-aligned.
    const size_t size = huge_size(bytes);
    void* raw =
        mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
    if (aligned > start) munmap(raw, aligned - start);
    const size_t tail = kHugePage - (aligned - start);
    if (tail > 0) munmap(reinterpret_cast<void*>(aligned + size), tail);
    madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);  // advice: may be ignored
    return reinterpret_cast<void*>(aligned);
  }
#endif
  return ::operator new(bytes);
}

void free_table(void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= kHugePage) {
    munmap(p, huge_size(bytes));
    return;
  }
#endif
  ::operator delete(p);
}

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

Result<Decimal> Ledger::withdraw(AccountId account, AssetId asset, Decimal amount) {
  if (account >= account_count_ || asset >= assets_) return bug("withdrawal from nowhere");
  Balance& b = at(account, asset);
  if (amount.is_negative() || amount.units() > b.available.units())
    return bug("withdrawal of more than is available");
  b.available = Decimal::from_units(b.available.units() - amount.units());
  return b.available;
}

Result<bool> Ledger::place(AccountId account, const HoldRequest& r) {
  holds_.prefetch(r.order_id);  // the hold's cell loads while the balance is checked
  if (account >= account_count_) return make_error(ErrorCode::unknown_user, "unknown user");
  if (r.base >= assets_ || r.quote >= assets_)
    return make_error(ErrorCode::invalid_field, "unknown asset");
  if (!r.amount.is_positive())
    return make_error(ErrorCode::insufficient_funds, "insufficient funds: nothing available");
  Balance& b = at(account, r.side == HoldSide::buy ? r.quote : r.base);
  if (b.available < r.amount)
    return make_error(ErrorCode::insufficient_funds, "insufficient funds: needs " +
                                                         r.amount.to_string() + ", available " +
                                                         b.available.to_string());
  const Hold h{account, r.side, r.base, r.quote, r.amount.units(), r.limit_price.units()};
  if (!holds_.insert(r.order_id, h))  // one probe
    return bug(r.order_id == 0 ? "hold for order id 0" : "duplicate hold for an order");
  // available + locked is in range (deposit keeps it so), hence both results are.
  b.available = Decimal::from_units(b.available.units() - r.amount.units());
  b.locked = Decimal::from_units(b.locked.units() + r.amount.units());
  return true;
}

Result<bool> Ledger::fill(AccountId account, uint64_t order_id, Decimal price, Decimal qty) {
  prefetch(account);  // the balances load while the hold is probed
  Hold* h = holds_.find(order_id);
  if (!h || h->account != account) return bug("fill for an order without a hold");
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
    if (consumed > h->remaining || consumed > q.locked.units())
      return bug("buy fill exceeds its hold");
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
  prefetch(account);  // the balances load while the hold is probed
  Hold* h = holds_.find(order_id);
  if (!h) return bug("close of an order without a hold");
  if (h->account != account) return bug("close of another account's hold");
  Balance& b = at(account, held_asset(*h));
  if (h->remaining > b.locked.units()) return bug("hold exceeds locked");
  const int64_t released = h->remaining;
  b.locked = Decimal::from_units(b.locked.units() - released);
  b.available = Decimal::from_units(b.available.units() + released);
  holds_.erase_found(h);
  return Decimal::from_units(released);
}

Result<bool> Ledger::release(AccountId account, uint64_t order_id, Decimal amount) {
  Hold* h = holds_.find(order_id);
  if (!h || h->account != account) return bug("release of an order without a hold");
  if (amount.is_negative()) return bug("release of a negative amount");
  Balance& b = at(account, held_asset(*h));
  if (amount.units() > h->remaining || amount.units() > b.locked.units())
    return bug("release exceeds the hold");
  h->remaining -= amount.units();
  b.locked = Decimal::from_units(b.locked.units() - amount.units());
  b.available = Decimal::from_units(b.available.units() + amount.units());
  return true;
}

Result<bool> Ledger::rename_hold(uint64_t from, uint64_t to) {
  Hold* h = holds_.find(from);
  if (!h) return bug("rename of a missing hold");
  if (to == 0 || holds_.find(to)) return bug("rename onto an existing hold");
  const Hold moved = *h;
  holds_.erase_found(h);
  holds_.insert(to, moved);
  return true;
}

Result<Decimal> Ledger::held(uint64_t order_id) const {
  const Hold* h = holds_.find(order_id);
  if (!h) return make_error(ErrorCode::unknown_order, "no hold");
  return Decimal::from_units(h->remaining);
}

Result<HoldRequest> Ledger::hold(uint64_t order_id) const {
  const Hold* h = holds_.find(order_id);
  if (!h) return make_error(ErrorCode::unknown_order, "no hold");
  return HoldRequest{order_id,
                     h->side,
                     h->base,
                     h->quote,
                     Decimal::from_units(h->remaining),
                     Decimal::from_units(h->limit)};
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
  bool ok = true;
  holds_.for_each([&](uint64_t, const Hold& h) {
    if (h.remaining < 0 || h.account >= account_count_)
      ok = false;
    else
      held_sum[h.account * assets_ + held_asset(h)] += h.remaining;
  });
  if (!ok) return false;
  for (size_t i = 0; i < balances_.size(); ++i) {
    const Balance& b = balances_[i];
    if (b.available.is_negative() || b.locked.is_negative()) return false;
    if (b.locked.units() != held_sum[i]) return false;
  }
  return true;
}

}  // namespace ex
