// Latency histogram quantiles against exact order statistics.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "model/core/guest_copy.h"
#include "model/core/metrics_registry.h"
#include "model/core/stats.h"
#include "model/core/weighted_pick.h"

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
  DropCounter a(1, 2, 2), b(0, 0, 0);  // port 1 with functions 2 and 3; port 0, no functions
  a.count(Drop::NoDescriptor, 3);
  b.count(Drop::Runt, -1);
  CHECK(a.port()[static_cast<unsigned>(Drop::NoDescriptor)] == 1);
  CHECK(a.function(3)[static_cast<unsigned>(Drop::NoDescriptor)] == 1);
  CHECK(a.function(2)[static_cast<unsigned>(Drop::NoDescriptor)] == 0);
  CHECK(b.port()[static_cast<unsigned>(Drop::Runt)] == 1);
  CHECK(a.total() + b.total() == 2);
  CHECK(std::string(drop_name(Drop::NoDescriptor)) == "no_descriptor");
  // Published, the counters of one path add up and every reason is listed.
  MetricsRegistry m;
  a.publish(m);
  b.publish(m);
  DropCounter c(1, 2, 2);
  c.count(Drop::NoDescriptor, 2);
  c.publish(m);
  const nlohmann::json j = m.compose();
  CHECK(j["ports"][1]["drops"]["no_descriptor"] == 2);
  CHECK(j["ports"][1]["drops"].size() == kDropReasons);
  CHECK(j["ports"][0]["drops"]["runt"] == 1);
  CHECK(j["functions"][2]["drops"]["no_descriptor"] == 1);
  CHECK(j["functions"][3]["drops"]["no_descriptor"] == 1);
  CHECK(j["conservation"]["dropped"] == 3);
}

TEST_CASE("the registry takes rates over the traffic window and lists what it publishes") {
  MetricsRegistry m;
  std::uint64_t bytes = 1000, other = 5;
  m.counter("/ports/0/wire_rx_bytes", bytes, Unit::Bytes, "bytes");
  m.counter("/ports/0/other", other, Unit::Frames, "other");
  m.rate_gbps("/ports/0/wire_rx_gbps", "/ports/0/wire_rx_bytes", "rate");
  m.value("/ports/0/name", [] { return "p0"; }, Unit::None, "name");
  m.set_window_seconds(1e-3);
  m.mark_window_start();
  bytes += 125000;  // 1 Mbit in 1 ms: 1 Gb/s
  m.mark_window_end();
  bytes += 999;  // after the window: not in the rate
  nlohmann::json j = m.compose();
  CHECK(j["ports"][0]["wire_rx_bytes"] == 126999);
  CHECK(j["ports"][0]["wire_rx_gbps"].get<double>() == Approx(1.0));
  CHECK(j["ports"][0]["name"] == "p0");
  // A window whose end was never marked (no drain time) ends when the metrics are composed.
  MetricsRegistry n;
  std::uint64_t b2 = 0;
  n.counter("/x/bytes", b2, Unit::Bytes, "bytes");
  n.rate_gbps("/x/gbps", "/x/bytes", "rate");
  n.set_window_seconds(1e-3);
  n.mark_window_start();
  b2 = 125000;
  CHECK(n.compose()["x"]["gbps"].get<double>() == Approx(1.0));
  const auto d = m.describe();
  REQUIRE(d.size() == 4);
  CHECK(d[0].path == "/ports/*/wire_rx_bytes");
}

#include "model/host/vf_stats.h"
#include "model/regs/device_map.h"

TEST_CASE("statistics registers wrap at their width, the VF driver's view extends them as igbvf and ixgbevf do") {
  using iovsim::regs::StatRegDecl;
  using iovsim::regs::StatReg;
  const StatRegDecl p32{StatReg::RxPackets, false, 32, {}};
  const StatRegDecl lsb{StatReg::RxOctets, false, 36, {}}, msb{StatReg::RxOctets, true, 36, {}};
  CHECK(iovsim::regs::stat_register_value(p32, 0x1'2345'6789ull) == 0x2345'6789u);
  const std::uint64_t octets = 0x3'F'8765'4321ull;  // beyond 36 bits: bit 36 and up dropped
  CHECK(iovsim::regs::stat_register_value(lsb, octets) == 0x8765'4321u);
  CHECK(iovsim::regs::stat_register_value(msb, octets) == 0xFu);

  iovsim::VfCounter c;
  c.update(0xFFFF'FF00u, 32);  // the base: the count the driver starts from
  CHECK(c.since_start() == 0);
  c.update(0xFFFF'FFF0u, 32);
  CHECK(c.since_start() == 0xF0);
  c.update(0x10u, 32);  // wrapped between two reads
  CHECK(c.since_start() == 0x110);
  c.update(0x20u, 32);
  CHECK(c.since_start() == 0x120);
  iovsim::VfCounter o;
  o.update(0, 36);
  o.update(0xF'FFFF'FFF0ull, 36);
  o.update(0x8ull, 36);  // a 36-bit wrap: 2^36 is added, not 2^32
  CHECK(o.since_start() == (1ull << 36) + 8);
}

#include "model/core/flow_control.h"

TEST_CASE("flow control: XOFF at the high mark reaches the partner a slot later, XON when the buffer drains below the low mark") {
  using iovsim::ps_t;
  iovsim::FlowControl fc(10e9);
  iovsim::regs::FlowControlCfg c;
  c.tx_pause = c.xon = true;
  c.high = 10000, c.low = 2000, c.pause_quanta = 0xFFFF, c.refresh_quanta = 0;
  fc.configure(c);
  const ps_t slot = iovsim::serialization_ps(64 + 20, 10e9);  // the pause frame's wire slot
  ps_t below_low = 50'000'000;  // the buffer will be below the low mark then
  auto drained = [&below_low](unsigned) { return below_low; };
  fc.on_rx(1'000'000, 9999, drained);  // below the high mark: nothing
  CHECK(fc.may_start(1'000'100) == 1'000'100);
  fc.on_rx(2'000'000, 10000, drained);  // reaches it: XOFF
  CHECK(fc.stats(0).xoff == 1);
  CHECK(fc.may_start(2'000'000 + slot - 1) == 2'000'000 + slot - 1);  // under way before the XOFF arrived
  CHECK(fc.may_start(2'000'000 + slot) == below_low + slot);           // held until the XON arrives
  // a frame that arrived meanwhile (it was on the wire) moves the XON later
  below_low = 60'000'000;
  fc.on_rx(2'100'000, 11000, drained);
  CHECK(fc.stats(0).xoff == 1);
  CHECK(fc.may_start(3'000'000) == below_low + slot);
  CHECK(fc.may_start(below_low + slot) == below_low + slot);  // the pause is over: XON counted
  CHECK(fc.stats(0).xon == 1);
  // without XON and refresh the pause runs out after FCTTV quanta of 512 bit times
  c.xon = false;
  fc.configure(c);
  fc.on_rx(100'000'000, 12000, drained);
  const ps_t quanta = 0xFFFF * iovsim::serialization_ps(64, 10e9);
  CHECK(fc.may_start(100'000'000 + slot) == 100'000'000 + slot + quanta);
  CHECK(fc.stats(0).xoff == 2);
  CHECK(fc.stats(0).xon == 1);
  // off (after that pause, which the partner had already been told): never pauses
  c.tx_pause = false;
  fc.configure(c);
  fc.on_rx(5'000'000'000, 1'000'000, drained);
  CHECK(fc.may_start(5'000'000'001) == 5'000'000'001);
  CHECK(fc.stats(0).xoff == 2);
}

// The wire source's weighted draws (sizes, destinations) against std::discrete_distribution,
// the reference: the same generator state must give the same index, for any weights.
TEST_CASE("randomized: a weighted pick draws what std::discrete_distribution draws") {
  std::mt19937_64 gen(2026);
  std::uniform_int_distribution<unsigned> count(0, 200), kind(0, 5);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uint64_t draws = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<double> w(round < 8 ? static_cast<unsigned>(round) : count(gen));
    const unsigned k = kind(gen);
    for (double& x : w) {
      switch (k) {
        case 0: x = 1; break;                                  // equal weights (vfs: 1)
        case 1: x = unit(gen) < 0.3 ? 0 : unit(gen); break;    // some zero
        case 2: x = std::pow(10.0, 12 * unit(gen) - 6); break; // twelve decades apart
        case 3: x = unit(gen) < 0.95 ? 1e-9 : 1; break;        // a few dominate
        default: x = unit(gen); break;
      }
    }
    if (!w.empty() && std::accumulate(w.begin(), w.end(), 0.0) == 0) w.back() = 1;
    std::discrete_distribution<unsigned> ref(w.begin(), w.end());
    const WeightedPick pick(w);
    REQUIRE(pick.probabilities() == ref.probabilities());
    std::mt19937_64 a(gen()), b = a;
    for (int i = 0; i < 2000; ++i, ++draws) {
      const unsigned want = ref(a), got = pick(b);
      if (want != got) FAIL("round " << round << " (" << w.size() << " weights, kind " << k << ") draw " << i
                                     << ": " << got << ", std::discrete_distribution " << want);
    }
    REQUIRE(a == b);  // the same generator state after: one draw each
  }
  CHECK(draws == 600000);
}

TEST_CASE("a DMA write into guest memory stores exactly the bytes memcpy would, whatever its alignment") {
  // guest_store streams the middle of a long copy past the cache: every byte of the range, at
  // every offset from a cache line and every length around the thresholds, and none outside.
  std::mt19937_64 rng(11);
  std::vector<std::uint8_t> src(10000), got(10256), want(10256);
  for (auto& b : src) b = static_cast<std::uint8_t>(rng());
  std::vector<unsigned> lens = {1, 15, 16, 63, 64, 65, 255, 256, 447, 448, 511, 512, 513, 575, 576, 1024, 1514, 2048, 9018, 9999};
  for (int i = 0; i < 300; ++i) lens.push_back(1 + static_cast<unsigned>(rng() % 9999));
  for (const unsigned len : lens)
    for (const unsigned off : {0u, 1u, 8u, 16u, 31u, 63u, 64u, 100u, 127u})
      for (const unsigned tail : {0u, 12u, 16u, 200u}) {
        std::fill(got.begin(), got.end(), 0xA5);
        std::fill(want.begin(), want.end(), 0xA5);
        // got.data() is at least 16-byte aligned; 64 + off covers every position in a line
        std::memcpy(want.data() + 64 + off, src.data(), len);
        guest_store(got.data() + 64 + off, src.data(), len, tail);
        INFO("len " << len << " offset " << off << " keep_tail " << tail);
        REQUIRE(got == want);
      }
}
