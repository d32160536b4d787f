#define CAF_SUITE static_files
#include <caf/test/unit_test.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "net/static_files.hpp"

using ex::StaticFiles;
namespace fs = std::filesystem;

namespace {

struct fixture {
  fs::path root;
  fs::path outside;
  fixture() {
    root = fs::temp_directory_path() / ("net_static_" + std::to_string(::getpid()));
    outside = root.string() + "_outside";
    fs::remove_all(root);
    fs::remove_all(outside);
    fs::create_directories(root / "trade");
    fs::create_directories(root / "_next/static/chunks");
    fs::create_directories(root / "docs");
    fs::create_directories(outside);
    write(root / "index.html", "home");
    write(root / "markets.html", "markets");
    write(root / "trade/_.html", "any market");
    write(root / "trade/TATA_INR.html", "tata");
    write(root / "docs/index.html", "docs");
    write(root / "_next/static/chunks/app.js", "js");
    write(root / ".env", "secret");
    write(outside / "secret.txt", "secret");
    fs::create_symlink(outside / "secret.txt", root / "link.txt");
  }
  ~fixture() {
    fs::remove_all(root);
    fs::remove_all(outside);
  }
  static void write(const fs::path& p, const char* text) { std::ofstream(p) << text; }

  std::string get(const StaticFiles& s, const char* path) {
    auto f = s.resolve(path);
    return f ? f->body : "(none)";
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(static_files_tests, fixture)

CAF_TEST(resolution order) {
  StaticFiles s(root.string());
  CAF_REQUIRE(s.enabled());
  CAF_CHECK_EQUAL(get(s, "/"), "home");
  CAF_CHECK_EQUAL(get(s, "/index.html"), "home");
  CAF_CHECK_EQUAL(get(s, "/markets"), "markets");
  CAF_CHECK_EQUAL(get(s, "/trade/TATA_INR"), "tata");
  CAF_CHECK_EQUAL(get(s, "/trade/INFY_INR"), "any market");
  CAF_CHECK_EQUAL(get(s, "/docs"), "docs");
  CAF_CHECK_EQUAL(get(s, "/docs/"), "docs");
  CAF_CHECK_EQUAL(get(s, "/nothing"), "(none)");
  auto js = s.resolve("/_next/static/chunks/app.js");
  CAF_REQUIRE(js);
  CAF_CHECK(js->immutable);
  CAF_CHECK_EQUAL(std::string(js->content_type), "text/javascript; charset=utf-8");
  CAF_CHECK_EQUAL(std::string(s.resolve("/")->content_type), "text/html; charset=utf-8");
  CAF_CHECK(!s.resolve("/markets")->immutable);
}

CAF_TEST(no way out of the directory) {
  StaticFiles s(root.string());
  CAF_CHECK_EQUAL(get(s, "/../x"), "(none)");
  CAF_CHECK_EQUAL(get(s, "/trade/../index.html"), "(none)");
  CAF_CHECK_EQUAL(get(s, "/%2e%2e/%2e%2e/etc/passwd"), "(none)");
  CAF_CHECK_EQUAL(get(s, "/..%2f..%2fetc%2fpasswd"), "(none)");
  CAF_CHECK_EQUAL(get(s, "/.env"), "(none)");
  CAF_CHECK_EQUAL(get(s, "/link.txt"), "(none)");
  CAF_CHECK_EQUAL(get(s, "/a\\b"), "(none)");
  CAF_CHECK_EQUAL(get(s, "/bad%zz"), "(none)");
  CAF_CHECK_EQUAL(get(s, "/x%00y"), "(none)");
}

CAF_TEST(disabled without a directory) {
  CAF_CHECK(!StaticFiles("").enabled());
  CAF_CHECK(!StaticFiles("/no/such/dir").enabled());
  CAF_CHECK(!StaticFiles("").resolve("/"));
  CAF_CHECK(StaticFiles::builtin_index().find("/api/v1/order") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
