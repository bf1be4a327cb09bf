// One function's MSI-X table and pending-bit array (PCI Local Bus / PCIe Base, MSI-X; the
// field layout of Linux pci_regs.h PCI_MSIX_ENTRY_*): entry n at 16n of the MSI-X BAR holds
// the message address (low, high), data and vector control (bit 0 mask, set at reset); the
// PBA at BAR + 0x2000, one bit per vector. A vector is masked by its mask bit, by the
// capability's Function Mask, or while MSI-X is disabled; a message for a masked vector sets
// its pending bit and is sent, and the bit cleared, when the vector is unmasked. Plain C++;
// the endpoint maps it into the MSI-X BAR and sends the messages.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "model/core/time.h"
#include "model/core/probes.h"
#include "model/regs/register_space.h"

namespace iovsim {

class MsixTable {
public:
  explicit MsixTable(unsigned vectors);
  unsigned vectors() const { return static_cast<unsigned>(entries_.size()); }
  // The table at 0 and the PBA at 0x2000 of the MSI-X BAR, as registers of `rs`.
  void map_registers(regs::RegisterSpace& rs);
  // The capability's Message Control bits; unmasking sends what is pending.
  void set_control(bool enabled, bool function_masked, ps_t now);
  // The device signals vector v at `at`: sent now (through `send`) or left pending.
  void signal(unsigned v, ps_t at);
  bool masked(unsigned v) const;
  bool pending(unsigned v) const { return pba_[v / 64] >> (v % 64) & 1; }
  std::function<void(unsigned vector, std::uint64_t addr, std::uint32_t data, ps_t at)> send;

  struct Stats {
    std::uint64_t sent = 0, pended = 0, released = 0;  // released: pending sent on unmask
    std::uint64_t ignored_writes = 0;                  // to the PBA (read-only)
  };
  const Stats& stats() const { return stats_; }
  const std::vector<std::uint64_t>& sent_per_vector() const { return per_vector_; }
  // --vcd: per vector `prefix`.msixN.{pending,masked,messages}.
  void observe(ProbeRecorder& r, const std::string& prefix);

private:
  struct Entry {
    std::uint32_t addr_lo = 0, addr_hi = 0, data = 0, ctrl = 1;  // masked at reset
  };
  void release(unsigned v, ps_t now);  // send a pending message of an unmasked vector
  std::vector<Entry> entries_;
  std::vector<std::uint64_t> pba_;
  std::vector<std::uint64_t> per_vector_;
  bool enabled_ = false, function_masked_ = false;
  Stats stats_;
  void show_masks(ps_t t) const;
  struct VectorProbes {
    Probe pending, masked, messages;
  };
  std::vector<VectorProbes> probes_;  // empty unless observed
};

}  // namespace iovsim
