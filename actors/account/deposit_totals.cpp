#include "actors/account/deposit_totals.hpp"

#include <vector>

#include "actors/common/binary_codec.hpp"

namespace ex {
namespace {

constexpr uint32_t kVersion = 1;

struct DepositTotal {
  std::string user_id;
  std::string asset;
  int64_t units = 0;
};

template <class Inspector>
auto inspect(Inspector& f, DepositTotal& x) {
  return f(caf::meta::type_name("deposit_total"), x.user_id, x.asset, x.units);
}

struct DepositState {
  uint32_t version = kVersion;
  std::vector<DepositTotal> totals;
};

template <class Inspector>
auto inspect(Inspector& f, DepositState& x) {
  return f(caf::meta::type_name("deposit_state"), x.version, x.totals);
}

}  // namespace

void DepositTotals::add(const std::string& user_id, const std::string& asset, int64_t units) {
  int64_t& total = units_[{user_id, asset}];
  total = wrapping_add(total, units);
}

Result<bool> DepositTotals::apply(std::string_view record) {
  DepositRecord d;
  if (auto r = decode_binary(record, d); !r) return r;
  add(d);
  return true;
}

std::string DepositTotals::encode() const {
  DepositState state;
  for (auto& [key, units] : units_)
    state.totals.push_back(DepositTotal{key.first, key.second, units});
  return encode_binary(state);
}

Result<DepositTotals> DepositTotals::decode(std::string_view payload) {
  DepositState state;
  if (auto r = decode_binary(payload, state); !r) return r.error();
  if (state.version != kVersion)
    return make_error(ErrorCode::internal, "deposit totals version " +
                                               std::to_string(state.version) + " is not supported");
  DepositTotals t;
  for (auto& d : state.totals)
    t.add(d.user_id, d.asset, d.units);
  return t;
}

int64_t DepositTotals::asset_total(std::string_view asset) const {
  int64_t total = 0;
  for (const auto& [key, units] : units_)
    if (key.second == asset) total = units > INT64_MAX - total ? INT64_MAX : total + units;
  return total;
}

}  // namespace ex
