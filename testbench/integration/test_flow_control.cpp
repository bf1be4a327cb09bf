// 802.3x flow control in whole runs: an 82599 port whose PCIe link (Gen1 x1) cannot take
// 10 Gb/s of 1518-byte frames. With flow control the link partner is paused instead of the
// Rx packet buffer overflowing: nothing is dropped, the water marks are the ones ixgbe
// computes, and the partner is paused for the share of time the link cannot carry
// (1 - delivered / line rate). Without it, the buffer drops (rx_buffer_full).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "testbench/support.h"

using namespace iovsim;

namespace {
std::string overload(const char* preset, unsigned gbps, bool fc) {
  return fmt::format(R"(
duration_us: 20000
device: {{preset: "{}", ports: 1, vfs_per_port: 1, link_gbps: {}, flow_control: {}}}
pcie: {{gen: 1, lanes: 1}}
host: {{rx_ring_entries: 1024, vm_memory_kb: 8192}}
port0:
  wire: {{pattern: constant, load: 1.0, frame_sizes: {{1518: 1}}, destinations: {{vf0: 1}}}}
)",
                     preset, gbps, fc);
}
}  // namespace

TEST_CASE("82599 flow control: an overloaded Rx path pauses the partner instead of dropping") {
  const auto m = test::run(overload("82599", 10, true));
  const auto& fc = m["ports"][0]["flow_control"];
  CHECK(fc["enabled"].get<bool>());
  // ixgbe_hpbthresh / ixgbe_lpbthresh for 512 KB, MTU 1500, SR-IOV: 495 KB and 10 KB
  CHECK(fc["high_water_bytes"].get<unsigned>() == 495 * 1024);
  CHECK(fc["low_water_bytes"].get<unsigned>() == 10 * 1024);
  CHECK(fc["pause_quanta"].get<unsigned>() == 0xFFFF);
  CHECK(m["ports"][0]["drops"]["rx_buffer_full"].get<std::uint64_t>() == 0);
  CHECK(m["conservation"]["dropped"].get<std::uint64_t>() == 0);
  CHECK(m["conservation"]["balanced"].get<bool>());
  // cycles of filling to the high mark and draining to the low one
  CHECK(fc["xoff_sent"].get<std::uint64_t>() >= 5);
  CHECK(fc["xon_sent"].get<std::uint64_t>() >= 4);
  CHECK(fc["xon_sent"].get<std::uint64_t>() + 1 >= fc["xoff_sent"].get<std::uint64_t>() - fc["xoff_refreshes"].get<std::uint64_t>());
  // paused for the share of time the link cannot carry: 1 - delivered / line rate of 1518 B
  const double line = 10.0 * 1518 / (1518 + 20);
  const double delivered = test::function(m, "port0.vf0")["rx_gbps"].get<double>();
  CHECK(delivered > 1.5);
  CHECK(delivered < 2.5);
  const double paused = fc["partner_paused_ns"].get<double>() / 20e6;
  CHECK(paused == Approx(1 - delivered / line).epsilon(0.05));
}

TEST_CASE("82599 without flow control: the same overload drops at the Rx packet buffer") {
  const auto m = test::run(overload("82599", 10, false));
  const auto& fc = m["ports"][0]["flow_control"];
  CHECK_FALSE(fc["enabled"].get<bool>());
  CHECK(fc["xoff_sent"].get<std::uint64_t>() == 0);
  CHECK(fc["partner_paused_ns"].get<double>() == 0);
  CHECK(m["ports"][0]["drops"]["rx_buffer_full"].get<std::uint64_t>() > 10000);
  CHECK(m["conservation"]["balanced"].get<bool>());
}

TEST_CASE("82576 flow control: igb's water marks, and no pause when the port keeps up") {
  const auto m = test::run(overload("82576", 1, true), {"pcie.lanes=4"});
  const auto& fc = m["ports"][0]["flow_control"];
  CHECK(fc["enabled"].get<bool>());
  // igb_reset: 64 KB - (1522 + 9728), 16-byte aligned; low 16 below
  CHECK(fc["high_water_bytes"].get<unsigned>() == 54272);
  CHECK(fc["low_water_bytes"].get<unsigned>() == 54256);
  CHECK(fc["xoff_sent"].get<std::uint64_t>() == 0);
  CHECK(m["conservation"]["dropped"].get<std::uint64_t>() == 0);
}
