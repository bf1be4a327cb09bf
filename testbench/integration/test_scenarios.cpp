// Whole scenarios: the frame ledger balances in every one, and the default runs as documented.
#include <catch2/catch.hpp>

#include "testbench/support.h"

using namespace iovsim;

TEST_CASE("the default scenario runs, delivers to every VF and balances") {
  auto m = run_scenario(load_scenario(default_scenario_yaml(), "default"));
  CHECK(m["functions"].size() == 16);
  for (const auto& f : m["functions"]) {
    INFO(f["name"]);
    CHECK(test::u64(f, "rx_frames") > 0);
    CHECK((test::u64(f, "driver_rx_foreign_unicast") == 0 || f["kind"] == "pf"));
  }
  CHECK(test::u64(m["ports"][0], "loopback_frames") > 0);
  CHECK(test::u64(m["ports"][0], "replicated_frames") > 0);
  CHECK(m["conservation"]["balanced"].get<bool>());
  CHECK(test::u64(m["conservation"], "frame_slots_in_use") == 0);
}

// One process per scenario (SystemC elaborates once per process): one test case each.
#define CONSERVATION_CASE(title, a, b, c)                                              \
  TEST_CASE("conservation holds: " title) {                                            \
    auto m = test::run(default_scenario_yaml(), {a, b, c, "duration_us=3000"});        \
    CHECK(m["conservation"]["balanced"].get<bool>());                                  \
    CHECK(test::u64(m["conservation"], "frame_slots_in_use") == 0);                    \
    CHECK(test::u64(m["conservation"], "dropped") > 0);                                \
  }
CONSERVATION_CASE("PCIe-bound 10G port on a x1 link", "device.link_gbps=10",
                  "port0.wire.load=1.0", "pcie.lanes=1")
CONSERVATION_CASE("small packet buffer, slow driver", "device.rx_packet_buffer_kb=4",
                  "port0.wire.load=1.0", "host.poll_interval_us=200")
CONSERVATION_CASE("unmatched dropped, bad FCS", "device.unmatched_unicast=drop",
                  "port0.wire.fcs_error_rate=0.05", "seed=9")
CONSERVATION_CASE("misbehaving driver, tiny rings", "port0.vf3.bad_dma=true",
                  "port1.wire.pattern=poisson", "host.rx_ring_entries=8")
CONSERVATION_CASE("no loopback, broadcast Tx, tiny Tx rings", "device.loopback=false",
                  "port0.vf1.tx.to=broadcast", "host.tx_ring_entries=8")
