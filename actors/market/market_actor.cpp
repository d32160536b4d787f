#include "actors/market/market_actor.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <utility>

#include "actors/common/binary_codec.hpp"
#include "actors/common/clock.hpp"
#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"
#include "actors/market/market_outbox.hpp"

namespace ex {
namespace {

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

Histogram& snapshot_encode_seconds(const std::string& market) {
  return Metrics::global().histogram(
      "exchange_snapshot_encode_seconds",
      "Time a snapshot of a market took to encode, off the market's thread",
      "market=\"" + market + "\"");
}

// Encodes a copy of a market's state and hands it to the journal, on a thread of its own:
// CAF's serializer takes about a microsecond per resting order, which the market would
// otherwise spend not matching (a tenth of a second for a book of 100,000 orders).
void encode_snapshot(caf::blocking_actor* self, caf::actor journal, std::string market,
                     std::shared_ptr<MarketState> state, uint64_t stored_seq) {
  const uint64_t seq = state->seq;
  const auto started = std::chrono::steady_clock::now();
  std::string payload = encode_binary(*state);
  const double encode_ms = elapsed_ms(started);
  snapshot_encode_seconds(market).observe(encode_ms / 1000);
  log(Level::info, "snapshot encoded",
      {{"market", market},
       {"seq", seq},
       {"orders", state->orders.size()},
       {"bytes", payload.size()},
       {"ms", encode_ms}});
  state.reset();
  // Not a request: the journal logs a failed write itself, and waiting for its answer
  // would keep this actor (and a shutdown) waiting on a journal that stopped meanwhile.
  self->send(journal, snapshot_atom::value, seq, std::move(payload), stored_seq);
}

class MarketShell {
 public:
  MarketShell(caf::event_based_actor* self, std::shared_ptr<MarketCore> core, MarketLinks links,
              MarketDurability durability, std::vector<caf::actor> accounts)
      : self_(self),
        core_(std::move(core)),
        links_(std::move(links)),
        durability_(durability),
        accounts_(std::move(accounts)),
        outbox_(self, links_.journal, links_.hub, links_.writer),
        stored_seq_(durability.stored_seq),
        snapshot_seq_(core_->sequence()),
        snapshot_ms_(now_ms()),
        orders_placed_(Metrics::global().counter(
            "exchange_orders_total", "Orders accepted by markets", "market=\"" + symbol() + "\"")),
        trades_(Metrics::global().counter("exchange_trades_total", "Trades executed",
                                          "market=\"" + symbol() + "\"")),
        snapshot_pause_(Metrics::global().histogram(
            "exchange_snapshot_pause_seconds",
            "Time a market stopped matching to copy its state for a snapshot",
            "market=\"" + symbol() + "\"")) {
    snapshot_encode_seconds(symbol());  // listed in /metrics from the start
  }

  void place(PlaceOrder& order, Decimal held, uint64_t hold_key) {
    auto account = caf::actor_cast<caf::actor>(self_->current_sender());
    PlaceOutcome refused;
    refused.hold_key = hold_key;
    if (halted()) {
      refuse(refused, halt_error_);
      self_->send(account, std::move(refused));
      return;
    }
    MarketCommand cmd;
    cmd.kind = MarketCommand::place;
    cmd.time_ms = now_ms();
    cmd.order = std::move(order);
    cmd.held = held;
    auto out = std::make_shared<MarketCore::Output>();
    if (auto r = core_->apply(cmd, *out); !r) {
      refuse(refused, r.error());
      self_->send(account, std::move(refused));
      return;
    }
    if (accounts_.size() <= out->taker) accounts_.resize(out->taker + 1);
    accounts_[out->taker] = account;
    orders_placed_.inc();
    if (out->taker_unspent.is_positive() && waits_for_journal())
      self_->send(account, release_atom::value, hold_key, out->taker_unspent);
    commit(cmd, [this, out, hold_key, account] {
      PlaceOutcome outcome;
      outcome.hold_key = hold_key;
      outcome.reply = std::move(out->reply);
      outcome.taker = std::move(out->taker_update);
      self_->send(account, std::move(outcome));
      publish(*out);
    });
  }

  caf::result<CancelReply> cancel(uint64_t id, const std::string& user_id) {
    if (halted()) return to_caf_error(halt_error_);
    MarketCommand cmd;
    cmd.kind = MarketCommand::cancel;
    cmd.time_ms = now_ms();
    cmd.order_id = id;
    cmd.user_id = user_id;
    auto out = std::make_shared<MarketCore::Output>();
    if (auto r = core_->apply(cmd, *out); !r) return to_caf_error(r.error());
    auto rp = self_->make_response_promise<CancelReply>();
    commit(cmd, [this, out, rp]() mutable {
      rp.deliver(out->cancels.front());
      publish(*out);
    });
    return rp;
  }

  caf::result<std::vector<CancelReply>> cancel_all(const std::string& user_id) {
    if (halted()) return to_caf_error(halt_error_);
    MarketCommand cmd;
    cmd.kind = MarketCommand::cancel_all;
    cmd.time_ms = now_ms();
    cmd.user_id = user_id;
    auto out = std::make_shared<MarketCore::Output>();
    if (auto r = core_->apply(cmd, *out); !r) return std::vector<CancelReply>{};
    auto rp = self_->make_response_promise<std::vector<CancelReply>>();
    commit(cmd, [this, out, rp]() mutable {
      rp.deliver(std::move(out->cancels));
      publish(*out);
    });
    return rp;
  }

  // Answers `read(core)`, unless the market halted with effects it never acknowledged:
  // its memory is then ahead of what is durable (and of what a restart will replay), so
  // it answers UNAVAILABLE rather than show orders and trades that never happened.
  template <class Read>
  auto read(Read&& read) -> caf::result<decltype(read(std::declval<MarketCore&>()))> {
    if (unacknowledged_) return to_caf_error(halt_error_);
    return read(*core_);
  }

  caf::result<OrderInfo> order(uint64_t id) {
    if (unacknowledged_) return to_caf_error(halt_error_);
    if (const OrderInfo* o = core_->find(id)) return *o;
    if (!links_.history) return to_caf_error(ErrorCode::unknown_order, "unknown order");
    if (stored_seq_ >= core_->forgotten_through()) {
      self_->delegate(links_.history, order_atom::value, id);
      return caf::delegated<OrderInfo>{};
    }
    // Memory let go of orders whose closing storage does not have yet: its "unknown", or an
    // open state, is not the last word.
    auto rp = self_->make_response_promise<OrderInfo>();
    self_->request(links_.history, caf::infinite, order_atom::value, id)
        .then(
            [rp, symbol = symbol()](OrderInfo& o) mutable {
              // Memory holds every open order: one storage shows open has closed since.
              if (o.status == OrderStatus::new_ || o.status == OrderStatus::partially_filled)
                rp.deliver(catching_up(symbol));
              else
                rp.deliver(std::move(o));
            },
            [rp, symbol = symbol()](caf::error& e) mutable {
              if (from_caf_error(e).code != ErrorCode::unknown_order)
                rp.deliver(std::move(e));
              else
                rp.deliver(catching_up(symbol));
            });
    return rp;
  }

  void on_stored(uint64_t seq) { stored_seq_ = std::max(stored_seq_, seq); }

  void flush() { outbox_.flush(); }

  MarketCore& core() { return *core_; }

 private:
  const std::string& symbol() const { return core_->spec().symbol; }
  bool halted() const { return !halt_error_.message.empty(); }
  bool waits_for_journal() const {
    return links_.journal && durability_.level != journal::Durability::none;
  }

  static caf::error catching_up(const std::string& symbol) {
    return to_caf_error(
        ErrorCode::unavailable,
        "order history of " + symbol + " is catching up with trading; try again shortly");
  }

  static void refuse(PlaceOutcome& out, const Error& e) {
    out.error = static_cast<uint8_t>(e.code) + 1;
    out.error_message = e.message;
  }

  // Journals an applied command and runs `release` once it is durable (at once without a
  // journal, or at level none). Releases run in command order.
  void commit(MarketCommand& cmd, std::function<void()> release) {
    const uint64_t seq = core_->sequence();
    if (!links_.journal) {
      release();
      return;
    }
    outbox_.record(seq, encode_binary(cmd));
    if (!waits_for_journal())
      release();
    else
      waiting_.emplace_back(seq, std::move(release));
    maybe_snapshot(cmd.time_ms);
  }

 public:
  // The journal has made every record up to `seq` durable.
  void release_upto(uint64_t seq) {
    while (!waiting_.empty() && waiting_.front().first <= seq) {
      auto release = std::move(waiting_.front().second);
      waiting_.pop_front();
      release();
    }
  }

  void halt(const Error& e) {
    if (halted()) return;
    // Clients learn that the market stopped; the cause (a path, an errno) is for the log.
    halt_error_ =
        make_error(ErrorCode::unavailable, "market " + symbol() + " is halted: its journal failed");
    log(Level::error, "market halted: its journal failed",
        {{"market", symbol()}, {"detail", e.message}});
    markets_halted().add(1);
    // What was not made durable is never acknowledged; its clients time out.
    unacknowledged_ = !waiting_.empty();
    waiting_.clear();
  }

 private:
  void maybe_snapshot(int64_t now) {
    const uint64_t seq = core_->sequence();
    const bool due = seq - snapshot_seq_ >= durability_.snapshot_every ||
                     now - snapshot_ms_ >= durability_.snapshot_interval.count();
    if (!due || seq == snapshot_seq_) return;
    snapshot_seq_ = seq;
    snapshot_ms_ = now;
    // The copy is the only part of a snapshot the market waits for.
    const auto started = std::chrono::steady_clock::now();
    auto state = std::make_shared<MarketState>(core_->state());
    const double pause_ms = elapsed_ms(started);
    snapshot_pause_.observe(pause_ms / 1000);
    outbox_.flush();               // the journal gets the snapshot's records before the snapshot
    if (log_enabled(Level::info))  // the market's thread: no strings built for nothing
      log(Level::info, "snapshot copied",
          {{"market", symbol()}, {"seq", seq}, {"orders", state->orders.size()}, {"ms", pause_ms}});
    self_->spawn<caf::detached>(encode_snapshot, links_.journal, symbol(), std::move(state),
                                stored_seq_);
  }

  void publish(MarketCore::Output& out) {
    trades_.inc(out.update.trades.size());
    for (auto& [user, up] : out.accounts)
      if (user < accounts_.size() && accounts_[user])
        self_->send(accounts_[user], settle_atom::value, std::move(up));
      else
        log(Level::error, "no account to settle",
            {{"market", symbol()}, {"user", core_->user_of(user)}});
    outbox_.update(std::move(out.update));
  }

  caf::event_based_actor* self_;
  std::shared_ptr<MarketCore> core_;
  MarketLinks links_;
  MarketDurability durability_;
  std::vector<caf::actor> accounts_;  // by the core's UserId
  MarketOutbox outbox_;
  std::deque<std::pair<uint64_t, std::function<void()>>> waiting_;  // effects not yet durable
  uint64_t stored_seq_;
  uint64_t snapshot_seq_;
  int64_t snapshot_ms_;
  Error halt_error_;
  bool unacknowledged_ = false;  // halted with effects it never released
  Counter& orders_placed_;
  Counter& trades_;
  Histogram& snapshot_pause_;
};

}  // namespace

caf::behavior market_actor(caf::event_based_actor* self, std::shared_ptr<MarketCore> core,
                           MarketLinks links, MarketDurability durability,
                           std::vector<caf::actor> accounts) {
  auto m = std::make_shared<MarketShell>(self, std::move(core), std::move(links), durability,
                                         std::move(accounts));
  return {
      [=](place_atom, PlaceOrder& order, Decimal held, uint64_t hold_key) {
        m->place(order, held, hold_key);
      },
      [=](cancel_atom, uint64_t id, const std::string& user_id) { return m->cancel(id, user_id); },
      [=](cancel_all_atom, const std::string& user_id) { return m->cancel_all(user_id); },
      [=](order_atom, uint64_t id) { return m->order(id); },
      [=](depth_atom, uint64_t limit) {
        return m->read([&](MarketCore& c) { return c.depth(limit); });
      },
      [=](trades_atom, uint64_t limit, uint64_t before) {
        return m->read([&](MarketCore& c) {
          return TradeSlice{c.trades(limit, before), c.first_trade_kept()};
        });
      },
      [=](klines_atom, Interval interval, int64_t from, int64_t to) {
        return m->read([&](MarketCore& c) {
          return KlineSlice{c.klines(interval, from, to), c.oldest_kept(interval)};
        });
      },
      [=](ticker_atom) { return m->read([](MarketCore& c) { return c.ticker(now_ms()); }); },
      [=](stored_atom, const std::string&, uint64_t seq) { m->on_stored(seq); },
      [=](synced_atom, uint64_t seq) { m->release_upto(seq); },
      [=](publish_atom) { m->flush(); },
      [=](flush_atom) {  // a shutdown's: what the market holds goes out before it answers
        m->flush();
        return true;
      },
      [=](synced_atom, const caf::error& e) { m->halt(from_caf_error(e)); },
  };
}

}  // namespace ex
