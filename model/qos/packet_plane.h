// The 82599's DCB packet plane of one port and direction (with device.dcb): each traffic
// class has its own packet buffer, and an arbiter (the same weighted strict priority as the
// descriptor plane, hls Ets over the classes, or round robin) picks the class whose head frame
// goes next among those whose head frame is ready.
//  - Tx: the classes' Tx packet buffers (TXPBSIZE) at the wire, RTTPCS.TPPAC with RTTPT2C. The
//    MAC pushes the frames it is handed and pops at each wire slot.
//  - Rx: the classes' Rx packet buffers (RXPBSIZE) to the Rx DMA, RTRPCS.RAC with RTRPT4C. The
//    Rx DMA pushes each admitted frame and pops whenever it can start another frame's writes.
// Plain class; the configuration is the one decoded from the registers (refreshed when its
// generation changes). Without DCB each direction's one buffer is a FIFO and this is not used.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "hls/scheduler/scheduler_core.h"
#include "model/core/fifo_ring.h"
#include "model/core/frame.h"
#include "model/core/time.h"
#include "model/regs/device_map.h"

namespace iovsim {

class MetricsRegistry;

struct WireFrame {
  FramePool* pool = nullptr;
  FrameHandle handle = kNoFrame;
  std::uint16_t queue = 0;  // the queue it came from (Tx) or goes to (Rx)
  unsigned len = 0;         // DA through FCS
  ps_t ready = 0;           // its last byte is in the buffer
  std::int16_t fn = -1;     // Rx: the function that owns the queue's pool (-1: none)
  std::uint32_t rss_hash = 0;  // Rx: the sorter's RSS hash, written back with it
};

class PacketPlane {
public:
  explicit PacketPlane(const regs::ClassArbiterCfg& cfg) : cfg_(cfg) { hls::sched_reset(st_); }
  void push(unsigned cls, const WireFrame& f);  // into class `cls`'s buffer
  bool empty() const { return waiting_ == 0; }
  unsigned waiting() const { return waiting_; }  // frames in the classes' buffers, not yet popped
  // The frame the arbiter sends at `now` among the classes whose head is ready by then, or
  // false and `next_ready`, the earliest time a head will be (kNever: none waiting).
  bool pop(ps_t now, WireFrame& out, ps_t& next_ready);
  struct ClassStats {
    std::uint64_t frames = 0, bytes = 0;
    unsigned peak_waiting = 0;  // frames waiting in the class's buffer at once
  };
  const ClassStats& stats(unsigned c) const { return stats_[c]; }
  // The first `classes` classes' counts under `prefix`tcN/ (wire_* for the Tx plane, `tx`;
  // arbiter_* for the Rx one), and the frames waiting as in flight.
  void publish(MetricsRegistry& m, const std::string& prefix, unsigned classes, bool tx) const;
  static constexpr ps_t kNever = ~ps_t{0};

private:
  void refresh();
  const regs::ClassArbiterCfg& cfg_;
  std::uint64_t generation_ = ~std::uint64_t{0};
  hls::SchedConfig<hls::kSchedTcs> core_{};
  hls::SchedState<hls::kSchedTcs> st_{};
  hls::SchedRequest<hls::kSchedTcs> req_{};
  FifoRing<WireFrame> fifo_[hls::kSchedTcs];  // each class's frames, bounded by its buffer
  unsigned waiting_ = 0;
  ClassStats stats_[hls::kSchedTcs];
};

}  // namespace iovsim
