// Transmit: VF-to-VF loopback inside the port, and the per-VF rate limiter.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "testbench/support.h"

using namespace iovsim;

namespace {
const char* kVfToVf = R"(
duration_us: 5000
device: {ports: 1, vfs_per_port: 4}
port0:
  wire: {pattern: off}
  vf1: {tx: {load_mbps: 80, frame_bytes: 512, to: vf2}}
)";
}

TEST_CASE("a frame from a VF to another VF's MAC is switched inside the port") {
  auto m = test::run(kVfToVf);
  const auto& src = test::function(m, "port0.vf1");
  const auto& dst = test::function(m, "port0.vf2");
  const std::uint64_t sent = test::u64(src, "tx_frames");
  // 80 Mb/s of 512-byte frames for 5 ms
  CHECK(static_cast<double>(sent) == Approx(80e6 * 5e-3 / (512 * 8)).margin(2));
  CHECK(test::u64(dst, "rx_frames") == sent);
  CHECK(test::u64(dst, "rx_loopback_frames") == sent);
  CHECK(test::u64(m["ports"][0], "loopback_frames") == sent);
  CHECK(test::u64(m["ports"][0], "wire_tx_frames") == 0);
  CHECK(test::u64(dst, "driver_rx_foreign_unicast") == 0);
  for (unsigned v : {0u, 3u})
    CHECK(test::u64(test::function(m, fmt::format("port0.vf{}", v)), "rx_frames") == 0);
}

TEST_CASE("with the VEB's loopback off, VF-to-VF frames go to the wire") {
  auto off = test::run(kVfToVf, {"device.loopback=false"});
  CHECK(test::u64(test::function(off, "port0.vf2"), "rx_frames") == 0);
  CHECK(test::u64(off["ports"][0], "wire_tx_frames") ==
        test::u64(test::function(off, "port0.vf1"), "tx_frames"));
}

TEST_CASE("broadcast from a VF goes to the wire and to every other pool") {
  auto m = test::run(R"(
duration_us: 2000
device: {ports: 1, vfs_per_port: 3}
port0:
  wire: {pattern: off}
  vf0: {tx: {load_mbps: 50, frame_bytes: 256, to: broadcast}}
)");
  const std::uint64_t sent = test::u64(test::function(m, "port0.vf0"), "tx_frames");
  REQUIRE(sent > 10);
  CHECK(test::u64(m["ports"][0], "wire_tx_frames") == sent);
  CHECK(test::u64(test::function(m, "port0.vf0"), "rx_frames") == 0);  // not back to the source
  CHECK(test::u64(test::function(m, "port0.vf1"), "rx_frames") == sent);
  CHECK(test::u64(test::function(m, "port0.vf2"), "rx_frames") == sent);
  CHECK(test::u64(test::function(m, "port0.pf"), "rx_frames") == sent);
}

TEST_CASE("the rate limiter holds a backlogged VF to its configured rate within 2 %") {
  auto m = test::run(R"(
duration_us: 60000
drain_us: 0
device: {ports: 1, vfs_per_port: 3, link_gbps: 1}
host: {tx_ring_entries: 512}
port0:
  wire: {pattern: off}
  vf0: {rate_limit_mbps: 100, tx: {load_mbps: 600, frame_bytes: 1518, to: wire}}
  vf1: {rate_limit_mbps: 250, tx: {load_mbps: 600, frame_bytes: 512, to: wire}}
  vf2: {tx: {load_mbps: 100, frame_bytes: 1024, to: wire}}
)");
  const double seconds = 0.060;
  auto mbps = [&](const char* fn) {
    return test::u64(test::function(m, fn), "tx_bytes") * 8.0 / seconds / 1e6;
  };
  CHECK(mbps("port0.vf0") == Approx(100).epsilon(0.02));
  CHECK(mbps("port0.vf1") == Approx(250).epsilon(0.02));
  CHECK(mbps("port0.vf2") == Approx(100).epsilon(0.03));  // unlimited: gets what it offers
  CHECK(test::u64(test::function(m, "port0.vf0")["drops"], "tx_ring_full") > 0);
  CHECK(m["conservation"]["balanced"].get<bool>());
}
