#include "actors/market/market_outbox.hpp"

#include <utility>

#include "actors/common/messages.hpp"

namespace ex {

MarketOutbox::MarketOutbox(caf::event_based_actor* self, caf::actor journal, caf::actor hub,
                           caf::actor writer)
    : self_(self), journal_(std::move(journal)), hub_(std::move(hub)), writer_(std::move(writer)) {}

namespace {

// Past this many items the outbox goes out at once: behind a long backlog the journal
// would otherwise wait for all of it to be matched before writing any of it.
constexpr size_t kMaxHeld = 128;

}  // namespace

void MarketOutbox::record(uint64_t seq, std::string payload) {
  if (!journal_) return;
  // The journal numbers a batch's records from its first: a gap goes out on its own, so
  // the journal's own check of the sequence still sees it.
  if (!records_.empty() && seq != first_seq_ + records_.size()) flush();
  if (records_.empty()) first_seq_ = seq;
  records_.push_back(std::move(payload));
  held();
}

void MarketOutbox::update(MarketUpdate up) {
  if (!hub_ && !writer_) return;
  updates_.push_back(std::move(up));
  held();
}

void MarketOutbox::flush() {
  scheduled_ = false;
  if (!records_.empty()) {
    self_->send(journal_, record_atom::value, first_seq_, std::move(records_));
    records_.clear();
  }
  if (!updates_.empty()) {
    // One message for both: CAF shares its contents rather than copying them.
    auto msg = caf::make_message(update_atom::value, std::move(updates_));
    updates_.clear();
    if (hub_) self_->send(hub_, msg);
    if (writer_) self_->send(writer_, msg);
  }
}

void MarketOutbox::held() {
  if (records_.size() >= kMaxHeld || updates_.size() >= kMaxHeld) {
    flush();
  } else if (!scheduled_) {
    scheduled_ = true;
    self_->send(self_, publish_atom::value);
  }
}

}  // namespace ex
