#include "net/codec/encoders.hpp"

#include "net/codec/json_writer.hpp"

namespace ex {
namespace {

using json::Writer;

void write_levels(Writer& w, const std::vector<PriceLevel>& levels) {
  w.begin_array();
  for (const auto& l : levels)
    w.begin_array().dec_str(l.price).dec_str(l.qty).end_array();
  w.end_array();
}

void write_cancel(Writer& w, const CancelReply& r) {
  w.begin_object()
      .str("orderId", order_id_text(r.order_id))
      .dec_num("executedQty", r.executed)
      .dec_num("remainingQty", r.remaining)
      .str("status", name_of(OrderStatus::canceled))
      .str_or_null("clientOrderId", r.client_order_id)
      .end_object();
}

void write_order(Writer& w, const OrderInfo& o) {
  w.begin_object()
      .str("orderId", order_id_text(o.order_id))
      .str_or_null("clientOrderId", o.client_order_id)
      .str("market", o.market)
      .str("userId", o.user_id)
      .str("side", name_of(o.side))
      .str("type", name_of(o.kind))
      .str("timeInForce", name_of(o.tif))
      .boolean("postOnly", o.post_only)
      .str("orderType", name_of(o.product))
      .key("price");
  if (o.kind == OrderKind::market)
    w.null();
  else
    w.dec_str(o.price);
  w.dec_str("quantity", o.quantity).key("quoteQuantity");
  if (o.quote_quantity.is_zero())
    w.null();
  else
    w.dec_str(o.quote_quantity);
  w.dec_str("executedQty", o.executed)
      .dec_str("executedQuoteQty", o.executed_quote)
      .dec_str("remainingQty", o.remaining())
      .str("status", name_of(o.status))
      .i64("time", o.time_ms)
      .end_object();
}

// Money as numbers (REST, Part 1) or strings (stream events).
template <bool AsNumbers>
void write_ticker_fields(Writer& w, const TickerStats& t) {
  auto money = [&](const char* k, Decimal d) {
    w.key(k);
    if (AsNumbers)
      w.dec_num(d);
    else
      w.dec_str(d);
  };
  w.iso_time("startTime", t.start_ms);
  money("firstPrice", t.first_price);
  money("high", t.high);
  money("low", t.low);
  money("lastPrice", t.last_price);
  money("volume", t.volume);
  money("priceChange", t.price_change);
  money("priceChangePercent", t.price_change_percent);
}

}  // namespace

std::string encode_error(const Error& error) {
  return encode_error(code_name(error.code), error.message);
}

std::string encode_error(std::string_view code, std::string_view message) {
  Writer w(64 + message.size());
  w.begin_object().str("code", code).str("message", message).end_object();
  return w.take();
}

std::string encode_place_reply(const PlaceReply& r) {
  Writer w(160 + r.fills.size() * 150);
  w.begin_object()
      .str("orderId", order_id_text(r.order.order_id))
      .dec_num("executedQty", r.order.executed)
      .begin_array("fills");
  for (const auto& f : r.fills) {
    w.begin_object()
        .dec_str("price", f.price)
        .dec_num("qty", f.qty)
        .u64("tradeId", f.trade_id)
        .str("otherUserId", f.other_user_id)
        .str("markerOrderId", order_id_text(f.maker_order_id))
        .boolean("isBuyerMaker", f.is_buyer_maker)
        .end_object();
  }
  w.end_array()
      .str("status", name_of(r.order.status))
      .dec_num("remainingQty", r.order.remaining())
      .str_or_null("clientOrderId", r.order.client_order_id)
      .end_object();
  return w.take();
}

std::string encode_cancel_reply(const CancelReply& r) {
  Writer w(96);
  write_cancel(w, r);
  return w.take();
}

std::string encode_cancel_all_reply(const std::vector<CancelReply>& replies) {
  Writer w(16 + replies.size() * 80);
  w.begin_array();
  for (const auto& r : replies)
    write_cancel(w, r);
  w.end_array();
  return w.take();
}

std::string encode_open_orders(const std::vector<OrderInfo>& orders) {
  Writer w(16 + orders.size() * 200);
  w.begin_array();
  for (const auto& o : orders) {
    w.begin_object()
        .dec_num("price", o.price)
        .dec_num("quantity", o.quantity)
        .str("orderId", order_id_text(o.order_id))
        .dec_num("filled", o.executed)
        .dec_num("remainingQty", o.remaining())
        .str("side", name_of(o.side))
        .str("userId", o.user_id)
        .str("market", o.market)
        .str_or_null("clientOrderId", o.client_order_id)
        .str("orderType", name_of(o.product))
        .str("status", name_of(o.status))
        .i64("time", o.time_ms)
        .end_object();
  }
  w.end_array();
  return w.take();
}

std::string encode_order(const OrderInfo& order) {
  Writer w(320);
  write_order(w, order);
  return w.take();
}

std::string encode_orders(const std::vector<OrderInfo>& orders) {
  Writer w(16 + orders.size() * 320);
  w.begin_array();
  for (const auto& o : orders)
    write_order(w, o);
  w.end_array();
  return w.take();
}

std::string encode_depth(const DepthSnapshot& d) {
  Writer w(64 + (d.bids.size() + d.asks.size()) * 32);
  w.begin_object().key("bids");
  write_levels(w, d.bids);
  w.key("asks");
  write_levels(w, d.asks);
  w.u64("lastUpdateId", d.last_update_id).end_object();
  return w.take();
}

std::string encode_klines(const std::vector<Candle>& candles) {
  Writer w(16 + candles.size() * 140);
  w.begin_array();
  for (const auto& c : candles) {
    w.begin_object()
        .dec_num("close", c.close)
        .iso_time("end", c.start_ms)
        .dec_num("high", c.high)
        .dec_num("low", c.low)
        .dec_num("open", c.open)
        .dec_num("volume", c.volume)
        .end_object();
  }
  w.end_array();
  return w.take();
}

std::string encode_ticker(const TickerStats& stats) {
  Writer w(240);
  w.begin_object();
  write_ticker_fields<true>(w, stats);
  w.end_object();
  return w.take();
}

std::string encode_tickers(const std::vector<std::pair<std::string, TickerStats>>& tickers) {
  Writer w(16 + tickers.size() * 260);
  w.begin_array();
  for (const auto& [symbol, stats] : tickers) {
    w.begin_object().str("symbol", symbol);
    write_ticker_fields<true>(w, stats);
    w.end_object();
  }
  w.end_array();
  return w.take();
}

std::string encode_deposit_reply(std::string_view user_id, Decimal available) {
  Writer w(64);
  w.begin_object().str("userId", user_id).dec_num("amount", available).end_object();
  return w.take();
}

std::string encode_markets(const std::vector<MarketSpec>& markets,
                           const std::vector<AssetSpec>& assets) {
  // Configuration checks that every market names two configured assets.
  auto decimals = [&assets](const std::string& asset) -> int64_t {
    const AssetSpec* a = find_asset(assets, asset);
    return a ? a->decimals : 0;
  };
  Writer w(16 + markets.size() * 250);
  w.begin_array();
  for (const auto& m : markets) {
    // One basis point is 0.0001, i.e. 10^4 Decimal units.
    Decimal band = Decimal::from_units(m.band_bps * (Decimal::kScale / 10000));
    w.begin_object()
        .str("symbol", m.symbol)
        .str("baseAsset", m.base)
        .str("quoteAsset", m.quote)
        .dec_str("tickSize", m.tick_size)
        .dec_str("stepSize", m.step_size)
        .dec_str("minQty", m.min_qty)
        .dec_str("minNotional", m.min_notional)
        .dec_str("priceBand", band)
        .i64("baseAssetPrecision", decimals(m.base))
        .i64("quoteAssetPrecision", decimals(m.quote))
        .end_object();
  }
  w.end_array();
  return w.take();
}

std::string encode_balances(const std::vector<AssetBalance>& balances) {
  Writer w(16 + balances.size() * 80);
  w.begin_object();
  for (const auto& b : balances) {
    w.key(b.asset)  // asset names come from configuration: letters and digits
        .begin_object()
        .dec_str("available", b.available)
        .dec_str("locked", b.locked)
        .end_object();
  }
  w.end_object();
  return w.take();
}

std::string encode_trades(const std::vector<TradeRecord>& trades) {
  Writer w(16 + trades.size() * 100);
  w.begin_array();
  for (const auto& t : trades) {
    w.begin_object()
        .u64("id", t.trade_id)
        .dec_str("price", t.price)
        .dec_str("qty", t.qty)
        .i64("time", t.time_ms)
        .boolean("isBuyerMaker", t.buyer_maker)
        .end_object();
  }
  w.end_array();
  return w.take();
}

std::string encode_user_trades(const std::vector<TradeRecord>& trades, const std::string& user) {
  Writer w(16 + trades.size() * 200);
  w.begin_array();
  for (const auto& t : trades) {
    const bool bought = t.buyer == user;
    w.begin_object()
        .str("market", t.market)
        .u64("tradeId", t.trade_id)
        .str("orderId", order_id_text(bought ? t.buy_order_id : t.sell_order_id))
        .str("side", name_of(bought ? Side::buy : Side::sell))
        .dec_str("price", t.price)
        .dec_str("qty", t.qty)
        .dec_str("quoteQty", Decimal::mul(t.price, t.qty).value_or(Decimal{}))
        .boolean("isMaker", bought == t.buyer_maker)
        .i64("time", t.time_ms)
        .end_object();
  }
  w.end_array();
  return w.take();
}

std::string encode_depth_event(const std::string& market, const std::vector<PriceLevel>& bids,
                               const std::vector<PriceLevel>& asks, uint64_t first_id,
                               uint64_t last_id) {
  Writer w(80 + (bids.size() + asks.size()) * 32);
  w.begin_object().str("e", "depth").str("s", market).u64("U", first_id).u64("u", last_id).key("a");
  write_levels(w, asks);
  w.key("b");
  write_levels(w, bids);
  w.end_object();
  return w.take();
}

std::string encode_trade_event(const TradeRecord& t) {
  Writer w(128);
  w.begin_object()
      .str("e", "trade")
      .str("s", t.market)
      .u64("t", t.trade_id)
      .dec_str("p", t.price)
      .dec_str("q", t.qty)
      .boolean("m", t.buyer_maker)
      .i64("T", t.time_ms)
      .end_object();
  return w.take();
}

std::string encode_fills_event(const std::string& market, uint64_t order_id, Decimal price,
                               Decimal qty, uint64_t trade_id, const std::string& user_id) {
  Writer w(144);
  w.begin_object()
      .str("e", "fills")
      .str("s", market)
      .str("orderId", order_id_text(order_id))
      .dec_str("price", price)
      .dec_str("quantity", qty)
      .u64("tradeId", trade_id)
      .str("userId", user_id)
      .end_object();
  return w.take();
}

std::string encode_kline_event(const std::string& market, Interval interval, const Candle& c) {
  Writer w(200);
  w.begin_object()
      .str("e", "kline")
      .str("s", market)
      .str("i", interval_name(interval))
      .iso_time("timestamp", c.start_ms)
      .dec_str("open", c.open)
      .dec_str("high", c.high)
      .dec_str("low", c.low)
      .dec_str("close", c.close)
      .dec_str("volume", c.volume)
      .end_object();
  return w.take();
}

std::string encode_ticker_event(const std::string& market, const TickerStats& stats) {
  Writer w(260);
  w.begin_object().str("e", "ticker").str("s", market);
  write_ticker_fields<false>(w, stats);
  w.end_object();
  return w.take();
}

}  // namespace ex
