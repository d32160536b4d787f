#include "net/bots/market_maker.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/bots/bot_link.hpp"
#include "net/bots/deposit_precision.hpp"
#include "net/bots/mm_funds.hpp"
#include "net/bots/mm_market.hpp"
#include "net/bots/mm_orders.hpp"
#include "net/bots/mm_phase.hpp"
#include "net/bots/mm_reconcile.hpp"
#include "net/bots/mm_report.hpp"
#include "net/bots/mm_shutdown.hpp"
#include "net/bots/mm_taker.hpp"
#include "net/bots/order_tracker.hpp"
#include "net/client/api_client.hpp"
#include "net/client/backoff.hpp"
#include "net/client/timer.hpp"
#include "net/client/ws_client.hpp"

namespace ex::bots {

namespace asio = boost::asio;
using client::Balances;
using client::CancelResult;
using client::DepthEvent;
using client::FillEvent;
using client::Reply;
using client::TradeEvent;
using std::chrono::milliseconds;
using Phase = MmPhase;

// The bot's life: start-up (ready, markets, leftovers cancelled, balances, references,
// streams), the quoting loop (a refresh per market, takes, status lines, balance checks,
// reconciliations), outages and the stop. The parts it wires together each keep to their
// own file: MmMarket, MmFunds, MmOrders, MmReconciler, MmShutdown, mm_taker, mm_report.
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
        ready_backoff(milliseconds(200), milliseconds(3000), 0.2),
        rng(seed_or_clock(this->cfg.seed)),
        tracker(session_name()),
        funds(io, this->cfg, api, ledger, markets, phase, counters, log,
              [this] {
                for (size_t i = 0; i < markets.size(); ++i)
                  post_refresh(i);
              }),
        orders(this->cfg, api, tracker, markets, funds, rng, counters, log,
               MmOrders::Hooks{[this](size_t i) { post_refresh(i); },
                               [this](const std::string& why) { go_offline(why); },
                               [this] { reconciler.soon(); }}),
        reconciler(io, this->cfg, api, tracker, markets, orders, phase, counters, log),
        shutdown(io, this->cfg, tracker, markets, orders, funds, counters, log) {
    log.name = "mm";
    // The command line refuses an unknown level (bot_cli.cpp); a config built in code that
    // holds one is said so rather than ignored.
    if (!BotLog::parse(this->cfg.log_level, &log.level))
      log.warn("unknown log level '" + this->cfg.log_level + "': logging at info");
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
  asio::steady_timer ready_timer, status_timer;
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

  MmMarkets markets;
  MmCounters counters;
  MmFunds funds;
  MmOrders orders;
  MmReconciler reconciler;
  MmShutdown shutdown;

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
      if (cfg.topup) {
        std::vector<PlannedDeposit> planned;
        for (const MarketInfo& m : chosen)
          for (const std::string& asset : {m.base, m.quote})
            planned.push_back({asset, cfg.topup_amount, "--topup-amount"});
        if (auto why = too_fine_deposit(chosen, planned)) return fail_start(*why);
      }
      for (const auto& [symbol, o] : cfg.overrides)
        if (std::none_of(chosen.begin(), chosen.end(),
                         [&](const MarketInfo& m) { return m.symbol == symbol; }))
          log.warn("settings for market " + symbol + " ignored: not quoted");
      for (const MarketInfo& info : chosen)
        markets.push_back(std::make_unique<MmMarket>(io, info, cfg));
      initial_cancel();
    });
  }

  // Orders a previous run left behind would hold slots and funds: cancel them first.
  void initial_cancel() {
    if (!cfg.cancel_on_start) return load_balances();
    auto remaining = std::make_shared<size_t>(markets.size());
    auto failed = std::make_shared<bool>(false);
    for (auto& m : markets) {
      std::string symbol = m->info.symbol;
      orders.cancel_all_of(
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

  // The ledger starts from the exchange's balances, now that no order of ours is open;
  // quoting starts once any deposits (--topup) are in.
  void load_balances() {
    auto list = funds.users();
    auto remaining = std::make_shared<size_t>(list.size());
    auto failed = std::make_shared<bool>(false);
    auto next = [this, remaining, failed] {
      if (--*remaining > 0 || phase != Phase::starting) return;
      if (*failed)
        return client::run_after(ready_timer, ready_backoff.next(), [this] { load_balances(); });
      funds.balances_loaded();
      load_references(0);
    };
    for (const std::string& user : list) {
      funds.fetch(user, [this, user, failed, next](Reply<Balances> r) {
        if (phase != Phase::starting) return;
        if (!r.ok()) {
          log.warn("balances of " + user + ": " + r.error().describe());
          *failed = true;
          return next();
        }
        ledger.rebase(user, *r);
        funds.top_up(user, *r, next);
      });
    }
  }

  // Reference of each market: configured, else the last trade, else the book's middle,
  // else the default.
  void load_references(size_t i) {
    if (i >= markets.size()) return connect_stream();
    MmMarket& m = *markets[i];
    auto use = [this, i](Decimal price, const std::string& source) {
      MmMarket& m = *markets[i];
      WalkParams w = cfg.walk;
      w.seed = rng();
      m.start_reference(price, w);
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
      if (funds.unfunded(cfg.user))
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

  void on_depth(const DepthEvent& d) {
    size_t i = market_index(markets, d.market);
    if (i == markets.size()) return;
    MmMarket& m = *markets[i];
    if (m.book.apply_event(d) == client::LocalBook::Applied::gap) {
      ++counters.depth_resyncs;
      log.debug(m.info.symbol + ": depth update missed, resynchronising");
      m.book.reset();
      take_snapshot(i);
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
      if (r.ok()) ++counters.depth_resyncs;
      m.book.reset();
      client::run_after(m.snapshot_timer, milliseconds(r.ok() ? 50 : 1000), [this, i] {
        if (ws.is_open()) take_snapshot(i);
      });
    });
  }

  void on_trade(const TradeEvent& t) {
    size_t i = market_index(markets, t.market);
    if (i == markets.size()) return;
    markets[i]->last_trade = t.trade.price;
    ++counters.trades_seen;
  }

  void on_fill(const FillEvent& f) {
    auto out = tracker.on_fill(f, funds.users(), Clock::now());
    if (out.kind == OrderTracker::FillOutcome::ignored ||
        out.kind == OrderTracker::FillOutcome::held)
      return;
    ++(out.taker ? counters.taker_fills : counters.maker_fills);
    if (out.kind == OrderTracker::FillOutcome::completed) post_refresh(out.market);
  }

  // ---------------------------------------------------------------- the loop

  void begin_running() {
    for (size_t i = 0; i < markets.size(); ++i) {
      schedule_refresh(i, milliseconds(0));
      schedule_take(i);
    }
    schedule_status();
    funds.schedule_check(milliseconds(cfg.balance_check_ms));
    reconciler.periodically();
  }

  void schedule_refresh(size_t i, milliseconds delay) {
    client::run_after(markets[i]->refresh_timer, delay, [this, i] {
      refresh(i);
      schedule_refresh(i, milliseconds(cfg.refresh_ms));
    });
  }

  // A refresh soon, on top of the periodic ones (a slot freed, the book came in).
  void post_refresh(size_t i) {
    if (i >= markets.size() || markets[i]->refresh_posted || phase != Phase::running) return;
    markets[i]->refresh_posted = true;
    asio::post(io, [this, i] {
      markets[i]->refresh_posted = false;
      refresh(i);
    });
  }

  // Moves the reference, computes the ladder it wants and replaces what went stale.
  void refresh(size_t i) {
    if (phase != Phase::running || funds.unfunded(cfg.user)) return;
    MmMarket& m = *markets[i];
    Decimal ref = m.advance_reference(cfg.reference);
    Decimal position = ledger.traded(cfg.user, m.info.base);
    BookTop book = m.book_top(ref);
    std::vector<Quote> wanted = compute_ladder(ref, position, m.info, m.ladder, book);
    auto now = Clock::now();
    wanted.erase(std::remove_if(wanted.begin(), wanted.end(),
                                [&](const Quote& q) { return m.paused(q.side, now); }),
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
      orders.cancel_quote(i, key);
    for (const Quote& q : plan.place)
      orders.place_quote(i, q);
  }

  void schedule_take(size_t i) {
    if (cfg.take_interval_s <= 0 || cfg.taker_user.empty()) return;
    client::run_after(markets[i]->take_timer, next_take_delay(cfg, rng), [this, i] {
      take(i);
      schedule_take(i);
    });
  }

  void take(size_t i) {
    if (phase != Phase::running || funds.unfunded(cfg.taker_user)) return;
    if (auto t = choose_take(*markets[i], cfg, rng))
      orders.place_take(i, t->side, t->price, t->qty);
  }

  void schedule_status() {
    if (cfg.status_ms <= 0) return;
    client::run_after(status_timer, milliseconds(cfg.status_ms), [this] {
      std::string state = phase != Phase::running    ? "paused"
                          : funds.unfunded(cfg.user) ? "waiting for funds"
                                                     : "quoting";
      log.info(status_line(state, markets, tracker, cfg.user, counters));
      tracker.prune_held(Clock::now() - std::chrono::seconds(60));
      schedule_status();
    });
  }

  // ---------------------------------------------------------------- outages

  void go_offline(const std::string& why) {
    if (phase != Phase::running && phase != Phase::reconciling) return;
    phase = Phase::offline;
    ++counters.offline_count;
    offline_since = Clock::now();
    ready_ok = false;
    log.warn("exchange unreachable (" + why + "): pausing until it is back");
    for (auto& m : markets) {
      m->refresh_timer.cancel();
      m->take_timer.cancel();
    }
    funds.cancel_checks();
    reconciler.cancel();
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
    counters.offline_seconds += std::chrono::duration<double>(Clock::now() - offline_since).count();
    log.info("exchange is back: reconciling orders");
    reconciler.run([this](bool ok) {
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

  // ---------------------------------------------------------------- stop

  void stop() {
    Phase was = phase;
    phase = Phase::stopping;
    for (auto& m : markets) {
      m->refresh_timer.cancel();
      m->take_timer.cancel();
      m->snapshot_timer.cancel();
    }
    ready_timer.cancel();
    status_timer.cancel();
    funds.cancel_checks();
    reconciler.cancel();
    if (was == Phase::idle || was == Phase::stopped || (was == Phase::starting && markets.empty()))
      return finish_stop();
    log.info("stopping: cancelling orders");
    shutdown.run(was == Phase::offline ? 1 : 3, [this] { finish_stop(); });
  }

  void finish_stop() {
    phase = Phase::stopped;
    ws.stop();
    http.close();
    shutdown.cancel();
    if (auto done = std::move(stop_done)) done();
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
  double elapsed = std::chrono::duration<double>(Clock::now() - impl_->started_at).count();
  return summary_line(impl_->counters, impl_->markets, impl_->ledger, impl_->cfg.user,
                      impl_->funds.users(), impl_->funds.assets(), impl_->ws.connects(), elapsed);
}

int MarketMaker::exit_code() const {
  // "skipped": stopped before it knew its balances, so before it placed anything.
  const MmCounters& c = impl_->counters;
  bool checked = c.final_check == "ok" || c.final_check == "skipped";
  return checked && c.left_open_known && c.left_open == 0 ? 0 : 1;
}

}  // namespace ex::bots
