// Everything a node can be told, with defaults that run a complete exchange with no
// file: markets TATA_INR and INFY_INR, ports 3001/3002, data in ./data.
// Precedence: built-in defaults < config file (--config, TOML) < environment
// (EXCHANGE_*) < command line. `exchange --help` lists every option.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/common/status.hpp"
#include "actors/gateway/exchange_api.hpp"
#include "actors/market/market_spec.hpp"

namespace ex {

struct Options {
  // Network
  std::string bind_address = "0.0.0.0";
  uint16_t http_port = 3001;  // 0: any free port (the one listened on is printed)
  uint16_t ws_port = 3002;    // the original WebSocket port; 0 = only /ws on the HTTP port
  std::vector<std::string> cors_origins = {"*"};
  std::string static_dir;  // the trading page; empty = frontend/out next to the program, if built
  size_t max_body_bytes = 64 * 1024;
  size_t max_ws_message_bytes = 16 * 1024;
  size_t max_streams_per_connection = 64;
  size_t ws_send_queue_frames = 4096;
  uint32_t ws_flush_interval_us = 5000;
  size_t rate_limit_per_second = 0;
  std::vector<std::string> trusted_proxies;  // whose X-Forwarded-For names the client
  size_t max_connections = 0;                // 0: the open-file limit less a reserve for storage
  size_t max_connections_per_client = 0;     // per peer address (not trusted proxies); 0: none
  int io_threads = 1;                        // 2 on two cores or more (options.cpp)
  int market_data_threads = 0;  // 0: WebSockets share the first REST thread (options.cpp)
  // Actors
  int scheduler_threads = 2;
  int64_t request_timeout_ms = 5000;
  size_t max_open_orders = 1000;  // per user and market (0: no limit)
  size_t max_users = 1'000'000;   // accounts a deposit may create (0: no limit)
  int64_t depth_batch_ms = 0;     // coalesce depth events for this long (0: one per change)
  std::string stp = "cancel_resting";
  // Storage
  std::string data_dir = "data";
  // The shared store: postgresql://user:password@host:port/db (TimescaleDB used if the
  // server has it); empty = the embedded SQLite file <data_dir>/exchange.db.
  std::string store;
  int64_t writer_interval_ms = 250;
  int history_connections = 2;  // threads (each with its connection) serving history queries
  uint64_t writer_max_pending = 200000;  // records held while storage is away (then: journal)
  // Redis bus (DESIGN.md, "Scaling out"): redis://host:port publishes market data on Redis
  // pub/sub and sends storage events through Redis streams; empty = all in process.
  std::string bus;
  std::string role = "node";              // node, or ws-edge: WebSocket streams from --bus only
  std::string bus_consumer = "writer-1";  // this node's name in the writers' consumer group
  size_t bus_stream_maxlen = 1000000;     // approximate cap of each Redis event stream
  // Durability (README, "Storage and durability"): journals and snapshots under <data_dir>/journal.
  std::string durability = "batch";   // none, batch or sync
  uint64_t snapshot_every = 100000;   // commands between a market's snapshots
  int64_t snapshot_interval_s = 300;  // or this long, whichever comes first
  uint64_t journal_segment_mb = 64;   // a journal file's size before the next starts
  // Demo: users "1", "2" and "5" start with `demo_amount` of every asset (as the original
  // system did), so its page and market maker work out of the box. Off in production.
  bool demo = false;
  std::string demo_amount = "10000000";
  std::string log_level = "warn";
  // Markets and assets (from the config file's [[assets]] and [[markets]] tables).
  std::vector<AssetSpec> assets;
  std::vector<MarketSpec> markets;
};

// The exit status of a configuration error: an unknown option or config file key, a value
// that is malformed or out of range, a config file that cannot be read. One documented code
// whatever CLI11's own (105, 109, ...), so that a service manager can tell it from a failure
// that a restart may cure (deploy/systemd/exchange.service: RestartPreventExitStatus=2).
// Other failures (storage, recovery, a data directory in use) exit with 1.
inline constexpr int kExitConfigError = 2;

// Parses argv (after the program name and any subcommand). Returns the options, or an
// Error (a configuration error: kExitConfigError); `exit_code` >= 0 means the program
// should exit with it: 0 after --help or --version, kExitConfigError after a refused
// command line (CLI11 has printed why).
Result<Options> load_options(int argc, const char* const* argv, int* exit_code);

// Checks the markets against the assets (decimals, ids, names).
Result<bool> validate_options(const Options& options);

}  // namespace ex
