// Records to bytes and back with CAF's binary serializer and the records' own `inspect`
// overloads: the journal and snapshots store exactly what travels between nodes, with
// no second list of fields to keep in step. Changing an `inspect` of a journaled record
// changes the on-disk format: bump the version of the file that holds it.
#pragma once

#include <caf/binary_deserializer.hpp>
#include <caf/serializer_impl.hpp>

#include <string>
#include <string_view>

#include "actors/common/status.hpp"

namespace ex {

// Serializes straight into the string it returns: a market's snapshot runs to megabytes,
// and a second buffer would copy them once more.
template <class T>
std::string encode_binary(T& record) {
  std::string buf;
  caf::serializer_impl<std::string> sink{nullptr, buf};
  if (auto err = sink(record)) return {};  // serializing to memory cannot fail
  return buf;
}

// Refuses bytes that do not decode completely into a T.
template <class T>
Result<bool> decode_binary(std::string_view bytes, T& record) {
  caf::binary_deserializer source{static_cast<caf::execution_unit*>(nullptr), bytes.data(),
                                  bytes.size()};
  if (auto err = source(record))
    return make_error(ErrorCode::internal,
                      "cannot decode a stored record (" + caf::to_string(err) + ")");
  if (source.remaining() != 0)
    return make_error(
        ErrorCode::internal,
        "a stored record has " + std::to_string(source.remaining()) + " unexpected trailing bytes");
  return true;
}

}  // namespace ex
