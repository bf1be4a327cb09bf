// The seam between a port's Tx DMA engine and its QoS scheduler: the engine asks which queue
// to serve next and reports what it sent; model/qos implements the policy (round robin,
// rate limiters) and the platform plugs one into the other.
#pragma once
#include <bitset>

#include "model/core/time.h"

namespace iovsim {

constexpr unsigned kMaxQueuesPerPort = 128;
using QueueMask = std::bitset<kMaxQueuesPerPort>;

class TxArbiter {
public:
  virtual ~TxArbiter() = default;
  // The queue to serve next among `pending` at time `now`, or -1 when none may send yet; then
  // `eligible_at` is the earliest time one may.
  virtual int pick(const QueueMask& pending, ps_t now, ps_t& eligible_at) = 0;
  // `queue` got work after having none (its rate control starts over).
  virtual void activate(unsigned queue, ps_t now) = 0;
  // A frame of `bytes` (DA through FCS) from `queue` had its data requested at `now`.
  virtual void charge(unsigned queue, unsigned bytes, ps_t now) = 0;
};

}  // namespace iovsim
