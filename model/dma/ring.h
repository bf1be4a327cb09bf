// A descriptor ring as the hardware sees it: base, length, head, tail and enable, programmed
// through the family's ring registers (RDBAL/RDBAH/RDLEN/SRRCTL/RDH/RDT/RXDCTL and the Tx
// counterparts; declarations in the family's map, model/regs). The same ring answers in the
// PF's BAR (every queue of the port) and in its VF's BAR (the queues of the pool). Software
// owns tail; hardware owns head; descriptors [head, tail) belong to the hardware.
#pragma once
#include <cstdint>
#include <functional>

#include "model/core/time.h"
#include "model/regs/device_map.h"

namespace iovsim {

struct Ring {
  // The registers as software wrote them (read back as written).
  std::uint32_t bal = 0, bah = 0, len = 0, srrctl = 0, head = 0, tail = 0, dctl = 0;
  // Decoded through the family's codec.
  unsigned buffer_bytes = 2048;  // SRRCTL.BSIZEPACKET
  bool enable = false;           // xXDCTL.ENABLE
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
  bool enabled() const { return enable && entries() > 0; }
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

// Attaches the ring registers of direction `d` in view `v` (declared by `map`) to the rings:
// element i of each register array is `ring_of(i)`. `on_tail` runs after a tail write the
// hardware accepted.
void map_rings(regs::RegisterSpace& rs, const regs::DeviceMap& map, regs::Direction d,
               regs::View v, const std::function<Ring&(unsigned)>& ring_of,
               const std::function<void()>& on_tail);

}  // namespace iovsim
