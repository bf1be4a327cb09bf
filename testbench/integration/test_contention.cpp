// scenarios/contention.yaml (Figure 4 of the VT-c brief): with the 82576's per-VF throttling on
// the flooding backup and web VFs, management and iSCSI keep the bandwidth they offer and
// management's and iSCSI's Tx latency, median and p99, stay under the bound docs/validation.md
// derives (kBound); without it, iSCSI loses bandwidth to round robin and management's frames
// queue behind a full Tx packet buffer of flood frames, far above the bound.
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

TEST_CASE("contention with hardware QoS: management and iSCSI keep their bandwidth and their p99 under the bound") {
  const auto m = contention(true);
  CHECK(tx_mbps(m, "port0.vf0") == Approx(10).epsilon(0.02));   // management
  CHECK(tx_mbps(m, "port0.vf3") == Approx(400).epsilon(0.02));  // iSCSI
  CHECK(tx_mbps(m, "port0.vf2") == Approx(150).epsilon(0.02));  // NFS
  CHECK(tx_mbps(m, "port0.vf1") == Approx(150).epsilon(0.02));  // backup, throttled
  CHECK(tx_mbps(m, "port0.vf4") == Approx(150).epsilon(0.02));  // web, throttled
  CHECK(tx_latency(m, "port0.vf0", "p50") < kBoundNs);
  CHECK(tx_latency(m, "port0.vf3", "p50") < kBoundNs);
  CHECK(tx_latency(m, "port0.vf0", "p99") < kBoundNs);
  CHECK(tx_latency(m, "port0.vf3", "p99") < kBoundNs);
  CHECK(m["conservation"]["balanced"].get<bool>());
}

TEST_CASE("contention without hardware QoS: iSCSI loses bandwidth, management's latency leaves the bound") {
  const auto m = contention(false);
  CHECK(tx_mbps(m, "port0.vf0") == Approx(10).epsilon(0.05));  // management is light: round robin still serves it
  CHECK(tx_mbps(m, "port0.vf3") < 0.9 * 400);                  // iSCSI: about a quarter of what is left
  CHECK(tx_latency(m, "port0.vf0", "p50") > 3 * kBoundNs);     // behind a full 40 KB Tx packet buffer
  CHECK(tx_latency(m, "port0.vf3", "p99") > 3 * kBoundNs);
  CHECK(m["conservation"]["balanced"].get<bool>());
}

// scenarios/contention-dcb.yaml: the same Figure 4 on the 82599 with DCB. The p99 bound
// (docs/validation.md): a link-strict class waits for lower classes only for the frame on the
// wire when it gets there (the packet plane does not preempt: one 1518-byte slot, 12.3 us at
// 1 Gb/s), and at the descriptor plane for nothing; an ETS class waits in addition for one
// round of the other non-strict classes' refills (ixgbe's credits, computed here) and their
// last frames. What the path costs without contention is the same run without the floods
// (its maximum, measured in a child process: the link partner's Rx traffic alone gives the
// Tx path a tail).
namespace {
const char* const kNoDcb[] = {"device.dcb.tcs=0", "device.dcb.tc0.bandwidth_percent=0",
                              "device.dcb.tc1.bandwidth_percent=0", "device.dcb.tc2.bandwidth_percent=0",
                              "device.dcb.tc3.strict=false", "port0.vf0.qos.tc=0", "port0.vf2.qos.tc=0",
                              "port0.vf3.qos.tc=0"};
std::string dcb_yaml() { return read_text_file(IOVSIM_SOURCE_DIR "/scenarios/contention-dcb.yaml"); }
constexpr double kSlotNs = (1518 + 20) * 8.0;  // one largest frame on the wire at 1 Gb/s
// One refill round of classes 0 (35 %) and 1 (20 %), ixgbe_dcb_calculate_tc_credits: min_credit
// (1522 / 2 + 63) / 64 = 12, multiplier 12 / 20 + 1 = 1, refills 35 and 20 credits of 64 bytes,
// and each class's last frame past its credit.
constexpr double kRoundNs = ((35 + 20) * 64 + 2 * (1518 + 20)) * 8.0;
}  // namespace

TEST_CASE("contention with DCB (82599): management and iSCSI keep their bandwidth and their p99 under the bound") {
  const auto quiet = test::run_in_child(dcb_yaml(), {"port0.vf1.tx.load_mbps=0", "port0.vf4.tx.load_mbps=0"});
  const auto m = test::run(dcb_yaml());
  CHECK(tx_mbps(m, "port0.vf0") == Approx(10).epsilon(0.02));   // management, link strict
  CHECK(tx_mbps(m, "port0.vf3") == Approx(400).epsilon(0.02));  // iSCSI, 45 %
  CHECK(tx_mbps(m, "port0.vf2") == Approx(150).epsilon(0.02));  // NFS, 20 %
  const double mgmt_bound = tx_latency(quiet, "port0.vf0", "max") + kSlotNs;
  const double iscsi_bound = tx_latency(quiet, "port0.vf3", "max") + kSlotNs + kRoundNs;
  INFO("management bound " << mgmt_bound << " ns, iSCSI bound " << iscsi_bound << " ns");
  CHECK(tx_latency(m, "port0.vf0", "p99") < mgmt_bound);
  CHECK(tx_latency(m, "port0.vf3", "p99") < iscsi_bound);
  // the floods share what is left
  CHECK(tx_mbps(m, "port0.vf1") + tx_mbps(m, "port0.vf4") > 400);
  CHECK(m["conservation"]["balanced"].get<bool>());
}

TEST_CASE("contention without DCB (82599): iSCSI loses bandwidth, management's p99 leaves the bound") {
  const std::vector<std::string> off(std::begin(kNoDcb), std::end(kNoDcb));
  std::vector<std::string> quiet_sets = off;
  quiet_sets.push_back("port0.vf1.tx.load_mbps=0");
  quiet_sets.push_back("port0.vf4.tx.load_mbps=0");
  const auto quiet = test::run_in_child(dcb_yaml(), quiet_sets);
  const auto m = test::run(dcb_yaml(), off);
  CHECK(tx_mbps(m, "port0.vf3") < 0.9 * 400);
  CHECK(tx_latency(m, "port0.vf0", "p99") > 3 * (tx_latency(quiet, "port0.vf0", "max") + kSlotNs));
  CHECK(tx_latency(m, "port0.vf3", "p99") > 3 * (tx_latency(quiet, "port0.vf3", "max") + kSlotNs + kRoundNs));
  CHECK(m["conservation"]["balanced"].get<bool>());
}
