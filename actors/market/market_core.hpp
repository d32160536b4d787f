// Everything one market owns, as a pure state machine: the book, its orders' public
// state, candles, the ticker, recent trades, and a shadow ledger of its traders. The
// market actor feeds it commands live; recovery feeds it the journal. One code path for
// both, so a replay produces the same ids, trades and updates as the original run.
//
// The shadow ledger is the market's own view of its traders' money: every order's hold
// is "funded" into it when the order arrives, and every trade settles in it exactly as
// in the accounts. An account's real balance in an asset is then
//   deposits + sum over markets of (shadow total - funded),
// and its locked part is the sum of its open orders' holds: that is how accounts are
// rebuilt after a restart without a snapshot of every account (see account_views()).
//
// No CAF, no clock, no I/O: time comes in with the command.
#pragma once

#include <array>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/account/ledger.hpp"
#include "actors/market/candles.hpp"
#include "actors/market/clearing.hpp"
#include "actors/market/market_events.hpp"
#include "actors/market/market_spec.hpp"

namespace ex {

struct MarketStart {
  uint64_t next_order_seq = 1;  // order ids are never reused, even across restarts
  uint64_t next_trade_id = 1;
  int64_t band_bps = 1000;
  book::StpPolicy stp = book::StpPolicy::cancel_resting;
  size_t recent_trades = 1000;   // served from memory
  size_t recent_closed = 10000;  // closed orders answered from memory
};

// What a market shows of its past, from storage: the latest candles of every interval and
// the latest trades, oldest first, read at `as_of_ms`. The 24-hour ticker is rebuilt from the
// one-minute candles, so it covers the whole day however many trades it held.
struct MarketHistory {
  int64_t as_of_ms = 0;
  std::array<std::vector<Candle>, kIntervalCount> candles;
  std::vector<TradeRecord> trades;
};

// One trader's part of a market, for rebuilding its account.
struct AccountView {
  std::string user_id;
  Decimal base_flow, quote_flow;   // what trading here added to (or took from) its totals
  std::vector<HoldRequest> holds;  // of its open orders; assets: 0 = base, 1 = quote
  std::vector<OrderInfo> open;
};

class MarketCore {
 public:
  // One command's effects.
  struct Output {
    MarketUpdate update;         // for hub and writer
    book::UserId taker = 0;      // places: the taker's user
    PlaceReply reply;            // places
    AccountUpdate taker_update;  // places: the taker's own settlements and order
    // Places whose order closed at once (IOC, FOK, market): what closing its hold returns.
    // Its account may free that much before the command is durable, whatever becomes of it.
    Decimal taker_unspent;
    std::vector<std::pair<book::UserId, AccountUpdate>> accounts;  // every other account
    std::vector<CancelReply> cancels;  // orders the command cancelled at its owner's wish
  };

  MarketCore(MarketSpec spec, MarketStart start);
  // A market as a snapshot left it (the same spec and start it ran with).
  static Result<std::unique_ptr<MarketCore>> restore(MarketSpec spec, MarketStart start,
                                                     const MarketState& state);

  // How a command comes in: live; replayed from the journal with its effects wanted (for
  // storage's catch-up); or replayed silently, where only the state matters - the
  // effects, candles, ticker and recent memory are skipped, since storage already has
  // them and load_history() follows.
  enum class Mode : uint8_t { live, replay, silent };

  // Applies one command. A refused command (invalid order, unknown order) changes nothing
  // and must not be journaled. A place gets its order id here; a replayed command that
  // names a different id than the one it gets means the replay diverged (internal error).
  Result<bool> apply(MarketCommand& command, Output& out, Mode mode = Mode::live);

  // Continues after command `seq` with trade ids from `next_trade_id` and order sequence
  // numbers from `next_order_seq`, where they are ahead of this market's own. For a crash at
  // --durability none that lost journal records storage already holds: nothing they gave
  // out may be given again (storage keeps the first row of an id).
  void skip_past(uint64_t seq, uint64_t next_trade_id, uint64_t next_order_seq);

  // Seeds candles, ticker and recent trades from storage. The last trade price seeds the
  // market orders' reference only if the book has none yet.
  void load_history(const MarketHistory& history);

  MarketState state() const;
  std::vector<AccountView> account_views() const;

  const MarketSpec& spec() const { return spec_; }
  uint64_t sequence() const { return book_.sequence(); }
  const std::string& user_of(book::UserId user) const { return traders_[user].user_id; }
  size_t trader_count() const { return traders_.size(); }
  // Settlements the shadow ledger refused: bugs, must stay 0.
  uint64_t ledger_errors() const { return ledger_errors_; }
  const book::OrderBook& book() const { return book_; }

  const OrderInfo* find(uint64_t id) const;
  // find() may lack an order closed by this command or an earlier one (memory let it go,
  // or a restore started after it): storage has such an order once it reaches here.
  uint64_t forgotten_through() const { return forgotten_through_; }
  DepthSnapshot depth(size_t limit) const;
  // The newest `limit` trades below trade id `before`, as far as memory reaches: it keeps
  // the latest ones, from first_trade_kept() on.
  std::vector<TradeRecord> trades(size_t limit, uint64_t before) const;
  uint64_t first_trade_kept() const;
  std::vector<Candle> klines(Interval interval, int64_t from, int64_t to) const;
  int64_t oldest_kept(Interval interval) const { return candles_.oldest_kept(interval); }
  TickerStats ticker(int64_t now_ms) { return ticker_.stats(now_ms); }

 private:
  struct Trader {
    std::string user_id;
    int64_t funded[2] = {0, 0};  // base, quote: brought in by holds
  };

  Result<bool> place(MarketCommand& c, Output& out);
  Result<bool> cancel(MarketCommand& c, Output& out);
  Result<bool> cancel_all(MarketCommand& c, Output& out);
  book::UserId intern(const std::string& user_id);
  AccountUpdate& account_update(Output& out, book::UserId user, bool is_place);
  void process(Output& out, int64_t now, uint64_t taker_id, bool is_place);
  void hand_back(book::UserId user);
  void on_trade(Output& out, const book::Event& e, int64_t now, uint64_t taker_id, bool is_place);
  void on_done(Output& out, const book::Event& e, int64_t now, uint64_t taker_id, bool is_place);
  void touch(Output& out, book::UserId user, const OrderInfo& info, bool is_place);
  void remember_closed(OrderInfo info);
  void remember_trade(const TradeRecord& t);

  MarketSpec spec_;
  MarketStart start_;
  book::OrderBook book_;
  Ledger shadow_;
  CandleBook candles_;
  RollingTicker ticker_;
  std::vector<Trader> traders_;
  std::unordered_map<std::string, book::UserId> trader_index_;
  std::unordered_map<uint64_t, OrderInfo> open_;
  std::unordered_map<uint64_t, OrderInfo> closed_;
  std::deque<std::pair<uint64_t, uint64_t>> closed_order_;  // (order id, closing command)
  uint64_t forgotten_through_ = 0;
  std::deque<TradeRecord> recent_trades_;
  std::vector<Settlement> settlements_;
  uint64_t next_order_seq_;
  uint64_t depth_update_id_ = 0;
  uint64_t ledger_errors_ = 0;
  Mode mode_ = Mode::live;  // of the command being applied
  // The latest command time (unix ms). Commands are stamped no earlier, so the market's
  // clock never runs backwards when the wall clock steps back (NTP, a paused VM): an
  // order's later state must carry a later time (storage keeps the newest by time), and
  // trades and candles stay in order.
  int64_t clock_ms_ = 0;
};

}  // namespace ex
