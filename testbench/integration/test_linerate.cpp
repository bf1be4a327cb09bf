// The MAC paces frames at line rate: preamble + SFD + frame (incl. FCS) + IFG per frame.
// Expected rates are worked out here from the Ethernet framing, not taken from the model.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "testbench/support.h"

using namespace iovsim;

namespace {
void check_line_rate(unsigned size, double gbps, double duration_us) {
  auto m = test::run(fmt::format(R"(
duration_us: {}
drain_us: 0
device: {{ports: 1, vfs_per_port: 2, link_gbps: {}, max_frame_bytes: 1522}}
pcie: {{gen: 3, lanes: 8}}
port0: {{wire: {{pattern: constant, load: 1.0, frame_sizes: {{{}: 1}}, destinations: {{vfs: 1}}}}}}
)",
                                 duration_us, gbps, size));
  const double bits_per_frame = (size + 8.0 + 12.0) * 8.0;
  const double expected_fps = gbps * 1e9 / bits_per_frame;
  const double measured_fps = test::u64(m["ports"][0], "wire_rx_frames") / (duration_us / 1e6);
  INFO(fmt::format("{} B at {} Gb/s: expected {:.1f} frames/s, measured {:.1f}", size, gbps,
                   expected_fps, measured_fps));
  CHECK(measured_fps == Approx(expected_fps).epsilon(0.005));
}
}  // namespace

TEST_CASE("64-byte frames at 1 Gb/s arrive at 1,488,095 frames/s") { check_line_rate(64, 1, 2000); }
TEST_CASE("1518-byte frames at 1 Gb/s arrive at 81,274 frames/s") { check_line_rate(1518, 1, 30000); }
TEST_CASE("64-byte frames at 10 Gb/s arrive at 14,880,952 frames/s") { check_line_rate(64, 10, 1000); }
TEST_CASE("1518-byte frames at 10 Gb/s arrive at 812,743 frames/s") { check_line_rate(1518, 10, 3000); }

TEST_CASE("runts, giants and bad FCS are dropped and counted by the MAC") {
  auto m = test::run(R"(
duration_us: 2000
device: {ports: 1, vfs_per_port: 1, max_frame_bytes: 1522}
port0: {wire: {pattern: constant, load: 0.5, frame_sizes: {60: 1, 64: 1, 2000: 1},
               destinations: {vf0: 1}, fcs_error_rate: 0.1}}
)");
  const auto& d = m["ports"][0]["drops"];
  const auto rx = test::u64(m["ports"][0], "wire_rx_frames");
  CHECK(test::u64(d, "runt") > rx / 4);
  CHECK(test::u64(d, "giant") > rx / 4);
  CHECK(test::u64(d, "fcs_error") > 0);
  CHECK(test::u64(d, "fcs_error") < rx / 3 / 5);  // 10 % of the one third that is well sized
  CHECK(m["conservation"]["balanced"].get<bool>());
}
