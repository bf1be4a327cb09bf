#include "model/core/frame.h"

#include <cassert>

namespace iovsim {

FramePool::FramePool(std::uint32_t capacity) : capacity_(capacity), frames_(capacity) {
  free_.reserve(capacity);
  for (std::uint32_t i = capacity; i-- > 0;) free_.push_back(i);
}

FrameHandle FramePool::alloc() {
  if (free_.empty()) return kNoFrame;
  FrameHandle h = free_.back();
  free_.pop_back();
  frames_[h].refs = 1;
  return h;
}

void FramePool::release(FrameHandle h) {
  assert(frames_[h].refs > 0);
  if (--frames_[h].refs == 0) free_.push_back(h);
}

}  // namespace iovsim
