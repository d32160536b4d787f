// A stand-in ExchangeApi for the edge's tests: canned answers, recorded calls, and
// subscriptions that tests can publish to. Like the real one, it answers on another
// thread (a worker), never the caller's.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/gateway/exchange_api.hpp"
#include "tests/support/fixtures.hpp"

namespace ex::test {

using ex::testing::dec;

class FakeApi : public ExchangeApi {
 public:
  FakeApi() {
    MarketSpec m = ex::testing::tata_inr();
    markets_.push_back(m);
    m.id = 2;
    m.symbol = "INFY_INR";
    m.base = "INFY";
    markets_.push_back(m);
    assets_ = {{"TATA", 2}, {"INFY", 2}, {"INR", 2}};
    worker_ = std::thread([this] { run(); });
  }

  ~FakeApi() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  // ---- what tests control ----
  bool is_ready = true;
  std::function<Result<PlaceReply>(const PlaceOrder&)> on_place = [](const PlaceOrder& o) {
    PlaceReply r;
    r.order.order_id = (77u << 12) | 1;
    r.order.market = o.market;
    r.order.user_id = o.user_id;
    r.order.quantity = o.request.quantity;
    r.order.client_order_id = o.client_order_id;
    return Result<PlaceReply>(r);
  };
  Result<CancelReply> cancel_result = CancelReply{(77u << 12) | 1, dec("7"), dec("2"), ""};
  Result<OrderInfo> order_result = OrderInfo{};
  Result<DepthSnapshot> depth_result = DepthSnapshot{};
  Result<TickerStats> ticker_result = TickerStats{};
  std::map<std::string, Result<TickerStats>> ticker_of;  // by market, over ticker_result
  Result<Decimal> deposit_result = dec("100");
  Result<std::vector<AssetBalance>> balances_result = std::vector<AssetBalance>{};

  // The calls made, as text ("place 5 TATA_INR buy 1000.97 2.5"), in order.
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  // How many connections are subscribed to `stream`.
  size_t subscribers(const std::string& stream) {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t n = 0;
    for (auto& [conn, streams] : subs_)
      n += streams.count(stream);
    return n;
  }
  // Sends `frame` to every sink subscribed to `stream` (from the worker thread).
  void publish(const std::string& stream, const std::string& frame) {
    auto shared = std::make_shared<const std::string>(frame);
    post([this, stream, shared] {
      std::vector<FrameSink> sinks;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& [conn, streams] : subs_)
          if (auto it = streams.find(stream); it != streams.end()) sinks.push_back(it->second);
      }
      for (auto& s : sinks)
        s(shared);
    });
  }
  size_t subscriptions() {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t n = 0;
    for (auto& [conn, streams] : subs_)
      n += streams.size();
    return n;
  }

  // ---- ExchangeApi ----
  const std::vector<MarketSpec>& markets() const override { return markets_; }
  const std::vector<AssetSpec>& assets() const override { return assets_; }
  bool ready() const override { return is_ready; }

  void place(PlaceOrder o, Callback<PlaceReply> done) override {
    record("place " + o.user_id + " " + o.market + " " +
           (o.request.side == Side::buy ? "buy " : "sell ") + o.request.price.to_string() + " " +
           o.request.quantity.to_string());
    auto r = on_place(o);
    post([done, r] { done(r); });
  }
  void cancel(std::string market, uint64_t id, std::string user,
              Callback<CancelReply> done) override {
    record("cancel " + market + " " + order_id_text(id) + " by '" + user + "'");
    post([done, r = cancel_result] { done(r); });
  }
  void cancel_all(std::string market, std::string user,
                  Callback<std::vector<CancelReply>> done) override {
    record("cancel_all " + market + " " + user);
    post([done, r = cancel_result] {
      done(r ? Result<std::vector<CancelReply>>(std::vector<CancelReply>{*r})
             : Result<std::vector<CancelReply>>(r.error()));
    });
  }
  void open_orders(std::string user, std::string market,
                   Callback<std::vector<OrderInfo>> done) override {
    record("open_orders " + user + " " + market);
    post([done] { done(std::vector<OrderInfo>{}); });
  }
  static std::string before_text(uint64_t before) {
    return before == kAboveNewestTrade ? "" : " before " + std::to_string(before);
  }
  void order(std::string market, uint64_t id, Callback<OrderInfo> done) override {
    record("order " + market + " " + order_id_text(id));
    post([done, r = order_result] { done(r); });
  }
  void order_history(std::string user, std::string market, size_t limit,
                     std::optional<uint64_t> before,
                     Callback<std::vector<OrderInfo>> done) override {
    record("order_history " + user + " " + market + " " + std::to_string(limit) +
           (before ? " before " + order_id_text(*before) : ""));
    post([done] { done(std::vector<OrderInfo>{}); });
  }
  void depth(std::string market, size_t limit, Callback<DepthSnapshot> done) override {
    record("depth " + market + " " + std::to_string(limit));
    post([done, r = depth_result] { done(r); });
  }
  void trades(std::string market, size_t limit, uint64_t before,
              Callback<std::vector<TradeRecord>> done) override {
    record("trades " + market + " " + std::to_string(limit) + before_text(before));
    post([done] { done(std::vector<TradeRecord>{}); });
  }
  void user_trades(std::string user, std::string market, size_t limit, uint64_t before,
                   Callback<std::vector<TradeRecord>> done) override {
    record("user_trades " + user + " " + market + " " + std::to_string(limit) +
           before_text(before));
    post([done] { done(std::vector<TradeRecord>{}); });
  }
  void klines(std::string market, Interval interval, int64_t from_ms, int64_t to_ms,
              Callback<std::vector<Candle>> done) override {
    record("klines " + market + " " + interval_name(interval) + " " + std::to_string(from_ms) +
           " " + std::to_string(to_ms));
    post([done] { done(std::vector<Candle>{}); });
  }
  void ticker(std::string market, Callback<TickerStats> done) override {
    record("ticker " + market);
    auto own = ticker_of.find(market);
    post([done, r = own == ticker_of.end() ? ticker_result : own->second] { done(r); });
  }
  void deposit(std::string user, std::string asset, Decimal amount,
               Callback<Decimal> done) override {
    record("deposit " + user + " " + asset + " " + amount.to_string());
    post([done, r = deposit_result] { done(r); });
  }
  void balances(std::string user, Callback<std::vector<AssetBalance>> done) override {
    record("balances " + user);
    post([done, r = balances_result] { done(r); });
  }
  Result<bool> subscribe(uint64_t conn, const std::string& stream, FrameSink sink) override {
    auto at = stream.find('@');
    std::string market = stream.substr(at + 1);
    market = market.substr(0, market.find(':'));
    std::string kind = stream.substr(0, at);
    if (kind != "depth" && kind != "trade" && kind != "fills" && kind != "ticker" &&
        kind != "kline")
      return make_error(ErrorCode::invalid_field, "unknown stream '" + stream + "'");
    if (market != "TATA_INR" && market != "INFY_INR")
      return make_error(ErrorCode::unknown_market, "unknown market '" + market + "'");
    std::lock_guard<std::mutex> lock(mutex_);
    subs_[conn][stream] = std::move(sink);
    return true;
  }
  void unsubscribe(uint64_t conn, const std::string& stream) override {
    std::lock_guard<std::mutex> lock(mutex_);
    subs_[conn].erase(stream);
  }
  void unsubscribe_all(uint64_t conn) override {
    std::lock_guard<std::mutex> lock(mutex_);
    subs_.erase(conn);
  }

 private:
  void record(std::string call) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back(std::move(call));
  }
  void post(std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(fn));
    }
    cv_.notify_one();
  }
  void run() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return done_ || !queue_.empty(); });
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }

  std::vector<MarketSpec> markets_;
  std::vector<AssetSpec> assets_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::string> calls_;
  std::map<uint64_t, std::map<std::string, FrameSink>> subs_;
  bool done_ = false;
  std::thread worker_;
};

}  // namespace ex::test
