// A deliberately simple reference order book for differential testing: plain sorted
// containers, linear scans, no pools or indexes. Same rules as ex::book::OrderBook.
#pragma once

#include <algorithm>
#include <list>
#include <map>
#include <vector>

#include "actors/market/order_book.hpp"

namespace model {

using namespace ex::book;

struct ModelOrder {
  OrderId id;
  UserId user;
  Ticks price;
  Lots remaining;
  Lots original;
};

struct ModelTrade {
  OrderId taker, maker;
  Ticks price;
  Lots qty;
};

class ModelBook {
 public:
  explicit ModelBook(BookConfig c) : config_(c) {}

  std::vector<ModelTrade> trades;  // of the last command
  std::vector<OrderId> done;       // ids that left the book or finished, last command
  OrderStatus status = OrderStatus::new_;

  void add(const NewOrder& o) {
    trades.clear();
    done.clear();
    Side opp = opposite(o.side);
    Ticks limit = o.price;
    if (o.is_market) {
      Ticks ref = last_;
      if (ref == 0 && !best(opp, ref)) return finish(o.id, OrderStatus::expired);
      Ticks delta = static_cast<Ticks>(static_cast<__int128>(ref) * config_.band_bps / 10000);
      limit = o.side == Side::buy ? ref + delta : std::max<Ticks>(1, ref - delta);
    }
    Ticks b;
    if (o.post_only && best(opp, b) && ok(o.side, b, limit))
      return finish(o.id, OrderStatus::rejected);
    if (o.tif == TimeInForce::fok && o.qty > 0) {
      // What it would buy, walking the same makers as the match below, as money allows.
      Lots avail = 0;
      int64_t money = o.quote_budget;
      bool blocked = false;
      for (auto& [price, q] : side_map(opp, true)) {
        if (!ok(o.side, price, limit) || blocked) break;
        for (auto& m : *q) {
          if (m.user == o.user) {
            if (config_.stp == StpPolicy::cancel_resting) continue;
            blocked = true;
            break;
          }
          Lots take = m.remaining;
          if (o.quote_budget != kNoBudget) take = std::min(take, money / price);
          avail += take;
          money -= take * price;
          if (take < m.remaining || avail >= o.qty) {
            blocked = avail < o.qty;  // out of money, or enough: stop either way
            break;
          }
        }
      }
      if (avail < o.qty) return finish(o.id, OrderStatus::expired);
    }
    Lots left = o.qty;
    int64_t budget = o.quote_budget;
    bool stopped = false, out_of_budget = false;
    Lots executed = 0;
    auto levels = side_map(opp, true);
    for (auto lv = levels.begin(); lv != levels.end();) {
      Ticks price = lv->first;
      if (!ok(o.side, price, limit) || stopped || out_of_budget) break;
      if (o.qty > 0 && left == 0) break;
      auto& q = *lv->second;
      for (auto it = q.begin(); it != q.end();) {
        if (o.qty > 0 && left == 0) break;
        if (it->user == o.user) {
          if (config_.stp != StpPolicy::cancel_taker) {
            done.push_back(it->id);
            it = q.erase(it);
          }
          if (config_.stp != StpPolicy::cancel_resting) {
            stopped = true;
            break;
          }
          continue;
        }
        Lots fill = o.qty > 0 ? std::min(left, it->remaining) : it->remaining;
        if (o.quote_budget != kNoBudget) fill = std::min(fill, budget / price);
        if (fill == 0) {
          out_of_budget = true;
          break;
        }
        trades.push_back({o.id, it->id, price, fill});
        last_ = price;
        executed += fill;
        left -= fill;
        if (o.quote_budget != kNoBudget) budget -= fill * price;
        it->remaining -= fill;
        if (it->remaining == 0) {
          done.push_back(it->id);
          it = q.erase(it);
        }  // else the taker ran out (quantity or budget); the next pass sees it
      }
      if (q.empty()) {
        erase_level(opp, price);
        lv = levels.erase(lv);
      } else {
        ++lv;
      }
    }
    if (o.qty > 0 && left == 0) return finish(o.id, OrderStatus::filled);
    if (stopped) return finish(o.id, OrderStatus::canceled);
    if (!o.is_market && o.tif == TimeInForce::gtc) {
      auto& m = o.side == Side::buy ? bids_ : asks_;
      m[o.price].push_back({o.id, o.user, o.price, left, o.qty});
      status = executed > 0 ? OrderStatus::partially_filled : OrderStatus::new_;
      return;
    }
    if (o.qty == 0) {
      // Filled only if the rest of the budget cannot buy one more lot where it would buy
      // next: the next eligible level, or else the last price paid.
      Ticks next;
      bool has_next = best(opp, next) && ok(o.side, next, limit);
      bool filled = executed > 0 && budget < (has_next ? next : last_);
      return finish(o.id, filled ? OrderStatus::filled : OrderStatus::expired);
    }
    finish(o.id, OrderStatus::expired);
  }

  bool cancel(OrderId id) {
    trades.clear();
    done.clear();
    for (auto* m : {&bids_, &asks_}) {
      for (auto lv = m->begin(); lv != m->end(); ++lv) {
        for (auto it = lv->second.begin(); it != lv->second.end(); ++it) {
          if (it->id != id) continue;
          lv->second.erase(it);
          if (lv->second.empty()) m->erase(lv);
          done.push_back(id);
          return true;
        }
      }
    }
    return false;
  }

  // Best-first (price, total) of one side.
  std::vector<DepthLevel> depth(Side s) const {
    std::vector<DepthLevel> out;
    auto add = [&](Ticks p, const std::list<ModelOrder>& q) {
      Lots t = 0;
      for (auto& o : q)
        t += o.remaining;
      out.push_back({p, t});
    };
    if (s == Side::buy)
      for (auto it = bids_.rbegin(); it != bids_.rend(); ++it)
        add(it->first, it->second);
    else
      for (auto& [p, q] : asks_)
        add(p, q);
    return out;
  }

  // Resting orders in priority order, bids then asks.
  std::vector<ModelOrder> orders() const {
    std::vector<ModelOrder> out;
    for (auto it = bids_.rbegin(); it != bids_.rend(); ++it)
      for (auto& o : it->second)
        out.push_back(o);
    for (auto& [p, q] : asks_)
      for (auto& o : q)
        out.push_back(o);
    return out;
  }

  std::vector<OrderId> ids_of(UserId user) const {
    std::vector<OrderId> out;
    for (auto& o : orders())
      if (o.user == user) out.push_back(o.id);
    return out;
  }

 private:
  static bool ok(Side taker, Ticks maker, Ticks limit) {
    return taker == Side::buy ? maker <= limit : maker >= limit;
  }
  bool best(Side s, Ticks& p) const {
    if (s == Side::buy) {
      if (bids_.empty()) return false;
      p = bids_.rbegin()->first;
    } else {
      if (asks_.empty()) return false;
      p = asks_.begin()->first;
    }
    return true;
  }
  // (price, queue*) pairs of a side, best first.
  std::list<std::pair<Ticks, std::list<ModelOrder>*>> side_map(Side s, bool) {
    std::list<std::pair<Ticks, std::list<ModelOrder>*>> out;
    if (s == Side::buy)
      for (auto it = bids_.rbegin(); it != bids_.rend(); ++it)
        out.push_back({it->first, &it->second});
    else
      for (auto& [p, q] : asks_)
        out.push_back({p, &q});
    return out;
  }
  void erase_level(Side s, Ticks p) { (s == Side::buy ? bids_ : asks_).erase(p); }
  void finish(OrderId id, OrderStatus s) {
    done.push_back(id);
    status = s;
  }

  BookConfig config_;
  std::map<Ticks, std::list<ModelOrder>> bids_, asks_;
  Ticks last_ = 0;
};

}  // namespace model
