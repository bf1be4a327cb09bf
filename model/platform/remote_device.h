// `iovsim serve`: port 0's PF as the remote device of a QEMU guest's x-pci-proxy-dev
// (model/remote/mpqemu_link.h). One SC_THREAD serves the proxy's requests at the kernel's time
// and paces the kernel to wall time: it lets the model run in steps of `step` and, whenever
// simulated time is ahead of `pace` x the wall time since the start, sleeps in poll() on the
// socket, so a request is answered as soon as it arrives. While the thread sleeps the whole
// kernel waits: that is the pacing. The guest's config cycles go to the PF's config space, its
// BAR accesses through the endpoint's MMIO target (the same path the driver models take), its
// RAM becomes the PF's IOMMU domain (identity: IO-virtual = guest-physical), and the PF's legacy
// interrupt line drives the proxy's irqfd.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/core/time.h"
#include "model/remote/mpqemu_link.h"

namespace iovsim {

class System;
namespace regs {
class RegisterSpace;
}

struct RemoteOptions {
  int fd = -1;            // the proxy's socket (one end of a socketpair the launcher made)
  double pace = 1.0;      // simulated seconds per wall second
  ps_t step = 100 * kPsPerUs;  // how far the kernel runs between two looks at the socket
  double traffic_us = 0;  // the wire sources' traffic window from the start (0: the whole session)
};

class RemoteDevice : public sc_core::sc_module {
public:
  SC_HAS_PROCESS(RemoteDevice);
  tlm_utils::simple_initiator_socket<RemoteDevice> mmio;
  RemoteDevice(sc_core::sc_module_name name, System& sys, const RemoteOptions& o);
  ~RemoteDevice() override;

  // The PF's INTx line (its interrupt logic in legacy mode): the proxy's irqfd is written on
  // each rising edge and again at a resample while the line stays high (KVM's level-triggered
  // irqfd protocol).
  void set_intx(bool level);

  struct Stats {
    std::uint64_t messages = 0, cfg_reads = 0, cfg_writes = 0, bar_reads = 0, bar_writes = 0;
    std::uint64_t io_accesses = 0, unmapped = 0, split = 0, narrow = 0, syncs = 0, resets = 0;
    std::uint64_t intx_asserts = 0, intx_signals = 0, resamples = 0;
  };
  const Stats& stats() const { return stats_; }
  // Every register the guest touched: name, reads, writes, first and last values read and
  // written (model answered), and the config space offsets likewise.
  nlohmann::json access_report() const;
  nlohmann::json summary() const;  // the stats above and the guest's RAM map
  std::function<void()> on_reset;  // the device's own reset, at the proxy's DEVICE_RESET

private:
  void run();
  bool serve_one();  // false: the proxy closed the socket
  bool wait_input(int timeout_ms);  // true: a request is waiting (resamples handled here)
  std::uint64_t bar_read(std::uint64_t addr, unsigned size);
  void bar_write(std::uint64_t addr, std::uint64_t value, unsigned size);
  bool mmio32(std::uint64_t addr, std::uint32_t& v, bool write);
  void signal_irqfd();
  void sync_memory(mpqemu::Message& m);
  void device_reset();
  void note(bool config, const std::string& reg, bool write, std::uint32_t value, bool refused);

  System& sys_;
  RemoteOptions o_;
  mpqemu::Link link_;
  mpqemu::GuestMemory guest_;
  int irqfd_ = -1, resamplefd_ = -1;
  bool level_ = false, msi_warned_ = false;
  std::string error_;
  Stats stats_;
  tlm::tlm_generic_payload gp_;
  struct Seen {
    std::uint64_t reads = 0, writes = 0, refused = 0;
    std::uint32_t first_read = 0, last_read = 0, max_read = 0, first_write = 0, last_write = 0;
  };
  std::map<std::string, Seen> regs_seen_, cfg_seen_;
};

// The guest's RAM lives above this host-physical address in the model (HostMemory windows).
constexpr std::uint64_t kGuestRamHpa = 1ull << 44;

struct Scenario;
struct TraceOptions;
// `iovsim serve`: elaborates `s` with port 0's PF left to the guest's driver (driver: external;
// no VFs: the proxy exposes one function), serves the proxy on `o.fd` until it closes the
// socket, and returns the run's metrics with a "remote" section (the session's counts and every
// register the guest touched). Throws std::invalid_argument for a scenario serve cannot expose.
nlohmann::json serve_scenario(Scenario s, const RemoteOptions& o, const TraceOptions& trace);
// What serve changed in the scenario, for the user (empty: nothing).
std::string serve_adjustments(const Scenario& s);

}  // namespace iovsim
