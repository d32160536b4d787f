#include "config/ws_edge.hpp"

#include <csignal>
#include <iostream>

#include "actors/common/log.hpp"
#include "config/process.hpp"
#include "net/edge.hpp"
#include "net/redis/redis_streams_api.hpp"

namespace ex {

int run_ws_edge(const Options& o) {
  const sigset_t signals = prepare_process(o);

  redis::IoThread io;
  redis::ConnectionOptions redis_options;
  redis_options.endpoint = *redis::parse_redis_url(o.bus);  // load_options checked it
  redis_options.name = "ws-edge";
  redis::RedisStreamsApi api(io.context(), redis_options, o.markets, o.assets);
  api.start();

  Edge edge(edge_config(o, ""), api);  // the page needs REST, which this node lacks
  try {
    edge.start();
  } catch (const std::exception& e) {
    return refuse_start(e.what());
  }
  print_listening(o, edge, "role=ws-edge bus=" + redis_options.endpoint.text());

  int sig = wait_for_signal(signals);
  log(Level::info, "shutting down", {{"signal", sig}});
  edge.stop();
  api.stop();
  io.stop();  // callbacks not run yet are dropped, before the edge goes away
  std::cout << "exchange stopped" << std::endl;
  return 0;
}

}  // namespace ex
