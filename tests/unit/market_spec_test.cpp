#define CAF_SUITE market_spec
#include <caf/test/unit_test.hpp>

#include "actors/market/clearing.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex;
using ex::testing::dec;
using ex::testing::tata_inr;

namespace {

OrderRequest limit_buy(const char* price, const char* qty) {
  OrderRequest r;
  r.price = dec(price);
  r.quantity = dec(qty);
  return r;
}

ErrorCode code_of(const Result<ValidOrder>& r) {
  return r.error().code;
}

}  // namespace

CAF_TEST(rules are checked exactly and never rounded) {
  auto m = tata_inr();
  CAF_REQUIRE(m.validate());
  CAF_CHECK_EQUAL(m.tick_lot_units(), 10000);
  auto v = validate_order(m, limit_buy("1000.97", "2.5"));
  CAF_REQUIRE(v);
  CAF_CHECK_EQUAL(v->ticks, 100097);
  CAF_CHECK_EQUAL(v->lots, 250);
  CAF_CHECK(code_of(validate_order(m, limit_buy("1000.975", "1"))) == ErrorCode::invalid_price);
  CAF_CHECK(code_of(validate_order(m, limit_buy("0", "1"))) == ErrorCode::invalid_price);
  CAF_CHECK(code_of(validate_order(m, limit_buy("-5", "1"))) == ErrorCode::invalid_price);
  CAF_CHECK(code_of(validate_order(m, limit_buy("10", "0.001"))) == ErrorCode::invalid_quantity);
  CAF_CHECK(code_of(validate_order(m, limit_buy("10", "0"))) == ErrorCode::invalid_quantity);
  CAF_CHECK(code_of(validate_order(m, limit_buy("0.01", "0.5"))) == ErrorCode::min_notional);
  CAF_CHECK(code_of(validate_order(m, limit_buy("92233720368", "1"))) == ErrorCode::invalid_price);
  CAF_CHECK(code_of(validate_order(m, limit_buy("1000000", "1000000"))) ==
            ErrorCode::invalid_quantity);
}

CAF_TEST(option combinations are checked) {
  auto m = tata_inr();
  auto r = limit_buy("10", "1");
  r.post_only = true;
  r.tif = book::TimeInForce::ioc;
  CAF_CHECK(code_of(validate_order(m, r)) == ErrorCode::invalid_field);
  OrderRequest q;
  q.is_market = true;
  q.side = book::Side::sell;
  q.quote_quantity = dec("100");
  CAF_CHECK(code_of(validate_order(m, q)) == ErrorCode::invalid_field);
  q.side = book::Side::buy;
  CAF_CHECK(validate_order(m, q));
  q.quantity = dec("1");
  CAF_CHECK(code_of(validate_order(m, q)) == ErrorCode::invalid_field);
}

CAF_TEST(holds follow the side and the order type) {
  auto m = tata_inr();
  MarketAssets a{0, 1};
  auto v = *validate_order(m, limit_buy("1000.97", "2.5"));
  auto h = hold_for(m, a, v, 7, dec("999999"));
  CAF_CHECK(h.side == HoldSide::buy);
  CAF_CHECK_EQUAL(h.amount.to_string(), "2502.425");
  CAF_CHECK_EQUAL(h.limit_price.to_string(), "1000.97");
  v.request.side = book::Side::sell;
  h = hold_for(m, a, v, 7, dec("999999"));
  CAF_CHECK_EQUAL(h.amount.to_string(), "2.5");
  OrderRequest mk;
  mk.is_market = true;
  mk.quantity = dec("3");
  auto mv = *validate_order(m, mk);
  h = hold_for(m, a, mv, 8, dec("1234.5"));
  CAF_CHECK_EQUAL(h.amount.to_string(), "1234.5");
  auto o = book_order(m, mv, 8, 3, h.amount);
  CAF_CHECK_EQUAL(o.quote_budget, 12345000);  // 1234.5 INR / 0.0001 INR per tick-lot
  CAF_CHECK(o.tif == book::TimeInForce::ioc);
}

CAF_TEST(order ids carry their market and round trip as text) {
  uint64_t id = make_order_id(123456789, 42);
  CAF_CHECK_EQUAL(market_of_order(id), 42);
  CAF_CHECK_EQUAL(parse_order_id(order_id_text(id)), id);
  CAF_CHECK_EQUAL(parse_order_id(""), 0u);
  CAF_CHECK_EQUAL(parse_order_id("ABC"), 0u);
  CAF_CHECK_EQUAL(parse_order_id("zzzzzzzzzzzzz"), 0u);
}

CAF_TEST(bad market rules are refused) {
  auto m = tata_inr();
  m.tick_size = dec("0.00001");
  m.step_size = dec("0.00001");
  CAF_CHECK(!m.validate());
  m = tata_inr();
  m.id = 0;
  CAF_CHECK(!m.validate());
}

CAF_TEST(a book level beyond the decimal range shows as the largest quantity) {
  // One order's quantity is in range by construction; many of them at one price need not
  // be (a cent's bids for all of an asset's supply, ten times over).
  auto m = tata_inr();
  const book::Lots one_order = *m.to_lots(dec("10000000000"));  // the largest order
  CAF_CHECK_EQUAL(m.qty_of(one_order).to_string(), "10000000000");
  CAF_CHECK_EQUAL(m.qty_of(10 * one_order).to_string(), Decimal::from_units(INT64_MAX).to_string());
}
