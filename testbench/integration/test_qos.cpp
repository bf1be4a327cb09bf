// Tx arbitration in whole runs: VFs flooding a port whose wire is the bottleneck get the
// shares their weights give (WRR in frames, DWRR in bytes, with each VF its own frame size),
// strict priority serves the top class fully and starves the lowest while a middle class is
// backlogged, and the keys are checked. Expected shares are computed here from the weights.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "testbench/support.h"

using namespace iovsim;

namespace {
struct Vf {
  unsigned frame;
  double load_mbps;
  std::string qos;  // the function's qos section, e.g. "weight: 3"
  double rate_limit_mbps = 0;
};
// One 82576 port at 1 Gb/s, no Rx traffic, the VFs sending to the wire for 20 ms, no drain.
// A flooding VF offers 20 times the line rate, so its ring is full within the first
// 100 us and the arbiter decides every frame (at 1x, the rings would take milliseconds to
// fill and the Tx packet buffer would take whatever comes first).
constexpr double kFlood = 20000;
std::string flood(const char* arbiter, const std::vector<Vf>& vfs) {
  std::string s = fmt::format(R"(
duration_us: 20000
drain_us: 0
device: {{preset: "82576", ports: 1, vfs_per_port: {}, link_gbps: 1, tx_arbiter: {}}}
host: {{poll_interval_us: 10, tx_ring_entries: 512}}
port0:
  wire: {{pattern: off}}
)",
                              vfs.size(), arbiter);
  for (unsigned v = 0; v < vfs.size(); ++v)
    s += fmt::format("  vf{}: {{rate_limit_mbps: {}, qos: {{{}}}, tx: {{load_mbps: {}, frame_bytes: {}}}}}\n",
                     v, vfs[v].rate_limit_mbps, vfs[v].qos, vfs[v].load_mbps, vfs[v].frame);
  return s;
}
double tx(const nlohmann::json& m, unsigned vf, const char* what) {
  return test::function(m, fmt::format("port0.vf{}", vf))[what].get<double>();
}

const std::vector<Vf> kMixed{{64, kFlood, "weight: 1"}, {594, kFlood, "weight: 2"},
                             {1518, kFlood, "weight: 3"}, {1024, kFlood, "weight: 4"}};

void check_shares(const nlohmann::json& m, const char* what) {
  double total = 0;
  for (unsigned v = 0; v < 4; ++v) total += tx(m, v, what);
  for (unsigned v = 0; v < 4; ++v) {
    CAPTURE(v, what);
    CHECK(tx(m, v, what) / total == Approx((v + 1) / 10.0).epsilon(0.01));  // w = 1, 2, 3, 4
  }
  CHECK(m["ports"][0]["wire_tx_gbps"].get<double>() > 0.95);  // the wire stays busy
  CHECK(m["conservation"]["balanced"].get<bool>());
}
}  // namespace

TEST_CASE("WRR: backlogged VFs with mixed frame sizes get frame shares w_i / sum(w) within 1 %") {
  check_shares(test::run(flood("wrr", kMixed)), "tx_frames");
}

TEST_CASE("DWRR: backlogged VFs with mixed frame sizes get byte shares w_i / sum(w) within 1 %") {
  check_shares(test::run(flood("dwrr", kMixed)), "tx_bytes");
}

TEST_CASE("round robin (the parts' arbitration) gives backlogged VFs equal frame counts whatever their sizes") {
  const auto m = test::run(flood("rr", {{64, kFlood, ""}, {594, kFlood, ""}, {1518, kFlood, ""}, {1024, kFlood, ""}}));
  double frames = 0;
  for (unsigned v = 0; v < 4; ++v) frames += tx(m, v, "tx_frames");
  for (unsigned v = 0; v < 4; ++v) CHECK(tx(m, v, "tx_frames") / frames == Approx(0.25).epsilon(0.01));
}

namespace {
// vf0 (level 0) offers 300 Mb/s, vf1 (level 1) and vf2 (level 2) flood.
std::vector<Vf> strict_vfs() {
  return {{512, 300, "priority: 0"}, {512, kFlood, "priority: 1"}, {512, kFlood, "priority: 2"}};
}
}  // namespace

// The Tx figures of a function count frames when their data is read; at the end of the run
// up to a Tx packet buffer's worth (40 KB on the 82576, 0.016 Gb/s over 20 ms) has not reached
// the wire yet: comparisons with the wire's rate allow for that.
TEST_CASE("strict priority: the top class gets all it offers, the lowest starves while the middle is backlogged") {
  const auto m = test::run(flood("strict", strict_vfs()));
  CHECK(tx(m, 0, "tx_gbps") * 1e3 == Approx(300).epsilon(0.01));
  // vf2 sends only before vf1's first doorbell: what the empty packet buffer takes at the
  // start (at most 40 KB / 512 B = 80 frames), nothing after
  CHECK(tx(m, 2, "tx_frames") <= 80);
  const double wire = m["ports"][0]["wire_tx_gbps"].get<double>();
  CHECK(wire > 0.95);
  CHECK(tx(m, 1, "tx_gbps") == Approx(wire - tx(m, 0, "tx_gbps")).epsilon(0.03));
}

TEST_CASE("strict priority: a rate-limited middle class leaves the rest to the lowest, the top untouched") {
  std::vector<Vf> vfs = strict_vfs();
  vfs[1].rate_limit_mbps = 200;
  const auto m = test::run(flood("strict", vfs));
  CHECK(tx(m, 0, "tx_gbps") * 1e3 == Approx(300).epsilon(0.01));
  CHECK(tx(m, 1, "tx_gbps") * 1e3 == Approx(200).epsilon(0.01));
  const double wire = m["ports"][0]["wire_tx_gbps"].get<double>();
  CHECK(wire > 0.95);
  CHECK(tx(m, 2, "tx_gbps") == Approx(wire - 0.5).epsilon(0.04));
}

TEST_CASE("QoS keys: a weight or priority the arbiter does not use, and a quantum below the largest frame, are errors") {
  const auto error_of = test::scenario_error;
  CHECK_THAT(error_of(flood("rr", {{64, 100, "weight: 2"}})),
             Catch::Contains("port0.vf0.qos.weight") && Catch::Contains("wrr or dwrr"));
  CHECK_THAT(error_of(flood("dwrr", {{64, 100, "priority: 1"}})),
             Catch::Contains("port0.vf0.qos.priority") && Catch::Contains("strict"));
  CHECK_THAT(error_of(flood("wrr", {{64, 100, "weight: 0"}})), Catch::Contains("port0.vf0.qos.weight"));
  CHECK_THAT(error_of(flood("strict", {{64, 100, "priority: 8"}})), Catch::Contains("port0.vf0.qos.priority"));
  CHECK_THAT(error_of(flood("fair", {{64, 100, ""}})), Catch::Contains("device.tx_arbiter"));
  std::string q = flood("dwrr", {{64, 100, ""}});
  q.replace(q.find("tx_arbiter: dwrr"), 16, "tx_arbiter: dwrr, dwrr_quantum_bytes: 1000");
  CHECK_THAT(error_of(q), Catch::Contains("device.dwrr_quantum_bytes") && Catch::Contains("1522"));
}

namespace {
// vf0 joins a multicast group; the link partner sends it unicast, the group and broadcast; vf1
// sends to the wire. The drain is longer than the drivers' statistics period, so their last
// read comes after the last frame.
std::string monitored(const char* preset, unsigned gbps) {
  return fmt::format(R"(
duration_us: 3000
drain_us: 1500
device: {{preset: "{}", ports: 1, vfs_per_port: 2, link_gbps: {}}}
host: {{watchdog_us: 500}}
port0:
  wire: {{pattern: poisson, load: 0.3, frame_sizes: {{64: 1, 1518: 1}},
          destinations: {{vf0: 2, "01:00:5e:00:00:07": 1, broadcast: 1}}}}
  vf0: {{multicast: "01:00:5e:00:00:07"}}
  vf1: {{tx: {{load_mbps: 100, frame_bytes: 700}}}}
)",
                     preset, gbps);
}
void check_monitoring(const nlohmann::json& m) {
  // test::run has compared every register with the model's counts; here the drivers' view
  for (const char* vf : {"port0.vf0", "port0.vf1"}) {
    const auto& f = test::function(m, vf);
    CAPTURE(vf);
    const auto& d = f["driver_stats"];
    CHECK(d["reads"].get<std::uint64_t>() >= 8);
    CHECK(d["rx_packets"] == f["rx_frames"]);
    CHECK(d["rx_octets"] == f["rx_bytes"]);
    CHECK(d["rx_multicast"] == f["rx_multicast_frames"]);
    CHECK(d["tx_packets"] == f["tx_frames"]);
    CHECK(d["tx_octets"] == f["tx_bytes"]);
  }
  const auto& v0 = test::function(m, "port0.vf0");
  // a quarter of the wire's frames are for the group: multicast, not broadcast
  CHECK(v0["rx_multicast_frames"].get<double>() > 0.2 * v0["rx_frames"].get<double>());
  CHECK(v0["rx_multicast_frames"].get<double>() < 0.45 * v0["rx_frames"].get<double>());
  CHECK(test::function(m, "port0.vf1")["tx_frames"].get<std::uint64_t>() > 0);
}
}  // namespace

TEST_CASE("82576: VFGPRC ... agree with the model, and igbvf's reading of them with the frames it got") {
  check_monitoring(test::run(monitored("82576", 1)));
}

TEST_CASE("82599: VFGPRC, the 36-bit VFGORC ... agree with the model, and ixgbevf's reading of them") {
  check_monitoring(test::run(monitored("82599", 10)));
}

TEST_CASE("time series: every Gb/s figure sampled per interval, summing to the figure") {
  auto m = test::run(flood("wrr", kMixed), {"time_series_interval_us=1000"});
  const auto& t = m["time_series"]["t_us"];
  REQUIRE(t.size() == 20);
  CHECK(t[0].get<double>() == Approx(1000));
  CHECK(t[19].get<double>() == Approx(20000));
  for (unsigned v = 0; v < 4; ++v) {
    const auto& f = test::function(m, fmt::format("port0.vf{}", v));
    const auto& series = f["tx_gbps_series"];
    REQUIRE(series.size() == 20);
    double mean = 0;
    for (const auto& x : series) mean += x.get<double>() / 20;
    CHECK(mean == Approx(f["tx_gbps"].get<double>()).epsilon(1e-9));
    // steady after the first millisecond: each interval within 10 % of the window's rate
    for (unsigned k = 1; k < 20; ++k) CHECK(series[k].get<double>() == Approx(f["tx_gbps"].get<double>()).epsilon(0.1));
  }
  bool queue_series = false;
  for (const auto& q : m["queues"]) queue_series |= q.contains("tx_gbps_series") && q["tx_gbps_series"].size() == 20;
  CHECK(queue_series);
  CHECK(m["ports"][0]["wire_tx_gbps_series"].size() == 20);
}

TEST_CASE("time series: an interval below ten quanta or one that would take too much memory is an error") {
  CHECK_THROWS_WITH(test::scenario(flood("rr", {{64, 100, ""}}), {"time_series_interval_us=50"}),
                    Catch::Contains("time_series_interval_us") && Catch::Contains("10 x quantum_ns"));
  CHECK_THROWS_WITH(test::scenario(flood("rr", {{64, 100, ""}}),
                                   {"time_series_interval_us=50", "duration_us=1e8", "quantum_ns=1"}),
                    Catch::Contains("time_series_interval_us") && Catch::Contains("samples"));
}
