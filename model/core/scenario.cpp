#include "model/core/scenario.h"

#include "model/core/frame.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <limits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "model/core/device_profile.h"
#include "model/core/frame.h"

namespace iovsim {

namespace {

struct Range {
  double lo, hi;
};

// ---------------------------------------------------------------- typed values
bool parse_vf_index(const std::string& s, unsigned& vf) {
  if (s.size() < 3 || s.compare(0, 2, "vf") != 0 || s.size() > 12) return false;
  if (!std::all_of(s.begin() + 2, s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  const unsigned long long v = std::stoull(s.substr(2));
  if (v > 0xFFFFFFFFull) return false;
  vf = static_cast<unsigned>(v);
  return true;
}

std::string to_text(const StationMac& m) { return m.fixed ? m.fixed->str() : "auto"; }
std::string parse_text(const std::string& s, StationMac& out) {
  if (s == "auto") {
    out.fixed.reset();
    return {};
  }
  out.fixed = MacAddress::parse(s);
  return out.fixed ? "" : fmt::format("'{}' is not a MAC address aa:bb:cc:dd:ee:ff", s);
}
std::string to_text(const Ipv4Address& a) {
  return a.set ? fmt::format("{}.{}.{}.{}", a.octets[0], a.octets[1], a.octets[2], a.octets[3]) : "";
}
std::string parse_text(const std::string& s, Ipv4Address& out) {
  out = Ipv4Address{};
  if (s.empty()) return {};
  unsigned v[4];
  char tail = 0;
  if (std::sscanf(s.c_str(), "%u.%u.%u.%u%c", &v[0], &v[1], &v[2], &v[3], &tail) != 4 || v[0] > 255 || v[1] > 255 ||
      v[2] > 255 || v[3] > 255)
    return fmt::format("'{}' is not an IPv4 address a.b.c.d", s);
  for (unsigned i = 0; i < 4; ++i) out.octets[i] = static_cast<std::uint8_t>(v[i]);
  out.set = true;
  return {};
}
std::string to_text(const std::optional<MacAddress>& m) { return m ? m->str() : ""; }
std::string parse_text(const std::string& s, std::optional<MacAddress>& out) {
  if (s.empty()) {
    out.reset();
    return {};
  }
  out = MacAddress::parse(s);
  return out ? "" : fmt::format("'{}' is not a MAC address aa:bb:cc:dd:ee:ff", s);
}
std::string to_text(const std::vector<MacAddress>& v) {
  std::string t;
  for (const MacAddress& m : v) t += (t.empty() ? "" : ",") + m.str();
  return t;
}
std::string parse_text(const std::string& s, std::vector<MacAddress>& out) {
  out.clear();
  std::stringstream groups(s);
  for (std::string g; std::getline(groups, g, ',');) {
    auto m = MacAddress::parse(g);
    if (!m || !m->is_multicast()) return fmt::format("'{}' is not a multicast MAC address", g);
    out.push_back(*m);
  }
  return {};
}

template <class T>
struct is_text_value : std::false_type {};
template <> struct is_text_value<StationMac> : std::true_type {};
template <> struct is_text_value<std::optional<MacAddress>> : std::true_type {};
template <> struct is_text_value<std::vector<MacAddress>> : std::true_type {};
template <> struct is_text_value<TxTarget> : std::true_type {};
template <> struct is_text_value<Ipv4Address> : std::true_type {};

// The one list of keys. Each visitor implements field/choice/weights/section/indexed.
// Keys the link partner's and a VM's traffic share: their frames' headers, a trace to replay.
template <class V>
void visit_headers(V& v, L3Kind& l3, L4Kind& l4) {
  v.choice("l3", l3, {{"ipv4", L3Kind::ipv4}, {"ipv6", L3Kind::ipv6}}, "network header of its frames");
  v.choice("l4", l4, {{"udp", L4Kind::udp}, {"tcp", L4Kind::tcp}}, "transport header of its frames");
}
template <class V>
void visit_trace(V& v, std::string& file, TraceTiming& timing, double& scale, const char* what,
                 const char* timing_doc) {
  v.field("trace", file, what);
  v.choice("trace_timing", timing,
           {{"keep", TraceTiming::keep}, {"scale", TraceTiming::scale}, {"line_rate", TraceTiming::line_rate}},
           timing_doc);
  v.field("trace_scale", scale, Range{1e-6, 1e6}, "trace_timing scale: gaps multiplied by this (0.5: twice as fast)");
}

template <class V>
void visit_function(V& v, FunctionCfg& f) {
  v.field("mac", f.mac, "MAC address aa:bb:cc:dd:ee:ff, or auto");
  v.field("rate_limit_mbps", f.rate_limit_mbps, Range{0, 100000},
          "Tx rate limit of this function's pool in Mb/s (RTTBCNRC), 0 = off");
  v.field("bad_dma", f.bad_dma,
          "misbehaving driver: posts Rx buffer addresses outside its VM's memory");
  v.field("no_bus_master", f.no_bus_master,
          "misbehaving driver: leaves Bus Master Enable clear, so the function may not DMA");
  v.field("rss", f.rss,
          "RSS spreads this pool's flows over its queues (82599: every pool of the port)");
  v.field("spoofchk", f.spoofchk, "PF enables MAC and VLAN anti-spoofing for this VF");
  v.field("trusted", f.trusted, "PF policy: the VF may change an administratively set MAC (an auto one always)");
  v.field("vlan", f.vlan, Range{0, 4095}, "VLAN the VF asks the PF for via the mailbox, 0 = none");
  v.field("multicast", f.multicast, "multicast groups the VM joins (comma-separated MACs)");
  v.field("request_mac", f.request_mac, "MAC the VM asks to switch to via the mailbox, or empty");
  v.field("netqueue", f.netqueue,
          "vmdq mode: the hypervisor gives this VM its own queue (else it shares the default)");
  v.choice("mode", f.vm_mode, {{"sriov", Mode::sriov}, {"vmdq", Mode::vmdq}, {"vswitch", Mode::vswitch}},
           "a VF entry in sriov mode: sriov, its VM uses the VF; vmdq, the PF hosts the VM in the VF's pool (a VMDq filter and queue of the hypervisor's, its hand-off host.cpu.vmdq_handoff); vswitch, the VM is emulated behind the PF's software bridge (its MAC reaches the PF's default queue; Figure 5's emulated VMs); the VF stays unused in both");
  v.field("bare_metal", f.bare_metal,
          "sriov: the VF belongs to a process of the host, not a VM (its interrupts cause no VM exit)");
  v.field("bridge_vms", f.bridge_vms, Range{0, 64},
          "PF in sriov mode: emulated VMs behind the PF's software bridge (MACs 02:1b:21:01:PP:KK), reached through the PF's default queue, looked up and copied like vswitch mode");
  v.choice("driver", f.driver, {{"napi", DriverMode::napi}, {"poll", DriverMode::poll}, {"external", DriverMode::external}},
           "napi: interrupts (MSI-X) and NAPI polling, as igb/igbvf/ixgbe/ixgbevf; poll: a timed poll loop (DPDK-style) every host.poll_interval_us; external: no driver model, a driver outside the model owns the function (port 0's PF under iovsim serve, docs/linux.md)");
  v.choice("itr", f.itr,
           {{"default", ItrMode::driver_default}, {"off", ItrMode::off}, {"fixed", ItrMode::fixed},
            {"dynamic", ItrMode::dynamic}, {"conservative", ItrMode::conservative}},
           "interrupt throttling: the driver's default (igb/igbvf conservative, ixgbe/ixgbevf dynamic), off, fixed (itr_usecs), dynamic, conservative (igb/igbvf only)");
  v.field("itr_usecs", f.itr_usecs, Range{10, 8191}, "the interval of itr: fixed, in microseconds");
  v.section("qos", "this function's queues in the port's Tx arbitration (device.tx_arbiter)", [&] {
    v.field("weight", f.qos_weight, Range{1, 1000},
            "wrr: frames per turn; dwrr: quanta (device.dwrr_quantum_bytes) per turn");
    v.field("priority", f.qos_priority, Range{0, 7}, "strict: priority level, 0 the highest");
    v.field("tc", f.qos_tc, Range{0, 7},
            "device.dcb: the traffic class of the function's Tx queue (its pool's queue tc: the default queue the PF gives the VF, IXGBE_VF_DEF_QUEUE)");
  });
  v.section("hostile", "a malicious driver (VFs only): after bring-up, random operations instead of a driver", [&] {
    v.field("ops_per_us", f.hostile.ops_per_us, Range{0, 1000},
            "hostile operations per microsecond of simulated time, 0 = a well-behaved driver");
    v.field("mmio", f.hostile.mmio, Range{0, 1e6}, "weight: random reads and writes anywhere in its BAR0");
    v.field("rings", f.hostile.rings, Range{0, 1e6},
            "weight: ring registers (bases, lengths, heads, tails, enables) set to arbitrary values");
    v.field("descriptors", f.hostile.descriptors, Range{0, 1e6},
            "weight: descriptors with arbitrary addresses and lengths, then a tail write");
    v.field("mailbox", f.hostile.mailbox, Range{0, 1e6}, "weight: garbage messages and floods to the PF");
    v.field("theft", f.hostile.theft, Range{0, 1e6},
            "weight: asks the PF for a neighbour's MAC, random VLANs, many multicast groups");
  });
  v.section("tx", "traffic the VM's application sends through this function", [&] {
    v.field("load_mbps", f.tx.load_mbps, Range{0, 100000}, "offered load in Mb/s, 0 = none");
    v.field("frame_bytes", f.tx.frame_bytes, Range{64, 9728}, "frame size incl. FCS");
    v.field("to", f.tx.to, "destination: wire | pf | vfN | broadcast | unknown | a MAC");
    v.field("vlan", f.tx.vlan, Range{0, 4095}, "VID the VM tags its frames with, 0 = untagged");
    v.field("spoof_mac", f.tx.spoof_mac, "the VM forges its source MAC address");
    visit_headers(v, f.tx.l3, f.tx.l4);
    visit_trace(v, f.tx.trace, f.tx.trace_timing, f.tx.trace_scale,
                "a pcap or pcapng file (Ethernet, without FCS) the VM's application sends instead of generating (load_mbps, frame_bytes, to, vlan, l3, l4 then unused)",
                "the trace's times: keep (as captured, from the traffic window's start), scale (multiplied by trace_scale), line_rate (one frame time apart at the link rate)");
    v.field("trace_own_mac", f.tx.trace_own_mac,
            "the trace's source MAC addresses are replaced by the function's (false: sent as captured, which anti-spoofing may drop)");
  });
}

template <class V>
void visit_scenario(V& v, Scenario& s) {
  v.field("name", s.name, "scenario name, echoed in the metrics");
  v.field("warmup_us", s.warmup_us, Range{0, 1e7},
          "bring-up time before traffic starts (drivers enable SR-IOV, mailbox, rings)");
  v.field("duration_us", s.duration_us, Range{0.001, 1e8},
          "simulated time with traffic, after the warm-up; rates are over this window");
  v.field("drain_us", s.drain_us, Range{0, 1e7},
          "time after traffic stops for Tx rings to drain before the run ends");
  v.field("seed", s.seed, "random seed; the same seed gives identical metrics");
  v.field("quantum_ns", s.quantum_ns, Range{1, 1e6},
          "TLM-2.0 global quantum: how far a process may run ahead of kernel time");
  v.field("time_series_interval_us", s.time_series_interval_us, Range{0, 1e7},
          "sample every Gb/s rate (ports, functions, queues) this often during the traffic window into <rate>_series arrays; 0 = off; at least 10 x quantum_ns");
  v.field("tlm_dma", s.tlm_dma,
          "DMA engines issue every transfer as a TLM transaction on their socket (same results, slower)");
  v.field("frame_burst", s.frame_burst, Range{1, kMaxFrameBurst},
          "frames the wire hands the MAC, sorter and Rx DMA per call (same results; 1 = one at a time)");
  v.section("device", "the Ethernet controller", [&] {
    v.choice("preset", s.device.preset, {"82576", "82599"},
             "controller: IDs, SR-IOV values, table sizes");
    v.choice("mode", s.device.mode, {{"sriov", Mode::sriov}, {"vmdq", Mode::vmdq}, {"vswitch", Mode::vswitch}},
             "sriov: each VM owns a VF; vmdq: the hypervisor owns the queues the NIC sorts into (NetQueue/VMQ); vswitch: everything arrives in the hypervisor's queue and its software switch looks up and copies each frame");
    v.field("ports", s.device.ports, Range{1, 2},
            "physical ports, one PF each (the 82576 and 82599 are dual-port devices)");
    v.field("vfs_per_port", s.device.vfs_per_port, Range{0, 63},
            "VMs per port: a VF (sriov) or a pool of the PF (vmdq) each; at most 7 (82576), 63 (82599)");
    v.field("link_gbps", s.device.link_gbps, Range{1, 100}, "line rate: 1, 10, 25, 40 or 100");
    v.choice("unmatched_unicast", s.device.unmatched_unicast,
             {{"default_pool", UnmatchedUnicast::default_pool}, {"drop", UnmatchedUnicast::drop}},
             "unicast that matches no filter: to the PF's default pool, or dropped");
    v.field("loopback", s.device.loopback, "VF-to-VF switching inside the port (VEB)");
    v.choice("bond", s.device.bond, {{"none", BondMode::none}, {"active_backup", BondMode::active_backup}},
             "Linux bonding in each VM of VF M of port 0 (active) with VF M of port 1 (backup, same MAC): when port 0's link fails the partner floods to port 1 and the bond fails over at its next link check (host.bond_miimon_us)");
    v.field("rx_packet_buffer_kb", s.device.rx_packet_buffer_kb, Range{0, 4096},
            "on-chip Rx packet buffer per port in KB, 0 = the preset's (82576: 64, 82599: 512)");
    v.field("tx_packet_buffer_kb", s.device.tx_packet_buffer_kb, Range{0, 4096},
            "on-chip Tx packet buffer per port in KB, 0 = the preset's (82576: 40, 82599: 160)");
    v.field("write_back_flush_us", s.device.write_back_flush_us, Range{0, 1e6},
            "a partial descriptor write-back batch (WTHRESH > 1) is flushed after this (EITR stand-in)");
    v.field("max_frame_bytes", s.device.max_frame_bytes, Range{64, 9728},
            "largest frame the MAC accepts, incl. FCS");
    v.field("frame_pool", s.device.frame_pool, Range{16, 1 << 20},
            "frame slots the model preallocates");
    v.field("rar_entries", s.device.rar_entries, Range{0, 128},
            "receive address filters (RAL/RAH), 0 = the preset's (82576: 24, 82599: 128)");
    v.field("vlvf_entries", s.device.vlvf_entries, Range{0, 64},
            "pool VLAN filters (VLVF), 0 = the preset's (82576: 32, 82599: 64)");
    v.field("flow_control", s.device.flow_control,
            "802.3x flow control: the PF driver programs it as igb / ixgbe do for mode full (XOFF at the Rx buffer's high water mark, XON below the low one) and the link partner honours the pauses; false: mode none, a full buffer drops");
    v.choice("tx_arbiter", s.device.tx_arbiter,
             {{"rr", TxArbiterKind::rr}, {"wrr", TxArbiterKind::wrr}, {"dwrr", TxArbiterKind::dwrr},
              {"strict", TxArbiterKind::strict}},
             "Tx arbitration between the port's queues: rr (the parts' round robin without DCB), or the what-if wrr (frame-fair, qos.weight), dwrr (byte-fair, qos.weight), strict (qos.priority)");
    v.field("dwrr_quantum_bytes", s.device.dwrr_quantum_bytes, Range{0, 65535},
            "dwrr: bytes per weight unit, at least max_frame_bytes; 0 = max_frame_bytes");
    v.field("rate_window_kb", s.device.rate_window_kb, Range{0, 2047},
            "the rate limiters' memory window the PF driver writes (RTTBCNRM.MMW_SIZE, KB): how far a rate-limited queue delayed while it had work may catch up; 0 = the driver's (igb 20, ixgbe 4)");
    v.section("dcb", "82599 DCB transmit arbitration: traffic classes programmed as ixgbe does (docs/scenarios.md)", [&] {
      v.field("tcs", s.device.dcb.tcs, Range{0, 8},
              "traffic classes, 0 (no DCB), 4 or 8: the 82599's VT layout becomes 32 pools x 4 queues or 16 x 8 (queue n of a pool is class n), the Tx descriptor arbiter weighted strict priority (RTTDCS.TDPAC)");
      v.choice("vm_arbiter", s.device.dcb.vm_arbiter, {{"rr", VmArbiter::rr}, {"wrr", VmArbiter::wrr}},
               "between the queues (the pools) of one class: rr, round robin as ixgbe leaves it (RTTDCS.VMPAC 0, RTTDT1C 0); wrr, the VM arbiter's weighted round robin, each pool's RTTDT1C credits its function's qos.weight x 12 (64-byte credits)");
      v.choice("rx_arbiter", s.device.dcb.rx_rr, {{"wsp", false}, {"rr", true}},
               "between the classes' Rx packet buffers: wsp, weighted strict priority by the classes' credits as ixgbe programs it (RTRPCS.RAC 1, RTRPT4C); rr, round robin, a frame from each class in turn (RAC 0)");
      static const char* const kTc[] = {"tc0", "tc1", "tc2", "tc3", "tc4", "tc5", "tc6", "tc7"};
      for (unsigned t = 0; t < 8; ++t)
        v.section(kTc[t], "one traffic class", [&, t] {
          v.field("bandwidth_percent", s.device.dcb.tc[t].bandwidth_percent, Range{0, 100},
                  "its share of the link (the classes' shares add up to 100; all 0: ixgbe's default, 100 / tcs each)");
          v.field("strict", s.device.dcb.tc[t].strict,
                  "link strict priority (RTTDT2C.LSP, IEEE 802.1Qaz TSA strict): served before every other class, whatever its credit");
        });
    });
  });
  v.section("sorter", "the L2 sorter (VEB) of every port", [&] {
    v.choice("impl", s.sorter_impl, {{"cpp", CoreImpl::cpp}, {"rtl", CoreImpl::rtl}},
             "cpp: the C++ core (hls/sorter); rtl: its Verilated RTL (hls/sorter/rtl) in the loop, every frame through the pipeline (same decisions, slower)");
  });
  v.section("scheduler", "the Tx arbitration core of every port", [&] {
    v.choice("impl", s.scheduler_impl, {{"cpp", CoreImpl::cpp}, {"rtl", CoreImpl::rtl}},
             "cpp: the C++ core (hls/scheduler); rtl: its Verilated RTL (hls/scheduler/rtl) in the loop, one clock per decision");
  });
  v.section("pcie", "the PCIe link to the host", [&] {
    v.field("gen", s.pcie.gen, Range{0, 5},
            "PCIe generation, 0 = the preset's (82576: 1, i.e. 2.5 GT/s; 82599: 2, 5 GT/s)");
    v.field("lanes", s.pcie.lanes, Range{0, 16},
            "link width: 1, 2, 4, 8 or 16; 0 = the preset's (82576: 4, 82599: 8)");
    v.field("max_payload_bytes", s.pcie.max_payload_bytes, Range{128, 4096},
            "MPS: largest write TLP payload (power of two)");
    v.field("max_read_request_bytes", s.pcie.max_read_request_bytes, Range{128, 4096},
            "MRRS: largest read request (power of two)");
    v.field("read_completion_boundary_bytes", s.pcie.read_completion_boundary_bytes,
            Range{64, 128}, "RCB of the root port: read completions split on these boundaries (64 or 128)");
    v.field("completions_at_rcb", s.pcie.completions_at_rcb,
            "the root returns one completion per RCB (else as large as MPS allows)");
    v.field("read_latency_ns", s.pcie.read_latency_ns, Range{0, 1e5},
            "host memory read latency seen by a DMA read, beyond link transfer time");
    v.field("mmio_latency_ns", s.pcie.mmio_latency_ns, Range{0, 1e5},
            "one-way latency of a CPU register access, beyond link transfer time");
    v.field("ack_interval_symbols", s.pcie.ack_interval_symbols, Range{0, 65536},
            "symbol times between ACK DLLPs on a busy link, 0 = the spec's Ack latency limit");
    v.field("update_fc_interval_symbols", s.pcie.update_fc_interval_symbols, Range{0, 65536},
            "symbol times between UpdateFC DLLPs on a busy link, 0 = the same spec table");
    v.field("posted_header_credits", s.pcie.posted_header_credits, Range{1, 4096},
            "posted header credits the root port advertises (device writes)");
    v.field("posted_data_credits", s.pcie.posted_data_credits, Range{1, 65536},
            "posted data credits (16 bytes each) the root port advertises");
    v.field("nonposted_header_credits", s.pcie.nonposted_header_credits, Range{1, 4096},
            "non-posted header credits the root port advertises (device reads)");
    v.field("credit_return_ns", s.pcie.credit_return_ns, Range{0, 1e5},
            "time from a TLP reaching the root port to its credits' UpdateFC");
    v.field("max_outstanding_reads", s.pcie.max_outstanding_reads, Range{1, 256},
            "read requests the device may have outstanding (32: 5-bit tags)");
  });
  v.section("host", "host memory and the driver models", [&] {
    v.field("vm_memory_kb", s.host.vm_memory_kb, Range{64, 1 << 22},
            "guest memory of each VM (and of the PF's host driver)");
    v.field("poll_interval_us", s.host.poll_interval_us, Range{0.1, 1e6},
            "poll-mode drivers poll their rings, and the VMs' applications hand frames to their driver, at this period");
    v.field("watchdog_us", s.host.watchdog_us, Range{1, 1e7},
            "the PF driver's watchdog period: spoof checks (igb/ixgbe run theirs every 2 s)");
    v.field("rx_ring_entries", s.host.rx_ring_entries, Range{8, 4096},
            "Rx descriptors per ring (multiple of 8)");
    v.field("tx_ring_entries", s.host.tx_ring_entries, Range{8, 4096},
            "Tx descriptors per ring (multiple of 8)");
    v.field("rx_buffer_bytes", s.host.rx_buffer_bytes, Range{1024, 16384},
            "Rx buffer per descriptor (multiple of 1024, SRRCTL.BSIZEPACKET)");
    v.field("iova_base_gb", s.host.iova_base_gb, Range{0, 1 << 20},
            "IO-virtual address of each function's memory in GB; 4 or more puts DMA above 4 GB (4 DW TLP headers)");
    v.choice("pf_mac_policy", s.host.pf_mac_policy,
             {{"driver", PfMacPolicy::driver}, {"strict", PfMacPolicy::strict}},
             "what the PF grants a VF's SET_MAC_ADDR: driver (igb's and ixgbe's: any valid MAC unless the administrator set the VF's), strict (also never a MAC the PF or another VF has)");
    v.field("tx_head_writeback", s.host.tx_head_writeback,
            "drivers enable Tx head write-back (TDWBAL) and reclaim by it (Linux does not)");
    v.field("bond_miimon_us", s.host.bond_miimon_us, Range{1, 1e7},
            "bonding's link monitor period (the kernel's miimon, in us; its documentation's examples use 100 ms)");
    v.field("bond_downdelay_us", s.host.bond_downdelay_us, Range{0, 1e7},
            "bonding's downdelay: how long a link must stay down before the bond fails over");
    v.section("cpu", "the host CPU model: cores and the cycles of each piece of software work (docs/fidelity.md)", [&] {
      CpuCfg& c = s.host.cpu;
      v.field("cores", c.cores, Range{1, 1024}, "host cores");
      v.field("clock_ghz", c.clock_ghz, Range{0.1, 10}, "their clock");
      v.field("hypervisor_cores", c.hypervisor_cores, Range{1, 1023},
              "cores 0..N-1 run the PF drivers and the hypervisor's switch (port p on core p mod N); each VM's driver runs on one of the others (VM k on core N + k mod (cores - N))");
      v.field("rx_frame_cycles", c.rx_frame_cycles, Range{0, 1e7}, "a driver and its stack receiving one frame");
      v.field("tx_frame_cycles", c.tx_frame_cycles, Range{0, 1e7}, "a driver and its stack sending one frame");
      v.field("interrupt_cycles", c.interrupt_cycles, Range{0, 1e7}, "an interrupt: entry, handler, NAPI schedule, exit");
      v.field("vm_exit_cycles", c.vm_exit_cycles, Range{0, 1e7},
              "a VM exit and entry with the hypervisor's handling (a VF interrupt without posted interrupts; a VM's notification of the hypervisor)");
      v.field("virq_cycles", c.virq_cycles, Range{0, 1e7}, "the hypervisor injecting a virtual interrupt into a VM");
      v.field("lookup_cycles", c.lookup_cycles, Range{0, 1e7}, "a software switch forwarding one frame: its L2 lookup and code path (the copy apart)");
      v.field("copy_cycles_per_byte", c.copy_cycles_per_byte, Range{0, 1e3}, "copying frame data (per byte)");
      v.field("copy_setup_cycles", c.copy_setup_cycles, Range{0, 1e7}, "and per copy");
      v.field("flip_cycles", c.flip_cycles, Range{0, 1e7}, "remapping one buffer page into a VM (vmdq_handoff flip)");
      v.field("backlog_frames", c.backlog_frames, Range{1, 1u << 20},
              "frames a core holds waiting for it before it drops them (Linux net.core.netdev_max_backlog: 1000)");
      v.field("posted_interrupts", c.posted_interrupts,
              "sriov: a VF's interrupts reach the guest without a VM exit (posted interrupts)");
      v.choice("vmdq_handoff", c.vmdq_handoff, {{"copy", Handoff::copy}, {"flip", Handoff::flip}},
               "vmdq: the hypervisor hands a received buffer to its VM by copying it or by a page flip");
    });
  });
  s.port.resize(s.device.ports);
  for (PortCfg& p : s.port) p.vf.resize(s.device.vfs_per_port);
  v.indexed("port", s.port, "per physical port", [&](PortCfg& p, unsigned) {
    v.field("link_down_at_us", p.link_down_at_us, Range{0, 1e9},
            "the port's link fails this long after traffic starts (the partner stops sending on it), 0 = never");
    v.section("wire", "traffic arriving from the wire (the link partner)", [&] {
      v.choice("pattern", p.wire.pattern,
               {{"constant", Pattern::constant}, {"poisson", Pattern::poisson}, {"off", Pattern::off}},
               "inter-arrival process");
      v.field("load", p.wire.load, Range{0, 1}, "offered load as a fraction of line rate");
      v.weights("frame_sizes", p.wire.frame_sizes, "frame size in bytes (incl. FCS) -> weight");
      v.weights("destinations", p.wire.destinations,
                "destination -> weight: vfs (all VFs evenly), vfN, pf, broadcast, unknown, "
                "or a MAC address (e.g. a multicast group)");
      v.field("fcs_error_rate", p.wire.fcs_error_rate, Range{0, 1},
              "fraction of frames with a bad FCS");
      v.field("vlan", p.wire.vlan, Range{0, 4095}, "VID the link partner tags frames with, 0 = none");
      v.weights("priorities", p.wire.priorities,
                "destination (as in destinations) -> the 802.1p priority (PCP, 0..7) in its frames' VLAN tag (needs vlan); the others 0. With device.dcb the 82599 puts a frame in the traffic class RTRUP2TC maps its priority to");
      v.field("answer_ipv4", p.wire.answer_ipv4,
              "the link partner as a host: it answers ARP requests and ICMP echo requests for this IPv4 address (empty: it answers nothing)");
      v.field("answer_mac", p.wire.answer_mac, "the MAC it answers from (empty: 02:00:00:00:fe:0P, P the port)");
      v.field("answer_us", p.wire.answer_us, Range{0, 1e6}, "its turnaround: a reply starts this long after the request's last bit");
      visit_headers(v, p.wire.l3, p.wire.l4);
      visit_trace(v, p.wire.trace, p.wire.trace_timing, p.wire.trace_scale,
                  "a pcap or pcapng file (Ethernet, without FCS) the link partner replays instead of generating: its frames from the traffic window's start, until the trace or the window ends (pattern, load, frame_sizes, destinations, vlan, l3, l4 then unused)",
                  "the trace's times: keep (as captured, from the traffic window's start), scale (multiplied by trace_scale), line_rate (back to back)");
    });
    v.section("pf", "the physical function's host driver", [&] { visit_function(v, p.pf); });
    v.indexed("vf", p.vf, "per virtual function (one VM each)",
              [&](FunctionCfg& f, unsigned) { visit_function(v, f); });
  });
}

// The upper bound to print for an integer key: its range's, or its type's when that is lower
// (the seed has no range of its own: any unsigned 64-bit value).
template <class T>
std::string range_hi(Range r) {
  if (r.hi >= static_cast<double>(std::numeric_limits<T>::max()))
    return std::to_string(std::numeric_limits<T>::max());
  return fmt::format("{}", r.hi);
}

// ---------------------------------------------------------------- reader
class Reader {
public:
  // `overridden`: key paths given with --set; errors under them name --set, not a line.
  Reader(YAML::Node root, std::string origin, std::set<std::string> overridden = {})
      : origin_(std::move(origin)), overridden_(std::move(overridden)) {
    stack_.push_back({std::move(root), "", {}});
    check_duplicates(stack_.back().node);
  }

  template <class T>
  void field(const char* key, T& value, const char* doc) {
    field(key, value, Range{-1e300, 1e300}, doc);
  }
  template <class T>
  void field(const char* key, T& value, Range r, const char*) {
    YAML::Node n;
    if (!take(key, n)) return;
    if (!n.IsScalar()) fail(n, key, "expected a single value");
    if constexpr (std::is_same_v<T, std::string>) {
      value = n.Scalar();
    } else if constexpr (is_text_value<T>::value) {
      const std::string err = parse_text(n.Scalar(), value);
      if (!err.empty()) fail(n, key, err);
    } else if constexpr (std::is_same_v<T, bool>) {
      try {
        value = n.as<bool>();
      } catch (const YAML::Exception&) {
        fail(n, key, fmt::format("'{}' is not true or false", n.Scalar()));
      }
    } else if constexpr (std::is_integral_v<T>) {
      // Integers are read as integers (a double loses precision above 2^53 and lets 1e30
      // or -1 through): decimal or 0x hex digits, checked against the type and the range.
      const std::string& t = n.Scalar();
      T v{};
      const char* b = t.data();
      const char* e = t.data() + t.size();
      int base = 10;
      if (b != e && *b == '+') ++b;
      if (e - b > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X')) b += 2, base = 16;
      const auto [end, ec] = std::from_chars(b, e, v, base);
      if (ec == std::errc::result_out_of_range ||
          (ec == std::errc{} && end == e && (static_cast<double>(v) < r.lo || static_cast<double>(v) > r.hi)))
        fail(n, key, fmt::format("{} is out of range [{}, {}]", t,
                                 std::max<double>(r.lo, static_cast<double>(std::numeric_limits<T>::min())),
                                 range_hi<T>(r)));
      if (ec != std::errc{} || end != e || b == e) {
        if (!t.empty() && t[0] == '-' && std::is_unsigned_v<T>)
          fail(n, key, fmt::format("'{}' must not be negative", t));
        char* dend = nullptr;
        (void)std::strtod(t.c_str(), &dend);
        const bool numeric = !t.empty() && dend && *dend == 0;
        fail(n, key, fmt::format(numeric ? "'{}' is not a whole number" : "'{}' is not a number", t));
      }
      value = v;
    } else {
      double d = 0;
      try {
        d = n.as<double>();
      } catch (const YAML::Exception&) {
        fail(n, key, fmt::format("'{}' is not a number", n.Scalar()));
      }
      if (!std::isfinite(d)) fail(n, key, fmt::format("'{}' is not a finite number", n.Scalar()));
      if (d < r.lo || d > r.hi)
        fail(n, key, fmt::format("{} is out of range [{}, {}]", n.Scalar(), r.lo, r.hi));
      value = static_cast<T>(d);
    }
  }
  void choice(const char* key, std::string& value, std::initializer_list<const char*> options,
              const char*) {
    YAML::Node n;
    if (!take(key, n)) return;
    if (!n.IsScalar()) fail(n, key, "expected a single value");
    std::string s = n.Scalar();
    for (const char* o : options)
      if (s == o) {
        value = s;
        return;
      }
    std::string all;
    for (const char* o : options) all += fmt::format("{}{}", all.empty() ? "" : ", ", o);
    fail(n, key, fmt::format("'{}' is not one of: {}", s, all));
  }
  template <class E>
  void choice(const char* key, E& value,
              std::initializer_list<std::pair<const char*, E>> options, const char*) {
    YAML::Node n;
    if (!take(key, n)) return;
    if (!n.IsScalar()) fail(n, key, "expected a single value");
    const std::string s = n.Scalar();
    for (const auto& [name, e] : options)
      if (s == name) {
        value = e;
        return;
      }
    std::string all;
    for (const auto& o : options) all += fmt::format("{}{}", all.empty() ? "" : ", ", o.first);
    fail(n, key, fmt::format("'{}' is not one of: {}", s, all));
  }
  template <class K>
  void weights(const char* key, std::map<K, double>& value, const char*) {
    YAML::Node n;
    if (!take(key, n)) return;
    if (!n.IsMap()) fail(n, key, "expected a map of key: weight");
    push(n, key);  // checks the map for duplicate keys, with this key's path in the message
    stack_.pop_back();
    value.clear();
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string k = it->first.Scalar();
      double w = 0;
      try {
        w = it->second.as<double>();
      } catch (const YAML::Exception&) {
        fail(it->second, key, fmt::format("weight of '{}' is not a number", k));
      }
      if (w < 0) fail(it->second, key, fmt::format("weight of '{}' is negative", k));
      if constexpr (std::is_same_v<K, unsigned>) {
        char* end = nullptr;
        unsigned long v = std::strtoul(k.c_str(), &end, 10);
        if (k.empty() || *end || v < 1 || v > 65535)
          fail(it->first, key, fmt::format("'{}' is not a frame size in bytes", k));
        value[static_cast<unsigned>(v)] = w;
      } else {
        K d;
        const std::string err = parse_text(k, d);
        if (!err.empty()) fail(it->first, fmt::format("{}.{}", key, k).c_str(), err);
        value[d] = w;
      }
    }
  }
  void section(const char* key, const char*, const std::function<void()>& body) {
    YAML::Node n;
    if (!take(key, n)) return;
    if (!n.IsMap()) fail(n, key, "expected a map");
    push(n, key);
    body();
    pop();
  }
  template <class T, class Body>
  void indexed(const char* prefix, std::vector<T>& items, const char*, const Body& body) {
    const std::size_t fi = stack_.size() - 1;  // push() below may move the stack
    if (!stack_[fi].node.IsMap()) return;
    YAML::Node node = stack_[fi].node;
    std::size_t plen = std::strlen(prefix);
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string k = it->first.Scalar();
      if (k.compare(0, plen, prefix) != 0 || k.size() == plen) continue;
      std::string digits = k.substr(plen);
      if (!std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
      // One spelling per index: port00 would be a second name for port0.
      if (digits.size() > 1 && digits[0] == '0')
        fail(it->first, k.c_str(),
             fmt::format("write {}{} (no leading zeros: one key per {})", prefix,
                         digits.find_first_not_of('0') == std::string::npos
                             ? "0" : digits.substr(digits.find_first_not_of('0')), prefix));
      const unsigned long long idx = digits.size() > 9 ? ~0ull : std::stoull(digits);
      if (idx >= items.size())
        fail(it->first, k.c_str(),
             fmt::format("index {} is out of range: there are {} {}s", digits, items.size(),
                         prefix));
      stack_[fi].seen.insert(k);
      if (!it->second.IsMap()) fail(it->second, k.c_str(), "expected a map");
      push(it->second, k);
      body(items[idx], static_cast<unsigned>(idx));
      pop();
    }
  }
  void finish() { check_unknown(stack_.back()); }

private:
  struct Frame {
    YAML::Node node;
    std::string path;
    std::set<std::string> seen;
  };
  // The value under `key` in the current map, if there is one; marks the key as known.
  bool take(const char* key, YAML::Node& out) {
    Frame& f = stack_.back();
    if (!f.node.IsMap()) return false;
    const YAML::Node& map = f.node;
    YAML::Node n = map[key];
    if (!n.IsDefined()) return false;
    f.seen.insert(key);
    if (n.IsNull()) return false;
    out = n;
    return true;
  }
  void push(YAML::Node n, const std::string& key) {
    const std::string& parent = stack_.back().path;
    stack_.push_back({std::move(n), parent.empty() ? key : parent + "." + key, {}});
    check_duplicates(stack_.back().node);
  }
  // yaml-cpp keeps both entries of a repeated key and a lookup finds the first: a second one
  // would be ignored without a word.
  void check_duplicates(const YAML::Node& map) {
    if (!map.IsMap()) return;
    std::map<std::string, int> first;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string k = it->first.Scalar();
      const auto [at, fresh] = first.emplace(k, it->first.Mark().line + 1);
      if (!fresh) fail(it->first, k.c_str(), fmt::format("duplicate key (first at line {})", at->second));
    }
  }
  void pop() {
    check_unknown(stack_.back());
    stack_.pop_back();
  }
  void check_unknown(const Frame& f) {
    if (!f.node.IsMap()) return;
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      std::string k = it->first.Scalar();
      if (!f.seen.count(k)) fail(it->first, k.c_str(), "unknown key");
    }
  }
  [[noreturn]] void fail(const YAML::Node& n, const char* key, const std::string& what) {
    const std::string& parent = stack_.back().path;
    std::string path = parent.empty() ? key : parent + "." + key;
    for (const std::string& o : overridden_)
      if (path == o || path.compare(0, o.size() + 1, o + ".") == 0)
        throw ConfigError(fmt::format("--set {}: {}: {}", o, path, what));
    YAML::Mark m = n.Mark();
    std::string where = m.is_null() ? origin_ : fmt::format("{}:{}", origin_, m.line + 1);
    throw ConfigError(fmt::format("{}: {}: {}", where, path, what));
  }
  std::string origin_;
  std::set<std::string> overridden_;
  std::vector<Frame> stack_;
};

// ---------------------------------------------------------------- writer
class Writer {
public:
  Writer() {
    out_.SetDoublePrecision(12);
    out_.SetFloatPrecision(12);
    out_ << YAML::BeginMap;
  }
  template <class T>
  void field(const char* key, T& value, const char* doc) {
    if constexpr (is_text_value<T>::value)
      out_ << YAML::Key << key << YAML::Value << to_text(value) << YAML::Comment(doc);
    else
      out_ << YAML::Key << key << YAML::Value << value << YAML::Comment(doc);
  }
  template <class T>
  void field(const char* key, T& value, Range r, const char* doc) {
    out_ << YAML::Key << key << YAML::Value << value
         << YAML::Comment(fmt::format("{} [{}..{}]", doc, r.lo, r.hi));
  }
  void choice(const char* key, std::string& value, std::initializer_list<const char*>,
              const char* doc) {
    out_ << YAML::Key << key << YAML::Value << value << YAML::Comment(doc);
  }
  template <class E>
  void choice(const char* key, E& value, std::initializer_list<std::pair<const char*, E>> options,
              const char* doc) {
    for (const auto& [name, e] : options)
      if (e == value) out_ << YAML::Key << key << YAML::Value << name << YAML::Comment(doc);
  }
  template <class K>
  void weights(const char* key, std::map<K, double>& value, const char* doc) {
    out_ << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (auto& [k, w] : value) {
      if constexpr (std::is_same_v<K, unsigned>)
        out_ << YAML::Key << k << YAML::Value << w;
      else
        out_ << YAML::Key << to_text(k) << YAML::Value << w;
    }
    out_ << YAML::EndMap << YAML::Comment(doc);
  }
  void section(const char* key, const char* doc, const std::function<void()>& body) {
    out_ << YAML::Key << key << YAML::Value << YAML::Comment(doc) << YAML::BeginMap;
    body();
    out_ << YAML::EndMap;
  }
  template <class T, class Body>
  void indexed(const char* prefix, std::vector<T>& items, const char* doc, const Body& body) {
    for (unsigned i = 0; i < items.size(); ++i)
      section(fmt::format("{}{}", prefix, i).c_str(), doc, [&] { body(items[i], i); });
  }
  std::string str() {
    out_ << YAML::EndMap;
    return std::string(out_.c_str()) + "\n";
  }

private:
  YAML::Emitter out_;
};

void apply_override(YAML::Node root, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError(fmt::format("--set {}: expected key.path=value", assignment));
  std::string path = assignment.substr(0, eq);
  if (assignment.find_first_not_of(" \t", eq + 1) == std::string::npos)
    throw ConfigError(fmt::format("--set {}: no value after '=' (leave the key out for its default)", assignment));
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("--set {}: {}", assignment, e.msg));
  }
  std::vector<std::string> keys;
  std::stringstream ss(path);
  for (std::string k; std::getline(ss, k, '.');) {
    if (k.empty()) throw ConfigError(fmt::format("--set {}: empty key in path", assignment));
    keys.push_back(k);
  }
  // yaml-cpp nodes are handles: walk down by reassigning copies, creating maps as needed.
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    YAML::Node next = chain.back()[keys[i]];
    if (next.IsDefined() && !next.IsNull() && !next.IsMap())
      throw ConfigError(fmt::format("--set {}: {} is not a map", assignment, keys[i]));
    if (!next.IsDefined() || next.IsNull()) chain.back()[keys[i]] = YAML::Node(YAML::NodeType::Map);
    chain.push_back(chain.back()[keys[i]]);
  }
  chain.back()[keys.back()] = value;
}

// A VM the hypervisor hosts only receives: none of a VF's sending, mailbox, RSS or rate settings.
bool receives_only(const FunctionCfg& f) {
  return f.tx.load_mbps <= 0 && f.tx.trace.empty() && !f.vlan && f.multicast.empty() && !f.request_mac &&
         f.rate_limit_mbps <= 0 && !f.rss;
}

void validate(const Scenario& s, const std::string& origin) {
  auto bad = [&](const std::string& key, const std::string& what) {
    throw ConfigError(fmt::format("{}: {}: {}", origin, key, what));
  };
  const DcbCfg& dcb = s.device.dcb;
  if (dcb.tcs != 0 && dcb.tcs != 4 && dcb.tcs != 8) bad("device.dcb.tcs", "0, 4 or 8 traffic classes");
  if (dcb.tcs && device_profile(s.device.preset).family != Family::i82599)
    bad("device.dcb.tcs", fmt::format("the {} has no DCB (the 82599 has)", s.device.preset));
  if (dcb.tcs) {
    if (s.device.mode != Mode::sriov) bad("device.dcb.tcs", "DCB is modelled in SR-IOV mode (device.mode sriov)");
    if (s.device.tx_arbiter != TxArbiterKind::rr)
      bad("device.tx_arbiter", "with device.dcb the DCB registers choose the arbitration: leave rr");
    if (s.scheduler_impl == CoreImpl::rtl)
      bad("scheduler.impl", "the scheduler's RTL has no DCB arbiter (hls/scheduler/rtl): use cpp with device.dcb");
    if (s.device.flow_control)
      bad("device.flow_control", "802.3x with device.dcb: the per-class buffers need priority flow control (PFC), not modelled");
    unsigned sum = 0;
    for (unsigned t = 0; t < 8; ++t) {
      if (t >= dcb.tcs && (dcb.tc[t].bandwidth_percent || dcb.tc[t].strict))
        bad(fmt::format("device.dcb.tc{}", t), fmt::format("beyond the {} traffic classes", dcb.tcs));
      sum += dcb.tc[t].bandwidth_percent;
    }
    if (sum != 0 && sum != 100)
      bad("device.dcb", fmt::format("the classes' bandwidth_percent add up to {}, not 100", sum));
  } else {
    for (unsigned t = 0; t < 8; ++t)
      if (dcb.tc[t].bandwidth_percent || dcb.tc[t].strict)
        bad(fmt::format("device.dcb.tc{}", t), "needs device.dcb.tcs 4 or 8");
    if (dcb.vm_arbiter != VmArbiter::rr) bad("device.dcb.vm_arbiter", "needs device.dcb.tcs 4 or 8");
    if (dcb.rx_rr) bad("device.dcb.rx_arbiter", "needs device.dcb.tcs 4 or 8");
  }
  const DeviceProfile& prof = device_profile(s.device.preset, dcb.tcs);
  if (s.device.vfs_per_port + 1 > prof.num_pools)
    bad("device.vfs_per_port",
        fmt::format("{} VFs plus the PF need {} pools; the {} has {}", s.device.vfs_per_port,
                    s.device.vfs_per_port + 1, prof.name, prof.num_pools));
  if (s.device.rar_entries > prof.num_rar)
    bad("device.rar_entries", fmt::format("the {} has {}", prof.name, prof.num_rar));
  if (s.device.rar_entries && s.device.rar_entries < s.device.vfs_per_port + 1)
    bad("device.rar_entries", "needs one entry per function (VFs + PF)");
  if (s.device.vlvf_entries > prof.num_vlvf)
    bad("device.vlvf_entries", fmt::format("the {} has {}", prof.name, prof.num_vlvf));
  if (s.device.vlvf_entries == 1)  // igb_find_vlvf_slot / ixgbe_find_vlvf_slot: entry 0 is VLAN 0's
    bad("device.vlvf_entries", "1 leaves no entry for a VLAN (entry 0 is VLAN 0's): 0 (the preset's) or 2 and more");
  static const double rates[] = {1, 10, 25, 40, 100};
  if (std::find(std::begin(rates), std::end(rates), s.device.link_gbps) == std::end(rates))
    bad("device.link_gbps", fmt::format("{} is not one of 1, 10, 25, 40, 100", s.device.link_gbps));
  auto pow2 = [](unsigned v) { return v && !(v & (v - 1)); };
  if (s.pcie.lanes && (!pow2(s.pcie.lanes) || s.pcie.lanes > 16))
    bad("pcie.lanes", fmt::format("{} is not one of 0 (the preset's), 1, 2, 4, 8, 16", s.pcie.lanes));
  if (s.pcie.read_completion_boundary_bytes != 64 && s.pcie.read_completion_boundary_bytes != 128)
    bad("pcie.read_completion_boundary_bytes", "must be 64 or 128");
  if (s.device.tx_packet_buffer_kb && s.device.tx_packet_buffer_kb * 1024 < s.device.max_frame_bytes)
    bad("device.tx_packet_buffer_kb", "must hold at least one frame of device.max_frame_bytes");
  if (s.device.dwrr_quantum_bytes && s.device.dwrr_quantum_bytes < s.device.max_frame_bytes)
    bad("device.dwrr_quantum_bytes",
        fmt::format("{} is below device.max_frame_bytes ({}): one quantum must cover the largest frame",
                    s.device.dwrr_quantum_bytes, s.device.max_frame_bytes));
  for (unsigned p = 0; p < s.port.size(); ++p)
    for (unsigned k = 0; k <= s.port[p].vf.size(); ++k) {
      const FunctionCfg& f = k == 0 ? s.port[p].pf : s.port[p].vf[k - 1];
      if (f.itr == ItrMode::conservative && prof.family == Family::i82599)
        bad(k == 0 ? fmt::format("port{}.pf.itr", p) : fmt::format("port{}.vf{}.itr", p, k - 1),
            "conservative is igb's and igbvf's mode (the 82599's drivers have off, fixed and dynamic)");
    }
  if (!pow2(s.pcie.max_payload_bytes))
    bad("pcie.max_payload_bytes", "must be a power of two");
  if (!pow2(s.pcie.max_read_request_bytes))
    bad("pcie.max_read_request_bytes", "must be a power of two");
  if (s.host.rx_ring_entries % 8 || s.host.tx_ring_entries % 8)
    bad("host.rx_ring_entries/tx_ring_entries", "must be multiples of 8 (RDLEN/TDLEN: 128 B)");
  if (s.host.rx_buffer_bytes % 1024) bad("host.rx_buffer_bytes", "must be a multiple of 1024");
  if (s.device.bond == BondMode::active_backup) {
    if (s.device.ports != 2) bad("device.bond", "active_backup bonds the VFs of two ports: give device.ports 2");
    if (s.device.mode != Mode::sriov) bad("device.bond", "bonds VFs: needs device.mode sriov");
    if (s.port.size() == 2 && s.port[1].wire.pattern != Pattern::off && s.port[1].wire.load > 0)
      bad("port1.wire.pattern", "with device.bond active_backup the partner sends to the backup port only after "
                                "port 0's link fails (port0.link_down_at_us): give off");
  }
  for (unsigned p = 0; p < s.port.size(); ++p) {
    if (s.port[p].link_down_at_us >= s.duration_us)
      bad(fmt::format("port{}.link_down_at_us", p),
          fmt::format("{} us is not within the traffic ({} us)", s.port[p].link_down_at_us, s.duration_us));
    if (s.port[p].pf.bridge_vms && s.device.mode != Mode::sriov)
      bad(fmt::format("port{}.pf.bridge_vms", p), "emulated VMs behind the PF's bridge are for sriov mode (vswitch mode puts every VM there)");
    for (unsigned v = 0; v < s.port[p].vf.size(); ++v) {
      const FunctionCfg& f = s.port[p].vf[v];
      const std::string key = fmt::format("port{}.vf{}", p, v);
      if (f.bridge_vms) bad(key + ".bridge_vms", "only the PF runs a bridge");
      if (f.vm_mode != Mode::sriov) {
        if (s.device.mode != Mode::sriov)
          bad(key + ".mode", "a VM's own mode is a choice of sriov mode (device.mode vmdq or vswitch applies to every VM)");
        if (s.device.bond != BondMode::none) bad(key + ".mode", "a VM the PF hosts has no VF to bond");
        if (!receives_only(f) || f.hostile.ops_per_us > 0 || f.bare_metal)
          bad(key, "a VM the PF hosts only receives (its VF's settings: tx, hostile, bare_metal, rss, vlan, multicast, request_mac, rate_limit_mbps do not apply)");
      }
    }
  }
  if (s.host.cpu.hypervisor_cores >= s.host.cpu.cores)
    bad("host.cpu.hypervisor_cores", fmt::format("{} of {} cores leaves none for the VMs' drivers",
                                                 s.host.cpu.hypervisor_cores, s.host.cpu.cores));
  // In VMDq mode the hypervisor's driver runs the default queue plus one per NetQueue VM.
  bool any_rss = false;
  for (const PortCfg& pc : s.port) {
    any_rss = any_rss || pc.pf.rss;
    for (const FunctionCfg& f : pc.vf) any_rss = any_rss || f.rss;
  }
  unsigned pf_vmdq_vms = 0;  // sriov: the VMs a PF hosts in VMDq pools (one queue each)
  for (const PortCfg& pc : s.port) {
    unsigned n = 0;
    for (const FunctionCfg& f : pc.vf) n += f.vm_mode == Mode::vmdq;
    pf_vmdq_vms = std::max(pf_vmdq_vms, n);
  }
  const unsigned max_queues = s.device.mode == Mode::vmdq ? s.device.vfs_per_port + 1
                              : std::max(any_rss || prof.dcb_tcs ? prof.queues_per_pool : 1u, 1 + pf_vmdq_vms);
  std::uint64_t ring_bytes = driver_memory_bytes(s.host, s.device.max_frame_bytes, max_queues);
  if (ring_bytes > std::uint64_t{s.host.vm_memory_kb} * 1024)
    bad("host.vm_memory_kb", fmt::format("{} KB cannot hold the rings and buffers ({} KB)",
                                         s.host.vm_memory_kb, (ring_bytes + 1023) / 1024));
  // The memory the run will hold, against this machine's (before anything is allocated): the
  // guest memories (mapped lazily, but a mapping larger than the machine is refused) and the
  // frame pool (allocated at start-up).
  {
    const std::uint64_t functions = std::uint64_t{s.device.ports} * (s.device.vfs_per_port + 1);
    const std::uint64_t guest = functions * s.host.vm_memory_kb * 1024;
    const std::uint64_t pool = std::uint64_t{frame_pool_slots(s)} * sizeof(Frame);
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
    const std::uint64_t machine = pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page) : 0;
    auto mb = [](std::uint64_t b) { return (b + (1 << 20) - 1) >> 20; };
    if (machine && guest + pool > machine)
      bad(guest >= pool ? "host.vm_memory_kb" : "device.frame_pool",
          fmt::format("the run needs {} MB ({} functions x {} KB of guest memory = {} MB, frame pool "
                      "{} x {} B = {} MB); this machine has {} MB",
                      mb(guest + pool), functions, s.host.vm_memory_kb, mb(guest), frame_pool_slots(s),
                      sizeof(Frame), mb(pool), mb(machine)));
  }
  if (s.time_series_interval_us > 0) {
    // Counters run ahead of kernel time by up to a quantum: an interval of ten quanta keeps
    // that skew within 10 % of one interval (and none over the sum).
    if (s.time_series_interval_us * 1000 < 10 * s.quantum_ns)
      bad("time_series_interval_us",
          fmt::format("{} us is below 10 x quantum_ns ({} us): counters run up to a quantum ahead of the "
                      "sampling time", s.time_series_interval_us, 10 * s.quantum_ns / 1000));
    const double samples = std::ceil(s.duration_us / s.time_series_interval_us);
    // per port: its queues both ways, its functions both ways, the wire and DMA rates
    const double series = s.device.ports * (2.0 * prof.queues_per_port + 2.0 * (s.device.vfs_per_port + 1) + 8);
    const double bytes = samples * series * 8 * 2;  // the samples and their JSON values
    if (samples > 1e6 || bytes > 1024.0 * 1024 * 1024)
      bad("time_series_interval_us",
          fmt::format("{:.0f} samples of {:.0f} series would take {:.0f} MB (at most 1,000,000 samples and "
                      "1024 MB): choose a longer interval", samples, series, bytes / (1 << 20)));
  }
  for (unsigned p = 0; p < s.port.size(); ++p) {
    const PortCfg& pc = s.port[p];
    double total = 0;
    for (auto& [k, w] : pc.wire.frame_sizes) {
      total += w;
      (void)k;
    }
    const bool sends = pc.wire.pattern != Pattern::off && pc.wire.load > 0;
    if (sends && total <= 0)
      bad(fmt::format("port{}.wire.frame_sizes", p), "needs at least one positive weight");
    const unsigned wire_hdr = PacketBuilder::header_bytes(pc.wire.vlan, pc.wire.l3, pc.wire.l4) + kFcsBytes;
    for (auto& [size, w] : pc.wire.frame_sizes)
      if (w > 0 && size < wire_hdr)
        bad(fmt::format("port{}.wire.frame_sizes.{}", p, size),
            fmt::format("a {}-byte frame cannot hold the headers of port{}.wire (l3, l4, vlan): at least {} bytes with the FCS",
                        size, p, wire_hdr));
    double dtotal = 0;
    for (auto& [d, w] : pc.wire.destinations) {
      dtotal += w;
      if (d.kind == Destination::Kind::Wire)
        bad(fmt::format("port{}.wire.destinations.wire", p),
            "unknown destination (vfs, vfN, pf, broadcast, unknown, or a MAC address)");
      if (d.kind == Destination::Kind::Vf && d.vf >= s.device.vfs_per_port)
        bad(fmt::format("port{}.wire.destinations.{}", p, to_text(d)),
            fmt::format("there are {} VFs per port", s.device.vfs_per_port));
      if (d.kind == Destination::Kind::AllVfs && w > 0 && s.device.vfs_per_port == 0)
        bad(fmt::format("port{}.wire.destinations.vfs", p), "there are no VFs");
    }
    if (sends && dtotal <= 0)
      bad(fmt::format("port{}.wire.destinations", p), "needs at least one positive weight");
    for (auto& [d, pcp] : pc.wire.priorities) {
      const std::string key = fmt::format("port{}.wire.priorities.{}", p, to_text(d));
      if (!pc.wire.destinations.count(d)) bad(key, "not one of the port's wire.destinations");
      if (pcp > 7 || pcp != static_cast<unsigned>(pcp)) bad(key, "a priority is 0..7");
      if (pcp > 0 && pc.wire.vlan == 0) bad(key, "a priority travels in the VLAN tag: set wire.vlan");
    }
    auto check_fn = [&](const FunctionCfg& f, const std::string& key) {
      if (f.tx.to.kind == Peer::Kind::AllVfs ||
          (f.tx.to.kind == Peer::Kind::Vf && f.tx.to.vf >= s.device.vfs_per_port))
        bad(key + ".tx.to",
            fmt::format("'{}' is not wire, pf, broadcast, unknown, a MAC or vf0..vf{}",
                        to_text(f.tx.to), static_cast<int>(s.device.vfs_per_port) - 1));
      if (f.tx.frame_bytes > s.device.max_frame_bytes)
        bad(key + ".tx.frame_bytes", "larger than device.max_frame_bytes");
      const unsigned tx_hdr = PacketBuilder::header_bytes(f.tx.vlan, f.tx.l3, f.tx.l4) + kFcsBytes;
      if (f.tx.load_mbps > 0 && f.tx.frame_bytes < tx_hdr)
        bad(key + ".tx.frame_bytes",
            fmt::format("a {}-byte frame cannot hold the headers of {}.tx (l3, l4, vlan): at least {} bytes with the FCS",
                        f.tx.frame_bytes, key, tx_hdr));
      if (f.mac.fixed && f.mac.fixed->is_multicast())
        bad(key + ".mac", "a multicast address cannot be a station address");
      if (f.request_mac && f.request_mac->is_multicast())
        bad(key + ".request_mac", "a multicast address cannot be a station address");
      if (f.multicast.size() > 30) bad(key + ".multicast", "at most 30 groups (one mailbox message)");
      const HostileCfg& h = f.hostile;
      if (h.ops_per_us > 0 && h.mmio + h.rings + h.descriptors + h.mailbox + h.theft <= 0)
        bad(key + ".hostile", "needs at least one positive weight");
      if (f.rate_limit_mbps > s.device.link_gbps * 1000)
        bad(key + ".rate_limit_mbps", "above the link rate");
      const TxArbiterKind arb = s.device.tx_arbiter;
      if (f.qos_weight != 1 && arb != TxArbiterKind::wrr && arb != TxArbiterKind::dwrr &&
          !(dcb.tcs && dcb.vm_arbiter == VmArbiter::wrr))
        bad(key + ".qos.weight", "a weight needs device.tx_arbiter wrr or dwrr (or device.dcb.vm_arbiter wrr)");
      if (f.qos_priority != 0 && arb != TxArbiterKind::strict)
        bad(key + ".qos.priority", "a priority needs device.tx_arbiter strict");
      if (f.qos_tc >= std::max(dcb.tcs, 1u))
        bad(key + ".qos.tc", dcb.tcs ? fmt::format("the port has {} traffic classes", dcb.tcs)
                                     : std::string("a traffic class needs device.dcb.tcs"));
      if (dcb.tcs && f.rss) bad(key + ".rss", "no RSS with device.dcb (the 82599's VT + DCB layouts have none)");
      const double min_rate = prof.map().min_rate_limit(s.device.link_gbps * 1000);
      if (f.rate_limit_mbps > 0 && f.rate_limit_mbps < min_rate)
        bad(key + ".rate_limit_mbps",
            fmt::format("{} Mb/s cannot be programmed: the {}'s RTTBCNRC rate factor (link rate / "
                        "limit, at most 1000) reaches down to {} Mb/s at {} Gb/s; give 0 (off) or a "
                        "rate in [{}, {}]",
                        f.rate_limit_mbps, prof.name, min_rate, s.device.link_gbps, min_rate,
                        s.device.link_gbps * 1000));
    };
    if (hypervisor_mode(s.device.mode))
      for (unsigned v = 0; v < pc.vf.size(); ++v)
        if (!receives_only(pc.vf[v]))
          bad(fmt::format("port{}.vf{}", p, v),
              "in vmdq and vswitch modes a VM only receives (its Tx through the hypervisor, its mailbox, "
              "RSS and rate limit are not modelled in this mode)");
    if (pc.pf.hostile.ops_per_us > 0)
      bad(fmt::format("port{}.pf.hostile", p), "the PF's driver is the host's: only a VF's guest can be hostile");
    if (hypervisor_mode(s.device.mode))
      for (unsigned v = 0; v < pc.vf.size(); ++v)
        if (pc.vf[v].hostile.ops_per_us > 0)
          bad(fmt::format("port{}.vf{}.hostile", p, v), "needs sriov mode (in vmdq and vswitch a VM has no function of its own)");
    check_fn(pc.pf, fmt::format("port{}.pf", p));
    for (unsigned v = 0; v < pc.vf.size(); ++v)
      check_fn(pc.vf[v], fmt::format("port{}.vf{}", p, v));
  }
}

}  // namespace

unsigned frame_pool_slots(const Scenario& s) {
  // A wire source's burst holds up to frame_burst frames where one at a time holds one (one
  // source at a time: each sends its burst before it lets kernel time advance).
  const unsigned burst = s.frame_burst - 1;
  if (!s.device.dcb.tcs) return s.device.frame_pool + burst;
  const DeviceProfile& prof = device_profile(s.device.preset, s.device.dcb.tcs);
  const unsigned tx_kb = s.device.tx_packet_buffer_kb ? s.device.tx_packet_buffer_kb : prof.tx_packet_buffer_kb;
  const unsigned rx_kb = s.device.rx_packet_buffer_kb ? s.device.rx_packet_buffer_kb : prof.rx_packet_buffer_kb;
  // the frames the classes' Tx buffers hold for the wire and their Rx buffers for the Rx arbiter
  return s.device.frame_pool + burst + s.device.ports * ((tx_kb + rx_kb) * 1024 / kMinFrame);
}

std::uint64_t driver_memory_bytes(const HostCfg& h, unsigned max_frame, unsigned rx_queues) {
  auto align = [](std::uint64_t v, std::uint64_t a) { return (v + a - 1) / a * a; };
  std::uint64_t rx_rings = 0x1000 + rx_queues * align(h.rx_ring_entries * 16ull, 128);
  // the Tx ring, then 16 bytes for its head write-back (TDWBAL)
  std::uint64_t rx_buf = align(rx_rings + h.tx_ring_entries * 16ull + 16, 4096);
  return rx_buf + std::uint64_t{rx_queues} * h.rx_ring_entries * h.rx_buffer_bytes +
         std::uint64_t{h.tx_ring_entries} * align(max_frame, 64);
}

std::string to_text(const Peer& p) {
  switch (p.kind) {
    case Peer::Kind::Wire: return "wire";
    case Peer::Kind::AllVfs: return "vfs";
    case Peer::Kind::Pf: return "pf";
    case Peer::Kind::Vf: return fmt::format("vf{}", p.vf);
    case Peer::Kind::Broadcast: return "broadcast";
    case Peer::Kind::Unknown: return "unknown";
    case Peer::Kind::Mac: return p.mac.str();
  }
  return "?";
}

std::string parse_text(const std::string& s, Peer& out) {
  using K = Peer::Kind;
  out = Peer{};
  static const std::pair<const char*, K> kNamed[] = {{"wire", K::Wire},           {"vfs", K::AllVfs},
                                                     {"pf", K::Pf},               {"broadcast", K::Broadcast},
                                                     {"unknown", K::Unknown}};
  for (const auto& [name, kind] : kNamed)
    if (s == name) {
      out.kind = kind;
      return {};
    }
  if (parse_vf_index(s, out.vf)) {
    out.kind = K::Vf;
    return {};
  }
  if (auto m = MacAddress::parse(s)) {
    out.kind = K::Mac, out.mac = *m;
    return {};
  }
  return fmt::format("'{}' is not a station: wire, vfs, pf, vfN, broadcast, unknown or a MAC", s);
}

bool Peer::operator<(const Peer& o) const { return to_text(*this) < to_text(o); }

// YAML anchors and aliases: a scenario names every value where it applies. An alias is a
// second name for a node, and nested aliases expand exponentially in whatever walks them
// (the scenario fuzzer's out-of-memory inputs). Found with the parser's events, before any
// node is built.
class AliasCheck : public YAML::EventHandler {
public:
  explicit AliasCheck(const std::string& origin) : origin_(origin) {}
  void OnDocumentStart(const YAML::Mark& m) override {
    stuck_ = starts_++ > 0 && m.pos == doc_pos_;
    doc_line_ = m.line, doc_pos_ = m.pos;
  }
  int document_line() const { return doc_line_; }
  bool stuck() const { return stuck_; }  // the last document began where the one before did
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { anchor(m, a); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override {
    throw ConfigError(fmt::format("{}:{}: YAML aliases (*name) are not accepted in a scenario: write the value out", origin_, m.line + 1));
  }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string&) override { anchor(m, a); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override { anchor(m, a); }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override { anchor(m, a); }
  void OnMapEnd() override {}

private:
  void anchor(const YAML::Mark& m, YAML::anchor_t a) const {
    if (a != YAML::NullAnchor)
      throw ConfigError(fmt::format("{}:{}: YAML anchors (&name) are not accepted in a scenario: write the value out", origin_, m.line + 1));
  }
  const std::string& origin_;
  int doc_line_ = 0, doc_pos_ = 0;
  unsigned starts_ = 0;
  bool stuck_ = false;
};

Scenario load_scenario(const std::string& yaml_text, const std::string& origin,
                       const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    std::istringstream in(yaml_text);
    YAML::Parser parser(in);
    AliasCheck check(origin);
    // One document: stop at the second. (yaml-cpp 0.7 can also return "another document"
    // forever on some malformed input without moving on, which is why YAML::LoadAll, which
    // loops until there are none, is not used: the fuzzer's hangs, yaml-cpp PR #1319.)
    for (unsigned docs = 0; parser.HandleNextDocument(check);)
      if (++docs > 1)
        throw ConfigError(check.stuck()
                              ? fmt::format("{}:{}: not valid YAML here (the parser cannot get past it)",
                                            origin, check.document_line() + 1)
                              : fmt::format("{}:{}: a scenario is one YAML document; a second one starts "
                                            "here (a '---', or text the parser could not fit into the first)",
                                            origin, check.document_line() + 1));
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}: {}", origin, e.mark.line + 1, e.msg));
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw ConfigError(origin + ": a scenario is a YAML map of keys");
  std::set<std::string> overridden;
  for (const auto& o : overrides) {
    apply_override(root, o);
    overridden.insert(o.substr(0, o.find('=')));
  }
  Scenario s;
  Reader r(root, origin, overridden);
  visit_scenario(r, s);
  r.finish();
  validate(s, origin);
  return s;
}

std::string dump_scenario(const Scenario& s) {
  Scenario copy = s;
  Writer w;
  visit_scenario(w, copy);
  return w.str();
}

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ConfigError(fmt::format("{}: is a directory, not a scenario file", path));
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot open scenario file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ConfigError(fmt::format("{}: cannot read scenario file", path));
  return ss.str();
}

}  // namespace iovsim
