// The directory: knows which actor serves each account, and creates accounts.
//
// Messages it accepts:
//  (account, user id, create?)      -> the account actor; UNKNOWN_USER if absent and !create
//  (deposit, user id, asset, amount) creates the account if needed and delegates the
//        deposit to it with a deposit id unique across restarts.
#pragma once

#include <caf/all.hpp>

#include "actors/directory/catalog.hpp"

namespace ex {

caf::behavior directory_actor(caf::event_based_actor* self, CatalogPtr catalog);

}  // namespace ex
