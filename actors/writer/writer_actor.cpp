#include "actors/writer/writer_actor.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "actors/writer/pending_batch.hpp"
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
                              if (feed.send(replay_atom::value, std::move(up))) return true;
                              // Storage went away again: wait for it, unless the writer
                              // itself stopped (a shutdown), which nothing waits out.
                              while (!feed.flush()) {
                                if (feed.writer_stopped())
                                  return make_error(ErrorCode::unavailable, "the writer stopped");
                                std::this_thread::sleep_for(std::chrono::milliseconds(500));
                              }
                              return true;
                            })
            : Result<MarketReplay>(store.error());
  if (!r)
    log(Level::error, "storage catch-up failed",
        {{"market", plan.spec.symbol}, {"detail", r.error().message}});
  else
    log(Level::info, "storage caught up from the journal",
        {{"market", plan.spec.symbol}, {"updates", feed.sent()}});
  // Through the feed too: it must arrive after the updates.
  feed.send(replay_atom::value, plan.spec.symbol, last, static_cast<bool>(r));
}

// The writer's hands on storage: each write (a transaction, an fsync now and then) runs
// on this thread, so the writer, on the scheduler, never waits for the disk. Answers
// (ok, error, the rows back when the write failed).
caf::behavior storage_actor(caf::event_based_actor*, std::shared_ptr<Store> store) {
  return {
      [=](store_atom, WriteBatch& batch) -> std::tuple<bool, std::string, WriteBatch> {
        auto r = store->write(batch);
        if (r) return {true, std::string(), WriteBatch{}};
        return {false, r.error().message, std::move(batch)};
      },
      [=](ping_atom) {
        auto r = store->ping();
        return r && *r;
      },
  };
}

class Writer {
 public:
  Writer(caf::event_based_actor* self, std::shared_ptr<Store> store, WriterOptions options)
      : self_(self),
        storage_(self->spawn<caf::detached + caf::linked>(storage_actor, std::move(store))),
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
    take(up, source);
    if (full() && !down_)
      flush();
    else
      arm();
  }

  // An update a catch-up worker rebuilt.
  void add_replayed(const MarketUpdate& up) {
    add_rows(up);
    if (full()) flush();
  }

  // A catch-up worker is done: storage holds the market's updates up to `last`; hand the
  // market back to its live updates, which follow it.
  void caught_up(const std::string& market, uint64_t last, bool ok) {
    arm();
    Stream& st = streams_[market];
    st.mode = Mode::spilled;  // unless the hand-over below works
    if (!ok) return;          // retried after the next successful write
    st.from = last + 1;
    st.last = std::max(st.last, last);
    st.placed = true;
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

  // Recovery caught storage up with the market's journal to `seq`: the next update must
  // follow it. Answers how far storage holds the market without a gap: less than `seq`
  // when the catch-up did not fit (the market spilled) and a worker replays the rest.
  uint64_t place(const std::string& market, uint64_t seq) {
    Stream& st = streams_[market];
    if (st.mode != Mode::live) return st.from - 1;
    st.last = std::max(st.last, seq);
    st.placed = true;
    return seq;
  }

  // A deposit. Each account sends its own, so they may come out of order (one account's
  // overtaking another's), and one may never come (lost in a bus's stream). The rows are
  // stored as they come (by id, idempotent); storage's position for the deposits goes only
  // as far as every record has come, so that a restart's recovery writes a lost one from
  // the journal instead of the position passing over it.
  void add(const DepositRecord& d, uint64_t seq, const caf::actor& source) {
    Stream& st = streams_[kDepositStream];
    if (source) st.source = source;
    batch_.add_deposit(d);
    if (seq != 0 && (!st.placed || seq == st.last + 1)) {
      st.last = std::max(st.last, seq);
      while (st.early.erase(st.last + 1) > 0)
        ++st.last;
      batch_.advance(kDepositStream, st.last);
      if (st.early.empty()) st.missing_since = {};
    } else if (seq > st.last) {
      if (st.early.empty()) st.missing_since = std::chrono::steady_clock::now();
      st.early.insert(seq);
    }
    lag_.set(static_cast<int64_t>(pending()));
    arm();
  }

  // (flush): answers true once everything received so far is in storage, false if the
  // write that should have taken it failed.
  caf::result<bool> flush_request() {
    if (!writing_ && batch_.empty() && !down_) {
      start_catch_ups();
      return true;
    }
    auto promise = self_->make_response_promise<bool>();
    waiters_.emplace_back(batch_.empty() ? sent_ : sent_ + 1, promise);
    // While storage is away the backoff timer makes the next try and answers: a flush
    // asked for now (a bus consumer asks several times a second) would bypass the backoff.
    if (!down_) flush();
    return promise;
  }

  // The timer: the batching interval, or the backoff while storage is away.
  void on_tick() {
    ticking_ = false;
    const bool watching = watch_missing_deposits();
    flush();
    if (watching) arm();
  }

 private:
  size_t pending() const { return batch_.rows() + in_flight_rows_; }
  bool full() const { return batch_.rows() >= options_.max_batch; }

  void arm() {
    if (ticking_) return;
    ticking_ = true;
    self_->delayed_send(self_, down_ ? backoff_ : options_.interval, tick_atom::value);
  }

  // Hands what is pending to the storage thread. One write at a time: while one is in
  // flight, rows gather for the next, which starts when the answer comes.
  void flush() {
    if (writing_) return;
    if (batch_.empty()) {
      if (down_) return ping();
      start_catch_ups();
      answer_waiters(sent_, true);
      return;
    }
    writing_ = true;
    in_flight_rows_ = batch_.rows();
    WriteBatch batch = batch_.take();
    in_flight_positions_ = batch.positions;
    const uint64_t write = ++sent_;
    self_->request(storage_, caf::infinite, store_atom::value, std::move(batch))
        .then(
            [this, write](bool ok, std::string& error, WriteBatch& unwritten) {
              if (ok)
                written(write);
              else
                failed(error, std::move(unwritten));
            },
            [this](caf::error& e) {  // the storage thread is gone: so are its rows
              failed(to_string(e), WriteBatch{});
            });
  }

  void written(uint64_t write) {
    writing_ = false;
    mark_up();
    written_.inc(in_flight_rows_);
    in_flight_rows_ = 0;
    lag_.set(static_cast<int64_t>(pending()));
    for (const StreamPosition& p : in_flight_positions_)
      if (auto it = streams_.find(p.stream); it != streams_.end() && it->second.source)
        self_->send(it->second.source, stored_atom::value, p.stream, p.seq);
    answer_waiters(write, true);
    start_catch_ups();
    if (batch_.empty()) return;
    if (full() || !waiters_.empty())
      flush();
    else
      arm();
  }

  void failed(const std::string& error, WriteBatch&& unwritten) {
    writing_ = false;
    in_flight_rows_ = 0;
    batch_.put_back(std::move(unwritten));  // retried with what came meanwhile
    lag_.set(static_cast<int64_t>(pending()));
    failures_.inc();
    if (!down_)
      log(Level::warn, "storage write failed; retrying with backoff", {{"detail", error}});
    go_down();
  }

  // While storage is away and nothing is pending: a ping tells when it is back.
  void ping() {
    writing_ = true;
    self_->request(storage_, caf::infinite, ping_atom::value)
        .then(
            [this](bool ok) {
              writing_ = false;
              if (!ok) return go_down();
              mark_up();
              flush();
            },
            [this](caf::error&) {
              writing_ = false;
              go_down();
            });
  }

  void go_down() {
    down_ = true;
    up_.set(0);
    backoff_ = std::min(backoff_ * 2, options_.backoff_max);
    answer_waiters(sent_ + 1, false);
    arm();
  }

  // Answers the flush requests whose rows went with write `upto` or before.
  void answer_waiters(uint64_t upto, bool ok) {
    auto kept = std::remove_if(waiters_.begin(), waiters_.end(), [&](auto& w) {
      if (w.first > upto) return false;
      w.second.deliver(ok);
      return true;
    });
    waiters_.erase(kept, waiters_.end());
  }

  void take(const MarketUpdate& up, const caf::actor& source) {
    Stream& st = streams_[up.market];
    if (source) st.source = source;
    switch (st.mode) {
      case Mode::live: {
        if (up.seq != 0 && up.seq <= st.last) return;  // a catch-up already brought it
        // Every command's update comes, in order: one that does not follow the last means
        // those between were lost on the way (a bus's stream trimmed, or its producer's
        // buffer full while Redis was away). They come from the journal, as after an
        // overflow, from the first one missing.
        const bool gap = up.seq != 0 && st.placed && up.seq != st.last + 1;
        if (gap || pending() >= options_.max_pending) {
          st.mode = Mode::spilled;
          st.from = gap ? st.last + 1 : up.seq;
          dropped_.inc();
          log(Level::warn,
              gap ? "market updates went missing on their way: they will come from its journal"
                  : "storage is away too long: the market's updates will come from its journal",
              {{"market", up.market}, {"from_seq", st.from}});
          count_behind();
          return;
        }
        add_rows(up);
        return;
      }
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

  void count_behind() {
    int64_t n = 0;
    for (auto& [market, st] : streams_)
      n += st.mode != Mode::live;
    behind_.set(n);
  }

  void mark_up() {
    // At the level its outage was logged (a warning), so the default level sees both.
    if (down_) log(Level::warn, "storage is back", {{"pending", pending()}});
    down_ = false;
    up_.set(1);
    backoff_ = options_.backoff_min;
  }

  enum class Mode : uint8_t { live, spilled, catching_up };
  struct Stream {
    Mode mode = Mode::live;
    uint64_t last = 0;              // seq of the last update taken
    bool placed = false;            // `last` is known: the next update must follow it
    uint64_t from = 0;              // spilled: the first update not taken
    std::deque<MarketUpdate> held;  // catching_up: live updates, in order
    bool overflow = false;
    caf::actor source;
    // Deposits only: records come after one not yet come, and since when.
    std::set<uint64_t> early;
    std::chrono::steady_clock::time_point missing_since;
    bool missing_told = false;
  };

  // A deposit record that has not come for seconds while later ones have was lost on its
  // way: said once, as storage's deposits then stay behind until a restart. True while
  // there is one to watch and not yet told.
  bool watch_missing_deposits() {
    auto it = streams_.find(kDepositStream);
    if (it == streams_.end()) return false;
    Stream& st = it->second;
    if (st.early.empty()) {
      st.missing_told = false;
      return false;
    }
    if (st.missing_told) return false;
    if (std::chrono::steady_clock::now() - st.missing_since < std::chrono::seconds(5)) return true;
    st.missing_told = true;
    log(Level::warn,
        "deposit records went missing on their way: storage's deposits stay at the last one "
        "before them until a restart writes them from the journal",
        {{"stored_seq", st.last}, {"missing_from", st.last + 1}, {"later", st.early.size()}});
    return false;
  }

  void add_rows(const MarketUpdate& up) {
    batch_.advance(up.market, up.seq);
    Stream& st = streams_[up.market];
    st.last = std::max(st.last, up.seq);
    st.placed = st.placed || up.seq != 0;
    for (const TradeRecord& t : up.trades)
      batch_.add_trade(t);
    for (const OrderInfo& o : up.orders)
      batch_.add_order(o);
    for (size_t i = 0; i < up.candles.size(); ++i)
      batch_.add_candle(CandleRecord{up.market, static_cast<Interval>(i), up.candles[i]});
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

  caf::event_based_actor* self_;
  caf::actor storage_;
  WriterOptions options_;
  PendingBatch batch_;
  size_t in_flight_rows_ = 0;
  std::vector<StreamPosition> in_flight_positions_;
  bool writing_ = false;  // a write or a ping is in flight
  bool ticking_ = false;  // the timer is armed
  uint64_t sent_ = 0;     // writes handed to the storage thread
  std::vector<std::pair<uint64_t, caf::response_promise>> waiters_;  // (write, flush request)
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

// A query's answer for a client. Storage's own errors name its server (and the log has
// them): a client learns only that history is unavailable, or of a bug that there was one.
template <class T>
caf::result<T> answer(Result<T> r) {
  if (r) return std::move(*r);
  const Error& e = r.error();
  if (e.code == ErrorCode::unknown_order || e.code == ErrorCode::invalid_field)
    return to_caf_error(e);
  log(Level::warn, "history query failed", {{"detail", e.message}});
  if (e.code == ErrorCode::internal) return to_caf_error(ErrorCode::internal, "internal error");
  return to_caf_error(ErrorCode::unavailable, "history storage is unavailable; try again shortly");
}

}  // namespace

caf::behavior writer_actor(caf::event_based_actor* self, std::shared_ptr<Store> store,
                           WriterOptions options) {
  auto w = std::make_shared<Writer>(self, std::move(store), options);
  return {
      [=](update_atom, const MarketUpdate& up) {
        w->add(up, caf::actor_cast<caf::actor>(self->current_sender()));
      },
      [=](update_atom, const std::vector<MarketUpdate>& ups) {
        auto sender = caf::actor_cast<caf::actor>(self->current_sender());
        for (const MarketUpdate& up : ups)
          w->add(up, sender);
      },
      [=](replay_atom, const MarketUpdate& up) { w->add_replayed(up); },
      [=](replay_atom, const std::string& market, uint64_t last, bool ok) {
        w->caught_up(market, last, ok);
      },
      [=](deposit_atom, const DepositRecord& d, uint64_t seq) {
        w->add(d, seq, caf::actor_cast<caf::actor>(self->current_sender()));
      },
      [=](stored_atom, const std::string& market, uint64_t seq) { return w->place(market, seq); },
      [=](tick_atom) { w->on_tick(); },
      [=](flush_atom) { return w->flush_request(); },
  };
}

caf::behavior history_actor(caf::event_based_actor*, std::shared_ptr<Store> store) {
  return {
      [=](order_atom, uint64_t id) { return answer(store->order(id)); },
      [=](trades_atom, const std::string& market, uint64_t limit, uint64_t before) {
        return answer(store->recent_trades(market, limit, before));
      },
      [=](trades_atom, const std::string& user, const std::string& market, uint64_t limit,
          uint64_t before) { return answer(store->trades_of(user, market, limit, before)); },
      [=](klines_atom, const std::string& market, Interval interval, int64_t from, int64_t to) {
        return answer(store->candles(market, interval, from, to));
      },
      // Orders the account let go are stored once storage reaches `needs`; before that a
      // page would lack them.
      [=](history_atom, const std::string& user, const std::string& market, uint64_t limit,
          const OrderCursor& before,
          const std::vector<StreamPosition>& needs) -> caf::result<std::vector<OrderInfo>> {
        for (const StreamPosition& need : needs) {
          auto stored = store->stored_seq(need.stream);
          if (!stored) return answer(Result<std::vector<OrderInfo>>(stored.error()));
          if (*stored < need.seq)
            return to_caf_error(ErrorCode::unavailable,
                                "order history of " + need.stream +
                                    " is catching up with trading; try again shortly");
        }
        return answer(store->orders_of(user, market, limit, before));
      },
      // The health check's, each second: the writer logs an outage, not every ping.
      [=](ping_atom) -> caf::result<bool> {
        auto up = store->ping();
        if (up) return *up;
        return to_caf_error(ErrorCode::unavailable, "storage is unreachable");
      },
  };
}

}  // namespace ex
