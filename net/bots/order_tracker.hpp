// The market maker's own orders as it knows them, from the moment each is sent until it is
// known to be closed: its client id (which the exchange echoes, so a lost reply can be
// found again), the exchange's id once known, its state and age, and the fills that arrived
// before its place reply. Every fill and executed total also goes to the FillLedger it
// owns. It also decides how to bring a market's orders in line with the exchange's list of
// open orders (reconciliation) after an outage or a doubt; the caller does the I/O.
//
// States: placing (request sent) -> open (acknowledged, resting) -> cancelling -> closed
// (forgotten). unknown: a request failed in transit, so the order may or may not exist;
// reconciliation settles it. Every state but closed holds one of its side's slots.
// Pure, single-threaded.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/bots/fill_ledger.hpp"
#include "net/bots/quoting.hpp"
#include "net/client/wire.hpp"

namespace ex::bots {

using Clock = std::chrono::steady_clock;

struct TrackedOrder {
  enum class State { placing, open, cancelling, unknown };
  uint64_t key = 0;
  size_t market = 0;  // the caller's market index
  std::string client_id;
  std::string order_id;  // empty until known
  std::string user;
  Side side = Side::buy;
  Decimal price;
  Decimal qty;
  bool taker = false;  // an IOC order taking liquidity; else a post-only quote
  State state = State::placing;
  Clock::time_point placed_at;
  Clock::time_point acked_at;
  int64_t max_age_ms = 0;
};

class OrderTracker {
 public:
  // Client ids are "<session>-<n>" for quotes and "<session>t<n>" for taker orders.
  explicit OrderTracker(std::string session) : session_(std::move(session)) {}
  const std::string& session() const { return session_; }

  struct NewOrder {
    size_t market = 0;
    std::string base;  // the market's assets, for the ledger
    std::string quote;
    std::string user;
    Side side = Side::buy;
    Decimal price;
    Decimal qty;
    bool taker = false;
    int64_t max_age_ms = 0;
  };
  // Tracks an order about to be sent (state placing); returns it.
  TrackedOrder& add(const NewOrder& order, Clock::time_point now);
  TrackedOrder* find(uint64_t key);
  const TrackedOrder* find(uint64_t key) const;

  // Its place reply: records the exchange's id, its fills and executed total, and any fill
  // events held for it. True if that closed it (a taker, not resting, or fully executed).
  bool on_placed(uint64_t key, const client::PlaceResult& reply, Clock::time_point now);

  struct FillOutcome {
    enum Kind { ignored, held, applied, completed } kind = ignored;
    uint64_t key = 0;
    size_t market = 0;
    bool taker = false;
  };
  // A fills@ event. Another user's: ignored. An id not known yet: held until its place
  // reply (or dropped by prune_held). A quote that it fills completely is closed.
  FillOutcome on_fill(const client::FillEvent& fill, const std::vector<std::string>& users,
                      Clock::time_point now);
  void prune_held(Clock::time_point older_than);

  // The exchange's executed total for the order (a cancel reply, an order query).
  void set_executed(uint64_t key, Decimal executed);
  // Closed: it leaves the tracker; the ledger keeps its effect.
  void close(uint64_t key);

  // A market's open quotes as plan_refresh wants them, and per side (0 buy, 1 sell) the
  // quotes holding a slot without being open (placing, cancelling, unknown).
  void quotes(size_t market, Clock::time_point now, std::vector<LiveQuote>* live,
              int busy[2]) const;
  // Keys of a market's orders (all states), and of every order.
  std::vector<uint64_t> keys(size_t market) const;
  bool any_placing() const;
  size_t size() const { return orders_.size(); }

  struct Reconciliation {
    std::vector<uint64_t> lookup_by_id;  // no longer open: ask the order's final state
    std::map<std::string, std::vector<uint64_t>> lookup_history;  // reply lost: per user
    std::vector<std::string> strays;  // the bots' open orders nobody tracks: cancel them
    size_t adopted = 0;               // found open by client id after a lost reply
  };
  // Compares a market's quotes with `open`, the maker's open orders there as listed when
  // asked at `asked`. Listed ones become open (executed totals updated); missing ones need
  // a lookup. Orders in flight, or acknowledged after `asked`, are left alone. Open orders
  // whose client id starts with `bot_prefix` but that nobody tracks are strays.
  Reconciliation reconcile(size_t market, const std::vector<client::OrderState>& open,
                           Clock::time_point asked, const std::string& bot_prefix);
  // Settles orders whose place reply was lost from the user's order history: found open,
  // a quote is adopted; found closed, its execution is recorded and it closes; not found,
  // it never reached the book and closes. Returns how many were adopted.
  size_t resolve_history(const std::vector<uint64_t>& keys,
                         const std::vector<client::OrderState>& history);

  FillLedger& ledger() { return ledger_; }
  const FillLedger& ledger() const { return ledger_; }

 private:
  void remember(uint64_t key, const std::string& order_id);
  bool complete(const TrackedOrder& o) const { return ledger_.executed(o.key) >= o.qty; }

  struct Held {
    Clock::time_point at;
    client::FillEvent fill;
  };
  static constexpr size_t kIdsKept = 4096;  // ids of closed orders kept, for late fills

  std::string session_;
  uint64_t next_key_ = 0;
  std::map<uint64_t, TrackedOrder> orders_;  // by key: ordered, so plans are deterministic
  std::unordered_map<std::string, uint64_t> key_by_id_;  // also of recently closed orders
  std::deque<std::string> closed_ids_;
  std::unordered_map<std::string, std::vector<Held>> held_;
  FillLedger ledger_;
};

}  // namespace ex::bots
