#include "actors/account/account_actor.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <unordered_map>

#include "actors/account/ledger.hpp"
#include "actors/common/binary_codec.hpp"
#include "actors/common/clock.hpp"
#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"

namespace ex {
namespace {

constexpr AccountId kSelf = 0;                // an account actor's ledger holds one account
constexpr uint64_t kPendingBit = 1ull << 63;  // hold keys of orders the market has not numbered yet
// Closed orders stay in the account until storage surely has them, since order history
// reads older orders from storage: the newest 200, and every order closed in the last 5 s
// (the writer stores within its batching interval and one write), up to 20,000.
constexpr size_t kRecentClosed = 200;
constexpr auto kKeepClosedFor = std::chrono::seconds(5);
constexpr size_t kMaxClosed = 20000;

bool is_open(OrderStatus s) {
  return s == OrderStatus::new_ || s == OrderStatus::partially_filled;
}

class Account {
 public:
  Account(std::string user_id, CatalogPtr catalog)
      : user_id_(std::move(user_id)),
        catalog_(std::move(catalog)),
        ledger_(catalog_->assets.size(), 8),
        ledger_errors_(
            Metrics::global().counter("exchange_ledger_errors_total",
                                      "Settlements refused by a ledger (bugs; must stay 0)")) {
    ledger_.ensure_account(kSelf);
  }

  // Puts back what recovery rebuilt: totals as deposits, then each hold locks its part.
  void restore(AccountRestore& r) {
    for (size_t a = 0; a < r.totals.size(); ++a)
      if (r.totals[a].is_positive())
        check(ledger_.deposit(kSelf, static_cast<AssetId>(a), r.totals[a]));
      else if (!r.totals[a].is_zero())
        check(Result<bool>(make_error(
            ErrorCode::internal, "recovered a negative total of " + catalog_->assets[a].name)));
    for (const HoldRequest& h : r.holds)
      check(ledger_.place(kSelf, h));
    for (OrderInfo& o : r.open)
      keep_open(std::move(o));
    // Its orders closed before the restart are in storage only, once storage reaches
    // where their markets stood.
    if (!r.recovered_at.empty()) evicted_ = OrderCursor{};
    for (const StreamPosition& p : r.recovered_at) {
      uint64_t& seq = evicted_seq_[p.stream];
      seq = std::max(seq, p.seq);
    }
  }

  caf::result<PlaceReply> place(caf::event_based_actor* self, PlaceOrder& order) {
    const MarketEntry* m = catalog_->market(order.market);
    if (!m) return to_caf_error(ErrorCode::unknown_market, "unknown market " + order.market);
    auto valid = validate_order(m->spec, order.request);
    if (!valid) return to_caf_error(valid.error());
    if (!order.client_order_id.empty()) {
      for (auto& [id, o] : open_)
        if (o.client_order_id == order.client_order_id)
          return to_caf_error(ErrorCode::duplicate_client_order_id,
                              "clientOrderId is already used by an open order");
      for (auto& [key, p] : pending_)
        if (p.client_order_id == order.client_order_id)
          return to_caf_error(ErrorCode::duplicate_client_order_id,
                              "clientOrderId is already used by an open order");
    }
    if (const size_t most = catalog_->max_open_orders; most > 0 && orders_in(order.market) >= most)
      return to_caf_error(ErrorCode::too_many_orders, "at most " + std::to_string(most) +
                                                          " open orders in " + order.market +
                                                          " per user; cancel some first");
    uint64_t key = kPendingBit | next_key_++;
    Decimal available_quote = ledger_.balance(kSelf, m->assets.quote)->available;
    HoldRequest hold = hold_for(m->spec, m->assets, *valid, key, available_quote);
    auto placed = ledger_.place(kSelf, hold);
    if (!placed && placed.error().code == ErrorCode::insufficient_funds)
      return to_caf_error(short_of(hold));
    if (!placed) return to_caf_error(placed.error());
    auto rp = self->make_response_promise<PlaceReply>();
    pending_.emplace(key, Pending{rp, order.client_order_id, order.market});
    self->send(m->market, place_atom::value, std::move(order), hold.amount, key);
    return rp;
  }

  void on_outcome(PlaceOutcome& out) {
    auto it = pending_.find(out.hold_key);
    if (it == pending_.end()) return;
    auto rp = it->second.promise;
    pending_.erase(it);
    if (out.error) {
      check(ledger_.close(kSelf, out.hold_key));
      rp.deliver(to_caf_error(static_cast<ErrorCode>(out.error - 1), out.error_message));
      return;
    }
    const OrderInfo& order = out.reply.order;
    check(ledger_.rename_hold(out.hold_key, order.order_id));
    apply(out.taker);
    if (order.status == OrderStatus::rejected && order.post_only) {
      rp.deliver(to_caf_error(ErrorCode::post_only_would_cross,
                              "post-only order would trade immediately; it was not placed"));
      return;
    }
    rp.deliver(std::move(out.reply));
  }

  void release(uint64_t hold_key, Decimal amount) {
    if (pending_.count(hold_key)) check(ledger_.release(kSelf, hold_key, amount));
  }

  void apply(AccountUpdate& up) {
    for (const Settlement& s : up.settlements)
      check(apply_settlement(ledger_, kSelf, s));
    for (OrderInfo& o : up.orders) {
      if (is_open(o.status)) {
        keep_open(std::move(o));
        continue;
      }
      forget_open(o.order_id);
      const auto now = std::chrono::steady_clock::now();
      closed_.push_back(Closed{now, up.seq, std::move(o)});
      while (closed_.size() > kMaxClosed ||
             (closed_.size() > kRecentClosed && closed_.front().at + kKeepClosedFor < now)) {
        const Closed& gone = closed_.front();
        evicted_ = std::max(evicted_, OrderCursor::at(gone.order));
        uint64_t& seq = evicted_seq_[gone.order.market];
        seq = std::max(seq, gone.seq);
        closed_.pop_front();
      }
    }
  }

  caf::result<Decimal> deposit(caf::event_based_actor* self, const std::string& asset,
                               Decimal amount, uint64_t deposit_id) {
    auto id = catalog_->asset(asset);
    if (!id) return to_caf_error(ErrorCode::invalid_field, "unknown asset " + asset);
    if (amount.decimals() > catalog_->assets[*id].decimals)
      return to_caf_error(ErrorCode::invalid_field,
                          "amount has more decimals than " + asset + " allows (" +
                              std::to_string(catalog_->assets[*id].decimals) + ")");
    if (!amount.is_positive())
      return to_caf_error(ErrorCode::invalid_field, "amount must be positive");
    Balance b = *ledger_.balance(kSelf, *id);
    auto total = Decimal::add(b.available, b.locked);
    if (!total || !Decimal::add(*total, amount))
      return to_caf_error(ErrorCode::invalid_field, "amount would overflow the balance");
    DepositRecord record{deposit_id, user_id_, asset, amount, now_ms()};
    if (!catalog_->deposit_journal) {
      auto r = credit(self, record, *id, 0);
      if (!r) return to_caf_error(r.error());
      return *r;
    }
    // Credited only once journaled: funds never exist that a restart would take back.
    auto rp = self->make_response_promise<Decimal>();
    self->request(catalog_->deposit_journal, caf::infinite, append_atom::value, uint64_t{0},
                  encode_binary(record))
        .then(
            [=](uint64_t seq) mutable {
              auto r = credit(self, record, *id, seq);
              if (r)
                rp.deliver(*r);
              else
                rp.deliver(to_caf_error(r.error()));
            },
            [=](caf::error& e) mutable { rp.deliver(e); });
    return rp;
  }

  std::vector<AssetBalance> balances() const {
    std::vector<AssetBalance> out;
    for (size_t i = 0; i < catalog_->assets.size(); ++i) {
      Balance b = *ledger_.balance(kSelf, static_cast<AssetId>(i));
      out.push_back({catalog_->assets[i].name, b.available, b.locked});
    }
    return out;
  }

  std::vector<OrderInfo> open_orders(const std::string& market) const {
    std::vector<OrderInfo> out;
    for (auto& [id, o] : open_)
      if (market.empty() || o.market == market) out.push_back(o);
    std::sort(out.begin(), out.end(),
              [](const OrderInfo& a, const OrderInfo& b) { return a.order_id < b.order_id; });
    return out;
  }

  // One of its orders, open or recently closed.
  caf::result<OrderInfo> order(uint64_t id) const {
    if (auto it = open_.find(id); it != open_.end()) return it->second;
    for (const Closed& c : closed_)
      if (c.order.order_id == id) return c.order;
    return to_caf_error(ErrorCode::unknown_order, "unknown order " + order_id_text(id));
  }

  // The newest `limit` orders below `before`, open and closed; complete when it let no
  // closed order go, or let go only orders that sort below the page. Ranks pointers and copies only
  // the answer: a busy account can hold thousands of closed orders.
  HistorySlice history(const std::string& market, size_t limit, const OrderCursor& before) const {
    std::vector<const OrderInfo*> all;
    auto wanted = [&](const OrderInfo& o) {
      return (market.empty() || o.market == market) && before.above(o);
    };
    for (auto& [id, o] : open_)
      if (wanted(o)) all.push_back(&o);
    for (auto& c : closed_)
      if (wanted(c.order)) all.push_back(&c.order);
    const size_t n = std::min(limit, all.size());
    std::partial_sort(all.begin(), all.begin() + n, all.end(),
                      [](const OrderInfo* a, const OrderInfo* b) {
                        return OrderCursor::at(*b) < OrderCursor::at(*a);
                      });
    HistorySlice out;
    out.orders.reserve(n);
    for (size_t i = 0; i < n; ++i)
      out.orders.push_back(*all[i]);
    const bool kept_all = !(OrderCursor::bottom() < evicted_);
    out.complete =
        kept_all || (n == limit && (n == 0 || evicted_ < OrderCursor::at(out.orders.back())));
    if (!out.complete)
      for (const auto& [m, seq] : evicted_seq_)
        if (market.empty() || m == market) out.needs.push_back(StreamPosition{m, seq});
    return out;
  }

 private:
  Result<Decimal> credit(caf::event_based_actor* self, const DepositRecord& d, AssetId asset,
                         uint64_t seq) {
    auto r = ledger_.deposit(kSelf, asset, d.amount);
    // Sent as the deposits journal, which hears from the writer how far storage reaches.
    if (r && catalog_->writer) {
      if (catalog_->deposit_journal)
        caf::send_as(catalog_->deposit_journal, catalog_->writer, deposit_atom::value, d, seq);
      else
        self->send(catalog_->writer, deposit_atom::value, d, seq);
    }
    return r;
  }

  struct Pending {
    caf::response_promise promise;
    std::string client_order_id;
    std::string market;
  };

  void keep_open(OrderInfo&& o) {
    const uint64_t id = o.order_id;
    auto [it, fresh] = open_.insert_or_assign(id, std::move(o));
    if (fresh) ++open_in_[it->second.market];
  }

  void forget_open(uint64_t id) {
    auto it = open_.find(id);
    if (it == open_.end()) return;
    --open_in_[it->second.market];
    open_.erase(it);
  }

  // Its open orders in `market` and those on their way there.
  size_t orders_in(const std::string& market) const {
    size_t n = 0;
    if (auto it = open_in_.find(market); it != open_in_.end()) n = it->second;
    for (const auto& [key, p] : pending_)
      n += p.market == market;
    return n;
  }

  // INSUFFICIENT_FUNDS that names the asset: "needs 200 INR, available 100 INR".
  Error short_of(const HoldRequest& hold) const {
    const AssetId asset = hold.side == HoldSide::buy ? hold.quote : hold.base;
    const std::string& name = catalog_->assets[asset].name;
    const Decimal available = ledger_.balance(kSelf, asset)->available;
    if (!available.is_positive())
      return make_error(ErrorCode::insufficient_funds,
                        "insufficient funds: no " + name + " available (deposit some first)");
    return make_error(ErrorCode::insufficient_funds,
                      "insufficient funds: needs " + hold.amount.to_string() + " " + name +
                          ", available " + available.to_string() + " " + name);
  }

  template <class T>
  void check(const Result<T>& r) {
    if (r) return;
    ledger_errors_.inc();
    log(Level::error, "ledger refused a settlement",
        {{"user", user_id_}, {"detail", r.error().message}});
  }

  std::string user_id_;
  CatalogPtr catalog_;
  Ledger ledger_;
  std::map<uint64_t, OrderInfo> open_;
  std::unordered_map<std::string, size_t> open_in_;  // open orders by market
  struct Closed {
    std::chrono::steady_clock::time_point at;
    uint64_t seq;  // the market command that closed it
    OrderInfo order;
  };
  std::deque<Closed> closed_;  // oldest first
  // The place of the newest closed order it let go (storage has it): below every order
  // until one goes, above every order after a restart.
  OrderCursor evicted_ = OrderCursor::bottom();
  // By market: the newest command that closed an order it let go. Storage has every order
  // it let go once it reaches these (after a restart, recovery caught storage up).
  std::map<std::string, uint64_t> evicted_seq_;
  std::unordered_map<uint64_t, Pending> pending_;
  uint64_t next_key_ = 1;
  Counter& ledger_errors_;
};

}  // namespace

caf::behavior account_actor(caf::event_based_actor* self, std::string user_id, CatalogPtr catalog,
                            AccountRestore restore) {
  auto a = std::make_shared<Account>(std::move(user_id), std::move(catalog));
  a->restore(restore);
  return {
      [=](place_atom, PlaceOrder& order) { return a->place(self, order); },
      [=](PlaceOutcome& out) { a->on_outcome(out); },
      [=](release_atom, uint64_t hold_key, Decimal amount) { a->release(hold_key, amount); },
      [=](settle_atom, AccountUpdate& up) { a->apply(up); },
      [=](deposit_atom, const std::string& asset, Decimal amount, uint64_t deposit_id) {
        return a->deposit(self, asset, amount, deposit_id);
      },
      [=](balances_atom) { return a->balances(); },
      [=](open_atom, const std::string& market) { return a->open_orders(market); },
      [=](history_atom, const std::string& market, uint64_t limit, const OrderCursor& before) {
        return a->history(market, limit, before);
      },
      [=](order_atom, uint64_t id) { return a->order(id); },
  };
}

}  // namespace ex
