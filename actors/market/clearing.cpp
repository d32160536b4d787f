#include "actors/market/clearing.hpp"

namespace ex {

Result<ValidOrder> validate_order(const MarketSpec& spec, const OrderRequest& r) {
  ValidOrder v{r, 0, 0};
  if (r.post_only && (r.is_market || r.tif != book::TimeInForce::gtc))
    return make_error(ErrorCode::invalid_field, "postOnly needs a GTC limit order");
  if (!r.is_market) {
    auto ticks = spec.to_ticks(r.price);
    if (!ticks) return ticks.error();
    v.ticks = *ticks;
  }
  const bool by_quote = r.is_market && r.quantity.is_zero() && !r.quote_quantity.is_zero();
  if (by_quote) {
    if (r.side != book::Side::buy)
      return make_error(ErrorCode::invalid_field, "quoteQuantity is only for market buys");
    if (r.tif == book::TimeInForce::fok)
      return make_error(ErrorCode::invalid_field, "FOK needs a quantity, not quoteQuantity");
    if (!r.quote_quantity.is_positive() || spec.tick_lots_in(r.quote_quantity) == 0)
      return make_error(ErrorCode::invalid_quantity, "quoteQuantity is too small");
    if (r.quote_quantity < spec.min_notional)
      return make_error(ErrorCode::min_notional,
                        "order value is below the minimum " + spec.min_notional.to_string());
    return v;
  }
  if (!r.quote_quantity.is_zero())
    return make_error(ErrorCode::invalid_field, "give quantity or quoteQuantity, not both");
  auto lots = spec.to_lots(r.quantity);
  if (!lots) return lots.error();
  v.lots = *lots;
  if (!r.is_market) {
    auto value = spec.notional(r.price, r.quantity);
    if (!value) return value.error();
    if (*value < spec.min_notional)
      return make_error(ErrorCode::min_notional,
                        "order value is below the minimum " + spec.min_notional.to_string());
  }
  return v;
}

HoldRequest hold_for(const MarketSpec& spec, MarketAssets assets, const ValidOrder& v,
                     uint64_t order_id, Decimal available_quote) {
  HoldRequest h;
  h.order_id = order_id;
  h.base = assets.base;
  h.quote = assets.quote;
  if (v.request.side == book::Side::sell) {
    h.side = HoldSide::sell;
    h.amount = v.request.quantity;
    return h;
  }
  h.side = HoldSide::buy;
  if (!v.request.is_market) {
    h.amount = spec.amount_of(v.ticks * v.lots);  // validated: fits and is exact
    h.limit_price = v.request.price;
  } else if (v.lots == 0) {
    h.amount = v.request.quote_quantity;
  } else {
    h.amount = available_quote;
  }
  return h;
}

book::NewOrder book_order(const MarketSpec& spec, const ValidOrder& v, uint64_t order_id,
                          book::UserId user, Decimal held) {
  book::NewOrder o;
  o.id = order_id;
  o.user = user;
  o.side = v.request.side;
  o.is_market = v.request.is_market;
  o.price = v.ticks;
  o.qty = v.lots;
  o.tif = v.request.is_market && v.request.tif == book::TimeInForce::gtc ? book::TimeInForce::ioc
                                                                         : v.request.tif;
  o.post_only = v.request.post_only;
  if (o.is_market && o.side == book::Side::buy) o.quote_budget = spec.tick_lots_in(held);
  return o;
}

void settlements_of(const MarketSpec& spec, const std::vector<book::Event>& events,
                    std::vector<Settlement>& out) {
  for (const book::Event& e : events) {
    if (e.type == book::EventType::trade) {
      Decimal price = spec.price_of(e.price);
      Decimal qty = spec.qty_of(e.qty);
      out.push_back(Settlement{Settlement::fill, e.user, e.order, price, qty});
      out.push_back(Settlement{Settlement::fill, e.maker_user, e.maker, price, qty});
    } else if (e.type == book::EventType::done) {
      out.push_back(Settlement{Settlement::close, e.user, e.order, {}, {}});
    }
  }
}

Result<bool> apply_settlement(Ledger& ledger, AccountId account, const Settlement& s) {
  if (s.kind == Settlement::fill) return ledger.fill(account, s.order_id, s.price, s.qty);
  auto released = ledger.close(account, s.order_id);
  if (!released) return released.error();
  return true;
}

void prefetch_accounts(const Ledger& ledger, const std::vector<Settlement>& settlements) {
  for (const Settlement& s : settlements)
    ledger.prefetch(s.user, s.order_id);
}

}  // namespace ex
