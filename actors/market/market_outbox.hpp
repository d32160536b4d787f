// What a market hands on after its commands - journal records, and the updates for its
// hub and the writer - held until the commands already in its mailbox have run.
//
// Under load a market works through bursts of commands. Sent one by one, each command
// cost its three receivers a message each, and often a wake-up of the journal's thread
// or of a scheduler worker. The market sends itself a `publish` message when the outbox
// gets its first item; it lands behind the commands queued so far, so a burst reaches
// each receiver as one message (up to a bound), and a lone command waits one hop longer.
//
// Receivers take (record, first seq, vector<string>) and (update, vector<MarketUpdate>);
// the records of one flush have consecutive sequence numbers.
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/market/market_events.hpp"

namespace ex {

class MarketOutbox {
 public:
  MarketOutbox(caf::event_based_actor* self, caf::actor journal, caf::actor hub, caf::actor writer);

  void record(uint64_t seq, std::string payload);
  void update(MarketUpdate up);

  // Sends what is held. Called on the market's `publish` message, and before anything
  // that must reach a receiver after what is held (a snapshot, a shutdown's flush).
  void flush();

 private:
  // Sends at once when the outbox is full, else makes sure a `publish` is on its way.
  void held();

  caf::event_based_actor* self_;
  caf::actor journal_, hub_, writer_;
  uint64_t first_seq_ = 0;
  std::vector<std::string> records_;
  std::vector<MarketUpdate> updates_;
  bool scheduled_ = false;
};

}  // namespace ex
