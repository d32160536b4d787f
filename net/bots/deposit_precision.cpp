#include "net/bots/deposit_precision.hpp"

namespace ex::bots {

std::optional<std::string> too_fine_deposit(const std::vector<client::MarketInfo>& markets,
                                            const std::vector<PlannedDeposit>& planned) {
  for (const PlannedDeposit& d : planned) {
    for (const client::MarketInfo& m : markets) {
      std::optional<int> precision = m.precision_of(d.asset);
      if (!precision) continue;
      if (d.amount.decimals() > *precision)
        return d.option + " " + d.amount.to_string() + " has more decimals than " + d.asset +
               " allows (" + std::to_string(*precision) + ", market " + m.symbol +
               "): the exchange would refuse every deposit of it";
      break;  // an asset has one precision, whichever market states it
    }
  }
  return std::nullopt;
}

}  // namespace ex::bots
