// Market updates as a market would send them, for the bus tests: one trade (id `n`), the
// two orders it filled, changed depth levels, every interval's candle and the ticker.
#pragma once

#include <string>

#include "actors/common/messages.hpp"
#include "tests/support/fixtures.hpp"

namespace ex::testing {

inline MarketUpdate sample_update(const std::string& market, uint64_t n) {
  MarketUpdate up;
  up.market = market;
  up.seq = n;
  up.time_ms = 1700000000000 + static_cast<int64_t>(n);
  up.depth_update_id = n;
  Decimal price = Decimal::from_units(Decimal::parse("100")->units() + static_cast<int64_t>(n));
  up.bids.push_back({price, dec("1.5")});
  up.asks.push_back({Decimal::from_units(price.units() + dec("0.01").units()), dec("0")});
  TradeRecord t;
  t.market = market;
  t.trade_id = n;
  t.price = price;
  t.qty = dec("0.5");
  t.buy_order_id = (n * 2) << 12 | 1;
  t.sell_order_id = (n * 2 + 1) << 12 | 1;
  t.buyer = "1";
  t.seller = "2";
  t.buyer_maker = n % 2 == 0;
  t.time_ms = up.time_ms;
  up.trades.push_back(t);
  for (uint64_t id : {t.buy_order_id, t.sell_order_id}) {
    OrderInfo o;
    o.order_id = id;
    o.market = market;
    o.user_id = id == t.buy_order_id ? "1" : "2";
    o.side = id == t.buy_order_id ? Side::buy : Side::sell;
    o.price = price;
    o.quantity = dec("0.5");
    o.executed = dec("0.5");
    o.executed_quote = Decimal::from_units(price.units() / 2);
    o.status = OrderStatus::filled;
    o.time_ms = o.update_ms = up.time_ms;
    up.orders.push_back(o);
  }
  for (size_t i = 0; i < kIntervalCount; ++i) {
    Candle c;
    c.start_ms = bucket_start(static_cast<Interval>(i), up.time_ms);
    c.open = c.high = c.low = c.close = price;
    c.volume = dec("0.5");
    c.trades = 1;
    up.candles.push_back(c);
  }
  TickerStats s;
  s.start_ms = up.time_ms - 1000;
  s.first_price = s.high = s.low = s.last_price = price;
  s.volume = dec("0.5");
  s.trades = static_cast<int64_t>(n);
  up.ticker.push_back(s);
  return up;
}

}  // namespace ex::testing
