// Differential test: the real book and the reference model take the same long random
// command streams and must agree on every trade, every finished order, the status of
// every taker, the depth (directly and as rebuilt from the book's level diffs) and the
// resting orders. The ledger, driven through the same clearing rules as the actors,
// must keep its invariants after every command.
#define CAF_SUITE book_model
#include <caf/test/unit_test.hpp>

#include <map>
#include <random>

#include "actors/market/clearing.hpp"
#include "tests/unit/book_model.hpp"

using namespace ex;
using namespace ex::book;

namespace {

constexpr AssetId kBase = 0, kQuote = 1;
constexpr UserId kUsers = 8;
// One more user, with half a tick-lot of quote and nothing else. Each market buy by quantity
// it places locks that half, which buys nothing: the book must see a budget of 0 tick-lots,
// not an order without a budget.
constexpr UserId kPoor = kUsers;
constexpr int64_t kPoorQuoteUnits = 5000;  // 0.00005 INR; a tick-lot is 0.0001

MarketSpec test_spec() {
  MarketSpec m;
  m.id = 1;
  m.symbol = "TEST_INR";
  m.base = "TEST";
  m.quote = "INR";
  m.tick_size = *Decimal::parse("0.01");
  m.step_size = *Decimal::parse("0.01");
  m.min_qty = m.step_size;
  m.min_notional = Decimal{};
  m.band_bps = 500;
  return m;
}

struct Harness {
  MarketSpec spec = test_spec();
  BookConfig config;
  OrderBook book;
  model::ModelBook model;
  Ledger ledger{2};
  std::mt19937_64 rng;
  std::map<Ticks, Lots> diff_bids, diff_asks;  // depth rebuilt from level events only
  std::vector<Settlement> settlements;
  int64_t deposited[2] = {0, 0};
  uint64_t next_seq = 1;
  uint64_t next_trade_id = 1;
  Ticks mid = 10000;
  size_t trades = 0, stp_cancels = 0, rejected_funds = 0, poor_orders = 0;

  Harness(uint64_t seed, StpPolicy stp)
      : config{stp, 500, 64}, book(config), model(config), rng(seed) {
    for (UserId u = 0; u < kUsers; ++u) {
      deposit(u, kQuote, 2000 + static_cast<int64_t>(u) * 500);
      deposit(u, kBase, 20 + static_cast<int64_t>(u) * 4);
    }
    CAF_REQUIRE(ledger.deposit(kPoor, kQuote, Decimal::from_units(kPoorQuoteUnits)));
    deposited[kQuote] += kPoorQuoteUnits;
  }

  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }

  void deposit(UserId u, AssetId a, int64_t whole) {
    CAF_REQUIRE(ledger.deposit(u, a, Decimal::from_int(whole)));
    deposited[a] += whole * Decimal::kScale;
  }

  void step() {
    if (uniform(0, 49) == 0) mid += uniform(0, 1) ? 1 : -1;
    int64_t r = uniform(0, 99);
    if (r < 78) {
      place();
    } else if (r < 93) {
      auto live = model.orders();
      OrderId id = live.empty() || uniform(0, 9) == 0 ? make_order_id(uniform(1, next_seq), 1)
                                                      : live[uniform(0, live.size() - 1)].id;
      bool a = book.cancel(id);
      bool b = model.cancel(id);
      CAF_REQUIRE_EQUAL(a, b);
      compare_events();
    } else if (r < 95) {
      UserId u = static_cast<UserId>(uniform(0, kUsers - 1));
      auto expected = model.ids_of(u);
      CAF_REQUIRE_EQUAL(book.cancel_user(u), expected.size());
      for (OrderId id : expected)
        model.cancel(id);
      settle_and_track();
    } else {
      deposit(static_cast<UserId>(uniform(0, kUsers - 1)), static_cast<AssetId>(uniform(0, 1)),
              uniform(1, 50));
    }
    check();
  }

  void place() {
    OrderRequest req;
    req.side = uniform(0, 1) ? Side::buy : Side::sell;
    int64_t kind = uniform(0, 99);
    if (kind < 90) {
      bool aggressive = uniform(0, 9) == 0;
      Ticks off = uniform(1, aggressive ? 8 : 25);
      Ticks t =
          req.side == Side::buy ? mid + (aggressive ? off : -off) : mid + (aggressive ? -off : off);
      req.price = spec.price_of(t);
      req.quantity = spec.qty_of(uniform(1, 600));
      int64_t tif = uniform(0, 19);
      req.tif = tif < 2 ? TimeInForce::ioc : tif < 4 ? TimeInForce::fok : TimeInForce::gtc;
      req.post_only = req.tif == TimeInForce::gtc && uniform(0, 9) == 0;
    } else {
      req.is_market = true;
      req.tif = uniform(0, 9) == 0 ? TimeInForce::fok : TimeInForce::ioc;
      if (req.side == Side::buy && req.tif != TimeInForce::fok && uniform(0, 2) == 0)
        req.quote_quantity = Decimal::from_int(uniform(1, 3000));
      else
        req.quantity = spec.qty_of(uniform(1, 800));
    }
    auto valid = validate_order(spec, req);
    CAF_REQUIRE(valid);
    UserId user = uniform(0, 19) == 0 ? kPoor : static_cast<UserId>(uniform(0, kUsers - 1));
    uint64_t id = make_order_id(next_seq++, spec.id);
    auto hold =
        hold_for(spec, {kBase, kQuote}, *valid, id, ledger.balance(user, kQuote)->available);
    auto placed = ledger.place(user, hold);
    if (!placed) {
      CAF_REQUIRE(placed.error().code == ErrorCode::insufficient_funds);
      ++rejected_funds;
      return;
    }
    NewOrder o = book_order(spec, *valid, id, user, hold.amount);
    AddResult res = book.add(o);
    model.add(o);
    CAF_REQUIRE(res.status == model.status);
    if (o.tif == TimeInForce::fok)  // all or nothing
      CAF_REQUIRE(res.status == OrderStatus::filled || res.executed == 0);
    if (user == kPoor) {
      CAF_REQUIRE_EQUAL(res.executed, 0);
      ++poor_orders;
    }
    compare_events();
  }

  void compare_events() {
    std::vector<OrderId> done;
    size_t t = 0;
    for (const Event& e : book.events()) {
      if (e.type == EventType::trade) {
        CAF_REQUIRE(t < model.trades.size());
        const auto& m = model.trades[t++];
        CAF_REQUIRE_EQUAL(e.order, m.taker);
        CAF_REQUIRE_EQUAL(e.maker, m.maker);
        CAF_REQUIRE_EQUAL(e.price, m.price);
        CAF_REQUIRE_EQUAL(e.qty, m.qty);
        CAF_REQUIRE_EQUAL(e.trade_id, next_trade_id++);
        CAF_REQUIRE(e.user != e.maker_user);
        ++trades;
      } else if (e.type == EventType::done) {
        done.push_back(e.order);
        if (e.reason == DoneReason::self_trade) ++stp_cancels;
      } else {
        auto& m = e.side == Side::buy ? diff_bids : diff_asks;
        if (e.qty == 0)
          m.erase(e.price);
        else
          m[e.price] = e.qty;
      }
    }
    CAF_REQUIRE_EQUAL(t, model.trades.size());
    if (done != model.done) {
      std::string a, b;
      for (auto x : done)
        a += std::to_string(x) + " ";
      for (auto x : model.done)
        b += std::to_string(x) + " ";
      for (const Event& e : book.events())
        a += "|" + std::to_string(int(e.type)) + "/" + std::to_string(int(e.reason)) +
             " o=" + std::to_string(e.order) + " m=" + std::to_string(e.maker) +
             " u=" + std::to_string(e.user) + " mu=" + std::to_string(e.maker_user) +
             " p=" + std::to_string(e.price) + " q=" + std::to_string(e.qty);
      for (auto& t : model.trades)
        b += "|t " + std::to_string(t.maker) + " " + std::to_string(t.price) + " " +
             std::to_string(t.qty);
      CAF_FAIL("done differ: book [" << a << "] model [" << b << "]");
    }
    settle_and_track();
  }

  void settle_and_track() {
    settlements.clear();
    settlements_of(spec, book.events(), settlements);
    for (const Settlement& s : settlements) {
      auto r = apply_settlement(ledger, s.user, s);
      if (!r) CAF_FAIL("settlement refused: " << r.error().message);
    }
    if (book.events().empty()) return;
    for (const Event& e : book.events()) {
      if (e.type != EventType::level) continue;
      auto& m = e.side == Side::buy ? diff_bids : diff_asks;
      if (e.qty == 0)
        m.erase(e.price);
      else
        m[e.price] = e.qty;
    }
  }

  void check() {
    CAF_REQUIRE(book.check_invariants());
    CAF_REQUIRE(ledger.check_invariants());
    CAF_REQUIRE_EQUAL(ledger.total(kBase).units(), deposited[kBase]);
    CAF_REQUIRE_EQUAL(ledger.total(kQuote).units(), deposited[kQuote]);
    for (Side s : {Side::buy, Side::sell}) {
      auto real = book.depth(s);
      auto ref = model.depth(s);
      CAF_REQUIRE_EQUAL(real.size(), ref.size());
      for (size_t i = 0; i < real.size(); ++i) {
        CAF_REQUIRE_EQUAL(real[i].price, ref[i].price);
        CAF_REQUIRE_EQUAL(real[i].total, ref[i].total);
      }
      const auto& diffs = s == Side::buy ? diff_bids : diff_asks;
      CAF_REQUIRE_EQUAL(diffs.size(), real.size());
      for (const auto& l : real) {
        auto it = diffs.find(l.price);
        CAF_REQUIRE(it != diffs.end() && it->second == l.total);
      }
    }
  }

  // Resting orders agree, and each one's hold is exactly what it still needs.
  void check_orders() {
    auto ref = model.orders();
    size_t i = 0;
    book.for_each_order([&](const RestingOrder& o) {
      CAF_REQUIRE(i < ref.size());
      CAF_REQUIRE_EQUAL(o.id, ref[i].id);
      CAF_REQUIRE_EQUAL(o.remaining, ref[i].remaining);
      CAF_REQUIRE_EQUAL(o.price, ref[i].price);
      CAF_REQUIRE_EQUAL(o.user, ref[i].user);
      ++i;
      Decimal need =
          o.side == Side::sell ? spec.qty_of(o.remaining) : spec.amount_of(o.price * o.remaining);
      CAF_REQUIRE_EQUAL(ledger.held(o.id)->units(), need.units());
    });
    CAF_REQUIRE_EQUAL(i, ref.size());
    CAF_REQUIRE_EQUAL(ledger.open_holds(), ref.size());
  }
};

void run(uint64_t seed, StpPolicy stp, size_t commands) {
  Harness h(seed, stp);
  for (size_t n = 1; n <= commands; ++n) {
    h.step();
    if (n % 1000 == 0) h.check_orders();
  }
  h.check_orders();
  CAF_MESSAGE("seed " << seed << ": " << commands << " commands, " << h.trades << " trades, "
                      << h.stp_cancels << " self-trade cancels, " << h.rejected_funds
                      << " refused for funds, " << h.book.order_count() << " resting");
  CAF_CHECK(h.trades > commands / 10);
  CAF_CHECK(h.stp_cancels > 0);
  CAF_CHECK(h.rejected_funds > 0);
  CAF_CHECK(h.poor_orders > 0);
  CAF_CHECK_EQUAL(h.ledger.balance(kPoor, kQuote)->available.units(), kPoorQuoteUnits);
}

}  // namespace

CAF_TEST(book and model agree over a million commands) {
  for (uint64_t seed : {1, 2, 3, 4})
    run(seed, StpPolicy::cancel_resting, 250'000);
}

CAF_TEST(book and model agree under the other self trade policies) {
  run(5, StpPolicy::cancel_taker, 50'000);
  run(6, StpPolicy::cancel_both, 50'000);
}
