// The rows waiting for the writer's next transaction, coalesced: an order or a candle is
// there once, in its latest state, and a stream's journal position once, at its highest
// seq. Trades and deposits are kept in arrival order. Pure: no actors, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>

#include "storage/store.hpp"

namespace ex {

class PendingBatch {
 public:
  void add_trade(const TradeRecord& t) { batch_.trades.push_back(t); }
  void add_order(const OrderInfo& o);
  void add_candle(CandleRecord c);
  void add_deposit(const DepositRecord& d) { batch_.deposits.push_back(d); }
  // The rows reach `seq` of `stream`'s journal (0: not journaled, ignored).
  void advance(const std::string& stream, uint64_t seq);

  // Rows a failed write gives back. They are older than everything added since, so what
  // was added since wins where both have the same order, candle or stream.
  void put_back(WriteBatch&& older);

  // Everything pending, for one write; leaves the batch empty.
  WriteBatch take();

  size_t rows() const {
    return batch_.trades.size() + batch_.orders.size() + batch_.deposits.size() +
           batch_.candles.size();
  }
  bool empty() const { return batch_.empty(); }

 private:
  void add_all(WriteBatch&& b);

  WriteBatch batch_;
  std::unordered_map<uint64_t, size_t> order_slot_;  // order_id -> index in batch_.orders
  std::map<std::tuple<std::string, Interval, int64_t>, size_t> candle_slot_;
  std::unordered_map<std::string, size_t> position_slot_;
};

}  // namespace ex
