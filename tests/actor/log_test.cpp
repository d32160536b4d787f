// Log lines are JSON objects: text fields as strings, numbers as numbers, and nothing
// below the level.
#define CAF_SUITE log
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "actors/common/log.hpp"

using namespace ex;

namespace {

// What the logger writes to stderr while `write` runs.
template <class Write>
std::string stderr_of(Write write) {
  std::fflush(stderr);
  FILE* capture = std::tmpfile();
  CAF_REQUIRE(capture != nullptr);
  const int saved = dup(STDERR_FILENO);
  dup2(fileno(capture), STDERR_FILENO);
  write();
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  std::string out;
  std::rewind(capture);
  for (int c; (c = std::fgetc(capture)) != EOF;)
    out.push_back(static_cast<char>(c));
  std::fclose(capture);
  return out;
}

}  // namespace

CAF_TEST(fields keep their json types) {
  set_log_level(Level::info);
  std::string text = stderr_of([] {
    const std::string market = "TATA_INR";
    log(Level::info, "snapshot \"copied\"",
        {{"market", market},
         {"seq", uint64_t{18446744073709551615u}},
         {"delta", -3},
         {"ms", 1.25},
         {"bad", std::nan("")},
         {"path", "a\nb"}});
    log(Level::debug, "dropped", {{"x", 1}});
  });
  set_log_level(Level::warn);
  CAF_REQUIRE_EQUAL(std::count(text.begin(), text.end(), '\n'), 1);
  auto line = nlohmann::json::parse(text);
  CAF_CHECK_EQUAL(line["level"], "info");
  CAF_CHECK_EQUAL(line["msg"], "snapshot \"copied\"");
  CAF_CHECK_EQUAL(line["market"], "TATA_INR");
  CAF_CHECK(line["seq"].is_number_unsigned());
  CAF_CHECK_EQUAL(line["seq"].get<uint64_t>(), 18446744073709551615u);
  CAF_CHECK_EQUAL(line["delta"].get<int>(), -3);
  CAF_CHECK_EQUAL(line["ms"].get<double>(), 1.25);
  CAF_CHECK(line["bad"].is_string());
  CAF_CHECK_EQUAL(line["path"], "a\nb");
}
