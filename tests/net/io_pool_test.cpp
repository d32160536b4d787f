#define CAF_SUITE io_pool
#include <caf/test/unit_test.hpp>

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "net/edge_context.hpp"

using namespace ex;

namespace {

struct Fixture {
  boost::asio::io_context a, b;
  IoPool pool;
  Fixture() {
    pool.add(a);
    pool.add(b);
  }
  // A session on `ioc`: counted while it lives.
  std::shared_ptr<ThreadSlot> open_on(boost::asio::io_context& ioc) {
    return std::make_shared<ThreadSlot>(ioc);
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(io_pool_tests, Fixture)

CAF_TEST(with nothing open the threads take turns) {
  std::vector<boost::asio::io_context*> got;
  for (int i = 0; i < 4; ++i)
    got.push_back(&pool.next());
  CAF_CHECK(got[0] != got[1]);
  CAF_CHECK(got[0] == got[2]);
  CAF_CHECK(got[1] == got[3]);
}

CAF_TEST(a new connection goes to the thread with fewer open) {
  // A thousand WebSocket subscribers on a: every REST connection goes to b until b has as
  // many open.
  std::vector<std::shared_ptr<ThreadSlot>> held;
  for (int i = 0; i < 1000; ++i)
    held.push_back(open_on(a));
  CAF_CHECK_EQUAL(OpenConnections::of(a).count(), 1000);
  for (int i = 0; i < 64; ++i) {
    boost::asio::io_context& chosen = pool.next();
    CAF_CHECK(&chosen == &b);
    held.push_back(open_on(chosen));
  }
  CAF_CHECK_EQUAL(OpenConnections::of(b).count(), 64);
}

CAF_TEST(connections count only while their sessions hold them) {
  auto first = open_on(b);
  auto second = open_on(b);
  CAF_CHECK(&pool.next() == &a);
  first.reset();
  second.reset();
  CAF_CHECK_EQUAL(OpenConnections::of(b).count(), 0);
  // Even again: turns resume.
  boost::asio::io_context* x = &pool.next();
  boost::asio::io_context* y = &pool.next();
  CAF_CHECK(x != y);
}

CAF_TEST(a slot may outlive its io_context) {
  std::shared_ptr<ThreadSlot> slot;
  int counted = 0;
  {
    boost::asio::io_context gone;
    slot = open_on(gone);
    counted = OpenConnections::of(gone).count();
  }
  CAF_CHECK_EQUAL(counted, 1);
  slot.reset();  // a session let go after its thread's context: no use after free (ASan)
}

CAF_TEST_FIXTURE_SCOPE_END()
