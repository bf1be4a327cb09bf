// A scenario: every parameter of a run, named by dotted key paths (`device.link_gbps`,
// `port0.vf3.rate_limit_mbps`). One visitor (visit_scenario) lists every key with its default,
// allowed range and meaning; the YAML reader, the YAML writer behind `iovsim defaults` and the
// key reference are all driven by it, so they cannot drift apart.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/core/mac_address.h"
#include "model/core/packet.h"

namespace iovsim {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- typed values, each resolved from its text once when the scenario loads
// A VF per VM; hypervisor-owned queues the NIC sorts into (VMDq); or a software switch in the
// hypervisor behind one queue (vswitch). vmdq and vswitch share the device layout: the PF owns
// every pool.
enum class Mode : std::uint8_t { sriov, vmdq, vswitch };
constexpr bool hypervisor_mode(Mode m) { return m != Mode::sriov; }
// How a VMDq hypervisor gives a received buffer to its VM.
enum class Handoff : std::uint8_t { copy, flip };
enum class Pattern : std::uint8_t { constant, poisson, off };
// How a replayed trace's timestamps become send times: as captured, multiplied by
// trace_scale, or back to back at line rate.
enum class TraceTiming : std::uint8_t { keep, scale, line_rate };
enum class UnmatchedUnicast : std::uint8_t { default_pool, drop };
// How a function's driver learns of work: interrupts with NAPI polling (igb, igbvf, ixgbe,
// ixgbevf) or a timed poll loop (a poll-mode driver, DPDK-style).
enum class DriverMode : std::uint8_t { napi, poll, external };
// Interrupt throttling: the driver's default, off, a fixed interval, or the driver's dynamic
// algorithm (conservative: igb's and igbvf's mode 3).
enum class ItrMode : std::uint8_t { driver_default, off, fixed, dynamic, conservative };
enum class PfMacPolicy : std::uint8_t { driver, strict };  // what a VF may ask the PF for
// Tx arbitration between a port's queues: the parts' round robin, or a what-if policy.
enum class TxArbiterKind : std::uint8_t { rr, wrr, dwrr, strict };
// Which implementation of a synthesizable core makes the decisions: the C++ core (hls/), or
// its Verilated RTL (hls/*/rtl) behind a transactor.
enum class CoreImpl : std::uint8_t { cpp, rtl };

// A station traffic goes to: the target of a VM's application (tx.to: wire | pf | vfN |
// broadcast | unknown | a MAC), or a key of the link partner's wire.destinations (vfs, i.e. all
// VFs evenly | vfN | pf | broadcast | unknown | a MAC). The loader checks each use's kinds.
struct Peer {
  enum class Kind : std::uint8_t { Wire, AllVfs, Pf, Vf, Broadcast, Unknown, Mac };
  Kind kind = Kind::Wire;
  unsigned vf = 0;  // Kind::Vf
  MacAddress mac;   // Kind::Mac
  static Peer of(Kind k) { return Peer{k, 0, {}}; }
  // Ordered by their text, the order the destination weights are drawn in.
  bool operator<(const Peer& o) const;
};
using TxTarget = Peer;
using Destination = Peer;

// A function's station address: the model's (auto: 00:1b:21:00:PP:ff for a PF, 02:1b:21:00:PP:VV
// for a VF) or a fixed one.
struct StationMac {
  std::optional<MacAddress> fixed;
  bool is_auto() const { return !fixed; }
};

// The text of each typed value (`iovsim defaults`, error messages) and its parser (an error
// message, empty when the text is valid).
std::string to_text(const Peer& p);
std::string parse_text(const std::string& s, Peer& out);

struct TxFlowCfg {
  double load_mbps = 0;        // offered by the VM's application; 0 = silent
  unsigned frame_bytes = 512;  // incl. FCS
  TxTarget to = Peer::of(Peer::Kind::Wire);
  unsigned vlan = 0;           // VID the VM tags its frames with, 0 = untagged
  bool spoof_mac = false;      // the VM forges its source MAC
  L3Kind l3 = L3Kind::ipv4;    // the frames' network and transport headers
  L4Kind l4 = L4Kind::udp;
  std::string trace;           // a pcap/pcapng the application sends instead (load_mbps unused)
  TraceTiming trace_timing = TraceTiming::keep;
  double trace_scale = 1;
  bool trace_own_mac = true;   // the trace's source MACs replaced by the function's
};

// A malicious guest driver (issue: hostile guests): after its bring-up it stops being a
// driver and issues random operations at `ops_per_us`, chosen by these weights.
struct HostileCfg {
  double ops_per_us = 0;  // 0 = a well-behaved driver
  double mmio = 1;         // random reads and writes anywhere in its BAR0
  double rings = 1;        // ring registers: bases, lengths, heads, tails, enables
  double descriptors = 1;  // descriptors with arbitrary addresses and lengths, then a tail bump
  double mailbox = 1;      // garbage messages and floods to the PF
  double theft = 1;        // asks for a neighbour's MAC, random VLANs, many multicast groups
};

struct FunctionCfg {
  StationMac mac;                 // auto
  double rate_limit_mbps = 0;    // Tx rate limiter of the VF's pool, 0 = off
  bool bad_dma = false;          // driver posts Rx buffers outside its VM's memory
  bool no_bus_master = false;    // driver leaves Bus Master Enable clear (no DMA allowed)
  bool rss = false;              // the pool spreads flows over its queues (VMOLR.RSSE)
  bool spoofchk = true;          // PF enables MAC and VLAN anti-spoofing for this VF
  bool trusted = false;          // PF policy: the VF may change its MAC
  unsigned vlan = 0;             // VLAN the VF asks the PF for (mailbox), 0 = none
  std::vector<MacAddress> multicast;       // groups the VM joins (mailbox)
  std::optional<MacAddress> request_mac;   // MAC the VM asks to switch to (mailbox)
  bool netqueue = true;          // VMDq mode: the hypervisor gives this VM its own queue
  bool bare_metal = false;       // SR-IOV: a host process owns the VF, no VM (its interrupts exit nothing)
  Mode vm_mode = Mode::sriov;    // a VF entry in sriov mode: its VM uses the VF, or sits behind the PF's bridge (vswitch)
  unsigned bridge_vms = 0;       // PF in SR-IOV mode: emulated VMs behind the PF's software bridge
  DriverMode driver = DriverMode::napi;
  ItrMode itr = ItrMode::driver_default;
  unsigned itr_usecs = 50;       // the interval of itr: fixed
  TxFlowCfg tx;
  HostileCfg hostile;
  unsigned qos_weight = 1;    // device.tx_arbiter wrr / dwrr: the weight of this function's queues
  unsigned qos_priority = 0;  // device.tx_arbiter strict: their level, 0 highest
  unsigned qos_tc = 0;        // device.dcb: the traffic class of the function's Tx queue
};

// An IPv4 address of the scenario's (the link partner's); unset by default.
struct Ipv4Address {
  std::array<std::uint8_t, 4> octets{};
  bool set = false;
};

struct WireCfg {
  Pattern pattern = Pattern::poisson;
  double load = 0.5;                // fraction of line rate offered by the link partner
  std::map<unsigned, double> frame_sizes{{64, 7}, {594, 4}, {1518, 1}};  // bytes -> weight
  std::map<Destination, double> destinations{{Peer::of(Peer::Kind::AllVfs), 90},
                                             {Peer::of(Peer::Kind::Pf), 2},
                                             {Peer::of(Peer::Kind::Broadcast), 4},
                                             {Peer::of(Peer::Kind::Unknown), 4}};
  double fcs_error_rate = 0;        // fraction of frames sent with a bad FCS
  unsigned vlan = 0;                // VID the link partner tags frames with, 0 = untagged
  std::map<Destination, double> priorities;  // destination -> 802.1p priority (PCP) of its frames, default 0
  L3Kind l3 = L3Kind::ipv4;         // the frames' network and transport headers
  L4Kind l4 = L4Kind::udp;
  std::string trace;                // a pcap/pcapng file the link partner replays instead
  TraceTiming trace_timing = TraceTiming::keep;
  double trace_scale = 1;           // trace_timing scale: the trace's time multiplied by this
  // The link partner as a host (model/platform/link_partner.h): answers ARP and ICMP echo for
  // this address from answer_mac, answer_us after the request.
  Ipv4Address answer_ipv4;
  std::optional<MacAddress> answer_mac;
  double answer_us = 1;
};

struct PortCfg {
  double link_down_at_us = 0;  // the port's link fails this long after traffic starts, 0 = never
  WireCfg wire;
  FunctionCfg pf;
  std::vector<FunctionCfg> vf;
};

// Linux bonding of the two ports' VFs in each VM (VF M of port 0 with VF M of port 1).
enum class BondMode : std::uint8_t { none, active_backup };

// 82599 DCB on the transmit side (device.dcb): the traffic classes the PF driver programs as
// ixgbe_dcb_hw_config_82599 does, with credits from ixgbe_dcb_calculate_tc_credits.
struct DcbTcCfg {
  unsigned bandwidth_percent = 0;  // share of the link; all 0 = ixgbe's default split
  bool strict = false;             // link strict priority (RTTDT2C.LSP; IEEE 802.1Qaz TSA strict)
};
enum class VmArbiter : std::uint8_t { rr, wrr };
struct DcbCfg {
  unsigned tcs = 0;  // 0 = no DCB; 4 or 8 (VT mode: 32 pools x 4 queues, 16 x 8)
  VmArbiter vm_arbiter = VmArbiter::rr;  // between a class's queues: round robin (ixgbe), or WRR by qos.weight (RTTDCS.VMPAC)
  bool rx_rr = false;  // the Rx arbiter between the classes' buffers: round robin (RTRPCS.RAC 0), else ixgbe's WSP
  std::array<DcbTcCfg, 8> tc{};
};

struct DeviceCfg {
  std::string preset = "82576";
  Mode mode = Mode::sriov;
  BondMode bond = BondMode::none;
  unsigned ports = 2;
  unsigned vfs_per_port = 7;
  double link_gbps = 1;
  UnmatchedUnicast unmatched_unicast = UnmatchedUnicast::default_pool;
  bool loopback = true;
  unsigned rx_packet_buffer_kb = 0;  // 0 = the preset's size
  unsigned tx_packet_buffer_kb = 0;  // 0 = the preset's size
  double write_back_flush_us = 50;   // a partial descriptor write-back batch waits this long
  unsigned max_frame_bytes = 1522;
  unsigned frame_pool = 256;
  unsigned rar_entries = 0;   // receive address filters, 0 = the preset's (82576: 24)
  unsigned vlvf_entries = 0;  // pool VLAN filters, 0 = the preset's (82576: 32)
  TxArbiterKind tx_arbiter = TxArbiterKind::rr;
  bool flow_control = false;  // the PF driver requests 802.3x full flow control
  unsigned dwrr_quantum_bytes = 0;  // 0 = max_frame_bytes
  unsigned rate_window_kb = 0;      // RTTBCNRM MMW_SIZE with the rate limiters, 0 = the driver's
  DcbCfg dcb;
};

struct PcieCfg {
  unsigned gen = 0;    // 0 = the preset's (82576: 1, i.e. 2.5 GT/s; 82599: 2)
  unsigned lanes = 0;  // 0 = the preset's (82576: 4; 82599: 8)
  unsigned max_payload_bytes = 256;
  unsigned max_read_request_bytes = 512;
  unsigned read_completion_boundary_bytes = 64;
  bool completions_at_rcb = false;
  double read_latency_ns = 400;   // request out to first completion back, beyond the link
  double mmio_latency_ns = 200;   // one-way latency of an MMIO access, beyond the link
  unsigned ack_interval_symbols = 0;        // 0 = the spec's Ack latency limit
  unsigned update_fc_interval_symbols = 0;  // 0 = the same table
  unsigned posted_header_credits = 32;
  unsigned posted_data_credits = 256;
  unsigned nonposted_header_credits = 32;
  double credit_return_ns = 100;
  unsigned max_outstanding_reads = 32;
};

// The host CPU model (model/host/host_cpu.h): cores, clock and the cycles of each piece of
// software work; defaults and their sources in docs/fidelity.md.
struct CpuCfg {
  unsigned cores = 8;
  double clock_ghz = 2.93;         // a Nehalem-class core (netmap's i7-870; Dong et al.'s era)
  unsigned hypervisor_cores = 1;   // cores 0.. run the PF drivers and the hypervisor's switch; VMs the rest
  double rx_frame_cycles = 1500;   // a driver and stack receiving one frame, up to the socket
  double tx_frame_cycles = 2800;   // an application's sendto() through stack and driver
  double interrupt_cycles = 1500;  // an interrupt: entry, handler, NAPI schedule, exit
  double vm_exit_cycles = 2565;    // a VM exit handled in the host kernel, and the entry
  double virq_cycles = 3100;       // the hypervisor injecting a virtual interrupt (IPI, exit, injection)
  double lookup_cycles = 1000;     // a software switch forwarding one frame (its L2 lookup and code path)
  double copy_cycles_per_byte = 0.35;  // copying frame data from DRAM
  double copy_setup_cycles = 230;      // and per copy (the first miss)
  double flip_cycles = 4000;       // remapping one page into a VM (VMDq page flip)
  unsigned backlog_frames = 1000;  // frames a core queues before it drops (net.core.netdev_max_backlog)
  bool posted_interrupts = false;  // SR-IOV: interrupts reach the guest without a VM exit
  Handoff vmdq_handoff = Handoff::copy;
};

struct HostCfg {
  unsigned vm_memory_kb = 2048;
  double poll_interval_us = 20;   // poll-mode drivers poll, and VMs hand frames to their driver, at this period
  double watchdog_us = 1000;      // the PF driver's watchdog (spoof checks) period
  unsigned rx_ring_entries = 256;
  unsigned tx_ring_entries = 256;
  unsigned rx_buffer_bytes = 2048;
  unsigned iova_base_gb = 0;       // IO-virtual address of each function's memory, in GB
  bool tx_head_writeback = false;  // drivers enable Tx head write-back (TDWBAL), as BSD igb can
  PfMacPolicy pf_mac_policy = PfMacPolicy::driver;  // driver: igb's and ixgbe's; strict: no MAC another function owns
  CpuCfg cpu;
  double bond_miimon_us = 100000;  // bonding's link monitor period (miimon=100, the bonding documentation's examples)
  double bond_downdelay_us = 0;    // and its downdelay
};

struct Scenario {
  std::string name = "default";
  double warmup_us = 1000;     // drivers bring the device up; traffic starts after this
  double duration_us = 10000;  // traffic time
  double drain_us = 500;       // after traffic stops: Tx rings drain, then the run ends
  std::uint64_t seed = 1;
  double quantum_ns = 10000;   // TLM global quantum
  bool tlm_dma = false;        // DMA engines use their TLM sockets, not the endpoint's direct port
  unsigned frame_burst = 32;   // frames per call from the wire through MAC, sorter and Rx DMA
  double time_series_interval_us = 0;  // sample every Gb/s rate this often, 0 = no time series
  DeviceCfg device;
  CoreImpl sorter_impl = CoreImpl::cpp;     // sorter.impl
  CoreImpl scheduler_impl = CoreImpl::cpp;  // scheduler.impl
  PcieCfg pcie;
  HostCfg host;
  std::vector<PortCfg> port;
};

// Parses YAML text into a scenario, applying `overrides` ("a.b.c=value") on top. `origin`
// names the text in error messages. Throws ConfigError naming the file, line and key path.
Scenario load_scenario(const std::string& yaml_text, const std::string& origin,
                       const std::vector<std::string>& overrides = {});
// The full scenario as commented YAML: every key, its value, range and meaning.
std::string dump_scenario(const Scenario& s);
// The embedded default scenario text (scenarios/default.yaml, compiled in).
const std::string& default_scenario_yaml();
// Guest memory one function's driver lays out: page 0 unused, Rx ring, Tx ring and its head
// write-back slot, Rx buffers,
// Tx buffers (one max-size frame per Tx descriptor). The driver models use this layout.
std::uint64_t driver_memory_bytes(const HostCfg& h, unsigned max_frame, unsigned rx_queues);
// The frame pool's slots: device.frame_pool, and with device.dcb as many more per port as
// minimum frames fit its Tx and Rx packet buffers (frames wait there, whole, for the packet
// plane at the wire and for the Rx arbiter).
unsigned frame_pool_slots(const Scenario& s);
// Reads a file (ConfigError when it cannot).
std::string read_text_file(const std::string& path);

}  // namespace iovsim
