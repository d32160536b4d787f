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
#include "actors/journal/journal_actor.hpp"
#include "actors/market/market_actor.hpp"
#include "actors/writer/writer_actor.hpp"
#include "config/bus_wiring.hpp"
#include "config/process.hpp"
#include "config/recovery.hpp"
#include "net/edge.hpp"
#include "storage/open_store.hpp"

namespace ex {
namespace {

namespace fs = std::filesystem;

std::string find_static_dir(const Options& o, const char* program_path) {
  if (!o.static_dir.empty()) return o.static_dir;
  std::error_code ec;
  fs::path exe = fs::canonical(program_path, ec);
  // The working directory, a build directory's source tree, or an installed prefix.
  for (const fs::path& p :
       {fs::path("frontend/out"), exe.parent_path() / "../frontend/out",
        exe.parent_path() / "../../frontend/out", exe.parent_path() / "../share/exchange/page"})
    if (fs::is_regular_file(p / "index.html", ec)) return p.lexically_normal().string();
  return "";
}

// The deposits journal keeps the totals and snapshots them itself.
class DepositJournalState final : public JournalState {
 public:
  explicit DepositJournalState(DepositTotals totals) : totals_(std::move(totals)) {}
  Result<bool> apply(std::string_view record) override { return totals_.apply(record); }
  std::string snapshot() const override { return totals_.encode(); }

 private:
  DepositTotals totals_;
};

// The writer, and how it rebuilds from the journals what it could not hold while storage
// was away.
WriterOptions writer_options(const Options& o) {
  WriterOptions w;
  w.interval = std::chrono::milliseconds(o.writer_interval_ms);
  w.max_pending = o.writer_max_pending;
  auto catch_up = std::make_shared<WriterCatchUp>();
  catch_up->open_store = [o] { return open_store(o.store, o.data_dir, &ex::log); };
  for (const MarketSpec& spec : o.markets)
    catch_up->markets.push_back(
        MarketReplayPlan{journal_dir(o, spec.symbol), spec, market_start(o, spec), 0, false});
  w.catch_up = std::move(catch_up);
  return w;
}

// One history actor per connection, behind a pool that hands queries out in turn: a
// slow query (a deep page on a busy server) holds up one thread, not every query.
caf::actor spawn_history(caf::actor_system& system,
                         const std::vector<std::shared_ptr<Store>>& stores) {
  if (stores.size() == 1) return system.spawn<caf::detached>(history_actor, stores[0]);
  size_t next = 0;
  return caf::actor_pool::make(
      system.dummy_execution_unit(), stores.size(),
      [&] { return system.spawn<caf::detached>(history_actor, stores[next++]); },
      caf::actor_pool::round_robin());
}

}  // namespace

int run_node(const Options& o, const char* program_path) {
  const sigset_t signals = prepare_process(o);

  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (auto locked = lock_data_dir(o.data_dir); !locked) return refuse_start(locked.error().message);
  // A taken port is found now, rather than after a recovery that can take a while.
  try {
    Edge::check_ports(edge_config(o, ""));
  } catch (const std::exception& e) {
    return refuse_start(e.what());
  }
  // The writer and each history thread own a connection (queries block their thread).
  std::vector<std::shared_ptr<Store>> stores(1 + static_cast<size_t>(o.history_connections));
  // The query connections would repeat what the writer's says at info (which mode storage
  // runs in); their warnings (a connection lost) are their own.
  const StoreLogger queries_log = [](Level level, std::string_view msg, auto fields) {
    if (level >= Level::warn) ex::log(level, msg, fields);
  };
  for (auto& store : stores) {
    const bool writes = &store == &stores[0];
    auto opened = open_store(o.store, o.data_dir, writes ? StoreLogger(&ex::log) : queries_log,
                             writes ? StoreUse::writes : StoreUse::queries);
    if (!opened)  // the message names the SQLite path or the URL without its password
      return refuse_start("cannot open storage: " + opened.error().message);
    store = std::move(*opened);
  }
  std::shared_ptr<Store> writer_store = stores[0];
  std::shared_ptr<Store> reader_store = stores[1];
  const std::vector<std::shared_ptr<Store>> history_stores(stores.begin() + 1, stores.end());

  caf::actor_system_config cfg;
  add_message_types(cfg);
  cfg.set("scheduler.max-threads", static_cast<size_t>(std::max(1, o.scheduler_threads)));
  // An idle worker polls briefly, then sleeps on its condition variable until work comes.
  // CAF's default middle phase (500 polls, 50 us apart) keeps idle workers waking 20,000
  // times a second: a fifth of a core at a trickle of orders, taken from the io threads
  // (and from a browser on the same machine), with no gain in latency.
  cfg.set("work-stealing.moderate-poll-attempts", size_t{0});
  cfg.set("logger.console", caf::atom("none"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  caf::actor_system system{cfg};

  // With --bus, one node that hosts markets per Redis: checked before anything is spawned.
  auto bus = open_bus(o, system);
  if (bus) {
    auto node = node_name(o.data_dir);
    if (!node) return refuse_start(node.error().message);
    // Another node took the claim while this one could not renew it (markets_lease.hpp).
    auto stop_hosting = [] { request_stop(1); };
    if (auto claimed = bus->claim(*node, stop_hosting); !claimed)
      return refuse_start(claimed.error().message);
  }

  auto catalog = std::make_shared<Catalog>();
  catalog->assets = o.assets;
  catalog->timeout = std::chrono::milliseconds(o.request_timeout_ms);
  catalog->max_open_orders = o.max_open_orders;
  catalog->max_users = o.max_users;
  catalog->writer = system.spawn(writer_actor, writer_store, writer_options(o));
  catalog->history = spawn_history(system, history_stores);

  auto recovered = recover(o, *reader_store, system, catalog->writer);
  if (!recovered) {
    caf::anon_send_exit(catalog->writer, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(catalog->history, caf::exit_reason::user_shutdown);
    // Market rules that changed under a journal are the configuration's fault: a service
    // manager must not restart into them (the systemd unit stops on 2).
    return refuse_start("recovery failed: " + recovered.error().message,
                        recovered.error().code == ErrorCode::invalid_field ? kExitConfigError : 1);
  }
  Recovery& rec = *recovered;
  uint64_t replayed = rec.deposits_replayed;
  for (auto& m : rec.markets)
    replayed += m.replayed;
  std::cout << "exchange recovered in " << rec.took.count() << " ms: " << replayed
            << " journal records replayed (deposits: " << rec.deposits_replayed << "), "
            << rec.accounts.size() << " accounts, " << rec.caught_up
            << " updates caught up into storage; durability=" << o.durability << std::endl;

  // Recovery caught storage up with every market's journal: the writer checks each
  // market's next update against that, so one lost on its way (through Redis, below) is
  // not jumped over. It answers how far storage holds the market without a gap, which is
  // less where the catch-up overflowed it and a worker is still replaying the journal.
  std::vector<uint64_t> stored_seqs;
  {
    caf::scoped_actor self{system};
    // The same for the deposits: the next record must follow the journal's last.
    self->request(catalog->writer, caf::infinite, stored_atom::value, std::string(kDepositStream),
                  rec.deposits_last_seq)
        .receive([](uint64_t) {}, [](caf::error&) {});
    for (const RecoveredMarket& m : rec.markets) {
      stored_seqs.push_back(m.stored_seq);  // what storage had before: true in any case
      self->request(catalog->writer, caf::infinite, stored_atom::value, m.core->spec().symbol,
                    m.core->sequence())
          .receive([&](uint64_t stored) { stored_seqs.back() = stored; }, [](caf::error&) {});
      if (stored_seqs.back() < m.core->sequence())
        log(Level::warn, "storage is still catching up with the journal, in the background",
            {{"market", m.core->spec().symbol},
             {"stored_seq", stored_seqs.back()},
             {"journal_seq", m.core->sequence()}});
    }
  }

  // With --bus, storage events go through Redis streams and market data to Redis channels.
  if (bus) catalog->writer = bus->route_storage(catalog->writer);

  journal::Durability durability_level;
  journal::parse_durability(o.durability, &durability_level);
  std::vector<caf::actor> journals;
  JournalLink deposits_link{kDepositStream, rec.deposits_dir, durability_level};
  std::vector<int64_t> deposited;
  for (const AssetSpec& a : o.assets)
    deposited.push_back(rec.deposit_totals.asset_total(a.name));
  deposits_link.state = std::make_shared<DepositJournalState>(std::move(rec.deposit_totals));
  deposits_link.snapshot_every = o.snapshot_every;
  deposits_link.stored_seq = rec.deposits_stored_seq;
  catalog->deposit_journal =
      system.spawn<caf::detached>(journal_actor, deposits_link, rec.deposits);
  journals.push_back(catalog->deposit_journal);
  std::unordered_map<std::string, caf::actor> accounts;
  for (auto& [user, restore] : rec.accounts)
    accounts.emplace(user,
                     system.spawn(account_actor, user, CatalogPtr(catalog), std::move(restore)));

  for (size_t i = 0; i < o.markets.size(); ++i) {
    const MarketSpec& spec = o.markets[i];
    RecoveredMarket& m = rec.markets[i];
    MarketAssets assets;  // validate_options() checked both exist
    for (size_t a = 0; a < o.assets.size(); ++a) {
      if (o.assets[a].name == spec.base) assets.base = static_cast<AssetId>(a);
      if (o.assets[a].name == spec.quote) assets.quote = static_cast<AssetId>(a);
    }
    std::vector<caf::actor> traders(m.core->trader_count());
    for (size_t u = 0; u < traders.size(); ++u)
      traders[u] = accounts.at(m.core->user_of(static_cast<book::UserId>(u)));
    caf::actor journal = system.spawn<caf::detached>(
        journal_actor, JournalLink{spec.symbol, m.dir, durability_level}, m.journal);
    journals.push_back(journal);
    MarketDurability durability{durability_level, o.snapshot_every,
                                std::chrono::seconds(o.snapshot_interval_s), stored_seqs[i]};
    caf::actor hub =
        system.spawn(hub_actor, spec.symbol, std::chrono::milliseconds(o.depth_batch_ms));
    caf::actor market = system.spawn(market_actor, m.core,
                                     MarketLinks{hub, catalog->writer, catalog->history, journal},
                                     durability, std::move(traders));
    if (bus) bus->attach_market(spec.symbol, market, hub);
    catalog->markets.push_back(MarketEntry{spec, assets, market, hub});
  }
  caf::actor directory =
      system.spawn(directory_actor, CatalogPtr(catalog), accounts, std::move(deposited));
  CafGateway gateway(system, catalog, directory, 2);

  if (o.demo) {
    caf::scoped_actor self{system};
    Decimal amount = *Decimal::parse(o.demo_amount);
    for (const char* user : {"1", "2", "5"})
      if (!rec.accounts.count(user))  // a restart keeps their balances
        for (const AssetSpec& a : o.assets)
          self->request(directory, std::chrono::seconds(10), deposit_atom::value, std::string(user),
                        a.name, amount)
              .receive([](Decimal) {},
                       [&](caf::error& e) {
                         log(Level::error, "demo deposit failed", {{"detail", system.render(e)}});
                       });
  }

  const EdgeConfig config = edge_config(o, find_static_dir(o, program_path));
  // Stops every actor (accounts are linked to the directory and stop with it), so the
  // actor system can shut down.
  auto stop_actors = [&] {
    gateway.stop();
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
    for (auto& m : catalog->markets) {
      caf::anon_send_exit(m.market, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(m.hub, caf::exit_reason::user_shutdown);
    }
    for (auto& j : journals)
      caf::anon_send_exit(j, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(catalog->writer, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(catalog->history, caf::exit_reason::user_shutdown);
    if (bus) bus->stop();
  };
  Edge edge(config, gateway);
  try {
    edge.start();
  } catch (const std::exception& e) {
    stop_actors();
    return refuse_start(e.what());
  }
  gateway.start_health_checks();
  // The one line a person (or a test) waits for.
  print_listening(o, edge,
                  "markets=" + std::to_string(o.markets.size()) + " data=" + o.data_dir +
                      " store=" + describe_store(o.store, o.data_dir) +
                      (bus ? " bus=" + bus->describe() : "") +
                      (config.static_dir.empty() ? "" : " page=" + config.static_dir));

  int sig = wait_for_signal(signals);
  log(requested_exit_code() ? Level::error : Level::info, "shutting down",
      {{"signal", sig}, {"exit_code", requested_exit_code()}});
  edge.stop();
  {
    caf::scoped_actor self{system};
    // What a market holds back for its receivers reaches them first (market_outbox.hpp),
    // then what the journals hold in memory (level none) goes to disk before they stop.
    auto failed = [&](const char* what) {
      return [&system, what](caf::error& e) {
        log(Level::error, what, {{"detail", system.render(e)}});
      };
    };
    for (auto& m : catalog->markets)
      self->request(m.market, std::chrono::seconds(30), flush_atom::value)
          .receive([](bool) {}, failed("a market's final flush failed"));
    for (auto& j : journals)
      self->request(j, std::chrono::seconds(30), flush_atom::value)
          .receive([] {}, failed("a journal's final flush failed"));
    self->request(catalog->writer, std::chrono::seconds(30), flush_atom::value)
        .receive(
            [](bool stored) {
              if (!stored)
                log(Level::warn,
                    "stopping with storage behind: the next start catches it up "
                    "from the journals",
                    {});
            },
            failed("final flush failed"));
  }
  stop_actors();
  // Every actor finishes while the edge still exists: a late reply then lands in a
  // stopped io_context, never in a destroyed one.
  system.await_all_actors_done();
  std::cout << "exchange stopped" << std::endl;
  return requested_exit_code();  // also a claim lost while stopping
}

}  // namespace ex
