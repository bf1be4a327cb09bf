// A descriptor ring as the hardware sees it: base, length, head, tail, enable and thresholds,
// programmed through the family's ring registers (RDBAL/RDBAH/RDLEN/SRRCTL/RDH/RDT/RXDCTL, the
// Tx counterparts and TDWBAL/TDWBAH; declarations in the family's map, model/regs). The same
// ring answers in the PF's BAR (every queue of the port) and in its VF's BAR (the queues of
// the pool). Software owns tail; hardware owns head; descriptors [head, tail) belong to the
// hardware. Head moves past a descriptor when the engine has processed it (its write-back may
// still be pending, WTHRESH).
//
// The on-chip descriptor cache holds the descriptors [head, head + cached) as fetched, each
// with the time its fetch completed. `fetch_wanted` is the fetch rule of the Intel parts
// (8254x SDM §3.2.4 "Receive Descriptor Fetching", the same for transmit; 82598 datasheet
// §4.4.3.5.6 RXDCTL): when the cache is empty, fetch as soon as descriptors are available;
// when it holds fewer than PTHRESH, prefetch once at least HTHRESH wait in host memory; never
// beyond tail; as many as the cache has room for.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "model/core/ring_index.h"
#include "model/core/time.h"
#include "model/dma/dma_port.h"
#include "model/regs/device_map.h"

namespace iovsim {

class MetricsRegistry;

// Laid out for a frame: what each frame reads and writes (the registers, the decoded control,
// the cache's fill) in the first 64 bytes, the arrays after (a port's queues are visited in
// turn, so each ring's state is cold when its next frame comes: rx64-63vf).
struct alignas(64) Ring {
  // The registers as software wrote them (read back as written).
  std::uint32_t bal = 0, bah = 0, len = 0, srrctl = 0, head = 0, tail = 0, dctl = 0;
  std::uint32_t wbal = 0, wbah = 0;
  // Decoded through the family's codec.
  unsigned buffer_bytes = 2048;  // SRRCTL.BSIZEPACKET
  regs::QueueCtl ctl;            // xXDCTL: ENABLE, PTHRESH, HTHRESH, WTHRESH
  // The on-chip descriptor cache's fill: [head, head + cached), circular from cache_first.
  unsigned cached = 0, cache_first = 0;
  regs::HeadWriteBack head_wb;   // TDWBAL/TDWBAH (Tx)
  // Recent doorbells (tail written, when): a descriptor was posted by the first doorbell whose
  // tail passed it. Bounded: when full the oldest two merge (the later time is kept).
  static constexpr unsigned kDoorbells = 64;
  struct Doorbell {
    std::uint32_t tail;
    ps_t at;
  };
  unsigned db_first = 0, db_count = 0;
  Doorbell doorbells[kDoorbells] = {};
  void ring_doorbell(std::uint32_t new_tail, ps_t at);
  ps_t posted_at();  // when the descriptor at head was posted
  std::uint64_t bad_writes = 0;  // tail/length/head writes the hardware ignored

  // ---- on-chip descriptor cache (its fill is above)
  static constexpr unsigned kCacheMax = 64;  // a power of two, >= every preset's cache
  struct Desc {
    std::uint64_t lo = 0, hi = 0;  // the 16 bytes as fetched (little-endian halves)
    ps_t ready = 0;                // when its fetch completed
  };
  Desc cache_entries[kCacheMax];
  Desc& cache(unsigned i) { return cache_entries[(cache_first + i) & (kCacheMax - 1)]; }
  void consume(unsigned n) {  // the first n cached descriptors are processed: head moves
    head = index(n);
    cache_first = (cache_first + n) & (kCacheMax - 1);
    cached -= n;
  }
  unsigned stalled_tail = 0xFFFFFFFFu;  // Tx: tail at which a frame lacked EOP

  std::uint64_t base() const { return std::uint64_t{bah} << 32 | (bal & ~0x7Fu); }
  unsigned entries() const { return len / 16; }
  bool enabled() const { return ctl.enable && entries() > 0; }
  unsigned hw_owned() const {
    unsigned n = entries(), d = tail + n - head;
    return n == 0 ? 0 : d >= n ? d - n : d;
  }
  unsigned unfetched() const {
    const unsigned owned = hw_owned();
    return owned > cached ? owned - cached : 0;
  }
  unsigned index(unsigned i) const {  // head + i, wrapped; i < entries()
    unsigned n = entries(), x = head + i;
    return x >= n ? x - n : x;
  }
  std::uint64_t desc_addr(unsigned i) const { return base() + index(i) * 16ull; }
};
static_assert(offsetof(Ring, cache_first) + sizeof(unsigned) <= 64, "a frame's ring state is one cache line");

// How many descriptors the fetch rule asks for now (0: none), with `cache_size` on chip
// (inline: every frame asks).
inline unsigned fetch_wanted(const Ring& r, unsigned cache_size) {
  const unsigned avail = r.unfetched(), room = cache_size > r.cached ? cache_size - r.cached : 0;
  if (!avail || !room) return 0;
  if (r.cached == 0) return std::min(avail, room);  // empty: fetch as soon as any are posted
  if (r.cached < r.ctl.pthresh && avail >= std::max(r.ctl.hthresh, 1u)) return std::min(avail, room);
  return 0;
}
// Fetches `n` descriptors after the cached ones (split at the ring's end: two reads), ready at
// `t`, on behalf of function `fn`. Returns the first failure's status; the descriptors read
// before it stay cached.
DmaStatus fetch_descriptors(Ring& r, DmaPort& port, unsigned fn, unsigned n, ps_t t);

// An engine's descriptor fetches, counted: `fetch` as above, plus the counts; `publish` under
// `prefix` ("/ports/0/rx_dma/").
struct FetchStats {
  std::uint64_t fetches = 0, fetched = 0, demand = 0;  // reads, descriptors, on-demand fetches
  DmaStatus fetch(Ring& r, DmaPort& port, unsigned fn, unsigned n, ps_t t, bool demand_fetch);
  void publish(MetricsRegistry& m, const std::string& prefix, const char* demand_doc) const;
};

// Attaches the ring registers of direction `d` in view `v` (declared by `map`) to the rings:
// element i of each register array is `ring_of(i)`, for the first `rings` elements (the
// queues the function has; the view's further slots stay unmapped). `on_tail` runs after a
// tail write the hardware accepted, `on_enable` after the queue's enable changed.
void map_rings(regs::RegisterSpace& rs, const regs::DeviceMap& map, regs::Direction d,
               regs::View v, unsigned rings, const std::function<Ring&(unsigned)>& ring_of,
               const std::function<void(Ring&)>& on_tail,
               const std::function<void(Ring&)>& on_enable = {});

}  // namespace iovsim
