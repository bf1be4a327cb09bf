// The three system modes on one 82599 port (issue 13): SR-IOV, VMDq and a software switch,
// with the host CPU model. Each case runs one scenario; what it checks is computed here from
// the scenario's costs and the run's own counts: every kind of work costs count x its cycles,
// the copies are one per frame where the mode copies, each VM's frames are delivered or
// dropped with their reason, and a saturated core queues and drops where SR-IOV does not.
#include <catch2/catch.hpp>

#include "model/core/scenario.h"
#include "testbench/support.h"

using namespace iovsim;

namespace {
const char* kBase = R"(
name: modes
duration_us: 2000
host: {vm_memory_kb: 8192}
device: {preset: "82599", ports: 1, vfs_per_port: 7, link_gbps: 10}
port0:
  wire: {pattern: poisson, load: 0.3, frame_sizes: {512: 1}, destinations: {vfs: 1}}
)";

nlohmann::json run_mode(const char* mode, std::vector<std::string> sets = {}) {
  sets.push_back(std::string("device.mode=") + mode);
  return test::run(kBase, sets);
}

// Every kind of work: its cycles are its count times its cost (a copy: setup + bytes).
void check_cycles(const nlohmann::json& m, const Scenario& s) {
  const auto& c = m["host"]["cpu"]["cycles"];
  const CpuCfg& k = s.host.cpu;
  auto n = [&](const char* w) { return c[w]["count"].get<double>(); };
  CHECK(c["rx_frame"]["cycles"].get<double>() == Approx(n("rx_frame") * k.rx_frame_cycles));
  CHECK(c["interrupt"]["cycles"].get<double>() == Approx(n("interrupt") * k.interrupt_cycles));
  CHECK(c["vm_exit"]["cycles"].get<double>() == Approx(n("vm_exit") * k.vm_exit_cycles));
  CHECK(c["virtual_interrupt"]["cycles"].get<double>() == Approx(n("virtual_interrupt") * k.virq_cycles));
  CHECK(c["lookup"]["cycles"].get<double>() == Approx(n("lookup") * k.lookup_cycles));
  CHECK(c["page_flip"]["cycles"].get<double>() == Approx(n("page_flip") * k.flip_cycles));
  const double copied = m["host"]["cpu"]["copied_bytes"].get<double>();
  CHECK(c["copy"]["cycles"].get<double>() == Approx(n("copy") * k.copy_setup_cycles + copied * k.copy_cycles_per_byte));
  double total = 0;
  for (const auto& [w, e] : c.items()) total += e["cycles"].get<double>();
  CHECK(m["host"]["cpu"]["total_cycles"].get<double>() == Approx(total));
  CHECK(m["host"]["cpu"]["cycles_per_frame"].get<double>() ==
        Approx(total / m["host"]["cpu"]["app_frames"].get<double>()));
}

// Behind the hypervisor, every frame the NIC delivered for a VM reached its application or
// was dropped by a full core queue (plus the switch's broadcast copies).
void check_vm_ledger(const nlohmann::json& m) {
  REQUIRE(m["vms"].size() == 7);
  for (const auto& v : m["vms"]) {
    INFO(v["name"]);
    CHECK(v["rx_frames"].get<std::uint64_t>() + v["switch_replicas"].get<std::uint64_t>() ==
          v["app_rx_frames"].get<std::uint64_t>() + v["backlog_drops"].get<std::uint64_t>());
    CHECK(v["rx_frames"].get<std::uint64_t>() > 100);  // 0.3 x 10 Gb/s of 512 B for 2 ms: about 200 each
  }
}
Scenario scenario(const char* mode, std::vector<std::string> sets = {}) {
  sets.push_back(std::string("device.mode=") + mode);
  return load_scenario(kBase, "modes", sets);
}
}  // namespace

TEST_CASE("modes: SR-IOV: the guests' drivers only, no copy, no hypervisor work, interrupts exit") {
  const auto m = run_mode("sriov");
  check_cycles(m, scenario("sriov"));
  const auto& cpu = m["host"]["cpu"];
  CHECK(cpu["copies"] == 0);
  CHECK(cpu["peak_hypervisor_bytes"] == 0);
  CHECK(cpu["cycles"]["lookup"]["count"] == 0);
  CHECK(cpu["cycles"]["virtual_interrupt"]["count"] == 0);
  CHECK(cpu["utilization"][0].get<double>() == Approx(0).margin(0.01));  // the hypervisor's core idles
  // Without posted interrupts every VF interrupt is a VM exit (and nothing else is).
  std::uint64_t vf_irqs = 0;
  for (const auto& f : m["functions"])
    if (f["kind"] == "vf") {
      vf_irqs += f["driver"]["interrupts"].get<std::uint64_t>();
      CHECK(f["app_rx_frames"] == f["rx_frames"]);  // no core saturated
    }
  CHECK(cpu["cycles"]["vm_exit"]["count"].get<std::uint64_t>() <= vf_irqs);
  CHECK(cpu["cycles"]["vm_exit"]["count"].get<std::uint64_t>() > vf_irqs / 2);
  CHECK(cpu["cycles"]["vm_exit"]["count"] == cpu["cycles"]["interrupt"]["count"]);  // the PF has no traffic
}

TEST_CASE("modes: SR-IOV with posted interrupts: no VM exits") {
  const auto m = run_mode("sriov", {"host.cpu.posted_interrupts=true"});
  CHECK(m["host"]["cpu"]["cycles"]["vm_exit"]["count"] == 0);
  CHECK(m["host"]["cpu"]["cycles"]["interrupt"]["count"].get<std::uint64_t>() > 0);
}

TEST_CASE("modes: VMDq with copies: the NIC sorts (no lookup), the hypervisor copies each frame once") {
  const auto m = run_mode("vmdq");
  check_cycles(m, scenario("vmdq"));
  check_vm_ledger(m);
  const auto& cpu = m["host"]["cpu"];
  CHECK(cpu["cycles"]["lookup"]["count"] == 0);  // every VM has its NetQueue
  CHECK(cpu["cycles"]["page_flip"]["count"] == 0);
  CHECK(cpu["copies_per_frame"].get<double>() == Approx(1).margin(0.005));
  std::uint64_t app_bytes = 0;  // what reached the VMs' applications, counted on the other side
  for (const auto& v : m["vms"]) app_bytes += v["app_rx_bytes"].get<std::uint64_t>();
  CHECK(cpu["copied_bytes"].get<double>() == Approx(static_cast<double>(app_bytes)).epsilon(0.01));
  CHECK(cpu["peak_hypervisor_bytes"].get<std::uint64_t>() >= 512);
  CHECK(cpu["backlog_drops"] == 0);
  // a virtual interrupt per batch for the VM, and its VM exit
  CHECK(cpu["cycles"]["virtual_interrupt"]["count"] == cpu["cycles"]["vm_exit"]["count"]);
}

TEST_CASE("modes: VMDq with page flips: no copies, a flip per frame") {
  const auto m = run_mode("vmdq", {"host.cpu.vmdq_handoff=flip"});
  check_vm_ledger(m);
  const auto& cpu = m["host"]["cpu"];
  CHECK(cpu["copies"] == 0);
  CHECK(cpu["cycles"]["page_flip"]["count"].get<double>() == Approx(cpu["app_frames"].get<double>()).epsilon(0.01));
}

TEST_CASE("modes: vswitch: a lookup and a copy per frame, broadcasts copied to every VM") {
  const auto m = run_mode("vswitch", {"port0.wire.destinations={vfs: 9, broadcast: 1}"});
  check_cycles(m, scenario("vswitch", {"port0.wire.destinations={vfs: 9, broadcast: 1}"}));
  check_vm_ledger(m);
  const auto& cpu = m["host"]["cpu"];
  const std::uint64_t bcast = m["vms"][0]["switch_replicas"].get<std::uint64_t>();
  CHECK(bcast > 20);
  std::uint64_t unicast = 0;
  for (const auto& v : m["vms"]) {
    CHECK(v["switch_replicas"] == bcast);  // each broadcast to each VM
    CHECK(v["netqueue"] == false);
    unicast += v["rx_frames"].get<std::uint64_t>();
  }
  // one lookup per frame the hypervisor took off its ring, one copy per VM delivery
  CHECK(cpu["cycles"]["lookup"]["count"].get<std::uint64_t>() >= unicast + bcast);
  CHECK(cpu["copies"].get<std::uint64_t>() == unicast + 7 * bcast);
  CHECK(cpu["backlog_drops"] == 0);
}

TEST_CASE("modes: a saturated hypervisor core queues and drops") {
  const std::vector<std::string> line_rate{"port0.wire.load=1.0", "port0.wire.frame_sizes={64: 1}"};
  const auto m = run_mode("vswitch", line_rate);
  check_vm_ledger(m);
  const auto& cpu = m["host"]["cpu"];
  CHECK(cpu["utilization"][0].get<double>() > 0.95);
  CHECK(cpu["backlog_drops"].get<std::uint64_t>() > 1000);
  // the latency of what gets through includes a full queue: backlog_frames x the per-frame work
  const Scenario s = scenario("vswitch", line_rate);
  const CpuCfg& k = s.host.cpu;
  const double per_frame_ns = (k.rx_frame_cycles + k.lookup_cycles + k.copy_setup_cycles + 60 * k.copy_cycles_per_byte) / k.clock_ghz;
  CHECK(m["vms"][0]["app_latency_ns"]["p99"].get<double>() > 0.5 * k.backlog_frames * per_frame_ns);
  CHECK(m["host"]["cpu"]["peak_hypervisor_bytes"].get<double>() > 0.5 * k.backlog_frames * 60);
}

TEST_CASE("modes: per VM, a VM behind the PF's bridge next to VMs on their VFs") {
  const auto m = test::run(kBase, {"port0.vf3.mode=vswitch"});
  REQUIRE(m["vms"].size() == 1);
  const auto& vm = m["vms"][0];
  CHECK(vm["name"] == "port0.vf3");
  CHECK(vm["rx_frames"].get<std::uint64_t>() > 100);  // its share of the wire's frames, through the PF
  CHECK(vm["copies"] == vm["app_rx_frames"]);
  CHECK(vm["app_rx_frames"].get<std::uint64_t>() + vm["backlog_drops"].get<std::uint64_t>() == vm["rx_frames"]);
  for (const auto& f : m["functions"]) {
    INFO(f["name"]);
    CHECK(f["rx_not_addressed_to_it"] == 0);  // the PF may receive the bridged VM's frames
    if (f["name"] == "port0.vf3") CHECK(f["rx_frames"] == 0);  // its VF stays unused
    else if (f["kind"] == "vf") CHECK(f["app_rx_frames"] == f["rx_frames"]);
  }
  CHECK(m["host"]["cpu"]["cycles"]["lookup"]["count"].get<std::uint64_t>() >= vm["rx_frames"].get<std::uint64_t>());
  CHECK(m["conservation"]["balanced"] == true);
}

TEST_CASE("modes: per VM, a VMDq pool of the hypervisor's next to VFs") {
  const auto m = test::run(kBase, {"port0.vf2.mode=vmdq", "port0.vf5.mode=vswitch"});
  REQUIRE(m["vms"].size() == 2);
  const auto& q = m["vms"][0];  // the PF hosts vf2's VM in vf2's pool: the NIC sorts, the PF copies
  const auto& b = m["vms"][1];  // vf5's VM behind the bridge: looked up, then copied
  CHECK(q["name"] == "port0.vf2");
  CHECK(q["netqueue"] == true);
  CHECK(b["name"] == "port0.vf5");
  CHECK(b["netqueue"] == false);
  for (const auto& v : {q, b}) {
    CHECK(v["rx_frames"].get<std::uint64_t>() > 100);
    CHECK(v["copies"] == v["app_rx_frames"]);
    CHECK(v["app_rx_frames"].get<std::uint64_t>() + v["backlog_drops"].get<std::uint64_t>() == v["rx_frames"]);
  }
  // vf2's frames came on the queue of its pool (pool 2: queue 4 on the 82599's 2 x 64 layout)
  REQUIRE(q["queues"].size() == 1);
  CHECK(q["queues"][0]["queue"] == 4);
  CHECK(q["queues"][0]["default_queue"] == false);
  // and through the PF's memory: the PF's function received them, the VF none
  for (const auto& f : m["functions"]) {
    INFO(f["name"]);
    CHECK(f["rx_not_addressed_to_it"] == 0);
    CHECK(f["iommu_faults"] == 0);
    if (f["name"] == "port0.vf2" || f["name"] == "port0.vf5") CHECK(f["rx_frames"] == 0);
  }
  // a lookup only for what came through the default queue (vf5's frames), not for vf2's
  const std::uint64_t lookups = m["host"]["cpu"]["cycles"]["lookup"]["count"];
  CHECK(lookups >= b["rx_frames"].get<std::uint64_t>());
  CHECK(lookups < b["rx_frames"].get<std::uint64_t>() + q["rx_frames"].get<std::uint64_t>() / 2);
  CHECK(m["conservation"]["balanced"] == true);
}
