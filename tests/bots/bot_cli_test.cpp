#define CAF_SUITE bots_cli
#include <caf/test/unit_test.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "net/bots/bot_cli.hpp"
#include "tests/support/temp_dir.hpp"

// The command lines of exchange-mm and exchange-sim: every command line or config file
// error is exit code 2 (as run_mm / run_sim return it), never CLI11's own codes (104, 105,
// 109, ...), and values the bots cannot use are refused rather than ignored or clamped.

using namespace ex::bots;

namespace {

// `parse` (a parse_*_options) on "<program> args...": the exit code (-1: parsed, the bot
// would run).
template <class Config, class Parse>
int exit_code_of(Parse parse, const char* program, std::vector<std::string> args) {
  args.insert(args.begin(), program);
  std::vector<const char*> argv;
  for (const std::string& a : args)
    argv.push_back(a.c_str());
  Config config;
  return parse(static_cast<int>(argv.size()), argv.data(), config).exit_code;
}

int parse_mm(std::vector<std::string> args) {
  return exit_code_of<MmConfig>(parse_mm_options, "exchange-mm", std::move(args));
}

int parse_sim(std::vector<std::string> args) {
  return exit_code_of<SimConfig>(parse_sim_options, "exchange-sim", std::move(args));
}

// Both bots, the same arguments.
void check_both(const std::vector<std::string>& args, int expected) {
  std::string line;
  for (const std::string& a : args)
    line += " " + a;
  CAF_MESSAGE("args:" << line);
  CAF_CHECK_EQUAL(parse_mm(args), expected);
  CAF_CHECK_EQUAL(parse_sim(args), expected);
}

std::string write_config(const ex::testing::TempDir& dir, const std::string& text) {
  std::string path = dir.file("bot.toml");
  std::ofstream(path) << text;
  return path;
}

}  // namespace

CAF_TEST(valid command lines parse) {
  check_both({}, -1);
  check_both({"--log-level", "warn", "--connections", "1", "--request-timeout-ms", "1"}, -1);
  check_both({"--log-level", "off", "--wait-ready", "0"}, -1);
}

CAF_TEST(an unknown log level is refused) {
  check_both({"--log-level", "verbose"}, 2);
  check_both({"--log-level", ""}, 2);
  check_both({"--log-level", "WARN"}, 2);
}

CAF_TEST(a request timeout that is not positive is refused) {
  check_both({"--request-timeout-ms", "0"}, 2);
  check_both({"--request-timeout-ms", "-1"}, 2);
  check_both({"--request-timeout-ms=-500"}, 2);
}

CAF_TEST(fewer than one connection is refused rather than clamped) {
  check_both({"--connections", "0"}, 2);
  check_both({"--connections", "-1"}, 2);
}

CAF_TEST(a negative wait for ready is refused) {
  check_both({"--wait-ready", "-1"}, 2);
}

CAF_TEST(a negative seed is refused rather than wrapped) {
  check_both({"--seed", "-3"}, 2);
  check_both({"--seed=-1"}, 2);
  check_both({"--seed", "3"}, -1);
}

CAF_TEST(CLI11 errors exit 2 rather than CLI11 codes) {
  check_both({"--no-such-flag"}, 2);         // ExtrasError, was 109
  check_both({"stray"}, 2);                  // ExtrasError, was 109
  check_both({"--connections", "many"}, 2);  // ConversionError, was 104
  check_both({"--connections"}, 2);          // ArgumentMismatch
  check_both({"--config", "/nonexistent/bot.toml"}, 2);
  CAF_CHECK_EQUAL(parse_mm({"--levels", "0"}), 2);  // ValidationError, was 105
  CAF_CHECK_EQUAL(parse_mm({"--reference", "mid"}), 2);
  CAF_CHECK_EQUAL(parse_mm({"--quantity", "abc"}), 2);
  CAF_CHECK_EQUAL(parse_sim({"--traders", "0"}), 2);  // ValidationError, was 105
  // --help is not an error; its text (on stdout) is kept out of the test's output.
  std::ostringstream help;
  std::streambuf* out = std::cout.rdbuf(help.rdbuf());
  int mm_help = parse_mm({"--help"});
  int sim_help = parse_sim({"--help"});
  std::cout.rdbuf(out);
  CAF_CHECK_EQUAL(mm_help, 0);
  CAF_CHECK_EQUAL(sim_help, 0);
  CAF_CHECK(help.str().find("--log-level") != std::string::npos);
}

CAF_TEST(the config file is checked like the flags) {
  ex::testing::TempDir dir("bots-cli");
  auto with = [&](const std::string& text) { return write_config(dir, text); };
  check_both({"--config", with("log-level = \"loud\"\n")}, 2);
  check_both({"--config", with("connections = 0\n")}, 2);
  check_both({"--config", with("request-timeout-ms = -1\n")}, 2);
  check_both({"--config", with("no-such-setting = 1\n")}, 2);
  check_both({"--config", with("connections = \"four\"\n")}, 2);
  check_both({"--config", with("this is not toml\n")}, 2);
  check_both({"--config", with("log-level = \"warn\"\nconnections = 2\n")}, -1);
  // The flags' validators do not see a file's values: the checks after parsing do.
  CAF_CHECK_EQUAL(parse_mm({"--config", with("levels = 0\n")}), 2);
  CAF_CHECK_EQUAL(parse_mm({"--config", with("reference = \"mid\"\n")}), 2);
  CAF_CHECK_EQUAL(parse_sim({"--config", with("traders = 0\n")}), 2);
  // A [[market]] table without its symbol.
  CAF_CHECK_EQUAL(parse_mm({"--config", with("[[market]]\nlevels = 3\n")}), 2);
  // A flag overrides a bad value in the file.
  check_both({"--config", with("log-level = \"loud\"\n"), "--log-level", "info"}, -1);
}
