// A FIFO on a ring buffer that doubles (keeping the order) when full: for queues bounded by a
// buffer in the model (frames waiting for the wire, frames whose leave time is known), which
// grow rarely and then stay at their size. No allocation while it has room.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

namespace iovsim {

template <class T>
class FifoRing {
public:
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  const T& front() const { return slot_[head_]; }
  void pop() {
    head_ = head_ + 1 == slot_.size() ? 0 : head_ + 1;
    --count_;
  }
  void push(const T& v) {
    if (count_ == slot_.size()) {  // grow, keeping the order
      std::vector<T> bigger(std::max<std::size_t>(64, 2 * slot_.size()));
      for (std::size_t i = 0; i < count_; ++i) bigger[i] = slot_[(head_ + i) % slot_.size()];
      slot_ = std::move(bigger);
      head_ = 0;
    }
    std::size_t at = head_ + count_;  // < 2 x size: a compare, not a 64-bit division a push
    if (at >= slot_.size()) at -= slot_.size();
    slot_[at] = v;
    ++count_;
  }

private:
  std::vector<T> slot_;
  std::size_t head_ = 0, count_ = 0;
};

}  // namespace iovsim
