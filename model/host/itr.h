// Interrupt throttling as the four drivers compute it, per interrupt vector. The value is the
// drivers' own: microseconds << 2 (igb's itr_val, igbvf's current_itr, ixgbe's q_vector->itr);
// the family's map turns it into EITR (DeviceMap::write_itr). Each driver's algorithm, with
// its constants (Linux igb.h, igbvf.h, ixgbe.h, ixgbevf.h; docs/fidelity.md):
//  - igb (82576 PF with VFs): igb_update_ring_itr, the average-frame-size heuristic;
//    conservative (InterruptThrottleRate 3, the default) keeps it at or above IGB_20K_ITR.
//  - igbvf: igbvf_set_itr as written, which passes a register value where a latency range is
//    expected: the dynamic modes settle at IGBVF_START_ITR (488: 122 us), and so does any
//    fixed setting whose derived requested_itr has either low bit set.
//  - ixgbe (82599 PF): ixgbe_update_itr, the adaptive algorithm (latency and bulk paths).
//  - ixgbevf: ixgbevf_update_itr, three latency ranges with exponential smoothing.
// Modes: off (no throttling), fixed (`usecs`), dynamic, conservative (igb and igbvf only).
#pragma once
#include <cstdint>
#include <memory>

#include "model/core/scenario.h"
#include "model/core/time.h"
#include "model/regs/device_map.h"

namespace iovsim {

// What a vector's rings did since the last update (frame bytes without FCS, as the drivers
// count skb lengths).
struct ItrSample {
  std::uint64_t rx_bytes = 0, rx_packets = 0, tx_bytes = 0, tx_packets = 0;
};

class ItrPolicy {
public:
  virtual ~ItrPolicy() = default;
  std::uint32_t itr() const { return itr_; }
  // After a NAPI poll completed: the new value; true when the EITR must be rewritten.
  virtual bool update(const ItrSample& s, ps_t now) = 0;

protected:
  std::uint32_t itr_ = 0;
};

// `vf`: the VF driver of the family. `rx_vector`: the vector serves an Rx ring.
std::unique_ptr<ItrPolicy> make_itr_policy(Family f, bool vf, ItrMode mode, unsigned usecs,
                                           double link_gbps, bool rx_vector);

}  // namespace iovsim
