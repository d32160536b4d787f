// Bootstraps one node: storage, the actors this node hosts, the gateway and the edge;
// runs until SIGINT/SIGTERM, then shuts down cleanly (stop accepting, finish in-flight
// requests, flush the writer, stop the actors).
#pragma once

#include "config/options.hpp"

namespace ex {

int run_node(const Options& options, const char* program_path);

}  // namespace ex
