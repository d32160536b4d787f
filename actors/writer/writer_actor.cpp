#include "actors/writer/writer_actor.hpp"

#include <map>
#include <tuple>
#include <unordered_map>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"

namespace ex {
namespace {

class Writer {
 public:
  Writer(std::shared_ptr<Store> store, WriterOptions options)
      : store_(std::move(store)),
        options_(options),
        lag_(Metrics::global().gauge("exchange_writer_pending_records",
                                     "Records waiting to be written to storage (writer lag)")),
        written_(Metrics::global().counter("exchange_writer_records_total",
                                           "Records written to storage")),
        failures_(Metrics::global().counter("exchange_writer_failures_total",
                                            "Storage writes that failed (retried)")) {}

  // `source` (the market) hears (stored, market, seq) once the update is in storage.
  void add(const MarketUpdate& up, const caf::actor& source) {
    advance(up.market, up.seq, source);
    for (const TradeRecord& t : up.trades) batch_.trades.push_back(t);
    for (const OrderInfo& o : up.orders) {
      auto [it, fresh] = order_slot_.emplace(o.order_id, batch_.orders.size());
      if (fresh) batch_.orders.push_back(o);
      else batch_.orders[it->second] = o;  // later state of the same order wins
    }
    for (size_t i = 0; i < up.candles.size(); ++i) {
      auto key = std::make_tuple(up.market, i, up.candles[i].start_ms);
      auto [it, fresh] = candle_slot_.emplace(key, batch_.candles.size());
      CandleRecord r{up.market, static_cast<Interval>(i), up.candles[i]};
      if (fresh) batch_.candles.push_back(std::move(r));
      else batch_.candles[it->second] = std::move(r);
    }
    lag_.set(static_cast<int64_t>(pending()));
  }

  void add(const DepositRecord& d, uint64_t seq, const caf::actor& source) {
    advance(kDepositStream, seq, source);
    batch_.deposits.push_back(d);
    lag_.set(static_cast<int64_t>(pending()));
  }

  size_t pending() const {
    return batch_.trades.size() + batch_.orders.size() + batch_.deposits.size() +
           batch_.candles.size();
  }
  bool full() const { return pending() >= options_.max_batch; }
  const WriterOptions& options() const { return options_; }

  // Writes the batch; on success tells each source how far its stream is stored.
  bool flush(caf::event_based_actor* self) {
    if (batch_.empty()) return true;
    auto r = store_->write(batch_);
    if (!r) {
      failures_.inc();
      log(Level::warn, "storage write failed; will retry", {{"detail", r.error().message}});
      return false;
    }
    written_.inc(pending());
    for (const StreamPosition& p : batch_.positions)
      if (auto it = sources_.find(p.stream); it != sources_.end() && it->second)
        self->send(it->second, stored_atom::value, p.stream, p.seq);
    batch_.clear();
    position_slot_.clear();
    order_slot_.clear();
    candle_slot_.clear();
    lag_.set(0);
    return true;
  }

 private:
  void advance(const std::string& stream, uint64_t seq, const caf::actor& source) {
    if (seq == 0) return;  // not journaled
    if (source) sources_[stream] = source;
    auto [it, fresh] = position_slot_.emplace(stream, batch_.positions.size());
    if (fresh) batch_.positions.push_back(StreamPosition{stream, seq});
    else batch_.positions[it->second].seq = std::max(batch_.positions[it->second].seq, seq);
  }

  std::shared_ptr<Store> store_;
  WriterOptions options_;
  WriteBatch batch_;
  std::unordered_map<uint64_t, size_t> order_slot_;
  std::map<std::tuple<std::string, size_t, int64_t>, size_t> candle_slot_;
  std::unordered_map<std::string, size_t> position_slot_;
  std::unordered_map<std::string, caf::actor> sources_;
  Gauge& lag_;
  Counter& written_;
  Counter& failures_;
};

template <class T>
caf::result<T> answer(Result<T> r) {
  if (!r) return to_caf_error(r.error());
  return std::move(*r);
}

}  // namespace

caf::behavior writer_actor(caf::event_based_actor* self, std::shared_ptr<Store> store,
                           WriterOptions options) {
  auto w = std::make_shared<Writer>(std::move(store), options);
  auto ticking = std::make_shared<bool>(false);
  auto arm = [=] {
    if (*ticking) return;
    *ticking = true;
    self->delayed_send(self, w->options().interval, tick_atom::value);
  };
  return {
      [=](update_atom, const MarketUpdate& up) {
        w->add(up, caf::actor_cast<caf::actor>(self->current_sender()));
        if (w->full()) w->flush(self);
        else arm();
      },
      [=](deposit_atom, const DepositRecord& d, uint64_t seq) {
        w->add(d, seq, caf::actor{});  // accounts need no word back
        arm();
      },
      [=](tick_atom) {
        *ticking = false;
        if (!w->flush(self)) arm();
      },
      [=](flush_atom) { return w->flush(self); },
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
