#include "config/options.hpp"
#include "storage/journal.hpp"

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>
#include <toml.hpp>

#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "net/client_address.hpp"
#include "net/redis/redis_reply.hpp"
#include "storage/postgres/postgres_url.hpp"

namespace ex {
namespace {

Decimal dec(const char* s) {
  return *Decimal::parse(s);
}

MarketSpec default_market(uint16_t id, const char* base) {
  MarketSpec m;
  m.id = id;
  m.base = base;
  m.quote = "INR";
  m.symbol = m.base + "_" + m.quote;
  m.tick_size = dec("0.01");
  m.step_size = dec("0.01");
  m.min_qty = dec("0.01");
  m.min_notional = dec("1");
  m.band_bps = 1000;
  return m;
}

Result<Decimal> decimal_field(const toml::value& t, const char* key, const char* fallback) {
  std::string text = fallback;
  if (t.contains(key)) {
    const auto& v = t.at(key);
    if (v.is_string())
      text = v.as_string();
    else if (v.is_integer())
      text = std::to_string(v.as_integer());
    else
      return make_error(ErrorCode::invalid_field,
                        std::string(key) + ": write decimals as strings, e.g. \"0.01\"");
  }
  auto d = Decimal::parse(text);
  if (!d)
    return make_error(ErrorCode::invalid_field, std::string(key) + ": not a decimal: " + text);
  return *d;
}

// `key` of `table` as a T, or `fallback` when it is absent. A value of another type is an
// error (toml::find_or would quietly take the fallback: "decimals = \"0\"" became 2).
template <class T>
T field_or(const toml::value& table, const std::string& key, T fallback) {
  return table.contains(key) ? toml::find<T>(table, key) : fallback;
}

// A key of `table` that is not in `known` (a typo would otherwise be a silent default).
Result<bool> only_known_keys(const toml::value& table, const std::set<std::string>& known,
                             const std::string& where) {
  for (const auto& [key, value] : table.as_table())
    if (!known.count(key))
      return make_error(ErrorCode::invalid_field, where + ": unknown key '" + key + "'");
  return true;
}

// Reads [[assets]] and [[markets]] from a TOML file, whose other keys must be `options`
// (CLI11 reads those).
Result<bool> load_tables(const std::string& path, Options& o, std::set<std::string> options) {
  toml::value file;
  try {
    file = toml::parse(path);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::invalid_field, "config " + path + ": " + e.what());
  }
  options.insert({"assets", "markets"});
  if (auto r = only_known_keys(file, options, "config " + path); !r)
    return make_error(r.error().code, r.error().message +
                                          " (options are named as on the command line, "
                                          "without the dashes: http-port)");
  try {
    if (file.contains("assets")) {
      o.assets.clear();
      for (const auto& a : toml::find<toml::array>(file, "assets")) {
        if (auto r = only_known_keys(a, {"name", "decimals"}, "config " + path + " [[assets]]"); !r)
          return r;
        o.assets.push_back(AssetSpec{toml::find<std::string>(a, "name"),
                                     static_cast<int>(field_or<int64_t>(a, "decimals", 2))});
      }
    }
    if (file.contains("markets")) {
      o.markets.clear();
      for (const auto& t : toml::find<toml::array>(file, "markets")) {
        if (auto r = only_known_keys(t,
                                     {"id", "symbol", "base", "quote", "tick_size", "step_size",
                                      "min_qty", "min_notional", "price_band"},
                                     "config " + path + " [[markets]]");
            !r)
          return r;
        MarketSpec m;
        const int64_t id = toml::find<int64_t>(t, "id");
        if (id < 1 || id > kMaxMarketId)
          return make_error(ErrorCode::invalid_field, "config " + path + ": market id " +
                                                          std::to_string(id) + " is not in 1-" +
                                                          std::to_string(kMaxMarketId));
        m.id = static_cast<uint16_t>(id);
        m.base = toml::find<std::string>(t, "base");
        m.quote = toml::find<std::string>(t, "quote");
        m.symbol = field_or<std::string>(t, "symbol", m.base + "_" + m.quote);
        for (auto [key, dst, fallback] : {std::make_tuple("tick_size", &m.tick_size, "0.01"),
                                          std::make_tuple("step_size", &m.step_size, "0.01"),
                                          std::make_tuple("min_qty", &m.min_qty, "0"),
                                          std::make_tuple("min_notional", &m.min_notional, "0")}) {
          auto d = decimal_field(t, key, fallback);
          if (!d) return d.error();
          *dst = *d;
        }
        auto band = decimal_field(t, "price_band", "0.1");
        if (!band) return band.error();
        if (!band->is_multiple_of(*Decimal::parse("0.0001")))
          return make_error(ErrorCode::invalid_field,
                            "config " + path + ": market " + m.symbol +
                                ": price_band is in whole basis points (0.0001), not " +
                                band->to_string());
        m.band_bps = band->units() / (Decimal::kScale / 10000);
        o.markets.push_back(std::move(m));
      }
    }
  } catch (const std::exception& e) {
    return make_error(ErrorCode::invalid_field, "config " + path + ": " + e.what());
  }
  return true;
}

// "a, b,,c" -> {"a", "b", "c"}
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  for (size_t start = 0; start <= text.size();) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    const size_t first = item.find_first_not_of(" \t");
    if (first != std::string::npos)
      items.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
    start = comma + 1;
  }
  return items;
}

// CLI11 2.1 gives a config file's value precedence over an environment variable; ours is
// flags, then the environment, then the file (so that a secret such as EXCHANGE_STORE in
// the service's environment file wins over the example file's empty default). Applied
// again here, for every option the command line does not give; validated as a flag is.
void apply_environment_over_file(CLI::App& app, int argc, const char* const* argv) {
  auto on_command_line = [&](const CLI::Option* opt) {
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      for (const std::string& name : opt->get_lnames()) {
        const std::string flag = "--" + name;
        if (arg == flag || arg.rfind(flag + "=", 0) == 0) return true;
      }
    }
    return false;
  };
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_envname().empty() || opt->count() == 0 || on_command_line(opt)) continue;
    const char* value = std::getenv(opt->get_envname().c_str());
    if (!value || !*value) continue;  // an empty variable is unset, as CLI11 has it
    opt->clear();
    opt->add_result(value);
    opt->run_callback();
  }
}

// The range of a whole-number option, checked on the value read as a signed number. CLI11
// converts an unsigned option with strtoull, which wraps "-1" into 2^64 - 1 (and
// "-18446744073709551615" into 1), so a range of the option's own unsigned type would let
// a negative value through; as a signed number it is refused ("Value -1 not in range").
CLI::Range whole(int64_t min, int64_t max) {
  return CLI::Range(min, max);
}

}  // namespace

Result<bool> validate_options(const Options& o) {
  std::set<std::string> names;
  for (const auto& a : o.assets) {
    if (a.name.empty() || a.decimals < 0 || a.decimals > Decimal::kScaleDigits)
      return make_error(ErrorCode::invalid_field, "asset " + a.name + ": decimals must be 0..8");
    for (char c : a.name)
      if (!std::isalnum(static_cast<unsigned char>(c)))
        return make_error(ErrorCode::invalid_field,
                          "asset '" + a.name + "': a name is letters and digits");
    if (!names.insert(a.name).second)
      return make_error(ErrorCode::invalid_field, "asset " + a.name + " is defined twice");
  }
  std::set<uint16_t> ids;
  std::set<std::string> symbols;
  for (const auto& m : o.markets) {
    auto ok = m.validate();
    if (!ok) return ok.error();
    // A market's symbol names its journal's directory: "deposits" is the deposits journal's.
    if (m.symbol == kDepositStream)
      return make_error(ErrorCode::invalid_field,
                        "market symbol '" + m.symbol + "' is reserved (the deposits journal)");
    if (!ids.insert(m.id).second || !symbols.insert(m.symbol).second)
      return make_error(ErrorCode::invalid_field,
                        "market " + m.symbol + ": id and symbol must be unique");
    auto decimals_of = [&](const std::string& asset) {
      const AssetSpec* a = find_asset(o.assets, asset);
      return a ? a->decimals : -1;
    };
    int bd = decimals_of(m.base), qd = decimals_of(m.quote);
    if (bd < 0 || qd < 0)
      return make_error(ErrorCode::invalid_field, "market " + m.symbol + ": unknown asset");
    if (m.base == m.quote)
      return make_error(ErrorCode::invalid_field,
                        "market " + m.symbol + ": base and quote are the same asset");
    if (m.step_size.decimals() > bd || m.tick_size.decimals() > qd)
      return make_error(
          ErrorCode::invalid_field,
          "market " + m.symbol + ": tick/step sizes have more decimals than the assets");
  }
  if (o.markets.empty()) return make_error(ErrorCode::invalid_field, "no markets configured");
  // Every demo user gets the amount in every asset: one the asset cannot hold would be
  // refused at start, leaving the demo users without it.
  if (auto demo = Decimal::parse(o.demo_amount); o.demo && demo)
    for (const auto& a : o.assets)
      if (demo->decimals() > a.decimals)
        return make_error(ErrorCode::invalid_field,
                          "--demo-amount " + o.demo_amount + " has more decimals than " + a.name +
                              " allows (" + std::to_string(a.decimals) + ")");
  if (o.http_port != 0 && o.http_port == o.ws_port)
    return make_error(ErrorCode::invalid_field,
                      "--ws-port: the WebSocket port must differ from the HTTP port (or be 0)");
  if (!is_ip_address(o.bind_address))
    return make_error(ErrorCode::invalid_field, "--bind: not an IP address: '" + o.bind_address +
                                                    "' (0.0.0.0, 127.0.0.1, ::)");
  if (o.data_dir.empty())
    return make_error(ErrorCode::invalid_field, "--data-dir: give a directory (\".\" for here)");
  if (std::error_code ec; !o.static_dir.empty() && !std::filesystem::is_directory(o.static_dir, ec))
    return make_error(ErrorCode::invalid_field, "--static-dir: not a directory: " + o.static_dir);
  return true;
}

Result<Options> load_options(int argc, const char* const* argv, int* exit_code) {
  Options o;
  o.assets = {{"TATA", 2}, {"INFY", 2}, {"INR", 2}};
  o.markets = {default_market(1, "TATA"), default_market(2, "INFY")};
  *exit_code = -1;

  CLI::App app{
      "exchange: a real-time trading and order-matching system (one node).\n"
      "Companions: exchange-mm (market maker), exchange-sim (simulated traders)."};
  std::string config_path;
  std::string cors = "*";
  std::string trusted_proxies;
  // The one option without an environment variable: CLI11 2.1 reads the config file before
  // it looks at the environment, so an EXCHANGE_CONFIG would name a file never read.
  app.set_config("--config", "",
                 "TOML config file; [[assets]] and [[markets]] tables define markets (no "
                 "environment variable)");
  // The file's [[assets]] and [[markets]] tables are read by load_tables, not by CLI11.
  // (allow_config_extras(true) would also let a mistyped command-line option pass unseen.)
  app.allow_config_extras(CLI::config_extras_mode::ignore);
  app.add_option("--bind", o.bind_address, "Address to listen on")
      ->envname("EXCHANGE_BIND")
      ->capture_default_str();
  app.add_option("--http-port", o.http_port,
                 "REST + /ws + trading page port (0: any free port, the one chosen is printed "
                 "in the \"listening\" line)")
      ->check(whole(0, 65535))
      ->envname("EXCHANGE_HTTP_PORT")
      ->capture_default_str();
  app.add_option("--ws-port", o.ws_port,
                 "The original's WebSocket port (0: none of its own; WebSockets are then "
                 "served only on /ws of --http-port)")
      ->check(whole(0, 65535))
      ->envname("EXCHANGE_WS_PORT")
      ->capture_default_str();
  app.add_option("--cors-origins", cors, "Allowed CORS origins, comma separated")
      ->envname("EXCHANGE_CORS_ORIGINS")
      ->capture_default_str();
  app.add_option("--trusted-proxies", trusted_proxies,
                 "Reverse proxies (IP addresses, comma separated) whose X-Forwarded-For "
                 "names the client for --rate-limit, and whose connections "
                 "--max-connections-per-client does not count")
      ->envname("EXCHANGE_TRUSTED_PROXIES");
  app.add_option("--static-dir", o.static_dir,
                 "Trading page files (default: frontend/out if built, or share/exchange/page "
                 "when installed); not with --role ws-edge")
      ->envname("EXCHANGE_STATIC_DIR");
  // Ranges: every whole-number option has one (README, "Configuration"), so that a negative
  // value, a value that would make the exchange refuse every request or subscription, or
  // an absurd one stops it at start instead. 0 is allowed only where it means something
  // (the help says what).
  app.add_option("--max-body-bytes", o.max_body_bytes, "Largest accepted request body")
      ->check(whole(256, int64_t{64} << 20))
      ->envname("EXCHANGE_MAX_BODY_BYTES")
      ->capture_default_str();
  app.add_option("--max-ws-message-bytes", o.max_ws_message_bytes,
                 "Largest accepted WebSocket message")
      ->check(whole(64, int64_t{16} << 20))
      ->capture_default_str();
  app.add_option("--max-streams-per-connection", o.max_streams_per_connection,
                 "Subscriptions one WebSocket may hold")
      ->check(whole(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--ws-send-queue", o.ws_send_queue_frames,
                 "Frames queued per WebSocket before it is closed as a slow consumer")
      ->check(whole(1, int64_t{1} << 24))
      ->capture_default_str();
  app.add_option("--ws-flush-us", o.ws_flush_interval_us,
                 "Longest a stream event waits for others to share its socket write: at most "
                 "one write per WebSocket per interval (0: no wait)")
      ->check(whole(0, 1'000'000))
      ->capture_default_str();
  app.add_option("--rate-limit", o.rate_limit_per_second,
                 "REST requests per second per client IP (0: off)")
      ->check(whole(0, 1'000'000))
      ->envname("EXCHANGE_RATE_LIMIT")
      ->capture_default_str();
  app.add_option("--max-connections", o.max_connections,
                 "Open HTTP and WebSocket connections at most; beyond, new ones are closed at "
                 "once (0: the open-file limit, raised to its maximum, less a reserve for the "
                 "journals and storage)")
      ->check(whole(0, 10'000'000))
      ->envname("EXCHANGE_MAX_CONNECTIONS")
      ->capture_default_str();
  app.add_option("--max-connections-per-client", o.max_connections_per_client,
                 "Open connections from one IP address at most (trusted proxies excepted); "
                 "beyond, its new ones are closed at once (0: no such limit)")
      ->check(whole(0, 10'000'000))
      ->capture_default_str();
  // Two REST threads on two cores and more: more orders/s alone, and order entry no longer
  // throttled by a fan-out sharing its thread (README, "Architecture").
  if (std::thread::hardware_concurrency() >= 2) o.io_threads = 2;
  app.add_option("--io-threads", o.io_threads,
                 "Threads serving REST requests (WebSockets share the first, unless "
                 "--market-data-threads gives them threads of their own)")
      ->check(whole(1, 64))
      ->envname("EXCHANGE_IO_THREADS")
      ->capture_default_str();
  // On a small machine whose cores are all busy, WebSockets sharing the REST threads serve
  // subscribers better (README, "Architecture"); with cores to spare, a thread of their own
  // keeps a busy market's fan-out from queueing order entry.
  if (std::thread::hardware_concurrency() >= 4) o.market_data_threads = 1;
  app.add_option("--market-data-threads", o.market_data_threads,
                 "Threads serving WebSocket connections and their fan-out (0: they share the "
                 "first REST thread)")
      ->check(whole(0, 64))
      ->envname("EXCHANGE_MARKET_DATA_THREADS")
      ->capture_default_str();
  app.add_option("--scheduler-threads", o.scheduler_threads, "Threads running actors")
      ->check(whole(1, 64))
      ->envname("EXCHANGE_SCHEDULER_THREADS")
      ->capture_default_str();
  app.add_option("--request-timeout-ms", o.request_timeout_ms,
                 "Timeout of a request to an actor (then 503)")
      ->check(whole(1, 3'600'000))
      ->capture_default_str();
  app.add_option("--max-open-orders", o.max_open_orders,
                 "Open orders one user may have in one market (0: no limit); beyond, 422 "
                 "TOO_MANY_ORDERS")
      ->check(whole(0, 10'000'000))
      ->capture_default_str();
  app.add_option("--max-users", o.max_users,
                 "Accounts this node holds (0: no limit); a deposit that would create one "
                 "more is 422 TOO_MANY_USERS")
      ->check(whole(0, 1'000'000'000))
      ->capture_default_str();
  app.add_option("--depth-batch-ms", o.depth_batch_ms,
                 "Coalesce depth events for this long (0: one per change)")
      ->check(whole(0, 60'000))
      ->capture_default_str();
  app.add_option("--stp", o.stp, "Self-trade prevention: cancel_resting, cancel_taker, cancel_both")
      ->capture_default_str();
  app.add_option("--data-dir", o.data_dir,
                 "The node's own directory: the journals and snapshots (journal/), the SQLite "
                 "store (exchange.db, unless --store), the LOCK file that keeps a second "
                 "node off it while this one runs, and node-id (its name to a shared Redis)")
      ->envname("EXCHANGE_DATA_DIR")
      ->capture_default_str();
  app.add_option(
         "--store", o.store,
         "postgresql://user:password@host:port/db to store orders, trades, deposits and candles "
         "in PostgreSQL (TimescaleDB if available); empty: SQLite in <data-dir>/exchange.db")
      ->envname("EXCHANGE_STORE");
  app.add_option("--writer-interval-ms", o.writer_interval_ms,
                 "How long the writer batches records (0: no wait; records still gather "
                 "while a write is in flight)")
      ->check(whole(0, 60'000))
      ->capture_default_str();
  app.add_option("--history-connections", o.history_connections,
                 "Storage connections serving history queries (/orders beyond memory, /fills, "
                 "/klines, deep /trades), one thread each")
      ->check(whole(1, 64))
      ->capture_default_str();
  app.add_option("--writer-max-pending", o.writer_max_pending,
                 "Records the writer holds while storage is away; beyond, it rebuilds them from "
                 "the journals once storage is back")
      ->check(whole(1, int64_t{1} << 32))
      ->capture_default_str();
  app.add_option(
         "--bus", o.bus,
         "redis://host:port: publish every stream's events on Redis channels named after the "
         "streams, and pass storage events through Redis streams (consumer group); empty: all in "
         "process")
      ->envname("EXCHANGE_BUS");
  app.add_option(
         "--role", o.role,
         "node: host the configured markets; ws-edge: serve only WebSocket streams, from --bus "
         "(REST calls that need a market answer 503)")
      ->envname("EXCHANGE_ROLE")
      ->capture_default_str();
  app.add_option(
         "--bus-consumer", o.bus_consumer,
         "This node's name in the Redis consumer group of writers (keep it stable across restarts)")
      ->envname("EXCHANGE_BUS_CONSUMER")
      ->capture_default_str();
  // Below a writer's read (1000 entries), a stream would be trimmed past events before any
  // writer could read them, and every batch would be a gap taken from the journal.
  app.add_option("--bus-stream-maxlen", o.bus_stream_maxlen,
                 "Approximate length cap of each Redis event stream")
      ->check(whole(1000, 100'000'000))
      ->capture_default_str();
  app.add_option("--durability", o.durability,
                 "none: journal written, not synced, replies do not wait (a crash may lose the "
                 "last moments); "
                 "batch: replies wait for a group fdatasync; sync: one fdatasync per command")
      ->envname("EXCHANGE_DURABILITY")
      ->capture_default_str();
  app.add_option("--snapshot-every", o.snapshot_every, "Commands between snapshots of a market")
      ->check(whole(1, 1'000'000'000))
      ->capture_default_str();
  app.add_option("--snapshot-interval-s", o.snapshot_interval_s,
                 "Seconds between snapshots of a busy market")
      ->check(whole(1, 7 * 24 * 3600))
      ->capture_default_str();
  app.add_option("--journal-segment-mb", o.journal_segment_mb,
                 "Size of a journal file before the next one starts")
      ->check(whole(1, 4096))
      ->capture_default_str();
  app.add_flag("--demo", o.demo,
               "Create demo users 1, 2 and 5 holding --demo-amount of every asset")
      ->envname("EXCHANGE_DEMO");
  app.add_option("--demo-amount", o.demo_amount, "Demo users' starting balance per asset")
      ->capture_default_str();
  app.add_option("--log-level", o.log_level, "debug, info, warn, error, off")
      ->envname("EXCHANGE_LOG_LEVEL")
      ->capture_default_str();
  app.set_version_flag("--version", std::string("exchange ") + EXCHANGE_VERSION);
  // Every option may come from the environment: --max-ws-message-bytes from
  // EXCHANGE_MAX_WS_MESSAGE_BYTES.
  for (CLI::Option* opt : app.get_options()) {
    if (!opt->get_envname().empty() || opt->get_lnames().empty()) continue;
    const std::string& name = opt->get_lnames().front();
    if (name == "help" || name == "version" || name == "config") continue;
    std::string env = "EXCHANGE_";
    for (char c : name)
      env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    opt->envname(env);
  }
  try {
    app.parse(argc, argv);
    apply_environment_over_file(app, argc, argv);
  } catch (const CLI::ParseError& e) {
    // app.exit prints the help, the version or the error; an error exits with our code.
    *exit_code = app.exit(e) == 0 ? 0 : kExitConfigError;
    return make_error(ErrorCode::invalid_field, e.what());
  }
  if (auto* c = app.get_config_ptr(); c && c->count() > 0) {
    std::set<std::string> names;
    for (const CLI::Option* opt : app.get_options())
      for (const std::string& name : opt->get_lnames())
        names.insert(name);
    auto loaded = load_tables(c->as<std::string>(), o, std::move(names));
    if (!loaded) return loaded.error();
  }
  o.cors_origins = split_list(cors);
  o.trusted_proxies = split_list(trusted_proxies);
  for (const auto& a : o.trusted_proxies)
    if (!is_ip_address(a))
      return make_error(ErrorCode::invalid_field,
                        "--trusted-proxies: not an IP address: \"" + a + "\"");
  Level level;
  if (!parse_log_level(o.log_level, &level))
    return make_error(ErrorCode::invalid_field, "--log-level: debug, info, warn, error or off");
  if (!o.store.empty() && !pg::is_postgres_url(o.store))
    return make_error(
        ErrorCode::invalid_field,
        "--store: empty (embedded SQLite) or postgresql://user:password@host:port/db");
  if (!o.bus.empty())
    if (auto bus = redis::parse_redis_url(o.bus); !bus) return bus.error();
  if (o.role != "node" && o.role != "ws-edge")
    return make_error(ErrorCode::invalid_field, "--role: node or ws-edge");
  if (o.role == "ws-edge" && o.bus.empty())
    return make_error(ErrorCode::invalid_field, "--role ws-edge needs --bus redis://host:port");
  if (o.role == "ws-edge" && !o.static_dir.empty())
    return make_error(ErrorCode::invalid_field,
                      "--static-dir: a WebSocket-only edge (--role ws-edge) does not serve the "
                      "trading page, whose orders and balances need a node that hosts markets");
  if (o.stp != "cancel_resting" && o.stp != "cancel_taker" && o.stp != "cancel_both")
    return make_error(ErrorCode::invalid_field,
                      "--stp: cancel_resting, cancel_taker or cancel_both");
  if (journal::Durability d; !journal::parse_durability(o.durability, &d))
    return make_error(ErrorCode::invalid_field, "--durability: none, batch or sync");
  if (!Decimal::parse(o.demo_amount) || !Decimal::parse(o.demo_amount)->is_positive())
    return make_error(ErrorCode::invalid_field, "--demo-amount must be a positive decimal");
  auto valid = validate_options(o);
  if (!valid) return valid.error();
  return o;
}

}  // namespace ex
