// Storage events as Redis stream entries: one stream per market ("events:TATA_INR") and
// one for deposits ("events:deposits"), each entry with the fields
//   t  "u" (a MarketUpdate) or "d" (a DepositRecord and its journal seq)
//   v  the format version, "2" ("1" is still read: see kOldestEventFormat)
//   d  the record, in CAF's binary format
//
// Why CAF's binary format: the records already have `inspect` overloads, the one place
// their fields are listed (they are how actors send them between nodes), so no second
// codec has to be kept in step with them; and it is compact and fast (no text numbers,
// no field names), which matters at hundreds of thousands of entries a second. What it
// costs: entries are not readable by outside consumers (they have the pub/sub channels,
// which are JSON), and field order is the format, so `v` names it and a consumer leaves
// entries of a version it does not know pending (for a newer writer) instead of misreading
// them. Pure apart from CAF's serializers.
#pragma once

#include <string>
#include <string_view>

#include "actors/common/messages.hpp"
#include "actors/common/status.hpp"

namespace ex::redis {

constexpr const char* kEventFormatVersion = "2";
// Format 1 also carried the 24-hour ticker's quote volume (no API showed it). It is still
// read, so that a node upgraded before the others stores what they left in the streams.
constexpr const char* kOldestEventFormat = "1";

// "events:" + stream (a market symbol or kDepositStream).
std::string event_stream_key(const std::string& stream);

std::string encode_update(const MarketUpdate& update);
std::string encode_deposit(const DepositRecord& deposit, uint64_t seq);

struct StorageEvent {
  bool is_deposit = false;
  MarketUpdate update;    // !is_deposit
  DepositRecord deposit;  // is_deposit
  uint64_t seq = 0;       // the deposit's journal position (0: none)
};

// From an entry's fields. INVALID_FIELD for an unknown version or type, or bytes that do
// not decode exactly.
Result<StorageEvent> decode_event(std::string_view type, std::string_view version,
                                  std::string_view data);

}  // namespace ex::redis
