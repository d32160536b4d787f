#define CAF_SUITE fanout
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "net/fanout.hpp"
#include "tests/net/fake_api.hpp"

using namespace ex;
using namespace std::chrono_literals;

namespace {

// Records what the shard hands over, batch by batch.
class Recorder : public FanoutSubscriber {
 public:
  void deliver(const Frame& frame) override { current_.push_back(*frame); }
  void flush() override {
    batches.push_back(current_);
    current_.clear();
  }
  std::vector<std::vector<std::string>> batches;
  std::vector<std::string> all() const {
    std::vector<std::string> out;
    for (const auto& b : batches)
      out.insert(out.end(), b.begin(), b.end());
    return out;
  }

 private:
  std::vector<std::string> current_;
};

struct Fixture {
  boost::asio::io_context ioc;
  ex::test::FakeApi api;

  std::shared_ptr<FanoutShard> shard(std::chrono::microseconds window) {
    return std::make_shared<FanoutShard>(ioc, api, 9000, window);
  }

  // Runs the io thread's work until `done` holds (or a generous deadline passes).
  template <class Pred>
  bool run_until(Pred done) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      ioc.restart();
      ioc.run_for(1ms);
    }
    return done();
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(fanout_tests, Fixture)

CAF_TEST(one upstream subscription per stream however many local subscribers) {
  auto s = shard(0us);
  auto a = std::make_shared<Recorder>(), b = std::make_shared<Recorder>();
  CAF_REQUIRE(s->subscribe("trade@TATA_INR", a));
  CAF_REQUIRE(s->subscribe("trade@TATA_INR", b));
  CAF_CHECK_EQUAL(api.subscribers("trade@TATA_INR"), 1u);
  CAF_CHECK_EQUAL(s->streams(), 1u);
  s->unsubscribe("trade@TATA_INR", a.get());
  CAF_CHECK_EQUAL(api.subscribers("trade@TATA_INR"), 1u);  // b still listens
  s->unsubscribe("trade@TATA_INR", b.get());
  CAF_CHECK_EQUAL(api.subscribers("trade@TATA_INR"), 0u);
  CAF_CHECK_EQUAL(s->streams(), 0u);
  s->unsubscribe("trade@TATA_INR", b.get());  // twice: harmless
  CAF_CHECK_EQUAL(api.subscribers("trade@TATA_INR"), 0u);
}

CAF_TEST(a stream upstream refuses is an error and leaves nothing behind) {
  auto s = shard(0us);
  auto a = std::make_shared<Recorder>();
  auto r = s->subscribe("trade@NOPE_INR", a);
  CAF_REQUIRE(!r);
  CAF_CHECK(r.error().code == ErrorCode::unknown_market);
  CAF_CHECK(!s->subscribe("bogus@TATA_INR", a));
  CAF_CHECK_EQUAL(s->streams(), 0u);
  // A later good subscription works as usual.
  CAF_REQUIRE(s->subscribe("depth@TATA_INR", a));
  api.publish("depth@TATA_INR", "d1");
  CAF_CHECK(run_until([&] { return a->all().size() == 1; }));
}

CAF_TEST(frames reach every subscriber of their stream in order and no one else) {
  auto s = shard(0us);
  auto both = std::make_shared<Recorder>(), trades = std::make_shared<Recorder>(),
       other = std::make_shared<Recorder>();
  CAF_REQUIRE(s->subscribe("trade@TATA_INR", both));
  CAF_REQUIRE(s->subscribe("depth@TATA_INR", both));
  CAF_REQUIRE(s->subscribe("trade@TATA_INR", trades));
  CAF_REQUIRE(s->subscribe("trade@INFY_INR", other));
  for (int i = 0; i < 50; ++i) {
    api.publish("depth@TATA_INR", "d" + std::to_string(i));
    api.publish("trade@TATA_INR", "t" + std::to_string(i));
  }
  CAF_REQUIRE(run_until([&] { return both->all().size() == 100 && trades->all().size() == 50; }));
  std::vector<std::string> want_both, want_trades;
  for (int i = 0; i < 50; ++i) {
    want_both.push_back("d" + std::to_string(i));
    want_both.push_back("t" + std::to_string(i));
    want_trades.push_back("t" + std::to_string(i));
  }
  CAF_CHECK(both->all() == want_both);
  CAF_CHECK(trades->all() == want_trades);
  CAF_CHECK(other->batches.empty());
}

CAF_TEST(subscribers of several streams get their frames in publication order) {
  // The shard delivers subscriber by subscriber, merging each one's streams back into the
  // order of publication; random interleavings over several batches check the merge.
  // Up to four streams a subscriber takes the linear merge, above that the heap.
  const std::vector<std::string> streams{"trade@TATA_INR",    "depth@TATA_INR",   "ticker@TATA_INR",
                                         "trade@INFY_INR",    "depth@INFY_INR",   "ticker@INFY_INR",
                                         "kline@TATA_INR:1m", "kline@INFY_INR:1m"};
  const std::vector<std::vector<size_t>> picks{
      {0}, {1}, {0, 1}, {0, 1, 2}, {3, 1}, {2, 3, 0, 1}, {7, 5, 3, 1, 0}, {0, 1, 2, 3, 4, 5, 6, 7}};
  auto s = shard(2ms);
  std::vector<std::shared_ptr<Recorder>> subs;
  for (const auto& pick : picks) {
    subs.push_back(std::make_shared<Recorder>());
    for (size_t k : pick)
      CAF_REQUIRE(s->subscribe(streams[k], subs.back()));
  }
  std::vector<std::vector<std::string>> want(picks.size());
  uint64_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const size_t k = (state >> 33) % streams.size();
    const std::string text = std::to_string(k) + ":" + std::to_string(i);
    api.publish(streams[k], text);
    for (size_t p = 0; p < picks.size(); ++p)
      for (size_t mine : picks[p])
        if (mine == k) want[p].push_back(text);
    if (i % 300 == 299)  // this part out before the next comes: several batches
      CAF_REQUIRE(run_until([&] { return subs[7]->all().size() == want[7].size(); }));
  }
  CAF_REQUIRE(run_until([&] {
    for (size_t p = 0; p < picks.size(); ++p)
      if (subs[p]->all().size() < want[p].size()) return false;
    return true;
  }));
  for (size_t p = 0; p < picks.size(); ++p)
    CAF_CHECK(subs[p]->all() == want[p]);
  CAF_CHECK(subs[0]->batches.size() > 1);  // more than one batch went out
}

CAF_TEST(many subscribers are written in slices and each once per batch) {
  auto s = shard(0us);
  std::vector<std::shared_ptr<Recorder>> subs;
  for (int i = 0; i < 300; ++i) {
    subs.push_back(std::make_shared<Recorder>());
    CAF_REQUIRE(s->subscribe("depth@TATA_INR", subs.back()));
  }
  api.publish("depth@TATA_INR", "d0");
  api.publish("depth@TATA_INR", "d1");
  CAF_REQUIRE(run_until([&] {
    for (const auto& r : subs)
      if (r->all().size() < 2) return false;
    return true;
  }));
  for (const auto& r : subs)
    CAF_CHECK(r->all() == (std::vector<std::string>{"d0", "d1"}));
}

CAF_TEST(events inside one window share a batch and the window bounds their wait) {
  auto s = shard(200ms);
  auto a = std::make_shared<Recorder>();
  CAF_REQUIRE(s->subscribe("trade@TATA_INR", a));
  // The first event after a quiet spell goes out at once.
  api.publish("trade@TATA_INR", "t0");
  CAF_REQUIRE(run_until([&] { return a->batches.size() == 1; }));
  // The next ones wait for the end of the window, then leave together.
  auto sent = std::chrono::steady_clock::now();
  api.publish("trade@TATA_INR", "t1");
  api.publish("trade@TATA_INR", "t2");
  api.publish("trade@TATA_INR", "t3");
  CAF_REQUIRE(run_until([&] { return a->batches.size() == 2; }));
  auto waited = std::chrono::steady_clock::now() - sent;
  CAF_CHECK(a->batches[1] == (std::vector<std::string>{"t1", "t2", "t3"}));
  CAF_CHECK(waited >= 100ms);  // held for the rest of the window (less what run_until took)
  CAF_CHECK(waited < 2s);
}

CAF_TEST(clear drops subscribers and every upstream subscription) {
  auto s = shard(0us);
  auto a = std::make_shared<Recorder>();
  CAF_REQUIRE(s->subscribe("trade@TATA_INR", a));
  CAF_REQUIRE(s->subscribe("depth@INFY_INR", a));
  s->clear();
  CAF_CHECK_EQUAL(api.subscribers("trade@TATA_INR"), 0u);
  CAF_CHECK_EQUAL(api.subscribers("depth@INFY_INR"), 0u);
  CAF_CHECK_EQUAL(s->streams(), 0u);
  CAF_CHECK_EQUAL(a.use_count(), 1);  // the shard let go of it
}

CAF_TEST_FIXTURE_SCOPE_END()
