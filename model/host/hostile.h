// A malicious guest: what a VM's kernel could do to its VF once it owns it (issue: hostile
// guests). After a normal bring-up it issues random operations, each a few register accesses
// or memory writes of its own: reads and writes anywhere in its BAR0 and its MSI-X table;
// ring registers set to arbitrary values (bases anywhere, lengths, heads and tails out of
// range, enables toggled); descriptors with arbitrary buffer addresses and lengths in its own
// rings, followed by a tail write; garbage and floods on the mailbox; requests for a
// neighbour's MAC, random VLANs and long multicast lists. The device model must survive it:
// every such input is ignored, refused or confined to the VF, and counted. Plain C++: the
// driver model gives it register access, its memory and its mailbox, and calls `run`.
#pragma once
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "model/core/scenario.h"
#include "model/regs/device_map.h"

namespace iovsim {

class VfMailbox;

struct HostileTarget {
  std::uint32_t bar0_bytes = 0;          // its register window
  std::uint64_t msix_bar = 0;            // its MSI-X table's address (BAR3), absolute
  std::uint32_t msix_bytes = 0;
  std::vector<std::uint32_t> ring_regs;  // every ring register of its queues (BAR0 offsets)
  struct RingAt {
    std::uint64_t base;      // guest-physical
    unsigned entries;
    std::uint32_t tail_reg;  // BAR0 offset
    bool tx;
  };
  std::vector<RingAt> rings;
  std::uint64_t mem_base = 0, mem_bytes = 0;  // its guest memory (IOVA)
  std::vector<std::uint64_t> neighbour_macs;  // the port's other stations, as a sniffer sees them
};

class HostileGuest {
public:
  // `bar`: BAR0 accesses; `mmio_abs(addr, write, value)`: an access at an absolute address
  // (its MSI-X table); `mem(gpa, len)`: its own memory; `mbx`: its mailbox.
  HostileGuest(const HostileCfg& cfg, std::uint64_t seed, HostileTarget t, regs::RegAccess bar,
               std::function<std::uint32_t(std::uint64_t, bool, std::uint32_t)> mmio_abs,
               std::function<std::uint8_t*(std::uint64_t, std::uint64_t)> mem, VfMailbox& mbx);
  void run(std::uint64_t ops);  // performs `ops` operations

  struct Stats {
    std::uint64_t ops = 0, mmio = 0, rings = 0, descriptors = 0, mailbox = 0, theft = 0;
  };
  const Stats& stats() const { return stats_; }

private:
  std::uint32_t word();     // a 32-bit value, biased toward the interesting ones
  std::uint64_t address();  // a buffer or ring address: inside, at the edges of, or outside its memory
  void mmio_op();
  void ring_op();
  void descriptor_op();
  void mailbox_op();
  void theft_op();
  HostileTarget t_;
  regs::RegAccess bar_;
  std::function<std::uint32_t(std::uint64_t, bool, std::uint32_t)> mmio_abs_;
  std::function<std::uint8_t*(std::uint64_t, std::uint64_t)> mem_;
  VfMailbox& mbx_;
  std::mt19937_64 rng_;
  std::discrete_distribution<unsigned> pick_;
  Stats stats_;
};

}  // namespace iovsim
