#include "storage/open_store.hpp"

#include <filesystem>
#include <system_error>

#include "storage/postgres/postgres_store.hpp"
#include "storage/postgres/postgres_url.hpp"
#include "storage/sqlite_store.hpp"

namespace ex {
namespace {

std::string sqlite_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "exchange.db").string();
}

}  // namespace

std::string describe_store(const std::string& url_or_empty, const std::string& data_dir) {
  return url_or_empty.empty() ? "sqlite:" + sqlite_path(data_dir) : pg::redact_url(url_or_empty);
}

Result<std::shared_ptr<Store>> open_store(const std::string& url_or_empty,
                                          const std::string& data_dir, const StoreLogger& log,
                                          StoreUse use) {
  if (url_or_empty.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);  // open reports what matters
    auto store = open_sqlite_store(sqlite_path(data_dir), use == StoreUse::writes ? 65536 : 2000);
    if (!store) return store.error();
    return std::shared_ptr<Store>(std::move(*store));
  }
  if (pg::is_postgres_url(url_or_empty)) {
    auto store = open_postgres_store(url_or_empty, log);
    if (!store) return store.error();
    return std::shared_ptr<Store>(std::move(*store));
  }
  return make_error(ErrorCode::invalid_field,
                    "--store: expected empty (embedded SQLite) or postgresql://user:password@"
                    "host:port/db, got " +
                        pg::redact_url(url_or_empty));
}

}  // namespace ex
