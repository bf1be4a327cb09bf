// Rx steering through the real register interface: the PF driver programs RAL/RAH with pool
// select bits, VMOLR and VT_CTL; the sorter core decides; the VF drivers find the frames.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "model/host/driver.h"
#include "model/host/host_memory.h"
#include "model/pcie/endpoint.h"
#include "testbench/support.h"

using namespace iovsim;

TEST_CASE("unicast reaches exactly the VF whose MAC it carries") {
  auto m = test::run(R"(
duration_us: 3000
device: {ports: 1, vfs_per_port: 7}
port0: {wire: {pattern: poisson, load: 0.5, frame_sizes: {64: 1, 1518: 1},
               destinations: {vf1: 1, vf4: 3, vf6: 2}}}
)");
  const std::uint64_t before_filters = test::u64(m["ports"][0]["drops"], "no_pool");
  const std::uint64_t wire = test::u64(m["ports"][0], "wire_rx_frames") - before_filters;
  std::uint64_t sum = 0;
  for (unsigned v = 0; v < 7; ++v) {
    const auto& f = test::function(m, fmt::format("port0.vf{}", v));
    CHECK(test::u64(f, "driver_rx_foreign_unicast") == 0);
    if (v == 1 || v == 4 || v == 6)
      CHECK(test::u64(f, "rx_frames") > wire / 10);
    else
      CHECK(test::u64(f, "rx_frames") == 0);
    sum += test::u64(f, "rx_frames");
  }
  CHECK(sum == wire);  // nothing lost, nothing duplicated
  CHECK(test::u64(test::function(m, "port0.pf"), "rx_frames") == 0);
  // vf4 gets half of the frames (weight 3 of 6), within sampling noise
  double share = static_cast<double>(test::u64(test::function(m, "port0.vf4"), "rx_frames")) / wire;
  CHECK(share == Approx(0.5).margin(0.05));
}

TEST_CASE("broadcast reaches every pool exactly once, as N deliveries of one wire frame") {
  auto m = test::run(R"(
duration_us: 2000
device: {ports: 1, vfs_per_port: 7}
port0: {wire: {pattern: constant, load: 0.3, frame_sizes: {128: 1}, destinations: {broadcast: 1}}}
)");
  const std::uint64_t accepted = test::u64(m["ports"][0], "wire_rx_frames") -
                                 test::u64(m["ports"][0]["drops"], "no_pool");
  REQUIRE(accepted > 400);  // 0.3 x 1 Gb/s of 148-byte slots for 2 ms: 506 frames
  for (unsigned v = 0; v < 7; ++v)
    CHECK(test::u64(test::function(m, fmt::format("port0.vf{}", v)), "rx_frames") == accepted);
  CHECK(test::u64(test::function(m, "port0.pf"), "rx_frames") == accepted);
  CHECK(test::u64(m["conservation"], "replicas") == 7 * accepted);
  CHECK(test::u64(m["ports"][0], "replicated_frames") == accepted);
}

namespace {
const char* kUnknownUnicast = R"(
duration_us: 1000
device: {ports: 1, vfs_per_port: 3}
port0: {wire: {pattern: constant, load: 0.2, frame_sizes: {64: 1}, destinations: {unknown: 1}}}
)";
}

TEST_CASE("unmatched unicast goes to the PF's default pool") {
  auto m = test::run(kUnknownUnicast);
  const auto& pf = test::function(m, "port0.pf");
  std::uint64_t wire = test::u64(m["ports"][0], "wire_rx_frames");
  CHECK(test::u64(pf, "rx_frames") == wire - test::u64(m["ports"][0]["drops"], "no_pool"));
  CHECK(test::u64(pf, "rx_frames") > 0);
  for (unsigned v = 0; v < 3; ++v)
    CHECK(test::u64(test::function(m, fmt::format("port0.vf{}", v)), "rx_frames") == 0);
}

TEST_CASE("unmatched unicast is dropped when configured so") {
  auto d = test::run(kUnknownUnicast, {"device.unmatched_unicast=drop"});
  CHECK(test::u64(test::function(d, "port0.pf"), "rx_frames") == 0);
  CHECK(test::u64(d["ports"][0]["drops"], "no_pool") == test::u64(d["ports"][0], "wire_rx_frames"));
}

TEST_CASE("a VF whose driver does not refill its ring drops with no_descriptor, counted") {
  auto m = test::run(R"(
duration_us: 5000
device: {ports: 1, vfs_per_port: 2}
host: {rx_ring_entries: 16, poll_interval_us: 1000}
port0:
  wire: {pattern: constant, load: 0.8, frame_sizes: {64: 1}, destinations: {vf1: 1}}
  vf1: {driver: poll}
)");
  const auto& vf = test::function(m, "port0.vf1");
  const std::uint64_t nodesc = test::u64(vf["drops"], "no_descriptor");
  CHECK(nodesc > 0);
  // each poll refills at most 15 buffers: delivered is bounded by the polls
  CHECK(test::u64(vf, "rx_frames") <= 15 * 6);
  CHECK(test::u64(vf, "rx_frames") + nodesc + test::u64(m["ports"][0]["drops"], "no_pool") ==
        test::u64(m["ports"][0], "wire_rx_frames"));
  CHECK(test::u64(m["ports"][0]["drops"], "no_descriptor") == nodesc);
  CHECK(m["conservation"]["balanced"].get<bool>());
}

TEST_CASE("VFs appear with the routing IDs lspci shows for an 82576 with max_vfs=7") {
  Scenario s = test::scenario("duration_us: 100\ndevice: {ports: 2, vfs_per_port: 7}");
  require_ps_resolution();
  System sys("sys", s);
  PcieEndpoint& ep = sys.endpoint();
  CHECK_FALSE(ep.vf_visible(0, 0));  // before the PF driver enables SR-IOV
  sc_core::sc_start(to_sc(sys.run_end()));
  CHECK(ep.vf_visible(0, 6));
  CHECK(PcieEndpoint::bdf(ep.pf_rid(0)) == "01:00.0");
  CHECK(PcieEndpoint::bdf(ep.pf_rid(1)) == "01:00.1");
  const char* pf0[] = {"01:10.0", "01:10.2", "01:10.4", "01:10.6", "01:11.0", "01:11.2", "01:11.4"};
  const char* pf1[] = {"01:10.1", "01:10.3", "01:10.5", "01:10.7", "01:11.1", "01:11.3", "01:11.5"};
  for (unsigned v = 0; v < 7; ++v) {
    CHECK(PcieEndpoint::bdf(ep.vf_rid(0, v)) == pf0[v]);
    CHECK(PcieEndpoint::bdf(ep.vf_rid(1, v)) == pf1[v]);
    // One source of routing IDs: the hypervisor gave each VF's live routing ID its domain,
    // and none is left at the offset the capability reports before ARI is set (bus 2).
    CHECK(sys.iommu().has_domain(ep.vf_rid(0, v)));
    CHECK_FALSE(sys.iommu().has_domain(static_cast<std::uint16_t>(ep.vf_rid(0, v) + 0x100)));
  }
  CHECK(ep.pf_config(0).num_vfs() == 7);
  CHECK(ep.unsupported_requests() == 0);
  CHECK(sys.driver(ep.function_index(1, 6)).mmio_errors() == 0);
}

TEST_CASE("82599: VFs appear at the routing IDs the SR-IOV capability gives, with ARI") {
  Scenario s = test::scenario(
      "duration_us: 100\ndevice: {preset: '82599', ports: 2, vfs_per_port: 40, link_gbps: 10}\n"
      "host: {rx_ring_entries: 64, tx_ring_entries: 64}");
  require_ps_resolution();
  System sys("sys", s);
  sc_core::sc_start(to_sc(sys.run_end()));
  PcieEndpoint& ep = sys.endpoint();
  CHECK(ep.pf_config(0).read(0x02, 2) == 0x10FB);
  CHECK(ep.pf_config(0).read(0x160 + pcicfg::SRIOV_VF_DID, 2) == 0x10ED);
  CHECK(ep.pf_config(0).read(0x160 + pcicfg::SRIOV_TOTAL_VF, 2) == 64);
  CHECK(PcieEndpoint::bdf(ep.vf_rid(0, 0)) == "01:10.0");
  CHECK(PcieEndpoint::bdf(ep.vf_rid(1, 0)) == "01:10.1");
  CHECK(PcieEndpoint::bdf(ep.vf_rid(0, 39)) == "01:19.6");  // 0x100 + 0x80 + 2 * 39
  CHECK(ep.unsupported_requests() == 0);
  for (unsigned v : {0u, 33u, 39u})
    CHECK(sys.driver(ep.function_index(0, static_cast<int>(v))).mmio_errors() == 0);
}

TEST_CASE("82599: unicast to VFs in both MPSAR halves and broadcast to all 41 pools") {
  auto m = test::run(R"(
duration_us: 1000
warmup_us: 6000   # 40 VFs take the PF ~0.1 ms each over the mailbox at start-up
device: {preset: "82599", ports: 1, vfs_per_port: 40, link_gbps: 10}
pcie: {gen: 2, lanes: 8}
host: {rx_ring_entries: 64, tx_ring_entries: 64}
port0: {wire: {pattern: constant, load: 0.02, frame_sizes: {128: 1},
               destinations: {vf3: 1, vf35: 1, broadcast: 1}}}
)");
  const std::uint64_t wire = test::u64(m["ports"][0], "wire_rx_frames");
  const std::uint64_t b3 = test::u64(test::function(m, "port0.vf3"), "rx_frames");
  const std::uint64_t b35 = test::u64(test::function(m, "port0.vf35"), "rx_frames");
  const std::uint64_t b0 = test::u64(test::function(m, "port0.vf0"), "rx_frames");  // bcast only
  CHECK(b0 > 0);
  CHECK(test::u64(test::function(m, "port0.pf"), "rx_frames") == b0);
  CHECK(b3 + b35 - b0 == wire);  // every frame reached its pools, nothing extra
  CHECK(test::u64(m["conservation"], "replicas") == 40 * b0);
  CHECK(test::u64(test::function(m, "port0.vf35"), "driver_rx_foreign_unicast") == 0);
  CHECK(m["conservation"]["balanced"].get<bool>());
}
