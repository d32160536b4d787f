#include "net/bots/mm_reconcile.hpp"

#include <memory>

#include "net/client/timer.hpp"

namespace ex::bots {

using client::CancelResult;
using client::OrderState;
using client::Reply;
using std::chrono::milliseconds;

MmReconciler::MmReconciler(boost::asio::io_context& io, const MmConfig& cfg, client::ApiClient& api,
                           OrderTracker& tracker, const MmMarkets& markets, MmOrders& orders,
                           const MmPhase& phase, MmCounters& counters, const BotLog& log)
    : cfg_(cfg),
      api_(api),
      tracker_(tracker),
      markets_(markets),
      orders_(orders),
      phase_(phase),
      counters_(counters),
      log_(log),
      timer_(io) {}

void MmReconciler::soon() {
  if (pending_ || phase_ != MmPhase::running) return;
  pending_ = true;
  client::run_after(timer_, milliseconds(1000), [this] {
    pending_ = false;
    if (phase_ != MmPhase::running) return;
    run([this](bool) { periodically(); });
  });
}

void MmReconciler::periodically() {
  if (cfg_.reconcile_ms <= 0 || phase_ != MmPhase::running || pending_) return;
  client::run_after(timer_, milliseconds(cfg_.reconcile_ms), [this] {
    if (phase_ != MmPhase::running) return;
    run([this](bool) { periodically(); });
  });
}

void MmReconciler::cancel() {
  timer_.cancel();  // a cancelled wait never calls its handler (client::run_after)
  pending_ = false;
}

void MmReconciler::run(std::function<void(bool)> done) {
  reconcile_market(0, std::move(done));
}

void MmReconciler::reconcile_market(size_t i, std::function<void(bool)> done) {
  if (i >= markets_.size()) return done(true);
  const MmMarket& m = *markets_[i];
  auto asked = Clock::now();
  orders_.open_orders_of(cfg_.user, m.info.symbol,
                         [this, i, done, asked](Reply<std::vector<OrderState>> r) {
                           if (phase_ == MmPhase::stopped) return;
                           if (!r.ok()) {
                             log_.warn("reconcile: open orders of " + markets_[i]->info.symbol +
                                       ": " + r.error().describe());
                             return done(false);
                           }
                           reconcile_with(i, *r, asked, [this, i, done](bool ok) {
                             if (!ok) return done(false);
                             reconcile_market(i + 1, done);
                           });
                         });
}

void MmReconciler::reconcile_with(size_t i, const std::vector<OrderState>& open,
                                  Clock::time_point asked, std::function<void(bool)> done) {
  const std::string& symbol = markets_[i]->info.symbol;
  OrderTracker::Reconciliation r = tracker_.reconcile(i, open, asked, cfg_.client_id_prefix);
  counters_.adopted += r.adopted;
  // The bots' orders that nobody here tracks (a lost reply of an earlier run) hold slots
  // and funds: cancel them.
  for (const std::string& id : r.strays) {
    ++counters_.strays_cancelled;
    api_.cancel(symbol, id, cfg_.user, [](Reply<CancelResult>) {});
  }
  auto remaining = std::make_shared<size_t>(r.lookup_by_id.size() + r.lookup_history.size() + 1);
  auto ok = std::make_shared<bool>(true);
  auto finish = [remaining, ok, done] {
    if (--*remaining == 0) done(*ok);
  };
  for (uint64_t key : r.lookup_by_id)
    orders_.resolve_by_id(i, key, finish);
  for (auto& [user, keys] : r.lookup_history)
    orders_.resolve_by_history(i, user, keys, ok, finish);
  finish();
}

}  // namespace ex::bots
