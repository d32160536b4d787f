// libFuzzer: arbitrary bytes as a command stream into book + ledger, through the same
// clearing rules the actors use. Any invariant violation (book structure, ledger
// balances, conservation of every asset), refused settlement or fill-or-kill order filled
// in part aborts.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "actors/market/clearing.hpp"
#include "tests/fuzz/fuzz_reader.hpp"

using namespace ex;
using namespace ex::book;
using ex::fuzz::Reader;

namespace {

MarketSpec spec() {
  MarketSpec m;
  m.id = 1;
  m.symbol = "FUZZ_INR";
  m.tick_size = *Decimal::parse("0.01");
  m.step_size = *Decimal::parse("0.01");
  m.band_bps = 500;
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const MarketSpec m = spec();
  constexpr UserId kUsers = 4;
  OrderBook book(BookConfig{static_cast<StpPolicy>(size % 3), 500, 16});
  Ledger ledger(2);
  int64_t deposited[2] = {0, 0};
  // The last user starts with half a tick-lot of quote (0.00005): its market buys lock an
  // amount that buys nothing.
  for (UserId u = 0; u < kUsers; ++u)
    for (AssetId a = 0; a < 2; ++a) {
      const int64_t units = u == kUsers - 1 && a == 1 ? 5000 : 1000 * Decimal::kScale;
      ledger.deposit(u, a, Decimal::from_units(units));
      deposited[a] += units;
    }
  std::vector<Settlement> settlements;
  std::vector<uint64_t> ids;
  uint64_t seq = 1;
  Reader r{data, size};
  while (r.n > 0) {
    uint8_t op = r.byte();
    UserId user = op % kUsers;
    if ((op >> 2) % 4 == 3 && !ids.empty()) {
      book.cancel(ids[r.word() % ids.size()]);
    } else if ((op >> 2) % 8 == 6) {
      book.cancel_user(user);
    } else {
      OrderRequest q;
      q.side = op & 0x40 ? Side::sell : Side::buy;
      q.is_market = (op & 0x80) && (r.byte() & 1);
      q.price = m.price_of(9900 + r.byte());
      q.quantity = m.qty_of(1 + r.word() % 2000);
      uint8_t flags = r.byte();
      q.tif = static_cast<TimeInForce>(flags % 3);
      q.post_only = !q.is_market && q.tif == TimeInForce::gtc && (flags & 0x10);
      if (q.is_market && q.side == Side::buy && q.tif != TimeInForce::fok && (flags & 0x20)) {
        q.quantity = Decimal{};
        q.quote_quantity = Decimal::from_int(1 + (flags >> 6) * 50);
      }
      auto valid = validate_order(m, q);
      if (!valid) continue;
      uint64_t id = make_order_id(seq++, m.id);
      auto hold = hold_for(m, {0, 1}, *valid, id, ledger.balance(user, 1)->available);
      if (!ledger.place(user, hold)) continue;
      AddResult added = book.add(book_order(m, *valid, id, user, hold.amount));
      if (q.tif == TimeInForce::fok && added.status != OrderStatus::filled && added.executed != 0)
        std::abort();  // fill or kill filled in part
      ids.push_back(id);
    }
    settlements.clear();
    settlements_of(m, book.events(), settlements);
    for (const Settlement& s : settlements)
      if (!apply_settlement(ledger, s.user, s)) std::abort();
    if (!book.check_invariants() || !ledger.check_invariants()) std::abort();
    for (AssetId a = 0; a < 2; ++a)
      if (ledger.total(a).units() != deposited[a]) std::abort();
  }
  return 0;
}
