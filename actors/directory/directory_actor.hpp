// The directory: knows which actor serves each account, and creates accounts.
//
// Messages it accepts:
//  (account, user id, create?)      -> the account actor; UNKNOWN_USER if absent and !create
//  (deposit, user id, asset, amount) creates the account if needed and delegates the
//        deposit to it with a deposit id unique across restarts.
#pragma once

#include <caf/all.hpp>

#include <string>
#include <unordered_map>

#include "actors/directory/catalog.hpp"

namespace ex {

// `restored`: accounts recovery already started (the directory links to them, so they
// stop with it).
caf::behavior directory_actor(caf::event_based_actor* self, CatalogPtr catalog,
                              std::unordered_map<std::string, caf::actor> restored);

}  // namespace ex
