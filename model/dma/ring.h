// A descriptor ring as the hardware sees it: base, length, head, tail and enable, programmed
// through the xDBAL/xDBAH/xDLEN/xDH/xDT/xXDCTL registers (and SRRCTL for Rx). The same block
// is mapped into the PF's BAR (every queue of the port) and into each VF's BAR (the queues of
// its pool), as on the 82576. Software owns tail; hardware owns head; descriptors
// [head, tail) belong to the hardware.
#pragma once
#include <cstdint>
#include <functional>

#include "model/core/register_space.h"
#include "model/core/time.h"

namespace iovsim {

struct Ring {
  std::uint32_t bal = 0, bah = 0, len = 0, srrctl = 0, head = 0, tail = 0, dctl = 0;
  // Recent doorbells (tail written, when): a descriptor was posted by the first doorbell whose
  // tail passed it. Bounded: when full the oldest two merge (the later time is kept).
  static constexpr unsigned kDoorbells = 64;
  struct Doorbell {
    std::uint32_t tail;
    ps_t at;
  };
  Doorbell doorbells[kDoorbells] = {};
  unsigned db_first = 0, db_count = 0;
  void ring_doorbell(std::uint32_t new_tail, ps_t at);
  ps_t posted_at();  // when the descriptor at head was posted
  std::uint64_t bad_writes = 0;  // tail/length writes the hardware ignored
  // Descriptors prefetched from [head, head + cached) and their buffer addresses, kept in a
  // small circular cache starting at cache_first.
  static constexpr unsigned kCache = 16;  // a power of two
  std::uint64_t cache_addr[kCache] = {};
  unsigned cached = 0, cache_first = 0;
  std::uint64_t& cache(unsigned i) { return cache_addr[(cache_first + i) & (kCache - 1)]; }

  std::uint64_t base() const { return std::uint64_t{bah} << 32 | (bal & ~0x7Fu); }
  unsigned entries() const { return len / 16; }
  bool enabled() const;
  unsigned hw_owned() const {
    unsigned n = entries(), d = tail + n - head;
    return n == 0 ? 0 : d >= n ? d - n : d;
  }
  unsigned stalled_tail = 0xFFFFFFFFu;  // Tx: tail at which a frame lacked EOP
  unsigned index(unsigned i) const {  // head + i, wrapped; i < entries()
    unsigned n = entries(), x = head + i;
    return x >= n ? x - n : x;
  }
};

// Maps the ring's registers at `block` (offset of xDBAL) into `rs`. `on_tail` runs after a
// tail write the hardware accepted.
// `srrctl`: offset of SRRCTL within the block (Rx only; the families differ).
void map_ring(RegisterSpace& rs, const std::string& name, std::uint32_t block, Ring& ring,
              bool rx, std::uint32_t srrctl, std::function<void()> on_tail);

}  // namespace iovsim
