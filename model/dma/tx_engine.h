// The Tx DMA engine of one port as a plain class (no SystemC kernel inside). TxDma
// (model/dma/tx_dma.h) is its sc_module: one thread that calls `step` while there is work.
//
// Per queue, the descriptor state machine (after SimBricks' nicbm descriptor contexts):
//   fetch    -- descriptors come on chip by the fetch rule (Ring, model/dma/ring.h) on each
//               tail write and after each frame, up to the on-chip cache (82599: 40);
//   prepare  -- the QoS arbiter (TxArbiter) picks a queue whose rate controller allows a
//               data read now; the frame is its cached descriptors up to EOP (a queue whose
//               frame is not all on chip fetches on demand and the frame waits for it);
//   process  -- the frame's buffers are read as soon as its descriptors are on chip and the
//               Tx packet buffer has room for it; the reads of successive frames overlap (the
//               link bounds them: read tags, credits, bandwidth). The frame goes to the sorter
//               when its last completion arrives and holds its packet-buffer space until the
//               MAC has sent it;
//   write back -- descriptors with RS: with TXDCTL.WTHRESH = 0 their status dword at once;
//               otherwise whole descriptors in bursts once WTHRESH RS descriptors are done
//               (a partial burst `wb_flush` after it started, standing in for the EITR flush);
//               with head write-back enabled (TDWBAL bit 0) the head index instead, after each
//               frame with RS (WTHRESH ignored, as the BSD igb driver notes).
// The engine's time advances with its read requests, not their completions.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "model/core/device_profile.h"
#include "model/core/fifo_ring.h"
#include "model/core/frame.h"
#include "model/core/interrupt_sink.h"
#include "model/core/stats.h"
#include "model/core/tx_arbiter.h"
#include "model/dma/dma_port.h"
#include "model/dma/engine_probes.h"
#include "model/dma/ring.h"
#include "model/regs/device_map.h"

namespace iovsim {

class MetricsRegistry;
class FrameTap;

struct TxEngineParams {
  unsigned packet_buffer_bytes = 40 * 1024;
  unsigned cache_size = 32;  // on-chip descriptors per queue
  ps_t wb_flush = 0;         // partial write-back burst flush delay
  unsigned max_frame = 1522; // DCB: a class takes a frame while this much of its buffer is free
};

// Where the engine's frames go (the sorter's Tx side): returns when the frame has left the
// Tx packet buffer (the MAC sent its last byte; a frame only looped back: `ready`).
class TxSink {
public:
  static constexpr ps_t kDeferred = ~ps_t{0} - 1;  // the wire sends it later: TxEngine::wire_done
  virtual ~TxSink() = default;
  virtual ps_t transmit(FrameHandle h, unsigned queue, unsigned pool, ps_t ready) = 0;
};

class TxEngine {
public:
  static constexpr ps_t kNever = ~ps_t{0};
  TxEngine(const DeviceProfile& prof, const PortLayout& layout, const TxEngineParams& p,
           FramePool& pool, TxArbiter& arbiter, DmaPort& port, TxSink& sink);

  Ring& ring(unsigned q) { return rings_[q]; }
  const Ring& ring(unsigned q) const { return rings_[q]; }
  // Where completed write-backs are reported (the port's interrupt logic), if anywhere.
  void set_interrupts(QueueInterrupts* irq) { irq_ = irq; }
  // Observation: probes (packet buffer, rings, bytes per function, the arbiter's grant), the
  // log's frame lines, and per function (index - layout.first_function) a tap of the frames
  // read from its memory, at the time their last byte arrived.
  void observe(const Observer& o, std::vector<FrameTap*> fn_taps);
  // DCB (the 82599's VT + DCB layouts): one Tx packet buffer per traffic class (queue mod the
  // classes), sized by `cfg`'s TXPBSIZE; a class's queues are arbitrated only while its buffer
  // has room for a largest frame, and a frame the wire sends later (the packet plane) holds its
  // space until `wire_done`.
  void use_class_buffers(const regs::TxDcbCfg& cfg);
  // The packet plane sent a frame of `queue`, `len` bytes, posted at `origin`: it has left at `leave`.
  void wire_done(unsigned queue, unsigned len, ps_t origin, ps_t leave);
  // Whether a class's Tx buffer keeps a queue with work from being arbitrated.
  bool blocked_on_buffer() const { return classes_ && (work_ & ~room_).any(); }
  // Whether a function may master the bus (its BME); default: always.
  void set_bus_master(std::function<bool(unsigned)> f) { bus_master_ = std::move(f); }

  // Register events: a tail write (descriptors posted), an enable change.
  void doorbell(Ring& r, ps_t now);
  void enable_changed(Ring& r, ps_t now);
  void fault_disable(unsigned q, ps_t now);  // a refused DMA stops the queue (MDD-style)

  struct Step {
    enum Kind { Idle, Wait, Served } kind;
    ps_t t;  // Wait: when a queue may send; Served: the engine's time after the frame
  };
  // Serves one frame at engine time `t` if a queue may send.
  Step step(ps_t t);
  ps_t flush_deadline() const { return flush_deadline_; }
  void flush_due(ps_t now);
  bool has_work() const { return work_.any(); }

  // Descriptors software has posted that the engine has not processed (frames in flight).
  std::uint64_t pending_descriptors() const;
  struct EngineStats {
    std::uint64_t frames = 0;  // fetched and handed on
    FetchStats fetch;  // descriptor reads; demand: frames not all on chip when picked
    std::uint64_t waited_descriptors = 0, waited_buffer = 0;  // frames that waited for ...
    ps_t descriptor_wait_ps = 0, buffer_wait_ps = 0;
    std::uint64_t write_backs = 0, written_back = 0, head_write_backs = 0;
    std::uint64_t bus_master_stalls = 0;  // doorbells of a function without BME
    std::uint64_t offload_errors = 0;     // checksum offloads whose context does not fit the frame
    unsigned buffer_peak = 0;
  };
  const FrameCount& queue_stats(unsigned q) const { return queue_stats_[q]; }
  const FrameCount& function_stats(unsigned fn) const { return fn_stats_[fn]; }
  const EngineStats& stats() const { return stats_; }
  const DropCounter& drops() const { return drops_; }
  void publish(MetricsRegistry& m) const;

private:
  struct QueueState {
    unsigned wb_count = 0, wb_rs = 0;  // processed descriptors before head awaiting write-back
    ps_t wb_deadline = kNever;
  };
  unsigned queue_of(const Ring& r) const { return static_cast<unsigned>(&r - rings_.data()); }
  void update_work(unsigned q, ps_t now);
  void maybe_fetch(unsigned q, ps_t t);
  void write_back(unsigned q, ps_t t);  // the pending burst
  void done_descriptors(unsigned q, unsigned n, unsigned rs, ps_t done);
  void observe_tx(unsigned len, unsigned q, int owner, ps_t issue, ps_t done, ps_t leave);
  bool observed_ = false;
  EngineProbes probes_;
  Probe grant_;
  TransactionLog* log_ = nullptr;
  std::vector<FrameTap*> fn_taps_;

  const DeviceProfile& prof_;
  PortLayout layout_;
  TxEngineParams p_;
  FramePool& pool_;
  TxArbiter& arbiter_;
  DmaPort& port_;
  TxSink& sink_;
  std::function<bool(unsigned)> bus_master_;
  QueueInterrupts* irq_ = nullptr;
  std::vector<Ring> rings_;
  std::vector<QueueState> qs_;
  struct QueueOwner {   // fixed by the port's layout; together, a frame reads all three
    unsigned fn = 0;     // the function the queue's DMA is issued for
    int owner = -1;      // the function owning the queue's pool, -1 none
    unsigned pool = 0;   // the queue's pool (DeviceProfile::pool_of_queue, a division)
  };
  std::vector<QueueOwner> who_;
  QueueMask work_;                 // queues with descriptors to process
  std::vector<FrameCount> queue_stats_;
  PerFunction<FrameCount> fn_stats_;
  PerFunction<std::uint64_t> fn_host_bytes_;
  // Per queue: the last context descriptor's vlan_macip_lens and type_tucmd_mlhl (one context
  // slot per queue: igb uses index 0), for the checksum insertion its frames ask for.
  struct Context {
    std::uint32_t macip = 0, tucmd = 0;
  };
  std::vector<Context> ctx_;
  [[gnu::cold]] static bool insert_checksums(std::uint8_t* f, unsigned len, const Context& c, std::uint32_t popts);  // the frames' bytes as posted (before padding and FCS)
  PerFunction<LatencyHistogram> tx_latency_;  // doorbell to the frame leaving the Tx packet buffer
  PerFunction<std::uint64_t> fault_disables_;
  DropCounter drops_;
  EngineStats stats_;
  ps_t flush_deadline_ = kNever;
  // Tx packet buffer: frames leave in the order they were fetched.
  struct PbEntry {
    ps_t leave;
    unsigned bytes;
  };
  std::vector<PbEntry> pb_;
  unsigned pb_head_ = 0, pb_count_ = 0, pb_used_ = 0;
  // DCB: per class, the bytes held and the frames whose leave time is known (a FIFO: the
  // wire's order within a class is the class's order).
  struct ClassBuffer {
    unsigned used = 0;
    FifoRing<PbEntry> leaving;
  };
  void release_classes(ps_t t);
  [[gnu::cold, gnu::noinline]] int pick_with_room(ps_t t, ps_t& eligible);
  // A frame of `q` went to the sink: its class holds its space until it leaves.
  [[gnu::cold, gnu::noinline]] void held(unsigned q, unsigned len, ps_t origin, ps_t done, ps_t leave_at, ps_t issue);
  ps_t next_class_release(ps_t t) const;
  const regs::TxDcbCfg* classes_ = nullptr;
  unsigned class_mod_ = 1;
  // A queue's traffic class: without DCB one class, and no division on every sent frame.
  unsigned class_of(unsigned q) const { return class_mod_ == 1 ? 0 : q % class_mod_; }
  ClassBuffer cls_[8];
  QueueMask class_queues_[8];
  QueueMask room_;  // queues whose class has room for a largest frame
  unsigned cls_used_ = 0;
};

}  // namespace iovsim
