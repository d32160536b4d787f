#include "actors/writer/pending_batch.hpp"

#include <algorithm>
#include <utility>

namespace ex {

void PendingBatch::add_order(const OrderInfo& o) {
  auto [it, fresh] = order_slot_.emplace(o.order_id, batch_.orders.size());
  if (fresh)
    batch_.orders.push_back(o);
  else
    batch_.orders[it->second] = o;  // a later state of the same order
}

void PendingBatch::add_candle(CandleRecord c) {
  auto key = std::make_tuple(c.market, c.interval, c.candle.start_ms);
  auto [it, fresh] = candle_slot_.emplace(std::move(key), batch_.candles.size());
  if (fresh)
    batch_.candles.push_back(std::move(c));
  else
    batch_.candles[it->second] = std::move(c);
}

void PendingBatch::advance(const std::string& stream, uint64_t seq) {
  if (seq == 0) return;
  auto [it, fresh] = position_slot_.emplace(stream, batch_.positions.size());
  if (fresh)
    batch_.positions.push_back(StreamPosition{stream, seq});
  else
    batch_.positions[it->second].seq = std::max(batch_.positions[it->second].seq, seq);
}

void PendingBatch::put_back(WriteBatch&& older) {
  WriteBatch newer = take();
  add_all(std::move(older));
  add_all(std::move(newer));
}

WriteBatch PendingBatch::take() {
  WriteBatch out = std::move(batch_);
  batch_.clear();  // a moved-from vector is valid but unspecified
  order_slot_.clear();
  candle_slot_.clear();
  position_slot_.clear();
  return out;
}

void PendingBatch::add_all(WriteBatch&& b) {
  for (TradeRecord& t : b.trades)
    batch_.trades.push_back(std::move(t));
  for (const OrderInfo& o : b.orders)
    add_order(o);
  for (DepositRecord& d : b.deposits)
    batch_.deposits.push_back(std::move(d));
  for (CandleRecord& c : b.candles)
    add_candle(std::move(c));
  for (const StreamPosition& p : b.positions)
    advance(p.stream, p.seq);
}

}  // namespace ex
