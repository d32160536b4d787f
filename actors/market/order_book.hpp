// The order book of one market: price-time priority matching, trades at the maker's price.
//
// A pure state machine in integer units: prices in ticks, quantities in lots (the
// market's tick and step sizes turn them into money; see market_spec.hpp). Each
// command (add, cancel, cancel_user) clears the book's event buffer and fills it with
// what happened, in order: trades, orders done, then the depth levels the command
// changed with their new totals. The buffer is reused, so steady-state commands do
// not allocate. Nothing here reads a clock or a random source: the book's state is a
// pure function of its command sequence. Not thread-safe: one owner (the market actor).
//
// Invariants (checked by check_invariants(), exercised by the tests):
//  - bids strictly ascending and asks strictly descending by price; the best level of
//    each side is at the back; best bid < best ask whenever both exist;
//  - every level is non-empty and its total equals the sum of its orders' remaining;
//  - every resting order has remaining > 0, is in the id index, and is in exactly one
//    level's FIFO list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "actors/common/flat_id_map.hpp"

namespace ex::book {

using OrderId = uint64_t;  // non-zero, unique forever within a market
using UserId = uint32_t;
using Ticks = int64_t;
using Lots = int64_t;

enum class Side : uint8_t { buy, sell };
enum class TimeInForce : uint8_t { gtc, ioc, fok };
// Self-trade prevention: what happens when a taker meets its own user's resting order.
enum class StpPolicy : uint8_t { cancel_resting, cancel_taker, cancel_both };

inline Side opposite(Side s) {
  return s == Side::buy ? Side::sell : Side::buy;
}

// NewOrder::quote_budget of an order that may spend without limit (a limit order's price
// already bounds it). A sentinel rather than 0, since a budget of 0 is a real one.
constexpr int64_t kNoBudget = std::numeric_limits<int64_t>::max();

struct NewOrder {
  OrderId id = 0;
  UserId user = 0;
  Side side = Side::buy;
  bool is_market = false;  // market: IOC bounded by the price band; `price` ignored
  Ticks price = 0;         // limit price (> 0) for limit orders
  Lots qty = 0;            // > 0; 0 means "as much as quote_budget buys" (market buys only)
  // Buys only: the most the order may spend, in tick-lots (price x qty units), or
  // kNoBudget. A market buy by quote amount gives only this; a market buy by quantity gives
  // both, the budget being what its account could lock, which may be 0: it then buys nothing.
  int64_t quote_budget = kNoBudget;
  TimeInForce tif = TimeInForce::gtc;
  bool post_only = false;
};

enum class EventType : uint8_t { trade, done, level };
enum class DoneReason : uint8_t {
  filled,
  canceled,    // by its owner (cancel or cancel-all)
  expired,     // IOC / FOK / market remainder that may not rest
  self_trade,  // cancelled by self-trade prevention
  rejected,    // post-only that would cross, duplicate id
};

// One flat record for every event kind, so the buffer is a plain reusable vector.
struct Event {
  EventType type;
  Side side;          // trade: taker side; done: order side; level: level side
  DoneReason reason;  // done only
  OrderId order;      // trade: taker; done: the order
  OrderId maker;      // trade only
  UserId user;        // trade: taker user; done: owner
  UserId maker_user;  // trade only
  Ticks price;        // trade: execution (maker) price; done: order price (0 market); level: price
  Lots qty;           // trade: quantity; done: remaining unfilled; level: new total (0 = gone)
  Lots filled;        // done: quantity filled over the order's life
  uint64_t trade_id;  // trade only
  uint64_t seq;       // the book's sequence number of the command that produced it
};

enum class OrderStatus : uint8_t { new_, partially_filled, filled, canceled, expired, rejected };

// What an add did to the incoming order.
struct AddResult {
  OrderStatus status;
  Lots executed;  // filled now
  Lots resting;   // left on the book (0 unless GTC)
  int64_t spent;  // tick-lots paid or received (sum of price x qty of its trades)
};

struct RestingOrder {
  OrderId id;
  UserId user;
  Side side;
  Ticks price;
  Lots remaining;
  Lots original;
};

struct DepthLevel {
  Ticks price;
  Lots total;
};

struct BookConfig {
  StpPolicy stp = StpPolicy::cancel_resting;
  // Market orders may trade at most this far from the reference (last trade, else the
  // best opposite price when the order arrives), in basis points of the reference.
  int64_t band_bps = 1000;
  size_t expected_orders = 1024;
};

class OrderBook {
 public:
  explicit OrderBook(BookConfig config = {});

  // Matches and possibly rests an order. Requires a valid order (see NewOrder).
  AddResult add(const NewOrder& order);
  // Cancels a resting order; false (and no events) if it is not resting.
  bool cancel(OrderId id);
  // Cancels every resting order of `user`; returns how many. O(resting orders).
  size_t cancel_user(UserId user);

  // Events of the last command, in order.
  const std::vector<Event>& events() const { return events_; }
  // Sequence number of the last command (add, cancel, cancel_user): 1, 2, 3, ...
  uint64_t sequence() const { return seq_; }

  const RestingOrder* find(OrderId id) const;
  size_t order_count() const { return index_.size(); }
  // Best-first levels of one side, at most `limit` (0 = all).
  std::vector<DepthLevel> depth(Side side, size_t limit = 0) const;
  bool best(Side side, Ticks* price) const;
  // The worst price a market order of `taker_side` may trade at now; 0 if there is no
  // reference price (no trade yet and an empty opposite side).
  Ticks band_limit(Side taker_side) const;
  Ticks last_price() const { return last_price_; }
  uint64_t next_trade_id() const { return next_trade_id_; }
  // Restores counters when a book is rebuilt from a snapshot.
  void set_counters(uint64_t next_trade_id, Ticks last_price, uint64_t sequence = 0);
  // Puts a resting order back at the end of its level, with no matching and no events:
  // rebuilding from a snapshot, in for_each_order() order. Refuses (false) an order that
  // is not valid, is already resting, or would cross the other side.
  bool restore(const RestingOrder& order);

  // Calls f(const RestingOrder&) for every resting order, side by side, best level
  // first, FIFO within a level: the order a snapshot must preserve.
  template <class F>
  void for_each_order(F&& f) const {
    for (const auto* side : {&bids_, &asks_})
      for (auto it = side->rbegin(); it != side->rend(); ++it)
        for (uint32_t i = levels_[it->level].head; i != kNil; i = pool_[i].next)
          f(pool_[i].order);
  }

  // Verifies the invariants listed above; returns false on the first violation.
  bool check_invariants() const;

 private:
  static constexpr uint32_t kNil = UINT32_MAX;

  struct Slot {
    RestingOrder order;
    uint32_t prev, next;
    uint32_t level;  // its level in levels_: cancels reach it without a search
  };
  struct Level {
    Ticks price;
    Lots total;
    uint32_t head, tail;
  };
  // A side's price ladder entry: the sorted vectors hold these, the levels stay put.
  struct LevelRef {
    Ticks price;
    uint32_t level;
  };
  struct LevelChange {
    Side side;
    Ticks price;
    Lots total;
  };

  std::vector<LevelRef>& ladder(Side s) { return s == Side::buy ? bids_ : asks_; }
  const std::vector<LevelRef>& ladder(Side s) const { return s == Side::buy ? bids_ : asks_; }
  FlatIdMap& price_index(Side s) { return s == Side::buy ? bid_index_ : ask_index_; }
  const FlatIdMap& price_index(Side s) const { return s == Side::buy ? bid_index_ : ask_index_; }
  // Position in the side's ladder of `price`, or where it would be inserted.
  size_t ladder_position(Side side, Ticks price) const;
  uint32_t open_level(Side side, Ticks price);  // finds or creates the level at a price
  void close_level(Side side, uint32_t level);  // removes an empty level

  // How many lots of `o` (up to o.qty) matching up to `limit` would fill: what is resting
  // there, less what self-trade prevention skips or stops at, within o's budget.
  Lots fillable(const NewOrder& o, Ticks limit) const;
  void match(const NewOrder& o, Ticks limit, Lots& left, int64_t& budget, bool& taker_stopped,
             AddResult& result);
  void rest(const NewOrder& o, Lots qty, Lots original);
  void remove_slot(uint32_t idx, Level& level);  // unlinks, frees and forgets the id
  void unlink_slot(uint32_t idx, Level& level);  // unlinks and frees; the id is already gone
  void note_level(Side side, Ticks price, Lots total);
  void emit_done(const RestingOrder& o, DoneReason reason);
  void emit_taker_done(const NewOrder& o, DoneReason reason, Lots left, Lots filled);
  void flush_level_changes();
  Event& new_event(EventType type, Side side);
  bool cancel_one(OrderId id);  // cancel() without starting a new command

  BookConfig config_;
  // Why a sorted vector per side plus a price index: matching always takes the back
  // (the best level), adds and cancels reach their level in O(1) (price index, or the
  // order's own level), and only creating or emptying a level pays a search and a
  // memmove, over a few dozen entries near the top in a live book.
  std::vector<LevelRef> bids_;       // ascending: best (highest) at back
  std::vector<LevelRef> asks_;       // descending: best (lowest) at back
  FlatIdMap bid_index_, ask_index_;  // price -> level (prices are > 0, so valid keys)
  std::vector<Level> levels_;
  std::vector<uint32_t> free_levels_;
  std::vector<Slot> pool_;
  std::vector<uint32_t> free_;
  FlatIdMap index_;
  std::vector<Event> events_;
  std::vector<LevelChange> changes_;
  uint64_t next_trade_id_ = 1;
  uint64_t seq_ = 0;
  Ticks last_price_ = 0;
};

}  // namespace ex::book
