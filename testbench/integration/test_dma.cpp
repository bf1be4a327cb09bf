// The DMA engines and the PCIe link in whole runs: Tx at line rate, the rate limiters as the
// drivers program them, two 10 Gb/s ports against the link's bandwidth, Bus Master Enable,
// Tx head write-back, and the rates with no drain time. Expected values are computed here
// from Ethernet framing and PCIe arithmetic.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "testbench/support.h"

using namespace iovsim;

namespace {
// 7 VFs offering more than the port can send, of one frame size, for 10 ms.
std::string tx_flood(const char* preset, unsigned gbps, unsigned frame) {
  std::string s = fmt::format(R"(
duration_us: 10000
device: {{preset: "{}", ports: 1, vfs_per_port: 7, link_gbps: {}}}
host: {{poll_interval_us: 10, tx_ring_entries: 512}}
port0:
  wire: {{pattern: off}}
)",
                              preset, gbps);
  for (unsigned v = 0; v < 7; ++v)
    s += fmt::format("  vf{}: {{tx: {{load_mbps: {}, frame_bytes: {}}}}}\n", v, gbps * 300, frame);
  return s;
}
// Frames per second the wire carries at line rate: size + 8 preamble/SFD + 12 IFG.
double line_rate(double gbps, unsigned frame) { return gbps * 1e9 / ((frame + 20) * 8.0); }
double wire_tx_fps(const nlohmann::json& m, unsigned frame) {
  return m["ports"][0]["wire_tx_gbps"].get<double>() * 1e9 / (frame * 8.0);
}
}  // namespace

TEST_CASE("82576: 7 VFs send 64 B to the wire at 99.5 % of line rate or more") {
  auto m = test::run(tx_flood("82576", 1, 64));
  CHECK(wire_tx_fps(m, 64) >= 0.995 * line_rate(1, 64));  // 1 488 095 frames/s
  CHECK(wire_tx_fps(m, 64) <= 1.001 * line_rate(1, 64));
  CHECK(m["conservation"]["balanced"].get<bool>());
}

TEST_CASE("82576: 7 VFs send 1518 B to the wire at 99.5 % of line rate or more") {
  auto m = test::run(tx_flood("82576", 1, 1518));
  CHECK(wire_tx_fps(m, 1518) >= 0.995 * line_rate(1, 1518));  // 81 274 frames/s
  CHECK(wire_tx_fps(m, 1518) <= 1.001 * line_rate(1, 1518));
}

TEST_CASE("82599: 7 VFs send 64 B to the wire at 99.5 % of line rate or more") {
  auto m = test::run(tx_flood("82599", 10, 64));
  CHECK(wire_tx_fps(m, 64) >= 0.995 * line_rate(10, 64));  // 14 880 952 frames/s
  CHECK(wire_tx_fps(m, 64) <= 1.001 * line_rate(10, 64));
  // the wire, not the descriptors, is the limit: reads wait for packet-buffer room
  const auto& tx = m["ports"][0]["tx_dma"];
  CHECK(tx["packet_buffer_wait_ns"].get<double>() > 10 * tx["descriptor_wait_ns"].get<double>());
  CHECK(m["conservation"]["balanced"].get<bool>());
}

TEST_CASE("82599: 7 VFs send 1518 B to the wire at 99.5 % of line rate or more") {
  auto m = test::run(tx_flood("82599", 10, 1518));
  CHECK(wire_tx_fps(m, 1518) >= 0.995 * line_rate(10, 1518));  // 812 744 frames/s
  CHECK(wire_tx_fps(m, 1518) <= 1.001 * line_rate(10, 1518));
}

namespace {
// VFs with rate limits (Mb/s) offering twice as much, 10 ms, no drain: *_gbps over the window.
std::string limited(const char* preset, unsigned gbps, const std::vector<std::pair<double, unsigned>>& vfs) {
  std::string s = fmt::format(R"(
duration_us: 10000
drain_us: 0
device: {{preset: "{}", ports: 1, vfs_per_port: {}, link_gbps: {}}}
host: {{poll_interval_us: 10, tx_ring_entries: 512}}
port0:
  wire: {{pattern: off}}
)",
                              preset, vfs.size(), gbps);
  for (unsigned v = 0; v < vfs.size(); ++v)
    s += fmt::format("  vf{}: {{rate_limit_mbps: {}, tx: {{load_mbps: {}, frame_bytes: {}}}}}\n", v,
                     vfs[v].first, 2 * vfs[v].first, vfs[v].second);
  return s;
}
void check_rates(const nlohmann::json& m, const std::vector<std::pair<double, unsigned>>& vfs) {
  for (unsigned v = 0; v < vfs.size(); ++v) {
    CAPTURE(v, vfs[v].first);
    const double mbps = test::function(m, fmt::format("port0.vf{}", v))["tx_gbps"].get<double>() * 1e3;
    CHECK(mbps == Approx(vfs[v].first).epsilon(0.01));
  }
}
}  // namespace

TEST_CASE("82576 rate limiters hold 10, 100 and 250 Mb/s within 1 % over 10 ms") {
  const std::vector<std::pair<double, unsigned>> vfs{{10, 64}, {100, 64}, {250, 64}};
  check_rates(test::run(limited("82576", 1, vfs)), vfs);
}

TEST_CASE("an 82576 rate limiter holds 900 Mb/s within 1 % over 10 ms") {
  const std::vector<std::pair<double, unsigned>> vfs{{900, 1518}};
  check_rates(test::run(limited("82576", 1, vfs)), vfs);
}

TEST_CASE("82599 rate limiters hold 1 and 2.5 Gb/s within 1 % over 10 ms") {
  const std::vector<std::pair<double, unsigned>> vfs{{1000, 512}, {2500, 512}};
  check_rates(test::run(limited("82599", 10, vfs)), vfs);
}

TEST_CASE("an 82599 rate limiter holds 9 Gb/s within 1 % over 10 ms") {
  const std::vector<std::pair<double, unsigned>> vfs{{9000, 1518}};
  check_rates(test::run(limited("82599", 10, vfs)), vfs);
}

TEST_CASE("two 82599 ports of 64 B on Gen2 x8: the link's bandwidth sets the delivered rate") {
  // Buffers above 4 GB (4 DW headers, as pcie-bench assumes), a 64 KB packet buffer per port.
  auto m = test::run(R"(
duration_us: 10000
drain_us: 0
device: {preset: "82599", ports: 2, vfs_per_port: 7, link_gbps: 10, rx_packet_buffer_kb: 64}
host: {poll_interval_us: 10, rx_ring_entries: 512, iova_base_gb: 8}
port0:
  wire: {pattern: constant, load: 1.0, frame_sizes: {64: 1}, destinations: {vfs: 1}}
port1:
  wire: {pattern: constant, load: 1.0, frame_sizes: {64: 1}, destinations: {vfs: 1}}
)");
  const auto& up = m["pcie"]["upstream"];
  const double frames = static_cast<double>(m["conservation"]["delivered_host"].get<std::uint64_t>());
  const double fetches = m["ports"][0]["rx_dma"]["descriptor_fetches"].get<double>() +
                         m["ports"][1]["rx_dma"]["descriptor_fetches"].get<double>();
  const double mmio_up = up["tlp_bytes_by_kind"]["mmio"].get<double>();
  // Upstream bytes per frame: its 60 bytes in one write (24 B of header and framing), the
  // write-back (16 + 24), a share of the descriptor read requests (24 each) and of the
  // register-read completions. Gen2 x8 at MPS 256 leaves 1 - 16/158 - 4/1538 to TLPs.
  const double bytes = 84 + 40 + 24 * fetches / frames + mmio_up / frames;
  const double tlp_bytes_per_s = 32e9 / 8 * (1 - 16.0 / 158 - 4.0 / 1538);
  const double allowed = tlp_bytes_per_s / bytes;  // about 28.6 M frames/s
  const double delivered = frames / 0.010;
  CHECK(delivered == Approx(allowed).epsilon(0.02));
  CHECK(delivered < 0.98 * 2 * line_rate(10, 64));  // fewer than the two ports bring
  for (const auto& p : m["ports"]) {
    CHECK(test::u64(p["drops"], "rx_buffer_full") > 0);
    CHECK(test::u64(p["drops"], "no_descriptor") == 0);
    // descriptor latency costs next to nothing; frames wait behind the link
    CHECK(p["rx_dma"]["descriptor_wait_ns"].get<double>() < 0.01 * p["rx_dma"]["in_order_wait_ns"].get<double>());
  }
  CHECK(up["utilization"].get<double>() * 11.0 / 10.0 > 0.97);  // busy through the window
}

TEST_CASE("a function without Bus Master Enable gets no DMA: drops counted, Tx descriptors stay") {
  auto m = test::run(R"(
duration_us: 2000
device: {ports: 1, vfs_per_port: 3}
port0:
  wire: {pattern: constant, load: 0.2, frame_sizes: {64: 1}, destinations: {vf1: 1, vf2: 1}}
  vf1: {no_bus_master: true, tx: {load_mbps: 50, frame_bytes: 256}}
  vf2: {tx: {load_mbps: 50, frame_bytes: 256}}
)");
  const auto& vf1 = test::function(m, "port0.vf1");
  const auto& vf2 = test::function(m, "port0.vf2");
  CHECK(test::u64(vf1, "rx_frames") == 0);
  CHECK(test::u64(vf1["drops"], "bus_master_disabled") > 100);
  CHECK(test::u64(vf1, "tx_frames") == 0);
  CHECK(test::u64(m["conservation"], "in_flight") > 0);  // its posted Tx frames wait in its ring
  CHECK(test::u64(vf2, "rx_frames") > 100);
  CHECK(test::u64(vf2, "tx_frames") > 10);
  CHECK(m["conservation"]["balanced"].get<bool>());
}

TEST_CASE("Tx head write-back: the drivers reclaim by the head the device writes") {
  auto m = test::run(R"(
duration_us: 3000
device: {ports: 1, vfs_per_port: 2}
host: {tx_head_writeback: true, tx_ring_entries: 64}
port0:
  wire: {pattern: off}
  vf0: {tx: {load_mbps: 400, frame_bytes: 256}}
)");
  const auto& tx = m["ports"][0]["tx_dma"];
  const std::uint64_t sent = test::u64(test::function(m, "port0.vf0"), "tx_frames");
  CHECK(sent > 400);  // far more than the ring holds: the driver reclaimed by the head
  CHECK(test::u64(tx, "head_write_backs") == sent);
  CHECK(test::u64(tx, "write_backs") == 0);
  CHECK(test::u64(test::function(m, "port0.vf0")["drops"], "tx_ring_full") == 0);
}

TEST_CASE("with no drain time every Gb/s figure is over the traffic window") {
  auto m = test::run(R"(
duration_us: 2000
drain_us: 0
device: {ports: 1, vfs_per_port: 2, link_gbps: 1}
port0:
  wire: {pattern: constant, load: 0.5, frame_sizes: {512: 1}, destinations: {vf0: 1}}
)");
  // half of 1 Gb/s on the wire: frame bytes are 512 / 532 of it
  CHECK(m["ports"][0]["wire_rx_gbps"].get<double>() == Approx(0.5 * 512 / 532).epsilon(0.01));
  CHECK(test::function(m, "port0.vf0")["rx_gbps"].get<double>() ==
        Approx(0.5 * 512 / 532).epsilon(0.02));
}

TEST_CASE("frames per wall second counts the device's frames, not the ones a driver dropped") {
  auto m = test::run(R"(
duration_us: 2000
device: {ports: 1, vfs_per_port: 1, link_gbps: 1}
host: {tx_ring_entries: 16}
port0:
  wire: {pattern: constant, load: 0.1, frame_sizes: {64: 1}, destinations: {vf0: 1}}
  vf0: {tx: {load_mbps: 5000, frame_bytes: 64}}
)");
  const auto& c = m["conservation"];
  const std::uint64_t device = test::u64(c, "injected_wire") + test::u64(m["ports"][0]["tx_dma"], "frames");
  CHECK(test::u64(m, "device_frames") == device);
  CHECK(test::u64(test::function(m, "port0.vf0")["drops"], "tx_ring_full") > 1000);
  CHECK(device < test::u64(c, "injected_wire") + test::u64(c, "injected_host"));
  CHECK(m["frames_per_wall_second"].get<double>() ==
        Approx(device / m["wall_seconds"].get<double>()));
}
