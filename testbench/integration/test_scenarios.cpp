// Whole scenarios: the frame ledger balances in every one, and the default runs as documented.
#include <catch2/catch.hpp>

#include <algorithm>

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

// The default scenario's software latency (docs/validation.md): a frame waits at most one
// EITR interval of its vector for the message that hands it to the driver, so the median
// lies between the device's median and that plus the interval (and a few microseconds of
// delivery and handling).
TEST_CASE("the default scenario reports software latency inside the range its ITR implies") {
  auto m = run_scenario(load_scenario(default_scenario_yaml(), "default"));
  unsigned checked = 0;
  for (const auto& f : m["functions"]) {
    INFO(f["name"]);
    const auto& sw = f["sw_latency_ns"];
    if (test::u64(sw, "count") < 10) continue;
    double interval_ns = 0;
    for (const auto& e : f["interrupts"]["eitr_us"]) interval_ns = std::max(interval_ns, e.get<double>() * 1e3);
    const double dev = f["latency_ns"]["p50"].get<double>(), p50 = sw["p50"].get<double>();
    CHECK(interval_ns > 0);
    CHECK(p50 >= 0.97 * dev);  // the histograms' resolution: 3 %
    CHECK(p50 <= dev + interval_ns + 10000);
    CHECK(sw["p99"].get<double>() >= p50);
    ++checked;
  }
  CHECK(checked == 16);
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

TEST_CASE("Figure 2 of the VT-c brief: two VMs share the default queue, one has its own") {
  auto m = run_scenario(load_scenario(read_text_file(IOVSIM_SOURCE_DIR "/scenarios/figure2-vmdq.yaml"),
                                      "figure2-vmdq.yaml"));
  REQUIRE(m.contains("vms"));
  const auto& vms = m["vms"];
  REQUIRE(vms.size() == 3);
  CHECK(m["functions"].size() == 1);  // VMDq: no VFs, the hypervisor's PF owns the queues
  // VM1 and VM2: only the default queue (the PF pool's queue 3); VM3: only queue 2
  for (unsigned v : {0u, 1u}) {
    REQUIRE(vms[v]["queues"].size() == 1);
    CHECK(vms[v]["queues"][0]["queue"] == 3);
    CHECK(vms[v]["queues"][0]["default_queue"] == true);
  }
  REQUIRE(vms[2]["queues"].size() == 1);
  CHECK(vms[2]["queues"][0]["queue"] == 2);
  // the high-traffic VM carries 90 % of the load, and every frame reached its VM
  const std::uint64_t total = test::u64(vms[0], "rx_frames") + test::u64(vms[1], "rx_frames") +
                              test::u64(vms[2], "rx_frames");
  CHECK(total == test::u64(test::function(m, "port0.pf"), "rx_frames"));
  CHECK(static_cast<double>(test::u64(vms[2], "rx_frames")) / total == Approx(0.9).margin(0.03));
  CHECK(test::u64(test::function(m, "port0.pf"), "driver_rx_foreign_unicast") == 0);
}

TEST_CASE("the default scenario in VMDq mode steers NetQueue VMs to their pools' queues") {
  auto m = test::run(default_scenario_yaml(),
                     {"device.mode=vmdq", "host.vm_memory_kb=8192", "port0.vf0={}",
                      "port0.vf1={}", "port0.vf3={}", "port1.vf4={}", "port0.vf5.netqueue=false"});
  for (const auto& vm : m["vms"]) {
    INFO(vm["name"]);
    REQUIRE(vm["queues"].size() == 1);
    const bool own = vm["netqueue"].get<bool>();
    CHECK(vm["queues"][0]["default_queue"].get<bool>() == !own);
  }
  CHECK(m["conservation"]["balanced"].get<bool>());
}

TEST_CASE("traffic waits for every driver: 63 VFs on the default warm-up start late, none drops") {
  // 63 VFs' mailbox handshakes take about 5 ms; the default warm-up is 1 ms. Traffic starts
  // when the last driver is up, and the metrics say by how much it was delayed.
  nlohmann::json m = test::run(
      "device: {preset: '82599', ports: 1, vfs_per_port: 63, link_gbps: 10}\n"
      "duration_us: 200\n"
      "port0:\n  wire: {pattern: constant, load: 0.1, frame_sizes: {64: 1}, destinations: {vfs: 1}}\n");
  CHECK(m["warmup_extended_ns"].get<double>() > 1e6);
  CHECK(m["traffic_start_ns"].get<double>() == Approx(m["warmup_ns"].get<double>() + m["warmup_extended_ns"].get<double>()));
  CHECK(m["sim_time_ns"].get<double>() ==
        Approx(m["traffic_start_ns"].get<double>() + m["traffic_time_ns"].get<double>() + 500e3));
  unsigned up = 0;
  for (const auto& f : m["functions"]) up += f["ready_at_traffic_start"].get<bool>();
  CHECK(up == 64);
  CHECK(test::u64(m["conservation"], "dropped") == 0);
  CHECK(test::u64(m["conservation"], "injected_wire") >= 297);  // 10 % of 14.88 M frames/s for 200 us
  CHECK_THAT(summarize(m), Catch::Contains("warning: traffic started") && !Catch::Contains("not up when"));
}
