// The deposits a bot plans (the simulator's funding, the market maker's top-ups) checked
// against the decimals each asset allows. The exchange refuses a deposit finer than its
// asset (400 INVALID_FIELD), and would refuse it again at every balance check: an amount
// that cannot fit stops the bot at start-up, with the option to change. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "net/client/wire.hpp"

namespace ex::bots {

struct PlannedDeposit {
  std::string asset;
  Decimal amount;
  std::string option;  // the command-line option that sets it, e.g. "--topup-amount"
};

// Why the first planned deposit with more decimals than its asset allows would be refused;
// nullopt if every one fits. An asset whose precision no market states (an exchange that
// does not send the precisions) is not checked: the exchange will say.
std::optional<std::string> too_fine_deposit(const std::vector<client::MarketInfo>& markets,
                                            const std::vector<PlannedDeposit>& planned);

}  // namespace ex::bots
