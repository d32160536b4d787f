#include "net/bots/mm_report.hpp"

#include "net/bots/bot_link.hpp"

namespace ex::bots {

std::string status_line(const std::string& state, const MmMarkets& markets,
                        const OrderTracker& tracker, const std::string& maker,
                        const MmCounters& c) {
  std::string line = "status: " + state;
  for (size_t i = 0; i < markets.size(); ++i) {
    const MmMarket* m = markets[i].get();
    std::vector<LiveQuote> live;
    int busy[2];
    tracker.quotes(i, Clock::now(), &live, busy);
    int bids = 0, asks = 0;
    for (const LiveQuote& q : live)
      (q.side == Side::buy ? bids : asks)++;
    line += " | " + m->info.symbol + " ref " + m->reference.to_string() + " resting " +
            std::to_string(bids) + "/" + std::to_string(asks) + " in flight " +
            std::to_string(busy[0]) + "/" + std::to_string(busy[1]) + " position " +
            tracker.ledger().traded(maker, m->info.base).to_string();
  }
  line += " | placed " + std::to_string(c.placed) + " cancels " + std::to_string(c.cancels) +
          " fills " + std::to_string(c.maker_fills) + " taken " + std::to_string(c.taker_orders) +
          " rejected " + std::to_string(c.rejected);
  return line;
}

std::string summary_line(const MmCounters& c, const MmMarkets& markets, const FillLedger& ledger,
                         const std::string& maker, const std::vector<std::string>& users,
                         const std::set<std::string>& assets, uint64_t ws_connects,
                         double elapsed_s) {
  std::string s =
      "mm markets=" + std::to_string(markets.size()) + " placed=" + std::to_string(c.placed) +
      " rejected=" + std::to_string(c.rejected) +
      " post_only_rejects=" + std::to_string(c.cross_rejects) +
      " funds_rejects=" + std::to_string(c.funds_rejects) +
      " cancels=" + std::to_string(c.cancels) + " cancel_gone=" + std::to_string(c.cancel_gone) +
      " maker_fills=" + std::to_string(c.maker_fills) +
      " taker_orders=" + std::to_string(c.taker_orders) +
      " taker_fills=" + std::to_string(c.taker_fills) +
      " trades_seen=" + std::to_string(c.trades_seen) +
      " offline=" + std::to_string(c.offline_count) + " offline_s=" + fixed(c.offline_seconds, 1) +
      " ws_connects=" + std::to_string(ws_connects) +
      " transport_errors=" + std::to_string(c.transport_errors) +
      " server_errors=" + std::to_string(c.server_errors) +
      " depth_resyncs=" + std::to_string(c.depth_resyncs) +
      " adopted=" + std::to_string(c.adopted) + " inconsistent=" + std::to_string(c.inconsistent) +
      " strays_cancelled=" + std::to_string(c.strays_cancelled) +
      " deposits=" + std::to_string(c.deposits) +
      " drift_warnings=" + std::to_string(c.drift_warnings) +
      " uncertain=" + std::to_string(ledger.uncertain()) +
      " exit_cancelled=" + std::to_string(c.exit_cancelled) +
      " left_open=" + (c.left_open_known ? std::to_string(c.left_open) : std::string("unknown")) +
      " final_check=" + c.final_check;
  if (!c.final_drift.empty()) s += " final_drift=" + c.final_drift;
  for (auto& m : markets)
    s += " position_" + m->info.symbol + "=" + ledger.traded(maker, m->info.base).to_string();
  for (const std::string& user : users)
    for (const std::string& asset : assets)
      s += " expected_" + user + "_" + asset + "=" + ledger.expected(user, asset).to_string();
  s += " elapsed_s=" + fixed(elapsed_s, 1);
  return s;
}

}  // namespace ex::bots
