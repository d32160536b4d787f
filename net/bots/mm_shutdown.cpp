#include "net/bots/mm_shutdown.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "net/client/timer.hpp"

namespace ex::bots {

using client::CancelResult;
using client::OrderState;
using client::Reply;
using std::chrono::milliseconds;

MmShutdown::MmShutdown(boost::asio::io_context& io, const MmConfig& cfg, OrderTracker& tracker,
                       const MmMarkets& markets, MmOrders& orders, MmFunds& funds,
                       MmCounters& counters, const BotLog& log)
    : cfg_(cfg),
      tracker_(tracker),
      markets_(markets),
      orders_(orders),
      funds_(funds),
      counters_(counters),
      log_(log),
      timer_(io) {}

void MmShutdown::run(int cancel_attempts, std::function<void()> done) {
  cancel_attempts_ = cancel_attempts;
  done_ = std::move(done);
  wait_for_places(Clock::now() + std::chrono::seconds(3));
}

void MmShutdown::cancel() {
  timer_.cancel();
}

void MmShutdown::wait_for_places(Clock::time_point deadline) {
  bool placing = tracker_.any_placing();
  if (placing && Clock::now() < deadline)
    return client::run_after(timer_, milliseconds(20),
                             [this, deadline] { wait_for_places(deadline); });
  cancel_everything(0, 0);
}

void MmShutdown::cancel_everything(size_t i, int attempt) {
  if (i >= markets_.size()) return resolve_leftovers(0);
  const MmMarket& m = *markets_[i];
  orders_.cancel_all_of(
      m.info.symbol, cfg_.user, [this, i, attempt](Reply<std::vector<CancelResult>> r) {
        const MmMarket& m = *markets_[i];
        if (!r.ok()) {
          if (attempt + 1 < cancel_attempts_ &&
              (r.error().transport() || r.error().status >= 500)) {
            log_.warn("cancel-all in " + m.info.symbol + ": " + r.error().describe() +
                      "; retrying");
            return client::run_after(timer_, milliseconds(500),
                                     [this, i, attempt] { cancel_everything(i, attempt + 1); });
          }
          log_.error("could not cancel orders in " + m.info.symbol + ": " + r.error().describe());
          counters_.final_check = "cancel_failed";
          return cancel_everything(i + 1, 0);
        }
        std::vector<uint64_t> keys = tracker_.keys(i);
        for (const CancelResult& c : *r) {
          ++counters_.exit_cancelled;
          for (uint64_t key : keys)
            if (const TrackedOrder* o = tracker_.find(key); o && o->order_id == c.order_id) {
              tracker_.set_executed(key, c.executed);
              tracker_.close(key);
            }
        }
        cancel_everything(i + 1, 0);
      });
}

void MmShutdown::resolve_leftovers(size_t i) {
  if (i >= markets_.size()) return final_balance_check();
  std::vector<uint64_t> with_id;
  std::map<std::string, std::vector<uint64_t>> without_id;  // per user
  for (uint64_t key : tracker_.keys(i)) {
    const TrackedOrder* o = tracker_.find(key);
    if (o->order_id.empty())
      without_id[o->user].push_back(key);
    else
      with_id.push_back(key);
  }
  auto remaining = std::make_shared<size_t>(with_id.size() + without_id.size() + 1);
  auto next = [this, i, remaining] {
    if (--*remaining == 0) resolve_leftovers(i + 1);
  };
  for (uint64_t key : with_id)
    orders_.resolve_by_id(i, key, [this, key, next] {
      tracker_.close(key);  // whatever it said: it is not open any more
      next();
    });
  auto ok = std::make_shared<bool>(true);
  for (auto& [user, keys] : without_id)
    orders_.resolve_by_history(i, user, keys, ok, next);
  next();
}

void MmShutdown::final_balance_check() {
  if (counters_.final_check == "cancel_failed") return count_left_open(0);
  funds_.final_check([this] { count_left_open(0); });
}

void MmShutdown::count_left_open(size_t i) {
  if (i == 0) counters_.left_open_known = true;
  if (i >= markets_.size()) return done_();
  orders_.open_orders_of(cfg_.user, markets_[i]->info.symbol,
                         [this, i](Reply<std::vector<OrderState>> r) {
                           if (!r.ok())
                             counters_.left_open_known = false;
                           else
                             for (const OrderState& o : *r)
                               if (o.client_order_id.rfind(tracker_.session(), 0) == 0)
                                 ++counters_.left_open;
                           count_left_open(i + 1);
                         });
}

}  // namespace ex::bots
