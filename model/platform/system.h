// The whole simulated machine for one scenario: host memory, IOMMU, the controller's PCIe
// endpoint and, per port, MAC, sorter, Rx/Tx DMA engines and Tx scheduler, the wire-side
// traffic source, and one driver per function (the PF's host driver, one VF driver per VM).
//
// Address map (host-physical): function f's memory at f * host.vm_memory_kb; PF BAR0 of port p
// at 0xF000_0000 + p * 16 MB; the VF BAR0 window of port p at 0xE000_0000 + p * 16 MB.
// IOMMU: each function's routing ID maps IO-virtual [base, base + vm_memory) onto its own memory
// only (base: host.iova_base_gb).
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <systemc>

#include "model/core/device_profile.h"
#include "model/core/frame.h"
#include "model/core/metrics_registry.h"
#include "model/core/probes.h"
#include "model/core/scenario.h"
#include "model/core/station_audit.h"
#include "model/core/traffic_window.h"
#include "model/core/bond.h"
#include "model/core/watchdog.h"
#include "model/pcie/lspci.h"
#include "model/regs/listing.h"

namespace iovsim {

class HostMemory;
class HostCpu;
class Iommu;
class PcieEndpoint;
class Mac;
class Sorter;
class RxDma;
class TxDma;
class PacketPlane;
class TxScheduler;
class FlowControl;
class WireSource;
class Driver;
class Mailbox;
class InterruptController;
class PortInterrupts;
class PortManagement;
class LinkPartner;

class PcapWriter;
class TransactionLog;

// What a run shows besides its metrics (README: iovsim run --vcd, --probe, --trace-from,
// --trace-to, --pcap-dir, --log, --log-filter). Empty: nothing, at no cost.
struct TraceOptions {
  std::string waveform;             // --vcd FILE: the probes' waveform (FST when it ends in .fst)
  std::vector<std::string> probes;  // --probe GLOB: the probes it shows (none given: all)
  ProbeWindow window;               // --trace-from / --trace-to
  std::string pcap_dir;             // --pcap-dir DIR: a pcap per port direction and function direction
  std::string log;                  // --log FILE: the transaction log
  std::vector<std::string> log_filter;  // --log-filter: kinds and function globs
  std::string rtl_trace;            // --rtl-trace FILE: a VCD per RTL block in the loop (FILE.portN.BLOCK.vcd)
  bool any() const { return !waveform.empty() || !pcap_dir.empty() || !log.empty(); }
};

class System : public sc_core::sc_module {
public:
  System(sc_core::sc_module_name name, const Scenario& s, const TraceOptions& trace = {});
  ~System() override;

  const Scenario& scenario() const { return s_; }
  const DeviceProfile& profile() const { return prof_; }
  MetricsRegistry& registry() { return registry_; }
  FramePool& frame_pool() { return pool_; }
  HostMemory& memory() { return *mem_; }
  Iommu& iommu() { return *iommu_; }
  PcieEndpoint& endpoint() { return *ep_; }
  Sorter& sorter(unsigned port) { return *ports_[port].sorter; }
  RxDma& rx_dma(unsigned port) { return *ports_[port].rx; }
  TxDma& tx_dma(unsigned port) { return *ports_[port].tx; }
  TxScheduler& scheduler(unsigned port) { return *ports_[port].sched; }
  Driver& driver(unsigned fn) { return *drivers_[fn]; }
  InterruptController& interrupt_controller() { return *irqc_; }
  PortManagement* management(unsigned port) { return ports_[port].mgmt.get(); }  // null on the 82599
  Mac& mac(unsigned port) { return *ports_[port].mac; }

  // The traffic window: nominal (warm-up, duration) until the start is decided, then real.
  ps_t traffic_start() const;
  ps_t traffic_end() const;
  ps_t run_end() const;
  ps_t warmup_extension() const;  // how much later than warmup_us traffic started
  std::uint64_t mac_of(unsigned port, int vf) const;
  static std::uint64_t station_mac(const Scenario& s, unsigned port, int vf);  // vf -1: the PF
  static std::uint64_t eui64(std::uint64_t mac);  // the Device Serial Number of a MAC
  // Every visible function's config space in lspci's layout (model/pcie/lspci.h).
  std::string lspci(const LspciOptions& opt);
  bool drivers_ready() const;  // every driver finished its bring-up
  // The run goes on after the traffic window and drain until something else stops the kernel
  // (iovsim serve: the guest's session); call before sc_start.
  void run_past_window() { stop_at_end_ = false; }
  std::uint64_t tx_destination(unsigned port, const TxTarget& to) const;  // where tx.to sends
  static unsigned vfs_enabled(const Scenario& s);  // VFs per port the PF enables (0 in vmdq)
  PortLayout port_layout(unsigned port) const;
  static std::string function_name(unsigned port, int vf);  // "port0.pf", "port0.vf3"
  unsigned rar_entries() const;   // table sizes in use (scenario, else the preset's)
  unsigned vlvf_entries() const;
  std::uint64_t function_memory_hpa(unsigned fn) const;
  std::uint64_t iova_base() const;  // IO-virtual address of every function's memory
  // Metrics of the finished run (see docs/metrics.md), composed from what the blocks
  // published; wall_seconds is the only input that is not simulated.
  nlohmann::json metrics(double wall_seconds) const;
  // Writes what the trace options asked for that waits for the run's end (the waveform),
  // flushes the captures, and describes the files written (the metrics' "trace").
  nlohmann::json finish_trace();
  // Host wall-clock time of the traffic window (to its end, or to now while it runs).
  double traffic_wall_seconds() const;

private:
  struct Port {
    std::unique_ptr<Mac> mac;
    std::unique_ptr<Sorter> sorter;
    std::unique_ptr<RxDma> rx;
    std::unique_ptr<TxScheduler> sched;
    std::unique_ptr<FlowControl> fc;
    std::unique_ptr<PortManagement> mgmt;  // 82576: reset, NVM, PHY, STATUS, MAC statistics
    std::unique_ptr<LinkPartner> partner;  // wire.answer_ipv4: ARP and ICMP echo answered
    std::unique_ptr<TxDma> tx;
    std::unique_ptr<PacketPlane> plane;  // DCB: the classes' Tx buffers at the wire
    std::unique_ptr<WireSource> source;
    std::unique_ptr<Mailbox> mailbox;
    std::unique_ptr<PortInterrupts> irq;
    std::unique_ptr<sc_core::sc_event> vfs_ready;
    std::unique_ptr<StationAudit> audit;  // who may receive which unicast address
  };
  void snapshot_traffic_window();
  void sample_time_series();  // time_series_interval_us: a registry mark per interval
  static constexpr ps_t kMaxWarmupExtension = 100 * kPsPerMs;  // traffic waits this long at most
  static constexpr ps_t kReadyPoll = 10 * kPsPerUs;
  TrafficWindow window_;
  sc_core::sc_event traffic_go_;
  void watchdog_tick();  // every host.watchdog_us: the VF drivers' watchdog (Driver::watchdog_tick)
  std::vector<bool> not_ready_at_start_;  // per function: its driver was not up when traffic began
  std::chrono::steady_clock::time_point wall_window_start_, wall_window_end_;
  bool window_started_ = false, window_ended_ = false;
  bool stop_at_end_ = true;
  void publish();  // every block's stats, and the platform's own facts, into registry_
  void assign_vf_domains();  // the hypervisor: IOMMU domains for the VFs that exist now
  void reset_port(unsigned port);  // CTRL.RST: the rings, the interrupt causes and masks, Rx off
  static constexpr std::uint32_t kNoRid = 0x10000;
  std::vector<std::uint32_t> vf_rids_;  // per function: the routing ID its domain is mapped at
  Scenario s_;
  const DeviceProfile& prof_;
  FramePool pool_;
  MetricsRegistry registry_;
  std::unique_ptr<HostMemory> mem_;
  std::unique_ptr<Iommu> iommu_;
  std::unique_ptr<PcieEndpoint> ep_;
  std::unique_ptr<InterruptController> irqc_;
  std::unique_ptr<HostCpu> cpu_;  // the host CPU model
  std::vector<ps_t> link_down_;   // per port, when its link fails (absolute; never: ~0)
  BondState bond_;
  std::vector<Port> ports_;
  std::vector<std::unique_ptr<Driver>> drivers_;
  void observe();  // attaches the trace options' recorder, captures and log to the blocks
  void open_rtl_traces();  // --rtl-trace: each RTL block in the loop writes its VCD
  std::vector<std::string> rtl_traces_;
  TraceOptions trace_;
  std::unique_ptr<ProbeRecorder> probes_;
  std::unique_ptr<TransactionLog> log_;
  std::vector<std::unique_ptr<PcapWriter>> pcaps_;
};

// The register map of port 0's PF (or its first VF) as the elaborated system holds it: a
// heading and the listing of model/regs/listing.h.
std::string register_map(System& sys, bool vf, regs::ListingFormat format);

// Elaborates `s`, simulates it to the end and returns its metrics. Once per process (SystemC
// allows one elaboration). A progress watchdog (model/core/watchdog.h) ends a run that exceeds
// `limits`.
// With `trace`, also writes the waveform, captures and log it asks for (their files listed
// in the metrics' "trace").
nlohmann::json run_scenario(const Scenario& s, const WatchdogLimits& limits = {}, const TraceOptions& trace = {});
// Elaborates `s`, simulates its bring-up (to the end of warm-up) and returns `lspci` of the
// functions. `complete` says whether every driver finished bringing its function up by then.
std::string lspci_after_bring_up(const Scenario& s, const LspciOptions& opt, bool& complete);
// `iovsim trace synth`: writes `duration_us` of port `port`'s link-partner traffic (its
// portN.wire keys: sizes, destinations among the scenario's stations, spacing, headers) to a
// pcap, without simulating. Returns the number of frames written.
std::uint64_t synthesize_trace(const Scenario& s, unsigned port, double duration_us, const std::string& path);
// The readable summary of a metrics document.
std::string summarize(const nlohmann::json& m);
// Throws InvariantError (model/core/check.h) when the ledger does not balance.
void check_conservation(const nlohmann::json& m);

}  // namespace iovsim
