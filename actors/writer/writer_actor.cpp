#include "actors/writer/writer_actor.hpp"

#include <deque>
#include <map>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "actors/writer/writer_feed.hpp"

namespace ex {
namespace {

constexpr size_t kHeldWhileCatchingUp = 20000;  // live updates held during a catch-up
constexpr uint64_t kCatchUpStep = 5000;         // updates between a worker's flushes

// Replays a market's journal from where the writer stopped holding its updates, sending
// them as (replay, update) in steps; ends with (replay, market, last seq, ok). Runs
// detached: it blocks on files and on the writer.
void catch_up_worker(caf::blocking_actor* self, caf::actor writer, MarketReplayPlan plan,
                     std::function<Result<std::shared_ptr<Store>>()> open_store) {
  WriterFeed feed(self->system(), writer, kCatchUpStep);
  uint64_t last = plan.stored_seq;
  auto store = open_store();
  Result<MarketReplay> r =
      store ? replay_market(plan, **store,
                            [&](MarketUpdate&& up) -> Result<bool> {
                              last = up.seq;
                              if (!feed.send(replay_atom::value, std::move(up)))
                                while (!feed.flush())  // storage went away again: wait for it
                                  std::this_thread::sleep_for(std::chrono::milliseconds(500));
                              return true;
                            })
            : Result<MarketReplay>(store.error());
  if (!r)
    log(Level::error, "storage catch-up failed",
        {{"market", plan.spec.symbol}, {"detail", r.error().message}});
  else
    log(Level::info, "storage caught up from the journal",
        {{"market", plan.spec.symbol}, {"updates", std::to_string(feed.sent())}});
  // Through the feed too: it must arrive after the updates.
  feed.send(replay_atom::value, plan.spec.symbol, last, static_cast<bool>(r));
}

class Writer {
 public:
  Writer(caf::event_based_actor* self, std::shared_ptr<Store> store, WriterOptions options)
      : self_(self),
        store_(std::move(store)),
        options_(options),
        backoff_(options.backoff_min),
        lag_(writer_pending_records()),
        up_(Metrics::global().gauge("exchange_storage_up",
                                    "1 while storage accepts writes, 0 while it is away")),
        behind_(writer_streams_behind()),
        written_(Metrics::global().counter("exchange_writer_records_total",
                                           "Records written to storage")),
        failures_(Metrics::global().counter("exchange_writer_failures_total",
                                            "Storage writes that failed (retried)")),
        dropped_(Metrics::global().counter(
            "exchange_writer_dropped_updates_total",
            "Market updates left to a catch-up from the journal (storage was away too long)")),
        catch_ups_(Metrics::global().counter("exchange_writer_catch_ups_total",
                                             "Catch-ups of storage from a market's journal")) {
    up_.set(1);
  }

  // A market's update, live. `source` (the market) hears (stored, market, seq) once it is
  // in storage.
  void add(const MarketUpdate& up, const caf::actor& source) {
    Stream& st = streams_[up.market];
    if (source) st.source = source;
    switch (st.mode) {
      case Mode::live:
        if (up.seq != 0 && up.seq <= st.last) return;  // a catch-up already brought it
        if (pending() >= options_.max_pending) {
          st.mode = Mode::spilled;
          st.from = up.seq;
          dropped_.inc();
          log(Level::warn,
              "storage is away too long: the market's updates will come from its journal",
              {{"market", up.market}, {"from_seq", std::to_string(up.seq)}});
          count_behind();
          return;
        }
        add_rows(up);
        return;
      case Mode::spilled:
        dropped_.inc();
        return;
      case Mode::catching_up:
        if (st.held.size() < kHeldWhileCatchingUp)
          st.held.push_back(up);
        else
          st.overflow = true;
        return;
    }
  }

  // An update a catch-up worker rebuilt.
  void add_replayed(const MarketUpdate& up) {
    add_rows(up);
    if (full()) flush();
  }

  // A catch-up worker is done: hand the market back to its live updates.
  void caught_up(const std::string& market, uint64_t last, bool ok) {
    Stream& st = streams_[market];
    st.mode = Mode::spilled;  // unless the hand-over below works
    if (!ok) return;          // retried after the next successful write
    st.from = last + 1;
    while (!st.held.empty() && st.held.front().seq <= last)
      st.held.pop_front();
    if (st.overflow || (!st.held.empty() && st.held.front().seq != last + 1)) {
      st.held.clear();  // what was missed comes from the journal again
      st.overflow = false;
      return;
    }
    st.mode = Mode::live;
    for (const MarketUpdate& up : st.held)
      add_rows(up);
    st.held.clear();
    count_behind();
  }

  void add(const DepositRecord& d, uint64_t seq, const caf::actor& source) {
    if (source) streams_[kDepositStream].source = source;
    advance(kDepositStream, seq);
    batch_.deposits.push_back(d);
    lag_.set(static_cast<int64_t>(pending()));
  }

  size_t pending() const {
    return batch_.trades.size() + batch_.orders.size() + batch_.deposits.size() +
           batch_.candles.size();
  }
  bool full() const { return pending() >= options_.max_batch; }
  const WriterOptions& options() const { return options_; }
  bool down() const { return down_; }
  std::chrono::milliseconds backoff() const { return backoff_; }

  // Writes the batch. On success tells each source how far its stream is stored and
  // starts the catch-ups storage's absence made necessary.
  bool flush() {
    if (batch_.empty()) {
      if (down_ && !store_->ping()) return false;
      mark_up();
      start_catch_ups();
      return true;
    }
    auto r = store_->write(batch_);
    if (!r) {
      failures_.inc();
      if (!down_)
        log(Level::warn, "storage write failed; retrying with backoff",
            {{"detail", r.error().message}});
      down_ = true;
      up_.set(0);
      backoff_ = std::min(backoff_ * 2, options_.backoff_max);
      return false;
    }
    mark_up();
    written_.inc(pending());
    for (const StreamPosition& p : batch_.positions)
      if (auto it = streams_.find(p.stream); it != streams_.end() && it->second.source)
        self_->send(it->second.source, stored_atom::value, p.stream, p.seq);
    batch_.clear();
    order_slot_.clear();
    candle_slot_.clear();
    position_slot_.clear();
    lag_.set(0);
    start_catch_ups();
    return true;
  }

 private:
  void count_behind() {
    int64_t n = 0;
    for (auto& [market, st] : streams_)
      n += st.mode != Mode::live;
    behind_.set(n);
  }

  void mark_up() {
    if (down_) log(Level::info, "storage is back", {{"pending", std::to_string(pending())}});
    down_ = false;
    up_.set(1);
    backoff_ = options_.backoff_min;
  }

  enum class Mode : uint8_t { live, spilled, catching_up };
  struct Stream {
    Mode mode = Mode::live;
    uint64_t last = 0;              // seq of the last update taken
    uint64_t from = 0;              // spilled: the first update not taken
    std::deque<MarketUpdate> held;  // catching_up: live updates, in order
    bool overflow = false;
    caf::actor source;
  };

  void add_rows(const MarketUpdate& up) {
    advance(up.market, up.seq);
    streams_[up.market].last = std::max(streams_[up.market].last, up.seq);
    for (const TradeRecord& t : up.trades)
      batch_.trades.push_back(t);
    for (const OrderInfo& o : up.orders) {
      auto [it, fresh] = order_slot_.emplace(o.order_id, batch_.orders.size());
      if (fresh)
        batch_.orders.push_back(o);
      else
        batch_.orders[it->second] = o;  // later state of the same order wins
    }
    for (size_t i = 0; i < up.candles.size(); ++i) {
      auto key = std::make_tuple(up.market, i, up.candles[i].start_ms);
      auto [it, fresh] = candle_slot_.emplace(key, batch_.candles.size());
      CandleRecord r{up.market, static_cast<Interval>(i), up.candles[i]};
      if (fresh)
        batch_.candles.push_back(std::move(r));
      else
        batch_.candles[it->second] = std::move(r);
    }
    lag_.set(static_cast<int64_t>(pending()));
  }

  void start_catch_ups() {
    for (auto& [market, st] : streams_) {
      if (st.mode != Mode::spilled) continue;
      const MarketReplayPlan* found = nullptr;
      if (options_.catch_up)
        for (const MarketReplayPlan& p : options_.catch_up->markets)
          if (p.spec.symbol == market) found = &p;
      if (!found) continue;  // a restart's recovery catches storage up
      MarketReplayPlan plan = *found;
      plan.stored_seq = st.from - 1;
      plan.repair = false;
      st.mode = Mode::catching_up;
      catch_ups_.inc();
      self_->spawn<caf::detached>(catch_up_worker, caf::actor_cast<caf::actor>(self_), plan,
                                  options_.catch_up->open_store);
    }
  }

  void advance(const std::string& stream, uint64_t seq) {
    if (seq == 0) return;  // not journaled
    auto [it, fresh] = position_slot_.emplace(stream, batch_.positions.size());
    if (fresh)
      batch_.positions.push_back(StreamPosition{stream, seq});
    else
      batch_.positions[it->second].seq = std::max(batch_.positions[it->second].seq, seq);
  }

  caf::event_based_actor* self_;
  std::shared_ptr<Store> store_;
  WriterOptions options_;
  WriteBatch batch_;
  std::unordered_map<uint64_t, size_t> order_slot_;
  std::map<std::tuple<std::string, size_t, int64_t>, size_t> candle_slot_;
  std::unordered_map<std::string, size_t> position_slot_;
  std::unordered_map<std::string, Stream> streams_;
  bool down_ = false;
  std::chrono::milliseconds backoff_;
  Gauge& lag_;
  Gauge& up_;
  Gauge& behind_;
  Counter& written_;
  Counter& failures_;
  Counter& dropped_;
  Counter& catch_ups_;
};

template <class T>
caf::result<T> answer(Result<T> r) {
  if (!r) return to_caf_error(r.error());
  return std::move(*r);
}

}  // namespace

caf::behavior writer_actor(caf::event_based_actor* self, std::shared_ptr<Store> store,
                           WriterOptions options) {
  auto w = std::make_shared<Writer>(self, std::move(store), options);
  auto ticking = std::make_shared<bool>(false);
  // One timer at a time: the batching interval, or the backoff while storage is away.
  auto arm = [=] {
    if (*ticking) return;
    *ticking = true;
    self->delayed_send(self, w->down() ? w->backoff() : w->options().interval, tick_atom::value);
  };
  auto flush = [=] {
    if (!w->flush()) arm();
  };
  return {
      [=](update_atom, const MarketUpdate& up) {
        w->add(up, caf::actor_cast<caf::actor>(self->current_sender()));
        if (w->full() && !w->down())
          flush();
        else
          arm();
      },
      [=](replay_atom, const MarketUpdate& up) { w->add_replayed(up); },
      [=](replay_atom, const std::string& market, uint64_t last, bool ok) {
        w->caught_up(market, last, ok);
        arm();
      },
      [=](deposit_atom, const DepositRecord& d, uint64_t seq) {
        w->add(d, seq, caf::actor_cast<caf::actor>(self->current_sender()));
        arm();
      },
      [=](tick_atom) {
        *ticking = false;
        flush();
      },
      [=](flush_atom) { return w->flush(); },
  };
}

caf::behavior history_actor(caf::event_based_actor*, std::shared_ptr<Store> store) {
  return {
      [=](order_atom, uint64_t id) { return answer(store->order(id)); },
      [=](trades_atom, const std::string& market, uint64_t limit) {
        return answer(store->recent_trades(market, limit));
      },
      [=](klines_atom, const std::string& market, Interval interval, int64_t from, int64_t to) {
        return answer(store->candles(market, interval, from, to));
      },
      [=](history_atom, const std::string& user, const std::string& market, uint64_t limit) {
        return answer(store->orders_of(user, market, limit));
      },
      [=](ping_atom) { return answer(store->ping()); },
  };
}

}  // namespace ex
