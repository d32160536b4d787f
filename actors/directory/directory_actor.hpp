// The directory: knows which actor serves each account, and creates accounts.
//
// Messages it accepts:
//  (account, user id, create?)      -> the account actor; UNKNOWN_USER if absent and !create
//  (deposit, user id, asset, amount) creates the account if needed and passes the
//        deposit to it with a deposit id unique across restarts, unless it would take
//        what all users deposited of the asset beyond 2^63-1 units (INVALID_FIELD).
//        Trades move money and never make it, so every balance, hold and sum of them
//        stays within what was deposited: none of them can overflow. A deposit that
//        would create an account beyond Catalog::max_users is TOO_MANY_USERS.
#pragma once

#include <caf/all.hpp>

#include <string>
#include <unordered_map>
#include <vector>

#include "actors/directory/catalog.hpp"

namespace ex {

// `restored`: accounts recovery already started (the directory links to them, so they
// stop with it). `deposited`: units deposited so far, by the catalog's AssetId.
caf::behavior directory_actor(caf::event_based_actor* self, CatalogPtr catalog,
                              std::unordered_map<std::string, caf::actor> restored,
                              std::vector<int64_t> deposited);

}  // namespace ex
