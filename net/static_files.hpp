// The trading page: files from a directory (a Next.js static export), resolved the way
// the export expects, plus a small built-in page when no directory is configured.
//
// Resolution of a URL path /a/b: the file a/b, then a/b.html, then a/b/index.html, then
// a/_.html (the placeholder page of a dynamic route such as /trade/[market]). Paths with
// "..", backslashes, NUL or hidden segments are refused, and a resolved file must lie
// inside the directory after following symlinks. Thread-safe (immutable after
// construction); reads files on the calling thread (small files, page cache).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ex {

struct StaticFile {
  std::string body;
  const char* content_type = "application/octet-stream";
  bool immutable = false;  // content-addressed asset (/_next/static/...): cache for a year
};

class StaticFiles {
 public:
  // `dir` empty or missing: disabled (resolve() finds nothing).
  explicit StaticFiles(const std::string& dir);

  bool enabled() const { return !root_.empty(); }
  // The file for `url_path` (percent-encoded, without the query), or nothing.
  std::optional<StaticFile> resolve(std::string_view url_path) const;

  static const char* content_type(std::string_view path);
  // The page shown at / without a static directory: what this server is, and its API.
  static const std::string& builtin_index();

 private:
  std::string root_;  // canonical, without a trailing '/'
};

}  // namespace ex
