#include "model/platform/system.h"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>

#include "model/dma/rx_dma.h"
#include "model/dma/tx_dma.h"
#include "model/host/driver.h"
#include "model/host/host_memory.h"
#include "model/mac/mac.h"
#include "model/pcie/endpoint.h"
#include "model/pcie/mailbox.h"
#include "model/platform/wire_source.h"
#include "model/qos/tx_scheduler.h"
#include "model/sorter/sorter.h"

namespace iovsim {

namespace {
constexpr std::uint64_t kPfBarBase = 0xF0000000ull, kVfBarBase = 0xE0000000ull;
constexpr std::uint64_t kBarWindow = 16ull << 20;

PcieLinkParams link_params(const PcieCfg& c) {
  PcieLinkParams p;
  p.gen = c.gen;
  p.lanes = c.lanes;
  p.max_payload = c.max_payload_bytes;
  p.max_read_request = c.max_read_request_bytes;
  p.read_latency = static_cast<ps_t>(c.read_latency_ns * kPsPerNs);
  p.mmio_latency = static_cast<ps_t>(c.mmio_latency_ns * kPsPerNs);
  return p;
}
}  // namespace

System::System(sc_core::sc_module_name name, const Scenario& s)
    : sc_module(name), s_(s), prof_(device_profile(s.device.preset)), pool_(s.device.frame_pool),
      stats_(s.device.ports, s.device.ports * (vfs_enabled(s) + 1), prof_.queues_per_port),
      window_start_(stats_), window_end_(stats_) {
  SC_HAS_PROCESS(System);
  SC_THREAD(snapshot_traffic_window);
  const unsigned P = s.device.ports, V = s.device.vfs_per_port;
  const bool vmdq = s.device.mode == Mode::vmdq;
  const std::uint64_t fn_mem = std::uint64_t{s.host.vm_memory_kb} * 1024;
  mem_ = std::make_unique<HostMemory>("memory", fn_mem * P * (vfs_enabled(s) + 1));
  iommu_ = std::make_unique<Iommu>("iommu");
  ep_ = std::make_unique<PcieEndpoint>("endpoint", prof_, P, vfs_enabled(s), link_params(s.pcie));
  ep_->dma_out.bind(iommu_->target);
  iommu_->to_memory.bind(mem_->target);
  const double line_bps = s.device.link_gbps * 1e9;
  const unsigned pb_bytes =
      (s.device.rx_packet_buffer_kb ? s.device.rx_packet_buffer_kb : prof_.rx_packet_buffer_kb) *
      1024;

  ports_.resize(P);
  for (unsigned p = 0; p < P; ++p) {
    Port& port = ports_[p];
    const PortLayout layout = port_layout(p);
    std::vector<regs::RegisterSpace*> vf_spaces;
    for (unsigned v = 0; v < ep_->max_vfs(); ++v) vf_spaces.push_back(&ep_->vf_regs(p, v));
    MacParams mp{p, line_bps, s.device.max_frame_bytes};
    port.mac = std::make_unique<Mac>(fmt::format("port{}_mac", p).c_str(), mp, stats_);
    port.sorter = std::make_unique<Sorter>(fmt::format("port{}_sorter", p).c_str(), prof_, layout,
                                           rar_entries(), vlvf_entries(), stats_, ep_->pf_regs(p));
    port.rx = std::make_unique<RxDma>(fmt::format("port{}_rxdma", p).c_str(), prof_, layout,
                                      pb_bytes, stats_);
    port.rx->map_registers(ep_->pf_regs(p), vf_spaces);
    port.sched = std::make_unique<TxScheduler>(prof_.queues_per_port, line_bps, prof_.map());
    port.sched->map_registers(ep_->pf_regs(p));
    port.tx = std::make_unique<TxDma>(fmt::format("port{}_txdma", p).c_str(), prof_, layout, pool_,
                                      stats_, *port.sched);
    port.tx->map_registers(ep_->pf_regs(p), vf_spaces);

    WireSourceParams wp;
    wp.port = p;
    wp.cfg = s.port[p].wire;
    wp.line_bps = line_bps;
    wp.start = traffic_start();
    wp.end = traffic_end();
    wp.seed = s.seed;
    for (unsigned v = 0; v < V; ++v) wp.vf_macs.push_back(mac_of(p, static_cast<int>(v)));
    wp.pf_mac = mac_of(p, -1);
    port.source = std::make_unique<WireSource>(fmt::format("port{}_wire", p).c_str(), wp, pool_,
                                               stats_);
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
      dp.rid = routing_id(p, v);
      dp.mac = mac_of(p, v);
      dp.tx_dst_mac = tx_destination(p, fc.tx.to);
      dp.mem_hpa = function_memory_hpa(fn);
      dp.mem_bytes = fn_mem;
      dp.bar0 = v < 0 ? kPfBarBase + p * kBarWindow
                      : kVfBarBase + p * kBarWindow + std::uint64_t{prof_.vf_bar0_bytes} * v;
      dp.traffic_start = traffic_start();
      dp.traffic_end = traffic_end();
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
      auto d = std::make_unique<Driver>(
          (v < 0 ? fmt::format("port{}_pf_driver", p) : fmt::format("port{}_vf{}_driver", p, v))
              .c_str(),
          prof_, dp, *mem_, stats_, *ports_[p].vfs_ready);
      if (v < 0 && ports_[p].mailbox) {
        Driver* pf = d.get();
        ports_[p].mailbox->on_vf_request = [pf](unsigned) { pf->mailbox_interrupt(); };
      }
      d->mmio.bind(ep_->mmio);
      d->cfg.bind(ep_->cfg);
      // The hypervisor gives the function's routing ID a DMA domain over its memory only.
      iommu_->map(dp.rid, 0, dp.mem_hpa, fn_mem);
      drivers_.push_back(std::move(d));
    }
  }
}

System::~System() = default;

void System::snapshot_traffic_window() {
  wait(to_sc(traffic_start()));
  window_start_ = stats_;
  wait(to_sc(traffic_end() - traffic_start()));
  window_end_ = stats_;
}

std::uint16_t System::routing_id(unsigned port, int vf) const {
  // A VF's routing ID once the PF driver has set ARI Capable Hierarchy (First VF Offset and
  // VF Stride from the SR-IOV capability): what the hypervisor assigns to the VM.
  if (vf < 0) return ep_->pf_rid(port);
  return static_cast<std::uint16_t>(ep_->pf_rid(port) + prof_.first_vf_offset +
                                    prof_.vf_stride * static_cast<unsigned>(vf));
}

unsigned System::vfs_enabled(const Scenario& s) {
  return s.device.mode == Mode::vmdq ? 0 : s.device.vfs_per_port;
}

PortLayout System::port_layout(unsigned port) const {
  return PortLayout{port, s_.device.vfs_per_port, ep_->function_index(port, -1),
                    s_.device.mode == Mode::vmdq};
}

unsigned System::rar_entries() const {
  return s_.device.rar_entries ? s_.device.rar_entries : prof_.num_rar;
}
unsigned System::vlvf_entries() const {
  return s_.device.vlvf_entries ? s_.device.vlvf_entries : prof_.num_vlvf;
}

ps_t System::traffic_start() const { return static_cast<ps_t>(s_.warmup_us * kPsPerUs); }
ps_t System::traffic_end() const {
  return traffic_start() + static_cast<ps_t>(s_.duration_us * kPsPerUs);
}
ps_t System::run_end() const { return traffic_end() + static_cast<ps_t>(s_.drain_us * kPsPerUs); }

std::uint64_t System::mac_of(unsigned port, int vf) const {
  const FunctionCfg& fc = vf < 0 ? s_.port[port].pf : s_.port[port].vf[static_cast<unsigned>(vf)];
  if (fc.mac.fixed) return fc.mac.fixed->value();
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
  }
  return 0;
}

std::uint64_t System::function_memory_hpa(unsigned fn) const {
  return std::uint64_t{fn} * s_.host.vm_memory_kb * 1024;
}

std::uint64_t System::in_flight() const {
  std::uint64_t n = 0;  // the driver models post one descriptor per frame
  for (const Port& p : ports_) n += p.tx->pending_descriptors();
  return n;
}

}  // namespace iovsim
