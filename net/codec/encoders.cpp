#include "net/codec/encoders.hpp"

#include "net/codec/json_writer.hpp"

namespace ex {
namespace {

using json::Writer;

void write_levels(Writer& w, const std::vector<PriceLevel>& levels) {
  w.begin_array();
  for (const auto& l : levels) w.begin_array().dec_str(l.price).dec_str(l.qty).end_array();
  w.end_array();
}

void write_cancel(Writer& w, const CancelReply& r) {
  w.begin_object()
      .key("orderId").str(order_id_text(r.order_id))
      .key("executedQty").dec_num(r.executed)
      .key("remainingQty").dec_num(r.remaining)
      .end_object();
}

void write_order(Writer& w, const OrderInfo& o) {
  w.begin_object()
      .key("orderId").str(order_id_text(o.order_id))
      .key("clientOrderId").str_or_null(o.client_order_id)
      .key("market").str(o.market)
      .key("userId").str(o.user_id)
      .key("side").str(wire_side(o.side))
      .key("type").str(wire_kind(o.kind))
      .key("timeInForce").str(wire_tif(o.tif))
      .key("postOnly").boolean(o.post_only)
      .key("orderType").str(wire_product(o.product))
      .key("price");
  if (o.kind == OrderKind::market) w.null();
  else w.dec_str(o.price);
  w.key("quantity").dec_str(o.quantity)
      .key("executedQty").dec_str(o.executed)
      .key("remainingQty").dec_str(o.remaining())
      .key("status").str(wire_status(o.status))
      .key("time").i64(o.time_ms)
      .end_object();
}

// Money as numbers (REST, Part 1) or strings (stream events).
template <bool AsNumbers>
void write_ticker_fields(Writer& w, const TickerStats& t) {
  auto money = [&](const char* k, Decimal d) {
    w.key(k);
    if (AsNumbers) w.dec_num(d);
    else w.dec_str(d);
  };
  w.key("startTime").iso_time(t.start_ms);
  money("firstPrice", t.first_price);
  money("high", t.high);
  money("low", t.low);
  money("lastPrice", t.last_price);
  money("volume", t.volume);
  money("priceChange", t.price_change);
  money("priceChangePercent", t.price_change_percent);
}

}  // namespace

// clang-format off
const char* wire_side(Side s) { return s == Side::buy ? "buy" : "sell"; }

const char* wire_status(OrderStatus s) {
  switch (s) {
    case OrderStatus::new_: return "NEW";
    case OrderStatus::partially_filled: return "PARTIALLY_FILLED";
    case OrderStatus::filled: return "FILLED";
    case OrderStatus::canceled: return "CANCELED";
    case OrderStatus::expired: return "EXPIRED";
    case OrderStatus::rejected: return "REJECTED";
  }
  return "REJECTED";
}

const char* wire_tif(TimeInForce t) {
  switch (t) {
    case TimeInForce::gtc: return "GTC";
    case TimeInForce::ioc: return "IOC";
    case TimeInForce::fok: return "FOK";
  }
  return "GTC";
}

const char* wire_kind(OrderKind k) { return k == OrderKind::market ? "market" : "limit"; }
const char* wire_product(Product p) { return p == Product::delivery ? "delivery" : "intraday"; }
// clang-format on

std::string encode_error(const Error& error) { return encode_error(code_name(error.code), error.message); }

std::string encode_error(std::string_view code, std::string_view message) {
  Writer w(64 + message.size());
  w.begin_object().key("code").str(code).key("message").str(message).end_object();
  return w.take();
}

std::string encode_place_reply(const PlaceReply& r) {
  Writer w(160 + r.fills.size() * 150);
  w.begin_object()
      .key("orderId").str(order_id_text(r.order.order_id))
      .key("executedQty").dec_num(r.order.executed)
      .key("fills").begin_array();
  for (const auto& f : r.fills) {
    w.begin_object()
        .key("price").dec_str(f.price)
        .key("qty").dec_num(f.qty)
        .key("tradeId").u64(f.trade_id)
        .key("otherUserId").str(f.other_user_id)
        .key("markerOrderId").str(order_id_text(f.maker_order_id))
        .key("isBuyerMaker").boolean(f.is_buyer_maker)
        .end_object();
  }
  w.end_array()
      .key("status").str(wire_status(r.order.status))
      .key("remainingQty").dec_num(r.order.remaining())
      .key("clientOrderId").str_or_null(r.order.client_order_id)
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
  for (const auto& r : replies) write_cancel(w, r);
  w.end_array();
  return w.take();
}

std::string encode_open_orders(const std::vector<OrderInfo>& orders) {
  Writer w(16 + orders.size() * 200);
  w.begin_array();
  for (const auto& o : orders) {
    w.begin_object()
        .key("price").dec_num(o.price)
        .key("quantity").dec_num(o.quantity)
        .key("orderId").str(order_id_text(o.order_id))
        .key("filled").dec_num(o.executed)
        .key("side").str(wire_side(o.side))
        .key("userId").str(o.user_id)
        .key("market").str(o.market)
        .key("clientOrderId").str_or_null(o.client_order_id)
        .key("status").str(wire_status(o.status))
        .key("time").i64(o.time_ms)
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
  for (const auto& o : orders) write_order(w, o);
  w.end_array();
  return w.take();
}

std::string encode_depth(const DepthSnapshot& d) {
  Writer w(64 + (d.bids.size() + d.asks.size()) * 32);
  w.begin_object().key("bids");
  write_levels(w, d.bids);
  w.key("asks");
  write_levels(w, d.asks);
  w.key("lastUpdateId").u64(d.last_update_id).end_object();
  return w.take();
}

std::string encode_klines(const std::vector<Candle>& candles) {
  Writer w(16 + candles.size() * 140);
  w.begin_array();
  for (const auto& c : candles) {
    w.begin_object()
        .key("close").dec_num(c.close)
        .key("end").iso_time(c.start_ms)
        .key("high").dec_num(c.high)
        .key("low").dec_num(c.low)
        .key("open").dec_num(c.open)
        .key("volume").dec_num(c.volume)
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
    w.begin_object().key("symbol").str(symbol);
    write_ticker_fields<true>(w, stats);
    w.end_object();
  }
  w.end_array();
  return w.take();
}

std::string encode_deposit_reply(std::string_view user_id, Decimal available) {
  Writer w(64);
  w.begin_object().key("userId").str(user_id).key("amount").dec_num(available).end_object();
  return w.take();
}

std::string encode_markets(const std::vector<MarketSpec>& markets) {
  Writer w(16 + markets.size() * 200);
  w.begin_array();
  for (const auto& m : markets) {
    // One basis point is 0.0001, i.e. 10^4 Decimal units.
    Decimal band = Decimal::from_units(m.band_bps * (Decimal::kScale / 10000));
    w.begin_object()
        .key("symbol").str(m.symbol)
        .key("baseAsset").str(m.base)
        .key("quoteAsset").str(m.quote)
        .key("tickSize").dec_str(m.tick_size)
        .key("stepSize").dec_str(m.step_size)
        .key("minQty").dec_str(m.min_qty)
        .key("minNotional").dec_str(m.min_notional)
        .key("priceBand").dec_str(band)
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
        .key("available").dec_str(b.available)
        .key("locked").dec_str(b.locked)
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
        .key("id").u64(t.trade_id)
        .key("price").dec_str(t.price)
        .key("qty").dec_str(t.qty)
        .key("time").i64(t.time_ms)
        .key("isBuyerMaker").boolean(t.buyer_maker)
        .end_object();
  }
  w.end_array();
  return w.take();
}

std::string encode_depth_event(const std::string& market, const std::vector<PriceLevel>& bids,
                               const std::vector<PriceLevel>& asks, uint64_t first_id,
                               uint64_t last_id) {
  Writer w(80 + (bids.size() + asks.size()) * 32);
  w.begin_object()
      .key("e").str("depth")
      .key("s").str(market)
      .key("U").u64(first_id)
      .key("u").u64(last_id)
      .key("a");
  write_levels(w, asks);
  w.key("b");
  write_levels(w, bids);
  w.end_object();
  return w.take();
}

std::string encode_trade_event(const TradeRecord& t) {
  Writer w(128);
  w.begin_object()
      .key("e").str("trade")
      .key("s").str(t.market)
      .key("t").u64(t.trade_id)
      .key("p").dec_str(t.price)
      .key("q").dec_str(t.qty)
      .key("m").boolean(t.buyer_maker)
      .key("T").i64(t.time_ms)
      .end_object();
  return w.take();
}

std::string encode_fills_event(const std::string& market, uint64_t order_id, Decimal price,
                               Decimal qty, uint64_t trade_id, const std::string& user_id) {
  Writer w(144);
  w.begin_object()
      .key("e").str("fills")
      .key("s").str(market)
      .key("orderId").str(order_id_text(order_id))
      .key("price").dec_str(price)
      .key("quantity").dec_str(qty)
      .key("tradeId").u64(trade_id)
      .key("userId").str(user_id)
      .end_object();
  return w.take();
}

std::string encode_kline_event(const std::string& market, Interval interval, const Candle& c) {
  Writer w(200);
  w.begin_object()
      .key("e").str("kline")
      .key("s").str(market)
      .key("i").str(interval_name(interval))
      .key("timestamp").iso_time(c.start_ms)
      .key("open").dec_str(c.open)
      .key("high").dec_str(c.high)
      .key("low").dec_str(c.low)
      .key("close").dec_str(c.close)
      .key("volume").dec_str(c.volume)
      .end_object();
  return w.take();
}

std::string encode_ticker_event(const std::string& market, const TickerStats& stats) {
  Writer w(260);
  w.begin_object().key("e").str("ticker").key("s").str(market);
  write_ticker_fields<false>(w, stats);
  w.end_object();
  return w.take();
}

}  // namespace ex
