// Seams of the interrupt path, so that blocks need not know each other:
//  - QueueInterrupts: the DMA engines report a queue's completed work (descriptors written
//    back) at a time; the port's interrupt logic (model/pcie/interrupts.h) turns it into a
//    cause on the vector the queue's IVAR entry names;
//  - MsiTarget: where an interrupt message (a posted memory write of `data` to `addr`) lands
//    on the host side: the interrupt controller (model/host/interrupt_controller.h).
#pragma once
#include <cstdint>

#include "model/core/time.h"

namespace iovsim {

class QueueInterrupts {
public:
  virtual ~QueueInterrupts() = default;
  virtual void rx_done(unsigned queue, ps_t at) = 0;  // port queue index
  virtual void tx_done(unsigned queue, ps_t at) = 0;
};

class MsiTarget {
public:
  virtual ~MsiTarget() = default;
  // A message from function `fn` arrived at the host at `at`.
  virtual void message(std::uint64_t addr, std::uint32_t data, unsigned fn, ps_t at) = 0;
};

}  // namespace iovsim
