// exchange-mm and exchange-sim: the market maker and the trading simulator, both clients
// of the exchange's public API (net/bots). One source, two programs: EX_BOT_SIM selects.
#include "net/bots/bot_cli.hpp"

int main(int argc, char** argv) {
#if defined(EX_BOT_SIM)
  return ex::bots::run_sim(argc, argv);
#else
  return ex::bots::run_mm(argc, argv);
#endif
}
