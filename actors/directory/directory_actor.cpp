#include "actors/directory/directory_actor.hpp"

#include <chrono>
#include <unordered_map>

#include "actors/account/account_actor.hpp"
#include "actors/common/messages.hpp"
#include "actors/common/metrics.hpp"

namespace ex {
namespace {

struct Directory {
  CatalogPtr catalog;
  std::unordered_map<std::string, caf::actor> accounts;
  std::vector<int64_t> deposited;  // units, by AssetId, including deposits under way
  uint64_t last_deposit_id = 0;
  Gauge& account_count =
      Metrics::global().gauge("exchange_accounts", "Accounts hosted by this node");

  caf::actor find(caf::event_based_actor* self, const std::string& user, bool create) {
    auto it = accounts.find(user);
    if (it != accounts.end()) return it->second;
    if (!create) return {};
    auto a = self->spawn<caf::linked>(account_actor, user, catalog,
                                      AccountRestore{});  // stops with the directory
    accounts.emplace(user, a);
    account_count.set(static_cast<int64_t>(accounts.size()));
    return a;
  }

  // Whether a deposit for `user` would create an account beyond the limit.
  bool full(const std::string& user) const {
    return catalog->max_users && accounts.size() >= catalog->max_users && !accounts.count(user);
  }

  // Microseconds since the epoch, strictly increasing: unique across restarts as long as
  // the clock does not step back by more than the ids issued since.
  uint64_t next_deposit_id() {
    auto us = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
    last_deposit_id = std::max(last_deposit_id + 1, us);
    return last_deposit_id;
  }
};

caf::error unknown_user(const std::string& user) {
  return to_caf_error(ErrorCode::unknown_user, "unknown user " + user);
}

}  // namespace

caf::behavior directory_actor(caf::event_based_actor* self, CatalogPtr catalog,
                              std::unordered_map<std::string, caf::actor> restored,
                              std::vector<int64_t> deposited) {
  for (auto& [user, account] : restored)
    self->link_to(account);
  deposited.resize(catalog->assets.size(), 0);
  auto d = std::make_shared<Directory>(
      Directory{std::move(catalog), std::move(restored), std::move(deposited), 0});
  d->account_count.set(static_cast<int64_t>(d->accounts.size()));
  return {
      [=](account_atom, const std::string& user, bool create) -> caf::result<caf::actor> {
        auto a = d->find(self, user, create);
        if (!a) return unknown_user(user);
        return a;
      },
      [=](deposit_atom, const std::string& user, const std::string& asset,
          Decimal amount) -> caf::result<Decimal> {
        auto id = d->catalog->asset(asset);
        if (!id) return to_caf_error(ErrorCode::invalid_field, "unknown asset " + asset);
        if (d->full(user))
          return to_caf_error(ErrorCode::too_many_users,
                              "this exchange holds its limit of " +
                                  std::to_string(d->catalog->max_users) +
                                  " users; existing users can still deposit");
        const int64_t units = amount.is_positive() ? amount.units() : 0;  // else refused below
        int64_t& total = d->deposited[*id];
        if (units > INT64_MAX - total)
          return to_caf_error(ErrorCode::invalid_field,
                              "deposits of " + asset +
                                  " would exceed what the exchange can hold (" +
                                  Decimal::from_units(INT64_MAX).to_string() + " in all)");
        total += units;
        auto rp = self->make_response_promise<Decimal>();
        self->request(d->find(self, user, true), caf::infinite, deposit_atom::value, asset, amount,
                      d->next_deposit_id())
            .then([rp](Decimal available) mutable { rp.deliver(available); },
                  [rp, d, asset = *id, units](caf::error& e) mutable {
                    d->deposited[asset] -= units;
                    rp.deliver(std::move(e));
                  });
        return rp;
      },
  };
}

}  // namespace ex
