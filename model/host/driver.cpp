#include "model/core/check.h"
#include "model/host/driver.h"

#include "hls/sorter/sorter_core.h"

#include <fmt/format.h>

#include <cmath>
#include <algorithm>
#include <cstring>
#include <sstream>

#include "model/core/frame.h"
#include "model/host/host_memory.h"
#include "model/host/host_cpu.h"
#include "model/host/hostile.h"
#include "model/host/interrupt_controller.h"
#include "model/regs/descriptors.h"
#include "model/regs/pci_config.h"

namespace iovsim {

using regs::Direction;
using regs::RingReg;
using regs::View;
namespace desc = regs::desc;

namespace {
constexpr std::uint64_t kRingsGpa = 0x1000;  // first page left unused
constexpr unsigned kNapiBudget = 64;         // NAPI_POLL_WEIGHT
std::uint64_t align(std::uint64_t v, std::uint64_t a) { return (v + a - 1) / a * a; }
}  // namespace

Driver::Driver(sc_core::sc_module_name name, const DeviceProfile& prof, const DriverParams& p,
               HostMemory& mem, sc_core::sc_event& vfs_ready)
    : sc_module(name), mmio("mmio"), cfg("cfg"), prof_(prof), p_(p), mem_(mem),
      drops_(p.port, p.function, 1),
      vfs_ready_(vfs_ready) {
  qk_.reset();
  if (p.vf >= 0) vf_stat_decls_ = prof.map().stats_decls(View::VF);
  rx_n_ = p.host.rx_ring_entries;
  tx_n_ = p.host.tx_ring_entries;
  tx_slot_ = static_cast<unsigned>(align(p.max_frame, 64));
  if (!p.cfg.tx.trace.empty()) open_tx_trace();  // checked whole before the run
  // Layout (driver_memory_bytes): page 0 unused, Rx rings, Tx ring, Rx buffers, Tx buffers.
  // With RSS the function runs every queue of its pool; otherwise its first. A VMDq
  // hypervisor runs its default queue plus the first queue of each NetQueue VM's pool.
  std::vector<unsigned> pools{p.pool};
  std::vector<int> pool_vm{-1};  // the hosted VM each pool's queues are for
  for (unsigned k = 0; k < p.vms.size(); ++k)
    if (p.vms[k].pool >= 0) {
      pools.push_back(static_cast<unsigned>(p.vms[k].pool));
      pool_vm.push_back(static_cast<int>(k));
    }
  // Without a per-pool RSS enable (the 82599) every pool hashes over its queues once MRQC
  // selects VMDq + RSS, so every driver on the port runs them all.
  const bool rss = p.cfg.rss || (!prof.per_pool_rss && p.port_rss);
  // With DCB a queue per traffic class (ixgbevf: num_rx_queues = num_tcs).
  const unsigned per_pool = rss || prof.dcb_tcs ? prof.queues_per_pool : 1;
  const View view = p.vf < 0 ? View::PF : View::VF;
  for (unsigned j = 0; j < pools.size(); ++j)
    for (unsigned i = 0, pool = pools[j]; i < per_pool; ++i) {
      RxQueue q;
      q.vm = pool_vm[j];
      q.hw_queue = prof.queue_of(pool, i);
      q.index = p.vf < 0 ? q.hw_queue : i;  // a VF's BAR numbers its own queues
      q.tail_reg = prof.map().ring_offset(Direction::Rx, view, RingReg::Tail, q.index);
      if (p.rx_write_backs) q.written = p.rx_write_backs(q.hw_queue);
      rxq_.push_back(q);
    }
  const auto nq = static_cast<unsigned>(rxq_.size());
  for (const DriverParams::HostedVm& vm : p.vms) vm_macs_.push_back(vm.mac);
  vm_rx_.resize(vm_macs_.size() * nq);
  vm_app_.resize(vm_macs_.size());
  const std::uint64_t base = p.iova_base;  // where the function's memory starts, as DMA sees it
  std::uint64_t at = base + kRingsGpa;
  for (unsigned i = 0; i < nq; ++i) {
    rxq_[i].ring = at;
    at += align(rx_n_ * 16ull, 128);
  }
  tx_ring_ = at;
  tx_head_wb_ = tx_ring_ + tx_n_ * 16ull;  // the head write-back slot (TDWBAL)
  at = align(tx_head_wb_ + 16, 4096);
  for (unsigned i = 0; i < nq; ++i, at += std::uint64_t{rx_n_} * p.host.rx_buffer_bytes)
    rxq_[i].buffers = at;
  tx_buf_ = at;
  // The Tx queue: the pool's first, or with DCB the one of the function's traffic class (a VF's:
  // the default queue ixgbe_get_vf_queues hands ixgbevf, IXGBE_VF_DEF_QUEUE).
  tx_index_ = p.vf < 0 ? prof.queue_of(p.pool, p.cfg.qos_tc) : p.cfg.qos_tc;
  tx_tail_reg_ = prof.map().ring_offset(Direction::Tx, view, RingReg::Tail, tx_index_);
  IOVSIM_CHECK(tx_buf_ - base + std::uint64_t{tx_n_} * tx_slot_ == driver_memory_bytes(p.host, p.max_frame, nq),
               fmt::format("function {}: the driver's layout differs from the size the scenario check allowed", p.function));
  IOVSIM_CHECK(tx_buf_ - base + std::uint64_t{tx_n_} * tx_slot_ <= p.mem_bytes,
               fmt::format("function {}: rings and buffers need more than its {} bytes of memory", p.function, p.mem_bytes));
  spoof_events_.resize(p.vfs);
  SC_HAS_PROCESS(Driver);
  SC_THREAD(run);
}

std::uint64_t Driver::rx_buffer(const RxQueue& q, unsigned slot) const {
  std::uint64_t buf = q.buffers + std::uint64_t{slot} * p_.host.rx_buffer_bytes;
  return p_.cfg.bad_dma ? buf + p_.mem_bytes : buf;  // bad_dma: outside this VM's memory
}

void Driver::publish(MetricsRegistry& m) const {
  const std::string fn = fmt::format("/functions/{}/", p_.function);
  m.value(fn + "mac", [this] { return MacAddress(p_.mac).str(); }, Unit::None,
          "its station address at the end of the run");
  m.value(fn + "driver_rx_frames", [this] { return rx_harvested(); }, Unit::Frames,
          "frames the driver harvested from its Rx rings");
  m.counter(fn + "driver_rx_foreign_unicast", rx_foreign_, Unit::Frames,
            "unicast frames for another station found in its buffers");
  m.counter(fn + "register_errors", mmio_errors_, Unit::Count,
            "its register or config accesses that failed");
  if (p_.vf >= 0) {
    for (unsigned r = 0; r < kStatRegs; ++r)
      m.value(fn + "driver_stats/" + regs::stat_reg_name(static_cast<regs::StatReg>(r)), [this, r] { return vf_stats_[r].since_start(); }, Unit::Count,
              "the VF driver's count from its statistics registers (VFGPRC ...), as of its last read");
    m.counter(fn + "driver_stats/reads", vf_stats_reads_, Unit::Count,
              "times it read them (at bring-up, the base, then every host.watchdog_us on the platform's tick)");
    m.value(fn + "driver_stats/last_read_ns", [this] { return static_cast<double>(vf_stats_read_at_) / 1000.0; },
            Unit::Nanoseconds, "when it last read them");
  }
  m.value(fn + "driver/mode",
          [this] { return p_.cfg.driver == DriverMode::napi ? "napi" : p_.cfg.driver == DriverMode::poll ? "poll" : "external"; },
          Unit::None, "napi (interrupts), poll (a timed poll loop) or external (a driver outside the model)");
  m.counter(fn + "driver/interrupts", irq_stats_.interrupts, Unit::Events,
            "interrupts (MSI-X messages) the driver handled");
  m.rate_per_second(fn + "driver/interrupts_per_second", fn + "driver/interrupts",
                    "interrupts handled per second of the traffic window");
  m.value(fn + "driver/interrupts_by_vector",
          [this] {
            nlohmann::json a = nlohmann::json::array();
            for (const Vector& v : vecs_) a.push_back(v.interrupts);
            return a;
          },
          Unit::Events, "interrupts handled per MSI-X vector of the function");
  m.value(fn + "driver/interrupts_per_frame",
          [this] {
            const std::uint64_t frames = rx_harvested() + tx_reclaimed_;
            return frames ? static_cast<double>(irq_stats_.interrupts) / static_cast<double>(frames) : 0.0;
          },
          Unit::Ratio, "interrupts per frame handed up or reclaimed");
  m.counter(fn + "driver/napi_polls", irq_stats_.napi_polls, Unit::Count, "NAPI poll rounds");
  m.counter(fn + "driver/budget_exhausted", irq_stats_.budget_exhausted, Unit::Count,
            "poll rounds that used the whole budget of 64 (the driver kept polling)");
  m.counter(fn + "driver/itr_writes", irq_stats_.itr_writes, Unit::Count,
            "EITR rewrites by the driver's throttling algorithm");
  publish_latency(m, fn + "sw_latency_ns/", sw_latency_, "origin stamp to the driver handing the frame up");
  if (p_.vf < 0) {
    // 82576: per VF from WVBR; 82599: SSVPC's count, on the PF's entry
    m.counter(fn + "spoof_events_seen_by_pf", spoofed_packets_, Unit::Events,
              "spoof events the PF driver's check saw (82599: SSVPC)");
    for (unsigned v = 0; v < spoof_events_.size(); ++v)
      m.counter(fmt::format("/functions/{}/spoof_events_seen_by_pf", p_.function + 1 + v),
                spoof_events_[v], Unit::Events, "spoof events the PF driver's check saw (82576: WVBR)");
    m.value(fn + "mailbox",
            [this] {
              const PfVfPolicy* pol = policy_.get();
              return nlohmann::json{{"messages_handled", mailbox_messages_handled()},
                                    {"granted", pol ? pol->grants_total() : 0},
                                    {"refused", pol ? pol->refusals_total() : 0},
                                    {"mac_conflicts_refused", pol ? pol->mac_conflicts_refused() : 0}};
            },
            Unit::None, "the PF's mailbox service: messages handled, grants and refusals");
  } else {
    m.value(fn + "mailbox",
            [this] {
              const MailboxStats& s = mbx_stats_;
              const std::uint64_t answered = s.acks + s.nacks;
              return nlohmann::json{
                  {"requests", s.requests},
                  {"acks", s.acks},
                  {"nacks", s.nacks},
                  {"timeouts", s.timeouts},
                  {"latency_ns_mean",
                   answered ? static_cast<double>(s.latency_total) / answered / 1000 : 0.0},
                  {"latency_ns_max", static_cast<double>(s.latency_max) / 1000}};
            },
            Unit::None, "the VF's mailbox requests, answers and request-to-reply latency");
  }
  if (p_.cpu) {  // the host CPU model: what reached the function's own application
    m.counter(fn + "app_rx_frames", app_.frames, Unit::Frames,
              "frames its stack handed to its application (after its core's work: host CPU model)");
    m.counter(fn + "app_rx_bytes", app_.bytes, Unit::Bytes, "their bytes");
    m.value(fn + "app_rx_gbps", [this] { return window_gbps(app_.window_bytes); },
            Unit::Gbps, "the bytes its application got inside the traffic window, over the window");
    m.counter(fn + "app_backlog_drops", app_.backlog_drops, Unit::Frames,
              "frames its core's queue had no room for (a saturated core)");
    publish_latency(m, fn + "app_latency_ns/", app_.latency, "origin stamp to the application having the frame");
  }
  if (p_.bond_backup)
    m.counter(fn + "bond_inactive_drops", bond_drops_, Unit::Frames,
              "frames the VM's bond dropped on this VF while it was the inactive (backup) slave");
  // VMDq and vswitch modes, a PF's bridge: which queue each VM's frames used, what reached it.
  if (!vm_macs_.empty())
    for (unsigned v = 0; v < vm_macs_.size(); ++v)
      m.value(fmt::format("/vms/{}", p_.port * vm_macs_.size() + v),
              [this, v] {
                nlohmann::json qs = nlohmann::json::array();
                std::uint64_t total = 0;
                for (unsigned i = 0; i < rx_queues(); ++i) {
                  const std::uint64_t n = vm_rx(v, i);
                  total += n;
                  if (n)
                    qs.push_back({{"queue", rx_queue_hw(i)}, {"rx_frames", n}, {"default_queue", i == 0}});
                }
                nlohmann::json j{{"name", p_.vms[v].name},
                                 {"mac", MacAddress(vm_macs_[v]).str()},
                                 {"netqueue", netqueue(v)},
                                 {"rx_frames", total},
                                 {"queues", qs}};
                if (p_.cpu) {
                  const AppStats& a = vm_app_[v];
                  const LatencyHistogram& h = a.latency;
                  j["core"] = p_.vms[v].core;
                  j["app_rx_frames"] = a.frames;
                  j["app_rx_bytes"] = a.bytes;
                  j["app_rx_gbps"] = window_gbps(a.window_bytes);
                  j["copies"] = a.copies;
                  j["backlog_drops"] = a.backlog_drops;
                  j["switch_replicas"] = a.replicas;
                  j["app_latency_ns"] = {{"count", h.count()}, {"mean", h.mean_ns()}, {"p50", h.quantile_ns(0.5)},
                                         {"p99", h.quantile_ns(0.99)}, {"max", h.max_ns()}};
                }
                return j;
              },
              Unit::None, "a VM behind the hypervisor: its frames and the queues they used");
  m.counter(fn + "driver_tx_produced", injected_, Unit::Frames,
            "frames the VM's application produced (posted, or dropped when its ring was full)");
  m.counter("/conservation/injected_host", unposted_, Unit::Frames,
            "frames the applications produced that found their Tx ring full (dropped before the device)");
  drops_.publish(m);
  if (p_.cfg.hostile.ops_per_us > 0) {  // the guest turns hostile after bring-up: read it then
    using S = HostileGuest::Stats;
    auto stat = [this](std::uint64_t S::*field) {
      return [this, field] { return hostile_ ? hostile_->stats().*field : std::uint64_t{0}; };
    };
    m.value(fn + "hostile/operations", stat(&S::ops), Unit::Count, "hostile operations the guest issued");
    m.value(fn + "hostile/mmio", stat(&S::mmio), Unit::Count, "random BAR0 / MSI-X table accesses");
    m.value(fn + "hostile/ring_writes", stat(&S::rings), Unit::Count, "ring registers set to arbitrary values");
    m.value(fn + "hostile/descriptor_bursts", stat(&S::descriptors), Unit::Count,
            "runs of arbitrary descriptors followed by a tail write");
    m.value(fn + "hostile/mailbox", stat(&S::mailbox), Unit::Count, "garbage mailbox messages and floods");
    m.value(fn + "hostile/theft", stat(&S::theft), Unit::Count,
            "requests for a neighbour's MAC, random VLANs, long multicast lists");
  }
}

std::uint64_t Driver::rx_harvested() const {
  std::uint64_t n = 0;
  for (const RxQueue& q : rxq_) n += q.harvested;
  return n;
}

// Inline: a received frame takes four (its descriptor, header, stamp, the buffer re-posted).
inline std::uint8_t* Driver::gpa(std::uint64_t addr, std::uint64_t len) {
  if (__builtin_expect(addr < p_.iova_base || addr - p_.iova_base + len > p_.mem_bytes, 0)) gpa_fault(addr, len);
  return mem_.ptr(p_.mem_hpa + addr - p_.iova_base, len);
}

void Driver::gpa_fault(std::uint64_t addr, std::uint64_t len) const {
  invariant_failed("addr >= iova_base && addr - iova_base + len <= mem_bytes", __FILE__, __LINE__,
                   fmt::format("function {}: driver access at {:#x}+{} outside its memory", p_.function, addr, len));
}

std::uint32_t Driver::access(tlm_utils::simple_initiator_socket<Driver>& s, bool write,
                             std::uint64_t addr, unsigned len, std::uint32_t v) {
  // One payload, reused: a thread still waiting in here when the simulation ends is never
  // unwound, so a local payload's storage would be left behind.
  tlm::tlm_generic_payload& gp = gp_;
  gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  gp.set_data_length(len);
  gp.set_streaming_width(len);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  // The CPU stalls on its register access; it runs temporally decoupled (TLM-2.0 LT), so the
  // stall moves its local time and the thread yields only when a quantum has gone by.
  sc_core::sc_time d = qk_.get_local_time();
  s->b_transport(gp, d);
  const bool ok = gp.is_response_ok();
  qk_.set(d);
  if (qk_.need_sync()) qk_.sync();
  if (!ok) ++mmio_errors_;
  return v;
}

std::uint32_t Driver::read32(std::uint32_t off) { return access(mmio, false, p_.bar0 + off, 4, 0); }

void Driver::write32(std::uint32_t off, std::uint32_t v) { access(mmio, true, p_.bar0 + off, 4, v); }

// Config cycles: ECAM-style address, routing ID << 12 | register.
std::uint32_t Driver::cfg_read(std::uint16_t rid, std::uint32_t off, unsigned len) {
  return access(cfg, false, std::uint64_t{rid} << 12 | off, len, 0);
}

void Driver::cfg_write(std::uint16_t rid, std::uint32_t off, unsigned len, std::uint32_t v) {
  access(cfg, true, std::uint64_t{rid} << 12 | off, len, v);
}

void Driver::pf_bring_up() {
  using namespace pcicfg;
  const std::uint16_t rid = p_.routing_id();
  // PCI core: BAR0, memory decoding, bus mastering.
  cfg_write(rid, BAR0, 4, static_cast<std::uint32_t>(p_.bar0));
  cfg_write(rid, BAR0 + 4 * prof_.pf_msix_bar, 4, static_cast<std::uint32_t>(p_.msix_bar));
  cfg_write(rid, COMMAND, 2, p_.cfg.no_bus_master ? CMD_MEMORY : CMD_MEMORY | CMD_BUS_MASTER);
  // The firmware's routing of pin A (x86 ACPI puts a slot's INTA..INTD on GSIs 16-19) and the
  // kernel's cache line size (pci_set_cacheline_size: the CPU's 64 bytes, in dwords).
  cfg_write(rid, INT_LINE, 1, 16 + p_.port);
  cfg_write(rid, CACHE_LINE, 1, 64 / 4);
  // pcie_aspm_configure_common_clock: both ends of the link run on the slot's clock.
  cfg_write(rid, PCIE_CAP + EXP_LNKCTL, 2, 0x0040);
  // The PCIe Device Control of the scenario's MPS and MRRS (the PCI core and BIOS set it).
  const auto log2 = [](unsigned v) { unsigned n = 0; while ((128u << n) < v) ++n; return n; };
  cfg_write(rid, PCIE_CAP + EXP_DEVCTL, 2,
            0x0810u | log2(p_.max_payload) << 5 | log2(p_.max_read_request) << 12);
  // sriov_numvfs: VF BAR0, NumVFs, then VF Enable + VF MSE (+ ARI capable hierarchy).
  const std::uint32_t cap = prof_.sriov_cap_offset;
  cfg_write(rid, cap + SRIOV_BAR, 4, static_cast<std::uint32_t>(p_.vf_bar0));
  cfg_write(rid, cap + SRIOV_BAR + 12, 4, static_cast<std::uint32_t>(p_.vf_msix_bar));
  cfg_write(rid, cap + SRIOV_CTRL, 2, SRIOV_CTRL_ARI);
  cfg_write(rid, cap + SRIOV_NUM_VF, 2, p_.vfs);
  if (p_.vfs) cfg_write(rid, cap + SRIOV_CTRL, 2, SRIOV_CTRL_ARI | SRIOV_CTRL_VFE | SRIOV_CTRL_MSE);

  // MSI-X before the VFs can send mailbox messages (igb_init_interrupt_scheme at probe).
  setup_msix();
  // The steps of igb's and ixgbe's bring-up; the family's map writes each one's registers.
  const regs::DeviceMap& map = prof_.map();
  regs::RegAccess bar = bar_access();
  // Receive control, VMDq, default pool, replication (igb_vmm_control/igb_set_rx_mode;
  // ixgbe_configure_virtualization/ixgbe_set_rx_mode). A unicast that matches no receive
  // address fails L2 filtering unless the port is unicast promiscuous (as when the PF is a
  // bridge port); it then lands in the default pool, the PF's. VLAN filtering stays on in VT
  // mode: untagged frames go by the pools' accept-untagged bit.
  const unsigned pf_pool = p_.pool;
  bool any_rss = p_.cfg.rss;
  for (const FunctionCfg& c : p_.vf_cfg) any_rss = any_rss || c.rss;
  map.write_rx_filter_control(bar, {true, !p_.drop_unmatched, true});
  regs::RssHashTypes types;
  types.ipv4 = types.ipv4_tcp = types.ipv4_udp = true;
  types.ipv6 = types.ipv6_tcp = types.ipv6_udp = true;
  if (any_rss) {
    // igb_setup_mrqc / ixgbe_setup_mrqc: the key and a redirection table alternating the
    // pool's two queues.
    static const std::uint8_t kKey[40] = {
        0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
        0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
        0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};  // Microsoft's
    std::uint8_t reta[hls::kRetaEntries];
    for (unsigned i = 0; i < hls::kRetaEntries; ++i) reta[i] = static_cast<std::uint8_t>(i % 2);
    map.write_rss_tables(bar, kKey, reta);
  }
  map.write_pool_mode(bar, {any_rss, types, pf_pool, true});
  map.write_receive_address(bar, 0, p_.mac, pf_pool);
  std::uint64_t pools = std::uint64_t{1} << pf_pool;
  if (p_.vfs) {
    // The PF/VF policy owns the VFs' filters from here on (igb_set_vf_mac: the VF's MAC at
    // RAR rar_entry_count - (vf + 1)). A MAC the administrator set ('ip link set vf N mac')
    // is locked against the VF's own SET_MAC_ADDR unless the VF is trusted; an automatic one
    // is not.
    policy_ = make_pf_policy(prof_.family, bar_access(), p_.vfs, p_.num_rar, p_.num_vlvf);
    policy_->set_strict_mac(p_.host.pf_mac_policy == PfMacPolicy::strict, p_.mac);
    mbx_service_ = std::make_unique<PfMailboxService>(bar_access(), map.mailbox(), p_.vfs);
    for (unsigned v = 0; v < p_.vfs; ++v) {
      if (p_.vf_cfg[v].vm_mode != Mode::sriov) continue;  // an unused VF: its VM is the PF's to host
      if (!p_.vf_cfg[v].mac.is_auto())
        policy_->set_vf_mac(v, p_.vf_macs[v]);
      else
        policy_->set_default_vf_mac(v, p_.vf_macs[v]);
      policy_->set_trusted(v, p_.vf_cfg[v].trusted);
      policy_->set_allow_vlan(v, true);
      pools |= std::uint64_t{1} << v;
    }
    mbx_service_->enable_interrupts();  // mailbox interrupts from every VF
    mbx_service_->service(*policy_);     // requests that arrived before they were enabled
  }
  // VMDq (NetQueue/VMQ): the hypervisor gives each NetQueue VM a filter into its own pool;
  // the other VMs' frames fall through to the default pool, the hypervisor's own queue.
  for (unsigned v = 0, n = 1; v < p_.vms.size(); ++v)
    if (netqueue(v)) {
      const auto pool = static_cast<unsigned>(p_.vms[v].pool);
      map.write_receive_address(bar, n++, p_.vms[v].mac, pool);
      pools |= std::uint64_t{1} << pool;
    }
  for (unsigned pool = 0; pool <= pf_pool; ++pool) {  // igb_set_vmolr / ixgbe_set_vmolr
    if (!(pools >> pool & 1)) continue;
    const FunctionCfg& c = pool == pf_pool ? p_.cfg : p_.vf_cfg[pool];
    map.write_pool_accept(bar, pool, {true, true, c.rss, p_.max_frame});
  }
  // MAC and VLAN anti-spoofing for the VFs that have spoofchk on (never the PF's own pool:
  // igb XORs its bits out). Loopback: the global VEB enable only; the per-pool LLE bits
  // would also loop a pool's own broadcasts back to itself, and the drivers leave them clear.
  std::uint64_t spoof = 0;
  for (unsigned v = 0; v < p_.vfs; ++v)
    if (p_.vf_cfg[v].spoofchk && !p_.vmdq) spoof |= std::uint64_t{1} << v;
  map.write_pool_enables(bar, pools, pools);
  map.write_switch_control(bar, p_.loopback, spoof, spoof, p_.vfs);
  // Flow control, as igb_reset / ixgbe_fc_enable_generic program it (full or none).
  map.write_flow_control(bar, p_.flow_control, p_.rx_packet_buffer_bytes, p_.max_frame, p_.vfs > 0 && !p_.vmdq);
  // DCB: ixgbe_set_rxpba, ixgbe_dcb_hw_config_82599 and ixgbe_setup_mtqc (ixgbe_configure_dcb at ixgbe_configure)
  if (p_.dcb.tcs) map.write_dcb(bar, p_.dcb);
  // igb_set_vf_rate_limit / ixgbe_set_vf_rate_limit for each VF's pool (the family's map
  // picks its queues); the PF's own pool likewise.
  for (unsigned v = 0; v <= p_.vfs; ++v) {
    const double rate = v < p_.vfs ? p_.vf_rate_limit_mbps[v] : p_.cfg.rate_limit_mbps;
    if (rate <= 0) continue;
    std::vector<unsigned> queues;
    for (unsigned i = 0; i < prof_.queues_per_pool; ++i) queues.push_back(prof_.queue_of(v < p_.vfs ? v : pf_pool, i));
    map.write_rate_limit(bar, queues, rate, p_.link_bps / 1e6, p_.rate_window_kb);
  }
}

void Driver::setup_rings() {
  const regs::DeviceMap& map = prof_.map();
  const View view = p_.vf < 0 ? View::PF : View::VF;
  auto reg = [&](Direction d, RingReg r, unsigned index) { return map.ring_offset(d, view, r, index); };
  // Rx: SRRCTL (buffer size, advanced one-buffer descriptors, drop when no descriptor), ring.
  for (RxQueue& q : rxq_) {
    const Direction d = Direction::Rx;
    write32(reg(d, RingReg::BufferCtl, q.index), map.encode_srrctl({p_.host.rx_buffer_bytes, true, 1}));
    write32(reg(d, RingReg::BaseLo, q.index), static_cast<std::uint32_t>(q.ring));
    write32(reg(d, RingReg::BaseHi, q.index), static_cast<std::uint32_t>(q.ring >> 32));
    write32(reg(d, RingReg::Length, q.index), rx_n_ * 16);
    write32(reg(d, RingReg::Head, q.index), 0);
    write32(q.tail_reg, 0);
    q.ring_host = gpa(q.ring, 16ull * rx_n_);
    for (unsigned i = 0; i + 1 < rx_n_; ++i) desc::RxRead{rx_buffer(q, i), 0}.store(q.ring_host + 16ull * i);
    q.ntu = rx_n_ - 1;
    const std::uint32_t ctl = reg(d, RingReg::Control, q.index);
    write32(ctl, map.driver_dctl(d, view, read32(ctl)));
    write32(q.tail_reg, q.ntu);
  }
  // Tx
  tx_ring_host_ = gpa(tx_ring_, 16ull * tx_n_);
  const Direction d = Direction::Tx;
  write32(reg(d, RingReg::BaseLo, tx_index_), static_cast<std::uint32_t>(tx_ring_));
  write32(reg(d, RingReg::BaseHi, tx_index_), static_cast<std::uint32_t>(tx_ring_ >> 32));
  write32(reg(d, RingReg::Length, tx_index_), tx_n_ * 16);
  write32(reg(d, RingReg::Head, tx_index_), 0);
  write32(tx_tail_reg_, 0);
  if (p_.host.tx_head_writeback) {  // as the BSD igb driver: TDWBAL = slot | HEAD_WB_ENABLE
    write32(reg(d, RingReg::HeadWbHi, tx_index_), static_cast<std::uint32_t>(tx_head_wb_ >> 32));
    write32(reg(d, RingReg::HeadWbLo, tx_index_), static_cast<std::uint32_t>(tx_head_wb_) | 1u);
  }
  const std::uint32_t ctl = reg(d, RingReg::Control, tx_index_);
  write32(ctl, map.driver_dctl(d, view, read32(ctl)));
}

Driver::~Driver() = default;

void Driver::start_hostile() {
  // From here on the guest is malicious: its rings, registers and mailbox are its toys.
  const regs::DeviceMap& map = prof_.map();
  HostileTarget t;
  t.bar0_bytes = prof_.vf_bar0_bytes;
  t.msix_bar = p_.msix_bar;
  t.msix_bytes = p_.msix_bytes;
  for (Direction d : {Direction::Rx, Direction::Tx})
    for (const regs::RingRegDecl& x : map.ring_decls(d, View::VF))
      for (unsigned i = 0; i < x.decl.info.count && i < prof_.queues_per_pool; ++i) t.ring_regs.push_back(x.decl.info.at(i));
  for (const RxQueue& q : rxq_) t.rings.push_back({q.ring, rx_n_, q.tail_reg, false});
  t.rings.push_back({tx_ring_, tx_n_, tx_tail_reg_, true});
  t.mem_base = p_.iova_base;
  t.mem_bytes = p_.mem_bytes;
  for (unsigned v = 0; v < p_.vf_macs.size(); ++v)
    if (static_cast<int>(v) != p_.vf) t.neighbour_macs.push_back(p_.vf_macs[v]);
  hostile_ = std::make_unique<HostileGuest>(
      p_.cfg.hostile, p_.seed ^ (0x9E3779B97F4A7C15ull * (p_.function + 1)), std::move(t), bar_access(),
      [this](std::uint64_t a, bool w, std::uint32_t v) { return access(mmio, w, a, 4, v); },
      [this](std::uint64_t gpa_addr, std::uint64_t len) -> std::uint8_t* {
        if (gpa_addr < p_.iova_base || gpa_addr - p_.iova_base + len > p_.mem_bytes) return nullptr;
        return gpa(gpa_addr, len);
      },
      *vf_mbx_);
}

void Driver::run() {
  if (p_.cfg.driver == DriverMode::external) {  // a driver outside the model owns the function
    ready_ = true;
    if (p_.vf < 0) vfs_ready_.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  if (p_.vf < 0) {
    pf_bring_up();
    qk_.sync();
    vfs_ready_.notify(sc_core::SC_ZERO_TIME);
  } else {
    if (p_.cfg.vm_mode != Mode::sriov) {  // the PF hosts the VM (VMDq pool or bridge): its VF stays unused
      ready_ = true;
      return;
    }
    wait(vfs_ready_);
    // The VM sees its VF: check it answers config cycles (a VF's vendor ID reads FFFFh, its
    // class code does not), then the igbvf start-up handshake with the PF.
    if ((cfg_read(p_.routing_id(), pcicfg::CLASS_REV, 4) >> 8) != 0x020000) ++mmio_errors_;
    // pci_set_master in igbvf_probe / ixgbevf_probe: the VF's own Bus Master Enable.
    if (!p_.cfg.no_bus_master) cfg_write(p_.routing_id(), pcicfg::COMMAND, 2, pcicfg::CMD_BUS_MASTER);
    vf_mailbox_setup();
  }
  setup_rings();
  if (p_.vf >= 0) setup_msix();
  setup_queue_vectors();
  ready_ = true;
  if (p_.vf >= 0 && p_.cfg.hostile.ops_per_us > 0) start_hostile();
  // What wakes the driver: an interrupt; in poll mode its poll period; the VM's application
  // handing over frames every period while it sends; the PF's watchdog (spoof checks).
  constexpr ps_t kNever = ~ps_t{0};
  const ps_t period = static_cast<ps_t>(p_.host.poll_interval_us * kPsPerUs);
  const bool poll_mode = p_.cfg.driver == DriverMode::poll;
  const bool sends = p_.cfg.tx.load_mbps > 0 || tx_trace_;
  const ps_t watchdog = static_cast<ps_t>(p_.host.watchdog_us * kPsPerUs);
  ps_t next_poll = poll_mode ? local_now() + period : kNever;
  ps_t next_app = sends ? std::max(local_now() + period, p_.window->start) : kNever;
  // The watchdog: the PF's spoof checks; a VF's statistics reads. A VF takes its counters'
  // base now, at the end of its bring-up, as igbvf_probe / ixgbevf_up_complete do.
  if (p_.vf >= 0 && !hostile_) update_vf_stats();
  ps_t next_watchdog = (p_.vf < 0 && p_.vfs) || (p_.vf >= 0 && !hostile_) ? local_now() + watchdog : kNever;
  // A hostile guest acts every period during the traffic window, its operations paced by
  // ops_per_us (fractions carried over).
  ps_t next_hostile = hostile_ ? std::max(local_now() + period, p_.window->start) : kNever;
  ps_t last_hostile = local_now();
  double hostile_due = 0;
  ps_t last_app = local_now();
  for (;;) {
    ps_t timer = std::min({next_poll, next_app, next_hostile});
    for (const Vector& v : vecs_)
      if (!v.arrivals.empty()) timer = std::min(timer, v.arrivals.front());
    // A VF's watchdog (its statistics reads) follows the platform's shared tick instead of a
    // timeout of its own: 63 VFs' timeouts in the kernel's queue, re-posted at every
    // interrupt, cost more than the reads. The PF keeps its own timer.
    const bool tick = p_.vf >= 0 && p_.watchdog_tick;
    const ps_t wake = tick ? timer : std::min(timer, next_watchdog);
    // The CPU is busy until its local time (it ran ahead); it sleeps from then until `wake`
    // or an interrupt, in one wait: an interrupt that comes sooner finds it still busy.
    const ps_t busy_until = local_now(), now0 = now_ps();
    if (wake > busy_until) {
      if (wake == kNever)
        wait(irq_event_);  // (a VF's watchdog tick notifies it too: watchdog_tick)
      else
        wait(to_sc(wake - now0), irq_event_);
      // The wait was not the quantum keeper's: its next sync point is still the one before
      // the wait, so without the reset the first register access after every wake-up would
      // sync (one more kernel wake-up per interrupt) however little time it took.
      const ps_t woke = now_ps();
      qk_.reset();
      qk_.set(to_sc(busy_until > woke ? busy_until - woke : 0));
    }
    handle_interrupts();
    const ps_t now = local_now();
    if (now >= next_poll) {
      if (!hostile_) poll_rings();
      next_poll = std::max(next_poll + period, local_now() + 1);
    }
    if (now >= next_app) {
      // The VM's application produced frames for the time that really passed: register
      // accesses stall the CPU, so its wake-ups drift later than the nominal period.
      if (!hostile_) app_send(static_cast<double>(now - last_app) / kPsPerUs);
      last_app = now;
      next_app = p_.window->decided && now > p_.window->end ? kNever : std::max(next_app + period, local_now() + 1);
    }
    if (now >= next_hostile) {
      const TrafficWindow& w = *p_.window;
      if (w.decided && now >= w.start) {
        hostile_due += p_.cfg.hostile.ops_per_us * static_cast<double>(now - std::max(last_hostile, w.start)) / kPsPerUs;
        // A guest whose register accesses stall it longer than a period falls behind: it
        // does at most one period's operations per wake-up (what it reaches is reported).
        hostile_due = std::min(hostile_due, p_.cfg.hostile.ops_per_us * static_cast<double>(period) / kPsPerUs + 1);
        const auto ops = static_cast<std::uint64_t>(hostile_due);
        hostile_due -= static_cast<double>(ops);
        hostile_->run(ops);
      }
      last_hostile = now;
      next_hostile = w.decided && now > w.end ? kNever : std::max(next_hostile + period, local_now() + 1);
    }
    if (now >= next_watchdog) {
      if (p_.vf < 0)
        check_spoof();
      else
        update_vf_stats();
      next_watchdog = std::max(next_watchdog + watchdog, local_now() + 1);
    }
  }
}

void Driver::setup_msix() {
  using namespace pcicfg;
  if (!p_.irqc || msix_) return;
  const regs::DeviceMap& map = prof_.map();
  const View view = p_.vf < 0 ? View::PF : View::VF;
  // Vector plan, as the drivers lay it out. igb: 0 other, queue vectors from 1; igbvf: 0 Tx,
  // 1 Rx, 2 other; ixgbe: queue vectors from 0, other last; ixgbevf: 0 TxRx, 1 other. A
  // queue vector serves one Rx queue (the Tx ring rides on the first).
  const unsigned table = p_.vf < 0 ? prof_.pf_msix_vectors : prof_.vf_msix_vectors;
  const auto nrx = static_cast<unsigned>(rxq_.size());
  vecs_.clear();
  auto add = [this](bool tx, bool other) {
    Vector v;
    v.tx = tx;
    v.other = other;
    v.arrivals.reserve(16);
    vecs_.push_back(std::move(v));
    return static_cast<unsigned>(vecs_.size() - 1);
  };
  auto queue_vector = [&add](bool tx) { return add(tx, false); };
  auto other = [this, &add] { other_vector_ = static_cast<int>(add(false, true)); };
  if (prof_.family == Family::i82576 && p_.vf >= 0) {
    queue_vector(true);                       // 0: Tx
    const unsigned rx = queue_vector(false);  // 1: Rx (every Rx queue)
    for (unsigned i = 0; i < nrx; ++i) vecs_[rx].rx.push_back(i), rxq_[i].vector = static_cast<int>(rx);
    other();                                  // 2: mailbox
  } else {
    const bool other_first = prof_.family == Family::i82576;  // igb
    if (other_first) other();
    const unsigned room = table - 1;
    for (unsigned i = 0; i < nrx; ++i) {
      unsigned v;
      if (i < room) v = queue_vector(i == 0);
      else v = static_cast<unsigned>(other_first ? 1 : 0);  // more queues than vectors: share
      vecs_[v].rx.push_back(i);
      rxq_[i].vector = static_cast<int>(v);
    }
    if (!other_first) other();
  }
  // The table: each vector gets a host vector; entries unmasked; MSI-X on (PCI core:
  // enable with the function masked, program, unmask).
  const std::uint16_t rid = p_.routing_id();
  cfg_write(rid, MSIX_CAP + MSIX_FLAGS, 2, MSIX_FLAGS_ENABLE | MSIX_FLAGS_MASKALL);
  for (unsigned v = 0; v < vecs_.size(); ++v) {
    const InterruptController::Vector hv =
        p_.irqc->allocate(p_.function, [this, v](ps_t at) { on_interrupt(v, at); });
    const std::uint64_t e = p_.msix_bar + 16ull * v;
    access(mmio, true, e + 0, 4, static_cast<std::uint32_t>(hv.addr));
    access(mmio, true, e + 4, 4, static_cast<std::uint32_t>(hv.addr >> 32));
    access(mmio, true, e + 8, 4, hv.data);
    access(mmio, true, e + 12, 4, 0);  // unmask
  }
  cfg_write(rid, MSIX_CAP + MSIX_FLAGS, 2, MSIX_FLAGS_ENABLE);
  if (p_.vf < 0)  // pci_intx_for_msi: INTx off while MSI-X is on (a VF has no INTx)
    cfg_write(rid, COMMAND, 2, cfg_read(rid, COMMAND, 2) | CMD_INTX_DISABLE);
  regs::RegAccess bar = bar_access();
  std::uint64_t all = 0;
  for (unsigned v = 0; v < vecs_.size(); ++v) all |= std::uint64_t{1} << v;
  map.write_msix_mode(bar, view, all);
  if (other_vector_ >= 0) {
    map.write_other_vector(bar, view, static_cast<unsigned>(other_vector_));
    if (p_.vf < 0 && prof_.family == Family::i82599)
      map.write_itr(bar, view, static_cast<unsigned>(other_vector_), 1950);  // ixgbe: ~2 K/s
    if (p_.vf < 0) map.write_other_enable(bar, map.mailbox_cause() | map.spoof_cause());
    map.write_irq_enable(bar, view, std::uint64_t{1} << other_vector_);
  }
  msix_ = true;
}

void Driver::setup_queue_vectors() {
  if (!msix_) return;
  const regs::DeviceMap& map = prof_.map();
  const View view = p_.vf < 0 ? View::PF : View::VF;
  regs::RegAccess bar = bar_access();
  if (p_.cfg.driver != DriverMode::napi) return;  // poll mode: no queue interrupts
  std::uint64_t enable = 0;
  for (unsigned v = 0; v < vecs_.size(); ++v) {
    Vector& vec = vecs_[v];
    if (vec.other) continue;
    for (unsigned i : vec.rx) map.write_queue_vector(bar, view, rxq_[i].index, 0, v);
    if (vec.tx) map.write_queue_vector(bar, view, tx_index_, 1, v);
    vec.itr = make_itr_policy(prof_.family, p_.vf >= 0, p_.cfg.itr, p_.cfg.itr_usecs,
                              p_.link_bps / 1e9, !vec.rx.empty());
    map.write_itr(bar, view, v, vec.itr->itr());
    enable |= std::uint64_t{1} << v;
  }
  map.write_irq_enable(bar, view, enable);
}

void Driver::on_interrupt(unsigned vector, ps_t at) {
  // Called when the message reaches the host (possibly ahead of kernel time): the driver
  // handles it at `at`.
  Vector& v = vecs_[vector];
  auto it = v.arrivals.end();  // in time order (they come nearly so)
  while (it != v.arrivals.begin() && *(it - 1) > at) --it;
  v.arrivals.insert(it, at);
  const ps_t now = now_ps();
  irq_event_.notify(to_sc(at > now ? at - now : 0));
}

void Driver::handle_interrupts() {
  if (hostile_) {  // a malicious guest ignores its interrupts (they stay masked by auto-mask)
    for (Vector& v : vecs_) v.arrivals.clear();
    return;
  }
  for (bool again = true; again;) {
    again = false;
    for (unsigned v = 0; v < vecs_.size(); ++v) {
      Vector& vec = vecs_[v];
      const ps_t now = local_now();
      if (vec.arrivals.empty() || vec.arrivals.front() > now) continue;
      // one handling serves every message that has arrived by now
      auto last = vec.arrivals.begin();
      while (last != vec.arrivals.end() && *last <= now) ++last;
      vec.arrivals.erase(vec.arrivals.begin(), last);
      ++vec.interrupts;
      ++irq_stats_.interrupts;
      if (p_.cpu) {  // the interrupt's cost on this driver's core; a VF's guest also exits, unless posted
        ps_t t = p_.cpu->run(p_.core, now, CpuWork::interrupt);
        if (p_.vf >= 0 && !p_.cfg.bare_metal && !p_.host.cpu.posted_interrupts) p_.cpu->run(p_.core, t, CpuWork::vm_exit);
      }
      if (vec.other)
        handle_other();
      else
        napi(v);
      again = true;  // handling took time: look again
    }
  }
}

void Driver::handle_other() {
  const regs::DeviceMap& map = prof_.map();
  regs::RegAccess bar = bar_access();
  const View view = p_.vf < 0 ? View::PF : View::VF;
  if (p_.vf < 0) {
    // igb_msix_other / ixgbe_msix_other: the causes, the mailbox, a spoof report.
    const std::uint32_t causes = map.read_other_causes(bar);
    if ((causes & map.mailbox_cause()) && mbx_service_) mbx_service_->service(*policy_);
    if (map.spoof_cause() && (causes & map.spoof_cause())) check_spoof();
  }
  map.write_irq_enable(bar, view, std::uint64_t{1} << other_vector_);
}

void Driver::napi(unsigned vi) {
  const regs::DeviceMap& map = prof_.map();
  const View view = p_.vf < 0 ? View::PF : View::VF;
  regs::RegAccess bar = bar_access();
  Vector& v = vecs_[vi];
  if (v.itr_pending) {  // igb_write_itr / igbvf: the value from the last poll, now
    map.write_itr(bar, view, vi, v.itr->itr());
    v.itr_pending = false;
  }
  // Poll rounds until one uses less than the budget (napi_complete_done).
  for (;;) {
    ++irq_stats_.napi_polls;
    if (v.tx) {
      const std::uint64_t before = tx_reclaimed_;
      reclaim_tx();
      v.sample.tx_packets += tx_reclaimed_ - before;
      v.sample.tx_bytes += (tx_reclaimed_ - before) * (p_.cfg.tx.frame_bytes - kFcsBytes);
    }
    unsigned work = 0;
    for (unsigned i : v.rx) work += harvest(i, kNapiBudget - std::min(work, kNapiBudget), &v.sample);
    if (work < kNapiBudget) break;
    ++irq_stats_.budget_exhausted;
  }
  if (v.itr && v.itr->update(v.sample, local_now())) {
    ++irq_stats_.itr_writes;
    if (prof_.family == Family::i82576)
      v.itr_pending = true;  // igb/igbvf write it at the next interrupt
    else
      map.write_itr(bar, view, vi, v.itr->itr());  // ixgbe/ixgbevf: at once
  }
  v.sample = ItrSample{};
  map.write_irq_enable(bar, view, std::uint64_t{1} << vi);  // re-arm (EIMS / EIMS_EX)
}

void Driver::update_vf_stats() {
  if (vf_stat_decls_.empty()) return;
  const regs::StatValues v =
      regs::read_stat_registers(vf_stat_decls_, 0, [this](std::uint32_t off) { return read32(off); });
  for (unsigned r = 0; r < kStatRegs; ++r)
    if (v.width[r]) vf_stats_[r].update(v.value[r], v.width[r]);
  ++vf_stats_reads_;
  vf_stats_read_at_ = local_now();
}

RegAccess Driver::bar_access() {
  return RegAccess{[this](std::uint32_t off) { return read32(off); },
                   [this](std::uint32_t off, std::uint32_t v) { write32(off, v); }};
}

bool Driver::mailbox_request(const std::uint32_t* msg, unsigned n, std::uint32_t* reply,
                             unsigned& reply_words) {
  const sc_core::sc_time step(1, sc_core::SC_US);
  const ps_t start = local_now();
  ++mbx_stats_.requests;
  for (int tries = 0; !vf_mbx_->post(msg, n); ++tries) {
    if (tries == 100) {
      ++mbx_stats_.timeouts;
      return false;
    }
    pause(step);
  }
  // Poll every microsecond at first, then every 10 us: a PF busy with other VFs' resets may
  // take milliseconds (ixgbevf allows 200 ms for RESET). Give up after 50 ms.
  for (int polls = 0; polls < 5100; ++polls) {
    pause(polls < 100 ? step : 10 * step);
    vf_mbx_->poll_ack();
    reply_words = mbx::WORDS;
    if (vf_mbx_->poll_reply(reply, reply_words)) {
      const ps_t latency = local_now() - start;
      mbx_stats_.latency_total += latency;
      mbx_stats_.latency_max = std::max(mbx_stats_.latency_max, latency);
      const bool ack = mbx::is_ack(reply[0]);
      ++(ack ? mbx_stats_.acks : mbx_stats_.nacks);
      return ack;
    }
  }
  ++mbx_stats_.timeouts;
  return false;
}

void Driver::vf_mailbox_setup() {
  vf_mbx_ = std::make_unique<VfMailbox>(bar_access(), prof_.map().mailbox());
  for (int i = 0; i < 1000 && vf_mbx_->reset_in_progress(); ++i) pause(sc_core::sc_time(1, sc_core::SC_US));
  vf_mbx_->check_reset();
  std::uint32_t msg[mbx::WORDS], reply[mbx::WORDS];
  unsigned n = 0;
  // e1000_reset_hw_vf: RESET; the PF answers with the MAC it assigned.
  if (mailbox_request(msg, VfMailbox::build_reset(msg), reply, n)) {
    const regs::ResetReply r = vf_mbx_->decode_reset_reply(reply, n);
    if (r.has_mac) p_.mac = r.mac;
  }
  if (p_.cfg.request_mac &&
      mailbox_request(msg, VfMailbox::build_set_mac(msg, p_.cfg.request_mac->value()), reply, n))
    p_.mac = p_.cfg.request_mac->value();  // granted: the PF moved the VF's filter there
  std::vector<std::uint64_t> groups;
  for (const MacAddress& g : p_.cfg.multicast) groups.push_back(g.value());
  if (!groups.empty())
    mailbox_request(msg,
                    VfMailbox::build_set_multicast(msg, groups.data(),
                                                        static_cast<unsigned>(groups.size())),
                    reply, n);
  if (p_.cfg.vlan)
    mailbox_request(msg,
                    VfMailbox::build_set_vlan(msg, static_cast<std::uint16_t>(p_.cfg.vlan), true),
                    reply, n);
}

void Driver::poll_rings() {
  for (unsigned i = 0; i < rxq_.size(); ++i) harvest(i, ~0u, nullptr);
  reclaim_tx();
}

void Driver::app_send(double dt_us) {
  reclaim_tx();  // the transmit path cleans completed descriptors as it goes
  const ps_t now = local_now();
  const TrafficWindow& w = *p_.window;
  if (w.decided && now >= w.start && now <= w.end)
    send_tx(std::min(dt_us, static_cast<double>(now - w.start) / kPsPerUs));
}

unsigned Driver::harvest(unsigned qi, unsigned budget, ItrSample* s) {
  RxQueue& q = rxq_[qi];
  ++batch_;
  unsigned refilled = 0;
  const ps_t now = local_now();
  while (refilled < budget) {
    std::uint8_t* d = q.ring_host + 16ull * q.ntc;
    const desc::RxWriteBack wb = desc::RxWriteBack::load(d);
    if (!wb.dd()) break;
    // The device books write-backs ahead of kernel time: not yet visible.
    if (q.written && (*q.written)[q.ntc] > now) break;
    // A frame larger than one buffer spans descriptors up to the one with EOP: only its first
    // buffer starts with the Ethernet header (igb_is_non_eop / ixgbe_is_non_eop).
    const bool first = !q.mid_frame;
    q.mid_frame = !wb.eop();
    if (!q.mid_frame) ++q.harvested;
    // A unicast for another station in a VM's buffer would be an isolation failure.
    const std::uint64_t filled = rx_buffer(q, q.ntc);
    if (first && filled + 6 <= p_.iova_base + p_.mem_bytes) {
      const std::uint64_t da = hls::mac_from_bytes(gpa(filled, 6));  // byte 0 in bits 7:0
      bool own = da == p_.mac;
      int dst = -1;  // the VM a hypervisor's frame is for
      // the hypervisor's (or the PF's bridge's) software switch hands the frame to its VM
      for (unsigned v = 0; v < vm_macs_.size(); ++v)
        if (da == vm_macs_[v]) {
          ++vm_rx_[v * rxq_.size() + qi];
          own = true;
          dst = static_cast<int>(v);
        }
      // The PF is the default pool: a unicast no station owns is its by design
      // (device.unmatched_unicast); one of a VF's would not be.
      if (p_.vf < 0 && !own && std::find(p_.vf_macs.begin(), p_.vf_macs.end(), da) == p_.vf_macs.end())
        own = true;
      if (!(da & 1) && !own) ++rx_foreign_;
      // software latency: the origin stamp the frame carries (frame_stamp.h) to now
      ps_t origin = 0;
      const bool stamped = wb.length >= kStampEnd && filled + kStampEnd <= p_.iova_base + p_.mem_bytes &&
                           read_stamp(gpa(filled, wb.length), wb.length, origin) && origin <= now;
      if (stamped) sw_latency_.record_ps(now - origin);
      if (p_.bond_backup && now < p_.bond->failover)
        ++bond_drops_;  // the bond's inactive slave: the guest drops what arrives on it
      else if (p_.cpu)
        cpu_rx(q, da, dst, wb.length, stamped, origin, now);
    }
    if (s) {
      s->rx_packets += !q.mid_frame;
      s->rx_bytes += wb.length;
    }
    // re-post a buffer at next_to_use (read format), then advance both indices
    std::uint8_t* u = q.ring_host + 16ull * q.ntu;
    std::memset(d, 0, 16);
    desc::RxRead{rx_buffer(q, q.ntu), 0}.store(u);
    q.ntc = ring_wrap(q.ntc + 1, rx_n_);
    q.ntu = ring_wrap(q.ntu + 1, rx_n_);
    ++refilled;
  }
  if (refilled) write32(q.tail_reg, q.ntu);
  return refilled;
}

double Driver::window_gbps(std::uint64_t bytes) const {
  const TrafficWindow& w = *p_.window;
  return w.end > w.start ? static_cast<double>(bytes) * 8 * 1000 / static_cast<double>(w.end - w.start) : 0.0;
}

void Driver::app_rx(int vm, unsigned len, bool stamped, ps_t origin, ps_t done) {
  AppStats& a = vm < 0 ? app_ : vm_app_[static_cast<unsigned>(vm)];
  ++a.frames;
  a.bytes += len;
  if (p_.window->decided && done >= p_.window->start && done < p_.window->end) a.window_bytes += len;
  if (stamped) a.latency.record_ps(done - origin);
  p_.cpu->delivered(done);
  if (p_.bond_backup && done < p_.bond->first_after) p_.bond->first_after = done;
}

void Driver::cpu_rx(const RxQueue& q, std::uint64_t da, int dst, unsigned len, bool stamped, ps_t origin,
                    ps_t now) {
  HostCpu& cpu = *p_.cpu;
  const unsigned core = p_.core;
  ps_t t = 0;
  if (vm_macs_.empty()) {  // a function's own traffic: its driver and stack hand it to the application
    if (cpu.frame(core, now, CpuWork::rx_frame, t))
      app_rx(-1, len, stamped, origin, t);
    else
      ++app_.backlog_drops;  // the core's queue is full: a saturated core drops
    return;
  }
  if (!cpu.admit(core, now)) {  // counted for whom the frame was
    ++(dst >= 0 ? vm_app_[static_cast<unsigned>(dst)] : app_).backlog_drops;
    return;
  }
  t = cpu.run(core, now, CpuWork::rx_frame);  // the hypervisor's driver took it off the ring
  // The hypervisor: which VMs the frame is for. A NetQueue VM's queue holds its frames (the
  // NIC sorted them); the default queue's go through the software switch's lookup (in vswitch
  // mode every frame does): a unicast to the VM with that MAC, a broadcast or multicast to
  // every VM (and the host), anything else to the host's own stack.
  const bool sorted = q.vm >= 0;
  if (!sorted) t = cpu.run(core, t, CpuWork::lookup);
  const auto n = static_cast<unsigned>(vm_app_.size());
  auto to_vm = [&](unsigned v) {
    AppStats& a = vm_app_[v];
    // The hand-off: a copy into the VM's buffer, or (VMDq with flip, for a frame the NIC put
    // in the VM's own queue) a page remapped into the VM.
    const bool flip = sorted && p_.host.cpu.vmdq_handoff == Handoff::flip;
    t = flip ? cpu.run(core, t, CpuWork::flip) : cpu.run(core, t, CpuWork::copy, len);
    if (!flip) ++a.copies;
    cpu.hold(now, t, len);  // the frame waits in the hypervisor's buffer until then
    const bool first = a.batch != batch_;  // the first of this poll for the VM: notify it
    a.batch = batch_;
    ps_t vt = t;
    if (first) vt = cpu.run(core, t, CpuWork::virq);
    const unsigned vc = p_.vms[v].core;
    if (!cpu.admit(vc, vt)) {
      ++a.backlog_drops;
      return;
    }
    if (first) vt = cpu.run(vc, vt, CpuWork::vm_exit);  // the VM takes it (and exits again on its kick)
    vt = cpu.run(vc, vt, CpuWork::rx_frame);             // its front-end driver and stack
    cpu.queued(vc, vt);
    app_rx(static_cast<int>(v), len, stamped, origin, vt);
  };
  if (sorted) {
    to_vm(static_cast<unsigned>(q.vm));
  } else if (da & 1) {  // broadcast and multicast: every VM the NIC did not replicate it to, and the host
    for (unsigned v = 0; v < n; ++v)
      if (!netqueue(v)) {
        ++vm_app_[v].replicas;
        to_vm(v);
      }
    app_rx(-1, len, stamped, origin, t);
  } else if (dst >= 0) {
    to_vm(static_cast<unsigned>(dst));
  } else {
    app_rx(-1, len, stamped, origin, t);
  }
  cpu.queued(core, t);
}

void Driver::check_spoof() {
  // igb_spoof_check (WVBR: which VF) / ixgbe_spoof_check (SSVPC: how many frames)
  regs::RegAccess bar = bar_access();
  regs::SpoofReport r{&spoof_events_, 0};
  prof_.map().read_spoof_report(bar, p_.vfs, prof_.queues_per_pool,
                                [this](unsigned v, unsigned i) { return prof_.queue_of(v, i); }, r);
  spoofed_packets_ += r.frames;
}

void Driver::reclaim_tx() {
  if (p_.host.tx_head_writeback) {  // every descriptor before the written-back head is done
    const std::uint32_t head = desc::le32(gpa(tx_head_wb_, 4)) % tx_n_;
    while (tx_ntc_ != tx_ntu_ && tx_ntc_ != head) {
      std::memset(tx_ring_host_ + 16ull * tx_ntc_, 0, 16);
      tx_ntc_ = ring_wrap(tx_ntc_ + 1, tx_n_);
      ++tx_reclaimed_;
    }
    return;
  }
  while (tx_ntc_ != tx_ntu_) {
    std::uint8_t* d = tx_ring_host_ + 16ull * tx_ntc_;
    if (!desc::TxWriteBack::load(d).dd()) break;
    std::memset(d, 0, 16);
    tx_ntc_ = ring_wrap(tx_ntc_ + 1, tx_n_);
    ++tx_reclaimed_;
  }
}

inline void Driver::post_tx(std::uint64_t buf, unsigned len) {
  using T = desc::TxData;
  T{buf,
    T::DTALEN::make(len) | T::DTYP::make(T::kTypeAdvancedData) | T::EOP::make(1) | T::IFCS::make(1) |
        T::RS::make(1) | T::DEXT::make(1),
    T::PAYLEN::make(len)}
      .store(tx_ring_host_ + 16ull * tx_ntu_);
  tx_ntu_ = ring_wrap(tx_ntu_ + 1, tx_n_);
}

void Driver::build_tx_frame(std::uint8_t* b, unsigned len) {
  // The VM's application: one flow per source port (64), from its address 10.<port>.0.<pool>.
  const std::uint64_t sa = p_.cfg.tx.spoof_mac ? (p_.mac ^ 0x0000AA000000ull) : p_.mac;
  if (!tx_builder_ || tx_builder_sa_ != sa) {  // at the first frame, and after a MAC change
    PacketSpec spec;
    spec.sa = sa;
    spec.vlan = p_.cfg.tx.vlan;
    spec.l3 = p_.cfg.tx.l3;
    spec.l4 = p_.cfg.tx.l4;
    if (spec.l3 == L3Kind::ipv4) {
      spec.src_ip = {10, static_cast<std::uint8_t>(p_.port), 0, 0};
      spec.dst_ip = {10, 255, 0, 1};
    } else {
      spec.src_ip = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, static_cast<std::uint8_t>(p_.port), 0, 0};
      spec.dst_ip = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 255, 0, 1};
    }
    spec.sport_base = 0x3000;
    spec.dport = 5001;  // iperf's
    tx_builder_.emplace(spec);
    tx_builder_sa_ = sa;
    tx_built_len_.assign(tx_n_, 0);  // a new builder knows nothing of the buffers
  }
  PacketVars v;
  v.da = p_.tx_dst_mac;
  v.src_low = static_cast<std::uint8_t>(p_.pool);
  v.sport = static_cast<std::uint8_t>(tx_seq_ & 0x3F);
  v.flow = v.sport;
  v.ip_id = static_cast<std::uint16_t>(tx_seq_);
  // The Tx buffer of this descriptor slot: only this builder writes it (the device only reads).
  std::uint32_t& prev = tx_built_len_[tx_ntu_];
  tx_builder_->build(b, len, v, local_now(), prev);  // stamped with the application's send time
  prev = len;
  ++tx_seq_;
}

bool Driver::tx_ring_room() {
  const unsigned in_use = ring_wrap(tx_ntu_ + tx_n_ - tx_ntc_, tx_n_);
  if (in_use + 1 < tx_n_) return true;
  drops_.count(Drop::TxRingFull, static_cast<int>(p_.function));
  ++unposted_;
  return false;
}


void Driver::send_tx(double dt_us) {
  if (tx_trace_) return send_trace();
  if (p_.cfg.tx.load_mbps <= 0) return;
  tx_credit_bits_ += p_.cfg.tx.load_mbps * dt_us;  // Mb/s * us = bits
  const unsigned len = p_.cfg.tx.frame_bytes - kFcsBytes;  // the MAC appends the FCS (IFCS)
  const double frame_bits = p_.cfg.tx.frame_bytes * 8.0;
  unsigned posted = 0;
  while (tx_credit_bits_ >= frame_bits) {
    tx_credit_bits_ -= frame_bits;
    ++injected_;
    if (!tx_ring_room()) continue;
    const std::uint64_t buf = tx_buf_ + std::uint64_t{tx_ntu_} * tx_slot_;
    build_tx_frame(gpa(buf, len), len);
    post_tx(buf, len);
    ++posted;
    if (p_.cpu) p_.cpu->run(p_.core, local_now(), CpuWork::tx_frame);
  }
  if (posted) write32(tx_tail_reg_, tx_ntu_);
}

void Driver::open_tx_trace() {
  const std::string key = fmt::format("port{}.{}.tx.trace", p_.port, p_.vf < 0 ? std::string("pf") : fmt::format("vf{}", p_.vf));
  try {
    tx_trace_ = std::make_unique<PcapReader>(p_.cfg.tx.trace);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", key, e.what()));
  }
  if (tx_trace_->max_len() + kFcsBytes > p_.max_frame)
    throw ConfigError(fmt::format("{}: {} holds a {}-byte frame (with FCS), larger than device.max_frame_bytes ({})", key,
                                  p_.cfg.tx.trace, tx_trace_->max_len() + kFcsBytes, p_.max_frame));
  tx_have_next_ = tx_trace_->next(tx_next_);
}

// The application's frames from its trace: every frame due by now is posted (the application
// hands frames over every host.poll_interval_us, as the generated traffic), its source MAC
// the function's unless tx.trace_own_mac is off, its origin stamp (if it has one) the time.
void Driver::send_trace() {
  const ps_t now = local_now();
  const TrafficWindow& w = *p_.window;
  const TxFlowCfg& tx = p_.cfg.tx;
  unsigned posted = 0;
  while (tx_have_next_) {
    const ps_t due = w.start + replay_offset(tx.trace_timing, tx.trace_scale, tx_next_.t - tx_trace_->first_time(),
                                             tx_trace_elapsed_);
    if (due > now) break;
    if (due >= w.end) {
      tx_have_next_ = false;
      break;
    }
    const unsigned len = tx_next_.len;
    tx_trace_elapsed_ += serialization_ps(std::max(len + kFcsBytes, kMinFrame) + kPreambleSfdBytes + kIfgBytes, p_.link_bps);
    ++injected_;
    if (tx_ring_room()) {
      const std::uint64_t buf = tx_buf_ + std::uint64_t{tx_ntu_} * tx_slot_;
      std::uint8_t* b = gpa(buf, len);
      std::memcpy(b, tx_next_.data, tx_next_.caplen);
      if (!tx_built_len_.empty()) tx_built_len_[tx_ntu_] = 0;  // the trace's bytes, no builder's
      if (tx_next_.caplen < len) std::memset(b + tx_next_.caplen, 0, len - tx_next_.caplen);
      if (tx.trace_own_mac)
        hls::mac_to_bytes(p_.mac, b + 6);
      restamp_packet(b, len, now);
      post_tx(buf, len);
      ++posted;
    }
    tx_have_next_ = tx_trace_->next(tx_next_);
  }
  if (posted) write32(tx_tail_reg_, tx_ntu_);
}

}  // namespace iovsim
