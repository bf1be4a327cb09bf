#include "model/core/frame.h"

namespace iovsim {

FramePool::FramePool(std::uint32_t capacity) : capacity_(capacity), frames_(capacity) {
  free_.reserve(capacity);
  for (std::uint32_t i = capacity; i-- > 0;) free_.push_back(i);
}

}  // namespace iovsim
