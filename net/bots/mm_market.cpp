#include "net/bots/mm_market.hpp"

#include <algorithm>

namespace ex::bots {
namespace {

int side_index(Side s) {
  return s == Side::buy ? 0 : 1;
}

}  // namespace

MmMarket::MmMarket(boost::asio::io_context& io, const MarketInfo& market, const MmConfig& cfg)
    : info(market), ladder(cfg.ladder), refresh_timer(io), take_timer(io), snapshot_timer(io) {
  if (auto it = cfg.overrides.find(market.symbol); it != cfg.overrides.end()) {
    const MmMarketOverride& o = it->second;
    if (o.levels) ladder.levels = *o.levels;
    if (o.quantity) ladder.quantity = *o.quantity;
    if (o.spread_bps) ladder.spread_bps = *o.spread_bps;
    if (o.level_step_bps) ladder.level_step_bps = *o.level_step_bps;
    if (o.max_position) ladder.max_position = *o.max_position;
    configured_reference = o.reference_price;
  }
}

void MmMarket::start_reference(Decimal price, const WalkParams& params) {
  auto on_grid = round_price(price, info.tick_size, Side::buy);
  reference = on_grid ? *on_grid : info.tick_size;
  walk = std::make_unique<PriceWalk>(reference, info.tick_size, params);
  walked_at = Clock::now();
}

Decimal MmMarket::advance_reference(const std::string& mode) {
  auto now = Clock::now();
  if (mode == "last") {
    if (last_trade) reference = *last_trade;
  } else {
    double dt = std::chrono::duration<double>(now - walked_at).count();
    reference = walk->step(std::min(dt, 5.0));
  }
  walked_at = now;
  return reference;
}

BookTop MmMarket::book_top(Decimal ref) {
  BookTop top;
  if (book.synced()) {
    if (auto bid = book.best_bid()) top.bid = bid->price;
    if (auto ask = book.best_ask()) top.ask = ask->price;
  }
  return cross_guard.top(top, book.last_update_id(), ref);
}

void MmMarket::pause(Side side, Clock::time_point until) {
  pause_until_[side_index(side)] = until;
}

bool MmMarket::paused(Side side, Clock::time_point now) const {
  return now < pause_until_[side_index(side)];
}

size_t market_index(const MmMarkets& markets, const std::string& symbol) {
  for (size_t i = 0; i < markets.size(); ++i)
    if (markets[i]->info.symbol == symbol) return i;
  return markets.size();
}

std::set<std::string> traded_assets(const MmMarkets& markets) {
  std::set<std::string> out;
  for (auto& m : markets) {
    out.insert(m->info.base);
    out.insert(m->info.quote);
  }
  return out;
}

}  // namespace ex::bots
