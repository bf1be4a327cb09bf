// Positions in a descriptor ring of n entries, for the device's engines (model/dma) and the
// drivers that fill and clean the same rings (model/host).
#pragma once

namespace iovsim {

// x mod n (n > 0) for a ring position: a compare for x < 2n, the usual case (head + i, or n
// descriptors before head, or the next index); a division only beyond.
inline unsigned ring_wrap(unsigned x, unsigned n) { return x < n ? x : x - n < n ? x - n : x % n; }

}  // namespace iovsim
