#include "net/identity.hpp"

#include "net/codec/api_requests.hpp"

namespace ex {

Result<std::string> identify(const Fields& fields, const Credentials&) {
  return required_id(fields, "userId", kMaxUserIdLength);
}

Result<std::string> identify_optional(const Fields& fields, const Credentials&) {
  auto id = optional_id(fields, "userId", kMaxUserIdLength);
  if (!id) return id.error();
  return id->value_or(std::string{});
}

}  // namespace ex
