#include "net/bots/fill_ledger.hpp"

#include <stdexcept>

namespace ex::bots {

Decimal FillLedger::add(Decimal a, Decimal b) {
  auto sum = Decimal::add(a, b);
  if (!sum) throw std::overflow_error("fill ledger: amount out of range");
  return *sum;
}

void FillLedger::track(uint64_t key, OrderSpec spec) {
  Order o;
  o.spec = std::move(spec);
  orders_.emplace(key, std::move(o));
}

bool FillLedger::add_fill(uint64_t key, uint64_t trade_id, Decimal price, Decimal qty) {
  auto it = orders_.find(key);
  if (it == orders_.end()) return false;
  Order& o = it->second;
  if (!o.trades.insert(trade_id).second) return false;
  o.fill_qty = add(o.fill_qty, qty);
  auto quote = Decimal::mul(price, qty);
  if (!quote) throw std::overflow_error("fill ledger: price x quantity is not exact");
  o.fill_quote = add(o.fill_quote, *quote);
  settle(o);
  return true;
}

void FillLedger::set_executed(uint64_t key, Decimal executed) {
  auto it = orders_.find(key);
  if (it == orders_.end()) return;
  if (executed > it->second.reported) {
    it->second.reported = executed;
    settle(it->second);
  }
}

Decimal FillLedger::executed(uint64_t key) const {
  auto it = orders_.find(key);
  if (it == orders_.end()) return Decimal{};
  return std::max(it->second.fill_qty, it->second.reported);
}

void FillLedger::close(uint64_t key) {
  auto it = orders_.find(key);
  if (it == orders_.end() || it->second.closed) return;
  it->second.closed = true;
  closed_.push_back(key);
  while (closed_.size() > kClosedKept) {
    orders_.erase(closed_.front());
    closed_.pop_front();
  }
}

void FillLedger::settle(Order& o) {
  Decimal base = std::max(o.fill_qty, o.reported);
  Decimal quote;
  if (o.spec.maker_only) {
    auto q = Decimal::mul(base, o.spec.price);
    if (!q) throw std::overflow_error("fill ledger: price x quantity is not exact");
    quote = *q;
  } else if (o.reported > o.fill_qty) {
    // Fills are missing and their prices unknown: the limit price bounds what was paid.
    auto missing =
        Decimal::mul(Decimal::from_units(o.reported.units() - o.fill_qty.units()), o.spec.price);
    if (!missing) throw std::overflow_error("fill ledger: price x quantity is not exact");
    quote = add(o.fill_quote, *missing);
    if (!o.estimated) ++uncertain_;
    o.estimated = true;
  } else {
    quote = o.fill_quote;
  }
  bool buy = o.spec.side == client::Side::buy;
  Decimal base_effect = buy ? base : neg(base);
  Decimal quote_effect = buy ? neg(quote) : quote;
  Decimal& tb = traded_[{o.spec.user, o.spec.base}];
  tb = add(tb, Decimal::from_units(base_effect.units() - o.base_effect.units()));
  Decimal& tq = traded_[{o.spec.user, o.spec.quote}];
  tq = add(tq, Decimal::from_units(quote_effect.units() - o.quote_effect.units()));
  o.base_effect = base_effect;
  o.quote_effect = quote_effect;
}

void FillLedger::deposit(const std::string& user, const std::string& asset, Decimal amount) {
  Decimal& d = deposits_[{user, asset}];
  d = add(d, amount);
}

void FillLedger::rebase(const std::string& user, const client::Balances& actual) {
  for (const auto& [asset, balance] : actual) {
    UserAsset k{user, asset};
    Decimal others = add(deposits_.count(k) ? deposits_.at(k) : Decimal{},
                         traded_.count(k) ? traded_.at(k) : Decimal{});
    baseline_[k] = Decimal::from_units(balance.total().units() - others.units());
  }
}

Decimal FillLedger::expected(const std::string& user, const std::string& asset) const {
  UserAsset k{user, asset};
  Decimal sum;
  for (const auto* m : {&baseline_, &deposits_, &traded_}) {
    auto it = m->find(k);
    if (it != m->end()) sum = add(sum, it->second);
  }
  return sum;
}

Decimal FillLedger::traded(const std::string& user, const std::string& asset) const {
  auto it = traded_.find({user, asset});
  return it == traded_.end() ? Decimal{} : it->second;
}

std::vector<FillLedger::Drift> FillLedger::compare(const std::string& user,
                                                   const client::Balances& actual) const {
  std::vector<Drift> out;
  std::set<std::string> assets;
  for (const auto& [asset, b] : actual)
    assets.insert(asset);
  for (const auto* m : {&baseline_, &deposits_, &traded_})
    for (const auto& [k, v] : *m)
      if (k.first == user) assets.insert(k.second);
  for (const std::string& asset : assets) {
    auto it = actual.find(asset);
    Decimal have = it == actual.end() ? Decimal{} : it->second.total();
    Decimal want = expected(user, asset);
    if (have != want) out.push_back(Drift{asset, want, have});
  }
  return out;
}

}  // namespace ex::bots
