// scenarios/figure5-combined.yaml (Figure 5 of the VT-c brief): bare-metal processes and VMs on
// VFs, emulated VMs behind the PF's software bridge, and each VF bonded active-backup with its
// twin on the other port; port 0's link fails 6.3 ms into the traffic. Checked: isolation (no
// function or VM sees another's unicast), the host CPU split (bare-metal VFs cause no VM exit,
// the bridge's VMs are copied to), and the failover against what the scenario implies: the
// bond fails over at its first link check after the failure, loses what the partner sent in
// between, and port 1 then carries port 0's traffic.
#include <catch2/catch.hpp>

#include <cmath>

#include "model/core/scenario.h"
#include "testbench/support.h"

using namespace iovsim;

TEST_CASE("Figure 5: isolation, the host's cost and the bond's failover") {
  const std::string yaml = read_text_file(IOVSIM_SOURCE_DIR "/scenarios/figure5-combined.yaml");
  const Scenario s = load_scenario(yaml, "figure5");
  const auto m = test::run(yaml);
  REQUIRE(m["conservation"]["balanced"] == true);

  // Isolation: nothing reached a function or a VM that was not addressed to it.
  for (const auto& f : m["functions"]) {
    INFO(f["name"]);
    CHECK(f["rx_not_addressed_to_it"] == 0);
    CHECK(f["driver_rx_foreign_unicast"] == 0);
    CHECK(f["iommu_faults"] == 0);
  }
  REQUIRE(m["vms"].size() == 2);  // the bridge's emulated VMs, both on port 0's PF
  for (const auto& v : m["vms"]) {
    INFO(v["name"]);
    CHECK(v["rx_frames"].get<std::uint64_t>() > 20);
    CHECK(v["app_rx_frames"].get<std::uint64_t>() + v["backlog_drops"].get<std::uint64_t>() == v["rx_frames"]);
    CHECK(v["copies"] == v["app_rx_frames"]);  // the bridge copies each frame to its VM
  }

  // The host's cost: VM exits come from the VMs' VF interrupts and the bridge's notifications,
  // never from the bare-metal processes' VFs (vf0, vf1) or the PFs.
  std::uint64_t vm_irqs = 0;
  for (const auto& f : m["functions"]) {
    const std::string n = f["name"];
    if (f["kind"] == "vf" && n.find(".vf0") == std::string::npos && n.find(".vf1") == std::string::npos)
      vm_irqs += f["driver"]["interrupts"].get<std::uint64_t>();
  }
  const auto& cyc = m["host"]["cpu"]["cycles"];
  const std::uint64_t exits = cyc["vm_exit"]["count"], virqs = cyc["virtual_interrupt"]["count"];
  CHECK(virqs > 0);
  CHECK(exits - virqs <= vm_irqs);
  CHECK(static_cast<double>(exits - virqs) >= 0.9 * static_cast<double>(vm_irqs));

  // The failover. The partner's rate to the VFs: load x link over the mean frame slot, the
  // VFs' share of the destinations (10 of 13).
  const WireCfg& w = s.port[0].wire;
  double n = 0, bytes = 0;
  for (const auto& [size, weight] : w.frame_sizes) n += weight, bytes += weight * (size + 20);
  const double vf_fps = w.load * s.device.link_gbps * 1e9 / (8 * bytes / n) * 10.0 / 13.0;
  const double down_ns = s.port[0].link_down_at_us * 1e3, mii_ns = s.host.bond_miimon_us * 1e3;
  const double failover_ns = std::ceil(down_ns / mii_ns) * mii_ns;  // its first link check after
  const auto& b = m["bond"];
  CHECK(b["link_down_ns"].get<double>() == Approx(down_ns));
  CHECK(b["failover_ns"].get<double>() == Approx(failover_ns));
  CHECK(b["recovery_ns"].get<double>() >= failover_ns - down_ns);
  CHECK(b["recovery_ns"].get<double>() < failover_ns - down_ns + 200e3);  // plus the first frame's way up
  // Lost: what the partner flooded to port 1 before the bond took it (Poisson: within 4 sigma).
  std::uint64_t lost = 0, after = 0;
  for (const auto& f : m["functions"])
    if (f["port"] == 1 && f["kind"] == "vf") {
      lost += f["bond_inactive_drops"].get<std::uint64_t>();
      after += f["app_rx_frames"].get<std::uint64_t>();
      CHECK(f["app_rx_frames"].get<std::uint64_t>() + f["bond_inactive_drops"].get<std::uint64_t>() +
                f["app_backlog_drops"].get<std::uint64_t>() == f["rx_frames"]);
    }
  CHECK(lost > 20);
  CHECK(after > 100);
  const double want_lost = vf_fps * (failover_ns - down_ns) * 1e-9;
  CHECK(std::fabs(static_cast<double>(lost) - want_lost) < 4 * std::sqrt(want_lost));
  const double want_after = vf_fps * (s.duration_us * 1e3 - failover_ns) * 1e-9;
  CHECK(std::fabs(static_cast<double>(after) - want_after) < 4 * std::sqrt(want_after));
  // Port 0 carried the VFs' traffic until its link failed, and nothing after.
  std::uint64_t before = 0;
  for (const auto& f : m["functions"])
    if (f["port"] == 0 && f["kind"] == "vf") before += f["rx_frames"].get<std::uint64_t>();
  const double want_before = vf_fps * down_ns * 1e-9;
  CHECK(std::fabs(static_cast<double>(before) - want_before) < 4 * std::sqrt(want_before));
}
