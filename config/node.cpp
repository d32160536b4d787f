#include "config/node.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>

#include <caf/all.hpp>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/directory/directory_actor.hpp"
#include "actors/gateway/caf_gateway.hpp"
#include "actors/hub/hub_actor.hpp"
#include "actors/market/market_actor.hpp"
#include "actors/writer/writer_actor.hpp"
#include "net/edge.hpp"
#include "storage/sqlite_store.hpp"

namespace ex {
namespace {

namespace fs = std::filesystem;

book::StpPolicy stp_of(const std::string& s) {
  if (s == "cancel_taker") return book::StpPolicy::cancel_taker;
  if (s == "cancel_both") return book::StpPolicy::cancel_both;
  return book::StpPolicy::cancel_resting;
}

std::string find_static_dir(const Options& o, const char* program_path) {
  if (!o.static_dir.empty()) return o.static_dir;
  std::error_code ec;
  fs::path exe = fs::canonical(program_path, ec);
  for (const fs::path& p : {fs::path("frontend/out"), exe.parent_path() / "../frontend/out",
                            exe.parent_path() / "../../frontend/out"})
    if (fs::is_regular_file(p / "index.html", ec)) return p.lexically_normal().string();
  return "";
}

// Loads what a market shows of its past (candles, the last day of trades) from storage.
void warm_start(Store& store, const std::string& market, MarketStart& start) {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  constexpr int64_t kKeep = 1500;  // candles per interval kept in memory (CandleBook's default)
  for (Interval i : kAllIntervals) {
    auto c = store.candles(market, i, now - kKeep * interval_ms(i), now + interval_ms(i));
    if (c) start.candles[static_cast<size_t>(i)] = std::move(*c);
  }
  auto trades = store.recent_trades(market, 200000);
  if (!trades) return;
  for (auto it = trades->rbegin(); it != trades->rend(); ++it)
    if (it->time_ms > now - RollingTicker::kWindowMs || std::next(it) == trades->rend())
      start.trades.push_back(std::move(*it));
}

// Blocks until SIGINT or SIGTERM. The signals are blocked in every thread (the mask is
// set before any thread starts), so they queue for this sigwait.
int wait_for_signal(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace

int run_node(const Options& o, const char* program_path) {
  Level level;
  parse_log_level(o.log_level, &level);
  set_log_level(level);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  std::string db_path = (fs::path(o.data_dir) / "exchange.db").string();
  // The writer and the history queries each own a connection (SQLite: one per thread).
  std::shared_ptr<Store> stores[2];
  for (auto& store : stores) {
    auto opened = open_sqlite_store(db_path);
    if (!opened) {
      log(Level::error, "cannot open storage", {{"path", db_path}, {"detail", opened.error().message}});
      std::cerr << "exchange: cannot open storage " << db_path << ": " << opened.error().message << "\n";
      return 1;
    }
    store = std::move(*opened);
  }
  std::shared_ptr<Store> writer_store = stores[0];
  std::shared_ptr<Store> reader_store = stores[1];

  caf::actor_system_config cfg;
  add_message_types(cfg);
  cfg.set("scheduler.max-threads", static_cast<size_t>(std::max(1, o.scheduler_threads)));
  cfg.set("logger.console", caf::atom("none"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  caf::actor_system system{cfg};

  auto catalog = std::make_shared<Catalog>();
  catalog->assets = o.assets;
  catalog->timeout = std::chrono::milliseconds(o.request_timeout_ms);
  catalog->writer = system.spawn<caf::detached>(
      writer_actor, writer_store, WriterOptions{std::chrono::milliseconds(o.writer_interval_ms), 5000});
  catalog->history = system.spawn<caf::detached>(history_actor, reader_store);

  for (const MarketSpec& spec : o.markets) {
    MarketAssets assets;  // validate_options() checked both exist
    for (size_t i = 0; i < o.assets.size(); ++i) {
      if (o.assets[i].name == spec.base) assets.base = static_cast<AssetId>(i);
      if (o.assets[i].name == spec.quote) assets.quote = static_cast<AssetId>(i);
    }
    MarketStart start;
    start.band_bps = spec.band_bps;
    start.stp = stp_of(o.stp);
    auto last_trade = reader_store->max_trade_id(spec.symbol);
    auto last_order = reader_store->max_order_id(spec.symbol);
    if (!last_trade || !last_order) {
      log(Level::error, "cannot read storage", {{"market", spec.symbol}});
      return 1;
    }
    start.next_trade_id = *last_trade + 1;
    start.next_order_seq = (*last_order >> 12) + 1;
    // Books start empty (journals and snapshots are not built yet), so orders a previous
    // run left open are closed in history rather than shown open forever.
    auto closed = writer_store->close_open_orders(
        spec.symbol, std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
    if (closed && *closed > 0)
      log(Level::warn, "orders of a previous run closed (books are not durable yet)",
          {{"market", spec.symbol}, {"orders", std::to_string(*closed)}});
    warm_start(*reader_store, spec.symbol, start);
    caf::actor hub = system.spawn(hub_actor, spec.symbol, std::chrono::milliseconds(o.depth_batch_ms));
    caf::actor market = system.spawn(market_actor, spec, assets,
                                     MarketLinks{hub, catalog->writer, catalog->history}, start);
    catalog->markets.push_back(MarketEntry{spec, assets, market, hub});
  }
  caf::actor directory = system.spawn(directory_actor, CatalogPtr(catalog));
  CafGateway gateway(system, catalog, directory, 2);

  if (o.demo) {
    caf::scoped_actor self{system};
    Decimal amount = *Decimal::parse(o.demo_amount);
    for (const char* user : {"1", "2", "5"})
      for (const AssetSpec& a : o.assets)
        self->request(directory, std::chrono::seconds(10), deposit_atom::value, std::string(user),
                      a.name, amount)
            .receive([](Decimal) {},
                     [&](caf::error& e) {
                       log(Level::error, "demo deposit failed", {{"detail", system.render(e)}});
                     });
  }

  EdgeConfig edge_config;
  edge_config.bind_address = o.bind_address;
  edge_config.http_port = o.http_port;
  edge_config.ws_port = o.ws_port;
  edge_config.static_dir = find_static_dir(o, program_path);
  edge_config.cors_origins = o.cors_origins;
  edge_config.max_body_bytes = o.max_body_bytes;
  edge_config.max_ws_message_bytes = o.max_ws_message_bytes;
  edge_config.max_streams_per_connection = o.max_streams_per_connection;
  edge_config.ws_send_queue_frames = o.ws_send_queue_frames;
  edge_config.rate_limit_per_second = o.rate_limit_per_second;
  edge_config.io_threads = o.io_threads;
  // Stops every actor (accounts are linked to the directory and stop with it), so the
  // actor system can shut down.
  auto stop_actors = [&] {
    gateway.stop();
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
    for (auto& m : catalog->markets) {
      caf::anon_send_exit(m.market, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(m.hub, caf::exit_reason::user_shutdown);
    }
    caf::anon_send_exit(catalog->writer, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(catalog->history, caf::exit_reason::user_shutdown);
  };
  Edge edge(edge_config, gateway);
  try {
    edge.start();
  } catch (const std::exception& e) {
    log(Level::error, "cannot listen", {{"detail", e.what()}});
    std::cerr << "exchange: " << e.what() << "\n";
    stop_actors();
    return 1;
  }
  gateway.start_health_checks();
  // The one line a person (or a test) waits for.
  std::cout << "exchange listening: http://" << o.bind_address << ":" << edge.http_port()
            << " ws://" << o.bind_address << ":"
            << (edge.ws_port() ? std::to_string(edge.ws_port()) : std::to_string(edge.http_port()) + "/ws")
            << " markets=" << o.markets.size() << " data=" << o.data_dir
            << (edge_config.static_dir.empty() ? "" : " page=" + edge_config.static_dir)
            << std::endl;

  int sig = wait_for_signal(signals);
  log(Level::info, "shutting down", {{"signal", std::to_string(sig)}});
  edge.stop();
  {
    caf::scoped_actor self{system};
    self->request(catalog->writer, std::chrono::seconds(30), flush_atom::value)
        .receive([](bool) {},
                 [&](caf::error& e) {
                   log(Level::error, "final flush failed", {{"detail", system.render(e)}});
                 });
  }
  stop_actors();
  // Every actor finishes while the edge still exists: a late reply then lands in a
  // stopped io_context, never in a destroyed one.
  system.await_all_actors_done();
  std::cout << "exchange stopped" << std::endl;
  return 0;
}

}  // namespace ex
