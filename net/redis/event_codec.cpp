#include "net/redis/event_codec.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

namespace ex::redis {

std::string event_stream_key(const std::string& stream) {
  return "events:" + stream;
}

namespace {

// CAF's serializer takes mutable references (inspect is one function for both
// directions); serializing does not modify, so the copies are avoided with const_cast.
template <class... Ts>
std::string encode(const Ts&... xs) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto err = sink(const_cast<Ts&>(xs)...);
  if (err) return {};  // only for types CAF cannot serialize: not these
  return std::string(buf.data(), buf.size());
}

template <class... Ts>
Result<bool> decode(std::string_view data, Ts&... xs) {
  caf::binary_deserializer source{nullptr, data.data(), data.size()};
  auto err = source(xs...);
  if (err || source.remaining() != 0)
    return make_error(ErrorCode::invalid_field, "storage event does not decode");
  return true;
}

// Format 1's market update: the ticker had its quote volume after its volume.
struct TickerV1 {
  TickerStats stats;
  Decimal quote_volume;  // read and dropped
};

template <class Inspector>
auto inspect(Inspector& f, TickerV1& x) {
  TickerStats& t = x.stats;
  return f(t.start_ms, t.first_price, t.high, t.low, t.last_price, t.volume, x.quote_volume,
           t.price_change, t.price_change_percent, t.trades);
}

struct UpdateV1 {
  MarketUpdate* update;
  std::vector<TickerV1> ticker;
};

template <class Inspector>
auto inspect(Inspector& f, UpdateV1& x) {
  MarketUpdate& u = *x.update;
  return f(u.market, u.seq, u.time_ms, u.depth_update_id, u.bids, u.asks, u.trades, u.orders,
           u.candles, x.ticker);
}

Result<bool> decode_update_v1(std::string_view data, MarketUpdate& update) {
  UpdateV1 v1{&update, {}};
  auto ok = decode(data, v1);
  for (TickerV1& t : v1.ticker)
    update.ticker.push_back(t.stats);
  return ok;
}

}  // namespace

std::string encode_update(const MarketUpdate& update) {
  return encode(update);
}

std::string encode_deposit(const DepositRecord& deposit, uint64_t seq) {
  return encode(deposit, seq);
}

Result<StorageEvent> decode_event(std::string_view type, std::string_view version,
                                  std::string_view data) {
  const bool v1 = version == kOldestEventFormat;
  if (version != kEventFormatVersion && !v1)
    return make_error(ErrorCode::invalid_field,
                      "storage event of format version '" + std::string(version) + "'");
  StorageEvent e;
  Result<bool> ok = true;
  if (type == "u") {
    ok = v1 ? decode_update_v1(data, e.update) : decode(data, e.update);
  } else if (type == "d") {
    e.is_deposit = true;
    ok = decode(data, e.deposit, e.seq);
  } else {
    return make_error(ErrorCode::invalid_field,
                      "storage event of type '" + std::string(type) + "'");
  }
  if (!ok) return ok.error();
  return e;
}

}  // namespace ex::redis
