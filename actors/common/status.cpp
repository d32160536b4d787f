#include "actors/common/status.hpp"

namespace ex {

const char* code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_json:
      return "INVALID_JSON";
    case ErrorCode::missing_field:
      return "MISSING_FIELD";
    case ErrorCode::invalid_field:
      return "INVALID_FIELD";
    case ErrorCode::invalid_price:
      return "INVALID_PRICE";
    case ErrorCode::invalid_quantity:
      return "INVALID_QUANTITY";
    case ErrorCode::body_too_large:
      return "BODY_TOO_LARGE";
    case ErrorCode::unknown_market:
      return "UNKNOWN_MARKET";
    case ErrorCode::unknown_order:
      return "UNKNOWN_ORDER";
    case ErrorCode::unknown_user:
      return "UNKNOWN_USER";
    case ErrorCode::not_found:
      return "NOT_FOUND";
    case ErrorCode::duplicate_client_order_id:
      return "DUPLICATE_CLIENT_ORDER_ID";
    case ErrorCode::insufficient_funds:
      return "INSUFFICIENT_FUNDS";
    case ErrorCode::post_only_would_cross:
      return "POST_ONLY_WOULD_CROSS";
    case ErrorCode::min_notional:
      return "MIN_NOTIONAL";
    case ErrorCode::too_many_orders:
      return "TOO_MANY_ORDERS";
    case ErrorCode::too_many_users:
      return "TOO_MANY_USERS";
    case ErrorCode::rate_limited:
      return "RATE_LIMITED";
    case ErrorCode::unavailable:
      return "UNAVAILABLE";
    case ErrorCode::internal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_json:
    case ErrorCode::missing_field:
    case ErrorCode::invalid_field:
    case ErrorCode::invalid_price:
    case ErrorCode::invalid_quantity:
      return 400;
    case ErrorCode::body_too_large:
      return 413;
    case ErrorCode::unknown_market:
    case ErrorCode::unknown_order:
    case ErrorCode::unknown_user:
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::duplicate_client_order_id:
      return 409;
    case ErrorCode::insufficient_funds:
    case ErrorCode::post_only_would_cross:
    case ErrorCode::min_notional:
    case ErrorCode::too_many_orders:
    case ErrorCode::too_many_users:
      return 422;
    case ErrorCode::rate_limited:
      return 429;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::internal:
      return 500;
  }
  return 500;
}

}  // namespace ex
