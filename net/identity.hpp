// Who is asking: the one place the edge decides which user a request acts for.
//
// Today the exchange trusts the userId a request names (in its JSON body or its query),
// as the original clients expect. Signing in or API keys will change only this file:
// the credentials a request carries are already passed in, and unused for now.
// Pure: no I/O, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "actors/common/status.hpp"
#include "net/codec/request.hpp"

namespace ex {

// What a request presents besides its fields (HTTP headers; empty when absent).
struct Credentials {
  std::string_view authorization;  // "Authorization"
  std::string_view api_key;        // "X-API-Key"
};

// The user a request acts for: "userId" (a non-empty string of at most 64 characters of
// [A-Za-z0-9_-], or a JSON integer taken as its text). MISSING_FIELD or INVALID_FIELD.
Result<std::string> identify(const Fields& fields, const Credentials& credentials);

// For requests where naming a user is optional (cancel an order: the original contract
// names none). Empty when the request names nobody; an error if it names one badly.
Result<std::string> identify_optional(const Fields& fields, const Credentials& credentials);

}  // namespace ex
