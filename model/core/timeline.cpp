#include "model/core/timeline.h"

#include <algorithm>

namespace iovsim {

// Inserting or erasing moves the shorter side of the ring: requests land near the front
// (at kernel time, behind the bookings engines made ahead) as often as at the back.
void Timeline::insert(unsigned pos, Interval v) {
  if (count_ == kCapacity) {  // full: forget the oldest reservation
    first_ = (first_ + 1) & (kCapacity - 1);
    --count_;
    if (pos > 0) --pos;
  }
  if (pos < count_ - pos) {
    first_ = (first_ - 1) & (kCapacity - 1);
    for (unsigned i = 0; i < pos; ++i) at(i) = at(i + 1);
  } else {
    for (unsigned i = count_; i > pos; --i) at(i) = at(i - 1);
  }
  ++count_;
  at(pos) = v;
}

void Timeline::erase(unsigned pos) {
  if (pos < count_ - 1 - pos) {
    for (unsigned i = pos; i > 0; --i) at(i) = at(i - 1);
    first_ = (first_ + 1) & (kCapacity - 1);
  } else {
    for (unsigned i = pos; i + 1 < count_; ++i) at(i) = at(i + 1);
  }
  --count_;
}

void Timeline::drop_front(ps_t t) {  // at(0).end < t
  // The first index whose end is >= t, in [1, count_]: galloping from the front (a caller
  // that forgets at every register access drops a few), then bisection within the last step.
  unsigned lo = 1, step = 1;
  while (lo + step < count_ && at(lo + step).end < t) lo += step, step *= 2;
  unsigned hi = std::min(lo + step, count_);
  while (lo < hi) {
    const unsigned mid = (lo + hi) / 2;
    if (at(mid).end < t) lo = mid + 1; else hi = mid;
  }
  first_ = (first_ + lo) & (kCapacity - 1);
  count_ -= lo;
}

ps_t Timeline::reserve(ps_t ready, ps_t duration) {
  busy_total_ += duration;
  // Reservations are sorted and disjoint: the first one ending after `ready`, by bisection
  // (requests of an engine running ahead land far back from the end).
  unsigned i = count_;
  if (i > 0 && at(i - 1).start <= ready) {
    i = at(i - 1).end > ready ? i - 1 : i;  // the usual case: at or in the last booking
  } else if (i > 0 && at(i - 1).end > ready) {
    unsigned lo = 0, hi = count_ - 1;  // at(hi).end > ready
    while (lo < hi) {
      const unsigned mid = (lo + hi) / 2;
      if (at(mid).end > ready) hi = mid; else lo = mid + 1;
    }
    i = lo;
  }
  ps_t start = ready;
  for (; i < count_; ++i) {
    Interval& next = at(i);
    if (start + duration <= next.start) break;  // fits in the gap before `next`
    start = std::max(start, next.end);
  }
  const ps_t end = start + duration;
  // Merge with the neighbours it touches.
  const bool join_prev = i > 0 && at(i - 1).end == start;
  const bool join_next = i < count_ && at(i).start == end;
  if (join_prev && join_next) {
    at(i - 1).end = at(i).end;
    erase(i);
  } else if (join_prev) {
    at(i - 1).end = end;
  } else if (join_next) {
    at(i).start = start;
  } else {
    insert(i, {start, end});
  }
  return end;
}

}  // namespace iovsim
