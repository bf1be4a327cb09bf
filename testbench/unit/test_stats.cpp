// Latency histogram quantiles against exact order statistics.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "model/core/stats.h"

using namespace iovsim;

TEST_CASE("latency histogram quantiles are within 3 % of the exact ones") {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(8.0, 1.0);  // ns, median ~3 us
  LatencyHistogram h;
  std::vector<double> xs;
  for (int i = 0; i < 20000; ++i) {
    double ns = dist(rng);
    xs.push_back(ns);
    h.record_ps(static_cast<ps_t>(ns * 1000));
  }
  std::sort(xs.begin(), xs.end());
  for (double q : {0.5, 0.9, 0.99}) {
    double exact = xs[static_cast<std::size_t>(q * (xs.size() - 1))];
    CHECK(h.quantile_ns(q) == Approx(exact).epsilon(0.03));
  }
  CHECK(h.max_ns() == Approx(xs.back()).epsilon(1e-6));
  CHECK(h.count() == xs.size());
}

TEST_CASE("small latencies are exact and an empty histogram reports zero") {
  LatencyHistogram h;
  CHECK(h.quantile_ns(0.5) == 0);
  for (int i = 0; i < 10; ++i) h.record_ps(42'000);
  CHECK(h.quantile_ns(0.5) == 42);
  CHECK(h.quantile_ns(0.99) == 42);
}

TEST_CASE("drops are counted per port, per function and in the ledger") {
  Stats s(2, 4, 8);
  s.drop(Drop::NoDescriptor, 1, 3);
  s.drop(Drop::Runt, 0, -1);
  CHECK(s.port(1).drops[static_cast<unsigned>(Drop::NoDescriptor)] == 1);
  CHECK(s.fn(3).drops[static_cast<unsigned>(Drop::NoDescriptor)] == 1);
  CHECK(s.port(0).drops[static_cast<unsigned>(Drop::Runt)] == 1);
  CHECK(s.ledger().dropped == 2);
  CHECK(std::string(drop_name(Drop::NoDescriptor)) == "no_descriptor");
}
