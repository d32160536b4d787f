// exchange: one binary, several roles. With no subcommand it runs a node (see --help).
#include <cstring>
#include <iostream>

#include "config/node.hpp"
#include "config/options.hpp"
#include "config/ws_edge.hpp"

int main(int argc, char** argv) {
  int exit_code = -1;
  auto options = ex::load_options(argc, argv, &exit_code);
  // 0 after --help or --version; a configuration error exits with ex::kExitConfigError (2),
  // other failures with 1.
  if (exit_code >= 0) return exit_code;
  if (!options) {
    std::cerr << "exchange: " << options.error().message << "\n";
    return ex::kExitConfigError;
  }
  if (options->role == "ws-edge") return ex::run_ws_edge(*options);  // config/ws_edge.hpp
  return ex::run_node(*options, argv[0]);
}
