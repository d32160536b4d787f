#include "net/bots/market_maker.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <sstream>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/bots/bot_link.hpp"
#include "net/bots/order_tracker.hpp"
#include "net/client/api_client.hpp"
#include "net/client/backoff.hpp"
#include "net/client/local_book.hpp"
#include "net/client/timer.hpp"
#include "net/client/ws_client.hpp"

namespace ex::bots {

namespace asio = boost::asio;
using client::ApiError;
using client::Balances;
using client::CancelResult;
using client::DepthEvent;
using client::FillEvent;
using client::OrderState;
using client::PlaceResult;
using client::Reply;
using client::TradeEvent;
using std::chrono::milliseconds;

namespace {

// running: quoting. offline: the exchange is gone; waiting for /ready and the WebSocket.
// reconciling: finding out what happened to orders meanwhile. stopping: cancelling.
enum class Phase { idle, starting, running, offline, reconciling, stopping, stopped };

struct MmMarket {
  MarketInfo info;
  LadderParams ladder;
  std::optional<Decimal> configured_reference;
  std::unique_ptr<PriceWalk> walk;
  Decimal reference;
  Clock::time_point walked_at;
  std::optional<Decimal> last_trade;
  client::LocalBook book;
  bool snapshot_in_flight = false;
  std::unique_ptr<asio::steady_timer> refresh_timer;
  std::unique_ptr<asio::steady_timer> take_timer;
  std::unique_ptr<asio::steady_timer> snapshot_timer;
  bool refresh_posted = false;
  Clock::time_point pause_until[2];  // per side, after INSUFFICIENT_FUNDS
  CrossGuard cross_guard;
};

int side_index(Side s) {
  return s == Side::buy ? 0 : 1;
}

// A user the exchange has never seen (one exists once it has deposited): it holds nothing
// and has no orders, which is what the requests about it are then taken to answer.
bool unknown_user(const ApiError& e) {
  return e.status == 404 && e.code == "UNKNOWN_USER";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

struct MarketMaker::Impl {
  Impl(asio::io_context& io, MmConfig cfg)
      : io(io),
        cfg(std::move(cfg)),
        http(io, *client::parse_url(this->cfg.http_url),
             http_options(this->cfg.http_connections, this->cfg.request_timeout_ms)),
        api(http),
        ws(io, stream_url(this->cfg.ws_url, this->cfg.http_url), client::WsOptions{}),
        ready_timer(io),
        status_timer(io),
        balance_timer(io),
        reconcile_timer(io),
        stop_timer(io),
        ready_backoff(milliseconds(200), milliseconds(3000), 0.2),
        rng(seed_or_clock(this->cfg.seed)),
        tracker(session_name()) {
    log.name = "mm";
    BotLog::parse(this->cfg.log_level, &log.level);
  }

  // Client ids start with the prefix and a random session tag, so that this run's orders
  // are told apart from those of an earlier run. Not from `rng`: two runs with the same
  // --seed would share the tag, and a reply lost to an outage would then be looked up in
  // the order history and matched with the earlier run's order of the same id.
  std::string session_name() {
    std::ostringstream s;
    s << std::hex << (std::random_device{}() & 0xffffff);
    return cfg.client_id_prefix + s.str();
  }

  asio::io_context& io;
  MmConfig cfg;
  BotLog log;
  client::HttpClient http;
  client::ApiClient api;
  client::WsClient ws;
  asio::steady_timer ready_timer, status_timer, balance_timer, reconcile_timer, stop_timer;
  client::Backoff ready_backoff;
  std::mt19937_64 rng;
  OrderTracker tracker;
  FillLedger& ledger = tracker.ledger();

  Phase phase = Phase::idle;
  bool ready_ok = false;
  bool ws_started = false;
  std::function<void(const std::string&)> fatal;
  std::function<void()> stop_done;
  Clock::time_point started_at = Clock::now();
  Clock::time_point offline_since;
  bool reconcile_pending = false;

  std::vector<std::unique_ptr<MmMarket>> markets;

  // Counters for the status line and the summary.
  uint64_t placed = 0, rejected = 0, cross_rejects = 0, funds_rejects = 0, cancels = 0,
           cancel_gone = 0, maker_fills = 0, taker_orders = 0, taker_fills = 0, trades_seen = 0,
           transport_errors = 0, server_errors = 0, offline_count = 0, deposits = 0,
           depth_resyncs = 0, drift_warnings = 0, adopted = 0, strays_cancelled = 0,
           exit_cancelled = 0, left_open = 0, inconsistent = 0;
  bool left_open_known = false;  // the exchange answered the last open-orders query
  int cancel_attempts = 3;       // per market at shutdown; 1 when the exchange is away
  double offline_seconds = 0;
  int drift_streak = 0;
  std::string final_check = "skipped";
  std::string final_drift;
  std::unordered_set<std::string> topups_in_flight;
  bool ledger_loaded = false;        // the start-up balances are in the ledger
  std::set<std::string> unfunded;    // users that hold nothing they trade: they place nothing
  std::set<std::string> never_seen;  // users the exchange answered UNKNOWN_USER about

  // ---------------------------------------------------------------- start-up

  void start() {
    phase = Phase::starting;
    log.info(
        "starting: REST " + http.base().text() + ", WebSocket " + ws.url().text() +
        ", maker user " + cfg.user +
        (cfg.taker_user.empty() ? std::string(", no taking") : ", taker user " + cfg.taker_user));
    wait_ready();
  }

  void wait_ready() {
    api.ready([this](Reply<bool> r) {
      if (phase != Phase::starting) return;
      if (r.ok()) {
        ready_backoff.reset();
        return load_markets();
      }
      double waited = std::chrono::duration<double>(Clock::now() - started_at).count();
      if (cfg.wait_ready_s > 0 && waited > cfg.wait_ready_s)
        return fail_start("the exchange did not become ready within " + fixed(cfg.wait_ready_s, 0) +
                          " s: " + r.error().describe());
      if (ready_backoff.attempts() == 0 || ready_backoff.attempts() % 10 == 0)
        log.info("waiting for the exchange: " + r.error().describe());
      client::run_after(ready_timer, ready_backoff.next(), [this] { wait_ready(); });
    });
  }

  void fail_start(const std::string& why) {
    log.error(why);
    phase = Phase::stopped;
    ws.stop();
    http.close();
    if (fatal) fatal(why);
  }

  void load_markets() {
    api.markets([this](Reply<std::vector<MarketInfo>> r) {
      if (phase != Phase::starting) return;
      if (!r.ok()) {
        log.warn("GET /api/v1/markets: " + r.error().describe());
        return client::run_after(ready_timer, ready_backoff.next(), [this] { wait_ready(); });
      }
      std::vector<MarketInfo> chosen;
      if (cfg.markets.empty()) {
        chosen = *r;
      } else {
        for (const std::string& symbol : cfg.markets) {
          auto it = std::find_if(r->begin(), r->end(),
                                 [&](const MarketInfo& m) { return m.symbol == symbol; });
          if (it == r->end()) return fail_start("unknown market " + symbol);
          chosen.push_back(*it);
        }
      }
      if (chosen.empty()) return fail_start("the exchange lists no markets");
      for (const auto& [symbol, o] : cfg.overrides)
        if (std::none_of(chosen.begin(), chosen.end(),
                         [&](const MarketInfo& m) { return m.symbol == symbol; }))
          log.warn("settings for market " + symbol + " ignored: not quoted");
      for (const MarketInfo& info : chosen)
        add_market(info);
      initial_cancel();
    });
  }

  void add_market(const MarketInfo& info) {
    auto m = std::make_unique<MmMarket>();
    m->info = info;
    m->ladder = cfg.ladder;
    if (auto it = cfg.overrides.find(info.symbol); it != cfg.overrides.end()) {
      const MmMarketOverride& o = it->second;
      if (o.levels) m->ladder.levels = *o.levels;
      if (o.quantity) m->ladder.quantity = *o.quantity;
      if (o.spread_bps) m->ladder.spread_bps = *o.spread_bps;
      if (o.level_step_bps) m->ladder.level_step_bps = *o.level_step_bps;
      if (o.max_position) m->ladder.max_position = *o.max_position;
      m->configured_reference = o.reference_price;
    }
    m->refresh_timer = std::make_unique<asio::steady_timer>(io);
    m->take_timer = std::make_unique<asio::steady_timer>(io);
    m->snapshot_timer = std::make_unique<asio::steady_timer>(io);
    markets.push_back(std::move(m));
  }

  // Orders a previous run left behind would hold slots and funds: cancel them first.
  void initial_cancel() {
    if (!cfg.cancel_on_start) return load_balances();
    auto remaining = std::make_shared<size_t>(markets.size());
    auto failed = std::make_shared<bool>(false);
    for (auto& m : markets) {
      std::string symbol = m->info.symbol;
      cancel_all_of(
          symbol, cfg.user, [this, remaining, failed, symbol](Reply<std::vector<CancelResult>> r) {
            if (phase != Phase::starting) return;
            if (!r.ok()) {
              log.warn("cancelling leftover orders in " + symbol + ": " + r.error().describe());
              *failed = true;
            } else if (!r->empty()) {
              log.info("cancelled " + std::to_string(r->size()) + " leftover orders in " + symbol);
            }
            if (--*remaining > 0) return;
            if (*failed)
              return client::run_after(ready_timer, ready_backoff.next(),
                                       [this] { initial_cancel(); });
            load_balances();
          });
    }
  }

  std::vector<std::string> users() const {
    std::vector<std::string> u{cfg.user};
    if (!cfg.taker_user.empty() && cfg.taker_user != cfg.user) u.push_back(cfg.taker_user);
    return u;
  }

  // The assets the bot trades: base and quote of every market (the maker quotes both
  // sides, the taker buys and sells).
  std::set<std::string> assets() const {
    std::set<std::string> out;
    for (auto& m : markets) {
      out.insert(m->info.base);
      out.insert(m->info.quote);
    }
    return out;
  }

  // The ledger starts from the exchange's balances, now that no order of ours is open;
  // quoting starts once any deposits (--topup) are in.
  void load_balances() {
    auto list = users();
    auto remaining = std::make_shared<size_t>(list.size());
    auto failed = std::make_shared<bool>(false);
    auto next = [this, remaining, failed] {
      if (--*remaining > 0 || phase != Phase::starting) return;
      if (*failed)
        return client::run_after(ready_timer, ready_backoff.next(), [this] { load_balances(); });
      ledger_loaded = true;
      check_funds();
      load_references(0);
    };
    for (const std::string& user : list) {
      fetch_balances(user, [this, user, failed, next](Reply<Balances> r) {
        if (phase != Phase::starting) return;
        if (!r.ok()) {
          log.warn("balances of " + user + ": " + r.error().describe());
          *failed = true;
          return next();
        }
        ledger.rebase(user, *r);
        check_topup(user, *r, next);
      });
    }
  }

  // Once the start-up deposits are in: says plainly which user lacks what, and how to fix
  // it. A user that holds none of the assets places no orders (each would be refused, again
  // and again) until the balance checks see funds arrive.
  void check_funds() {
    std::set<std::string> all = assets();
    for (const std::string& user : users()) {
      std::vector<std::string> missing;
      for (const std::string& asset : all)
        if (!ledger.expected(user, asset).is_positive()) missing.push_back(asset);
      if (missing.empty()) continue;
      bool maker = user == cfg.user;
      std::string role = maker ? "maker user " : "taker user ";
      if (missing.size() < all.size()) {
        log.warn(role + user + " holds no " + join(missing) + ": its " +
                 (maker ? "quotes" : "orders") + " that need it are refused until it does" +
                 (cfg.topup ? "" : " (--topup deposits what runs low)"));
        continue;
      }
      unfunded.insert(user);
      std::string how =
          cfg.topup ? "The deposits failed (see above); they are retried at each balance check."
                    : "Fund it: POST /api/v1/on-ramp {\"userId\": \"" + user + "\", \"asset\": \"" +
                          *all.begin() +
                          "\", \"amount\": \"1000000\"} for each of those assets; or run "
                          "exchange-mm with --topup to let it deposit; or, on an exchange run "
                          "with --demo, use one of its funded users (1, 2, 5).";
      log.error(role + user + " holds none of " + join(missing) +
                (never_seen.count(user) ? " (the exchange does not know it: a user exists once "
                                          "it has deposited)"
                                        : "") +
                ", so it " + (maker ? "cannot quote" : "cannot take liquidity") + ". " + how +
                " Waiting for funds: " + (maker ? "quoting" : "taking") +
                " starts when they arrive.");
    }
  }

  // A user that held nothing at the start (so it has placed no order) and holds something
  // now was funded from outside: its balances become the ledger's baseline, and it trades.
  void note_funds(const std::string& user, const Balances& b) {
    if (!unfunded.count(user)) return;
    std::set<std::string> all = assets();
    if (std::none_of(b.begin(), b.end(), [&](const auto& kv) {
          return all.count(kv.first) && kv.second.total().is_positive();
        }))
      return;
    ledger.rebase(user, b);
    unfunded.erase(user);
    never_seen.erase(user);
    bool maker = user == cfg.user;
    log.info("user " + user + " now holds funds: " + (maker ? "quoting" : "taking liquidity"));
    if (maker)
      for (size_t i = 0; i < markets.size(); ++i)
        post_refresh(i);
  }

  // A user the exchange has never seen holds nothing (its first deposit creates it).
  void fetch_balances(const std::string& user, std::function<void(Reply<Balances>)> done) {
    api.balances(user, [this, user, done](Reply<Balances> r) {
      if (!r.ok() && unknown_user(r.error())) {
        never_seen.insert(user);
        return done(Balances{});
      }
      done(std::move(r));
    });
  }

  // ... and has no orders: these answer as much rather than UNKNOWN_USER.
  void cancel_all_of(const std::string& symbol, const std::string& user,
                     client::Callback<std::vector<CancelResult>> done) {
    api.cancel_all(symbol, user, [done](Reply<std::vector<CancelResult>> r) {
      if (!r.ok() && unknown_user(r.error())) return done(std::vector<CancelResult>{});
      done(std::move(r));
    });
  }

  void open_orders_of(const std::string& user, const std::string& symbol,
                      client::Callback<std::vector<OrderState>> done) {
    api.open_orders(user, symbol, [done](Reply<std::vector<OrderState>> r) {
      if (!r.ok() && unknown_user(r.error())) return done(std::vector<OrderState>{});
      done(std::move(r));
    });
  }

  // Reference of each market: configured, else the last trade, else the book's middle,
  // else the default.
  void load_references(size_t i) {
    if (i >= markets.size()) return connect_stream();
    MmMarket& m = *markets[i];
    auto use = [this, i](Decimal price, const std::string& source) {
      MmMarket& m = *markets[i];
      auto on_grid = round_price(price, m.info.tick_size, Side::buy);
      m.reference = on_grid ? *on_grid : m.info.tick_size;
      WalkParams w = cfg.walk;
      w.seed = rng();
      m.walk = std::make_unique<PriceWalk>(m.reference, m.info.tick_size, w);
      m.walked_at = Clock::now();
      log.info(m.info.symbol + ": reference " + m.reference.to_string() + " (" + source + "), " +
               std::to_string(m.ladder.levels) + " levels per side");
      load_references(i + 1);
    };
    if (m.configured_reference) return use(*m.configured_reference, "configured");
    api.trades(m.info.symbol, 1, [this, i, use](Reply<std::vector<client::PublicTrade>> r) {
      if (phase != Phase::starting) return;
      if (r.ok() && !r->empty()) return use(r->front().price, "last trade");
      api.depth(markets[i]->info.symbol, 1, [this, use](Reply<client::DepthSnapshot> d) {
        if (phase != Phase::starting) return;
        if (d.ok() && !d->bids.empty() && !d->asks.empty()) {
          auto mid = Decimal::from_units((d->bids[0].price.units() + d->asks[0].price.units()) / 2);
          return use(mid, "book middle");
        }
        use(cfg.default_reference, "default");
      });
    });
  }

  void connect_stream() {
    if (ws_started) return;
    ws_started = true;
    client::WsHandlers h;
    h.on_open = [this] { on_ws_open(); };
    h.on_message = [this](std::string_view text) { on_ws_message(text); };
    h.on_close = [this](const std::string& why) { on_ws_close(why); };
    ws.start(std::move(h));
  }

  // ---------------------------------------------------------------- streams

  void on_ws_open() {
    std::vector<std::string> streams;
    for (auto& m : markets) {
      streams.push_back("depth@" + m->info.symbol);
      streams.push_back("trade@" + m->info.symbol);
      streams.push_back("fills@" + m->info.symbol);
    }
    ws.send(client::encode_subscribe(streams, 1));
    for (size_t i = 0; i < markets.size(); ++i) {
      markets[i]->book.reset();
      take_snapshot(i);
    }
    if (ws.connects() > 1) log.info("WebSocket reconnected");
    if (phase == Phase::starting) {
      phase = Phase::running;
      if (unfunded.count(cfg.user))
        log.info("connected to " + std::to_string(markets.size()) +
                 " market(s): waiting for funds of " + cfg.user + " before quoting");
      else
        log.info("quoting " + std::to_string(markets.size()) + " market(s)");
      begin_running();
    } else if (phase == Phase::offline) {
      maybe_resume();
    }
  }

  void on_ws_close(const std::string& why) {
    if (phase == Phase::running || phase == Phase::reconciling)
      go_offline("WebSocket closed: " + why);
  }

  void on_ws_message(std::string_view text) {
    bool malformed = false;
    client::StreamEvent e = client::decode_stream_event(text, &malformed);
    if (malformed) {
      log.warn("malformed stream frame: " + std::string(text.substr(0, 200)));
      return;
    }
    if (auto* f = std::get_if<FillEvent>(&e)) return on_fill(*f);
    if (auto* d = std::get_if<DepthEvent>(&e)) return on_depth(*d);
    if (auto* t = std::get_if<TradeEvent>(&e)) return on_trade(*t);
    if (auto* r = std::get_if<client::StreamReply>(&e); r && !r->ok)
      log.warn("subscription refused: " + r->message);
  }

  MmMarket* market_named(const std::string& symbol) {
    for (auto& m : markets)
      if (m->info.symbol == symbol) return m.get();
    return nullptr;
  }

  size_t index_of(const MmMarket* m) const {
    for (size_t i = 0; i < markets.size(); ++i)
      if (markets[i].get() == m) return i;
    return markets.size();
  }

  void on_depth(const DepthEvent& d) {
    MmMarket* m = market_named(d.market);
    if (!m) return;
    if (m->book.apply_event(d) == client::LocalBook::Applied::gap) {
      ++depth_resyncs;
      log.debug(m->info.symbol + ": depth update missed, resynchronising");
      m->book.reset();
      take_snapshot(index_of(m));
    }
  }

  void take_snapshot(size_t i) {
    MmMarket& m = *markets[i];
    if (m.snapshot_in_flight) return;
    m.snapshot_in_flight = true;
    api.depth(m.info.symbol, 1000, [this, i](Reply<client::DepthSnapshot> r) {
      MmMarket& m = *markets[i];
      m.snapshot_in_flight = false;
      if (phase == Phase::stopped) return;
      if (r.ok() && m.book.apply_snapshot(*r)) return post_refresh(i);
      if (r.ok()) ++depth_resyncs;
      m.book.reset();
      client::run_after(*m.snapshot_timer, milliseconds(r.ok() ? 50 : 1000), [this, i] {
        if (ws.is_open()) take_snapshot(i);
      });
    });
  }

  void on_trade(const TradeEvent& t) {
    MmMarket* m = market_named(t.market);
    if (!m) return;
    m->last_trade = t.trade.price;
    ++trades_seen;
  }

  void on_fill(const FillEvent& f) {
    auto out = tracker.on_fill(f, users(), Clock::now());
    if (out.kind == OrderTracker::FillOutcome::ignored ||
        out.kind == OrderTracker::FillOutcome::held)
      return;
    ++(out.taker ? taker_fills : maker_fills);
    if (out.kind == OrderTracker::FillOutcome::completed) post_refresh(out.market);
  }

  // ---------------------------------------------------------------- orders

  TrackedOrder& new_order(size_t mi, Side side, Decimal price, Decimal qty, bool taker) {
    const MmMarket& m = *markets[mi];
    OrderTracker::NewOrder n;
    n.market = mi;
    n.base = m.info.base;
    n.quote = m.info.quote;
    n.user = taker ? cfg.taker_user : cfg.user;
    n.side = side;
    n.price = price;
    n.qty = qty;
    n.taker = taker;
    if (!taker && cfg.max_age_ms > 0) {
      std::uniform_real_distribution<double> jitter(0.8, 1.2);
      n.max_age_ms = static_cast<int64_t>(static_cast<double>(cfg.max_age_ms) * jitter(rng));
    }
    return tracker.add(n, Clock::now());
  }

  void place_quote(size_t mi, const Quote& q) {
    const TrackedOrder& o = new_order(mi, q.side, q.price, q.qty, false);
    client::OrderRequest r;
    r.market = markets[mi]->info.symbol;
    r.user_id = cfg.user;
    r.side = q.side;
    r.price = q.price;
    r.quantity = q.qty;
    r.time_in_force = "GTC";
    r.post_only = true;  // a quote never takes: every fill is at its own price
    r.client_order_id = o.client_id;
    uint64_t key = o.key;
    api.place(r, [this, mi, key](Reply<PlaceResult> rep) { on_placed(mi, key, rep); });
  }

  void on_placed(size_t mi, uint64_t key, Reply<PlaceResult>& rep) {
    MmMarket& m = *markets[mi];
    TrackedOrder* o = tracker.find(key);
    if (!o) return;
    if (rep.ok()) {
      bool taker = o->taker;
      ++(taker ? taker_orders : placed);
      if (taker) taker_fills += rep->fills.size();
      if (tracker.on_placed(key, *rep, Clock::now()) && !taker) post_refresh(mi);
      return;
    }
    const ApiError& e = rep.error();
    if (e.transport() || e.status >= 500) {
      o->state = TrackedOrder::State::unknown;  // it may or may not have been placed
      return request_failed(e, "placing an order in " + m.info.symbol);
    }
    ++rejected;
    bool refill_now = true;
    if (e.code == "POST_ONLY_WOULD_CROSS") {
      ++cross_rejects;
      m.cross_guard.refused(o->side, o->price, m.book.last_update_id(), m.reference);
      // The book it was quoted from is behind: a refill now would be refused again until
      // it catches up, so the next periodic refresh does it.
      refill_now = false;
    } else if (e.code == "INSUFFICIENT_FUNDS" || unknown_user(e)) {
      ++funds_rejects;
      // The taker's refusals say nothing of the maker's funds: its quotes go on.
      if (!o->taker) m.pause_until[side_index(o->side)] = Clock::now() + std::chrono::seconds(5);
      if (funds_rejects == 1 || funds_rejects % 100 == 0)
        log.warn(o->user + " lacks funds for a " + client::side_name(o->side) + " in " +
                 m.info.symbol + (cfg.topup ? " (topping up)" : " (use --topup to deposit)"));
      if (cfg.topup) check_balances_now(o->user);
    } else if (rejected - cross_rejects - funds_rejects <= 10) {
      log.warn("order refused in " + m.info.symbol + ": " + e.describe());
    }
    tracker.close(key);
    if (refill_now) post_refresh(mi);
  }

  void cancel_quote(size_t mi, uint64_t key) {
    TrackedOrder* o = tracker.find(key);
    if (!o) return;
    o->state = TrackedOrder::State::cancelling;
    api.cancel(markets[mi]->info.symbol, o->order_id, cfg.user,
               [this, mi, key](Reply<CancelResult> r) {
                 TrackedOrder* o = tracker.find(key);
                 if (!o) return;
                 if (r.ok()) {
                   ++cancels;
                   tracker.set_executed(key, r->executed);
                   tracker.close(key);
                   return post_refresh(mi);
                 }
                 const ApiError& e = r.error();
                 if (e.status == 404) {  // filled or cancelled meanwhile: how much executed?
                   ++cancel_gone;
                   return resolve_by_id(mi, key, [this, mi] { post_refresh(mi); });
                 }
                 o->state = TrackedOrder::State::unknown;
                 if (e.transport() || e.status >= 500)
                   return request_failed(e, "cancelling in " + markets[mi]->info.symbol);
                 log.warn("cancel refused in " + markets[mi]->info.symbol + ": " + e.describe());
                 schedule_reconcile();
               });
  }

  // Learns the final execution of an order that left the book from GET /api/v1/order,
  // and closes it. `then` runs afterwards whatever happened.
  void resolve_by_id(size_t mi, uint64_t key, std::function<void()> then) {
    TrackedOrder* o = tracker.find(key);
    if (!o || o->order_id.empty()) return then();
    api.order(markets[mi]->info.symbol, o->order_id, [this, mi, key, then](Reply<OrderState> r) {
      TrackedOrder* o = tracker.find(key);
      if (!o) return then();
      const std::string& symbol = markets[mi]->info.symbol;
      if (r.ok()) {
        // Callers ask only about orders the book no longer has (a cancel answered
        // 404, or the open orders left it out): closed, whatever this says.
        tracker.set_executed(key, r->executed);
        if (r->open() && ++inconsistent <= 5)
          log.warn(symbol + ": order " + o->order_id +
                   " is reported open but is neither cancellable nor listed as open");
        tracker.close(key);
      } else if (r.error().status == 404) {
        log.warn(symbol + ": the exchange no longer knows order " + o->order_id);
        tracker.close(key);
      } else {
        o->state = TrackedOrder::State::unknown;
        if (r.error().transport()) request_failed(r.error(), "querying an order");
      }
      then();
    });
  }

  void request_failed(const ApiError& e, const std::string& what) {
    if (e.transport()) {
      ++transport_errors;
      if (phase == Phase::running || phase == Phase::reconciling)
        go_offline(what + ": " + e.describe());
    } else {
      ++server_errors;
      if (server_errors <= 10 || server_errors % 100 == 0) log.warn(what + ": " + e.describe());
      schedule_reconcile();
    }
  }

  // ---------------------------------------------------------------- quoting

  void begin_running() {
    for (size_t i = 0; i < markets.size(); ++i) {
      schedule_refresh(i, milliseconds(0));
      schedule_take(i);
    }
    schedule_status();
    schedule_balance_check(milliseconds(cfg.balance_check_ms));
    schedule_periodic_reconcile();
  }

  void schedule_refresh(size_t i, milliseconds delay) {
    client::run_after(*markets[i]->refresh_timer, delay, [this, i] {
      refresh(i);
      schedule_refresh(i, milliseconds(cfg.refresh_ms));
    });
  }

  void post_refresh(size_t i) {
    if (i >= markets.size() || markets[i]->refresh_posted || phase != Phase::running) return;
    markets[i]->refresh_posted = true;
    asio::post(io, [this, i] {
      markets[i]->refresh_posted = false;
      refresh(i);
    });
  }

  Decimal advance_reference(MmMarket& m) {
    auto now = Clock::now();
    if (cfg.reference == "last") {
      if (m.last_trade) m.reference = *m.last_trade;
    } else {
      double dt = std::chrono::duration<double>(now - m.walked_at).count();
      m.reference = m.walk->step(std::min(dt, 5.0));
    }
    m.walked_at = now;
    return m.reference;
  }

  void refresh(size_t i) {
    if (phase != Phase::running || unfunded.count(cfg.user)) return;
    MmMarket& m = *markets[i];
    Decimal ref = advance_reference(m);
    Decimal position = ledger.traded(cfg.user, m.info.base);
    BookTop book;
    if (m.book.synced()) {
      if (auto bid = m.book.best_bid()) book.bid = bid->price;
      if (auto ask = m.book.best_ask()) book.ask = ask->price;
    }
    book = m.cross_guard.top(book, m.book.last_update_id(), ref);
    std::vector<Quote> wanted = compute_ladder(ref, position, m.info, m.ladder, book);
    auto now = Clock::now();
    wanted.erase(
        std::remove_if(wanted.begin(), wanted.end(),
                       [&](const Quote& q) { return now < m.pause_until[side_index(q.side)]; }),
        wanted.end());

    std::vector<LiveQuote> live;
    int busy[2];
    tracker.quotes(i, now, &live, busy);
    RefreshParams rp;
    rp.levels = m.ladder.levels;
    rp.min_remaining = cfg.min_remaining;
    double tolerance = static_cast<double>(ref.units()) * cfg.requote_bps / 1e4 /
                       static_cast<double>(m.info.tick_size.units());
    rp.tolerance_ticks = std::max<int64_t>(1, static_cast<int64_t>(tolerance));
    RefreshPlan plan = plan_refresh(wanted, live, busy[0], busy[1], m.info.tick_size, rp);
    // Unseen, the book may hold orders any quote would cross; quoting resumes once it is in.
    if (!m.book.synced()) plan.place.clear();
    for (uint64_t key : plan.cancel)
      cancel_quote(i, key);
    for (const Quote& q : plan.place)
      place_quote(i, q);
  }

  // ---------------------------------------------------------------- taking

  void schedule_take(size_t i) {
    if (cfg.take_interval_s <= 0 || cfg.taker_user.empty()) return;
    std::exponential_distribution<double> wait(1.0 / cfg.take_interval_s);
    auto delay =
        milliseconds(static_cast<int64_t>(std::min(wait(rng), cfg.take_interval_s * 10) * 1000));
    client::run_after(*markets[i]->take_timer, delay, [this, i] {
      take(i);
      schedule_take(i);
    });
  }

  void take(size_t i) {
    if (phase != Phase::running || unfunded.count(cfg.taker_user)) return;
    MmMarket& m = *markets[i];
    if (!m.book.synced()) return;
    auto bid = m.book.best_bid();
    auto ask = m.book.best_ask();
    // Lean toward the walk: buy when the reference is above the middle of the book.
    double p_buy = 0.5;
    if (bid && ask) {
      int64_t mid2 = bid->price.units() + ask->price.units();
      if (2 * m.reference.units() > mid2)
        p_buy = 0.65;
      else if (2 * m.reference.units() < mid2)
        p_buy = 0.35;
    }
    std::bernoulli_distribution buy(p_buy);
    Side side = buy(rng) ? Side::buy : Side::sell;
    auto best = side == Side::buy ? ask : bid;
    if (!best) return;
    std::uniform_real_distribution<double> size(cfg.take_min, std::max(cfg.take_min, cfg.take_max));
    Decimal qty = valid_quantity(m.info, best->price,
                                 scale_qty(m.ladder.quantity, size(rng), m.info.step_size));
    const TrackedOrder& o = new_order(i, side, best->price, qty, true);
    uint64_t key = o.key;
    client::OrderRequest r;
    r.market = m.info.symbol;
    r.user_id = cfg.taker_user;
    r.side = side;
    r.price = best->price;
    r.quantity = qty;
    r.time_in_force = "IOC";
    r.client_order_id = o.client_id;
    api.place(r, [this, i, key](Reply<PlaceResult> rep) { on_placed(i, key, rep); });
  }

  // ---------------------------------------------------------------- offline, reconcile

  void go_offline(const std::string& why) {
    if (phase != Phase::running && phase != Phase::reconciling) return;
    phase = Phase::offline;
    ++offline_count;
    offline_since = Clock::now();
    ready_ok = false;
    log.warn("exchange unreachable (" + why + "): pausing until it is back");
    for (auto& m : markets) {
      m->refresh_timer->cancel();
      m->take_timer->cancel();
    }
    balance_timer.cancel();
    reconcile_timer.cancel();
    ready_backoff.reset();
    poll_ready();
  }

  void poll_ready() {
    client::run_after(ready_timer, ready_backoff.next(), [this] {
      if (phase != Phase::offline) return;
      api.ready([this](Reply<bool> r) {
        if (phase != Phase::offline) return;
        if (!r.ok()) return poll_ready();
        ready_ok = true;
        maybe_resume();
      });
    });
  }

  void maybe_resume() {
    if (phase != Phase::offline || !ready_ok || !ws.is_open()) return;
    phase = Phase::reconciling;
    offline_seconds += std::chrono::duration<double>(Clock::now() - offline_since).count();
    log.info("exchange is back: reconciling orders");
    reconcile_all([this](bool ok) {
      if (phase != Phase::reconciling) return;
      if (!ok) {
        phase = Phase::running;  // let go_offline() take it from here
        return go_offline("reconciliation failed");
      }
      phase = Phase::running;
      log.info("resumed quoting");
      begin_running();
    });
  }

  void schedule_reconcile() {
    if (reconcile_pending || phase != Phase::running) return;
    reconcile_pending = true;
    client::run_after(reconcile_timer, milliseconds(1000), [this] {
      reconcile_pending = false;
      if (phase != Phase::running) return;
      reconcile_all([this](bool) { schedule_periodic_reconcile(); });
    });
  }

  void schedule_periodic_reconcile() {
    if (cfg.reconcile_ms <= 0 || phase != Phase::running || reconcile_pending) return;
    client::run_after(reconcile_timer, milliseconds(cfg.reconcile_ms), [this] {
      if (phase != Phase::running) return;
      reconcile_all([this](bool) { schedule_periodic_reconcile(); });
    });
  }

  // Brings every market's orders in line with the exchange; done(false) if it could not ask.
  void reconcile_all(std::function<void(bool)> done) { reconcile_market(0, std::move(done)); }

  void reconcile_market(size_t i, std::function<void(bool)> done) {
    if (i >= markets.size()) return done(true);
    MmMarket& m = *markets[i];
    auto asked = Clock::now();
    open_orders_of(cfg.user, m.info.symbol,
                   [this, i, done, asked](Reply<std::vector<OrderState>> r) {
                     if (phase == Phase::stopped) return;
                     if (!r.ok()) {
                       log.warn("reconcile: open orders of " + markets[i]->info.symbol + ": " +
                                r.error().describe());
                       return done(false);
                     }
                     reconcile_with(i, *r, asked, [this, i, done](bool ok) {
                       if (!ok) return done(false);
                       reconcile_market(i + 1, done);
                     });
                   });
  }

  // `asked`: when the open orders were requested (see OrderTracker::reconcile).
  void reconcile_with(size_t i, const std::vector<OrderState>& open, Clock::time_point asked,
                      std::function<void(bool)> done) {
    const std::string& symbol = markets[i]->info.symbol;
    OrderTracker::Reconciliation r = tracker.reconcile(i, open, asked, cfg.client_id_prefix);
    adopted += r.adopted;
    // The bots' orders that nobody here tracks (a lost reply of an earlier run) hold slots
    // and funds: cancel them.
    for (const std::string& id : r.strays) {
      ++strays_cancelled;
      api.cancel(symbol, id, cfg.user, [](Reply<CancelResult>) {});
    }
    auto remaining = std::make_shared<size_t>(r.lookup_by_id.size() + r.lookup_history.size() + 1);
    auto ok = std::make_shared<bool>(true);
    auto finish = [remaining, ok, done] {
      if (--*remaining == 0) done(*ok);
    };
    for (uint64_t key : r.lookup_by_id)
      resolve_by_id(i, key, finish);
    for (auto& [user, keys] : r.lookup_history)
      resolve_by_history(i, user, keys, ok, finish);
    finish();
  }

  // Orders whose place reply was lost: the user's recent orders say whether they exist.
  void resolve_by_history(size_t i, const std::string& user, std::vector<uint64_t> keys,
                          std::shared_ptr<bool> ok, std::function<void()> then) {
    api.order_history(user, markets[i]->info.symbol, 500,
                      [this, keys, ok, then](Reply<std::vector<OrderState>> r) {
                        // A user the exchange does not know has no orders at all.
                        if (!r.ok() && unknown_user(r.error())) r = std::vector<OrderState>{};
                        if (r.ok()) {
                          adopted += tracker.resolve_history(keys, *r);
                        } else {
                          log.warn("reconcile: order history: " + r.error().describe());
                          *ok = false;
                        }
                        then();
                      });
  }

  // ---------------------------------------------------------------- balances

  // Also how a user that holds nothing learns that funds arrived: every 2 s meanwhile.
  void schedule_balance_check(milliseconds delay) {
    if (cfg.balance_check_ms <= 0 && unfunded.empty()) return;
    if (!unfunded.empty()) delay = std::min(delay, milliseconds(2000));
    client::run_after(balance_timer, delay, [this] {
      if (phase != Phase::running) return;
      check_balances(users(), [this](bool agreed) {
        schedule_balance_check(milliseconds(agreed ? cfg.balance_check_ms : 500));
      });
    });
  }

  void check_balances_now(const std::string& user) {
    fetch_balances(user, [this, user](Reply<Balances> r) {
      if (r.ok()) check_topup(user, *r);
    });
  }

  // Compares the exchange's balances with the ledger. Fills in flight make a difference
  // for a moment, so only one that lasts over three checks is reported.
  void check_balances(std::vector<std::string> list, std::function<void(bool)> done) {
    auto remaining = std::make_shared<size_t>(list.size());
    auto drift = std::make_shared<std::string>();
    for (const std::string& user : list) {
      fetch_balances(user, [this, user, remaining, drift, done](Reply<Balances> r) {
        if (r.ok()) {
          note_funds(user, *r);
          for (const auto& d : ledger.compare(user, *r))
            *drift += " " + user + "/" + d.asset + ": expected " + d.expected.to_string() +
                      ", exchange " + d.actual.to_string() + ";";
          check_topup(user, *r);
        }
        if (--*remaining > 0) return;
        if (drift->empty()) {
          drift_streak = 0;
        } else if (++drift_streak == 3) {
          ++drift_warnings;
          log.warn("balances differ from the bot's ledger:" + *drift);
        }
        done(drift->empty());
      });
    }
  }

  // Deposits what runs low (--topup); `then` once those deposits are answered.
  void check_topup(const std::string& user, const Balances& b, std::function<void()> then = {}) {
    auto remaining = std::make_shared<size_t>(1);
    auto next = [remaining, then] {
      if (--*remaining == 0 && then) then();
    };
    for (const std::string& asset : assets()) {
      auto it = b.find(asset);
      Decimal available = it == b.end() ? Decimal{} : it->second.available;
      if (!cfg.topup || available >= cfg.topup_below) continue;
      std::string tag = user + "/" + asset;
      if (!topups_in_flight.insert(tag).second) continue;
      ++*remaining;
      api.deposit(user, asset, cfg.topup_amount, [this, user, asset, tag, next](Reply<Decimal> r) {
        topups_in_flight.erase(tag);
        if (r.ok()) {
          ledger.deposit(user, asset, cfg.topup_amount);
          ++deposits;
          log.info("deposited " + cfg.topup_amount.to_string() + " " + asset + " for " + user);
        } else {
          log.warn("deposit of " + asset + " for " + user + ": " + r.error().describe());
        }
        next();
      });
    }
    next();
  }

  // ---------------------------------------------------------------- status

  void schedule_status() {
    if (cfg.status_ms <= 0) return;
    client::run_after(status_timer, milliseconds(cfg.status_ms), [this] {
      print_status();
      tracker.prune_held(Clock::now() - std::chrono::seconds(60));
      schedule_status();
    });
  }

  void print_status() {
    std::string line = "status: " + std::string(phase != Phase::running    ? "paused"
                                                : unfunded.count(cfg.user) ? "waiting for funds"
                                                                           : "quoting");
    for (size_t i = 0; i < markets.size(); ++i) {
      const MmMarket* m = markets[i].get();
      // Resting quotes (acknowledged, not known closed) apart from those in flight (being
      // placed or cancelled, or unsettled): counting slots showed a full ladder while every
      // quote was being refused.
      std::vector<LiveQuote> live;
      int busy[2];
      tracker.quotes(i, Clock::now(), &live, busy);
      int bids = 0, asks = 0;
      for (const LiveQuote& q : live)
        (q.side == Side::buy ? bids : asks)++;
      line += " | " + m->info.symbol + " ref " + m->reference.to_string() + " resting " +
              std::to_string(bids) + "/" + std::to_string(asks) + " in flight " +
              std::to_string(busy[0]) + "/" + std::to_string(busy[1]) + " position " +
              ledger.traded(cfg.user, m->info.base).to_string();
    }
    line += " | placed " + std::to_string(placed) + " cancels " + std::to_string(cancels) +
            " fills " + std::to_string(maker_fills) + " taken " + std::to_string(taker_orders) +
            " rejected " + std::to_string(rejected);
    log.info(line);
  }

  // ---------------------------------------------------------------- stop

  void stop() {
    Phase was = phase;
    phase = Phase::stopping;
    for (auto& m : markets) {
      m->refresh_timer->cancel();
      m->take_timer->cancel();
      m->snapshot_timer->cancel();
    }
    ready_timer.cancel();
    status_timer.cancel();
    balance_timer.cancel();
    reconcile_timer.cancel();
    if (was == Phase::idle || was == Phase::stopped || (was == Phase::starting && markets.empty()))
      return finish_stop();
    log.info("stopping: cancelling orders");
    if (was == Phase::offline) cancel_attempts = 1;
    wait_for_places(Clock::now() + std::chrono::seconds(3));
  }

  // Orders still being placed could reach the book after a cancel-all: wait for replies.
  void wait_for_places(Clock::time_point deadline) {
    bool placing = tracker.any_placing();
    if (placing && Clock::now() < deadline)
      return client::run_after(stop_timer, milliseconds(20),
                               [this, deadline] { wait_for_places(deadline); });
    cancel_everything(0, 0);
  }

  void cancel_everything(size_t i, int attempt) {
    if (i >= markets.size()) return resolve_leftovers(0);
    MmMarket& m = *markets[i];
    cancel_all_of(m.info.symbol, cfg.user, [this, i, attempt](Reply<std::vector<CancelResult>> r) {
      MmMarket& m = *markets[i];
      if (!r.ok()) {
        if (attempt + 1 < cancel_attempts && (r.error().transport() || r.error().status >= 500)) {
          log.warn("cancel-all in " + m.info.symbol + ": " + r.error().describe() + "; retrying");
          return client::run_after(stop_timer, milliseconds(500),
                                   [this, i, attempt] { cancel_everything(i, attempt + 1); });
        }
        log.error("could not cancel orders in " + m.info.symbol + ": " + r.error().describe());
        final_check = "cancel_failed";
        return cancel_everything(i + 1, 0);
      }
      std::vector<uint64_t> keys = tracker.keys(i);
      for (const CancelResult& c : *r) {
        ++exit_cancelled;
        for (uint64_t key : keys)
          if (const TrackedOrder* o = tracker.find(key); o && o->order_id == c.order_id) {
            tracker.set_executed(key, c.executed);
            tracker.close(key);
          }
      }
      cancel_everything(i + 1, 0);
    });
  }

  // Quotes not in the cancel-all reply had closed already (filled, most likely): ask.
  void resolve_leftovers(size_t i) {
    if (i >= markets.size()) return final_balance_check();
    std::vector<uint64_t> with_id;
    std::map<std::string, std::vector<uint64_t>> without_id;  // per user
    for (uint64_t key : tracker.keys(i)) {
      const TrackedOrder* o = tracker.find(key);
      if (o->order_id.empty())
        without_id[o->user].push_back(key);
      else
        with_id.push_back(key);
    }
    auto remaining = std::make_shared<size_t>(with_id.size() + without_id.size() + 1);
    auto next = [this, i, remaining] {
      if (--*remaining == 0) resolve_leftovers(i + 1);
    };
    for (uint64_t key : with_id)
      resolve_by_id(i, key, [this, key, next] {
        tracker.close(key);  // whatever it said: it is not open any more
        next();
      });
    auto ok = std::make_shared<bool>(true);
    for (auto& [user, keys] : without_id)
      resolve_by_history(i, user, keys, ok, next);
    next();
  }

  void final_balance_check() {
    if (final_check == "cancel_failed") return count_left_open(0);
    if (!ledger_loaded) {  // stopped before it knew its balances: nothing to compare
      log.info("final balance check skipped: stopped before the balances were loaded");
      return count_left_open(0);
    }
    auto list = users();
    auto remaining = std::make_shared<size_t>(list.size());
    auto drift = std::make_shared<std::string>();
    auto failed = std::make_shared<bool>(false);
    for (const std::string& user : list) {
      fetch_balances(user, [this, user, remaining, drift, failed](Reply<Balances> r) {
        if (!r.ok())
          *failed = true;
        else
          for (const auto& d : ledger.compare(user, *r))
            *drift += user + "/" + d.asset + ":" + d.expected.to_string() +
                      "!=" + d.actual.to_string() + ",";
        if (--*remaining > 0) return;
        if (*failed) {
          final_check = "unreachable";
        } else if (drift->empty()) {
          final_check = "ok";
          log.info("final balance check: the exchange agrees with the ledger");
        } else {
          drift->pop_back();
          final_check = "drift";
          final_drift = *drift;
          log.error("final balance check: expected != exchange: " + *drift);
        }
        count_left_open(0);
      });
    }
  }

  // Counts this run's orders still open on the exchange (there should be none).
  void count_left_open(size_t i) {
    if (i == 0) left_open_known = true;
    if (i >= markets.size()) return finish_stop();
    open_orders_of(cfg.user, markets[i]->info.symbol, [this, i](Reply<std::vector<OrderState>> r) {
      if (!r.ok())
        left_open_known = false;
      else
        for (const OrderState& o : *r)
          if (o.client_order_id.rfind(tracker.session(), 0) == 0) ++left_open;
      count_left_open(i + 1);
    });
  }

  void finish_stop() {
    phase = Phase::stopped;
    ws.stop();
    http.close();
    stop_timer.cancel();
    if (auto done = std::move(stop_done)) done();
  }

  std::string summary() const {
    double elapsed = std::chrono::duration<double>(Clock::now() - started_at).count();
    std::string s =
        "mm markets=" + std::to_string(markets.size()) + " placed=" + std::to_string(placed) +
        " rejected=" + std::to_string(rejected) +
        " post_only_rejects=" + std::to_string(cross_rejects) +
        " funds_rejects=" + std::to_string(funds_rejects) + " cancels=" + std::to_string(cancels) +
        " cancel_gone=" + std::to_string(cancel_gone) +
        " maker_fills=" + std::to_string(maker_fills) +
        " taker_orders=" + std::to_string(taker_orders) +
        " taker_fills=" + std::to_string(taker_fills) +
        " trades_seen=" + std::to_string(trades_seen) +
        " offline=" + std::to_string(offline_count) + " offline_s=" + fixed(offline_seconds, 1) +
        " ws_connects=" + std::to_string(ws.connects()) +
        " transport_errors=" + std::to_string(transport_errors) +
        " server_errors=" + std::to_string(server_errors) +
        " depth_resyncs=" + std::to_string(depth_resyncs) + " adopted=" + std::to_string(adopted) +
        " inconsistent=" + std::to_string(inconsistent) +
        " strays_cancelled=" + std::to_string(strays_cancelled) +
        " deposits=" + std::to_string(deposits) +
        " drift_warnings=" + std::to_string(drift_warnings) +
        " uncertain=" + std::to_string(ledger.uncertain()) +
        " exit_cancelled=" + std::to_string(exit_cancelled) +
        " left_open=" + (left_open_known ? std::to_string(left_open) : std::string("unknown")) +
        " final_check=" + final_check;
    if (!final_drift.empty()) s += " final_drift=" + final_drift;
    for (auto& m : markets)
      s += " position_" + m->info.symbol + "=" + ledger.traded(cfg.user, m->info.base).to_string();
    std::set<std::string> all = assets();
    for (const std::string& user : users())
      for (const std::string& asset : all)
        s += " expected_" + user + "_" + asset + "=" + ledger.expected(user, asset).to_string();
    s += " elapsed_s=" + fixed(elapsed, 1);
    return s;
  }
};

MarketMaker::MarketMaker(asio::io_context& io, MmConfig config)
    : impl_(std::make_unique<Impl>(io, std::move(config))) {}

MarketMaker::~MarketMaker() = default;

void MarketMaker::start(std::function<void(const std::string&)> fatal) {
  impl_->fatal = std::move(fatal);
  impl_->start();
}

void MarketMaker::stop(std::function<void()> done) {
  if (impl_->phase == Phase::stopping || impl_->phase == Phase::stopped) {
    impl_->stop_done = nullptr;
    impl_->ws.stop();
    impl_->http.close();
    impl_->phase = Phase::stopped;
    if (done) done();
    return;
  }
  impl_->stop_done = std::move(done);
  impl_->stop();
}

std::string MarketMaker::summary() const {
  return impl_->summary();
}

int MarketMaker::exit_code() const {
  // "skipped": stopped before it knew its balances, so before it placed anything.
  bool checked = impl_->final_check == "ok" || impl_->final_check == "skipped";
  return checked && impl_->left_open_known && impl_->left_open == 0 ? 0 : 1;
}

}  // namespace ex::bots
