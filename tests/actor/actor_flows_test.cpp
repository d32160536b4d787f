// The actors' flows under CAF's deterministic test coordinator: every message is
// delivered by the test, so races (a cancel against a fill) are played in both orders.
#define CAF_SUITE actor_flows
#include <caf/test/dsl.hpp>

#include "actors/account/account_actor.hpp"
#include "actors/common/messages.hpp"
#include "actors/directory/directory_actor.hpp"
#include "actors/gateway/caf_gateway.hpp"
#include "actors/hub/hub_actor.hpp"
#include "actors/market/market_actor.hpp"
#include "tests/support/fixtures.hpp"

using namespace ex;
using ex::testing::dec;
using ex::testing::tata_inr;

namespace {

struct config : caf::actor_system_config {
  config() { ex::add_message_types(*this); }
};

PlaceOrder limit(const char* user, Side side, const char* price, const char* qty,
                 TimeInForce tif = TimeInForce::gtc) {
  PlaceOrder o;
  o.user_id = user;
  o.market = "TATA_INR";
  o.request.side = side;
  o.request.price = dec(price);
  o.request.quantity = dec(qty);
  o.request.tif = tif;
  return o;
}

PlaceOrder market_order(const char* user, Side side, const char* qty) {
  PlaceOrder o;
  o.user_id = user;
  o.market = "TATA_INR";
  o.kind = OrderKind::market;
  o.request.side = side;
  o.request.is_market = true;
  o.request.quantity = dec(qty);
  o.request.tif = TimeInForce::ioc;
  return o;
}

// Storage as the gateway sees it through the history actor: trade ids below `before`
// down to 1, marked as stored, as far as the writer got (`stored_up_to`); no orders.
// `lost`: an id storage lacks below what it has (a dropped event), 0 for none. Orders:
// only `open_order`, in state NEW.
caf::behavior stored_history(std::shared_ptr<uint64_t> stored_up_to, std::shared_ptr<uint64_t> lost,
                             std::shared_ptr<uint64_t> open_order) {
  return {
      [=](trades_atom, const std::string& market, uint64_t limit, uint64_t before) {
        std::vector<TradeRecord> out;
        for (uint64_t id = std::min(before, *stored_up_to + 1); id-- > 1 && out.size() < limit;) {
          if (id == *lost) continue;
          TradeRecord t;
          t.market = market;
          t.trade_id = id;
          t.buyer = "stored";
          out.push_back(t);
        }
        return out;
      },
      [=](order_atom, uint64_t id) -> caf::result<OrderInfo> {
        if (id != *open_order) return to_caf_error(ErrorCode::unknown_order, "unknown order");
        OrderInfo o;
        o.order_id = id;
        o.status = OrderStatus::new_;
        return o;
      },
  };
}

// The market keeps this many trades and closed orders in memory; older ones come from its
// history actor.
constexpr size_t kTradesInMemory = 3;
constexpr size_t kClosedInMemory = 4;

struct fixture : test_coordinator_fixture<config> {
  std::shared_ptr<Catalog> catalog = std::make_shared<Catalog>();
  caf::actor hub;
  caf::actor market;
  caf::actor directory;
  caf::actor history;
  std::shared_ptr<uint64_t> stored_up_to = std::make_shared<uint64_t>(INT64_MAX);
  std::shared_ptr<uint64_t> lost = std::make_shared<uint64_t>(0);
  std::shared_ptr<uint64_t> open_order = std::make_shared<uint64_t>(0);
  std::vector<std::string> frames;

  fixture() {
    catalog->assets = {{"TATA", 2}, {"INR", 2}};
    hub = sys.spawn(hub_actor, std::string("TATA_INR"), std::chrono::milliseconds(0));
    history = sys.spawn(stored_history, stored_up_to, lost, open_order);
    MarketStart start;
    start.recent_trades = kTradesInMemory;
    start.recent_closed = kClosedInMemory;
    market =
        sys.spawn(market_actor, std::make_shared<MarketCore>(tata_inr(), start),
                  MarketLinks{hub, {}, history, {}}, MarketDurability{}, std::vector<caf::actor>{});
    catalog->markets.push_back(MarketEntry{tata_inr(), MarketAssets{0, 1}, market, hub});
    directory = sys.spawn(directory_actor, CatalogPtr(catalog),
                          std::unordered_map<std::string, caf::actor>{}, std::vector<int64_t>{});
    run();
  }

  ~fixture() {
    for (auto& a : {hub, market, directory, history})
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  // Sends a message from the test's own actor, lets every actor run, and returns the
  // answer (a handler's result returns to the sender of a plain message, too).
  template <class T, class... Ts>
  Result<T> ask(const caf::actor& dest, Ts&&... xs) {
    Result<T> out = Error{ErrorCode::internal, "no answer"};
    self->send(dest, std::forward<Ts>(xs)...);
    run();
    self->receive([&](T& value) { out = std::move(value); },
                  [&](caf::error& e) { out = from_caf_error(e); });
    return out;
  }

  caf::actor account(const std::string& user) {
    return *ask<caf::actor>(directory, account_atom::value, user, false);
  }

  void fund(const std::string& user, const char* asset, const char* amount) {
    CAF_REQUIRE(
        ask<Decimal>(directory, deposit_atom::value, user, std::string(asset), dec(amount)));
  }

  Result<PlaceReply> place(PlaceOrder o) {
    return ask<PlaceReply>(account(o.user_id), place_atom::value, std::move(o));
  }

  std::string balance(const std::string& user, const char* asset) {
    auto b = ask<std::vector<AssetBalance>>(account(user), balances_atom::value);
    CAF_REQUIRE(b);
    for (auto& x : *b)
      if (x.asset == asset) return x.available.to_string() + "/" + x.locked.to_string();
    return "?";
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(actor_flows_tests, fixture)

CAF_TEST(place match and settle both sides at the makers price) {
  fund("seller", "TATA", "10");
  fund("buyer", "INR", "1000");
  auto ask_order = place(limit("seller", Side::sell, "100", "2"));
  CAF_REQUIRE(ask_order);
  CAF_CHECK(ask_order->order.status == OrderStatus::new_);
  CAF_CHECK_EQUAL(balance("seller", "TATA"), "8/2");
  auto bid = place(limit("buyer", Side::buy, "101", "3"));
  CAF_REQUIRE(bid);
  CAF_CHECK(bid->order.status == OrderStatus::partially_filled);
  CAF_CHECK_EQUAL(bid->order.executed.to_string(), "2");
  CAF_REQUIRE_EQUAL(bid->fills.size(), 1u);
  CAF_CHECK_EQUAL(bid->fills[0].price.to_string(), "100");
  CAF_CHECK_EQUAL(bid->fills[0].other_user_id, "seller");
  CAF_CHECK_EQUAL(bid->fills[0].maker_order_id, ask_order->order.order_id);
  CAF_CHECK(!bid->fills[0].is_buyer_maker);
  // The buyer paid 200 for 2 (limit 101: 2 back) and still holds 101 for the rest.
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "699/101");
  CAF_CHECK_EQUAL(balance("buyer", "TATA"), "2/0");
  CAF_CHECK_EQUAL(balance("seller", "INR"), "200/0");
  CAF_CHECK_EQUAL(balance("seller", "TATA"), "8/0");
  auto open = ask<std::vector<OrderInfo>>(account("buyer"), open_atom::value, std::string());
  CAF_REQUIRE(open);
  CAF_REQUIRE_EQUAL(open->size(), 1u);
  CAF_CHECK_EQUAL(open->front().executed.to_string(), "2");
  auto depth = ask<DepthSnapshot>(market, depth_atom::value, uint64_t{10});
  CAF_REQUIRE(depth);
  CAF_REQUIRE_EQUAL(depth->bids.size(), 1u);
  CAF_CHECK_EQUAL(depth->bids[0].price.to_string(), "101");
  CAF_CHECK(depth->asks.empty());
  auto trades = ask<TradeSlice>(market, trades_atom::value, uint64_t{10}, kAboveNewestTrade);
  CAF_REQUIRE(trades);
  CAF_REQUIRE_EQUAL(trades->trades.size(), 1u);
  CAF_CHECK_EQUAL(trades->trades.front().buyer, "buyer");
}

CAF_TEST(trades beyond what the market keeps in memory come from storage without gaps) {
  fund("seller", "TATA", "10");
  fund("buyer", "INR", "1000");
  for (int i = 0; i < 5; ++i) {
    CAF_REQUIRE(place(limit("seller", Side::sell, "100", "1")));
    CAF_REQUIRE(place(limit("buyer", Side::buy, "100", "1")));
  }
  auto memory = ask<TradeSlice>(market, trades_atom::value, uint64_t{10}, kAboveNewestTrade);
  CAF_REQUIRE(memory);
  CAF_CHECK_EQUAL(memory->trades.size(), kTradesInMemory);
  CAF_CHECK_EQUAL(memory->first_kept, 3u);
  catalog->history = history;
  CafGateway gateway(sys, catalog, directory, 1);
  auto page = [&](uint64_t limit, uint64_t before) {
    Result<std::vector<TradeRecord>> r = Error{ErrorCode::internal, "no answer"};
    gateway.trades("TATA_INR", limit, before,
                   [&](Result<std::vector<TradeRecord>> x) { r = std::move(x); });
    run();
    if (!r) return std::vector<std::string>{code_name(r.error().code)};
    std::vector<std::string> out;
    for (const auto& t : *r)
      out.push_back(std::to_string(t.trade_id) + (t.buyer == "stored" ? "s" : ""));
    return out;
  };
  using Page = std::vector<std::string>;
  CAF_CHECK_EQUAL(page(10, kAboveNewestTrade), (Page{"5", "4", "3", "2s", "1s"}));
  CAF_CHECK_EQUAL(page(2, kAboveNewestTrade), (Page{"5", "4"}));
  CAF_CHECK_EQUAL(page(2, 5), (Page{"4", "3"}));
  CAF_CHECK_EQUAL(page(2, 4), (Page{"3", "2s"}));
  CAF_CHECK_EQUAL(page(10, 3), (Page{"2s", "1s"}));
  CAF_CHECK(page(10, 1).empty());
  // The writer has stored only trade 1: memory's part ends the page, and below it the
  // answer is UNAVAILABLE, never a page that skips trade 2 or a false end.
  *stored_up_to = 1;
  CAF_CHECK_EQUAL(page(10, kAboveNewestTrade), (Page{"5", "4", "3"}));
  CAF_CHECK_EQUAL(page(10, 3), (Page{"UNAVAILABLE"}));
  *stored_up_to = 0;
  CAF_CHECK_EQUAL(page(10, 2), (Page{"UNAVAILABLE"}));
  // Storage lacks trade 1 but has 2: the page stops at the gap.
  *stored_up_to = INT64_MAX;
  *lost = 1;
  CAF_CHECK_EQUAL(page(10, 4), (Page{"3", "2s"}));
  CAF_CHECK_EQUAL(page(10, 2), (Page{"UNAVAILABLE"}));
  gateway.stop();
  catalog->history = caf::actor{};
}

CAF_TEST(an order memory let go is unavailable rather than unknown until storage has it) {
  fund("seller", "TATA", "10");
  fund("buyer", "INR", "1000");
  std::vector<uint64_t> ids;
  for (int i = 0; i < 3; ++i) {  // 6 orders closed, by commands 2, 4 and 6
    auto sell = place(limit("seller", Side::sell, "100", "1"));
    CAF_REQUIRE(sell);
    ids.push_back(sell->order.order_id);
    CAF_REQUIRE(place(limit("buyer", Side::buy, "100", "1")));
  }
  auto code = [&](uint64_t id) {
    auto r = ask<OrderInfo>(market, order_atom::value, id);
    return r ? std::string("found") : code_name(r.error().code);
  };
  CAF_CHECK_EQUAL(code(ids.back()), "found");  // memory keeps the newest 4
  // The first two went with command 2; the writer has not said it stored that yet.
  CAF_CHECK_EQUAL(code(ids.front()), "UNAVAILABLE");
  *open_order = ids.front();  // storage has it, but as it was before it closed
  CAF_CHECK_EQUAL(code(ids.front()), "UNAVAILABLE");
  *open_order = 0;
  self->send(market, stored_atom::value, std::string("TATA_INR"), uint64_t{2});
  run();
  CAF_CHECK_EQUAL(code(ids.front()), "UNKNOWN_ORDER");  // storage's answer (this one has none)
}

CAF_TEST(open orders beyond the limit are refused counting those on their way) {
  catalog->max_open_orders = 2;
  fund("buyer", "INR", "1000");
  caf::actor buyer = account("buyer");
  for (const char* price : {"10", "11", "12"})  // all three sent before any reaches the market
    self->send(buyer, place_atom::value, limit("buyer", Side::buy, price, "1"));
  run();
  int placed = 0, refused = 0;
  for (int i = 0; i < 3; ++i)
    self->receive(
        [&](PlaceReply&) { ++placed; },
        [&](caf::error& e) { refused += from_caf_error(e).code == ErrorCode::too_many_orders; });
  CAF_CHECK_EQUAL(placed, 2);
  CAF_CHECK_EQUAL(refused, 1);
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "979/21");  // 10 + 11: the refused one holds nothing
  auto open = ask<std::vector<OrderInfo>>(buyer, open_atom::value, std::string());
  CAF_REQUIRE(open);
  CAF_REQUIRE_EQUAL(open->size(), 2u);
  CAF_REQUIRE(ask<CancelReply>(market, cancel_atom::value, open->front().order_id, std::string()));
  CAF_CHECK(place(limit("buyer", Side::buy, "12", "1")));  // room again
  catalog->max_open_orders = 0;
}

CAF_TEST(a cancel that loses the race against a fill finds nothing to cancel) {
  fund("seller", "TATA", "10");
  fund("buyer", "INR", "1000");
  auto resting = place(limit("seller", Side::sell, "100", "2"));
  CAF_REQUIRE(resting);
  uint64_t id = resting->order.order_id;
  // Both are in flight; the buyer's order reaches the market first: its account has
  // forwarded it before the cancel arrives.
  caf::actor buyer = account("buyer");
  self->send(buyer, place_atom::value, limit("buyer", Side::buy, "100", "2"));
  CAF_REQUIRE(consume_message());  // the account locks and forwards to the market
  self->send(market, cancel_atom::value, id, std::string("seller"));
  run();
  int filled = 0, refused = 0;
  for (int i = 0; i < 2; ++i)
    self->receive(
        [&](PlaceReply& r) { filled += r.order.status == OrderStatus::filled; },
        [&](CancelReply&) {},
        [&](caf::error& e) { refused += from_caf_error(e).code == ErrorCode::unknown_order; });
  CAF_CHECK_EQUAL(filled, 1);
  CAF_CHECK_EQUAL(refused, 1);
  CAF_CHECK_EQUAL(balance("seller", "TATA"), "8/0");
  CAF_CHECK_EQUAL(balance("seller", "INR"), "200/0");
}

CAF_TEST(a cancel that wins the race unlocks and the fill finds nothing) {
  fund("seller", "TATA", "10");
  fund("buyer", "INR", "1000");
  auto resting = place(limit("seller", Side::sell, "100", "2"));
  CAF_REQUIRE(resting);
  // Both in flight; the cancel reaches the market while the buyer's account still holds
  // the order.
  caf::actor buyer = account("buyer");
  self->send(buyer, place_atom::value, limit("buyer", Side::buy, "100", "2"));
  self->send(market, cancel_atom::value, resting->order.order_id, std::string());
  run();
  int rested = 0;
  std::string cancelled_qty;
  for (int i = 0; i < 2; ++i)
    self->receive([&](PlaceReply& r) { rested += r.order.status == OrderStatus::new_; },
                  [&](CancelReply& c) { cancelled_qty = c.remaining.to_string(); },
                  [&](caf::error&) {});
  CAF_CHECK_EQUAL(rested, 1);
  CAF_CHECK_EQUAL(cancelled_qty, "2");
  CAF_CHECK_EQUAL(balance("seller", "TATA"), "10/0");
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "800/200");
  // A second cancel of the same order is refused.
  auto again = ask<CancelReply>(market, cancel_atom::value, resting->order.order_id, std::string());
  CAF_REQUIRE(!again);
  CAF_CHECK(again.error().code == ErrorCode::unknown_order);
}

CAF_TEST(cancel by someone who does not own the order is refused) {
  fund("seller", "TATA", "10");
  auto resting = place(limit("seller", Side::sell, "100", "2"));
  auto r =
      ask<CancelReply>(market, cancel_atom::value, resting->order.order_id, std::string("mallory"));
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::unknown_order);
  CAF_CHECK_EQUAL(balance("seller", "TATA"), "8/2");
}

CAF_TEST(ioc fok and market remainders are unlocked) {
  fund("seller", "TATA", "10");
  fund("buyer", "INR", "1000");
  CAF_REQUIRE(place(limit("seller", Side::sell, "100", "1")));
  auto ioc = place(limit("buyer", Side::buy, "100", "3", TimeInForce::ioc));
  CAF_REQUIRE(ioc);
  CAF_CHECK(ioc->order.status == OrderStatus::expired);
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "900/0");
  auto fok = place(limit("buyer", Side::buy, "100", "3", TimeInForce::fok));
  CAF_REQUIRE(fok);
  CAF_CHECK(fok->order.status == OrderStatus::expired);
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "900/0");
  CAF_REQUIRE(place(limit("seller", Side::sell, "105", "1")));
  auto mkt = place(market_order("buyer", Side::buy, "5"));
  CAF_REQUIRE(mkt);
  CAF_CHECK(mkt->order.status == OrderStatus::expired);
  CAF_CHECK_EQUAL(mkt->order.executed.to_string(), "1");
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "795/0");
  CAF_CHECK_EQUAL(balance("buyer", "TATA"), "2/0");
}

CAF_TEST(insufficient funds and post only crossing change nothing) {
  fund("buyer", "INR", "100");
  auto r = place(limit("buyer", Side::buy, "100", "2"));
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::insufficient_funds);
  CAF_CHECK_EQUAL(r.error().message, "insufficient funds: needs 200 INR, available 100 INR");
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "100/0");
  r = place(limit("buyer", Side::sell, "100", "2"));
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(r.error().message, "insufficient funds: no TATA available (deposit some first)");
  fund("seller", "TATA", "1");
  CAF_REQUIRE(place(limit("seller", Side::sell, "50", "1")));
  auto po = limit("buyer", Side::buy, "50", "1");
  po.request.post_only = true;
  r = place(po);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::post_only_would_cross);
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "100/0");
}

CAF_TEST(deposits of an asset stay within what a balance can hold in all) {
  // Trades move money and never make it: with every deposit of INR together in range, no
  // balance, hold or sum of them can overflow.
  auto deposit = [&](const char* user, const char* amount) {
    return ask<Decimal>(directory, deposit_atom::value, std::string(user), std::string("INR"),
                        dec(amount));
  };
  CAF_REQUIRE(deposit("a", "92233720368"));
  auto over = deposit("b", "1");
  CAF_REQUIRE(!over);
  CAF_CHECK(over.error().code == ErrorCode::invalid_field);
  CAF_CHECK(over.error().message.find("exceed") != std::string::npos);
  // A deposit the account refuses does not count.
  CAF_CHECK(!deposit("b", "0.001"));
  auto rest = deposit("b", "0.54");
  CAF_REQUIRE(rest);
  CAF_CHECK_EQUAL(rest->to_string(), "0.54");
  CAF_CHECK(!deposit("c", "0.01"));
  CAF_CHECK_EQUAL(balance("a", "INR"), "92233720368/0");
}

CAF_TEST(a deposit creates no account beyond the limit of users) {
  catalog->max_users = 2;
  auto deposit = [&](const char* user) {
    return ask<Decimal>(directory, deposit_atom::value, std::string(user), std::string("INR"),
                        dec("1"));
  };
  CAF_REQUIRE(deposit("a"));
  CAF_REQUIRE(deposit("b"));
  auto third = deposit("c");
  CAF_REQUIRE(!third);
  CAF_CHECK(third.error().code == ErrorCode::too_many_users);
  CAF_CHECK(!ask<caf::actor>(directory, account_atom::value, std::string("c"), false));
  CAF_CHECK(deposit("a"));  // existing users go on
  CAF_CHECK_EQUAL(balance("a", "INR"), "2/0");
}

CAF_TEST(unknown market and unknown user are errors) {
  fund("buyer", "INR", "100");
  auto o = limit("buyer", Side::buy, "1", "1");
  o.market = "NOPE_INR";
  auto r = place(o);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::unknown_market);
  auto who = ask<caf::actor>(directory, account_atom::value, std::string("ghost"), false);
  CAF_REQUIRE(!who);
  CAF_CHECK(who.error().code == ErrorCode::unknown_user);
  auto bad_asset = ask<Decimal>(directory, deposit_atom::value, std::string("buyer"),
                                std::string("DOGE"), dec("1"));
  CAF_CHECK(!bad_asset);
  auto too_precise = ask<Decimal>(directory, deposit_atom::value, std::string("buyer"),
                                  std::string("INR"), dec("1.001"));
  CAF_CHECK(!too_precise);
}

CAF_TEST(the hub fans market events out to subscribers) {
  std::vector<std::string> got;
  caf::anon_send(hub, subscribe_atom::value, uint64_t{7}, Stream::trade,
                 FrameSink([&](std::shared_ptr<const std::string> f) { got.push_back(*f); }));
  caf::anon_send(hub, subscribe_atom::value, uint64_t{7}, Stream::depth,
                 FrameSink([&](std::shared_ptr<const std::string> f) { got.push_back(*f); }));
  run();
  fund("seller", "TATA", "10");
  fund("buyer", "INR", "1000");
  CAF_REQUIRE(place(limit("seller", Side::sell, "100", "2")));
  CAF_REQUIRE(place(limit("buyer", Side::buy, "100", "1")));
  size_t depth = 0, trades = 0;
  for (auto& f : got) {
    depth += f.find("\"e\":\"depth\"") != std::string::npos;
    trades += f.find("\"e\":\"trade\"") != std::string::npos;
  }
  CAF_CHECK_EQUAL(depth, 2u);
  CAF_CHECK_EQUAL(trades, 1u);
  caf::anon_send(hub, unsubscribe_atom::value, uint64_t{7});
  run();
  got.clear();
  CAF_REQUIRE(place(limit("buyer", Side::buy, "100", "1")));
  CAF_CHECK(got.empty());
}

CAF_TEST(the gateway answers through its callbacks and turns silence into unavailable) {
  fund("5", "INR", "1000");
  CafGateway gateway(sys, catalog, directory, 1);
  Result<std::vector<AssetBalance>> balances = Error{ErrorCode::internal, "no answer"};
  gateway.balances("5", [&](Result<std::vector<AssetBalance>> r) { balances = std::move(r); });
  run();
  CAF_REQUIRE(balances);
  CAF_CHECK_EQUAL(balances->back().available.to_string(), "1000");
  Result<PlaceReply> unknown = Error{ErrorCode::internal, "no answer"};
  PlaceOrder o = limit("5", Side::buy, "1", "1");
  o.market = "NOPE_INR";
  gateway.place(o, [&](Result<PlaceReply> r) { unknown = std::move(r); });
  CAF_REQUIRE(!unknown);
  CAF_CHECK(unknown.error().code == ErrorCode::unknown_market);
  // An actor that never answers: after the timeout the caller gets UNAVAILABLE, once.
  auto silent = sys.spawn([]() -> caf::behavior {
    return {[](account_atom, const std::string&, bool) { return caf::delegated<caf::actor>{}; }};
  });
  CafGateway stuck(sys, catalog, silent, 1);
  int calls = 0;
  Result<std::vector<AssetBalance>> late = Error{ErrorCode::internal, "no answer"};
  stuck.balances("ghost", [&](Result<std::vector<AssetBalance>> r) {
    ++calls;
    late = std::move(r);
  });
  run();
  CAF_CHECK_EQUAL(calls, 1);
  CAF_REQUIRE(!late);
  CAF_CHECK(late.error().code == ErrorCode::unavailable);
  // Unlike a refusal, it says the request may still be carried out.
  CAF_CHECK(late.error().message.find("may still be carried out") != std::string::npos);
  gateway.stop();
  stuck.stop();
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST(recently closed orders stay in the accounts history beyond the newest 200) {
  // Storage holds older orders, but only once the writer has stored them: the account
  // keeps every order closed in the last seconds, however many.
  fund("buyer", "INR", "100000");
  std::vector<uint64_t> ids;
  for (int i = 0; i < 300; ++i) {
    auto r = place(limit("buyer", Side::buy, "100", "1", TimeInForce::ioc));
    CAF_REQUIRE(r);
    CAF_REQUIRE(r->order.status == OrderStatus::expired);
    ids.push_back(r->order.order_id);
  }
  auto open = place(limit("buyer", Side::buy, "90", "1"));
  CAF_REQUIRE(open);
  ids.push_back(open->order.order_id);
  auto history = [&](const char* market, uint64_t limit, OrderCursor before = {}) {
    auto r = ask<HistorySlice>(account("buyer"), history_atom::value, std::string(market), limit,
                               before);
    CAF_REQUIRE(r);
    return std::move(*r);
  };
  auto all = history("", 1000);
  CAF_REQUIRE_EQUAL(all.orders.size(), 301u);
  // Nothing was let go: the account has every order of the user, a page of any size.
  CAF_CHECK(all.complete);
  auto newest = history("TATA_INR", 5);
  CAF_REQUIRE_EQUAL(newest.orders.size(), 5u);
  CAF_CHECK(newest.complete);
  // Newest first: by time, then by id within the same millisecond.
  for (size_t i = 0; i + 1 < all.orders.size(); ++i) {
    const OrderInfo& a = all.orders[i];
    const OrderInfo& b = all.orders[i + 1];
    CAF_CHECK(a.time_ms > b.time_ms || (a.time_ms == b.time_ms && a.order_id > b.order_id));
  }
  for (size_t i = 0; i < 5; ++i)
    CAF_CHECK_EQUAL(newest.orders[i].order_id, all.orders[i].order_id);
  CAF_CHECK_EQUAL(all.orders.back().order_id, ids.front());
  CAF_CHECK(history("NONE_INR", 1000).orders.empty());
  // Pages from a cursor: the next ones in the same order, none twice, none left out.
  std::vector<uint64_t> paged;
  OrderCursor cursor;
  for (;;) {
    auto page = history("TATA_INR", 64, cursor);
    if (page.orders.empty()) break;
    for (const auto& o : page.orders)
      paged.push_back(o.order_id);
    cursor = OrderCursor::at(page.orders.back());
  }
  CAF_REQUIRE_EQUAL(paged.size(), all.orders.size());
  for (size_t i = 0; i < paged.size(); ++i)
    CAF_CHECK_EQUAL(paged[i], all.orders[i].order_id);
  // The account finds its orders by id, closed ones too.
  auto found = ask<OrderInfo>(account("buyer"), order_atom::value, ids.front());
  CAF_REQUIRE(found);
  CAF_CHECK(found->status == OrderStatus::expired);
  auto missing = ask<OrderInfo>(account("buyer"), order_atom::value, ids.back() + (1 << 12));
  CAF_REQUIRE(!missing);
  CAF_CHECK(missing.error().code == ErrorCode::unknown_order);
}

CAF_TEST(an account rebuilt by recovery sends history pages to storage) {
  // Its orders closed before the restart are in storage only; its open ones it has.
  AccountRestore restore;
  OrderInfo open;
  open.order_id = 4097;
  open.market = "TATA_INR";
  open.user_id = "back";
  open.time_ms = 1000;
  restore.open.push_back(open);
  restore.recovered_at.push_back(StreamPosition{"TATA_INR", 42});
  auto back = sys.spawn(account_actor, std::string("back"), CatalogPtr(catalog), restore);
  auto page = ask<HistorySlice>(back, history_atom::value, std::string("TATA_INR"), uint64_t{1},
                                OrderCursor{});
  CAF_REQUIRE(page);
  CAF_REQUIRE_EQUAL(page->orders.size(), 1u);
  CAF_CHECK(!page->complete);
  // ... once storage reaches where the market stood at the restart.
  CAF_REQUIRE_EQUAL(page->needs.size(), 1u);
  CAF_CHECK_EQUAL(page->needs[0].stream, "TATA_INR");
  CAF_CHECK_EQUAL(page->needs[0].seq, 42u);
  auto fresh =
      sys.spawn(account_actor, std::string("fresh"), CatalogPtr(catalog), AccountRestore{});
  page = ask<HistorySlice>(fresh, history_atom::value, std::string("TATA_INR"), uint64_t{10},
                           OrderCursor{});
  CAF_REQUIRE(page);
  CAF_CHECK(page->orders.empty());
  CAF_CHECK(page->complete);
  for (const caf::actor& a : std::vector<caf::actor>{back, fresh})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST(a burst of commands reaches the journal and the writer as one message each) {
  auto records = std::make_shared<std::vector<std::pair<uint64_t, size_t>>>();  // first, count
  auto updates = std::make_shared<std::vector<std::vector<uint64_t>>>();        // their seqs
  auto journal = sys.spawn([records](caf::event_based_actor*) -> caf::behavior {
    return {[records](record_atom, uint64_t first, const std::vector<std::string>& payloads) {
      records->emplace_back(first, payloads.size());
    }};
  });
  auto writer = sys.spawn([updates](caf::event_based_actor*) -> caf::behavior {
    return {[updates](update_atom, const std::vector<MarketUpdate>& ups) {
      updates->emplace_back();
      for (const MarketUpdate& up : ups)
        updates->back().push_back(up.seq);
    }};
  });
  MarketDurability none;
  none.level = journal::Durability::none;
  auto m = sys.spawn(market_actor, std::make_shared<MarketCore>(tata_inr(), MarketStart{}),
                     MarketLinks{{}, writer, {}, journal}, none, std::vector<caf::actor>{});
  run();
  auto place = [&](uint64_t key) {
    self->send(m, place_atom::value, limit("burst", Side::buy, "100", "1"), dec("100"), key);
  };
  for (uint64_t key = 1; key <= 3; ++key)
    place(key);
  run();
  for (int i = 0; i < 3; ++i)
    self->receive([](PlaceOutcome& out) { CAF_CHECK_EQUAL(out.error, 0u); });
  using Records = std::vector<std::pair<uint64_t, size_t>>;
  using Updates = std::vector<std::vector<uint64_t>>;
  CAF_CHECK_EQUAL(*records, (Records{{1, 3}}));
  CAF_CHECK_EQUAL(*updates, (Updates{{1, 2, 3}}));
  // A lone command goes on by itself, numbered after the burst.
  place(4);
  run();
  self->receive([](PlaceOutcome& out) { CAF_CHECK_EQUAL(out.error, 0u); });
  CAF_CHECK_EQUAL(*records, (Records{{1, 3}, {4, 1}}));
  CAF_CHECK_EQUAL(*updates, (Updates{{1, 2, 3}, {4}}));
  // A shutdown's flush sends what the market holds before the market's own publish runs.
  place(5);
  self->send(m, flush_atom::value);
  expect((place_atom, PlaceOrder, Decimal, uint64_t), from(self).to(m));
  expect((flush_atom), from(self).to(m));
  expect((record_atom, uint64_t, std::vector<std::string>), from(m).to(journal));
  run();
  CAF_CHECK_EQUAL(records->back(), (std::pair<uint64_t, size_t>{5, 1}));
  self->receive([](PlaceOutcome&) {});
  self->receive([](bool flushed) { CAF_CHECK(flushed); });
  for (const caf::actor& a : std::vector<caf::actor>{m, journal, writer})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST(an order that closed at once frees its unspent hold before the journal commits) {
  // A market whose journal answers only when the test says so (durability batch).
  auto journal = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](record_atom, uint64_t, const std::vector<std::string>&) {}};
  });
  auto m =
      sys.spawn(market_actor, std::make_shared<MarketCore>(tata_inr(), MarketStart{}),
                MarketLinks{{}, {}, {}, journal}, MarketDurability{}, std::vector<caf::actor>{});
  catalog->markets.front().market = m;
  run();
  fund("seller", "TATA", "10");
  fund("buyer", "INR", "1000");
  self->send(account("seller"), place_atom::value, limit("seller", Side::sell, "105", "1"));
  run();
  self->send(m, synced_atom::value, uint64_t{1});
  run();
  self->receive([](PlaceReply&) {}, [](caf::error& e) { CAF_FAIL("sell refused: " << e); });
  // A market buy by quantity holds all 1,000; the market spends 105 of it at once.
  self->send(account("buyer"), place_atom::value, market_order("buyer", Side::buy, "5"));
  run();
  CAF_REQUIRE_EQUAL(balance("buyer", "INR"), "895/105");
  // Meanwhile another order can use the rest.
  auto bid = account("buyer");
  self->send(bid, place_atom::value, limit("buyer", Side::buy, "100", "2"));
  run();
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "695/305");
  self->send(m, synced_atom::value, uint64_t{3});
  run();
  int answers = 0;
  for (int i = 0; i < 2; ++i)
    self->receive([&](PlaceReply& r) { answers += r.order.order_id > 0; },
                  [](caf::error& e) { CAF_FAIL("buy refused: " << e); });
  CAF_CHECK_EQUAL(answers, 2);
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "695/200");
  CAF_CHECK_EQUAL(balance("buyer", "TATA"), "1/0");
  CAF_CHECK_EQUAL(balance("seller", "INR"), "105/0");
  // A FOK that cannot fill: all of its hold is back at once, and its close returns nothing.
  self->send(account("buyer"), place_atom::value,
             limit("buyer", Side::buy, "100", "1", TimeInForce::fok));
  run();
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "695/200");
  self->send(m, synced_atom::value, uint64_t{4});
  run();
  self->receive([](PlaceReply& r) { CAF_CHECK(r.order.status == OrderStatus::expired); },
                [](caf::error& e) { CAF_FAIL("fok refused: " << e); });
  CAF_CHECK_EQUAL(balance("buyer", "INR"), "695/200");
  caf::anon_send_exit(m, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(journal, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST_FIXTURE_SCOPE_END()
