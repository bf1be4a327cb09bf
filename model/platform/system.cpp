#include "model/trace/pcap.h"
#include "model/trace/waveform.h"
#include "model/core/transaction_log.h"
#include "model/core/observer.h"
#include <filesystem>
#include <cstdio>
#include "model/platform/system.h"

#include "model/host/host_cpu.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "model/core/flow_control.h"
#include "model/dma/rx_dma.h"
#include "model/dma/tx_dma.h"
#include "model/host/driver.h"
#include "model/host/host_memory.h"
#include "model/host/interrupt_controller.h"
#include "model/mac/mac.h"
#include "model/mac/port_management.h"
#include "model/regs/map_82576.h"
#include "model/pcie/endpoint.h"
#include "model/pcie/mailbox.h"
#include "model/platform/wire_source.h"
#include "model/platform/link_partner.h"
#include "model/qos/packet_plane.h"
#include "model/qos/tx_scheduler.h"
#include "model/sorter/sorter.h"

namespace iovsim {

namespace {
constexpr std::uint64_t kPfBarBase = 0xF0000000ull, kVfBarBase = 0xE0000000ull;
constexpr std::uint64_t kBarWindow = 16ull << 20;
constexpr std::uint64_t kMsixInWindow = 8ull << 20;  // the MSI-X BARs: 8 MB into each window

PcieLinkParams link_params(const PcieCfg& c, const DeviceProfile& prof) {
  PcieLinkParams p;
  p.gen = c.gen ? c.gen : prof.pcie_gen;
  p.lanes = c.lanes ? c.lanes : prof.pcie_lanes;
  p.max_payload = c.max_payload_bytes;
  p.max_read_request = c.max_read_request_bytes;
  p.rcb = c.read_completion_boundary_bytes;
  p.completions_at_rcb = c.completions_at_rcb;
  p.read_latency = static_cast<ps_t>(c.read_latency_ns * kPsPerNs);
  p.mmio_latency = static_cast<ps_t>(c.mmio_latency_ns * kPsPerNs);
  p.ack_interval = c.ack_interval_symbols;
  p.update_fc_interval = c.update_fc_interval_symbols;
  p.posted_header_credits = c.posted_header_credits;
  p.posted_data_credits = c.posted_data_credits;
  p.nonposted_header_credits = c.nonposted_header_credits;
  p.credit_return = static_cast<ps_t>(c.credit_return_ns * kPsPerNs);
  p.read_tags = c.max_outstanding_reads;
  return p;
}

// The port's Tx arbitration: each queue takes the weight and level of the function (or, in
// VMDq mode, the VM) whose pool it belongs to; queues of no pool keep 1 and 0.
TxArbitration tx_arbitration(const Scenario& s, unsigned port, const DeviceProfile& prof,
                             const PortLayout& layout) {
  TxArbitration a;
  switch (s.device.tx_arbiter) {
    case TxArbiterKind::rr: a.policy = hls::SchedPolicy::RoundRobin; break;
    case TxArbiterKind::wrr: a.policy = hls::SchedPolicy::Wrr; break;
    case TxArbiterKind::dwrr: a.policy = hls::SchedPolicy::Dwrr; break;
    case TxArbiterKind::strict: a.policy = hls::SchedPolicy::Strict; break;
  }
  a.quantum_bytes = s.device.dwrr_quantum_bytes ? s.device.dwrr_quantum_bytes : s.device.max_frame_bytes;
  const PortCfg& pc = s.port[port];
  for (unsigned q = 0; q < prof.queues_per_port; ++q) {
    const unsigned pool = prof.pool_of_queue(q);
    const FunctionCfg* f = pool < layout.vfs && pool < pc.vf.size() ? &pc.vf[pool]
                           : pool == layout.pf_pool()               ? &pc.pf
                                                                    : nullptr;
    a.weight.push_back(f ? f->qos_weight : 1);
    a.level.push_back(f ? f->qos_priority : 0);
  }
  return a;
}
}  // namespace

System::System(sc_core::sc_module_name name, const Scenario& s, const TraceOptions& trace)
    : sc_module(name), s_(s), prof_(device_profile(s.device.preset, s.device.dcb.tcs)), pool_(frame_pool_slots(s)), trace_(trace) {
  SC_HAS_PROCESS(System);
  window_.start = static_cast<ps_t>(s.warmup_us * kPsPerUs);
  window_.end = window_.start + static_cast<ps_t>(s.duration_us * kPsPerUs);
  window_.go = &traffic_go_;
  SC_THREAD(snapshot_traffic_window);
  SC_METHOD(watchdog_tick);  // the VF drivers' watchdog: one timer for all of them

  if (s.time_series_interval_us > 0) SC_THREAD(sample_time_series);
  const unsigned P = s.device.ports, V = s.device.vfs_per_port;
  link_down_.assign(P, BondState::kNever);
  bond_.enabled = s.device.bond == BondMode::active_backup;
  const bool vmdq = hypervisor_mode(s.device.mode);  // vswitch too: the PF owns every pool
  const std::uint64_t fn_mem = std::uint64_t{s.host.vm_memory_kb} * 1024;
  mem_ = std::make_unique<HostMemory>("memory", fn_mem * P * (vfs_enabled(s) + 1));
  iommu_ = std::make_unique<Iommu>("iommu");
  ep_ = std::make_unique<PcieEndpoint>("endpoint", prof_, P, vfs_enabled(s), link_params(s.pcie, prof_));
  ep_->dma_out.bind(iommu_->target);
  for (unsigned p = 0; p < P; ++p)  // Device Serial Number: the port's MAC as an EUI-64
    ep_->pf_config(p).set_serial(eui64(mac_of(p, -1)));
  irqc_ = std::make_unique<InterruptController>();
  {
    const CpuCfg& c = s.host.cpu;
    cpu_ = std::make_unique<HostCpu>(c.cores, c.clock_ghz,
                                     CpuCosts{c.rx_frame_cycles, c.tx_frame_cycles, c.interrupt_cycles, c.vm_exit_cycles,
                                              c.virq_cycles, c.lookup_cycles, c.copy_cycles_per_byte, c.copy_setup_cycles, c.flip_cycles},
                                     c.backlog_frames);
    cpu_->set_window(&window_);
  }
  ep_->set_msi_target(irqc_.get());
  iommu_->to_memory.bind(mem_->target);
  const double line_bps = s.device.link_gbps * 1e9;
  const unsigned pb_bytes =
      (s.device.rx_packet_buffer_kb ? s.device.rx_packet_buffer_kb : prof_.rx_packet_buffer_kb) *
      1024;
  const unsigned tx_pb_bytes =
      (s.device.tx_packet_buffer_kb ? s.device.tx_packet_buffer_kb : prof_.tx_packet_buffer_kb) *
      1024;
  const auto wb_flush = static_cast<ps_t>(s.device.write_back_flush_us * kPsPerUs);

  ports_.resize(P);
  for (unsigned p = 0; p < P; ++p) {
    Port& port = ports_[p];
    const PortLayout layout = port_layout(p);
    std::vector<regs::RegisterSpace*> vf_spaces;
    for (unsigned v = 0; v < ep_->max_vfs(); ++v) vf_spaces.push_back(&ep_->vf_regs(p, v));
    MacParams mp{p, line_bps, s.device.max_frame_bytes};
    port.mac = std::make_unique<Mac>(fmt::format("port{}_mac", p).c_str(), mp);
    if (s.port[p].wire.answer_ipv4.set) {
      LinkPartnerCfg lc;
      lc.ipv4 = s.port[p].wire.answer_ipv4.octets;
      lc.mac = s.port[p].wire.answer_mac ? s.port[p].wire.answer_mac->value()
                                         : MacAddress::from_bytes({0x02, 0, 0, 0, 0xfe, static_cast<std::uint8_t>(p)}).value();
      port.partner = std::make_unique<LinkPartner>(lc);
      LinkPartner* lp = port.partner.get();
      port.mac->set_partner([lp](const std::uint8_t* f, unsigned len, std::uint8_t* out, unsigned cap) {
        return lp->answer(f, len, out, cap);
      }, static_cast<ps_t>(s.port[p].wire.answer_us * kPsPerUs));
    }
    port.sorter = std::make_unique<Sorter>(fmt::format("port{}_sorter", p).c_str(), prof_, layout,
                                           rar_entries(), vlvf_entries(), ep_->pf_regs(p));
    if (s.sorter_impl == CoreImpl::rtl) {
      const hls::SorterTables& t = port.sorter->tables();
      port.sorter->use_rtl(SorterRtl::create(prof_.family, t.num_rar, t.num_pools, t.num_vlvf));
    }
    RxEngineParams rxp;
    rxp.packet_buffer_bytes = pb_bytes;
    rxp.cache_size = prof_.rx_desc_cache;
    rxp.wb_flush = wb_flush;
    DmaPort* direct = s.tlm_dma ? nullptr : ep_.get();
    port.rx = std::make_unique<RxDma>(fmt::format("port{}_rxdma", p).c_str(), prof_, layout, rxp,
                                      direct);
    port.rx->map_registers(ep_->pf_regs(p), vf_spaces);
    port.fc = std::make_unique<FlowControl>(line_bps);
    port.fc->map_registers(ep_->pf_regs(p), prof_.map());
    // The PF driver programs it only with device.flow_control (else mode none, all marks 0):
    // without it the Rx engine and the link partner skip the checks per frame.
    if (s.device.flow_control) port.rx->engine().set_flow_control(port.fc.get());
    if (prof_.family == Family::i82576) {  // the registers the real igb needs (docs/linux.md)
      port.mgmt = std::make_unique<PortManagement>(p, mac_of(p, -1));
      port.mgmt->map_registers(ep_->pf_regs(p));
      Port* pp = &port;
      port.mgmt->counter = [pp](regs::i82576::PortStat k) -> std::uint64_t {
        using regs::i82576::PortStat;
        const Mac::Stats& m = pp->mac->stats();
        const DropCounts& mac_drops = pp->mac->drops().port();
        const DropCounts& dma_drops = pp->rx->engine().drops().port();
        auto d = [](const DropCounts& c, Drop w) { return c[static_cast<unsigned>(w)]; };
        switch (k) {
          case PortStat::RxGoodFrames:
            return m.wire_rx.frames - d(mac_drops, Drop::Runt) - d(mac_drops, Drop::Giant) - d(mac_drops, Drop::FcsError);
          case PortStat::RxGoodOctets: return m.wire_rx.bytes;
          case PortStat::TxFrames: return m.wire_tx.frames;
          case PortStat::TxOctets: return m.wire_tx.bytes;
          case PortStat::RxMissed: return d(dma_drops, Drop::RxBufferFull);
          case PortStat::RxNoBuffer: return d(dma_drops, Drop::NoDescriptor);
          case PortStat::CrcErrors: return d(mac_drops, Drop::FcsError);
          case PortStat::RxUndersize: return d(mac_drops, Drop::Runt);
          case PortStat::RxOversize: return d(mac_drops, Drop::Giant);
          case PortStat::RxLengthErrors: return d(mac_drops, Drop::Runt) + d(mac_drops, Drop::Giant);
          case PortStat::None:
          case PortStat::kCount: break;
        }
        return 0;
      };
      port.mgmt->on_reset = [this, p] { reset_port(p); };
      FunctionInterrupts* irq = &ep_->interrupts(ep_->function_index(p, -1));
      const std::uint32_t lsc = prof_.map().link_cause();
      port.mgmt->on_link_change = [irq, lsc] { irq->raise_other(lsc, access_time()); };
    }
    port.sched = std::make_unique<TxScheduler>(prof_.queues_per_port, line_bps, prof_.map(),
                                               tx_arbitration(s, p, prof_, layout));
    if (s.scheduler_impl == CoreImpl::rtl) port.sched->use_rtl(SchedulerRtl::create(port.sched->config()));
    port.sched->map_registers(ep_->pf_regs(p));
    TxEngineParams txp;
    txp.packet_buffer_bytes = tx_pb_bytes;
    txp.max_frame = s.device.max_frame_bytes;
    txp.cache_size = prof_.tx_desc_cache;
    txp.wb_flush = wb_flush;
    port.tx = std::make_unique<TxDma>(fmt::format("port{}_txdma", p).c_str(), prof_, layout, txp,
                                      pool_, *port.sched, direct);
    if (prof_.dcb_tcs) {  // DCB: a Tx packet buffer per class, the packet plane at the wire
      port.plane = std::make_unique<PacketPlane>(port.sched->dcb().pkt);
      port.tx->engine().use_class_buffers(port.sched->dcb());
      TxDma* tx = port.tx.get();
      port.mac->use_packet_plane(port.plane.get(), port.sched->dcb(), [tx](unsigned q, unsigned len, ps_t origin, ps_t leave) {
        tx->wire_done(q, len, origin, leave);
      });
    }
    port.tx->engine().set_bus_master([this](unsigned fn) { return ep_->bus_master(fn); });
    // Each queue's completions to the vectors of the function that owns its pool.
    port.irq = std::make_unique<PortInterrupts>();
    for (unsigned q = 0; q < prof_.queues_per_port; ++q) {
      const unsigned pool = prof_.pool_of_queue(q);
      const int owner = layout.function_of_pool(pool);
      const bool vf_owned = owner >= 0 && static_cast<unsigned>(owner) != layout.first_function;
      unsigned local = q;
      if (vf_owned)
        for (unsigned i = 0; i < prof_.queues_per_pool; ++i)
          if (prof_.queue_of(pool, i) == q) local = i;
      port.irq->route(q, &ep_->interrupts(vf_owned ? static_cast<unsigned>(owner) : layout.first_function), local);
    }
    port.rx->engine().set_interrupts(port.irq.get());
    // The isolation audit at delivery: each function's assigned address (and the one it asks
    // for, unless another function has it); the PF takes what nobody owns, and in VMDq mode
    // (or behind its bridge) its VMs' addresses.
    port.audit = std::make_unique<StationAudit>();
    {
      const unsigned pf_fn = ep_->function_index(p, -1);
      port.audit->add(pf_fn, mac_of(p, -1));
      port.audit->set_default(pf_fn);
      for (unsigned v = 0; v < V; ++v) {  // a VM behind the PF's bridge: the PF receives its frames
        const bool own_fn = v < ep_->max_vfs() && s.port[p].vf[v].vm_mode == Mode::sriov;
        port.audit->add(own_fn ? ep_->function_index(p, static_cast<int>(v)) : pf_fn, mac_of(p, static_cast<int>(v)));
      }
      for (unsigned v = 0; v < ep_->max_vfs(); ++v) {
        const auto& want = s.port[p].vf[v].request_mac;
        if (!want) continue;
        bool taken = false;
        for (int o = -1; o < static_cast<int>(V) && !taken; ++o) taken = mac_of(p, o) == want->value();
        if (!taken) port.audit->add(ep_->function_index(p, static_cast<int>(v)), want->value());
      }
    }
    port.rx->engine().set_station_audit(port.audit.get());
    port.tx->engine().set_interrupts(port.irq.get());
    port.tx->map_registers(ep_->pf_regs(p), vf_spaces);

    WireSourceParams wp;
    wp.port = p;
    wp.cfg = s.port[p].wire;
    wp.line_bps = line_bps;
    wp.window = &window_;
    wp.seed = s.seed;
    for (unsigned v = 0; v < V; ++v) wp.vf_macs.push_back(mac_of(p, static_cast<int>(v)));
    wp.pf_mac = mac_of(p, -1);
    wp.pause = s.device.flow_control ? ports_[p].fc.get() : nullptr;
    wp.burst = wp.pause ? 1 : s.frame_burst;  // a pause acts on the partner's next frame
    wp.link_down = &link_down_[p];
    if (bond_.enabled && p == 1) {  // the backup port: port 0's traffic once its link fails
      wp.takeover_at = &link_down_[0];
      wp.takeover = s.port[0].wire;
      for (unsigned v = 0; v < V; ++v) wp.takeover_vf_macs.push_back(mac_of(0, static_cast<int>(v)));
      wp.takeover_pf_mac = mac_of(0, -1);
    }
    port.source = std::make_unique<WireSource>(fmt::format("port{}_wire", p).c_str(), wp, pool_);
    port.source->out.bind(port.mac->rx_in);
    port.mac->rx_out.bind(port.sorter->rx_in);
    port.sorter->to_dma.bind(port.rx->frames_in);
    port.sorter->to_wire.bind(port.mac->tx_in);
    port.tx->frames_out.bind(port.sorter->tx_in);
    port.rx->dma.bind(ep_->dma_in);
    port.tx->dma.bind(ep_->dma_in);
    port.vfs_ready = std::make_unique<sc_core::sc_event>();
    if (!vf_spaces.empty())
      port.mailbox =
          std::make_unique<Mailbox>(ep_->max_vfs(), ep_->pf_regs(p), vf_spaces, prof_.map().mailbox());
  }

  // Drivers: per port the PF's, then one per VF (VM).
  for (unsigned p = 0; p < P; ++p) {
    for (int v = -1; v < static_cast<int>(ep_->max_vfs()); ++v) {
      const unsigned fn = ep_->function_index(p, v);
      const FunctionCfg& fc = v < 0 ? s.port[p].pf : s.port[p].vf[static_cast<unsigned>(v)];
      DriverParams dp;
      dp.port = p;
      dp.vf = v;
      dp.function = fn;
      dp.pool = v < 0 ? V : static_cast<unsigned>(v);
      // The endpoint's live SR-IOV capability is the one source of routing IDs; a VF driver
      // reads its own when its VM starts, after the PF enabled the VFs.
      dp.routing_id = v < 0 ? std::function<std::uint16_t()>([this, p] { return ep_->pf_rid(p); })
                            : [this, p, v] { return ep_->vf_rid(p, static_cast<unsigned>(v)); };
      dp.mac = mac_of(p, v);
      dp.tx_dst_mac = tx_destination(p, fc.tx.to);
      dp.mem_hpa = function_memory_hpa(fn);
      dp.mem_bytes = fn_mem;
      dp.iova_base = iova_base();
      dp.bar0 = v < 0 ? kPfBarBase + p * kBarWindow
                      : kVfBarBase + p * kBarWindow + std::uint64_t{prof_.vf_bar0_bytes} * v;
      dp.msix_bar = (v < 0 ? kPfBarBase : kVfBarBase) + p * kBarWindow + kMsixInWindow +
                    (v < 0 ? 0 : std::uint64_t{ConfigSpace::kMsixBarBytes} * v);
      dp.vf_msix_bar = kVfBarBase + p * kBarWindow + kMsixInWindow;
      dp.irqc = irqc_.get();
      dp.max_payload = s.pcie.max_payload_bytes;
      dp.max_read_request = s.pcie.max_read_request_bytes;
      {
        RxEngine* rx = &ports_[p].rx->engine();
        dp.rx_write_backs = [rx](unsigned q) { return &rx->write_back_times(q); };
      }
      dp.window = &window_;
      dp.seed = s.seed;
      dp.msix_bytes = ConfigSpace::kMsixBarBytes;
      dp.cfg = fc;
      dp.host = s.host;
      dp.vf_bar0 = kVfBarBase + p * kBarWindow;
      dp.vfs = ep_->max_vfs();
      dp.vmdq = vmdq;
      dp.port_rss = s.port[p].pf.rss;
      for (const FunctionCfg& f : s.port[p].vf) dp.port_rss = dp.port_rss || f.rss;
      for (unsigned k = 0; k < V; ++k) {
        dp.vf_macs.push_back(mac_of(p, static_cast<int>(k)));
        dp.vf_rate_limit_mbps.push_back(s.port[p].vf[k].rate_limit_mbps);
        dp.vf_cfg.push_back(s.port[p].vf[k]);
      }
      dp.num_rar = rar_entries();
      dp.num_vlvf = vlvf_entries();
      dp.loopback = s.device.loopback;
      dp.drop_unmatched = s.device.unmatched_unicast == UnmatchedUnicast::drop;
      dp.max_frame = s.device.max_frame_bytes;
      dp.link_bps = line_bps;
      dp.flow_control = s.device.flow_control;
      dp.rate_window_kb = s.device.rate_window_kb;
      if (v < 0 && s.device.dcb.tcs) {  // the PF driver programs DCB
        regs::TxDcbPlan& d = dp.dcb;
        d.tcs = s.device.dcb.tcs;
        unsigned sum = 0;
        for (unsigned t = 0; t < d.tcs; ++t) {
          d.bw_percent[t] = s.device.dcb.tc[t].bandwidth_percent;
          d.strict[t] = s.device.dcb.tc[t].strict;
          sum += d.bw_percent[t];
        }
        if (sum == 0)  // ixgbe's default: 100 / tcs each, the remainder to the odd classes (12, 13, ...)
          for (unsigned t = 0; t < d.tcs; ++t)
            d.bw_percent[t] = 100 / d.tcs + (t % 2 && t / 2 < 100 % d.tcs ? 1 : 0);
        d.max_frame = s.device.max_frame_bytes;
        d.tx_buffer_bytes = tx_pb_bytes;
        d.rx_buffer_bytes = pb_bytes;
        d.rx_rr = s.device.dcb.rx_rr;
        if (s.device.dcb.vm_arbiter == VmArbiter::wrr) {  // each pool's queues: its function's weight x min_credit
          d.vm_wrr = true;
          const unsigned min_credit = (s.device.max_frame_bytes / 2 + 63) / 64;
          d.queue_credits.assign(prof_.queues_per_port, min_credit);
          for (unsigned pool = 0; pool <= V && pool < prof_.num_pools; ++pool) {
            const FunctionCfg& f = pool < V ? s.port[p].vf[pool] : s.port[p].pf;
            for (unsigned i = 0; i < prof_.queues_per_pool; ++i)
              d.queue_credits[prof_.queue_of(pool, i)] = f.qos_weight * min_credit;
          }
        }
      }
      dp.watchdog_tick = true;
      dp.rx_packet_buffer_bytes = pb_bytes;
      // Cores: the PF drivers (and the hypervisor's switch) on the hypervisor cores, each VM's
      // driver (a VF's, or a VM behind the hypervisor) on one of the others.
      dp.cpu = cpu_.get();
      dp.mode = s.device.mode;
      dp.bond = &bond_;
      dp.bond_backup = bond_.enabled && p == 1 && v >= 0;
      // Cores: the PF drivers (and the hypervisor's switch) on the hypervisor cores, each VM's
      // driver on one of the others. The VMs the PF hosts: every VM in vmdq and vswitch modes;
      // in sriov mode the VF entries whose VM is not on its VF, then the bridge's emulated VMs.
      const unsigned H = s.host.cpu.hypervisor_cores, C = s.host.cpu.cores;
      auto vm_core = [&](unsigned k) { return H + (p * V + k) % (C - H); };
      dp.core = v < 0 ? p % H : vm_core(static_cast<unsigned>(v));
      if (v < 0)
        for (unsigned k = 0; k < V; ++k) {
          const FunctionCfg& vc = s.port[p].vf[k];
          const Mode m = vmdq ? s.device.mode : vc.vm_mode;
          if (m == Mode::sriov) continue;
          const bool own_pool = m == Mode::vmdq && (!vmdq || vc.netqueue);
          dp.vms.push_back({mac_of(p, static_cast<int>(k)),
                            fmt::format(vmdq ? "port{}.vm{}" : "port{}.vf{}", p, k), vm_core(k),
                            own_pool ? static_cast<int>(k) : -1});
        }
      if (v < 0 && !vmdq)
        for (unsigned k = 0; k < fc.bridge_vms; ++k)
          dp.vms.push_back({MacAddress::from_bytes({0x02, 0x1b, 0x21, 0x01, static_cast<std::uint8_t>(p),
                                                    static_cast<std::uint8_t>(k)}).value(),
                            fmt::format("port{}.bridge_vm{}", p, k), vm_core(V + k), -1});
      auto d = std::make_unique<Driver>(
          (v < 0 ? fmt::format("port{}_pf_driver", p) : fmt::format("port{}_vf{}_driver", p, v))
              .c_str(),
          prof_, dp, *mem_, *ports_[p].vfs_ready);
      if (v < 0 && ports_[p].mailbox) {  // a VF's message raises the PF's mailbox cause
        FunctionInterrupts* irq = &ep_->interrupts(fn);
        const std::uint32_t cause = prof_.map().mailbox_cause();
        ports_[p].mailbox->on_vf_request = [irq, cause](unsigned) { irq->raise_other(cause, access_time()); };
      }
      if (v < 0 && prof_.map().spoof_cause()) {  // 82576: ICR.DOUTSYNC for a spoofed frame
        FunctionInterrupts* irq = &ep_->interrupts(fn);
        const std::uint32_t cause = prof_.map().spoof_cause();
        ports_[p].sorter->on_spoof = [irq, cause] { irq->raise_other(cause, now_ps()); };
      }
      d->mmio.bind(ep_->mmio);
      d->cfg.bind(ep_->cfg);
      drivers_.push_back(std::move(d));
    }
  }
  // The hypervisor gives each function's routing ID a DMA domain over its memory only: the
  // PFs' now, the VFs' whenever the SR-IOV capability changes which VFs exist and where.
  for (unsigned p = 0; p < P; ++p)
    iommu_->map(ep_->pf_rid(p), iova_base(), function_memory_hpa(ep_->function_index(p, -1)), fn_mem);
  vf_rids_.assign(ep_->functions(), kNoRid);
  ep_->on_routing_change = [this] { assign_vf_domains(); };
  if (!trace_.rtl_trace.empty()) open_rtl_traces();
  if (trace_.any()) observe();
  publish();
}

static std::string rtl_trace_file(const std::string& file, unsigned port, const char* block) {
  const std::string ext = ".vcd";
  const bool has_ext = file.size() > ext.size() && file.compare(file.size() - ext.size(), ext.size(), ext) == 0;
  const std::string stem = has_ext ? file.substr(0, file.size() - ext.size()) : file;
  return fmt::format("{}.port{}.{}.vcd", stem, port, block);
}

void System::open_rtl_traces() {
  if (s_.sorter_impl != CoreImpl::rtl && s_.scheduler_impl != CoreImpl::rtl)
    throw ConfigError("--rtl-trace: no RTL in the loop (set sorter.impl or scheduler.impl to rtl)");
  for (unsigned p = 0; p < ports_.size(); ++p) {
    try {
      if (SorterRtl* r = ports_[p].sorter->rtl()) {
        rtl_traces_.push_back(rtl_trace_file(trace_.rtl_trace, p, "sorter"));
        r->trace(rtl_traces_.back());
      }
      if (SchedulerRtl* r = ports_[p].sched->rtl()) {
        rtl_traces_.push_back(rtl_trace_file(trace_.rtl_trace, p, "scheduler"));
        r->trace(rtl_traces_.back());
      }
    } catch (const std::runtime_error& e) {
      throw ConfigError(e.what());
    }
  }
}

void System::observe() {
  const unsigned P = s_.device.ports;
  std::vector<std::string> names(ep_->functions());
  for (unsigned p = 0; p < P; ++p)
    for (int v = -1; v < static_cast<int>(ep_->max_vfs()); ++v) names[ep_->function_index(p, v)] = function_name(p, v);
  if (!trace_.waveform.empty()) probes_ = std::make_unique<ProbeRecorder>(trace_.probes, trace_.window);
  if (!trace_.log.empty()) log_ = std::make_unique<TransactionLog>(trace_.log, trace_.log_filter, names);
  Observer o;
  o.probes = probes_.get();
  o.log = log_.get();
  o.function_name = [names](int fn) { return fn >= 0 && static_cast<unsigned>(fn) < names.size() ? names[fn] : std::string("none"); };
  auto capture = [this](const std::string& file) -> FrameTap* {
    if (trace_.pcap_dir.empty()) return nullptr;
    pcaps_.push_back(std::make_unique<PcapWriter>(trace_.pcap_dir + "/" + file));
    return pcaps_.back().get();
  };
  if (!trace_.pcap_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(trace_.pcap_dir, ec);
    if (ec) throw ConfigError(fmt::format("--pcap-dir {}: cannot create the directory ({})", trace_.pcap_dir, ec.message()));
  }
  ep_->observe(o);
  for (unsigned p = 0; p < P; ++p) {
    Port& port = ports_[p];
    const PortLayout layout = port_layout(p);
    FrameTap* wire_rx = capture(fmt::format("port{}-wire-rx.pcap", p));
    FrameTap* wire_tx = capture(fmt::format("port{}-wire-tx.pcap", p));
    port.mac->observe(wire_rx, wire_tx, probes_.get(), log_.get());
    port.sorter->observe(o);
    std::vector<FrameTap*> rx_taps, tx_taps;
    for (unsigned k = 0; k < layout.functions(); ++k) {
      const std::string& n = names[layout.first_function + k];
      rx_taps.push_back(capture(n + "-rx.pcap"));
      tx_taps.push_back(capture(n + "-tx.pcap"));
    }
    port.rx->engine().observe(o, rx_taps);
    port.tx->engine().observe(o, tx_taps);
    if (probes_) {
      std::vector<std::string> qnames(prof_.queues_per_port);
      for (unsigned q = 0; q < prof_.queues_per_port; ++q) {
        const int fn = layout.function_of_pool(prof_.pool_of_queue(q));
        if (fn >= 0) qnames[q] = o.queue_name(fn, q);
      }
      port.sched->observe(*probes_, qnames);
    }
    if (port.mailbox && log_) {
      std::vector<int> vf_fns;
      for (unsigned v = 0; v < ep_->max_vfs(); ++v) vf_fns.push_back(static_cast<int>(ep_->function_index(p, static_cast<int>(v))));
      port.mailbox->observe(log_.get(), static_cast<int>(ep_->function_index(p, -1)), vf_fns);
    }
  }
}

nlohmann::json System::finish_trace() {
  nlohmann::json t = nlohmann::json::object();
  if (!trace_.pcap_dir.empty()) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& w : pcaps_) {
      w->flush();
      files.push_back({{"file", w->path()}, {"frames", w->frames()}});
    }
    t["pcap"] = files;
  }
  if (probes_) {
    write_waveform(trace_.waveform, *probes_);
    t["waveform"] = {{"file", trace_.waveform},
                     {"probes", probes_->probes().size()},
                     {"changes", probes_->changes()},
                     {"changes_not_kept", probes_->dropped()}};
    if (probes_->dropped())
      std::fprintf(stderr, "iovsim: --vcd %s: the waveform holds the first %zu changes; %llu more from %.3f us on were not kept "
                   "(narrow it with --probe, --trace-from, --trace-to)\n", trace_.waveform.c_str(), probes_->changes(),
                   static_cast<unsigned long long>(probes_->dropped()), static_cast<double>(probes_->truncated_at()) / 1e6);
  }
  if (log_) t["log"] = {{"file", trace_.log}, {"lines", log_->lines()}};
  if (!rtl_traces_.empty()) t["rtl_trace"] = rtl_traces_;
  return t;
}

void System::assign_vf_domains() {
  const std::uint64_t fn_mem = std::uint64_t{s_.host.vm_memory_kb} * 1024;
  for (unsigned p = 0; p < s_.device.ports; ++p)
    for (unsigned v = 0; v < ep_->max_vfs(); ++v) {
      const unsigned fn = ep_->function_index(p, static_cast<int>(v));
      const std::uint32_t rid = ep_->vf_visible(p, v) ? ep_->vf_rid(p, v) : kNoRid;
      if (rid == vf_rids_[fn]) continue;
      if (vf_rids_[fn] != kNoRid) iommu_->unmap(static_cast<std::uint16_t>(vf_rids_[fn]));
      if (rid != kNoRid) iommu_->map(static_cast<std::uint16_t>(rid), iova_base(), function_memory_hpa(fn), fn_mem);
      vf_rids_[fn] = rid;
    }
}

System::~System() = default;

std::string register_map(System& sys, bool vf, regs::ListingFormat format) {
  const regs::RegisterSpace& rs = vf ? sys.endpoint().vf_regs(0, 0) : sys.endpoint().pf_regs(0);
  const std::string title = fmt::format("{} {} BAR0 ({})", sys.profile().name, vf ? "VF" : "PF",
                                        sys.profile().map().name());
  return (format == regs::ListingFormat::Markdown ? fmt::format("## {}\n\n", title)
                                                  : fmt::format("{}\n", title)) +
         regs::list_registers(rs, format);
}

void System::snapshot_traffic_window() {
  wait(to_sc(window_.start));
  // Traffic starts when every driver has brought its function up: a VF still in its mailbox
  // handshake would drop its frames (or, as a PF, leave filters unprogrammed). Wait for them,
  // up to kMaxWarmupExtension, and say so in the metrics.
  const ps_t nominal = window_.start;
  while (!drivers_ready() && now_ps() < nominal + kMaxWarmupExtension) wait(to_sc(kReadyPoll));
  for (const auto& d : drivers_) not_ready_at_start_.push_back(!d->ready());
  const ps_t duration = window_.end - window_.start;
  window_.start = now_ps();
  window_.end = window_.start + duration;
  window_.decided = true;
  for (unsigned p = 0; p < s_.device.ports; ++p)
    if (s_.port[p].link_down_at_us > 0)
      link_down_[p] = window_.start + static_cast<ps_t>(s_.port[p].link_down_at_us * kPsPerUs);
  if (bond_.enabled && link_down_[0] != BondState::kNever) {
    // bonding's link monitor runs every miimon from the start (its phase here), sees the
    // failure at its first check at or after it, and fails over downdelay later
    const auto mii = static_cast<ps_t>(s_.host.bond_miimon_us * kPsPerUs);
    const ps_t since = link_down_[0] - window_.start;
    bond_.down = link_down_[0];
    bond_.failover = window_.start + (since + mii - 1) / mii * mii + static_cast<ps_t>(s_.host.bond_downdelay_us * kPsPerUs);
  }
  traffic_go_.notify(sc_core::SC_ZERO_TIME);
  registry_.mark_window_start();
  wall_window_start_ = std::chrono::steady_clock::now();
  window_started_ = true;
  wait(to_sc(duration));
  registry_.mark_window_end();
  wall_window_end_ = std::chrono::steady_clock::now();
  window_ended_ = true;
  wait(to_sc(run_end() - now_ps()));
  if (stop_at_end_) sc_core::sc_stop();  // the run's end, wherever the start moved it
}

void System::watchdog_tick() {
  for (const auto& d : drivers_) d->watchdog_tick();
  next_trigger(to_sc(static_cast<ps_t>(s_.host.watchdog_us * kPsPerUs)));
}

void System::sample_time_series() {
  // From the window's start (once decided) to its end, one mark per interval; the last
  // interval ends with the window.
  wait(traffic_go_);
  const ps_t interval = static_cast<ps_t>(s_.time_series_interval_us * kPsPerUs);
  registry_.reserve_samples(static_cast<std::size_t>((window_.end - window_.start) / interval + 2));
  for (ps_t t = window_.start + interval;; t += interval) {
    const ps_t at = std::min(t, window_.end);
    wait(to_sc(at - now_ps()));
    registry_.mark_sample(at);
    if (at >= window_.end) return;
  }
}

ps_t System::warmup_extension() const {
  return window_.decided ? window_.start - static_cast<ps_t>(s_.warmup_us * kPsPerUs) : 0;
}

double System::traffic_wall_seconds() const {
  if (!window_started_) return 0;
  const auto end = window_ended_ ? wall_window_end_ : std::chrono::steady_clock::now();
  return std::chrono::duration<double>(end - wall_window_start_).count();
}

unsigned System::vfs_enabled(const Scenario& s) {
  return hypervisor_mode(s.device.mode) ? 0 : s.device.vfs_per_port;
}

PortLayout System::port_layout(unsigned port) const {
  PortLayout l{port, s_.device.vfs_per_port, ep_->function_index(port, -1), hypervisor_mode(s_.device.mode)};
  for (unsigned v = 0; v < s_.device.vfs_per_port; ++v)  // a VM's VMDq pool next to VFs: the PF's
    if (s_.port[port].vf[v].vm_mode == Mode::vmdq) l.pf_pools |= std::uint64_t{1} << v;
  return l;
}

unsigned System::rar_entries() const {
  return s_.device.rar_entries ? s_.device.rar_entries : prof_.num_rar;
}
unsigned System::vlvf_entries() const {
  return s_.device.vlvf_entries ? s_.device.vlvf_entries : prof_.num_vlvf;
}

ps_t System::traffic_start() const { return window_.start; }
ps_t System::traffic_end() const { return window_.end; }
ps_t System::run_end() const { return traffic_end() + static_cast<ps_t>(s_.drain_us * kPsPerUs); }

std::uint64_t System::eui64(std::uint64_t mac) {
  // MAC octets o0..o5 (o0 in the value's low byte) -> o0-o1-o2-ff-ff-o3-o4-o5, the first
  // octet in the serial's most significant byte (the 82576 dump: 00-1b-21-ff-ff-...).
  std::uint64_t s = 0;
  const auto o = [mac](unsigned i) { return (mac >> (8 * i)) & 0xFF; };
  for (unsigned i = 0; i < 3; ++i) s = s << 8 | o(i);
  s = s << 16 | 0xFFFF;
  for (unsigned i = 3; i < 6; ++i) s = s << 8 | o(i);
  return s;
}

std::string System::lspci(const LspciOptions& opt) {
  std::vector<LspciEntry> fns;
  const bool igb = prof_.family == Family::i82576;
  for (unsigned p = 0; p < ep_->ports(); ++p) {
    ConfigSpace& pf = ep_->pf_config(p);
    fns.push_back({ep_->pf_rid(p), &pf, nullptr, 0, pf.read(pcicfg::INT_LINE, 1), igb ? "igb" : "ixgbe"});
    for (unsigned v = 0; v < ep_->max_vfs(); ++v)
      if (ep_->vf_visible(p, v))
        fns.push_back({ep_->vf_rid(p, v), &ep_->vf_config(p, v), &pf, v, 0, igb ? "igbvf" : "ixgbevf"});
  }
  std::sort(fns.begin(), fns.end(), [](const LspciEntry& a, const LspciEntry& b) { return a.rid < b.rid; });
  return format_lspci(fns, prof_, opt);
}

bool System::drivers_ready() const {
  for (const auto& d : drivers_)
    if (!d->ready()) return false;
  return true;
}

std::uint64_t System::mac_of(unsigned port, int vf) const { return station_mac(s_, port, vf); }

std::uint64_t System::station_mac(const Scenario& s, unsigned port, int vf) {
  const FunctionCfg& fc = vf < 0 ? s.port[port].pf : s.port[port].vf[static_cast<unsigned>(vf)];
  if (fc.mac.fixed) return fc.mac.fixed->value();
  // Bonded: the backup VF takes the bond's address, its active twin's (fail_over_mac=none)
  if (s.device.bond == BondMode::active_backup && port == 1 && vf >= 0) return station_mac(s, 0, vf);
  const auto pb = static_cast<std::uint8_t>(port);
  return (vf < 0 ? MacAddress::from_bytes({0x00, 0x1b, 0x21, 0x00, pb, 0xff})
                 : MacAddress::from_bytes({0x02, 0x1b, 0x21, 0x00, pb, static_cast<std::uint8_t>(vf)}))
      .value();
}

std::uint64_t System::tx_destination(unsigned port, const TxTarget& to) const {
  switch (to.kind) {
    case TxTarget::Kind::Wire:  // the link partner's station
      return MacAddress::from_bytes({0x00, 0xaa, 0xbb, 0xcc, 0xdd, static_cast<std::uint8_t>(port)})
          .value();
    case TxTarget::Kind::Pf: return mac_of(port, -1);
    case TxTarget::Kind::Vf: return mac_of(port, static_cast<int>(to.vf));
    case TxTarget::Kind::Broadcast: return MacAddress::broadcast().value();
    case TxTarget::Kind::Unknown: return MacAddress::from_bytes({0x02, 0xee, 0xee, 0x00, 0x00, 0x01}).value();
    case TxTarget::Kind::Mac: return to.mac.value();
    case TxTarget::Kind::AllVfs: break;  // not a Tx target (the loader refuses it)
  }
  return 0;
}

void System::publish() {
  MetricsRegistry& m = registry_;
  for (unsigned p = 0; p < ports_.size(); ++p) {
    if (!ports_[p].partner) continue;
    const LinkPartner::Stats& st = ports_[p].partner->stats();
    const std::string b = fmt::format("/ports/{}/link_partner/", p);
    m.counter(b + "arp_requests", st.arp_requests, Unit::Count, "ARP requests for the partner's address (wire.answer_ipv4)");
    m.counter(b + "arp_replies", st.arp_replies, Unit::Count, "ARP replies it sent");
    m.counter(b + "echo_requests", st.echo_requests, Unit::Count, "ICMP echo requests to it");
    m.counter(b + "echo_replies", st.echo_replies, Unit::Count, "ICMP echo replies it sent");
    m.counter(b + "malformed", st.malformed, Unit::Count, "frames with a truncated or corrupt ARP/IPv4/ICMP header");
    m.counter(b + "ignored", st.ignored, Unit::Count, "frames it does not answer (not for it, other protocols)");
    m.counter(b + "udp_datagrams", st.udp_datagrams, Unit::Count, "UDP datagrams to it (ignored: no service), checked as a receiver would");
    m.counter(b + "udp_bad_checksum", st.udp_bad_checksum, Unit::Count, "of those, datagrams with a wrong length or checksum");
  }
  cpu_->publish(m);
  if (bond_.enabled) {
    auto rel = [this](ps_t t) -> nlohmann::json {
      return t == BondState::kNever ? nlohmann::json() : nlohmann::json(static_cast<double>(t - window_.start) / 1000);
    };
    m.value("/bond/mode", [] { return "active_backup"; }, Unit::None, "device.bond");
    m.value("/bond/link_down_ns", [this, rel] { return rel(bond_.down); }, Unit::Nanoseconds,
            "when port 0's link failed, from the traffic's start (null: it did not)");
    m.value("/bond/failover_ns", [this, rel] { return rel(bond_.failover); }, Unit::Nanoseconds,
            "when the bond made port 1 active (its first link check after the failure, plus downdelay)");
    m.value("/bond/first_frame_after_ns", [this, rel] { return rel(bond_.first_after); }, Unit::Nanoseconds,
            "when the first frame reached a bonded VM's application through port 1");
    m.value("/bond/recovery_ns", [this] {
              return bond_.first_after == BondState::kNever || bond_.down == BondState::kNever
                         ? nlohmann::json()
                         : nlohmann::json(static_cast<double>(bond_.first_after - bond_.down) / 1000);
            },
            Unit::Nanoseconds, "from the link failure to that frame: the VMs' time without traffic");
  }
  m.set_window_seconds(s_.duration_us / 1e6);
  const unsigned P = s_.device.ports, V = ep_->max_vfs(), Q = prof_.queues_per_port;
  // The platform's own facts: names, indices and settings.
  for (unsigned p = 0; p < P; ++p) {
    const std::string port = fmt::format("/ports/{}/", p);
    m.value(port + "port", [p] { return p; }, Unit::None, "port index");
    m.value(port + "link_gbps", [this] { return s_.device.link_gbps; }, Unit::Gbps,
            "device.link_gbps");
    const FlowControl* fcp = ports_[p].fc.get();
    const std::string fcs = port + "flow_control/";
    m.value(fcs + "enabled", [fcp] { return fcp->cfg().tx_pause; }, Unit::None,
            "the device sends XOFF / XON for its Rx packet buffer (as the PF driver programmed it)");
    m.value(fcs + "high_water_bytes", [fcp] { return fcp->cfg().high; }, Unit::Bytes, "FCRTH: XOFF at this fill");
    m.value(fcs + "low_water_bytes", [fcp] { return fcp->cfg().low; }, Unit::Bytes, "FCRTL: XON below this fill");
    m.value(fcs + "pause_quanta", [fcp] { return fcp->cfg().pause_quanta; }, Unit::Count,
            "FCTTV: the pause time an XOFF asks for, in 512-bit times");
    m.value(fcs + "xoff_sent", [fcp] { return fcp->stats(now_ps()).xoff; }, Unit::Events, "XOFF pause frames the device sent");
    m.value(fcs + "xoff_refreshes", [fcp] { return fcp->stats(now_ps()).refresh; }, Unit::Events,
            "XOFFs sent again while still paused (FCRTV), besides xoff_sent; counted when their pause ended");
    m.value(fcs + "xon_sent", [fcp] { return fcp->stats(now_ps()).xon; }, Unit::Events, "XON frames (pause time 0) the device sent");
    m.value(fcs + "partner_paused_ns",
            [fcp] { return static_cast<double>(fcp->stats(now_ps()).partner_paused_ps) / 1000.0; }, Unit::Nanoseconds,
            "time the link partner held a frame back for a pause");
    const unsigned pf_fn = ep_->function_index(p, -1);
    for (int v = -1; v < static_cast<int>(V); ++v) {
      const unsigned fn = ep_->function_index(p, v);
      const std::string f = fmt::format("/functions/{}/", fn);
      const std::string name = function_name(p, v);
      m.value(f + "name", [name] { return name; }, Unit::None, "portP.pf or portP.vfV");
      m.value(f + "kind", [v] { return v < 0 ? "pf" : "vf"; }, Unit::None, "pf or vf");
      m.value(f + "port", [p] { return p; }, Unit::None, "its port");
      const unsigned pool = v < 0 ? s_.device.vfs_per_port : static_cast<unsigned>(v);
      m.value(f + "pool", [pool] { return pool; }, Unit::None, "the pool it owns");
      // The pool's statistics registers as its function reads them (a VF in its BAR, the PF
      // at its pool's element of the PF arrays), at the end of the run; the model's own
      // counts are rx_frames ... (for a VF the same frames; for a VMDq PF its pool only).
      regs::RegisterSpace* rs = v < 0 ? &ep_->pf_regs(p) : &ep_->vf_regs(p, static_cast<unsigned>(v));
      const regs::View view = v < 0 ? regs::View::PF : regs::View::VF;
      m.value(f + "stats_registers",
              [this, rs, view, pool] {
                const regs::StatValues v = regs::read_stat_registers(
                    prof_.map().stats_decls(view), view == regs::View::PF ? pool : 0, [rs](std::uint32_t off) {
                      std::uint32_t x = 0;
                      rs->read(off, x);
                      return x;
                    });
                nlohmann::json j;
                for (unsigned r = 0; r < regs::kStatRegs; ++r)
                  j[regs::stat_reg_name(static_cast<regs::StatReg>(r))] = v.value[r];
                return j;
              },
              Unit::Count,
              "its pool's statistics registers at the end (VFGPRC, VFGORC, VFMPRC, VFGPTC, VFGOTC or the PF's "
              "PVFG* element): 32-bit, the 82599's octets 36-bit, wrapped");
      m.gauge(f + "rx_multicast_frames",
              [this, p, pool] {
                std::uint64_t n = 0;
                for (unsigned i = 0; i < prof_.queues_per_pool; ++i)
                  n += ports_[p].rx->engine().queue_stats(prof_.queue_of(pool, i)).multicast;
                return n;
              },
              Unit::Frames, "multicast frames (broadcast not included) its pool received: the model's count behind VFMPRC");
      m.value(f + "iommu_faults", [this, fn] { return iommu_->faults(ep_->rid_of(fn)); },
              Unit::Count, "DMA the IOMMU refused for its routing ID");
      m.value(f + "ready_at_traffic_start",
              [this, fn] {
                return fn < not_ready_at_start_.size() ? !not_ready_at_start_[fn] : drivers_[fn]->ready();
              },
              Unit::None,
              "its driver had brought the function up when traffic started (traffic waits up "
              "to 100 ms past warmup_us for every driver, then starts without the late ones)");
    }
    for (unsigned q = 0; q < Q; ++q) {
      const std::string path = fmt::format("/queues/{}/", p * Q + q);
      const unsigned pool = prof_.pool_of_queue(q);
      const int fn = port_layout(p).function_of_pool(pool);
      m.value(path + "port", [p] { return p; }, Unit::None, "port index");
      m.value(path + "queue", [q] { return q; }, Unit::None, "queue index within the port");
      m.value(path + "pool", [pool] { return pool; }, Unit::None, "the pool the queue serves");
      const nlohmann::json owner =
          fn < 0 ? nlohmann::json(nullptr) : nlohmann::json(function_name(p, fn - static_cast<int>(pf_fn) - 1));
      m.value(path + "function", [owner] { return owner; }, Unit::None,
              "the function owning the pool, or null");
      m.value(path + "tx_rate_limit_mbps",
              [this, p, q] { return ports_[p].sched->programmed_rate_bps(q) / 1e6; }, Unit::Mbps,
              "the programmed Tx rate limit, 0 = off");
    }
  }
  m.rate_per_second("/traffic/wire_frames_per_second", "/conservation/injected_wire",
                    "frames the link partners sent, per simulated second of the window");
  for (unsigned p = 0; p < P; ++p)
    m.rate_per_second(fmt::format("/ports/{}/tx_dma/frames_per_second", p),
                      fmt::format("/ports/{}/tx_dma/frames", p),
                      "frames the Tx DMA fetched, per simulated second of the window");
  m.value("/pcie/gen", [this] { return ep_->link().params().gen; }, Unit::None,
          "PCIe generation (the preset's unless pcie.gen is set)");
  m.value("/pcie/lanes", [this] { return ep_->link().params().lanes; }, Unit::None,
          "link width (the preset's unless pcie.lanes is set)");
  m.value("/pcie/max_payload_bytes", [this] { return ep_->link().params().max_payload; },
          Unit::Bytes, "MPS");
  m.value("/pcie/tlp_share", [this] { return ep_->link().tlp_share(); }, Unit::Ratio,
          "share of a busy direction's time left to TLPs after ACK/UpdateFC DLLPs and SKIPs");
  m.value("/pcie/iommu_faults", [this] { return iommu_->total_faults(); }, Unit::Count,
          "DMA the IOMMU refused, all routing IDs");
  m.value("/conservation/frame_slots_in_use", [this] { return pool_.in_use(); }, Unit::Count,
          "frame pool slots still held at the end");
  // The blocks' own stats.
  ep_->publish(m);
  for (unsigned p = 0; p < ports_.size(); ++p) {
    const Port& port = ports_[p];
    m.counter("/register_errors/rate_limit_writes_invalid", port.sched->invalid_writes(), Unit::Count,
              "RTTBCNRC writes with RS_ENA and a rate factor outside 1..1000 (queue left unlimited)");
    if (s_.device.dcb.tcs) {  // what the PF driver programmed, as the registers decode it, and the classes' traffic
      const TxScheduler* sc = port.sched.get();
      const std::string d = fmt::format("/ports/{}/scheduler/dcb/", p);
      m.value(d + "wsp", [sc] { return sc->dcb().desc.wsp; }, Unit::None,
              "RTTDCS.TDPAC: the descriptor plane's weighted strict priority is on");
      m.value(d + "tcs", [sc] { return sc->dcb().tcs; }, Unit::None, "traffic classes (MTQC)");
      for (unsigned t = 0; t < s_.device.dcb.tcs; ++t) {
        const std::string c = fmt::format("{}tc{}/", d, t);
        m.value(c + "refill_credits", [sc, t] { return sc->dcb().desc.refill[t]; }, Unit::Count,
                "RTTDT2C.CRQ: credits (64 bytes) per refill");
        m.value(c + "max_credits", [sc, t] { return sc->dcb().desc.max[t]; }, Unit::Count, "RTTDT2C.MCL");
        m.value(c + "link_strict", [sc, t] { return sc->dcb().desc.strict[t] == hls::TcStrict::Link; }, Unit::None,
                "RTTDT2C.LSP");
        m.value(c + "tx_bytes", [sc, t, this] {
          std::uint64_t b = 0;
          for (unsigned q = 0; q < prof_.queues_per_port; ++q)
            if (sc->dcb().tc_of_queue(q) == t) b += sc->queue_stats(q).bytes;
          return b;
        }, Unit::Bytes, "bytes the class's queues sent (L2, as the arbiter charged them)");
      }
    }
    if (SchedulerRtl* r = port.sched->rtl())
      m.value(fmt::format("/ports/{}/scheduler/rtl_cycles", p), [r] { return static_cast<double>(r->cycles()); },
              Unit::Count, "clock cycles the Tx scheduler's RTL ran (scheduler.impl rtl: one per decision)");
    port.source->publish(m);
    port.mac->publish(m);
    port.sorter->publish(m);
    port.rx->publish(m);
    port.tx->publish(m);
  }
  for (const auto& d : drivers_) d->publish(m);
  irqc_->publish(m);
}

std::string System::function_name(unsigned port, int vf) {
  return vf < 0 ? fmt::format("port{}.pf", port) : fmt::format("port{}.vf{}", port, vf);
}

std::uint64_t System::iova_base() const { return std::uint64_t{s_.host.iova_base_gb} << 30; }

std::uint64_t System::function_memory_hpa(unsigned fn) const {
  return std::uint64_t{fn} * s_.host.vm_memory_kb * 1024;
}



// CTRL.RST (82576, igb_reset_hw_82575): the queues stop (RXDCTL/TXDCTL 0), every interrupt
// cause is masked and cleared, the receiver is off (RCTL 0). The rest of the port's registers
// keep their values: igb rewrites every one it uses after a reset (docs/fidelity.md).
void System::reset_port(unsigned port) {
  regs::RegisterSpace& rs = ep_->pf_regs(port);
  const AccessScope at(access_time());
  for (unsigned q = 0; q < prof_.queues_per_port; ++q) {
    rs.write(regs::i82576::RxRing::DCTL::at(q), 0);
    rs.write(regs::i82576::TxRing::DCTL::at(q), 0);
  }
  rs.write(regs::i82576::RCTL::at(), 0);
  rs.write(regs::i82576::IMC::at(), 0xFFFFFFFFu);
  rs.write(regs::i82576::EIMC::at(), 0xFFFFFFFFu);
  std::uint32_t v = 0;
  rs.read(regs::i82576::ICR::at(), v);
  rs.write(regs::i82576::EICR::at(), 0xFFFFFFFFu);
  rs.write(regs::i82576::GPIE::at(), 0);
}

}  // namespace iovsim
