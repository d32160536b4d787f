// A fresh directory for one test, removed with everything in it when the test is done.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <stdlib.h>

namespace ex::testing {

class TempDir {
 public:
  // /tmp/<prefix>-XXXXXX (under $TMPDIR when set).
  explicit TempDir(std::string_view prefix = "exchange-test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror(("mkdtemp " + pattern).c_str());
      std::abort();  // nothing a test could do without its directory
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;  // a test that failed half-way may have left it half-removed
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  // The path of `name` inside the directory.
  std::string file(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace ex::testing
