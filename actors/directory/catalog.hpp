// What every actor of a node knows about the exchange's configuration: assets, markets
// and the actors that serve them. Built once at start-up, read-only afterwards, shared.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/gateway/exchange_api.hpp"
#include "actors/market/clearing.hpp"

namespace ex {

struct MarketEntry {
  MarketSpec spec;
  MarketAssets assets;
  caf::actor market;
  caf::actor hub;
};

struct Catalog {
  std::vector<AssetSpec> assets;
  std::vector<MarketEntry> markets;
  caf::actor writer;           // may be invalid (no storage)
  caf::actor history;          // may be invalid
  caf::actor deposit_journal;  // deposits are acknowledged once journaled; may be invalid
  std::chrono::milliseconds timeout{5000};  // for requests on behalf of a client
  // Open orders a user may have in one market, those on their way included (0: no limit):
  // each rests in memory, so without it one funded user could fill the process's memory.
  size_t max_open_orders = 0;
  // Accounts a deposit may create, those restored at start included (0: no limit): the
  // on-ramp is open, and each account lives in memory for the life of the process.
  size_t max_users = 0;

  const MarketEntry* market(const std::string& symbol) const {
    for (const auto& m : markets)
      if (m.spec.symbol == symbol) return &m;
    return nullptr;
  }
  const MarketEntry* market_for_order(uint64_t order_id) const {
    uint16_t id = ex::market_of_order(order_id);
    for (const auto& m : markets)
      if (m.spec.id == id) return &m;
    return nullptr;
  }
  std::optional<AssetId> asset(const std::string& name) const {
    for (size_t i = 0; i < assets.size(); ++i)
      if (assets[i].name == name) return static_cast<AssetId>(i);
    return std::nullopt;
  }
};

using CatalogPtr = std::shared_ptr<const Catalog>;

}  // namespace ex
