// The 82599's DCB Tx packet plane of one port (with device.dcb): each traffic class has its
// own Tx packet buffer (TXPBSIZE), and when the wire is free the packet-plane arbiter (RTTPCS,
// RTTPT2C: the same weighted strict priority as the descriptor plane, hls Ets over the
// classes, or round robin) picks the class whose frame goes next among those whose head frame
// has all its data. Plain class: the MAC pushes the frames it is handed and pops at each wire
// slot; the configuration is the one TxScheduler decodes from the registers (refreshed when it
// changes). Without DCB the port's one buffer is a FIFO to the wire and this is not used.
#pragma once
#include <cstdint>
#include <vector>

#include "hls/scheduler/scheduler_core.h"
#include "model/core/fifo_ring.h"
#include "model/core/frame.h"
#include "model/core/time.h"
#include "model/regs/device_map.h"

namespace iovsim {

struct WireFrame {
  FramePool* pool = nullptr;
  FrameHandle handle = kNoFrame;
  std::uint16_t queue = 0;  // the Tx queue it came from
  unsigned len = 0;         // DA through FCS
  ps_t ready = 0;           // its last byte is in the buffer
};

class PacketPlane {
public:
  explicit PacketPlane(const regs::TxDcbCfg& cfg) : cfg_(cfg) { hls::sched_reset(st_); }
  unsigned class_of(unsigned queue) const { return cfg_.tc_of_queue(queue); }
  void push(const WireFrame& f);
  bool empty() const { return waiting_ == 0; }
  unsigned waiting() const { return waiting_; }  // frames in the classes' buffers, not yet on the wire
  // The frame the arbiter sends at `now` among the classes whose head is ready by then, or
  // false and `next_ready`, the earliest time a head will be (kNever: none waiting).
  bool pop(ps_t now, WireFrame& out, ps_t& next_ready);
  struct ClassStats {
    std::uint64_t frames = 0, bytes = 0;
    unsigned peak_waiting = 0;  // frames waiting for the wire at once
  };
  const ClassStats& stats(unsigned c) const { return stats_[c]; }
  static constexpr ps_t kNever = ~ps_t{0};

private:
  void refresh();
  const regs::TxDcbCfg& cfg_;
  std::uint64_t generation_ = ~std::uint64_t{0};
  hls::SchedConfig<hls::kSchedTcs> core_{};
  hls::SchedState<hls::kSchedTcs> st_{};
  hls::SchedRequest<hls::kSchedTcs> req_{};
  FifoRing<WireFrame> fifo_[hls::kSchedTcs];  // each class's frames, bounded by its buffer
  unsigned waiting_ = 0;
  ClassStats stats_[hls::kSchedTcs];
};

}  // namespace iovsim
