#include "config/process.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>

#include "actors/common/log.hpp"

namespace ex {

sigset_t prepare_process(const Options& o) {
  Level level;
  parse_log_level(o.log_level, &level);  // load_options checked it
  set_log_level(level);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  // A terminal's hang-up or a log rotation's signal must not kill a server mid-write (their
  // default): it has no configuration to reload and logs to stderr. SIGTERM stops it.
  for (int sig : {SIGHUP, SIGUSR1, SIGUSR2})
    std::signal(sig, SIG_IGN);
  // A server's connections are open files: take the hard limit, as servers do.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  return signals;
}

int wait_for_signal(const sigset_t& signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  return sig;
}

namespace {
std::atomic<int> requested_exit{0};
}

void request_stop(int exit_code) {
  int none = 0;
  requested_exit.compare_exchange_strong(none, exit_code);
  // Every thread blocks SIGTERM (prepare_process), so it reaches wait_for_signal's sigwait.
  ::kill(::getpid(), SIGTERM);
}

int requested_exit_code() {
  return requested_exit.load();
}

int refuse_start(const std::string& why, int exit_code) {
  log(Level::error, "cannot start", {{"detail", why}});
  std::cerr << "exchange: " << why << "\n";
  return exit_code;
}

Result<bool> lock_data_dir(const std::string& data_dir) {
  const std::string path = data_dir + "/LOCK";
  // Never closed: the lock lasts as long as the process (and ends with it, however it ends).
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_error(ErrorCode::internal, "cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    ::close(fd);
    if (err != EWOULDBLOCK)
      return make_error(ErrorCode::internal, "cannot lock " + path + ": " + std::strerror(err));
    std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "?";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
      pid.pop_back();
    return make_error(ErrorCode::internal, "the data directory " + data_dir +
                                               " is in use by another exchange (pid " + pid + ")");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0)
    log(Level::warn, "could not write the pid into the lock file", {{"file", path}});
  return true;
}

Result<std::string> node_name(const std::string& data_dir) {
  const std::string path = data_dir + "/node-id";
  std::string id;
  if (std::ifstream in(path); in) std::getline(in, id);
  if (id.empty()) {
    std::random_device rd;
    char hex[33];
    std::snprintf(hex, sizeof hex, "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
    id = hex;
    std::ofstream out(path, std::ios::trunc);
    out << id << "\n";
    if (!out.flush())
      return make_error(ErrorCode::internal, "cannot write " + path + ": " + std::strerror(errno));
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + id;
}

size_t connection_budget() {
  // Keep a reserve for what must never fail for want of a descriptor: journal segments,
  // snapshots, the database, Redis and PostgreSQL connections.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY) return 0;
  const size_t open_files = static_cast<size_t>(files.rlim_cur);
  const size_t reserve = std::min<size_t>(1024, open_files / 4);
  return std::max<size_t>(16, open_files - reserve);
}

EdgeConfig edge_config(const Options& o, std::string static_dir) {
  EdgeConfig c;
  c.bind_address = o.bind_address;
  c.http_port = o.http_port;
  c.ws_port = o.ws_port;
  c.static_dir = std::move(static_dir);
  c.cors_origins = o.cors_origins;
  c.max_body_bytes = o.max_body_bytes;
  c.max_ws_message_bytes = o.max_ws_message_bytes;
  c.max_streams_per_connection = o.max_streams_per_connection;
  c.ws_send_queue_frames = o.ws_send_queue_frames;
  c.ws_flush_interval_us = o.ws_flush_interval_us;
  c.rate_limit_per_second = o.rate_limit_per_second;
  c.trusted_proxies = o.trusted_proxies;
  c.max_connections = o.max_connections ? o.max_connections : connection_budget();
  c.max_connections_per_client = o.max_connections_per_client;
  c.io_threads = o.io_threads;
  c.market_data_threads = o.market_data_threads;
  return c;
}

void print_listening(const Options& o, const Edge& edge, const std::string& what) {
  std::cout << "exchange listening: http://" << o.bind_address << ":" << edge.http_port()
            << " ws://" << o.bind_address << ":"
            << (edge.ws_port() ? std::to_string(edge.ws_port())
                               : std::to_string(edge.http_port()) + "/ws")
            << " " << what << std::endl;
}

}  // namespace ex
