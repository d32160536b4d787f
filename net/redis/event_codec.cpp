#include "net/redis/event_codec.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

namespace ex::redis {

std::string event_stream_key(const std::string& stream) {
  return "events:" + stream;
}

namespace {

// CAF's serializer takes mutable references (inspect is one function for both
// directions); serializing does not modify, so the copies are avoided with const_cast.
template <class... Ts>
std::string encode(const Ts&... xs) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto err = sink(const_cast<Ts&>(xs)...);
  if (err) return {};  // only for types CAF cannot serialize: not these
  return std::string(buf.data(), buf.size());
}

template <class... Ts>
Result<bool> decode(std::string_view data, Ts&... xs) {
  caf::binary_deserializer source{nullptr, data.data(), data.size()};
  auto err = source(xs...);
  if (err || source.remaining() != 0)
    return make_error(ErrorCode::invalid_field, "storage event does not decode");
  return true;
}

}  // namespace

std::string encode_update(const MarketUpdate& update) {
  return encode(update);
}

std::string encode_deposit(const DepositRecord& deposit, uint64_t seq) {
  return encode(deposit, seq);
}

Result<StorageEvent> decode_event(std::string_view type, std::string_view version,
                                  std::string_view data) {
  if (version != kEventFormatVersion)
    return make_error(ErrorCode::invalid_field,
                      "storage event of format version '" + std::string(version) + "'");
  StorageEvent e;
  Result<bool> ok = true;
  if (type == "u") {
    ok = decode(data, e.update);
  } else if (type == "d") {
    e.is_deposit = true;
    ok = decode(data, e.deposit, e.seq);
  } else {
    return make_error(ErrorCode::invalid_field,
                      "storage event of type '" + std::string(type) + "'");
  }
  if (!ok) return ok.error();
  return e;
}

}  // namespace ex::redis
