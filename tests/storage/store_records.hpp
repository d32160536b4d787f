// Records the storage tests write, with every field set to something checkable, and the
// helpers the suites share.
#pragma once

#include <caf/test/unit_test.hpp>
#include <string>

#include "storage/store.hpp"
#include "tests/storage/store_backend.hpp"
#include "tests/support/fixtures.hpp"

namespace ex::testing {

// Fails the current test with the error's message instead of an opaque "ok() is false".
template <class T>
T must(Result<T> r) {
  if (!r) CAF_FAIL("unexpected error " << code_name(r.error().code) << ": " << r.error().message);
  return std::move(*r);
}

inline TradeRecord trade(const std::string& market, uint64_t id, int64_t time_ms = 0) {
  TradeRecord t;
  t.market = market;
  t.trade_id = id;
  t.price = Decimal::from_units(100'00000000 + static_cast<int64_t>(id));
  t.qty = dec("0.5");
  t.buy_order_id = 2 * id;
  t.sell_order_id = 2 * id + 1;
  t.buyer = "alice";
  t.seller = "bob";
  t.buyer_maker = id % 2 == 0;
  t.time_ms = time_ms != 0 ? time_ms : 1'700'000'000'000 + static_cast<int64_t>(id);
  return t;
}

inline OrderInfo order(uint64_t id, const std::string& user, const std::string& market,
                       int64_t time_ms, int64_t update_ms, OrderStatus status = OrderStatus::new_) {
  OrderInfo o;
  o.order_id = id;
  o.market = market;
  o.user_id = user;
  o.price = dec("101.25");
  o.quantity = dec("2");
  o.status = status;
  o.time_ms = time_ms;
  o.update_ms = update_ms;
  return o;
}

inline DepositRecord deposit(uint64_t id, const std::string& user, int64_t time_ms) {
  return DepositRecord{id, user, "USDT", dec("1000.00000001"), time_ms};
}

inline CandleRecord candle(const std::string& market, Interval interval, int64_t start_ms,
                           const char* close = "100") {
  Candle c{start_ms, dec("99"), dec("101"), dec("98.5"), dec(close), dec("12.34567891"), 7};
  return CandleRecord{market, interval, c};
}

}  // namespace ex::testing
