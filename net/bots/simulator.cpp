#include "net/bots/simulator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <random>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/bots/bot_link.hpp"
#include "net/bots/bot_log.hpp"
#include "net/bots/deposit_precision.hpp"
#include "net/bots/stats.hpp"
#include "net/client/api_client.hpp"
#include "net/client/backoff.hpp"
#include "net/client/local_book.hpp"
#include "net/client/timer.hpp"
#include "net/client/ws_client.hpp"

namespace ex::bots {

namespace asio = boost::asio;
using client::ApiError;
using client::Balances;
using client::Reply;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

enum class Phase { idle, starting, running, stopping, stopped };

struct SimTrader {
  std::string user;
  TraderKind kind = TraderKind::maker;
  std::vector<std::deque<std::string>> open;  // per market: resting order ids, oldest first
  Balances balances;
  bool funding = false;
};

struct SimMarket {
  MarketInfo info;
  client::LocalBook book;
  bool snapshot_in_flight = false;
  std::optional<Decimal> last_price;
};

}  // namespace

struct Simulator::Impl {
  Impl(asio::io_context& io, SimConfig cfg)
      : io(io),
        cfg(std::move(cfg)),
        http(io, *client::parse_url(this->cfg.http_url),
             http_options(this->cfg.http_connections, this->cfg.request_timeout_ms)),
        api(http),
        ws(io, stream_url(this->cfg.ws_url, this->cfg.http_url), client::WsOptions{}),
        ready_timer(io),
        action_timer(io),
        progress_timer(io),
        balance_timer(io),
        duration_timer(io),
        stop_timer(io),
        backoff(milliseconds(200), milliseconds(2000), 0.2) {
    rng.seed(seed_or_clock(this->cfg.seed));
    log.name = "sim";
    // The command line refuses an unknown level (bot_cli.cpp); a config built in code that
    // holds one is said so rather than ignored.
    if (!BotLog::parse(this->cfg.log_level, &log.level))
      log.warn("unknown log level '" + this->cfg.log_level + "': logging at info");
  }

  asio::io_context& io;
  SimConfig cfg;
  BotLog log;
  client::HttpClient http;
  client::ApiClient api;
  client::WsClient ws;
  asio::steady_timer ready_timer, action_timer, progress_timer, balance_timer, duration_timer,
      stop_timer;
  client::Backoff backoff;
  std::mt19937_64 rng;
  Phase phase = Phase::idle;
  std::function<void(const std::string&)> fatal;
  std::function<void()> finished;
  std::function<void()> stop_done;

  std::vector<SimMarket> markets;
  std::vector<SimTrader> traders;
  Clock::time_point started_at = Clock::now();
  Clock::time_point running_at;
  Clock::time_point next_action;
  Clock::time_point last_progress;
  size_t balance_cursor = 0;

  // Counters.
  RateMeter orders, trades, cancels, errors, rejects;
  uint64_t cancel_gone = 0, skipped = 0, deposits = 0, fills = 0, transport_errors = 0,
           server_errors = 0, funds_rejects = 0, depth_resyncs = 0, market_orders = 0;
  std::map<std::string, uint64_t> reject_codes;
  std::map<std::string, Decimal> deposited;  // per asset, all traders
  LatencyHistogram latency, latency_window;
  std::string last_error;

  // ---------------------------------------------------------------- start-up

  void start() {
    phase = Phase::starting;
    log.info("starting " + std::to_string(cfg.traders) + " traders at " + fixed(cfg.rate, 1) +
             " actions/s against " + http.base().text());
    wait_ready();
  }

  void fail_start(const std::string& why) {
    log.error(why);
    phase = Phase::stopped;
    ws.stop();
    http.close();
    if (fatal) fatal(why);
  }

  void wait_ready() {
    api.ready([this](Reply<bool> r) {
      if (phase != Phase::starting) return;
      if (r.ok()) return load_markets();
      double waited = std::chrono::duration<double>(Clock::now() - started_at).count();
      if (cfg.wait_ready_s > 0 && waited > cfg.wait_ready_s)
        return fail_start("the exchange did not become ready: " + r.error().describe());
      client::run_after(ready_timer, backoff.next(), [this] { wait_ready(); });
    });
  }

  void load_markets() {
    api.markets([this](Reply<std::vector<MarketInfo>> r) {
      if (phase != Phase::starting) return;
      if (!r.ok()) return fail_start("GET /api/v1/markets: " + r.error().describe());
      for (const MarketInfo& m : *r)
        if (cfg.markets.empty() ||
            std::find(cfg.markets.begin(), cfg.markets.end(), m.symbol) != cfg.markets.end()) {
          SimMarket sm;
          sm.info = m;
          markets.push_back(std::move(sm));
        }
      if (markets.size() < std::max<size_t>(1, cfg.markets.size()))
        return fail_start("some of the markets asked for do not exist");
      if (cfg.fund) {
        std::vector<PlannedDeposit> planned;
        for (const SimMarket& m : markets) {
          planned.push_back({m.info.quote, cfg.fund_quote, "--fund-quote"});
          planned.push_back({m.info.base, cfg.fund_base, "--fund-base"});
        }
        if (auto why = too_fine_deposit(*r, planned)) return fail_start(*why);
      }
      auto kinds = assign_kinds(cfg.traders, cfg.mix);
      for (size_t i = 0; i < cfg.traders; ++i) {
        SimTrader t;
        t.user = cfg.user_prefix + std::to_string(i + 1);
        t.kind = kinds[i];
        t.open.resize(markets.size());
        traders.push_back(std::move(t));
      }
      fund_all();
    });
  }

  // Every trader gets its balances read, and topped up to the funding amounts.
  void fund_all() {
    auto remaining = std::make_shared<size_t>(traders.size() + 1);
    auto next = [this, remaining] {
      if (--*remaining > 0 || phase != Phase::starting) return;
      log.info("traders ready (" + std::to_string(deposits) + " deposits); connecting the stream");
      connect_stream();
    };
    for (size_t i = 0; i < traders.size(); ++i)
      refresh_trader(i, next);
    next();
  }

  std::vector<std::pair<std::string, Decimal>> funding_targets() const {
    std::vector<std::pair<std::string, Decimal>> out;
    auto add = [&](const std::string& asset, Decimal amount) {
      for (auto& [a, v] : out)
        if (a == asset) return;
      out.emplace_back(asset, amount);
    };
    for (const SimMarket& m : markets) {
      add(m.info.quote, cfg.fund_quote);
      add(m.info.base, cfg.fund_base);
    }
    return out;
  }

  // Reads a trader's balances; deposits where it holds less than a tenth of its funding.
  void refresh_trader(size_t i, std::function<void()> then) {
    if (traders[i].funding) return then();
    traders[i].funding = true;
    api.balances(traders[i].user, [this, i, then](Reply<Balances> r) {
      SimTrader& t = traders[i];
      if (r.ok())
        t.balances = *r;
      else if (r.error().status == 404)
        t.balances.clear();  // a new user (or one the exchange forgot)
      else
        count_error(r.error());
      auto remaining = std::make_shared<size_t>(1);
      auto done = [this, i, remaining, then] {
        if (--*remaining > 0) return;
        traders[i].funding = false;
        then();
      };
      if (cfg.fund && (r.ok() || r.error().status == 404)) {
        for (auto& [asset, amount] : funding_targets()) {
          auto it = t.balances.find(asset);
          Decimal have = it == t.balances.end() ? Decimal{} : it->second.available;
          if (have.units() >= amount.units() / 10) continue;
          ++*remaining;
          std::string a = asset;
          Decimal need = amount;
          api.deposit(t.user, a, need, [this, i, a, need, done](Reply<Decimal> d) {
            if (d.ok()) {
              ++deposits;
              Decimal& sum = deposited[a];
              sum = Decimal::add(sum, need).value_or(sum);
              traders[i].balances[a].available = *d;
            } else {
              count_error(d.error());
            }
            done();
          });
        }
      }
      done();
    });
  }

  void connect_stream() {
    client::WsHandlers h;
    h.on_open = [this] { on_ws_open(); };
    h.on_message = [this](std::string_view text) { on_ws_message(text); };
    h.on_close = [this](const std::string& why) {
      if (phase == Phase::running) log.warn("WebSocket closed (" + why + "); reconnecting");
    };
    ws.start(std::move(h));
  }

  void on_ws_open() {
    std::vector<std::string> streams;
    for (auto& m : markets) {
      streams.push_back("depth@" + m.info.symbol);
      streams.push_back("trade@" + m.info.symbol);
    }
    ws.send(client::encode_subscribe(streams, 1));
    for (size_t i = 0; i < markets.size(); ++i) {
      markets[i].book.reset();
      take_snapshot(i);
    }
    if (ws.connects() > 1) log.info("WebSocket reconnected");
    if (phase == Phase::starting) begin_running();
  }

  void take_snapshot(size_t i) {
    SimMarket& m = markets[i];
    if (m.snapshot_in_flight) return;
    m.snapshot_in_flight = true;
    api.depth(m.info.symbol, 1000, [this, i](Reply<client::DepthSnapshot> r) {
      SimMarket& m = markets[i];
      m.snapshot_in_flight = false;
      if (phase == Phase::stopped) return;
      if (r.ok() && m.book.apply_snapshot(*r)) return;
      if (r.ok()) ++depth_resyncs;
      m.book.reset();
      if (ws.is_open()) take_snapshot(i);
    });
  }

  void on_ws_message(std::string_view text) {
    client::StreamEvent e = client::decode_stream_event(text);
    if (auto* d = std::get_if<client::DepthEvent>(&e)) {
      for (size_t i = 0; i < markets.size(); ++i)
        if (markets[i].info.symbol == d->market) {
          if (markets[i].book.apply_event(*d) == client::LocalBook::Applied::gap) {
            ++depth_resyncs;
            markets[i].book.reset();
            take_snapshot(i);
          }
        }
    } else if (auto* t = std::get_if<client::TradeEvent>(&e)) {
      trades.add();
      for (auto& m : markets)
        if (m.info.symbol == t->market) m.last_price = t->trade.price;
    }
  }

  // ---------------------------------------------------------------- trading

  void begin_running() {
    phase = Phase::running;
    running_at = last_progress = next_action = Clock::now();
    log.info("trading");
    if (cfg.duration_s > 0)
      client::run_after(duration_timer, milliseconds(static_cast<int64_t>(cfg.duration_s * 1000)),
                        [this] {
                          if (finished) finished();
                        });
    pace();
    schedule_progress();
    schedule_balance_refresh();
  }

  // Poisson arrivals at cfg.rate: act for every arrival due, then sleep until the next.
  void pace() {
    if (phase != Phase::running) return;
    auto now = Clock::now();
    if (now - next_action > std::chrono::seconds(1)) next_action = now;  // fell behind
    std::exponential_distribution<double> gap(std::max(cfg.rate, 1e-3));
    int burst = 0;
    while (next_action <= now && burst < 10000) {
      act();
      next_action +=
          std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(gap(rng)));
      ++burst;
    }
    auto wait = std::max(next_action - now, Clock::duration(std::chrono::microseconds(500)));
    action_timer.expires_after(wait);
    action_timer.async_wait([this](boost::system::error_code ec) {
      if (!ec) pace();
    });
  }

  void act() {
    if (traders.empty() || markets.empty()) return;
    if (http.in_flight() >= cfg.max_in_flight) {
      ++skipped;
      return;
    }
    std::uniform_int_distribution<size_t> pick_trader(0, traders.size() - 1);
    std::uniform_int_distribution<size_t> pick_market(0, markets.size() - 1);
    size_t ti = pick_trader(rng), mi = pick_market(rng);
    SimTrader& t = traders[ti];
    SimMarket& m = markets[mi];
    MarketView view;
    view.market = &m.info;
    if (m.book.synced()) {
      view.best_bid = m.book.best_bid();
      view.best_ask = m.book.best_ask();
    }
    view.last_price = m.last_price;
    TraderView tv;
    auto bal = [&](const std::string& a) {
      auto it = t.balances.find(a);
      return it == t.balances.end() ? Decimal{} : it->second.available;
    };
    tv.base_available = bal(m.info.base);
    tv.quote_available = bal(m.info.quote);
    tv.open_orders = t.open[mi].size();
    SimAction a = decide(t.kind, view, tv, cfg.params, rng);
    switch (a.kind) {
      case SimAction::Kind::none:
        return;
      case SimAction::Kind::place:
        return place(ti, mi, a);
      case SimAction::Kind::cancel_oldest:
        return cancel(ti, mi, 0);
      case SimAction::Kind::cancel_random: {
        std::uniform_int_distribution<size_t> pick(0, t.open[mi].size() - 1);
        return cancel(ti, mi, pick(rng));
      }
    }
  }

  void place(size_t ti, size_t mi, const SimAction& a) {
    client::OrderRequest r;
    r.market = markets[mi].info.symbol;
    r.user_id = traders[ti].user;
    r.side = a.side;
    r.is_market = a.is_market;
    r.price = a.price;
    r.quantity = a.qty;
    r.time_in_force = a.time_in_force;
    if (a.is_market) ++market_orders;
    // Keep the trader's view of its funds roughly current between balance reads.
    Decimal& held =
        traders[ti]
            .balances[a.side == Side::buy ? markets[mi].info.quote : markets[mi].info.base]
            .available;
    Decimal cost = a.side == Side::sell ? a.qty : Decimal::mul(a.price, a.qty).value_or(Decimal{});
    held = Decimal::from_units(std::max<int64_t>(0, held.units() - cost.units()));
    auto sent = Clock::now();
    api.place(r, [this, ti, mi, sent](Reply<client::PlaceResult> rep) {
      auto micros =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent).count();
      latency.add(micros);
      latency_window.add(micros);
      if (phase == Phase::stopped) return;
      if (!rep.ok()) {
        const ApiError& e = rep.error();
        if (e.code == "INSUFFICIENT_FUNDS" || e.code == "UNKNOWN_USER") {
          if (e.code == "INSUFFICIENT_FUNDS") ++funds_rejects;
          refresh_trader(ti, [] {});  // and deposit if it holds too little
        }
        return count_error(e);
      }
      orders.add();
      fills += rep->fills.size();
      if (rep->open()) traders[ti].open[mi].push_back(rep->order_id);
    });
  }

  void cancel(size_t ti, size_t mi, size_t index) {
    auto& open = traders[ti].open[mi];
    if (index >= open.size()) return;
    std::string id = open[index];
    open.erase(open.begin() + static_cast<std::ptrdiff_t>(index));
    api.cancel(markets[mi].info.symbol, id, traders[ti].user,
               [this](Reply<client::CancelResult> r) {
                 if (phase == Phase::stopped) return;
                 if (r.ok()) return cancels.add();
                 if (r.error().status == 404) {
                   ++cancel_gone;  // filled before the cancel: part of the game
                   return;
                 }
                 count_error(r.error());
               });
  }

  // 4xx answers are the exchange refusing a request (counted as rejects, by code);
  // transport failures, 5xx and malformed replies are errors.
  void count_error(const ApiError& e) {
    if (e.status >= 400 && e.status < 500) {
      rejects.add();
      ++reject_codes[e.code];
      if (e.status != 422 && e.status != 404 && reject_codes[e.code] <= 3)
        log.warn("refused: " + e.describe());
      return;
    }
    errors.add();
    if (e.transport())
      ++transport_errors;
    else
      ++server_errors;
    last_error = e.describe();
  }

  void schedule_balance_refresh() {
    client::run_after(balance_timer, milliseconds(200), [this] {
      if (phase != Phase::running || traders.empty()) return;
      refresh_trader(balance_cursor++ % traders.size(), [] {});
      schedule_balance_refresh();
    });
  }

  void schedule_progress() {
    client::run_after(progress_timer, milliseconds(1000), [this] {
      if (phase != Phase::running) return;
      print_progress();
      schedule_progress();
    });
  }

  void print_progress() {
    auto now = Clock::now();
    double dt = std::chrono::duration<double>(now - last_progress).count();
    last_progress = now;
    double t = std::chrono::duration<double>(now - running_at).count();
    double o = orders.tick(dt), tr = trades.tick(dt), c = cancels.tick(dt), er = errors.tick(dt),
           rj = rejects.tick(dt);
    if (cfg.progress) {
      std::fprintf(stderr,
                   "sim t=%.0fs orders/s=%.1f trades/s=%.1f cancels/s=%.1f errors/s=%.1f "
                   "rejects/s=%.1f errors=%llu in_flight=%zu p50=%.2fms p99=%.2fms%s\n",
                   t, o, tr, c, er, rj, static_cast<unsigned long long>(errors.total()),
                   http.in_flight(), static_cast<double>(latency_window.percentile(0.5)) / 1000,
                   static_cast<double>(latency_window.percentile(0.99)) / 1000,
                   ws.is_open() ? "" : " (stream down)");
    }
    latency_window.clear();
  }

  // ---------------------------------------------------------------- stop

  void stop() {
    Phase was = phase;
    phase = Phase::stopping;
    action_timer.cancel();
    progress_timer.cancel();
    balance_timer.cancel();
    duration_timer.cancel();
    ready_timer.cancel();
    if (was != Phase::running) return finish();
    drain(Clock::now() + std::chrono::seconds(5));
  }

  void drain(Clock::time_point deadline) {
    if (http.in_flight() > 0 && Clock::now() < deadline)
      return client::run_after(stop_timer, milliseconds(20), [this, deadline] { drain(deadline); });
    if (!cfg.cancel_on_exit) return finish();
    auto remaining = std::make_shared<size_t>(1);
    auto next = [this, remaining] {
      if (--*remaining == 0) finish();
    };
    for (auto& t : traders)
      for (size_t mi = 0; mi < markets.size(); ++mi) {
        if (t.open[mi].empty()) continue;
        ++*remaining;
        api.cancel_all(markets[mi].info.symbol, t.user,
                       [this, next](Reply<std::vector<client::CancelResult>> r) {
                         if (r.ok()) cancels.add(r->size());
                         next();
                       });
      }
    next();
  }

  void finish() {
    phase = Phase::stopped;
    ws.stop();
    http.close();
    stop_timer.cancel();
    if (auto done = std::move(stop_done)) done();
  }

  std::string summary() const {
    double elapsed = running_at == Clock::time_point{}
                         ? 0
                         : std::chrono::duration<double>(Clock::now() - running_at).count();
    auto per_s = [&](uint64_t n) {
      return fixed(elapsed > 0 ? static_cast<double>(n) / elapsed : 0, 1);
    };
    std::string s =
        "sim traders=" + std::to_string(traders.size()) +
        " markets=" + std::to_string(markets.size()) + " elapsed_s=" + fixed(elapsed, 1) +
        " orders=" + std::to_string(orders.total()) + " orders_per_s=" + per_s(orders.total()) +
        " trades=" + std::to_string(trades.total()) + " trades_per_s=" + per_s(trades.total()) +
        " fills=" + std::to_string(fills) + " market_orders=" + std::to_string(market_orders) +
        " cancels=" + std::to_string(cancels.total()) +
        " cancel_gone=" + std::to_string(cancel_gone) +
        " rejects=" + std::to_string(rejects.total()) +
        " funds_rejects=" + std::to_string(funds_rejects) +
        " errors=" + std::to_string(errors.total()) +
        " transport_errors=" + std::to_string(transport_errors) +
        " server_errors=" + std::to_string(server_errors) + " skipped=" + std::to_string(skipped) +
        " deposits=" + std::to_string(deposits) +
        " depth_resyncs=" + std::to_string(depth_resyncs) +
        " ws_connects=" + std::to_string(ws.connects()) +
        " p50_ms=" + fixed(static_cast<double>(latency.percentile(0.5)) / 1000, 2) +
        " p99_ms=" + fixed(static_cast<double>(latency.percentile(0.99)) / 1000, 2) +
        " max_ms=" + fixed(static_cast<double>(latency.max()) / 1000, 2);
    for (const auto& [code, n] : reject_codes)
      s += " reject_" + code + "=" + std::to_string(n);
    for (const auto& [asset, amount] : deposited)
      s += " deposited_" + asset + "=" + amount.to_string();
    return s;
  }
};

Simulator::Simulator(asio::io_context& io, SimConfig config)
    : impl_(std::make_unique<Impl>(io, std::move(config))) {}

Simulator::~Simulator() = default;

void Simulator::start(std::function<void(const std::string&)> fatal,
                      std::function<void()> finished) {
  impl_->fatal = std::move(fatal);
  impl_->finished = std::move(finished);
  impl_->start();
}

void Simulator::stop(std::function<void()> done) {
  if (impl_->phase == Phase::stopping || impl_->phase == Phase::stopped) {
    impl_->stop_done = nullptr;
    impl_->phase = Phase::stopped;
    impl_->ws.stop();
    impl_->http.close();
    if (done) done();
    return;
  }
  impl_->stop_done = std::move(done);
  impl_->stop();
}

std::string Simulator::summary() const {
  return impl_->summary();
}

}  // namespace ex::bots
