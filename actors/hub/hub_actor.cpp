#include "actors/hub/hub_actor.hpp"

#include <array>
#include <map>
#include <memory>
#include <vector>

#include "actors/common/messages.hpp"
#include "net/codec/encoders.hpp"

namespace ex {

bool parse_stream_name(const std::string& name, std::string* market, Stream* stream) {
  auto at = name.find('@');
  if (at == std::string::npos) return false;
  std::string kind = name.substr(0, at);
  std::string rest = name.substr(at + 1);
  if (kind == "kline") {
    auto colon = rest.find(':');
    if (colon == std::string::npos) return false;
    auto interval = parse_interval(rest.substr(colon + 1));
    if (!interval) return false;
    *market = rest.substr(0, colon);
    *stream = kline_stream(*interval);
    return true;
  }
  *market = rest;
  if (kind == "depth")
    *stream = Stream::depth;
  else if (kind == "trade")
    *stream = Stream::trade;
  else if (kind == "fills")
    *stream = Stream::fills;
  else if (kind == "ticker")
    *stream = Stream::ticker;
  else
    return false;
  return !market->empty();
}

namespace {

struct Subscriber {
  uint64_t connection;
  FrameSink sink;
};

class Hub {
 public:
  Hub(std::string market, std::chrono::milliseconds depth_batch)
      : market_(std::move(market)), depth_batch_(depth_batch) {}

  void subscribe(uint64_t connection, Stream s, FrameSink sink) {
    auto& subs = subscribers_[static_cast<size_t>(s)];
    for (auto& sub : subs)
      if (sub.connection == connection) {
        sub.sink = std::move(sink);
        return;
      }
    subs.push_back(Subscriber{connection, std::move(sink)});
  }

  void unsubscribe(uint64_t connection, Stream s) {
    auto& subs = subscribers_[static_cast<size_t>(s)];
    for (size_t i = 0; i < subs.size(); ++i)
      if (subs[i].connection == connection) {
        subs[i] = std::move(subs.back());
        subs.pop_back();
        return;
      }
  }

  void unsubscribe_all(uint64_t connection) {
    for (size_t s = 0; s < kStreamCount; ++s)
      unsubscribe(connection, static_cast<Stream>(s));
  }

  // Returns true if a depth flush should be scheduled.
  bool on_update(const MarketUpdate& up) {
    if (has(Stream::trade))
      for (const TradeRecord& t : up.trades)
        send(Stream::trade, encode_trade_event(t));
    if (has(Stream::fills))
      for (const TradeRecord& t : up.trades) {
        // One event per order that took part: the buyer's and the seller's.
        send(Stream::fills,
             encode_fills_event(market_, t.buy_order_id, t.price, t.qty, t.trade_id, t.buyer));
        send(Stream::fills,
             encode_fills_event(market_, t.sell_order_id, t.price, t.qty, t.trade_id, t.seller));
      }
    if (!up.candles.empty())
      for (Interval i : kAllIntervals)
        if (has(kline_stream(i)))
          send(kline_stream(i), encode_kline_event(market_, i, up.candles[static_cast<size_t>(i)]));
    if (!up.ticker.empty() && has(Stream::ticker))
      send(Stream::ticker, encode_ticker_event(market_, up.ticker.front()));
    if (up.depth_update_id == 0 || !has(Stream::depth)) return false;
    if (first_pending_ == 0) first_pending_ = up.depth_update_id;
    last_pending_ = up.depth_update_id;
    for (const PriceLevel& l : up.bids)
      pending_bids_[l.price.units()] = l.qty;
    for (const PriceLevel& l : up.asks)
      pending_asks_[l.price.units()] = l.qty;
    if (flush_scheduled_) return false;
    if (depth_batch_.count() == 0) {
      flush();
      return false;
    }
    flush_scheduled_ = true;
    return true;
  }

  void flush() {
    flush_scheduled_ = false;
    if (first_pending_ == 0) return;
    std::vector<PriceLevel> bids, asks;
    for (auto it = pending_bids_.rbegin(); it != pending_bids_.rend(); ++it)
      bids.push_back({Decimal::from_units(it->first), it->second});
    for (auto& [price, qty] : pending_asks_)
      asks.push_back({Decimal::from_units(price), qty});
    send(Stream::depth, encode_depth_event(market_, bids, asks, first_pending_, last_pending_));
    pending_bids_.clear();
    pending_asks_.clear();
    first_pending_ = last_pending_ = 0;
  }

  std::chrono::milliseconds depth_batch() const { return depth_batch_; }

 private:
  bool has(Stream s) const { return !subscribers_[static_cast<size_t>(s)].empty(); }

  void send(Stream s, std::string text) {
    auto frame = std::make_shared<const std::string>(std::move(text));
    for (const Subscriber& sub : subscribers_[static_cast<size_t>(s)])
      sub.sink(frame);
  }

  std::string market_;
  std::chrono::milliseconds depth_batch_;
  std::array<std::vector<Subscriber>, kStreamCount> subscribers_;
  std::map<int64_t, Decimal> pending_bids_, pending_asks_;
  uint64_t first_pending_ = 0, last_pending_ = 0;
  bool flush_scheduled_ = false;
};

}  // namespace

caf::behavior hub_actor(caf::event_based_actor* self, std::string market,
                        std::chrono::milliseconds depth_batch) {
  auto h = std::make_shared<Hub>(std::move(market), depth_batch);
  return {
      [=](subscribe_atom, uint64_t connection, Stream s, FrameSink& sink) {
        h->subscribe(connection, s, std::move(sink));
      },
      [=](unsubscribe_atom, uint64_t connection, Stream s) { h->unsubscribe(connection, s); },
      [=](unsubscribe_atom, uint64_t connection) { h->unsubscribe_all(connection); },
      [=](update_atom, const MarketUpdate& up) {
        if (h->on_update(up)) self->delayed_send(self, h->depth_batch(), flush_atom::value);
      },
      [=](update_atom, const std::vector<MarketUpdate>& ups) {
        bool flush = false;
        for (const MarketUpdate& up : ups)
          flush = h->on_update(up) || flush;
        if (flush) self->delayed_send(self, h->depth_batch(), flush_atom::value);
      },
      [=](flush_atom) { h->flush(); },
  };
}

}  // namespace ex
