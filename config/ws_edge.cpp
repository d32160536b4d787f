#include "config/ws_edge.hpp"

#include <csignal>
#include <iostream>

#include "actors/common/log.hpp"
#include "net/edge.hpp"
#include "net/redis/redis_streams_api.hpp"

namespace ex {

int run_ws_edge(const Options& o) {
  Level level;
  parse_log_level(o.log_level, &level);
  set_log_level(level);
  // Signals are blocked in every thread (before any starts) and taken by sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  redis::IoThread io;
  redis::ConnectionOptions redis_options;
  redis_options.endpoint = *redis::parse_redis_url(o.bus);  // load_options checked it
  redis_options.name = "ws-edge";
  redis::RedisStreamsApi api(io.context(), redis_options, o.markets, o.assets);
  api.start();

  EdgeConfig c;
  c.bind_address = o.bind_address;
  c.http_port = o.http_port;
  c.ws_port = o.ws_port;
  c.static_dir = o.static_dir;
  c.cors_origins = o.cors_origins;
  c.max_body_bytes = o.max_body_bytes;
  c.max_ws_message_bytes = o.max_ws_message_bytes;
  c.max_streams_per_connection = o.max_streams_per_connection;
  c.ws_send_queue_frames = o.ws_send_queue_frames;
  c.rate_limit_per_second = o.rate_limit_per_second;
  c.io_threads = o.io_threads;
  Edge edge(c, api);
  try {
    edge.start();
  } catch (const std::exception& e) {
    log(Level::error, "cannot listen", {{"detail", e.what()}});
    std::cerr << "exchange: " << e.what() << "\n";
    return 1;
  }
  std::cout << "exchange listening: http://" << o.bind_address << ":" << edge.http_port()
            << " ws://" << o.bind_address << ":"
            << (edge.ws_port() ? std::to_string(edge.ws_port())
                               : std::to_string(edge.http_port()) + "/ws")
            << " role=ws-edge bus=" << redis_options.endpoint.text() << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  log(Level::info, "shutting down", {{"signal", std::to_string(sig)}});
  edge.stop();
  api.stop();
  io.stop();  // callbacks not run yet are dropped, before the edge goes away
  std::cout << "exchange stopped" << std::endl;
  return 0;
}

}  // namespace ex
