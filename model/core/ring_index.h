// Positions in a descriptor ring of n entries, for the device's engines (model/dma) and the
// drivers that fill and clean the same rings (model/host).
#pragma once

#include "model/core/time.h"

namespace iovsim {

// Per ring entry, when the device's write-back of it completed (0: not yet, or never), as the
// Rx engine keeps it; a driver reads it through this view (the device books write-backs ahead
// of kernel time, and a driver must not see one before it happened). `at` holds `size` entries
// (the ring's length once it wrote back; 0 before).
struct WriteBackTimes {
  const ps_t* at = nullptr;
  unsigned size = 0;
  ps_t operator[](unsigned index) const { return index < size ? at[index] : 0; }
};

// x mod n (n > 0) for a ring position: a compare for x < 2n, the usual case (head + i, or n
// descriptors before head, or the next index); a division only beyond.
inline unsigned ring_wrap(unsigned x, unsigned n) { return x < n ? x : x - n < n ? x - n : x % n; }

}  // namespace iovsim
