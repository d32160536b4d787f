#include "config/recovery.hpp"

#include <filesystem>

#include "actors/common/binary_codec.hpp"
#include "actors/common/clock.hpp"
#include "actors/common/log.hpp"
#include "actors/common/messages.hpp"
#include "actors/journal/journal_actor.hpp"
#include "actors/market/market_replay.hpp"
#include "actors/market/market_rules.hpp"
#include "actors/writer/writer_feed.hpp"
#include "storage/snapshot_file.hpp"

namespace ex {
namespace {

namespace fs = std::filesystem;

book::StpPolicy stp_of(const std::string& s) {
  if (s == "cancel_taker") return book::StpPolicy::cancel_taker;
  if (s == "cancel_both") return book::StpPolicy::cancel_both;
  return book::StpPolicy::cancel_resting;
}

// Storage records how far it has the journal of `stream` (stored_seq); a journal that
// ends before that is not the one this storage was written from (a directory lost or
// restored apart from the database), and starting from it would roll back balances and
// books that clients were told about. Without a journal at all there is no doubt; a
// journal that is merely behind can be, with --durability none, what a machine's crash
// left of unsynced writes, so that is only reported.
Result<bool> check_journal_reaches_storage(const Options& o, const std::string& stream,
                                           const std::string& dir, bool journal_existed,
                                           uint64_t journal_seq, uint64_t stored_seq) {
  if (journal_seq >= stored_seq) return true;
  const std::string what =
      "storage holds " + stream + " up to journal record " + std::to_string(stored_seq) +
      ", but the journal in " + dir +
      (journal_existed ? " ends at " + std::to_string(journal_seq) : " does not exist");
  if (journal_existed && o.durability == "none") {
    log(Level::warn, "journal behind storage (a crash lost unsynced records?)",
        {{"stream", stream}, {"journal_seq", journal_seq}, {"stored_seq", stored_seq}});
    return true;
  }
  return make_error(ErrorCode::internal,
                    what +
                        ": the journal does not belong with this storage (restore the data "
                        "directory and the database together, see the README's backups; a "
                        "journal written with --durability none that a machine's crash cut "
                        "short is accepted when started with --durability none)");
}

Result<RecoveredMarket> recover_market(const Options& o, const MarketSpec& spec, Store& store,
                                       WriterFeed& catch_up) {
  RecoveredMarket m;
  m.dir = journal_dir(o, spec.symbol);
  const std::string& symbol = spec.symbol;
  auto stored = store.stored_seq(symbol);
  auto last_trade = store.max_trade_id(symbol);
  auto last_order = store.max_order_id(symbol);
  if (!stored || !last_trade || !last_order)
    return at("storage of " + symbol,
              stored ? (last_trade ? last_order.error() : last_trade.error()) : stored.error());
  m.stored_seq = *stored;

  MarketStart start = market_start(o, spec);
  if (auto r = record_market_rules(m.dir, rules_text(spec, start)); !r) return r.error();
  start.next_trade_id = *last_trade + 1;
  start.next_order_seq = (*last_order >> 12) + 1;

  const bool journal_existed = !snapshot::list(m.dir).empty();
  if (!journal_existed) {
    if (auto r = check_journal_reaches_storage(o, symbol, m.dir, false, 0, m.stored_seq); !r)
      return r.error();
    if (!journal::list_segments(m.dir).empty())
      return make_error(ErrorCode::internal,
                        "journal " + m.dir + " has segments but no snapshot to start from");
    // A market's first run with a journal: orders storage still shows open come from a
    // run without one, and no book holds them any more.
    auto closed = store.close_open_orders(symbol, now_ms());
    if (closed && *closed > 0)
      log(Level::warn, "orders of a run without a journal closed",
          {{"market", symbol}, {"orders", *closed}});
    // The starting counters must survive: the journal's first record is replayed on them.
    MarketState state = MarketCore(spec, start).state();
    if (auto w = snapshot::write(m.dir, 0, encode_binary(state)); !w) return w.error();
  }
  auto replay = replay_market(
      MarketReplayPlan{m.dir, spec, start, m.stored_seq, true}, store,
      [&](MarketUpdate&& up) { return catch_up.send(update_atom::value, std::move(up)); });
  if (!replay) return replay.error();
  if (replay->torn_tail)
    log(Level::warn, "journal had a torn tail (an unacknowledged write cut by a crash); cut off",
        {{"file", replay->tail_file}, {"offset", replay->tail_offset}});
  m.core = std::move(replay->core);
  m.replayed = replay->replayed;
  if (auto r =
          check_journal_reaches_storage(o, symbol, m.dir, true, m.core->sequence(), m.stored_seq);
      !r)
    return r.error();
  if (m.core->sequence() < m.stored_seq) {
    // Accepted above (--durability none): continue after what storage holds, and record
    // the jump in a snapshot, since the journal now has a gap up to it.
    m.core->skip_past(m.stored_seq, *last_trade + 1, (*last_order >> 12) + 1);
    MarketState state = m.core->state();
    if (auto w = snapshot::write(m.dir, state.seq, encode_binary(state)); !w) return w.error();
  }

  auto writer = journal::Writer::open(m.dir, m.core->sequence() + 1, o.journal_segment_mb << 20);
  if (!writer) return writer.error();
  m.journal = std::move(*writer);
  return m;
}

// Deposits: totals per user and asset from the newest usable snapshot and the journal.
Result<bool> recover_deposits(const Options& o, Store& store, WriterFeed& catch_up, Recovery& rec) {
  rec.deposits_dir = journal_dir(o, kDepositStream);
  const std::string& dir = rec.deposits_dir;
  auto stored = store.stored_seq(kDepositStream);
  if (!stored) return at("storage", stored.error());
  rec.deposits_stored_seq = *stored;
  // The newest usable snapshot of the totals: an unreadable one is reported and an
  // older one tried.
  uint64_t from = 0;
  const bool journal_existed = !snapshot::list(dir).empty();
  if (!journal_existed)
    if (auto r = check_journal_reaches_storage(o, kDepositStream, dir, false, 0, *stored); !r)
      return r;
  bool found = !journal_existed;
  for (const snapshot::Info& snap : snapshots_to_try(dir, *stored)) {
    auto payload = snapshot::read(snap);
    auto totals =
        payload ? DepositTotals::decode(*payload) : Result<DepositTotals>(payload.error());
    if (!totals) {
      log(Level::error, "snapshot unusable; trying an older one",
          {{"file", snap.path}, {"detail", totals.error().message}});
      continue;
    }
    rec.deposit_totals = std::move(*totals);
    from = snap.seq;
    found = true;
    break;
  }
  if (!found)
    return make_error(ErrorCode::internal, "no usable snapshot of the deposits in " + dir);
  auto report =
      journal::replay(dir, from + 1, [&](uint64_t seq, std::string_view bytes) -> Result<bool> {
        DepositRecord d;
        if (auto r = decode_binary(bytes, d); !r)
          return at("record " + std::to_string(seq), r.error());
        rec.deposit_totals.add(d);
        ++rec.deposits_replayed;
        if (seq > *stored) return catch_up.send(deposit_atom::value, std::move(d), seq);
        return true;
      });
  if (!report) return at("replay of " + dir, report.error());
  if (report->torn_tail)
    log(Level::warn, "deposits journal had a torn tail; cut off",
        {{"file", report->tail_file}, {"offset", report->tail_offset}});
  const uint64_t last = std::max(from, report->last_seq);
  rec.deposits_last_seq = last;
  if (journal_existed)
    if (auto r = check_journal_reaches_storage(o, kDepositStream, dir, true, last, *stored); !r)
      return r;
  auto writer = journal::Writer::open(dir, last + 1, o.journal_segment_mb << 20);
  if (!writer) return writer.error();
  rec.deposits = std::move(*writer);
  if (rec.deposits_replayed > 0 || from == 0) {
    // A snapshot at start too: the run begins with a short deposits journal.
    if (auto w = snapshot::write(dir, last, rec.deposit_totals.encode()); !w) return w.error();
    const uint64_t keep = keep_from(dir, *stored);
    snapshot::remove_before(dir, keep);
    rec.deposits->remove_before(keep + 1);
  }
  return true;
}

}  // namespace

std::string journal_root(const Options& o) {
  return (fs::path(o.data_dir) / "journal").string();
}

std::string journal_dir(const Options& o, const std::string& stream) {
  return (fs::path(journal_root(o)) / stream).string();
}

MarketStart market_start(const Options& o, const MarketSpec& spec) {
  MarketStart start;
  start.band_bps = spec.band_bps;
  start.stp = stp_of(o.stp);
  return start;
}

Result<Recovery> recover(const Options& o, Store& store, caf::actor_system& system,
                         const caf::actor& writer) {
  const auto began = std::chrono::steady_clock::now();
  Recovery rec;
  WriterFeed catch_up(system, writer, 20000);  // storage catches up in steps
  // A market dropped from the configuration still has its traders' balances in its
  // journal: starting without it would silently rewrite them.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(journal_root(o), ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name == kDepositStream) continue;
    // Only a directory with journal files is a market's (a mounted disk has lost+found).
    const std::string dir = entry.path().string();
    if (snapshot::list(dir).empty() && journal::list_segments(dir).empty()) continue;
    bool configured = false;
    for (const MarketSpec& spec : o.markets)
      configured = configured || spec.symbol == name;
    if (!configured)  // the configuration's fault: invalid_field exits 2, not restarted
      return make_error(ErrorCode::invalid_field,
                        "the journal holds market " + name +
                            ", which is not configured: its traders' balances are in it. "
                            "Configure it again (markets are never dropped silently)");
  }
  // Every market's rules before anything is written (market_rules.hpp).
  for (const MarketSpec& spec : o.markets)
    if (auto r = check_market_rules(journal_dir(o, spec.symbol),
                                    rules_text(spec, market_start(o, spec)));
        !r)
      return r.error();
  if (auto r = recover_deposits(o, store, catch_up, rec); !r) return r.error();
  for (const MarketSpec& spec : o.markets) {
    auto m = recover_market(o, spec, store, catch_up);
    if (!m) return m.error();
    rec.markets.push_back(std::move(*m));
  }
  if (auto r = catch_up.flush(); !r) return at("catching storage up", r.error());
  rec.caught_up = catch_up.sent();

  // Accounts: deposits plus what trading in each market added or took, with the holds
  // of their open orders.
  auto asset_id = [&](const std::string& name) -> int {
    for (size_t i = 0; i < o.assets.size(); ++i)
      if (o.assets[i].name == name) return static_cast<int>(i);
    return -1;
  };
  std::unordered_map<std::string, std::vector<int64_t>> totals;
  auto totals_of = [&](const std::string& user) -> std::vector<int64_t>& {
    auto& t = totals[user];
    t.resize(o.assets.size());
    return t;
  };
  for (auto& [key, units] : rec.deposit_totals.units()) {
    int a = asset_id(key.second);
    if (a < 0)
      return make_error(ErrorCode::internal, "the deposits journal names asset " + key.second +
                                                 ", which is not configured");
    int64_t& total = totals_of(key.first)[a];
    total = wrapping_add(total, units);
  }
  for (size_t i = 0; i < rec.markets.size(); ++i) {
    const MarketSpec& spec = o.markets[i];
    AssetId base = static_cast<AssetId>(asset_id(spec.base)),
            quote = static_cast<AssetId>(asset_id(spec.quote));
    for (AccountView& v : rec.markets[i].core->account_views()) {
      auto& t = totals_of(v.user_id);
      t[base] = wrapping_add(t[base], v.base_flow.units());  // modulo 2^64: the sum is in range
      t[quote] = wrapping_add(t[quote], v.quote_flow.units());
      AccountRestore& a = rec.accounts[v.user_id];
      a.recovered_at.push_back(StreamPosition{spec.symbol, rec.markets[i].core->sequence()});
      for (HoldRequest h : v.holds) {
        h.base = base;
        h.quote = quote;
        a.holds.push_back(h);
      }
      for (OrderInfo& order : v.open)
        a.open.push_back(std::move(order));
    }
  }
  for (auto& [user, t] : totals) {
    AccountRestore& a = rec.accounts[user];
    for (int64_t units : t)
      a.totals.push_back(Decimal::from_units(units));
  }
  rec.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - began);
  return rec;
}

}  // namespace ex
