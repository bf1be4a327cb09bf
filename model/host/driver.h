// Driver models: software on the host CPU that programs the controller the way igb/ixgbe (PF)
// and igbvf/ixgbevf (VF, inside a VM) do, through PCIe config cycles and MMIO register writes, and that
// runs each function's rings in host memory.
//
// Every function's driver: sets up its Rx rings (one; every queue of its pool with RSS; a
// VMDq hypervisor also one per NetQueue VM) and a Tx ring in its VM's memory (addresses are
// guest-physical, i.e. IO-virtual for its VF), posts Rx buffers, then every poll interval
// (NAPI-style) harvests written-back Rx descriptors and re-posts them with one tail write,
// reclaims Tx descriptors, and queues the frames its VM's application produced in that
// interval with one tail write. A batch costs one thread activation, not one per frame.
//
// The PF driver first does what the PCI core and igb do at probe and on sriov_numvfs: assigns
// BARs, enables memory decoding and bus mastering, writes NumVFs and VF Enable in the SR-IOV
// capability, then programs the L2 filters (receive addresses with their pools, per-pool
// accept bits, the default pool, Rx/Tx enables), RSS, the VEB loopback and anti-spoofing and
// the rate limiters of the VFs' and its own first queues, in the register layout of the
// device's family (82576: igb; 82599: ixgbe), and releases the VFs. A VF driver then does the
// igbvf/ixgbevf start-up handshake over the mailbox (RESET, its MAC, multicast, VLAN); the PF
// driver answers when the mailbox interrupt wakes it, by its policy (PfVfPolicy).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/core/quantum_keeper.h"
#include "model/core/ring_index.h"
#include "model/core/traffic_window.h"
#include "model/core/bond.h"
#include "model/core/device_profile.h"
#include "model/core/metrics_registry.h"
#include "model/core/scenario.h"
#include "model/core/stats.h"
#include "model/core/frame_stamp.h"
#include "model/host/itr.h"
#include "model/host/mailbox_protocol.h"
#include "model/host/pf_policy.h"
#include "model/host/vf_stats.h"
#include "model/core/packet.h"
#include "model/trace/pcap.h"

namespace iovsim {

class HostMemory;
class HostCpu;
class InterruptController;

struct DriverParams {
  unsigned port = 0;
  int vf = -1;                  // -1: the port's PF driver
  unsigned function = 0;        // model function index
  unsigned pool = 0;            // its pool on the port
  std::function<std::uint16_t()> routing_id;  // its PCIe routing ID, from the endpoint
  std::uint64_t mac = 0;        // station address, byte 0 in bits 7:0
  std::uint64_t tx_dst_mac = 0; // where its application sends
  std::uint64_t mem_hpa = 0;    // host-physical base of its (guest) memory
  std::uint64_t mem_bytes = 0;
  std::uint64_t iova_base = 0;  // the IO-virtual (guest-physical) address of its memory
  std::uint64_t bar0 = 0;       // host-physical address of its register BAR
  std::uint64_t msix_bar = 0;   // host-physical address of its MSI-X table (PF BAR3/4, VF BAR3 slice)
  InterruptController* irqc = nullptr;  // the host's interrupt controller (MSI-X vectors)
  // When the descriptors of port queue `queue` were written back (the device books write-backs
  // ahead of kernel time; a driver does not see one before it happened): asked once per queue.
  std::function<const WriteBackTimes*(unsigned queue)> rx_write_backs;
  const TrafficWindow* window = nullptr;  // the application sends during it
  std::uint64_t seed = 1;                 // the scenario's (a hostile guest's choices)
  std::uint32_t msix_bytes = 0;           // its MSI-X BAR's size
  FunctionCfg cfg;
  HostCfg host;
  // PF only
  std::uint64_t vf_bar0 = 0;
  std::uint64_t vf_msix_bar = 0;        // the VF BAR3 window
  unsigned max_payload = 256, max_read_request = 512;  // what the PCI core puts in DevCtl
  unsigned vfs = 0;
  std::vector<std::uint64_t> vf_macs;
  std::vector<double> vf_rate_limit_mbps;
  std::vector<FunctionCfg> vf_cfg;      // policy per VF (spoofchk, RSS, ...), or per VM (vmdq)
  bool vmdq = false;                    // PF as hypervisor: no VFs, one pool per NetQueue VM
  bool port_rss = false;                // some function on the port uses RSS
  unsigned num_rar = 24;
  unsigned num_vlvf = 32;
  bool loopback = true;
  bool drop_unmatched = false;
  unsigned max_frame = 1522;
  double link_bps = 1e9;
  bool flow_control = false;            // request 802.3x full flow control (else none)
  regs::TxDcbPlan dcb;                  // PF: DCB transmit arbitration to program (tcs 0: none)
  unsigned rate_window_kb = 0;          // RTTBCNRM MMW_SIZE the PF writes with rate limits, 0 = the driver's
  bool watchdog_tick = false;  // VFs: the platform calls Driver::watchdog_tick every host.watchdog_us
  unsigned rx_packet_buffer_bytes = 0;  // the port's, for the water marks
  // The host CPU model: the core this driver runs on and, for a hypervisor (vmdq, vswitch),
  // each VM's core; the mode decides the software path of a received frame.
  HostCpu* cpu = nullptr;
  unsigned core = 0;
  Mode mode = Mode::sriov;
  // A PF driver's hosted VMs: in vmdq and vswitch modes every VM; in sriov mode the VF entries
  // whose VM is not on its VF (mode vmdq or vswitch) and the bridge's emulated VMs.
  struct HostedVm {
    std::uint64_t mac = 0;
    std::string name;   // in the metrics
    unsigned core = 0;  // its driver's core
    int pool = -1;      // a NetQueue VM's pool (the NIC sorts its frames into it), -1: behind the switch
  };
  std::vector<HostedVm> vms;
  BondState* bond = nullptr;               // active-backup bonding
  bool bond_backup = false;                // this VF is a bond's backup slave (port 1)
};

class HostileGuest;

class Driver : public sc_core::sc_module {
public:
  tlm_utils::simple_initiator_socket<Driver> mmio;
  tlm_utils::simple_initiator_socket<Driver> cfg;

  Driver(sc_core::sc_module_name name, const DeviceProfile& prof, const DriverParams& p,
         HostMemory& mem, sc_core::sc_event& vfs_ready);
  // Its counters under /functions/<its index>/ (and, for a PF, its VFs' spoof events and, as
  // a VMDq hypervisor, /vms/), the frames its VM sent and those it could not post.
  ~Driver() override;
  void publish(MetricsRegistry& m) const;

  std::uint64_t rx_harvested() const;
  std::uint64_t rx_harvested(unsigned queue) const { return rxq_[queue].harvested; }
  unsigned rx_queues() const { return static_cast<unsigned>(rxq_.size()); }
  unsigned rx_queue_hw(unsigned i) const { return rxq_[i].hw_queue; }
  // VMDq mode: frames for VM `vm` (by destination MAC) the hypervisor found in its queue i.
  std::uint64_t vm_rx(unsigned vm, unsigned i) const { return vm_rx_[vm * rxq_.size() + i]; }
  // PF only: spoof events igb's watchdog would report per VF (WVBR bits vf and vf + 8).
  std::uint64_t spoof_events(unsigned vf) const { return vf < spoof_events_.size() ? spoof_events_[vf] : 0; }
  // PF only, 82599: the spoofed packets SSVPC counted (the 82599 does not say which VF).
  std::uint64_t spoofed_packets() const { return spoofed_packets_; }
  std::uint64_t rx_foreign() const { return rx_foreign_; }  // unicast for another MAC
  std::uint64_t mac() const { return p_.mac; }  // current: the PF may assign or change it
  // Interrupt and NAPI figures of the driver.
  struct IrqStats {
    std::uint64_t interrupts = 0;   // MSI-X messages handled
    std::uint64_t napi_polls = 0;   // poll rounds (several per interrupt when the budget is used)
    std::uint64_t budget_exhausted = 0;
    std::uint64_t itr_writes = 0;   // EITR rewrites by the ITR algorithm
  };
  const IrqStats& irq_stats() const { return irq_stats_; }
  const LatencyHistogram& sw_latency() const { return sw_latency_; }
  // VF side: requests sent, answered ACK / NACK, unanswered, and request-to-reply latency.
  struct MailboxStats {
    std::uint64_t requests = 0, acks = 0, nacks = 0, timeouts = 0;
    ps_t latency_total = 0, latency_max = 0;
  };
  const MailboxStats& mailbox_stats() const { return mbx_stats_; }
  // PF side: messages its mailbox service handled, and its policy's grants / refusals.
  std::uint64_t mailbox_messages_handled() const { return mbx_service_ ? mbx_service_->msgs_rx() : 0; }
  const PfVfPolicy* policy() const { return policy_.get(); }
  std::uint64_t mmio_errors() const { return mmio_errors_; }
  // VF side: its statistics registers as it last read them (counts since it started), by
  // regs::StatReg, the reads and when the last one was.
  std::uint64_t vf_stat(regs::StatReg r) const { return vf_stats_[static_cast<unsigned>(r)].since_start(); }
  std::uint64_t vf_stats_reads() const { return vf_stats_reads_; }
  bool ready() const { return ready_; }
  // The platform's watchdog tick (one timer for every VF driver) wakes the driver through the
  // event its interrupts use: a wait on one event of its own, not on a list of two (63 VFs'
  // waits on a shared event, or on an or-list, cost a search or two registrations at every
  // interrupt). A delta notification cancels a pending timed one; the loop then waits for the
  // arrival it has on record with a timeout.
  void watchdog_tick() {
    if (p_.vf >= 0 && p_.watchdog_tick && !hostile_) irq_event_.notify(sc_core::SC_ZERO_TIME);  // a hostile VF has no watchdog
  }

private:
  void run();
  void pf_bring_up();
  void setup_rings();
  // MSI-X: the table (every vector unmasked, host vectors from the interrupt controller),
  // MSI-X enable, GPIE/EIAC/EIAM, the other vector (IVAR_MISC); then the queue vectors
  // (IVAR, EITR, EIMS) once the rings exist.
  void setup_msix();
  void setup_queue_vectors();
  void on_interrupt(unsigned vector, ps_t at);
  void handle_interrupts();
  void napi(unsigned vector);
  void handle_other();
  void poll_rings();
  void app_send(double dt_us);
  // Harvests up to `budget` frames from Rx queue `qi`; returns how many.
  unsigned harvest(unsigned qi, unsigned budget, ItrSample* s);
  void check_spoof();
  void update_vf_stats();  // igbvf_update_stats / ixgbevf_update_stats
  void vf_mailbox_setup();
  // Posts one request and polls for the PF's answer (1 us steps, then 10 us); false on NACK
  // or when no answer comes within 50 ms.
  bool mailbox_request(const std::uint32_t* msg, unsigned n, std::uint32_t* reply,
                       unsigned& reply_words);
  regs::RegAccess bar_access();
  void reclaim_tx();
  void send_tx(double dt_us);
  std::uint32_t read32(std::uint32_t off);
  void write32(std::uint32_t off, std::uint32_t v);
  std::uint32_t cfg_read(std::uint16_t rid, std::uint32_t off, unsigned len);
  void cfg_write(std::uint16_t rid, std::uint32_t off, unsigned len, std::uint32_t v);
  // One register access (MMIO or config) of `len` bytes; returns the value read.
  std::uint32_t access(tlm_utils::simple_initiator_socket<Driver>& s, bool write,
                       std::uint64_t addr, unsigned len, std::uint32_t v);
  // Guest-physical -> host pointer; an address outside the VM's memory is a failed invariant
  // (the check stays on in Release, its message out of line).
  std::uint8_t* gpa(std::uint64_t addr, std::uint64_t len);
  [[noreturn, gnu::cold, gnu::noinline]] void gpa_fault(std::uint64_t addr, std::uint64_t len) const;
  void build_tx_frame(std::uint8_t* buf, unsigned len);
  bool tx_ring_room();  // false (counted: tx_ring_full) when the Tx ring has no free descriptor
  [[gnu::always_inline]] inline void post_tx(std::uint64_t buf, unsigned len);  // one descriptor for a frame at buf
  void open_tx_trace();
  void send_trace();    // tx.trace: the trace's frames due by now
  std::unique_ptr<PcapReader> tx_trace_;
  TraceFrame tx_next_;
  bool tx_have_next_ = false;
  ps_t tx_trace_elapsed_ = 0;  // line_rate: the frame times of the frames before
  std::optional<PacketBuilder> tx_builder_;  // the application's frames
  std::uint64_t tx_builder_sa_ = 0;
  std::vector<std::uint32_t> tx_built_len_;  // per Tx descriptor slot: the frame the builder left there

  const DeviceProfile& prof_;
  DriverParams p_;
  HostMemory& mem_;
  std::uint64_t injected_ = 0;  // frames the VM's application produced
  std::uint64_t unposted_ = 0;  // of them, found the ring full
  DropCounter drops_;           // of those, the ones no Tx descriptor was free for
  sc_core::sc_event& vfs_ready_;
  bool ready_ = false;
  // ring layout in guest-physical addresses
  struct RxQueue {
    int vector = -1;                      // the vector that serves it
    std::uint64_t ring = 0, buffers = 0;  // guest-physical
    std::uint8_t* ring_host = nullptr;    // the ring in host memory (its guest address checked once, at setup)
    unsigned index = 0;                   // the queue's number in the function's BAR
    std::uint32_t tail_reg = 0;           // its tail register's offset
    unsigned hw_queue = 0;                // the port's queue index
    const WriteBackTimes* written = nullptr;  // the device's write-back times of its ring, if known
    unsigned ntc = 0, ntu = 0;            // next to clean, next to use
    bool mid_frame = false;               // the last descriptor harvested had no EOP
    std::uint64_t harvested = 0;          // frames (EOP descriptors)
    int vm = -1;                          // hypervisor: the NetQueue VM whose pool it is
  };
  // The host CPU model's path of one received frame (harvested at `now`): the function's own
  // stack, or the hypervisor's: its driver, the switch's lookup, the hand-off to each VM it is
  // for (copy or page flip), the virtual interrupt, and the VM's driver on its core.
  void cpu_rx(const RxQueue& q, std::uint64_t da, int dst, unsigned len, bool stamped, ps_t origin, ps_t now);
  void app_rx(int vm, unsigned len, bool stamped, ps_t origin, ps_t done);
  double window_gbps(std::uint64_t bytes) const;  // bytes over the traffic window, in Gb/s
  struct AppStats {  // frames handed to an application (the function's own, or a VM's)
    std::uint64_t frames = 0, bytes = 0, backlog_drops = 0, copies = 0;
    std::uint64_t replicas = 0;  // broadcast and multicast copies the software switch made for it
    std::uint64_t window_bytes = 0;  // bytes it got inside the traffic window (its Gb/s)
    LatencyHistogram latency;  // origin stamp to the application having the frame
    std::uint64_t batch = ~0ull;  // the NAPI poll whose frames last reached it
  };
  // The VM has its own queue (a VMDq filter into its pool), or sits behind the software switch
  bool netqueue(unsigned v) const { return p_.vms[v].pool >= 0; }
  std::vector<std::uint64_t> vm_macs_;  // the hosted VMs' MACs (p_.vms), for the switch's lookup
  std::uint64_t bond_drops_ = 0;        // frames its bond dropped on the inactive backup slave
  AppStats app_;                  // this function's own stack
  std::vector<AppStats> vm_app_;  // hypervisor: per VM
  std::uint64_t batch_ = 0;       // NAPI polls (and timed polls) so far
  std::vector<RxQueue> rxq_;
  std::uint64_t rx_buffer(const RxQueue& q, unsigned slot) const;  // slot's fixed buffer
  std::uint64_t tx_ring_ = 0, tx_buf_ = 0, tx_head_wb_ = 0;
  unsigned rx_n_ = 0, tx_n_ = 0, tx_slot_ = 0;
  unsigned tx_index_ = 0;       // its Tx queue's number in the function's BAR
  std::uint32_t tx_tail_reg_ = 0;
  unsigned tx_ntc_ = 0, tx_ntu_ = 0;
  std::uint8_t* tx_ring_host_ = nullptr;  // the Tx ring in host memory (checked once, at setup)
  std::vector<std::uint64_t> spoof_events_;
  static constexpr unsigned kStatRegs = regs::kStatRegs;
  VfCounter vf_stats_[kStatRegs];
  std::vector<regs::StatRegDecl> vf_stat_decls_;  // the VF view's, taken once (no allocation in the thread)
  std::uint64_t vf_stats_reads_ = 0;
  ps_t vf_stats_read_at_ = 0;
  std::uint64_t spoofed_packets_ = 0;
  std::vector<std::uint64_t> vm_rx_;
  tlm::tlm_generic_payload gp_;  // register accesses (one at a time: the thread waits)
  // The CPU's time ahead of the kernel (TLM-2.0 temporal decoupling): register accesses add
  // their stall to it; the thread yields when a quantum has gone by or it has nothing to do.
  QuantumKeeper qk_;
  ps_t local_now() const { return now_ps() + to_ps(qk_.get_local_time()); }
  void pause(const sc_core::sc_time& d) {  // the CPU idles for d (then the kernel catches up)
    qk_.inc(d);
    qk_.sync();
  }
  // Interrupt vectors: 0..n of the function's MSI-X table.
  struct Vector {
    bool other = false;                   // the mailbox / link vector
    bool tx = false;                      // serves the Tx ring
    std::vector<unsigned> rx;             // the Rx queues it serves (indices into rxq_)
    std::unique_ptr<ItrPolicy> itr;       // queue vectors
    bool itr_pending = false;             // igb/igbvf write a new EITR at the next interrupt
    ItrSample sample;
    // Messages that reached the host, oldest first: the device sends them ahead of kernel time
    // (each at its own time), so several may be outstanding.
    std::vector<ps_t> arrivals;
    std::uint64_t interrupts = 0;
  };
  std::vector<Vector> vecs_;
  int other_vector_ = -1;
  bool msix_ = false;                     // MSI-X is set up
  sc_core::sc_event irq_event_;  // an interrupt's arrival, or the platform's watchdog tick
  IrqStats irq_stats_;
  LatencyHistogram sw_latency_;           // origin stamp -> the driver handed the frame up
  std::unique_ptr<PfVfPolicy> policy_;            // PF
  std::unique_ptr<PfMailboxService> mbx_service_; // PF
  std::unique_ptr<VfMailbox> vf_mbx_;             // VF
  std::unique_ptr<HostileGuest> hostile_;          // VF: a malicious guest after bring-up
  void start_hostile();
  MailboxStats mbx_stats_;
  double tx_credit_bits_ = 0;
  std::uint64_t rx_foreign_ = 0, mmio_errors_ = 0, tx_seq_ = 0, tx_reclaimed_ = 0;
};


}  // namespace iovsim
