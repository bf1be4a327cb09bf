// A frame tap: where a block shows each frame passing one of its boundaries, with the
// simulated time it passes (packet captures, --pcap-dir; the transaction log). Blocks hold a
// pointer, null when nothing listens: one branch per frame.
#pragma once
#include <cstdint>

#include "model/core/time.h"

namespace iovsim {

class FrameTap {
public:
  virtual ~FrameTap() = default;
  // `data`: the frame from its destination address, `len` bytes without the FCS; `queue`: the
  // port's queue it is in (-1: none, on the wire).
  virtual void frame(ps_t t, const std::uint8_t* data, unsigned len, int queue) = 0;
};

}  // namespace iovsim
