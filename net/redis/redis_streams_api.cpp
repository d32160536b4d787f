#include "net/redis/redis_streams_api.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "actors/hub/hub_actor.hpp"

namespace ex::redis {

namespace {
const char* const kNoMarkets =
    "this node is a WebSocket-only edge (--role ws-edge): it serves streams only; send REST "
    "requests to a node that hosts the markets";
}

RedisStreamsApi::RedisStreamsApi(boost::asio::io_context& io, ConnectionOptions options,
                                 std::vector<MarketSpec> markets, std::vector<AssetSpec> assets)
    : io_(io),
      connection_(io, std::move(options)),
      markets_(std::move(markets)),
      assets_(std::move(assets)) {
  connection_.on_message(
      [this](const std::string& channel, std::shared_ptr<const std::string> payload) {
        deliver(channel, std::move(payload));
      });
}

RedisStreamsApi::~RedisStreamsApi() {
  stop();
}

void RedisStreamsApi::start() {
  connection_.start();
}
void RedisStreamsApi::stop() {
  connection_.stop();
}

template <class T>
void RedisStreamsApi::refuse(Callback<T> done) {
  // Never on the caller's thread (the ExchangeApi contract).
  boost::asio::post(
      io_, [done = std::move(done)] { done(make_error(ErrorCode::unavailable, kNoMarkets)); });
}

void RedisStreamsApi::place(PlaceOrder, Callback<PlaceReply> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::cancel(std::string, uint64_t, std::string, Callback<CancelReply> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::cancel_all(std::string, std::string,
                                 Callback<std::vector<CancelReply>> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::open_orders(std::string, std::string, Callback<std::vector<OrderInfo>> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::order(std::string, uint64_t, Callback<OrderInfo> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::order_history(std::string, std::string, size_t, std::optional<uint64_t>,
                                    Callback<std::vector<OrderInfo>> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::depth(std::string, size_t, Callback<DepthSnapshot> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::trades(std::string, size_t, uint64_t,
                             Callback<std::vector<TradeRecord>> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::user_trades(std::string, std::string, size_t, uint64_t,
                                  Callback<std::vector<TradeRecord>> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::klines(std::string, Interval, int64_t, int64_t,
                             Callback<std::vector<Candle>> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::ticker(std::string, Callback<TickerStats> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::deposit(std::string, std::string, Decimal, Callback<Decimal> done) {
  refuse(std::move(done));
}
void RedisStreamsApi::balances(std::string, Callback<std::vector<AssetBalance>> done) {
  refuse(std::move(done));
}

Result<bool> RedisStreamsApi::subscribe(uint64_t connection, const std::string& stream,
                                        FrameSink sink) {
  std::string market;
  Stream s;
  if (!parse_stream_name(stream, &market, &s))
    return Error{ErrorCode::invalid_field, "unknown stream " + stream};
  bool known = false;
  for (const auto& m : markets_)
    known = known || m.symbol == market;
  if (!known) return Error{ErrorCode::unknown_market, "unknown market " + market};
  std::lock_guard<std::mutex> lock(mutex_);
  if (!by_connection_[connection].insert(stream).second) {
    for (auto& sub : by_channel_[stream])
      if (sub.connection == connection) {
        sub.sink = std::move(sink);  // a connection has one entry per stream
        break;
      }
    return true;
  }
  auto& subs = by_channel_[stream];
  // (UN)SUBSCRIBE only queue work for the io thread, in the order they are called here
  // under the lock, so Redis ends subscribed exactly to the channels with subscribers.
  if (subs.empty()) connection_.subscribe(stream);
  subs.push_back(Subscriber{connection, std::move(sink)});
  return true;
}

void RedisStreamsApi::drop(uint64_t connection, const std::string& stream) {
  auto it = by_channel_.find(stream);
  if (it == by_channel_.end()) return;
  auto& subs = it->second;
  for (size_t i = 0; i < subs.size(); ++i)
    if (subs[i].connection == connection) {
      subs[i] = std::move(subs.back());
      subs.pop_back();
      break;
    }
  if (subs.empty()) {
    by_channel_.erase(it);
    connection_.unsubscribe(stream);
  }
}

void RedisStreamsApi::unsubscribe(uint64_t connection, const std::string& stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto c = by_connection_.find(connection);
  if (c == by_connection_.end() || c->second.erase(stream) == 0) return;
  if (c->second.empty()) by_connection_.erase(c);
  drop(connection, stream);
}

void RedisStreamsApi::unsubscribe_all(uint64_t connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto c = by_connection_.find(connection);
  if (c == by_connection_.end()) return;
  for (const auto& stream : c->second)
    drop(connection, stream);
  by_connection_.erase(c);
}

void RedisStreamsApi::deliver(const std::string& channel,
                              std::shared_ptr<const std::string> frame) {
  // Sinks only queue and return, so calling them under the lock is cheap.
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_channel_.find(channel);
  if (it == by_channel_.end()) return;
  for (const auto& sub : it->second)
    sub.sink(frame);
}

size_t RedisStreamsApi::channels() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return by_channel_.size();
}

}  // namespace ex::redis
