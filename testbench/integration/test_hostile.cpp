// A malicious guest on one VF of each preset, the other VMs under load (issue: hostile
// guests). The run must finish (no crash, no hang), keep the ledger balanced, deliver no
// frame to a neighbour that was not addressed to it, let no DMA reach a neighbour's memory,
// and leave the neighbours' throughput within 1 % of the same run without the hostile VF.
//
// The baseline runs in a child process (SystemC elaborates once per process). The memory
// tripwire is independent of the IOMMU: in every neighbour's memory the page below its rings
// and everything above its driver's layout are never written by anyone, so they must still
// read zero at the end.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>
#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "model/host/host_memory.h"
#include "model/pcie/endpoint.h"
#include "testbench/support.h"

using namespace iovsim;

namespace {

std::string scenario_yaml(const char* preset, double ops_per_us, unsigned link_gbps) {
  // vf2 is hostile; vf1 and vf3, its neighbours in memory, are silent; vf0, vf4-vf6 take the
  // wire's traffic, vf0 sends to the wire and vf4 to vf5 through the VEB.
  return fmt::format(
      "name: hostile\nduration_us: 700000\nwarmup_us: 3000\n"
      "device: {{preset: \"{}\", ports: 1, vfs_per_port: 7, link_gbps: {}}}\n"
      "port0:\n"
      "  wire: {{pattern: constant, load: 0.05, frame_sizes: {{64: 3, 1518: 1}},"
      " destinations: {{vf0: 1, vf4: 1, vf5: 1, vf6: 1}}}}\n"
      "  vf0: {{tx: {{load_mbps: {}, frame_bytes: 512}}}}\n"
      "  vf4: {{tx: {{load_mbps: {}, frame_bytes: 256, to: vf5}}}}\n"
      // as fast as its CPU can (a register write stalls it some 0.3 us), cheap operations
      // weighted up so that the run reaches half a million of them
      "  vf2: {{hostile: {{ops_per_us: {}, mmio: 4, rings: 4, descriptors: 4, mailbox: 1, theft: 1}}}}\n",
      preset, link_gbps, 20 * link_gbps, 10 * link_gbps, ops_per_us);
}

struct Counts {
  std::map<std::string, std::uint64_t> rx, tx;
};

Counts counts(const nlohmann::json& m) {
  Counts c;
  for (const auto& f : m["functions"]) {
    c.rx[f["name"]] = f["rx_frames"].get<std::uint64_t>();
    c.tx[f["name"]] = f["tx_frames"].get<std::uint64_t>();
  }
  return c;
}

// The baseline (hostile VF well-behaved) in a child process.
Counts baseline(const std::string& yaml) { return counts(test::run_in_child(yaml, {"port0.vf2.hostile.ops_per_us=0"})); }

void hostile_vf(const char* preset, unsigned link_gbps, double ops_per_us) {
  const std::string yaml = scenario_yaml(preset, ops_per_us, link_gbps);
  const Counts base = baseline(yaml);
  REQUIRE(base.rx.size() == 8);

  const Scenario s = test::scenario(yaml);
  require_ps_resolution();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(s.quantum_ns, sc_core::SC_NS));
  System sys("iovsim", s);
  sc_core::sc_start();
  const nlohmann::json m = sys.metrics(0);
  CHECK_NOTHROW(check_conservation(m));
  CHECK(m["conservation"]["balanced"].get<bool>());

  const nlohmann::json& bad = test::function(m, "port0.vf2");
  INFO(bad.dump(1));
  const std::uint64_t ops = bad["hostile"]["operations"].get<std::uint64_t>();
  CHECK(ops >= 500000);
  CHECK(bad["iommu_faults"].get<std::uint64_t>() > 0);  // its wild DMA was refused

  const Counts now = counts(m);
  for (const auto& f : m["functions"]) {
    const std::string name = f["name"];
    if (name == "port0.vf2") continue;
    INFO(name);
    CHECK(f["rx_not_addressed_to_it"].get<std::uint64_t>() == 0);
    CHECK(f["iommu_faults"].get<std::uint64_t>() == 0);
    CHECK(static_cast<double>(now.rx.at(name)) == Approx(static_cast<double>(base.rx.at(name))).epsilon(0.01));
    CHECK(static_cast<double>(now.tx.at(name)) == Approx(static_cast<double>(base.tx.at(name))).epsilon(0.01));
  }
  // The tripwire: memory nobody may write, in every neighbour's guest memory.
  const std::uint64_t mem = std::uint64_t{s.host.vm_memory_kb} * 1024;
  const std::uint64_t layout = driver_memory_bytes(s.host, s.device.max_frame_bytes, sys.profile().queues_per_pool);
  for (int v = -1; v < 7; ++v) {
    if (v == 2) continue;
    const unsigned fn = sys.endpoint().function_index(0, v);
    const std::uint8_t* p = sys.memory().ptr(sys.function_memory_hpa(fn), mem);
    REQUIRE(p);
    std::uint64_t dirty = 0;
    for (std::uint64_t a = 0; a < 4096; ++a) dirty += p[a] != 0;
    for (std::uint64_t a = layout; a < mem; ++a) dirty += p[a] != 0;
    INFO("function " << fn);
    CHECK(dirty == 0);
  }
}

}  // namespace

TEST_CASE("a hostile VF on the 82576 harms no neighbour", "[hostile]") { hostile_vf("82576", 1, 100); }
TEST_CASE("a hostile VF on the 82599 harms no neighbour", "[hostile]") { hostile_vf("82599", 10, 100); }
