// The VEB programmed through its registers, end to end: RSS inside a pool, anti-spoofing with
// the PF seeing the events (WVBR), VLAN filtering, multicast groups, table sizes.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstring>

#include "hls/sorter/rss.h"
#include "model/core/frame.h"
#include "model/sorter/sorter.h"
#include "testbench/support.h"

using namespace iovsim;

TEST_CASE("RSS spreads a pool's flows over its two queues, one queue per flow") {
  auto m = test::run(R"(
duration_us: 4000
device: {ports: 1, vfs_per_port: 3}
port0:
  wire: {pattern: constant, load: 0.4, frame_sizes: {128: 1}, destinations: {vf1: 1}}
  vf1: {rss: true}
)");
  const auto& vf1 = test::function(m, "port0.vf1");
  const auto& used = vf1["rx_queues_used"];
  REQUIRE(used.size() == 2);  // 82576: pool 1 owns queues 1 and 9
  CHECK(used[0]["queue"] == 1);
  CHECK(used[1]["queue"] == 9);
  const double a = used[0]["rx_frames"].get<double>(), b = used[1]["rx_frames"].get<double>();
  CHECK(a / (a + b) == Approx(0.5).margin(0.2));
  CHECK(test::u64(vf1, "rx_frames") == test::u64(vf1, "driver_rx_frames"));
  // a pool without RSSE keeps to its first queue
  CHECK(test::function(m, "port0.vf0")["rx_queues_used"].size() <= 1);
}

namespace {
// MRQC's hash-type bits (E1000_MRQC_RSS_FIELD_* / IXGBE_MRQC_RSS_FIELD_*), written out.
regs::RssHashTypes types_of(std::uint32_t mrqc) {
  regs::RssHashTypes t;
  t.ipv4_tcp = mrqc >> 16 & 1, t.ipv4 = mrqc >> 17 & 1, t.ipv6 = mrqc >> 20 & 1;
  t.ipv6_tcp = mrqc >> 21 & 1, t.ipv4_udp = mrqc >> 22 & 1, t.ipv6_udp = mrqc >> 23 & 1;
  return t;
}
}  // namespace

TEST_CASE("parse_flow builds the Microsoft RSS input for the hash types MRQC enables") {
  Frame f{};
  const std::uint8_t hdr[] = {
      0x02, 0, 0, 0, 0, 1, 0x00, 0xaa, 0, 0, 0, 1, 0x08, 0x00,              // Ethernet
      0x45, 0, 0, 50, 0, 0, 0, 0, 64, 6, 0, 0, 66, 9, 149, 187, 161, 142, 100, 80,  // IPv4 TCP
      0x0a, 0xea, 0x06, 0xe6};  // ports 2794 -> 1766
  std::memcpy(f.data, hdr, sizeof hdr);
  f.len = 64;
  hls::L2Header h = parse_l2(f);
  const std::uint8_t key[40] = {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
                                0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
                                0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
                                0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};
  hls::FlowTuple t;
  // Microsoft's verification table: 66.9.149.187:2794 -> 161.142.100.80:1766
  REQUIRE(parse_flow(f, h, types_of((1u << 16) | (1u << 17)), t));
  CHECK(t.has_l4);
  CHECK(hls::rss_hash(key, t) == 0x51ccc178);
  REQUIRE(parse_flow(f, h, types_of(1u << 17), t));  // IPv4 only: no ports
  CHECK_FALSE(t.has_l4);
  CHECK(hls::rss_hash(key, t) == 0x323e8fc2);
  CHECK_FALSE(parse_flow(f, h, types_of(1u << 20), t));  // only IPv6 enabled: no hash for IPv4
}

TEST_CASE("a VF forging its source MAC is dropped as spoof and the PF sees it in WVBR") {
  auto m = test::run(R"(
duration_us: 3000
device: {ports: 1, vfs_per_port: 3}
port0:
  wire: {pattern: off}
  vf1: {tx: {load_mbps: 20, frame_bytes: 256, to: wire, spoof_mac: true}}
  vf2: {tx: {load_mbps: 20, frame_bytes: 256, to: wire}}
)");
  const auto& vf1 = test::function(m, "port0.vf1");
  const std::uint64_t spoofed = test::u64(vf1["drops"], "spoof");
  CHECK(spoofed > 20);
  CHECK(test::u64(vf1, "tx_frames") == spoofed);  // fetched by DMA, then refused by the VEB
  CHECK(test::u64(vf1, "spoof_events_seen_by_pf") > 0);
  CHECK(test::u64(vf1, "spoof_events_seen_by_pf") <= spoofed);
  CHECK(test::u64(m["ports"][0], "spoof_events") == spoofed);
  // the honest VF is unaffected and its frames reach the wire
  const auto& vf2 = test::function(m, "port0.vf2");
  CHECK(test::u64(vf2["drops"], "spoof") == 0);
  CHECK(test::u64(vf2, "spoof_events_seen_by_pf") == 0);
  CHECK(test::u64(m["ports"][0], "wire_tx_frames") == test::u64(vf2, "tx_frames"));
}

TEST_CASE("with spoofchk off the PF lets a forged source MAC through") {
  auto m = test::run(R"(
duration_us: 2000
device: {ports: 1, vfs_per_port: 2}
port0:
  wire: {pattern: off}
  vf1: {spoofchk: false, tx: {load_mbps: 20, frame_bytes: 256, to: wire, spoof_mac: true}}
)");
  const auto& vf1 = test::function(m, "port0.vf1");
  CHECK(test::u64(vf1["drops"], "spoof") == 0);
  CHECK(test::u64(m["ports"][0], "wire_tx_frames") == test::u64(vf1, "tx_frames"));
}

TEST_CASE("a VF tagging frames with a VLAN it was not given is a VLAN spoof") {
  auto m = test::run(R"(
duration_us: 2000
device: {ports: 1, vfs_per_port: 2}
port0:
  wire: {pattern: off}
  vf0: {tx: {load_mbps: 20, frame_bytes: 256, to: wire, vlan: 300}}
)");
  const auto& vf0 = test::function(m, "port0.vf0");
  CHECK(test::u64(vf0["drops"], "spoof") == test::u64(vf0, "tx_frames"));
  CHECK(test::u64(vf0, "tx_frames") > 10);
}

TEST_CASE("tagged frames for a VLAN nobody joined fail the VLAN filter") {
  auto m = test::run(R"(
duration_us: 1000
device: {ports: 1, vfs_per_port: 2}
port0: {wire: {pattern: constant, load: 0.2, frame_sizes: {128: 1}, destinations: {vf0: 1}, vlan: 42}}
)");
  const auto& p = m["ports"][0];
  CHECK(test::u64(p["drops"], "vlan_filter") + test::u64(p["drops"], "no_pool") ==
        test::u64(p, "wire_rx_frames"));
  CHECK(test::u64(p["drops"], "vlan_filter") > 0);
  CHECK(test::u64(test::function(m, "port0.vf0"), "rx_frames") == 0);
}

TEST_CASE("a smaller receive-address table is honoured and writes beyond it are counted") {
  CHECK_THROWS_WITH(test::scenario("device: {rar_entries: 30}"), Catch::Contains("device.rar_entries"));
  auto m = test::run(R"(
duration_us: 1000
device: {ports: 1, vfs_per_port: 2, rar_entries: 8}
port0: {wire: {pattern: constant, load: 0.2, frame_sizes: {128: 1}, destinations: {vf0: 1, vf1: 1}}}
)");
  // igb puts VF MACs at the top of the table (entries 7 and 6 here): steering still works
  CHECK(test::u64(test::function(m, "port0.vf0"), "rx_frames") > 0);
  CHECK(test::u64(test::function(m, "port0.vf1"), "rx_frames") > 0);
  CHECK(test::u64(m["register_errors"], "filter_writes_ignored") == 0);
}

TEST_CASE("mailbox: a VF gets its MAC from the PF at reset, joins a group and a VLAN") {
  auto m = test::run(R"(
duration_us: 2000
device: {ports: 1, vfs_per_port: 3}
port0:
  wire: {pattern: constant, load: 0.3, frame_sizes: {128: 1}, destinations: {"01:00:5e:00:00:07": 1}}
  vf0: {multicast: "01:00:5e:00:00:07"}
  vf1: {multicast: "01:00:5e:00:00:07,01:00:5e:00:00:09", vlan: 100,
        tx: {load_mbps: 20, frame_bytes: 256, to: wire, vlan: 100}}
)");
  const auto& vf0 = test::function(m, "port0.vf0");
  const auto& vf1 = test::function(m, "port0.vf1");
  const auto& vf2 = test::function(m, "port0.vf2");
  CHECK(vf0["mac"] == "02:1b:21:00:00:00");  // assigned by the PF in the RESET reply
  CHECK(test::u64(vf0["mailbox"], "acks") == 2);  // RESET, SET_MULTICAST
  CHECK(test::u64(vf1["mailbox"], "acks") == 3);  // RESET, SET_MULTICAST, SET_VLAN
  CHECK(test::u64(vf1["mailbox"], "nacks") == 0);
  CHECK(vf1["mailbox"]["latency_ns_mean"].get<double>() > 0);
  // the group reaches exactly the VFs that joined (MTA hash + VMOLR.ROMPE)
  const std::uint64_t wire = test::u64(m["ports"][0], "wire_rx_frames");
  CHECK(test::u64(vf0, "rx_frames") == wire);
  CHECK(test::u64(vf1, "rx_frames") == wire);
  CHECK(test::u64(vf2, "rx_frames") == 0);
  // frames tagged with the granted VLAN are no spoof
  CHECK(test::u64(vf1, "tx_frames") > 5);
  CHECK(test::u64(vf1["drops"], "spoof") == 0);
  CHECK(test::u64(m["ports"][0], "wire_tx_frames") == test::u64(vf1, "tx_frames"));
  CHECK(test::u64(test::function(m, "port0.pf")["mailbox"], "messages_handled") == 3 + 3);
}

TEST_CASE("mailbox: the PF refuses a MAC change from an untrusted VF whose MAC it set") {
  auto m = test::run(R"(
duration_us: 1000
device: {ports: 1, vfs_per_port: 2}
port0:
  wire: {pattern: off}
  vf0: {mac: "02:00:00:00:aa:01", request_mac: "02:00:00:00:bb:01"}
  vf1: {mac: "02:00:00:00:aa:02", request_mac: "02:00:00:00:bb:02", trusted: true}
)");
  const auto& vf0 = test::function(m, "port0.vf0");
  const auto& vf1 = test::function(m, "port0.vf1");
  CHECK(vf0["mac"] == "02:00:00:00:aa:01");
  CHECK(test::u64(vf0["mailbox"], "nacks") == 1);
  CHECK(vf1["mac"] == "02:00:00:00:bb:02");
  CHECK(test::u64(vf1["mailbox"], "nacks") == 0);
  const auto& pf = test::function(m, "port0.pf")["mailbox"];
  CHECK(test::u64(pf, "refused") == 1);
  CHECK(test::u64(pf, "granted") == 3);
}

TEST_CASE("mailbox: traffic follows a MAC the PF granted") {
  auto m = test::run(R"(
duration_us: 1000
device: {ports: 1, vfs_per_port: 2}
port0:
  wire: {pattern: constant, load: 0.2, frame_sizes: {128: 1}, destinations: {"02:00:00:00:bb:01": 1}}
  vf0: {request_mac: "02:00:00:00:bb:01"}
)");
  const auto& vf0 = test::function(m, "port0.vf0");
  CHECK(vf0["mac"] == "02:00:00:00:bb:01");  // automatic MAC: the VF may change it
  CHECK(test::u64(vf0, "rx_frames") == test::u64(m["ports"][0], "wire_rx_frames"));
  CHECK(test::u64(vf0, "driver_rx_foreign_unicast") == 0);
}

TEST_CASE("82599: loopback, anti-spoofing counted in SSVPC, RSS over a pool's two queues") {
  auto m = test::run(R"(
duration_us: 2000
warmup_us: 2000
device: {preset: "82599", ports: 1, vfs_per_port: 4, link_gbps: 10}
pcie: {gen: 2, lanes: 8}
port0:
  wire: {pattern: constant, load: 0.1, frame_sizes: {128: 1}, destinations: {vf3: 1}}
  vf0: {tx: {load_mbps: 50, frame_bytes: 256, to: vf1}}
  vf2: {tx: {load_mbps: 20, frame_bytes: 256, to: wire, spoof_mac: true}}
  vf3: {rss: true}
)");
  const auto& vf0 = test::function(m, "port0.vf0");
  const auto& vf1 = test::function(m, "port0.vf1");
  CHECK(test::u64(vf1, "rx_loopback_frames") == test::u64(vf0, "tx_frames"));
  CHECK(test::u64(vf0, "tx_frames") > 20);
  const auto& vf2 = test::function(m, "port0.vf2");
  CHECK(test::u64(vf2["drops"], "spoof") == test::u64(vf2, "tx_frames"));
  CHECK(test::u64(test::function(m, "port0.pf"), "spoof_events_seen_by_pf") > 0);
  const auto& used = test::function(m, "port0.vf3")["rx_queues_used"];
  REQUIRE(used.size() == 2);  // 82599, 64 pools x 2: pool 3 owns queues 6 and 7
  CHECK(used[0]["queue"] == 6);
  CHECK(used[1]["queue"] == 7);
}
