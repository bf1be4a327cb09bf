// Frames: the bytes of one Ethernet frame (destination MAC through FCS) plus the metadata the
// pipeline attaches. Frames live in a FramePool allocated once at elaboration and move through
// the model by handle, so the per-frame path never touches the heap.
#pragma once
#include <cassert>
#include <cstdint>
#include <vector>

#include "model/core/time.h"

namespace iovsim {

constexpr unsigned kFrameCapacity = 9728;  // largest jumbo frame the 82576/82599 accept
constexpr unsigned kMinFrame = 64;         // incl. FCS
constexpr unsigned kFcsBytes = 4;
constexpr unsigned kPreambleSfdBytes = 8;
constexpr unsigned kIfgBytes = 12;
constexpr unsigned kMaxFrameBurst = 64;    // frames per call of the frame protocol (frame_protocol.h)

using FrameHandle = std::uint32_t;
constexpr FrameHandle kNoFrame = 0xFFFFFFFFu;

enum class Origin : std::uint8_t { Wire, Host };

struct Frame {
  std::uint32_t len = 0;     // bytes on the wire from DA through FCS
  std::uint16_t port = 0;    // physical port it entered or leaves by
  std::int16_t src_fn = -1;  // sending function (Tx from a host), -1 from the wire
  Origin origin = Origin::Wire;
  bool fcs_ok = true;        // the generator's error injection; checked by the MAC
  ps_t t_origin = 0;         // first bit on the wire (Rx) or doorbell write (Tx)
  std::uint64_t seq = 0;     // injection sequence number, for traces
  std::uint16_t refs = 0;
  // The packet builder that wrote `data` last and the length it wrote (without FCS), so that
  // it need not zero the payload again; whoever else writes `data` sets built_by to null.
  const void* built_by = nullptr;
  std::uint32_t built_len = 0;
  alignas(64) std::uint8_t data[kFrameCapacity];
};

// Fixed-capacity frame store with an index free list. Replicated deliveries share one frame
// through a reference count: the hardware keeps one copy in its packet buffer, too.
class FramePool {
public:
  explicit FramePool(std::uint32_t capacity);
  // Inline: a frame takes an alloc and a release (or more, replicated) on every path.
  FrameHandle alloc() {  // kNoFrame when exhausted
    if (free_.empty()) return kNoFrame;
    const FrameHandle h = free_.back();
    free_.pop_back();  // never reallocates: reserved for the capacity
    frames_[h].refs = 1;
    return h;
  }
  void retain(FrameHandle h) { ++frames_[h].refs; }
  void release(FrameHandle h) {
    assert(frames_[h].refs > 0);
    if (--frames_[h].refs == 0) free_.push_back(h);  // within the reserved capacity
  }
  Frame& operator[](FrameHandle h) { return frames_[h]; }
  const Frame& operator[](FrameHandle h) const { return frames_[h]; }
  std::uint32_t in_use() const { return capacity_ - static_cast<std::uint32_t>(free_.size()); }
  std::uint32_t capacity() const { return capacity_; }

private:
  std::uint32_t capacity_;
  std::vector<Frame> frames_;
  std::vector<FrameHandle> free_;
};

}  // namespace iovsim
