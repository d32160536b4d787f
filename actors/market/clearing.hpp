// The rules that tie a market's book to its traders' ledgers, in one place:
//  - validate_order: an order request checked against the market's rules;
//  - hold_for: what an account must lock before the order may reach the book;
//  - book_order: the book's integer view of the order and its hold;
//  - settlements_of: the ledger operations a batch of book events implies.
// The account and market actors apply these across messages; the tests and benchmarks
// apply them directly. Pure: no CAF, no I/O.
#pragma once

#include <vector>

#include "actors/account/ledger.hpp"
#include "actors/market/market_spec.hpp"
#include "actors/market/order_book.hpp"

namespace ex {

struct OrderRequest {
  book::Side side = book::Side::buy;
  bool is_market = false;
  Decimal price;           // limit orders
  Decimal quantity;        // zero for a market buy by quote amount
  Decimal quote_quantity;  // market buys only, instead of quantity
  book::TimeInForce tif = book::TimeInForce::gtc;
  bool post_only = false;
};

// An order that passed the market's rules, in book units.
struct ValidOrder {
  OrderRequest request;
  book::Ticks ticks = 0;  // 0 for market orders
  book::Lots lots = 0;    // 0 for a market buy by quote amount
};

Result<ValidOrder> validate_order(const MarketSpec& spec, const OrderRequest& request);

struct MarketAssets {
  AssetId base = 0;
  AssetId quote = 0;
};

// The hold an order needs. A market buy by quantity cannot know its price in advance,
// so it holds all of `available_quote` and the book caps its spending by that; the
// unspent part returns when the order closes (immediately, as market orders never rest).
HoldRequest hold_for(const MarketSpec& spec, MarketAssets assets, const ValidOrder& order,
                     uint64_t order_id, Decimal available_quote);

book::NewOrder book_order(const MarketSpec& spec, const ValidOrder& order, uint64_t order_id,
                          book::UserId user, Decimal held);

// One ledger operation on one side of an order.
struct Settlement {
  enum Kind : uint8_t { fill, close };
  Kind kind = fill;
  book::UserId user = 0;  // market-local user id from the book
  uint64_t order_id = 0;
  Decimal price;  // fill: trade price
  Decimal qty;    // fill: trade quantity
};

// Appends, in event order: each trade as a fill for taker and maker, each done order
// as a close of its hold.
void settlements_of(const MarketSpec& spec, const std::vector<book::Event>& events,
                    std::vector<Settlement>& out);

Result<bool> apply_settlement(Ledger& ledger, AccountId account, const Settlement& s);

// A hint, no effect on state: starts loading the balances and holds that the settlements
// touch (account = s.user), so that applying them in order waits for memory once rather
// than once per cold account. Makers' balances are rarely in cache.
void prefetch_accounts(const Ledger& ledger, const std::vector<Settlement>& settlements);

}  // namespace ex
