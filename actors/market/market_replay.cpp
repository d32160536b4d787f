#include "actors/market/market_replay.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "actors/common/binary_codec.hpp"
#include "actors/common/clock.hpp"
#include "actors/common/log.hpp"
#include "actors/journal/journal_actor.hpp"
#include "storage/journal.hpp"
#include "storage/snapshot_file.hpp"

namespace ex {
namespace {

Result<std::shared_ptr<MarketCore>> restore_snapshot(const MarketReplayPlan& plan,
                                                     const snapshot::Info& snap) {
  auto payload = snapshot::read(snap);
  if (!payload) return payload.error();
  MarketState state;
  if (auto d = decode_binary(*payload, state); !d) return at(snap.path, d.error());
  auto core = MarketCore::restore(plan.spec, plan.start, state);
  if (!core) return at(snap.path, core.error());
  return std::shared_ptr<MarketCore>(std::move(*core));
}

}  // namespace

MarketHistory load_history(Store& store, const std::string& market, size_t trades) {
  MarketHistory h;
  h.as_of_ms = now_ms();
  constexpr int64_t kKeep = 1500;  // candles per interval kept in memory (CandleBook's default)
  static_assert(kKeep * 60'000 > RollingTicker::kWindowMs + 60'000, "the ticker's minutes");
  for (Interval i : kAllIntervals) {
    auto c =
        store.candles(market, i, h.as_of_ms - kKeep * interval_ms(i), h.as_of_ms + interval_ms(i));
    if (c) h.candles[static_cast<size_t>(i)] = std::move(*c);
  }
  auto recent = store.recent_trades(market, std::max<size_t>(trades, 1), kAboveNewestTrade);
  if (recent)
    h.trades.assign(std::make_move_iterator(recent->rbegin()),
                    std::make_move_iterator(recent->rend()));
  return h;
}

Result<MarketReplay> replay_market(const MarketReplayPlan& plan, Store& store,
                                   const EmitUpdate& emit) {
  MarketReplay m;
  const std::string& symbol = plan.spec.symbol;
  // The newest usable snapshot: an unreadable one is reported and an older one tried.
  Error first_error = make_error(ErrorCode::internal, "no snapshot to start from in " + plan.dir);
  for (const snapshot::Info& snap : snapshots_to_try(plan.dir, plan.stored_seq)) {
    auto restored = restore_snapshot(plan, snap);
    if (restored) {
      m.core = std::move(*restored);
      break;
    }
    log(Level::error, "snapshot unusable; trying an older one",
        {{"detail", restored.error().message}});
    if (first_error.message.rfind("no snapshot", 0) == 0) first_error = restored.error();
  }
  if (!m.core) return first_error;

  bool history_loaded = false;
  auto seed_history = [&] {
    m.core->load_history(load_history(store, symbol, plan.start.recent_trades));
    history_loaded = true;
  };
  if (plan.stored_seq < m.core->sequence())
    log(Level::warn,
        "storage is behind the oldest snapshot: history between them cannot be rebuilt",
        {{"market", symbol}, {"stored", plan.stored_seq}, {"snapshot", m.core->sequence()}});
  if (plan.stored_seq <= m.core->sequence()) seed_history();

  auto report = journal::replay(
      plan.dir, m.core->sequence() + 1,
      [&](uint64_t seq, std::string_view bytes) -> Result<bool> {
        MarketCommand cmd;
        if (auto d = decode_binary(bytes, cmd); !d)
          return at("record " + std::to_string(seq), d.error());
        // Storage has the market up to stored_seq: its candles and trades are the history
        // the rest of the replay builds on.
        if (!history_loaded && seq > plan.stored_seq) seed_history();
        MarketCore::Output out;
        const auto mode =
            seq > plan.stored_seq ? MarketCore::Mode::replay : MarketCore::Mode::silent;
        if (auto r = m.core->apply(cmd, out, mode); !r)
          return at("record " + std::to_string(seq), r.error());
        if (m.core->sequence() != seq)
          return make_error(ErrorCode::internal, "record " + std::to_string(seq) + " replayed as " +
                                                     std::to_string(m.core->sequence()));
        ++m.replayed;
        if (seq > plan.stored_seq) return emit(std::move(out.update));
        return true;
      },
      plan.repair);
  if (!report) return at("replay of " + plan.dir, report.error());
  m.torn_tail = report->torn_tail;
  m.tail_file = report->tail_file;
  m.tail_offset = report->tail_offset;
  if (!history_loaded) seed_history();
  if (m.core->ledger_errors() > 0)
    return make_error(ErrorCode::internal, "replay of " + plan.dir + " broke the market's ledger");
  return m;
}

}  // namespace ex
