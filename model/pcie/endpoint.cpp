#include "model/core/check.h"
#include "model/pcie/endpoint.h"

#include "model/core/guest_copy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/core/time.h"

namespace iovsim {

PcieEndpoint::PcieEndpoint(sc_core::sc_module_name name, const DeviceProfile& prof,
                           unsigned ports, unsigned max_vfs, const PcieLinkParams& link,
                           unsigned bus)
    : sc_module(name), cfg("cfg"), mmio("mmio"), dma_in("dma_in"), dma_out("dma_out"),
      prof_(prof), ports_(ports), max_vfs_(max_vfs), bus_(bus), link_(link) {
  IOVSIM_CHECK(prof.vf_bar0_bytes && !(prof.vf_bar0_bytes & (prof.vf_bar0_bytes - 1)), "a VF BAR's size is a power of two");
  vf_bar0_shift_ = static_cast<unsigned>(__builtin_ctz(prof.vf_bar0_bytes));
  cfg.register_b_transport(this, &PcieEndpoint::cfg_b_transport);
  mmio.register_b_transport(this, &PcieEndpoint::mmio_b_transport);
  dma_in.register_b_transport(this, &PcieEndpoint::dma_b_transport);
  dma_out.register_invalidate_direct_mem_ptr(this, &PcieEndpoint::invalidate_dmi);
  ext_ = new PcieExtension;
  gp_.set_extension(ext_);  // owned by the payload
  gp_.set_streaming_width(0);
  gp_.set_byte_enable_ptr(nullptr);
  windows_.resize(ports);
  for (unsigned p = 0; p < ports; ++p) {
    pf_cfg_.push_back(std::make_unique<ConfigSpace>(prof, ConfigSpace::Kind::PF, p, max_vfs, ports));
    pf_cfg_.back()->on_sriov_change = [this] { update_rids(); };
    pf_cfg_.back()->on_command_change = [this] { update_bus_master(); };
    pf_regs_.push_back(std::make_unique<regs::RegisterSpace>(fmt::format("pf{}", p)));
    for (unsigned v = 0; v < max_vfs; ++v) {
      vf_cfg_.push_back(std::make_unique<ConfigSpace>(prof, ConfigSpace::Kind::VF, p, 0));
      vf_cfg_.back()->on_command_change = [this] { update_bus_master(); };
      vf_regs_.push_back(std::make_unique<regs::RegisterSpace>(fmt::format("pf{}.vf{}", p, v)));
    }
  }
  // Interrupts: each function's MSI-X table (its BAR) and interrupt registers (its BAR0).
  irq_.resize(functions());
  std::size_t held_capacity = 0;
  for (unsigned fn = 0; fn < functions(); ++fn) {
    const unsigned port = fn / (max_vfs_ + 1), k = fn % (max_vfs_ + 1);
    const bool pf = k == 0;
    ConfigSpace& cs = pf ? *pf_cfg_[port] : *vf_cfg_[port * max_vfs_ + k - 1];
    FnIrq& f = irq_[fn];
    const unsigned vectors = pf ? prof.pf_msix_vectors : prof.vf_msix_vectors;
    f.msix = std::make_unique<MsixTable>(vectors);
    f.msix_regs = std::make_unique<regs::RegisterSpace>(fmt::format("{}.msix", pf ? fmt::format("pf{}", port) : fmt::format("pf{}.vf{}", port, k - 1)));
    f.msix->map_registers(*f.msix_regs);
    f.msix->send = [this, fn](unsigned v, std::uint64_t a, std::uint32_t d, ps_t at) { send_msi(fn, v, a, d, at); };
    f.logic = std::make_unique<FunctionInterrupts>(vectors, *f.msix);
    f.logic->signal_later = [this, fn](unsigned v, ps_t at) { hold_msi(fn, v, at); };
    held_capacity += vectors;
    regs::RegisterSpace& rs = pf ? *pf_regs_[port] : *vf_regs_[port * max_vfs_ + k - 1];
    prof.map().bind_interrupts(rs, pf ? regs::View::PF : regs::View::VF,
                               pf ? prof.queues_per_port : prof.queues_per_pool, f.logic->regs());
    MsixTable* t = f.msix.get();
    ConfigSpace* c = &cs;
    cs.on_msix_change = [t, c] { t->set_control(c->msix_enabled(), c->msix_masked(), access_time()); };
  }
  held_.reserve(2 * held_capacity);  // two per vector at most: one due, one behind an engine running ahead
  SC_METHOD(release_held);
  sensitive << held_due_;
  dont_initialize();
  update_rids();
}

void PcieEndpoint::hold_msi(unsigned fn, unsigned vector, ps_t at) {
  const ps_t now = now_ps();
  if (at <= now) {
    irq_[fn].msix->signal(vector, at);
    return;
  }
  held_.push_back({at, fn, vector});
  std::push_heap(held_.begin(), held_.end());
  // A message due after the pending notification changes nothing the kernel holds (an earlier
  // pending notification stays): the usual case, each vector's interval ending after others'.
  if (at < held_due_at_) {
    held_due_at_ = at;
    held_due_.notify(to_sc(at - now));
  }
}

void PcieEndpoint::release_held() {
  const ps_t now = now_ps();
  while (!held_.empty() && held_.front().at <= now) {
    std::pop_heap(held_.begin(), held_.end());
    const HeldMsi h = held_.back();
    held_.pop_back();
    irq_[h.fn].msix->signal(h.vector, h.at);
  }
  held_due_at_ = held_.empty() ? kNoneHeld : held_.front().at;
  if (!held_.empty()) held_due_.notify(to_sc(held_due_at_ - now));
}

void PcieEndpoint::observe(const Observer& o) {
  log_ = o.log;
  if (o.probes) {
    link_.observe(*o.probes);
    for (unsigned fn = 0; fn < irq_.size(); ++fn) irq_[fn].msix->observe(*o.probes, o.function_name(static_cast<int>(fn)));
  }
  if (log_) {
    for (unsigned p = 0; p < ports_; ++p) {
      space_fn_[pf_regs_[p].get()] = static_cast<int>(function_index(p, -1));
      for (unsigned v = 0; v < max_vfs_; ++v)
        space_fn_[vf_regs_[p * max_vfs_ + v].get()] = static_cast<int>(function_index(p, static_cast<int>(v)));
    }
    for (unsigned fn = 0; fn < irq_.size(); ++fn) space_fn_[irq_[fn].msix_regs.get()] = static_cast<int>(fn);
  }
}

void PcieEndpoint::send_msi(unsigned fn, unsigned vector, std::uint64_t addr, std::uint32_t data, ps_t at) {
  if (!bus_master(fn)) {  // an MSI-X message is a memory write: no BME, no message
    ++msi_refused_;
    if (log_ && log_->wants(LogKind::irq, static_cast<int>(fn)))
      log_->line(LogKind::irq, at, static_cast<int>(fn), -1, "msix vector {} refused: Bus Master Enable clear", vector);
    return;
  }
  link_.forget_before(now_ps());  // as a register access: it books near kernel time
  const ps_t arrived = link_.dma_write(at, addr, 4, TlpKind::Interrupt);
  if (log_ && log_->wants(LogKind::irq, static_cast<int>(fn)))
    log_->line(LogKind::irq, at, static_cast<int>(fn), -1, "msix vector {} message addr {:#x} data {:#x}, at the host {:.3f} ns",
               vector, addr, data, static_cast<double>(arrived) / 1000);
  if (msi_target_) msi_target_->message(addr, data, fn, arrived);
}

void PcieEndpoint::publish(MetricsRegistry& m) const {
  for (unsigned fn = 0; fn < functions(); ++fn) {
    m.value(fmt::format("/functions/{}/bdf", fn), [this, fn] { return bdf(rid_of(fn)); },
            Unit::None, "bus:device.function of its routing ID, from the live SR-IOV capability");
    m.counter("/register_errors/unmapped_accesses", regs_of(fn).unmapped_accesses(), Unit::Count,
              "accesses to offsets no register is declared at");
    m.counter("/register_errors/read_only_writes", regs_of(fn).read_only_writes(), Unit::Count,
              "writes to read-only registers");
    const std::string f = fmt::format("/functions/{}/interrupts/", fn);
    const FnIrq& q = irq_[fn];
    m.counter(f + "messages", q.msix->stats().sent, Unit::Events, "MSI-X messages the function sent");
    m.value(f + "per_vector", [&q] { return q.msix->sent_per_vector(); }, Unit::Events,
            "messages per MSI-X vector");
    m.counter(f + "pended", q.msix->stats().pended, Unit::Events,
              "messages held in the PBA (vector masked), of which released later: released");
    m.counter(f + "released", q.msix->stats().released, Unit::Events, "pending messages sent on unmask");
    m.counter(f + "throttled", q.logic->stats().throttled, Unit::Events,
              "messages EITR moderation held back to the end of the vector's interval");
    m.value(f + "eitr_us",
            [this, &q, fn] {
              nlohmann::json a = nlohmann::json::array();
              const bool pf = fn % (max_vfs_ + 1) == 0;
              for (std::uint32_t v : q.logic->regs().eitr)
                a.push_back(static_cast<double>(prof_.map().itr_interval_ps(pf ? regs::View::PF : regs::View::VF, v)) / 1e6);
              return a;
            },
            Unit::None, "each vector's EITR interval in microseconds at the end");
    m.counter("/register_errors/interrupt_writes_ignored", q.logic->regs().ignored_writes, Unit::Count,
              "interrupt register writes naming vectors or queues the function lacks");
    m.counter("/register_errors/msix_pba_writes", q.msix->stats().ignored_writes, Unit::Count,
              "writes to the read-only MSI-X pending bits");
  }
  m.counter("/pcie/msi_refused_bus_master", msi_refused_, Unit::Count,
            "MSI-X messages not sent because the function's Bus Master Enable was clear");
  for (unsigned p = 0; p < ports_; ++p)
    m.counter("/register_errors/config_writes_rejected", pf_cfg_[p]->rejected_writes(), Unit::Count,
              "config writes the function rejected");
  m.counter("/register_errors/unsupported_requests", unsupported_, Unit::Count,
            "MMIO or config accesses no function claimed, or of a bad size");
  m.counter("/pcie/unsupported_requests", unsupported_, Unit::Count,
            "MMIO or config accesses no function claimed, or of a bad size");
  m.counter("/pcie/dma_refused_wrapping", wrapped_refused_, Unit::Count,
            "DMA of zero length or reaching past the top of the 64-bit space, refused before the link");
  m.counter("/pcie/dma_refused_bus_master", bme_refused_, Unit::Count,
            "DMA requests refused because the function's Bus Master Enable was clear");
  m.value("/pcie/upstream_bytes", [this] { return link_.upstream_bytes(); }, Unit::Bytes,
          "TLP bytes on the link towards the host (headers and framing included)");
  m.value("/pcie/downstream_bytes", [this] { return link_.downstream_bytes(); }, Unit::Bytes,
          "TLP bytes on the link towards the device");
  auto direction = [&](const std::string& name, const PcieLinkTiming::Direction& d) {
    const std::string path = "/pcie/" + name + "/";
    m.value(path + "utilization",
            [this, &d] {
              const double run_ps = static_cast<double>(now_ps());
              return run_ps > 0 ? static_cast<double>(d.busy_ps()) / run_ps : 0;
            },
            Unit::Ratio, "fraction of the run the direction was busy (TLPs, DLLPs, SKIPs)");
    m.value(path + "tlps", [&d] { return d.tlps; }, Unit::Count, "TLPs sent");
    m.value(path + "tlp_bytes", [&d] { return d.tlp_bytes; }, Unit::Bytes,
            "TLP bytes (payload, headers, framing)");
    for (unsigned k = 0; k < static_cast<unsigned>(TlpKind::kCount); ++k)
      m.value(path + "tlp_bytes_by_kind/" + tlp_kind_name(static_cast<TlpKind>(k)),
              [&d, k] { return d.bytes_by_kind[k]; }, Unit::Bytes,
              "TLP bytes of frame data, descriptor fetches, write-backs, register accesses");
    m.value(path + "ack_dllps", [this, &d] { return link_.ack_dllps(d); }, Unit::Count,
            "ACK DLLPs at the spec's latency limit over the busy time");
    m.value(path + "update_fc_dllps", [this, &d] { return link_.update_fc_dllps(d); }, Unit::Count,
            "UpdateFC DLLPs at the spec's interval over the busy time");
    m.value(path + "skip_ordered_sets", [this, &d] { return link_.skip_ordered_sets(d); },
            Unit::Count, "SKIP ordered sets over the busy time");
  };
  direction("upstream", link_.upstream());
  direction("downstream", link_.downstream());
  m.value("/pcie/upstream_utilization",
          [this] {
            const double run_ps = static_cast<double>(now_ps());
            return run_ps > 0 ? link_.upstream_busy_ps() / run_ps : 0;
          },
          Unit::Ratio, "fraction of the run the upstream direction was busy");
  m.value("/pcie/downstream_utilization",
          [this] {
            const double run_ps = static_cast<double>(now_ps());
            return run_ps > 0 ? link_.downstream_busy_ps() / run_ps : 0;
          },
          Unit::Ratio, "fraction of the run the downstream direction was busy");
  auto gate = [&](const std::string& name, const CreditGate& g, const char* doc) {
    const std::string path = "/pcie/flow_control/" + name + "/";
    m.value(path + "limit", [&g] { return g.capacity(); }, Unit::Count, doc);
    m.value(path + "stalls", [&g] { return g.stalls(); }, Unit::Count,
            "requests that waited for a credit or tag");
    m.value(path + "stall_ns", [&g] { return static_cast<double>(g.stalled_ps()) / 1000; },
            Unit::Nanoseconds, "their total wait");
  };
  gate("posted", link_.posted_credits(),
       "posted header credits of the root port (its data credits: pcie.posted_data_credits)");
  gate("nonposted_header", link_.nonposted_credits(), "non-posted header credits of the root port");
  gate("read_tags", link_.read_tags(), "read requests the device may have outstanding");
}

std::uint16_t PcieEndpoint::vf_rid(unsigned port, unsigned vf) const {
  const ConfigSpace& c = *pf_cfg_[port];
  return static_cast<std::uint16_t>(pf_rid(port) + c.first_vf_offset() + vf * c.vf_stride());
}

void PcieEndpoint::invalidate_dmi(sc_dt::uint64, sc_dt::uint64) {
  for (DmiWindow& w : dmi_) w = DmiWindow{};
}

void PcieEndpoint::update_rids() {
  dmi_.assign(functions(), DmiWindow{});  // a function's routing ID (and domain) may change
  rid_by_fn_.resize(functions());
  for (unsigned fn = 0; fn < functions(); ++fn) {
    unsigned port = fn / (max_vfs_ + 1), k = fn % (max_vfs_ + 1);
    rid_by_fn_[fn] = k == 0 ? pf_rid(port) : vf_rid(port, k - 1);
  }
  update_bus_master();  // a VF that is no longer enabled has no BME
  if (on_routing_change) on_routing_change();
}

std::string PcieEndpoint::bdf(std::uint16_t rid) {
  return fmt::format("{:02x}:{:02x}.{:x}", rid >> 8, (rid >> 3) & 0x1F, rid & 7);
}

void PcieEndpoint::update_bus_master() {
  bme_.resize(functions());
  for (unsigned fn = 0; fn < functions(); ++fn) {
    const unsigned port = fn / (max_vfs_ + 1), k = fn % (max_vfs_ + 1);
    bme_[fn] = k == 0 ? (pf_cfg_[port]->command() & pcicfg::CMD_BUS_MASTER) != 0
                      : vf_visible(port, k - 1) &&
                            (vf_cfg_[port * max_vfs_ + k - 1]->command() & pcicfg::CMD_BUS_MASTER);
  }
}

bool PcieEndpoint::vf_visible(unsigned port, unsigned vf) const {
  const ConfigSpace& c = *pf_cfg_[port];
  return c.vf_enable() && vf < c.num_vfs();
}

const regs::RegisterSpace& PcieEndpoint::regs_of(unsigned fn) const {
  unsigned port = fn / (max_vfs_ + 1), k = fn % (max_vfs_ + 1);
  return k == 0 ? *pf_regs_[port] : *vf_regs_[port * max_vfs_ + k - 1];
}

void PcieEndpoint::cfg_b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const AccessScope at(now_ps() + to_ps(delay));  // the initiator's time (it may run ahead)
  std::uint64_t a = gp.get_address();
  auto rid = static_cast<std::uint16_t>(a >> 12);
  auto off = static_cast<std::uint32_t>(a & 0xFFF);
  unsigned len = gp.get_data_length();
  ConfigSpace* target = nullptr;
  for (unsigned p = 0; p < ports_ && !target; ++p) {
    if (rid == pf_rid(p)) target = pf_cfg_[p].get();
    for (unsigned v = 0; v < max_vfs_ && !target; ++v)
      if (rid == vf_rid(p, v) && vf_visible(p, v)) target = vf_cfg_[p * max_vfs_ + v].get();
  }
  std::uint32_t value = 0xFFFFFFFFu;  // no function there: reads return all ones
  bool ok = target && len <= 4;
  if (gp.is_read()) {
    if (ok) value = target->read(off, len);
    std::memcpy(gp.get_data_ptr(), &value, len <= 4 ? len : 4);
  } else if (gp.is_write()) {
    std::memcpy(&value, gp.get_data_ptr(), len <= 4 ? len : 4);
    ok = ok && target->write(off, len, value);
  }
  if (!ok) ++unsupported_;
  gp.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

void PcieEndpoint::Windows::load(const ConfigSpace& c, const DeviceProfile& prof) {
  seen = c.writes();
  const bool mse = c.command() & pcicfg::CMD_MEMORY;
  bar0 = mse ? c.bar0() : 0;
  msix = mse ? c.bar(prof.pf_msix_bar) : 0;
  const bool vfs = c.vf_enable() && c.vf_memory_enable();
  vf_bar0 = vfs ? c.vf_bar0() : 0;
  vf_bar3 = vfs ? c.vf_bar3() : 0;
  num_vfs = vfs ? c.num_vfs() : 0;
}

regs::RegisterSpace* PcieEndpoint::decode(std::uint64_t addr, std::uint32_t& offset) {
  // Each PF's windows as its config space last left them (reloaded after any write to it).
  for (unsigned p = 0; p < ports_; ++p) {
    Windows& w = windows_[p];
    if (w.seen != pf_cfg_[p]->writes()) w.load(*pf_cfg_[p], prof_);
    if (w.bar0 && addr >= w.bar0 && addr - w.bar0 < prof_.pf_bar0_bytes) {
      offset = static_cast<std::uint32_t>(addr - w.bar0);
      return pf_regs_[p].get();
    }
    if (w.msix && addr >= w.msix && addr - w.msix < ConfigSpace::kMsixBarBytes) {
      offset = static_cast<std::uint32_t>(addr - w.msix);
      return irq_[function_index(p, -1)].msix_regs.get();
    }
    const unsigned n = std::min(w.num_vfs, max_vfs_);
    if (w.vf_bar3 && addr >= w.vf_bar3 && (addr - w.vf_bar3) / ConfigSpace::kMsixBarBytes < n) {
      const auto v = static_cast<int>((addr - w.vf_bar3) / ConfigSpace::kMsixBarBytes);
      offset = static_cast<std::uint32_t>((addr - w.vf_bar3) % ConfigSpace::kMsixBarBytes);
      return irq_[function_index(p, v)].msix_regs.get();
    }
    // A BAR's size is a power of two (PCIe Base §7.5.1.2.1): a shift, not a 64-bit division.
    if (w.vf_bar0 && addr >= w.vf_bar0 && (addr - w.vf_bar0) >> vf_bar0_shift_ < n) {
      const std::uint64_t v = (addr - w.vf_bar0) >> vf_bar0_shift_;
      offset = static_cast<std::uint32_t>((addr - w.vf_bar0) & (prof_.vf_bar0_bytes - 1));
      return vf_regs_[p * max_vfs_ + v].get();
    }
  }
  return nullptr;
}

void PcieEndpoint::mmio_b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const ps_t now = now_ps(), issued = now + to_ps(delay);  // kernel time stays put in here
  ps_t t = issued;
  unsigned len = gp.get_data_length();
  std::uint32_t offset = 0;
  regs::RegisterSpace* rs = decode(gp.get_address(), offset);
  if (!rs || len != 4 || offset % 4) {
    ++unsupported_;
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  std::uint32_t v = 0;
  bool ok;
  const AccessScope at(t);  // effects take the initiator's time (it may run ahead)
  // A register access books the link near kernel time, in front of what the DMA engines
  // booked ahead: forget what already ended first, so that the timeline's insert moves
  // only the few reservations between now and the access (not up to 255 stale ones).
  link_.forget_before(now);
  if (gp.is_read()) {
    ok = rs->read(offset, v);
    std::memcpy(gp.get_data_ptr(), &v, 4);
    t = link_.mmio_read(t, gp.get_address(), 4);
  } else {
    std::memcpy(&v, gp.get_data_ptr(), 4);
    ok = rs->write(offset, v);
    t = link_.mmio_write(t, gp.get_address(), 4);
  }
  if (log_) {
    const auto it = space_fn_.find(rs);
    const int fn = it == space_fn_.end() ? -1 : it->second;
    if (log_->wants(LogKind::mmio, fn))
      log_->line(LogKind::mmio, issued, fn, -1, "{} {} {:#010x}{}", gp.is_read() ? "read " : "write",
                 rs->describe(offset), v, ok ? "" : " (refused)");
  }
  delay = to_sc(t - now);
  gp.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

void PcieEndpoint::dma_b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  PcieExtension* ext = nullptr;
  gp.get_extension(ext);
  IOVSIM_CHECK(ext && ext->function >= 0, "a DMA transaction without its function's requester ID");
  const ps_t now = now_ps();
  ps_t t = now + to_ps(delay);
  const DmaStatus s = transfer(static_cast<unsigned>(ext->function), gp.get_address(), gp.get_data_ptr(),
                          gp.get_data_length(), ext->kind, gp.is_write(), t);
  delay = to_sc(t - now);
  gp.set_response_status(s == DmaStatus::Ok          ? tlm::TLM_OK_RESPONSE
                         : s == DmaStatus::BusMaster ? tlm::TLM_COMMAND_ERROR_RESPONSE
                                                     : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

inline DmaStatus PcieEndpoint::transfer_raw(unsigned fn, std::uint64_t a, void* data, unsigned len, TlpKind kind,
                                            bool write, ps_t& t) {
  if (!bus_master(fn)) {  // the function may not issue memory requests: no TLP leaves
    ++bme_refused_;
    return DmaStatus::BusMaster;
  }
  if (len == 0 || a + len < a) {  // past the top of the 64-bit space: no such request exists
    ++wrapped_refused_;
    return DmaStatus::IommuFault;
  }
  if ((++transfers_ & 255) == 0) link_.forget_before(now_ps());  // keep only what lies ahead
  t = write ? link_.dma_write(t, a, len, kind) : link_.dma_read(t, a, len, kind);
  DmiWindow& w = dmi_[fn];
  const auto payload = [&] {  // the requester ID travels with the payload
    set_dma_payload(gp_, *ext_, write, a, data, len, fn, kind);
    ext_->requester_id = rid_of(fn);
  };
  if (!w.asked) {  // the window, once per function (and again after an invalidation)
    payload();
    tlm::tlm_dmi dmi;
    w.asked = true;
    w.valid = dma_out->get_direct_mem_ptr(gp_, dmi) && dmi.is_read_write_allowed();
    w.start = dmi.get_start_address(), w.end = dmi.get_end_address(), w.ptr = dmi.get_dmi_ptr();
  }
  if (w.contains(a, len)) {
    unsigned char* p = w.ptr + (a - w.start);
    if (write)
      guest_store(p, static_cast<const std::uint8_t*>(data), len);
    else
      std::memcpy(data, p, len);
    return DmaStatus::Ok;
  }
  // Outside the window (or none granted): the TLM path through the IOMMU, which checks it.
  payload();
  const ps_t now = now_ps();
  sc_core::sc_time d = to_sc(t > now ? t - now : 0);
  dma_out->b_transport(gp_, d);
  return gp_.is_response_ok() ? DmaStatus::Ok : DmaStatus::IommuFault;
}


DmaStatus PcieEndpoint::transfer(unsigned fn, std::uint64_t a, void* data, unsigned len, TlpKind kind,
                            bool write, ps_t& t) {
  if (__builtin_expect(log_ != nullptr, 0)) return transfer_logged(fn, a, data, len, kind, write, t);
  return transfer_raw(fn, a, data, len, kind, write, t);
}

DmaStatus PcieEndpoint::transfer_logged(unsigned fn, std::uint64_t a, void* data, unsigned len, TlpKind kind,
                                        bool write, ps_t& t) {
  const ps_t start = t;
  const DmaStatus s = transfer_raw(fn, a, data, len, kind, write, t);
  if (log_->wants(LogKind::dma, static_cast<int>(fn)))
    log_->line(LogKind::dma, start, static_cast<int>(fn), -1, "{} {} {:#x} {} bytes, done {:.3f} ns{}", write ? "write" : "read ",
               tlp_kind_name(kind), a, len, static_cast<double>(t) / 1000,
               s == DmaStatus::Ok ? "" : s == DmaStatus::BusMaster ? " refused: Bus Master Enable clear" : " refused: IOMMU fault");
  return s;
}

}  // namespace iovsim
