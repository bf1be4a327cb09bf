#include "model/platform/remote_device.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "model/host/host_memory.h"
#include "model/pcie/endpoint.h"
#include "model/platform/system.h"
#include "model/regs/pci_config.h"
#include "model/core/scenario.h"
#include "model/mac/port_management.h"
#include "model/pcie/interrupts.h"
#include <tlm_utils/tlm_quantumkeeper.h>

namespace iovsim {

RemoteDevice::RemoteDevice(sc_core::sc_module_name name, System& sys, const RemoteOptions& o)
    : sc_module(name), mmio("mmio"), sys_(sys), o_(o), link_(o.fd) {
  mmio.bind(sys.endpoint().mmio);
  gp_.set_streaming_width(4);
  gp_.set_byte_enable_ptr(nullptr);
  SC_THREAD(run);
}

RemoteDevice::~RemoteDevice() {
  if (irqfd_ >= 0) ::close(irqfd_);
  if (resamplefd_ >= 0) ::close(resamplefd_);
}

void RemoteDevice::signal_irqfd() {
  // Command register bit 10 (Interrupt Disable) keeps the line low towards the host.
  if (irqfd_ < 0 || (sys_.endpoint().pf_config(0).command() & 0x400)) return;
  const std::uint64_t one = 1;
  if (::write(irqfd_, &one, sizeof one) == sizeof one) ++stats_.intx_signals;
}

void RemoteDevice::set_intx(bool level) {
  if (level == level_) return;
  level_ = level;
  if (!level) return;  // de-assertion is the resample's business (KVM lowers the line at EOI)
  ++stats_.intx_asserts;
  signal_irqfd();
}

bool RemoteDevice::wait_input(int timeout_ms) {
  pollfd p[2] = {{link_.fd(), POLLIN, 0}, {resamplefd_, POLLIN, 0}};
  const int n = ::poll(p, resamplefd_ >= 0 ? 2 : 1, timeout_ms);
  if (n < 0 && errno != EINTR) throw mpqemu::ProtocolError(fmt::format("mpqemu: poll: {}", std::strerror(errno)));
  if (n > 0 && (p[0].revents & POLLNVAL))
    throw mpqemu::ProtocolError(fmt::format("mpqemu: descriptor {} is not open", link_.fd()));
  if (n > 0 && resamplefd_ >= 0 && (p[1].revents & POLLIN)) {
    std::uint64_t v = 0;
    if (::read(resamplefd_, &v, sizeof v) == sizeof v) ++stats_.resamples;
    if (level_) signal_irqfd();  // still asserted after the guest's EOI: signal again
  }
  return n > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR));
}

void RemoteDevice::run() {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const ps_t s0 = now_ps();
  try {
    for (;;) {
      while (wait_input(0))
        if (!serve_one()) {
          sc_core::sc_stop();
          return;
        }
      const double wall_ps = std::chrono::duration<double>(clock::now() - t0).count() * 1e12 * o_.pace;
      const double ahead_ps = static_cast<double>(now_ps() - s0) - wall_ps;
      if (ahead_ps > 0) {  // simulated time leads: sleep until the wall catches up, or a request
        const int ms = static_cast<int>(std::min(ahead_ps / 1e9 / o_.pace, 50.0)) + 1;
        if (wait_input(ms)) continue;
      }
      wait(to_sc(o_.step));
    }
  } catch (const mpqemu::ProtocolError& e) {  // the model's own failures propagate (exit 1 or 3)
    error_ = e.what();
    sc_core::sc_stop();
  }
}

void RemoteDevice::note(bool config, const std::string& reg, bool write, std::uint32_t value, bool refused) {
  Seen& s = (config ? cfg_seen_ : regs_seen_)[reg];
  if (write) {
    if (!s.writes) s.first_write = value;
    ++s.writes;
    s.last_write = value;
  } else {
    if (!s.reads) s.first_read = value;
    ++s.reads;
    s.last_read = value;
    s.max_read = std::max(s.max_read, value);
  }
  if (refused) ++s.refused;
}

bool RemoteDevice::serve_one() {
  mpqemu::Message m;
  if (!link_.receive(m)) return false;
  ++stats_.messages;
  ConfigSpace& cs = sys_.endpoint().pf_config(0);
  switch (m.cmd) {
    case mpqemu::Cmd::SyncSysmem: sync_memory(m); break;
    case mpqemu::Cmd::SetIrqfd:
      if (irqfd_ >= 0) ::close(irqfd_);
      if (resamplefd_ >= 0) ::close(resamplefd_);
      irqfd_ = m.fds[0], resamplefd_ = m.fds[1];
      m.fds.clear();
      if (level_) {  // a line already high is signalled to the new irqfd
        level_ = false;
        set_intx(true);
      }
      break;
    case mpqemu::Cmd::PciCfgRead: {
      ++stats_.cfg_reads;
      // Conventional config space (256 bytes, the link checked the range) through the proxy.
      const std::uint32_t v = cs.read(m.cfg_addr, static_cast<unsigned>(m.cfg_len));
      note(true, fmt::format("{:#04x}/{}", m.cfg_addr, m.cfg_len), false, v, false);
      link_.reply(v);
      break;
    }
    case mpqemu::Cmd::PciCfgWrite: {
      ++stats_.cfg_writes;
      const AccessScope at(now_ps());
      const bool ok = cs.write(m.cfg_addr, static_cast<unsigned>(m.cfg_len), m.cfg_val);
      if (cs.msix_enabled() && !msi_warned_) {  // its interrupts cannot reach the guest: say so once
        msi_warned_ = true;
        std::fprintf(stderr, "iovsim serve: warning: the guest enabled MSI-X, which the proxy does not carry: boot it "
                             "with pci=nomsi (docs/linux.md)\n");
      }
      note(true, fmt::format("{:#04x}/{}", m.cfg_addr, m.cfg_len), true, m.cfg_val, !ok);
      link_.reply(0);
      break;
    }
    case mpqemu::Cmd::BarRead:
      ++stats_.bar_reads;
      link_.reply(bar_read(m.bar_addr, m.bar_memory ? m.bar_size : 0));
      break;
    case mpqemu::Cmd::BarWrite:
      ++stats_.bar_writes;
      if (m.bar_memory)
        bar_write(m.bar_addr, m.bar_val, m.bar_size);
      else
        ++stats_.io_accesses;
      link_.reply(0);
      break;
    case mpqemu::Cmd::DeviceReset:
      device_reset();
      link_.reply(0);
      break;
    case mpqemu::Cmd::Ret: break;  // refused by the link
  }
  return true;
}

// One aligned dword through the endpoint's MMIO target at the kernel's time; named and counted.
bool RemoteDevice::mmio32(std::uint64_t addr, std::uint32_t& v, bool write) {
  gp_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp_.set_address(addr);
  gp_.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  gp_.set_data_length(4);
  gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  if (!write) v = 0;
  mmio->b_transport(gp_, d);
  const bool ok = gp_.is_response_ok();
  std::uint32_t offset = 0;
  const regs::RegisterSpace* rs = sys_.endpoint().decode(addr, offset);
  std::string name = rs ? rs->describe(offset) : fmt::format("{:#x} (no BAR)", addr);
  if (rs && rs != &sys_.endpoint().pf_regs(0)) name = rs->name() + ":" + name;
  if (!ok) {
    ++stats_.unmapped;
    if (!write) v = 0;  // reserved registers read as zero on the part; the access is counted
  }
  note(false, name, write, v, !ok);
  return ok;
}

std::uint64_t RemoteDevice::bar_read(std::uint64_t addr, unsigned size) {
  if (size == 0) {  // I/O space: the part's IOADDR/IODATA window is not modelled
    ++stats_.io_accesses;
    return 0;
  }
  std::uint32_t lo = 0, hi = 0;
  if (size == 8) {
    ++stats_.split;
    mmio32(addr, lo, false);
    mmio32(addr + 4, hi, false);
    return lo | std::uint64_t{hi} << 32;
  }
  if (size < 4 || (addr & 3)) ++stats_.narrow;
  mmio32(addr & ~std::uint64_t{3}, lo, false);
  const unsigned shift = 8 * static_cast<unsigned>(addr & 3);
  const std::uint64_t mask = size >= 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1;
  return (lo >> shift) & mask;
}

void RemoteDevice::bar_write(std::uint64_t addr, std::uint64_t value, unsigned size) {
  if (size == 8) {
    ++stats_.split;
    std::uint32_t lo = static_cast<std::uint32_t>(value), hi = static_cast<std::uint32_t>(value >> 32);
    mmio32(addr, lo, true);
    mmio32(addr + 4, hi, true);
    return;
  }
  std::uint32_t v = static_cast<std::uint32_t>(value);
  if (size < 4 || (addr & 3)) {  // a narrow write: read, merge, write the dword
    ++stats_.narrow;
    std::uint32_t old = 0;
    mmio32(addr & ~std::uint64_t{3}, old, false);
    const unsigned shift = 8 * static_cast<unsigned>(addr & 3);
    const std::uint32_t mask = static_cast<std::uint32_t>(((1ull << (8 * size)) - 1) << shift);
    v = (old & ~mask) | ((v << shift) & mask);
  }
  mmio32(addr & ~std::uint64_t{3}, v, true);
}

void RemoteDevice::sync_memory(mpqemu::Message& m) {
  ++stats_.syncs;
  guest_.sync(m);
  std::vector<HostMemory::Window> w;
  Iommu& iommu = sys_.iommu();
  const std::uint16_t rid = sys_.endpoint().pf_rid(0);
  iommu.unmap(rid);
  for (const mpqemu::GuestMemory::Region& r : guest_.regions()) {
    w.push_back({kGuestRamHpa + r.gpa, r.size, r.host});
    iommu.map(rid, r.gpa, kGuestRamHpa + r.gpa, r.size);  // identity domain: IOVA = GPA
  }
  sys_.memory().set_windows(std::move(w));
}

// The proxy resets its own copy of the config header at a device reset without telling us:
// the command register and the BARs go back to their reset values here too, and the device
// takes the reset its CTRL.RST would give it.
void RemoteDevice::device_reset() {
  ++stats_.resets;
  ConfigSpace& cs = sys_.endpoint().pf_config(0);
  const AccessScope at(now_ps());
  cs.write(pcicfg::COMMAND, 2, 0);
  for (unsigned i = 0; i < 6; ++i) cs.write(pcicfg::BAR0 + 4 * i, 4, 0);
  cs.write(pcicfg::INT_LINE, 1, 0);
  cs.write(0x0C, 1, 0);  // cache line size
  cs.write(pcicfg::MSIX_CAP + pcicfg::MSIX_FLAGS, 2, 0);  // MSI-X off
  if (on_reset) on_reset();
}

nlohmann::json RemoteDevice::access_report() const {
  auto table = [](const std::map<std::string, Seen>& t) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& [name, s] : t) {
      nlohmann::json e = {{"register", name}, {"reads", s.reads}, {"writes", s.writes}};
      if (s.reads)
        e["first_read"] = fmt::format("{:#010x}", s.first_read), e["last_read"] = fmt::format("{:#010x}", s.last_read),
        e["max_read"] = fmt::format("{:#010x}", s.max_read);
      if (s.writes) e["first_write"] = fmt::format("{:#010x}", s.first_write), e["last_write"] = fmt::format("{:#010x}", s.last_write);
      if (s.refused) e["refused"] = s.refused;
      a.push_back(e);
    }
    return a;
  };
  return {{"bar0", table(regs_seen_)}, {"config", table(cfg_seen_)}};
}

nlohmann::json RemoteDevice::summary() const {
  nlohmann::json ram = nlohmann::json::array();
  for (const auto& r : guest_.regions()) ram.push_back({{"gpa", fmt::format("{:#x}", r.gpa)}, {"bytes", r.size}});
  return {{"messages", stats_.messages},       {"config_reads", stats_.cfg_reads},
          {"config_writes", stats_.cfg_writes}, {"bar_reads", stats_.bar_reads},
          {"bar_writes", stats_.bar_writes},    {"io_accesses", stats_.io_accesses},
          {"unmapped_accesses", stats_.unmapped}, {"split_8_byte", stats_.split},
          {"narrow", stats_.narrow},            {"memory_syncs", stats_.syncs},
          {"device_resets", stats_.resets},     {"intx_asserts", stats_.intx_asserts},
          {"intx_signals", stats_.intx_signals}, {"intx_resamples", stats_.resamples},
          {"guest_ram", ram},                   {"error", error_}};
}

std::string serve_adjustments(const Scenario& s) {
  std::string a;
  if (s.device.vfs_per_port)
    a += fmt::format("device.vfs_per_port {} -> 0 (the proxy exposes one function: the PF)\n", s.device.vfs_per_port);
  a += "port0.pf.driver -> external (the guest's driver)\n";
  a += "warmup_us -> 0, duration_us -> the session (or --traffic-us)\n";
  if (s.time_series_interval_us > 0) a += "time_series_interval_us -> 0 (the session has no set length)\n";
  return a;
}

nlohmann::json serve_scenario(Scenario s, const RemoteOptions& o, const TraceOptions& trace) {
  if (device_profile(s.device.preset).family != Family::i82576)
    throw std::invalid_argument(fmt::format("serve: preset '{}' is not served yet: the 82576's registers for the real igb driver are "
                                            "modelled (device.preset: \"82576\")", s.device.preset));
  struct stat st{};
  if (o.fd < 0 || ::fstat(o.fd, &st) != 0 || !S_ISSOCK(st.st_mode))
    throw std::invalid_argument(fmt::format("serve: --mpqemu-fd {} is not an open socket: it names one end of a socketpair the "
                                            "launcher made, inherited (docs/linux.md)", o.fd));
  s.device.vfs_per_port = 0;
  s.port[0].pf.driver = DriverMode::external;
  // The session ends when the guest does; the traffic window (the wire sources' and VMs'
  // traffic) lasts the session or o.traffic_us.
  s.duration_us = o.traffic_us > 0 ? o.traffic_us : 1e11;
  s.warmup_us = 0;       // the guest takes seconds to boot: every frame of the session counts
  s.time_series_interval_us = 0;  // checked against the scenario's duration, not the session's
  require_ps_resolution();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(s.quantum_ns, sc_core::SC_NS));
  System sys("iovsim", s, trace);
  sys.run_past_window();
  RemoteDevice dev("remote", sys, o);
  const regs::DeviceMap& map = sys.profile().map();
  sys.endpoint().interrupts(sys.endpoint().function_index(0, -1))
      .set_legacy_line([&dev](bool level) { dev.set_intx(level); }, map.legacy_rx_cause(), map.legacy_tx_cause());
  dev.on_reset = [&sys] {
    if (PortManagement* m = sys.management(0)) m->reset();
  };
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json m = sys.metrics(wall);
  if (trace.any()) m["trace"] = sys.finish_trace();
  check_conservation(m);  // every frame delivered or dropped with its reason, as for run
  m["remote"] = dev.summary();
  m["remote"]["registers"] = dev.access_report();
  if (PortManagement* pm = sys.management(0)) {
    const PortManagement::Stats& st = pm->stats();
    m["remote"]["management"] = {{"resets", st.resets},       {"phy_resets", st.phy_resets},
                                 {"nvm_reads", st.nvm_reads}, {"nvm_reads_past_end", st.nvm_bad_reads},
                                 {"phy_reads", st.phy_reads}, {"phy_writes", st.phy_writes},
                                 {"phy_address_errors", st.phy_errors}, {"link_changes", st.link_changes}};
  }
  return m;
}

}  // namespace iovsim
