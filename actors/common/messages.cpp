#include "actors/common/messages.hpp"

namespace ex {

caf::error to_caf_error(ErrorCode code, std::string message) {
  return caf::error(static_cast<uint8_t>(code), kErrorCategory,
                    caf::make_message(std::move(message)));
}

caf::error to_caf_error(const Error& e) {
  return to_caf_error(e.code, e.message);
}

Error from_caf_error(const caf::error& e) {
  if (e.category() == kErrorCategory) {
    std::string message;
    if (e.context().match_elements<std::string>()) message = e.context().get_as<std::string>(0);
    return Error{static_cast<ErrorCode>(e.code()), message};
  }
  if (e == caf::sec::request_timeout) return no_answer_in_time();
  return Error{ErrorCode::unavailable, "the service is not available right now"};
}

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<Decimal>("decimal")
      .add_message_type<OrderRequest>("order_request")
      .add_message_type<PlaceOrder>("place_order")
      .add_message_type<OrderInfo>("order_info")
      .add_message_type<std::vector<OrderInfo>>("order_info_list")
      .add_message_type<OrderCursor>("order_cursor")
      .add_message_type<Fill>("fill")
      .add_message_type<PlaceReply>("place_reply")
      .add_message_type<TradeRecord>("trade_record")
      .add_message_type<std::vector<TradeRecord>>("trade_record_list")
      .add_message_type<PriceLevel>("price_level")
      .add_message_type<DepthSnapshot>("depth_snapshot")
      .add_message_type<Candle>("candle")
      .add_message_type<std::vector<Candle>>("candle_list")
      .add_message_type<TickerStats>("ticker_stats")
      .add_message_type<AssetBalance>("asset_balance")
      .add_message_type<std::vector<AssetBalance>>("asset_balance_list")
      .add_message_type<DepositRecord>("deposit_record")
      .add_message_type<Settlement>("settlement")
      .add_message_type<CancelReply>("cancel_reply")
      .add_message_type<std::vector<CancelReply>>("cancel_reply_list")
      .add_message_type<AccountUpdate>("account_update")
      .add_message_type<PlaceOutcome>("place_outcome")
      .add_message_type<MarketUpdate>("market_update")
      .add_message_type<std::vector<MarketUpdate>>("market_update_list")
      .add_message_type<KlineSlice>("kline_slice")
      .add_message_type<TradeSlice>("trade_slice")
      .add_message_type<HistorySlice>("history_slice")
      .add_message_type<StreamPosition>("stream_position")
      .add_message_type<std::vector<StreamPosition>>("stream_position_list")
      .add_message_type<Interval>("interval")
      .add_message_type<WriteBatch>("write_batch");
}

}  // namespace ex
