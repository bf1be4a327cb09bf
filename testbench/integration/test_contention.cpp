// scenarios/contention.yaml (Figure 4 of the VT-c brief): with the 82576's per-VF throttling on
// the flooding backup and web VFs, management and iSCSI keep the bandwidth they offer and
// management's median Tx latency stays under the bound docs/validation.md derives (kBound);
// without it, iSCSI loses bandwidth to round robin and management's frames queue behind a
// full Tx packet buffer of flood frames, far above the bound. (The p99 is not bounded with
// the throttling either: the VFs offer 88 % of the wire's time and the one FIFO Tx packet
// buffer of 40 KB fills now and then, whatever the rate limiters' catch-up window;
// docs/validation.md.)
#include <catch2/catch.hpp>

#include "model/core/scenario.h"
#include "testbench/support.h"

using namespace iovsim;

namespace {
// docs/validation.md: one frame of each other VF ahead in the Tx packet buffer (4 x 1518 B),
// the frame itself, the descriptor and data reads, a poll period of batching in the driver.
constexpr double kBoundNs = 4 * 12'304 + 1'184 + 5'000 + 10'000;

nlohmann::json contention(bool qos) {
  std::vector<std::string> sets;
  if (!qos) sets = {"port0.vf1.rate_limit_mbps=0", "port0.vf4.rate_limit_mbps=0"};
  const std::string yaml = read_text_file(IOVSIM_SOURCE_DIR "/scenarios/contention.yaml");
  return test::run(yaml, sets);
}
double tx_mbps(const nlohmann::json& m, const char* vf) { return test::function(m, vf)["tx_gbps"].get<double>() * 1e3; }
double tx_latency(const nlohmann::json& m, const char* vf, const char* q) {
  return test::function(m, vf)["tx_latency_ns"][q].get<double>();
}
}  // namespace

TEST_CASE("contention with hardware QoS: management and iSCSI keep their bandwidth and median latency") {
  const auto m = contention(true);
  CHECK(tx_mbps(m, "port0.vf0") == Approx(10).epsilon(0.02));   // management
  CHECK(tx_mbps(m, "port0.vf3") == Approx(400).epsilon(0.02));  // iSCSI
  CHECK(tx_mbps(m, "port0.vf2") == Approx(150).epsilon(0.02));  // NFS
  CHECK(tx_mbps(m, "port0.vf1") == Approx(150).epsilon(0.02));  // backup, throttled
  CHECK(tx_mbps(m, "port0.vf4") == Approx(150).epsilon(0.02));  // web, throttled
  CHECK(tx_latency(m, "port0.vf0", "p50") < kBoundNs);
  CHECK(tx_latency(m, "port0.vf3", "p50") < kBoundNs);
  // the buffer's excursions: the p99 reaches its drain time (40 KB at 1 Gb/s), no further
  CHECK(tx_latency(m, "port0.vf0", "p99") < 40960 * 8 + kBoundNs);
  CHECK(m["conservation"]["balanced"].get<bool>());
}

TEST_CASE("contention without hardware QoS: iSCSI loses bandwidth, management's latency leaves the bound") {
  const auto m = contention(false);
  CHECK(tx_mbps(m, "port0.vf0") == Approx(10).epsilon(0.05));  // management is light: round robin still serves it
  CHECK(tx_mbps(m, "port0.vf3") < 0.9 * 400);                  // iSCSI: about a quarter of what is left
  CHECK(tx_latency(m, "port0.vf0", "p50") > 3 * kBoundNs);     // behind a full 40 KB Tx packet buffer
  CHECK(m["conservation"]["balanced"].get<bool>());
}
