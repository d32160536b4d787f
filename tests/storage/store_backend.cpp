#include "tests/storage/store_backend.hpp"

#include "storage/open_store.hpp"

namespace ex::testing {

Result<std::shared_ptr<Store>> StoreBackend::open() const {
  return open_store(url(), data_dir());
}

std::unique_ptr<StoreBackend> make_backend() {
  if (auto pg = make_postgres_backend()) return pg;
  return make_sqlite_backend();
}

}  // namespace ex::testing
