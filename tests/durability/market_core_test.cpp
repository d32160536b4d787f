#define CAF_SUITE market_core
#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <random>

#include "actors/common/binary_codec.hpp"
#include "actors/common/clock.hpp"
#include "actors/journal/journal_actor.hpp"
#include "actors/market/market_core.hpp"
#include "actors/market/market_replay.hpp"
#include "storage/journal.hpp"
#include "storage/snapshot_file.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/ticker_checks.hpp"

using namespace ex;
using ex::testing::dec;
using ex::testing::require_same_window;
using ex::testing::tata_inr;
using ex::testing::TempDir;

namespace {

// A random but valid command stream over a few users: limit orders of every kind around
// a drifting mid, market orders, cancels of live or dead ids, cancel-alls.
class Commands {
 public:
  explicit Commands(uint32_t seed) : rng_(seed) {}

  MarketCommand next(const std::vector<uint64_t>& ids) {
    MarketCommand c;
    c.time_ms = time_ += 7;
    int roll = pick(0, 99);
    if (roll < 12 && !ids.empty()) {
      c.kind = MarketCommand::cancel;
      c.order_id = ids[static_cast<size_t>(pick(0, static_cast<int>(ids.size()) - 1))];
      return c;
    }
    if (roll < 14) {
      c.kind = MarketCommand::cancel_all;
      c.user_id = user();
      return c;
    }
    c.kind = MarketCommand::place;
    PlaceOrder& o = c.order;
    o.user_id = user();
    o.market = "TATA_INR";
    o.request.side = pick(0, 1) ? book::Side::buy : book::Side::sell;
    o.request.quantity = Decimal::from_units(pick(1, 500) * 1000000);  // 0.01 .. 5
    if (roll < 24) {
      o.request.is_market = true;
      o.request.tif = book::TimeInForce::ioc;
      o.kind = OrderKind::market;
      c.held = o.request.side == book::Side::buy ? dec("100000") : o.request.quantity;
      return c;
    }
    mid_ += pick(-2, 2);
    int64_t ticks = mid_ + (o.request.side == book::Side::buy ? -pick(-3, 20) : pick(-3, 20));
    o.request.price = Decimal::from_units(ticks * 1000000);
    int tif = pick(0, 9);
    o.request.tif = tif == 0   ? book::TimeInForce::ioc
                    : tif == 1 ? book::TimeInForce::fok
                               : book::TimeInForce::gtc;
    o.request.post_only = tif == 2;
    c.held = o.request.side == book::Side::buy ? *Decimal::mul(o.request.price, o.request.quantity)
                                               : o.request.quantity;
    return c;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string user() { return std::to_string(pick(1, 6)); }
  std::mt19937 rng_;
  int64_t time_ = 1700000000000;
  int64_t mid_ = 10000;
};

std::vector<uint64_t> open_ids(const MarketCore& m) {
  std::vector<uint64_t> ids;
  m.book().for_each_order([&](const book::RestingOrder& o) { ids.push_back(o.id); });
  return ids;
}

std::string bytes_of(const MarketCore& m) {
  MarketState s = m.state();
  return encode_binary(s);
}

// A GTC limit order of TATA_INR, holding what it needs.
MarketCommand limit_command(const char* user, book::Side side, const char* price, const char* qty) {
  MarketCommand c;
  c.kind = MarketCommand::place;
  c.time_ms = 1700000000000;
  c.order.user_id = user;
  c.order.market = "TATA_INR";
  c.order.request.side = side;
  c.order.request.price = dec(price);
  c.order.request.quantity = dec(qty);
  c.held = side == book::Side::buy ? *Decimal::mul(dec(price), dec(qty)) : dec(qty);
  return c;
}

// A resting sell from `seller` and a buy from `buyer` that takes all of it: one trade.
void trade(MarketCore& m, const std::string& seller, const std::string& buyer, const char* price,
           const char* qty) {
  MarketCore::Output rests, trades;
  auto sell = limit_command(seller.c_str(), book::Side::sell, price, qty);
  CAF_REQUIRE(m.apply(sell, rests));
  auto buy = limit_command(buyer.c_str(), book::Side::buy, price, qty);
  CAF_REQUIRE(m.apply(buy, trades));
  CAF_REQUIRE_EQUAL(trades.reply.fills.size(), 1u);
}

std::unique_ptr<MarketCore> round_trip(const MarketCore& m) {
  MarketState decoded;
  auto bytes = bytes_of(m);
  CAF_REQUIRE(decode_binary(bytes, decoded));
  auto restored = MarketCore::restore(tata_inr(), MarketStart{}, decoded);
  if (!restored) CAF_FAIL("restore failed: " << restored.error().message);
  return std::move(*restored);
}

std::string trades_of(const MarketCore::Output& out) {
  std::string s;
  for (const TradeRecord& t : out.update.trades)
    s += std::to_string(t.trade_id) + ":" + t.price.to_string() + "x" + t.qty.to_string() + "/" +
         std::to_string(t.buy_order_id) + "-" + std::to_string(t.sell_order_id) + " ";
  for (const PriceLevel& l : out.update.bids)
    s += "b" + l.price.to_string() + "=" + l.qty.to_string() + " ";
  for (const PriceLevel& l : out.update.asks)
    s += "a" + l.price.to_string() + "=" + l.qty.to_string() + " ";
  return s;
}

// Per asset, what trading moved between traders sums to zero: money is only moved.
void check_conservation(const MarketCore& m) {
  int64_t base = 0, quote = 0;
  for (const AccountView& v : m.account_views()) {
    base += v.base_flow.units();
    quote += v.quote_flow.units();
    for (const HoldRequest& h : v.holds)
      CAF_CHECK(h.amount.is_positive());
  }
  CAF_CHECK_EQUAL(base, 0);
  CAF_CHECK_EQUAL(quote, 0);
}

}  // namespace

CAF_TEST(a restored market continues exactly as the original) {
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    Commands gen(seed);
    MarketCore original(tata_inr(), MarketStart{});
    std::unique_ptr<MarketCore> copy;
    size_t accepted = 0, traded = 0;
    for (int i = 0; i < 20000; ++i) {
      if (i % 2500 == 1250) copy = round_trip(original);
      MarketCommand cmd = gen.next(open_ids(original));
      MarketCommand twin = cmd;
      MarketCore::Output a, b;
      auto ra = original.apply(cmd, a);
      if (!copy) continue;
      auto rb = copy->apply(twin, b);
      CAF_REQUIRE_EQUAL(static_cast<bool>(ra), static_cast<bool>(rb));
      if (!ra) continue;
      ++accepted;
      traded += a.update.trades.size();
      CAF_REQUIRE_EQUAL(cmd.order_id, twin.order_id);
      CAF_REQUIRE_EQUAL(a.update.seq, b.update.seq);
      CAF_REQUIRE_EQUAL(a.update.depth_update_id, b.update.depth_update_id);
      CAF_REQUIRE_EQUAL(trades_of(a), trades_of(b));
    }
    CAF_CHECK(accepted > 10000);
    CAF_CHECK(traded > 1000);
    CAF_CHECK_EQUAL(bytes_of(original), bytes_of(*copy));
    CAF_CHECK_EQUAL(original.ledger_errors(), 0u);
    CAF_CHECK_EQUAL(copy->ledger_errors(), 0u);
    check_conservation(original);
  }
}

CAF_TEST(the markets clock never runs backwards) {
  MarketCore m(tata_inr(), MarketStart{});
  MarketCore::Output rested, traded, cancelled;
  auto sell = limit_command("1", book::Side::sell, "100", "2");
  const int64_t t0 = sell.time_ms;
  CAF_REQUIRE(m.apply(sell, rested));
  // The wall clock steps back a minute: the next command still comes no earlier, and is
  // journaled so.
  auto buy = limit_command("2", book::Side::buy, "100", "1");
  buy.time_ms = t0 - 60000;
  CAF_REQUIRE(m.apply(buy, traded));
  CAF_CHECK_EQUAL(buy.time_ms, t0);
  CAF_REQUIRE_EQUAL(traded.update.trades.size(), 1u);
  CAF_CHECK_EQUAL(traded.update.trades[0].time_ms, t0);
  for (const OrderInfo& o : traded.update.orders)
    CAF_CHECK_EQUAL(o.update_ms, t0);
  // A market restored from a snapshot takes its clock from its resting orders.
  auto copy = round_trip(m);
  MarketCommand cancel;
  cancel.kind = MarketCommand::cancel;
  cancel.time_ms = t0 - 120000;
  cancel.order_id = sell.order_id;
  cancel.user_id = "1";
  CAF_REQUIRE(copy->apply(cancel, cancelled));
  CAF_CHECK_EQUAL(cancel.time_ms, t0);
  CAF_REQUIRE_EQUAL(cancelled.update.orders.size(), 1u);
  CAF_CHECK(cancelled.update.orders[0].status == OrderStatus::canceled);
  CAF_CHECK_EQUAL(cancelled.update.orders[0].update_ms, t0);
  // Replayed commands keep the times they were journaled with.
  MarketCore replayed(tata_inr(), MarketStart{});
  MarketCore::Output ignored;
  auto late = limit_command("1", book::Side::sell, "100", "2");
  late.order_id = sell.order_id;
  CAF_REQUIRE(replayed.apply(late, ignored, MarketCore::Mode::replay));
  auto early = limit_command("2", book::Side::buy, "100", "1");
  early.time_ms = t0 - 5;
  early.order_id = buy.order_id;
  CAF_REQUIRE(replayed.apply(early, ignored, MarketCore::Mode::replay));
  CAF_CHECK_EQUAL(early.time_ms, t0 - 5);
}

CAF_TEST(a replayed journal reproduces ids and refuses a diverging record) {
  Commands gen(9);
  MarketCore live(tata_inr(), MarketStart{7, 3});
  std::vector<MarketCommand> journal;
  std::vector<std::string> effects;
  for (int i = 0; i < 3000; ++i) {
    MarketCommand cmd = gen.next(open_ids(live));
    MarketCore::Output out;
    if (!live.apply(cmd, out)) continue;
    journal.push_back(cmd);
    effects.push_back(trades_of(out));
  }
  // Silently (state only) and with effects (storage's catch-up): the same market.
  MarketCore silent(tata_inr(), MarketStart{7, 3}), loud(tata_inr(), MarketStart{7, 3});
  for (size_t i = 0; i < journal.size(); ++i) {
    MarketCommand a = journal[i], b = journal[i];
    MarketCore::Output out_a, out_b;
    auto ra = silent.apply(a, out_a, MarketCore::Mode::silent);
    auto rb = loud.apply(b, out_b, MarketCore::Mode::replay);
    if (!ra || !rb) CAF_FAIL("replay refused a journaled command");
    CAF_REQUIRE_EQUAL(trades_of(out_b), effects[i]);
  }
  CAF_CHECK_EQUAL(bytes_of(live), bytes_of(silent));
  CAF_CHECK_EQUAL(bytes_of(live), bytes_of(loud));
  // A record whose id does not match what replay assigns is a divergence, not a retry.
  MarketCommand bad = journal.front();
  bad.order_id += 4096;
  MarketCore fresh(tata_inr(), MarketStart{7, 3});
  MarketCore::Output out;
  if (bad.kind == MarketCommand::place) CAF_CHECK(!fresh.apply(bad, out, MarketCore::Mode::replay));
}

CAF_TEST(snapshots of another market or version are refused) {
  MarketCore m(tata_inr(), MarketStart{});
  MarketState s = m.state();
  s.market = "INFY_INR";
  CAF_CHECK(!MarketCore::restore(tata_inr(), MarketStart{}, s));
  s = m.state();
  s.version = 99;
  CAF_CHECK(!MarketCore::restore(tata_inr(), MarketStart{}, s));
}

CAF_TEST(garbage bytes never decode into a market state) {
  MarketState s;
  CAF_CHECK(!decode_binary(std::string("\x01\x02\x03", 3), s));
  std::string bytes = bytes_of(MarketCore(tata_inr(), MarketStart{}));
  bytes.push_back('x');
  CAF_CHECK(!decode_binary(bytes, s));
}

CAF_TEST(replay falls back to an older snapshot when the newest is unreadable) {
  TempDir d;
  const std::string dir = d.file("TATA_INR");
  Commands gen(21);
  MarketCore live(tata_inr(), MarketStart{});
  CAF_REQUIRE(snapshot::write(dir, 0, bytes_of(live)));
  auto writer = journal::Writer::open(dir, 1, 1 << 20);
  CAF_REQUIRE(writer);
  std::string frames;
  for (int i = 0; i < 2000; ++i) {
    MarketCommand cmd = gen.next(open_ids(live));
    MarketCore::Output out;
    if (!live.apply(cmd, out)) continue;
    journal::append_frame(frames, live.sequence(), encode_binary(cmd));
    if (i == 1000) {  // a snapshot in the middle, then damaged
      CAF_REQUIRE((*writer)->write(frames, live.sequence(), true));
      frames.clear();
      auto snap = snapshot::write(dir, live.sequence(), bytes_of(live));
      CAF_REQUIRE(snap);
      std::filesystem::resize_file(snap->path, std::filesystem::file_size(snap->path) - 3);
    }
  }
  CAF_REQUIRE((*writer)->write(frames, live.sequence(), true));
  auto store = open_sqlite_store(d.file("exchange.db"));
  CAF_REQUIRE(store);
  size_t emitted = 0;
  auto r = replay_market(MarketReplayPlan{dir, tata_inr(), MarketStart{}, live.sequence(), false},
                         **store, [&](MarketUpdate&&) -> Result<bool> {
                           ++emitted;
                           return true;
                         });
  if (!r) CAF_FAIL("replay failed: " << r.error().message);
  CAF_CHECK_EQUAL(bytes_of(*r->core), bytes_of(live));
  CAF_CHECK_EQUAL(r->replayed, live.sequence());  // from snapshot 0: everything
  CAF_CHECK_EQUAL(emitted, 0u);                   // storage already had it all
  // And the spare is what clean-up keeps.
  CAF_CHECK_EQUAL(keep_from(dir, live.sequence()), 0u);
}

CAF_TEST(memory keeps the latest trades and pages below a trade id) {
  MarketStart start;
  start.recent_trades = 5;
  MarketCore m(tata_inr(), start);
  for (int i = 0; i < 12; ++i) {
    trade(m, "1", "2", "100", "1");
  }
  auto ids = [](const std::vector<TradeRecord>& v) {
    std::vector<uint64_t> out;
    for (const auto& t : v)
      out.push_back(t.trade_id);
    return out;
  };
  CAF_CHECK_EQUAL(m.first_trade_kept(), 8u);
  CAF_CHECK_EQUAL(ids(m.trades(3, kAboveNewestTrade)), (std::vector<uint64_t>{12, 11, 10}));
  CAF_CHECK_EQUAL(ids(m.trades(3, 10)), (std::vector<uint64_t>{9, 8}));
  CAF_CHECK_EQUAL(ids(m.trades(10, 13)), (std::vector<uint64_t>{12, 11, 10, 9, 8}));
  CAF_CHECK(m.trades(3, 8).empty());
  CAF_CHECK(m.trades(3, 1).empty());
  CAF_CHECK(m.trades(0, kAboveNewestTrade).empty());
  MarketCore fresh(tata_inr(), MarketStart{7, 3});
  CAF_CHECK_EQUAL(fresh.first_trade_kept(), 3u);
  CAF_CHECK(fresh.trades(10, kAboveNewestTrade).empty());
}

CAF_TEST(memory keeps the latest closed orders and tells which commands it let go) {
  MarketStart start;
  start.recent_closed = 3;
  MarketCore m(tata_inr(), start);
  std::vector<uint64_t> ids;  // sell, buy, sell, buy...: each pair closed by the buy
  auto place = [&](const char* user, book::Side side) {
    MarketCore::Output out;
    auto c = limit_command(user, side, "100", "1");
    CAF_REQUIRE(m.apply(c, out));
    ids.push_back(out.reply.order.order_id);
  };
  for (int i = 0; i < 2; ++i) {
    place("1", book::Side::sell);
    place("2", book::Side::buy);
  }
  // Commands 2 and 4 closed two orders each; the oldest went (closed by command 2).
  CAF_CHECK_EQUAL(m.forgotten_through(), 2u);
  CAF_CHECK(m.find(ids[0]) == nullptr);
  CAF_CHECK(m.find(ids[1]) != nullptr);
  place("1", book::Side::sell);
  place("2", book::Side::buy);
  CAF_CHECK_EQUAL(m.forgotten_through(), 4u);  // ids[1] (command 2) and ids[2] (command 4)
  CAF_CHECK(m.find(ids[2]) == nullptr);
  CAF_CHECK(m.find(ids[3]) != nullptr);
  // A restored market lacks every order closed before its snapshot.
  CAF_CHECK_EQUAL(round_trip(m)->forgotten_through(), 6u);
  CAF_CHECK_EQUAL(MarketCore(tata_inr(), start).forgotten_through(), 0u);
}

CAF_TEST(a traders turnover does not pile up in the markets books) {
  // Each order funds its hold into the market's shadow ledger; what comes back (a
  // released hold, proceeds) goes back out. Three orders holding 9e10 INR each, cancelled,
  // then a buyer and seller trading 9e10 INR back and forth: sums near 2^63 units that
  // would wrap if they accumulated.
  MarketCore m(tata_inr(), MarketStart{});
  for (int i = 0; i < 3; ++i) {
    MarketCore::Output placed, cancelled;
    auto buy = limit_command("whale", book::Side::buy, "1000", "90000000");
    CAF_REQUIRE(m.apply(buy, placed));
    MarketCommand cancel;
    cancel.kind = MarketCommand::cancel;
    cancel.time_ms = 1700000000000;
    cancel.order_id = buy.order_id;
    cancel.user_id = "whale";
    CAF_REQUIRE(m.apply(cancel, cancelled));
  }
  for (int i = 0; i < 3; ++i) {
    trade(m, i % 2 ? "b" : "a", i % 2 ? "a" : "b", "1000", "90000000");
  }
  CAF_CHECK_EQUAL(m.ledger_errors(), 0u);
  std::map<std::string, std::pair<std::string, std::string>> flows;
  for (const AccountView& v : m.account_views())
    flows[v.user_id] = {v.base_flow.to_string(), v.quote_flow.to_string()};
  // a sold, bought, sold; b bought, sold, bought: each ends one trade's worth apart.
  CAF_CHECK_EQUAL(flows["whale"], std::make_pair(std::string("0"), std::string("0")));
  CAF_CHECK_EQUAL(flows["a"], std::make_pair(std::string("-90000000"), std::string("90000000000")));
  CAF_CHECK_EQUAL(flows["b"], std::make_pair(std::string("90000000"), std::string("-90000000000")));
  // A snapshot of that state restores and goes on the same.
  auto restored = round_trip(m);
  CAF_CHECK_EQUAL(bytes_of(*restored), bytes_of(m));
}

CAF_TEST(a traders flow in one market may pass the int64 range while its balance cannot) {
  // With a quote asset shared by two markets, a trader can win in one what it loses in the
  // other, again and again: its flow here grows without bound, modulo 2^64, and the sum
  // over markets (its balance) comes out exact. Here it sells 4.6e10 INR worth four times.
  MarketCore m(tata_inr(), MarketStart{});
  for (int i = 0; i < 4; ++i) {
    trade(m, "seller", "buyer", "10000000000", "4.6");
  }
  CAF_CHECK_EQUAL(m.ledger_errors(), 0u);
  std::map<std::string, int64_t> quote;
  for (const AccountView& v : m.account_views())
    quote[v.user_id] = v.quote_flow.units();
  // 4 x 4.6e10 INR = 1.84e19 units: beyond 2^63, so the flows wrap, and cancel exactly.
  const uint64_t proceeds = 4 * uint64_t{4600000000000000000};
  CAF_CHECK_EQUAL(static_cast<uint64_t>(quote["seller"]), proceeds);
  CAF_CHECK_EQUAL(static_cast<uint64_t>(quote["buyer"]), uint64_t{0} - proceeds);
  CAF_CHECK_EQUAL(wrapping_add(quote["seller"], quote["buyer"]), 0);
}

CAF_TEST(a market rebuilt from storage has the whole day in its ticker) {
  // 26 hours of trades, one every 31 s at wandering prices, far more than the 10 recent
  // trades memory keeps: the ticker comes back from the one-minute candles, not from them.
  TempDir d;
  MarketStart start;
  start.recent_trades = 10;
  MarketCore live(tata_inr(), start);
  WriteBatch batch;
  const int64_t first = now_ms() - 26 * 3600 * 1000;
  std::mt19937 rng(5);
  for (int64_t t = first; t < now_ms() - 1000; t += 31000) {
    const std::string price = std::to_string(90 + rng() % 20) + "." + std::to_string(rng() % 10);
    const std::string qty = std::to_string(1 + rng() % 5);
    for (auto side : {book::Side::sell, book::Side::buy}) {
      MarketCommand c =
          limit_command(side == book::Side::sell ? "1" : "2", side, price.c_str(), qty.c_str());
      c.time_ms = t;
      MarketCore::Output out;
      CAF_REQUIRE(live.apply(c, out));
      batch.trades.insert(batch.trades.end(), out.update.trades.begin(), out.update.trades.end());
      for (size_t i = 0; i < out.update.candles.size(); ++i)
        batch.candles.push_back(
            CandleRecord{"TATA_INR", static_cast<Interval>(i), out.update.candles[i]});
    }
  }
  CAF_REQUIRE_GREATER(batch.trades.size(), 3000u);
  auto store = open_sqlite_store(d.file("exchange.db"));
  CAF_REQUIRE(store);
  CAF_REQUIRE((*store)->write(batch));

  MarketCore rebuilt(tata_inr(), start);
  MarketHistory history = load_history(**store, "TATA_INR", start.recent_trades);
  CAF_CHECK_EQUAL(history.trades.size(), 10u);
  rebuilt.load_history(history);
  TickerStats want = live.ticker(history.as_of_ms), got = rebuilt.ticker(history.as_of_ms);
  CAF_CHECK_GREATER(want.trades, 2700);  // the day's trades: about 24 h / 31 s
  CAF_CHECK_EQUAL(got.start_ms, want.start_ms);
  CAF_CHECK_EQUAL(got.price_change_percent, want.price_change_percent);
  require_same_window(got, want);
  // And the latest trades, newest last.
  auto rebuilt_trades = rebuilt.trades(10, kAboveNewestTrade);
  auto live_trades = live.trades(1, kAboveNewestTrade);
  CAF_REQUIRE(!rebuilt_trades.empty() && !live_trades.empty());
  CAF_CHECK_EQUAL(rebuilt_trades.front().trade_id, live_trades.front().trade_id);
}

CAF_TEST(a market whose last trade is older than a day keeps its last price) {
  TempDir d;
  MarketCore live(tata_inr(), MarketStart{});
  MarketCommand sell = limit_command("1", book::Side::sell, "101.5", "2");
  MarketCommand buy = limit_command("2", book::Side::buy, "101.5", "2");
  sell.time_ms = buy.time_ms = now_ms() - 30 * 3600 * 1000;
  MarketCore::Output rests, traded;
  CAF_REQUIRE(live.apply(sell, rests));
  CAF_REQUIRE(live.apply(buy, traded));
  WriteBatch batch;
  batch.trades = traded.update.trades;
  for (size_t i = 0; i < traded.update.candles.size(); ++i)
    batch.candles.push_back(
        CandleRecord{"TATA_INR", static_cast<Interval>(i), traded.update.candles[i]});
  auto store = open_sqlite_store(d.file("exchange.db"));
  CAF_REQUIRE(store);
  CAF_REQUIRE((*store)->write(batch));
  MarketCore rebuilt(tata_inr(), MarketStart{});
  MarketHistory history = load_history(**store, "TATA_INR", 1000);
  rebuilt.load_history(history);
  TickerStats s = rebuilt.ticker(history.as_of_ms);
  CAF_CHECK_EQUAL(s.last_price, dec("101.5"));
  CAF_CHECK_EQUAL(s.first_price, dec("101.5"));
  CAF_CHECK_EQUAL(s.volume, dec("0"));
  CAF_CHECK_EQUAL(s.trades, 0);
}
