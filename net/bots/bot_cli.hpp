// The command lines of exchange-mm and exchange-sim: flags (CLI11) and a TOML file
// (--config; toml11) whose keys are the flags' long names, so every setting can live in
// either; flags win over the file, the file over the defaults. `--help` lists them all.
// run_mm / run_sim own the io_context and the signal handling (SIGINT/SIGTERM: stop
// cleanly; a second one: stop now), print the summary line on stdout and return the exit
// code.
#pragma once

#include <string>

#include "net/bots/market_maker.hpp"
#include "net/bots/simulator.hpp"

namespace ex::bots {

// Parse results: `exit_code` >= 0 means exit with it now (after --help, or an error).
struct ParseOutcome {
  int exit_code = -1;
  std::string error;
};

ParseOutcome parse_mm_options(int argc, const char* const* argv, MmConfig& config);
ParseOutcome parse_sim_options(int argc, const char* const* argv, SimConfig& config);

int run_mm(int argc, const char* const* argv);
int run_sim(int argc, const char* const* argv);

}  // namespace ex::bots
