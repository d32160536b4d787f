#define CAF_SUITE metrics
#include <caf/test/unit_test.hpp>

#include <stdexcept>
#include <thread>
#include <vector>

#include "actors/common/metrics.hpp"

using ex::Metrics;

CAF_TEST(the same name and labels give the same object) {
  Metrics m;
  auto& a = m.counter("t_requests_total", "Requests", R"(route="/x")");
  auto& b = m.counter("t_requests_total", "ignored", R"(route="/x")");
  auto& c = m.counter("t_requests_total", "Requests", R"(route="/y")");
  CAF_CHECK(&a == &b);
  CAF_CHECK(&a != &c);
  a.inc();
  b.inc(4);
  CAF_CHECK_EQUAL(a.value(), 5u);
  CAF_CHECK_EQUAL(c.value(), 0u);
}

CAF_TEST(a name has one type) {
  Metrics m;
  m.counter("t_x", "x");
  CAF_CHECK_EQUAL(m.gauge("t_y", "y").value(), 0);
  bool threw = false;
  try {
    m.gauge("t_x", "x");
  } catch (const std::logic_error&) {
    threw = true;
  }
  CAF_CHECK(threw);
}

CAF_TEST(render writes the Prometheus text format) {
  Metrics m;
  m.counter("t_orders_total", "Orders\nplaced", R"(side="buy")").inc(3);
  m.counter("t_orders_total", "Orders", R"(side="sell")").inc(2);
  auto& g = m.gauge("t_open", "Open connections");
  g.set(10);
  g.add(-3);
  auto& h = m.histogram("t_latency_seconds", "Latency", R"(route="/a")");
  h.observe(0.00004);  // first bucket
  h.observe(0.003);    // le 0.005
  h.observe(20);       // +Inf only
  std::string text = m.render();
  std::string expected =
      "# HELP t_latency_seconds Latency\n"
      "# TYPE t_latency_seconds histogram\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.00005\"} 1\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.0001\"} 1\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.00025\"} 1\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.0005\"} 1\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.001\"} 1\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.0025\"} 1\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.005\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.01\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.025\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.05\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.25\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"0.5\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"2.5\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"5\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"10\"} 2\n"
      "t_latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"
      "t_latency_seconds_sum{route=\"/a\"} 20.003040000\n"
      "t_latency_seconds_count{route=\"/a\"} 3\n"
      "# HELP t_open Open connections\n"
      "# TYPE t_open gauge\n"
      "t_open 7\n"
      "# HELP t_orders_total Orders\\nplaced\n"
      "# TYPE t_orders_total counter\n"
      "t_orders_total{side=\"buy\"} 3\n"
      "t_orders_total{side=\"sell\"} 2\n";
  CAF_CHECK_EQUAL(text, expected);
}

CAF_TEST(updates from many threads are not lost) {
  Metrics m;
  auto& c = m.counter("t_c", "c");
  auto& g = m.gauge("t_g", "g");
  auto& h = m.histogram("t_h", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        c.inc();
        g.add(1);
        h.observe(0.001);
      }
    });
  for (auto& t : threads)
    t.join();
  CAF_CHECK_EQUAL(c.value(), 400000u);
  CAF_CHECK_EQUAL(g.value(), 400000);
  CAF_CHECK_EQUAL(h.count(), 400000u);
  CAF_CHECK_EQUAL(h.cumulative(ex::Histogram::kBuckets), 400000u);
}

CAF_TEST(the global registry is one object) {
  CAF_CHECK(&Metrics::global() == &Metrics::global());
}
