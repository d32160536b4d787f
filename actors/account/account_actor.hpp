// The account actor: one user's balances and open orders.
//
// Messages it accepts:
//  (place, PlaceOrder)            checks the market's rules, locks funds, forwards the
//        order to its market; answers PlaceReply once the market's outcome is applied
//        (errors: UNKNOWN_MARKET, INSUFFICIENT_FUNDS, DUPLICATE_CLIENT_ORDER_ID,
//        POST_ONLY_WOULD_CROSS, rule violations).
//  PlaceOutcome                   the market's answer (see market_actor.hpp).
//  (release, hold_key, amount)    the market's word that an order on its way will not
//        spend `amount` of its hold: available again before the PlaceOutcome.
//  (settle, AccountUpdate)        fills and closes of its orders from a market.
//  (deposit, asset, amount, id)   -> available balance after it, once the deposits
//        journal has it (the catalog's deposit_journal; at once without one).
//  (balances)                     -> vector<AssetBalance>, every configured asset.
//  (open, market)                 -> its open orders ("" = every market), oldest first.
//  (history, market, limit, OrderCursor) -> HistorySlice: open and recently closed orders
//                                    below the cursor, newest first.
//  (order, id)                    -> one of its open or recently closed orders, or
//                                    UNKNOWN_ORDER.
#pragma once

#include <caf/all.hpp>

#include "actors/account/ledger.hpp"
#include "actors/common/domain.hpp"
#include "actors/directory/catalog.hpp"

namespace ex {

// An account as recovery rebuilt it (config/recovery.hpp): per asset its total
// (available + locked), the holds of its open orders and those orders.
struct AccountRestore {
  std::vector<Decimal> totals;  // by catalog AssetId; may be shorter (zeros)
  std::vector<HoldRequest> holds;
  std::vector<OrderInfo> open;
  // Where each market it traded in stood at the restart (recovery): its orders closed
  // before are in storage only, once storage reaches there (the writer may still be
  // catching up when the node starts serving). Empty for a new account.
  std::vector<StreamPosition> recovered_at;
};

caf::behavior account_actor(caf::event_based_actor* self, std::string user_id, CatalogPtr catalog,
                            AccountRestore restore);

}  // namespace ex
