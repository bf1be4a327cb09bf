// A shared resource's reservations in time (a PCIe link direction, say). Loosely-timed
// initiators book it out of order: one may ask for time before a reservation another made
// further ahead (a frame's DMA is booked when its last byte will have arrived, up to one
// frame time ahead of the caller). A single busy-until time would queue the earlier request
// behind the later one; the timeline instead fits each request into the first gap that holds
// it at or after its ready time. Adjacent reservations merge; the owner forgets reservations
// that ended before kernel time (`forget_before`: no initiator books before it), so the
// timeline holds only what lies ahead. Storage is a preallocated ring of intervals: no
// allocation per request (when it is full the oldest reservation is forgotten).
#pragma once
#include <cstdint>
#include <vector>

#include "model/core/time.h"

namespace iovsim {

class Timeline {
public:
  static constexpr unsigned kCapacity = 4096;  // a power of two
  Timeline() : iv_(kCapacity) {}
  // Books `duration` at the earliest start >= `ready`; returns the end of the booking.
  ps_t reserve(ps_t ready, ps_t duration);
  // Drops the reservations that ended before `t`: the first one ending at or after it is
  // found by galloping from the front and bisection (ends are sorted), so a caller that
  // forgets at every register access or interrupt message pays O(log k) for k dropped, not
  // one step per reservation.
  void forget_before(ps_t t) {
    if (count_ && at(0).end < t) drop_front(t);
  }
  ps_t busy_total() const { return busy_total_; }
  unsigned intervals() const { return count_; }

private:
  struct Interval {
    ps_t start, end;
  };
  Interval& at(unsigned i) { return iv_[(first_ + i) & (kCapacity - 1)]; }
  void insert(unsigned pos, Interval v);
  void drop_front(ps_t t);
  void erase(unsigned pos);
  std::vector<Interval> iv_;
  unsigned first_ = 0, count_ = 0;
  ps_t busy_total_ = 0;
};

}  // namespace iovsim
