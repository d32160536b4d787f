#include "net/bots/bot_cli.hpp"

#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <type_traits>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <toml.hpp>

#include "net/bots/bot_log.hpp"
#include "net/client/url.hpp"

namespace ex::bots {
namespace {

struct ConfigError {
  std::string what;
};

Decimal parse_decimal(const std::string& text, const std::string& name) {
  auto d = Decimal::parse(text);
  if (!d) throw ConfigError{name + ": not an exact decimal: " + text};
  return *d;
}

// A TOML value as T; decimals must be strings or integers (a TOML float is a double and
// would not be exact), as in the exchange's own config file.
template <class T>
T from_toml(const toml::value& v, const std::string& name) {
  try {
    if constexpr (std::is_same_v<T, bool>) {
      return toml::get<bool>(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      return toml::get<std::string>(v);
    } else if constexpr (std::is_same_v<T, Decimal>) {
      // Through the text, whose parser refuses what the decimal cannot hold.
      if (v.is_integer()) return parse_decimal(std::to_string(toml::get<int64_t>(v)), name);
      if (v.is_string()) return parse_decimal(toml::get<std::string>(v), name);
      throw ConfigError{name + ": write decimals as strings, e.g. \"0.5\""};
    } else if constexpr (std::is_floating_point_v<T>) {
      if (v.is_integer()) return static_cast<T>(toml::get<int64_t>(v));
      return toml::get<T>(v);
    } else if constexpr (std::is_integral_v<T>) {
      int64_t n = toml::get<int64_t>(v);
      if (n < 0 && std::is_unsigned_v<T>) throw ConfigError{name + ": must not be negative"};
      return static_cast<T>(n);
    } else {  // std::vector<std::string>: an array, or one comma separated string
      T out;
      if (v.is_string()) {
        std::string s = toml::get<std::string>(v);
        for (size_t start = 0; start <= s.size();) {
          size_t comma = s.find(',', start);
          if (comma == std::string::npos) comma = s.size();
          if (comma > start) out.push_back(s.substr(start, comma - start));
          start = comma + 1;
        }
        return out;
      }
      return toml::get<T>(v);
    }
  } catch (const toml::type_error&) {
    throw ConfigError{name + ": wrong type in the config file"};
  }
}

// Declares each setting once, as a flag and as a config file key of the same name.
class Settings {
 public:
  explicit Settings(CLI::App& app) : app_(app) {
    // A flag given twice: the last one counts (scripts append overrides).
    app_.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app_.add_option("--config", config_path_,
                    "TOML file of settings: keys are these flags' long names (flags win)");
  }

  template <class T>
  CLI::Option* add(const std::string& name, T& var, const std::string& help) {
    readers_[name] = [&var, name](const toml::value& v) { var = from_toml<T>(v, name); };
    CLI::Option* o = app_.add_option("--" + name, var, help);
    // CLI11 reads "-3" into an unsigned as 2^64 - 3.
    if constexpr (std::is_unsigned_v<T>)
      o->check(CLI::Validator(
          [](std::string& s) {
            return s.find('-') == std::string::npos ? std::string() : "must not be negative";
          },
          "", "NONNEGATIVE"));
    return o->capture_default_str();
  }

  CLI::Option* add_decimal(const std::string& name, Decimal& var, const std::string& help) {
    readers_[name] = [&var, name](const toml::value& v) { var = from_toml<Decimal>(v, name); };
    return app_
        .add_option_function<std::string>(
            "--" + name,
            [&var, name](const std::string& s) {
              auto d = Decimal::parse(s);
              if (!d) throw CLI::ValidationError("--" + name, "not an exact decimal: " + s);
              var = *d;
            },
            help)
        ->type_name("DECIMAL")
        ->default_str(var.to_string());
  }

  CLI::Option* add_flag(const std::string& name, bool& var, const std::string& help) {
    readers_[name] = [&var, name](const toml::value& v) { var = from_toml<bool>(v, name); };
    return app_.add_flag("--" + name + ",!--no-" + name, var, help)
        ->default_str(var ? "true" : "false");
  }

  // Tables the caller reads itself (e.g. [[market]]).
  void allow_table(const std::string& name) { tables_.insert(name); }

  // Reads --config (if given) before the flags are parsed, so that flags override it.
  // Returns the parsed file (an empty table if none).
  toml::value load(int argc, const char* const* argv) {
    std::string path;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--config" && i + 1 < argc)
        path = argv[i + 1];
      else if (a.rfind("--config=", 0) == 0)
        path = a.substr(9);
    }
    if (path.empty()) return toml::value(toml::table{});
    toml::value file;
    try {
      file = toml::parse(path);
    } catch (const std::exception& e) {
      throw ConfigError{"config " + path + ": " + e.what()};
    }
    for (const auto& [key, value] : file.as_table()) {
      if (tables_.count(key)) continue;
      auto it = readers_.find(key);
      if (it == readers_.end())
        throw ConfigError{"config " + path + ": unknown setting '" + key + "'"};
      it->second(value);
    }
    return file;
  }

 private:
  CLI::App& app_;
  std::string config_path_;
  std::map<std::string, std::function<void(const toml::value&)>> readers_;
  std::set<std::string> tables_;
};

// Runs `parse` inside the error handling every front end needs.
template <class F>
ParseOutcome guarded(CLI::App& app, F parse) {
  ParseOutcome out;
  try {
    parse();
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message and gives each kind of error a code of its own (105 for a
    // value out of range, 109 for an unknown flag, ...): every command line error is 2
    // here, as the bots' own checks are; --help and --version stay 0.
    out.exit_code = app.exit(e) == 0 ? 0 : 2;
    if (out.exit_code != 0) out.error = e.what();
  } catch (const ConfigError& e) {
    out.exit_code = 2;
    out.error = e.what;
    std::cerr << app.get_name() << ": " << e.what << "\n";
  } catch (const std::exception& e) {  // e.g. toml::find on a [[market]] without a symbol
    out.exit_code = 2;
    out.error = std::string("config: ") + e.what();
    std::cerr << app.get_name() << ": " << out.error << "\n";
  }
  return out;
}

void check(bool ok, const std::string& what) {
  if (!ok) throw ConfigError{what};
}

void check_urls(const std::string& http, const std::string& ws) {
  check(client::parse_url(http) && client::parse_url(http)->scheme == "http",
        "--http: expected http://host:port, got " + http);
  check(ws == "http" || (client::parse_url(ws) && client::parse_url(ws)->scheme == "ws"),
        "--ws: expected ws://host:port/path or 'http' (/ws on the REST port), got " + ws);
}

// The settings both bots share, checked after the flags and the file are read (a file's
// values do not pass through the flags' own validators).
void check_common(int connections, int64_t timeout_ms, double wait_ready_s,
                  const std::string& log_level) {
  LogLevel level;
  check(BotLog::parse(log_level, &level),
        "--log-level: expected debug, info, warn, error or off, got '" + log_level + "'");
  check(connections >= 1, "--connections must be at least 1, got " + std::to_string(connections));
  check(timeout_ms > 0, "--request-timeout-ms must be positive, got " + std::to_string(timeout_ms));
  check(wait_ready_s >= 0, "--wait-ready must not be negative (0: wait for ever)");
}

void add_common(Settings& s, std::string& http, std::string& ws, std::vector<std::string>& markets,
                int& connections, int64_t& timeout_ms, double& wait_ready_s, uint64_t& seed,
                std::string& log_level) {
  s.add("http", http, "REST endpoint of the exchange");
  s.add("ws", ws, "WebSocket endpoint, e.g. ws://127.0.0.1:3002/ ('http': /ws on the REST port)");
  s.add("markets", markets,
        "Markets to trade, comma separated (default: all of GET /api/v1/markets)")
      ->delimiter(',');
  s.add("connections", connections, "HTTP keep-alive connections");
  s.add("request-timeout-ms", timeout_ms, "Timeout of each HTTP request");
  s.add("wait-ready", wait_ready_s,
        "Seconds to wait for the exchange's /ready at start (0: for ever)");
  s.add("seed", seed, "Random seed (0: from the clock)");
  s.add("log-level", log_level, "debug, info, warn, error, off");
}

// Stops the bot on SIGINT/SIGTERM; a second signal hurries it.
template <class Bot>
void on_signals(boost::asio::signal_set& signals, Bot& bot, boost::asio::io_context& io) {
  signals.async_wait([&signals, &bot, &io](const boost::system::error_code& ec, int) {
    if (ec) return;
    bot.stop([&io] { io.stop(); });
    on_signals(signals, bot, io);
  });
}

}  // namespace

ParseOutcome parse_mm_options(int argc, const char* const* argv, MmConfig& c) {
  CLI::App app{
      "exchange-mm: a market maker for the exchange, written against its public API.\n"
      "For each market it quotes a ladder of post-only orders around a reference price (a\n"
      "random walk, or the last trade), skewed by its inventory, replaces stale quotes, takes\n"
      "liquidity now and then (as --taker-user) so that trades, candles and tickers move, and\n"
      "cancels everything on SIGINT/SIGTERM. It reconnects by itself when the exchange restarts.\n"
      "Per-market settings go in the config file as [[market]] tables with a 'symbol' and any of\n"
      "reference-price, levels, quantity, spread-bps, level-step-bps, max-position.",
      "exchange-mm"};
  app.get_formatter()->column_width(40);
  Settings s(app);
  s.allow_table("market");
  add_common(s, c.http_url, c.ws_url, c.markets, c.http_connections, c.request_timeout_ms,
             c.wait_ready_s, c.seed, c.log_level);
  s.add("user", c.user,
        "User whose orders make the market (the default is a --demo user: where people "
        "trade, e.g. on the trading page, give the bot users of their own and --topup)");
  s.add("taker-user", c.taker_user, "User that takes liquidity ('' to never take)");
  s.add("reference", c.reference, "Reference price: walk (random walk) or last (last trade)")
      ->check(CLI::IsMember({"walk", "last"}));
  s.add_decimal("ref-price", c.default_reference,
                "Reference when a market has no trades and no book");
  s.add("volatility-bps", c.walk.volatility_bps, "Walk: standard deviation of a second's move");
  s.add("reversion", c.walk.reversion,
        "Walk: share of the distance to the anchor recovered per second");
  s.add("levels", c.ladder.levels, "Quotes per side")->check(CLI::Range(1, 100));
  s.add_decimal("quantity", c.ladder.quantity, "Size of the first level (base asset)");
  s.add("size-growth", c.ladder.size_growth, "Level i quotes quantity x (1 + growth x i)");
  s.add("spread-bps", c.ladder.spread_bps, "Reference to the first level, each side");
  s.add("level-step-bps", c.ladder.level_step_bps, "Between levels");
  s.add("skew-bps", c.ladder.skew_bps, "Price shift at full inventory (down when long)");
  s.add("size-skew", c.ladder.size_skew, "Size change at full inventory (fewer bids when long)");
  s.add_decimal("max-position", c.ladder.max_position,
                "Inventory (base) of full skew; beyond it the side that adds stops");
  s.add("requote-bps", c.requote_bps, "A quote this close to where it should be is kept");
  s.add("refresh-ms", c.refresh_ms, "How often quotes are reviewed");
  s.add("max-age-ms", c.max_age_ms, "Quotes older than this (+-20%) are replaced (0: never)");
  s.add("take-interval", c.take_interval_s,
        "Mean seconds between liquidity-taking orders per market (0: never)");
  s.add("take-min", c.take_min, "Smallest take, as a multiple of --quantity");
  s.add("take-max", c.take_max, "Largest take, as a multiple of --quantity");
  s.add_flag("topup", c.topup,
             "Deposit (on-ramp) when an asset runs low, at the start too (a new user holds "
             "nothing)");
  s.add_decimal("topup-below", c.topup_below, "Available balance under which to deposit");
  s.add_decimal("topup-amount", c.topup_amount, "How much to deposit");
  s.add("balance-check-ms", c.balance_check_ms,
        "How often balances are checked against the ledger (0: never)");
  s.add("reconcile-ms", c.reconcile_ms,
        "How often open orders are reconciled with the exchange (0: never)");
  s.add("status-ms", c.status_ms, "How often a status line is logged (0: never)");
  s.add_flag("cancel-on-start", c.cancel_on_start, "Cancel the user's open orders before quoting");
  s.add("client-id-prefix", c.client_id_prefix, "Prefix of the bot's clientOrderIds");

  return guarded(app, [&] {
    toml::value file = s.load(argc, argv);
    if (file.contains("market")) {
      for (const toml::value& t : toml::find<toml::array>(file, "market")) {
        std::string symbol = from_toml<std::string>(toml::find(t, "symbol"), "market.symbol");
        MmMarketOverride& o = c.overrides[symbol];
        for (const auto& [key, v] : t.as_table()) {
          std::string name = "market " + symbol + " " + key;
          if (key == "symbol")
            continue;
          else if (key == "reference-price")
            o.reference_price = from_toml<Decimal>(v, name);
          else if (key == "levels")
            o.levels = from_toml<int>(v, name);
          else if (key == "quantity")
            o.quantity = from_toml<Decimal>(v, name);
          else if (key == "spread-bps")
            o.spread_bps = from_toml<double>(v, name);
          else if (key == "level-step-bps")
            o.level_step_bps = from_toml<double>(v, name);
          else if (key == "max-position")
            o.max_position = from_toml<Decimal>(v, name);
          else
            throw ConfigError{"unknown setting '" + key + "' in [[market]] " + symbol};
        }
      }
    }
    app.parse(argc, argv);
    check_urls(c.http_url, c.ws_url);
    check_common(c.http_connections, c.request_timeout_ms, c.wait_ready_s, c.log_level);
    check(c.reference == "walk" || c.reference == "last", "--reference: walk or last");
    check(c.ladder.levels >= 1 && c.ladder.levels <= 100, "--levels: 1..100");
    check(!c.user.empty(), "--user must not be empty");
    check(c.ladder.quantity.is_positive(), "--quantity must be positive");
    check(c.ladder.spread_bps >= 0 && c.ladder.level_step_bps >= 0, "spreads must not be negative");
    check(c.take_min > 0 && c.take_max >= c.take_min, "need 0 < --take-min <= --take-max");
    check(c.refresh_ms > 0, "--refresh-ms must be positive");
    check(c.topup_amount.is_positive(), "--topup-amount must be positive");
    if (c.taker_user == c.user)
      std::cerr << "exchange-mm: --taker-user equals --user: self-trade prevention will cancel "
                   "instead of trading\n";
    for (auto& [symbol, o] : c.overrides) {
      check(!o.levels || (*o.levels >= 1 && *o.levels <= 100),
            "market " + symbol + ": levels 1..100");
      check(!o.quantity || o.quantity->is_positive(),
            "market " + symbol + ": quantity must be positive");
    }
  });
}

ParseOutcome parse_sim_options(int argc, const char* const* argv, SimConfig& c) {
  CLI::App app{
      "exchange-sim: simulated traders (takers, passive makers, cancellers) driving the\n"
      "exchange through its public API at a chosen rate, for demos, soak tests and benchmarks.\n"
      "Each trader is a user (<user-prefix>1, 2, ...) funded through on-ramp. Prints a progress\n"
      "line each second on stderr and a name=value summary on stdout when it ends (after\n"
      "--duration, or on SIGINT/SIGTERM).",
      "exchange-sim"};
  app.get_formatter()->column_width(40);
  Settings s(app);
  add_common(s, c.http_url, c.ws_url, c.markets, c.http_connections, c.request_timeout_ms,
             c.wait_ready_s, c.seed, c.log_level);
  s.add("traders", c.traders, "Number of simulated traders")->check(CLI::Range(1, 100000));
  s.add("user-prefix", c.user_prefix, "Traders' user ids are this prefix and a number");
  s.add("takers", c.mix.takers, "Share of takers (IOC and market orders)");
  s.add("makers", c.mix.makers, "Share of passive makers (resting limit orders)");
  s.add("cancellers", c.mix.cancellers, "Share of cancellers (fleeting orders, cancelled)");
  s.add("rate", c.rate, "Actions (orders and cancels) per second, all traders together");
  s.add("duration", c.duration_s, "Seconds to run (0: until interrupted)");
  s.add("max-in-flight", c.max_in_flight,
        "Requests outstanding at most; further actions are skipped");
  s.add_decimal("quantity", c.params.quantity, "Typical order size; sizes are 0.2-2x this");
  s.add("spread-bps", c.params.spread_bps, "Makers rest within this of the middle");
  s.add("slippage-bps", c.params.slippage_bps, "Takers' IOC limit beyond the best price");
  s.add("market-share", c.params.market_share, "Share of takers' orders sent as market orders");
  s.add("cancel-share", c.params.cancel_share, "Chance that a canceller with orders cancels");
  s.add("max-open", c.params.max_open, "Resting orders per trader and market");
  s.add_decimal("ref-price", c.params.default_reference,
                "Price to trade around in an empty market");
  s.add_flag("fund", c.fund, "Deposit to traders who hold less than a tenth of the amounts below");
  s.add_decimal("fund-quote", c.fund_quote, "Quote asset per trader");
  s.add_decimal("fund-base", c.fund_base, "Base asset per trader and market");
  s.add_flag("cancel-on-exit", c.cancel_on_exit, "Cancel the traders' orders when stopping");
  s.add_flag("progress", c.progress, "Print a progress line each second on stderr");
  return guarded(app, [&] {
    s.load(argc, argv);
    app.parse(argc, argv);
    check_urls(c.http_url, c.ws_url);
    check_common(c.http_connections, c.request_timeout_ms, c.wait_ready_s, c.log_level);
    check(c.traders >= 1 && c.traders <= 100000, "--traders: 1..100000");
    check(c.rate > 0, "--rate must be positive");
    check(c.max_in_flight > 0, "--max-in-flight must be positive");
    check(c.params.quantity.is_positive(), "--quantity must be positive");
    check(c.mix.takers >= 0 && c.mix.makers >= 0 && c.mix.cancellers >= 0 &&
              c.mix.takers + c.mix.makers + c.mix.cancellers > 0,
          "trader shares must not be negative, and not all zero");
  });
}

int run_mm(int argc, const char* const* argv) {
  MmConfig config;
  ParseOutcome parsed = parse_mm_options(argc, argv, config);
  if (parsed.exit_code >= 0) return parsed.exit_code;
  boost::asio::io_context io;
  MarketMaker mm(io, config);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  on_signals(signals, mm, io);
  bool failed = false;
  mm.start([&](const std::string&) {
    failed = true;
    io.stop();
  });
  io.run();
  std::cout << mm.summary() << std::endl;
  return failed ? 2 : mm.exit_code();
}

int run_sim(int argc, const char* const* argv) {
  SimConfig config;
  ParseOutcome parsed = parse_sim_options(argc, argv, config);
  if (parsed.exit_code >= 0) return parsed.exit_code;
  boost::asio::io_context io;
  Simulator sim(io, config);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  on_signals(signals, sim, io);
  bool failed = false;
  sim.start(
      [&](const std::string&) {
        failed = true;
        io.stop();
      },
      [&] { sim.stop([&io] { io.stop(); }); });
  io.run();
  std::cout << sim.summary() << std::endl;
  return failed ? 2 : 0;
}

}  // namespace ex::bots
