#include "actors/common/domain.hpp"

namespace ex {

const char* side_name(Side s) { return s == Side::buy ? "buy" : "sell"; }

const char* status_name(OrderStatus s) {
  switch (s) {
    case OrderStatus::new_: return "NEW";
    case OrderStatus::partially_filled: return "PARTIALLY_FILLED";
    case OrderStatus::filled: return "FILLED";
    case OrderStatus::canceled: return "CANCELED";
    case OrderStatus::expired: return "EXPIRED";
    case OrderStatus::rejected: return "REJECTED";
  }
  return "NEW";
}

const char* tif_name(TimeInForce t) {
  switch (t) {
    case TimeInForce::gtc: return "GTC";
    case TimeInForce::ioc: return "IOC";
    case TimeInForce::fok: return "FOK";
  }
  return "GTC";
}

const char* kind_name(OrderKind k) { return k == OrderKind::limit ? "limit" : "market"; }
const char* product_name(Product p) { return p == Product::intraday ? "intraday" : "delivery"; }

}  // namespace ex
