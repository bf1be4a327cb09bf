// The Rx DMA engine of one port as a plain class (no SystemC kernel inside): what the
// hardware does with each frame the sorter steered to a queue, computed when the frame
// reaches the engine, with times booked on the PCIe link through a DmaPort. RxDma
// (model/dma/rx_dma.h) is its sc_module.
//
// Per queue, the descriptor state machine (after SimBricks' nicbm descriptor contexts):
//   fetch    -- descriptors move from host memory into the on-chip cache by the fetch rule
//               (Ring, model/dma/ring.h): on each tail write and after each frame, so a
//               running queue has its next descriptors on chip before its frames arrive;
//   prepare  -- a frame takes one cached descriptor per SRRCTL.BSIZEPACKET bytes; a queue
//               whose cache is short fetches on demand and the frame waits for it (counted);
//   process  -- posted writes of the frame (FCS stripped, RCTL.SECRC) into the buffers;
//   write back -- processed descriptors accumulate until RXDCTL.WTHRESH (0 or 1: each at
//               once) and are written back in one burst (two at the ring's end) after the
//               data; a partial batch is flushed `wb_flush` after its first descriptor
//               (standing in for the EITR flush, docs/fidelity.md).
// Across queues the engine serves frames in arrival order (one packet buffer FIFO): a frame
// starts its writes when it has arrived, its descriptors are on chip and the frame before it
// has started. The Rx packet buffer holds each frame from its arrival until its data is
// written. With DCB (the 82599's VT + DCB layouts) each traffic class has its own buffer
// (RXPBSIZE): a frame is admitted to its class's buffer (admit) and starts its writes when the
// Rx arbiter between the classes picks it (deliver; RxDma runs the arbiter).
//
// Latency = descriptor write-back arrival - frame origin (first bit on the wire, or the Tx
// doorbell of a looped-back frame).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "model/core/device_profile.h"
#include "model/core/frame.h"
#include "model/core/interrupt_sink.h"
#include "model/core/ring_index.h"
#include "model/core/station_audit.h"
#include "model/core/stats.h"
#include "model/dma/dma_port.h"
#include "model/dma/engine_probes.h"
#include "model/dma/ring.h"

namespace iovsim {

class FlowControl;

class MetricsRegistry;
class FrameTap;
struct Observer;

struct RxEngineParams {
  unsigned packet_buffer_bytes = 64 * 1024;
  unsigned cache_size = 32;    // on-chip descriptors per queue
  ps_t wb_flush = 0;           // partial write-back batch flush delay
};

class RxEngine {
public:
  static constexpr ps_t kNever = ~ps_t{0};
  RxEngine(const DeviceProfile& prof, const PortLayout& layout, const RxEngineParams& p,
           DmaPort& port);

  // The port's 802.3x flow control: told of the packet buffer's fill at each admission.
  void set_flow_control(FlowControl* fc) { fc_ = fc; }
  // When, with no further arrivals, the packet buffer will hold fewer than `bytes`.
  ps_t drained_below(unsigned bytes) const;
  Ring& ring(unsigned q) { return rings_[q]; }
  const Ring& ring(unsigned q) const { return rings_[q]; }
  unsigned queues() const { return static_cast<unsigned>(rings_.size()); }

  // A frame reached the engine at `arrive` for `queue` of the pool `fn` owns (-1: none).
  // Returns Drop::kCount when it is delivered, else why it was dropped. The frame's bytes are
  // copied into host memory before it returns; the caller releases the frame.
  Drop receive(const Frame& f, unsigned queue, int fn, std::uint32_t rss_hash, ps_t arrive);
  // DCB: receive() in two halves, for the Rx arbiter between the classes' buffers. admit: the
  // frame reached its class's buffer at `arrive` (Drop::kCount: it holds its bytes there until
  // deliver). deliver: the arbiter starts the class's oldest admitted frame at `now`, as
  // receive() from then on; `done`: when its data is written (set when it is delivered).
  Drop admit(const Frame& f, unsigned queue, int fn, ps_t arrive);
  Drop deliver(const Frame& f, unsigned queue, int fn, std::uint32_t rss_hash, ps_t arrive, ps_t now, ps_t& done);
  unsigned class_of(unsigned queue) const { return tc_of_queue_mod_ ? queue % tc_of_queue_mod_ : 0; }
  // Register events: a tail write (descriptors posted), an enable change.
  void doorbell(Ring& r, ps_t now);
  void enable_changed(Ring& r);
  // Where completed write-backs are reported (the port's interrupt logic), if anywhere.
  void set_interrupts(QueueInterrupts* irq) { irq_ = irq; }
  // Who may receive which unicast address (the isolation audit at delivery), if checked.
  void set_station_audit(const StationAudit* a) { audit_ = a; }
  // Observation: probes (the packet buffer's and each queue's share of it, each ring's
  // hardware-owned descriptors, each function's received bytes), the transaction log's frame
  // lines, and per function (index - layout.first_function) a tap of the frames written into
  // its memory, at the time their data is written.
  void observe(const Observer& o, std::vector<FrameTap*> fn_taps);
  // When each descriptor of queue `q` was written back (a view that stays valid and current:
  // the driver reads it at every descriptor it harvests).
  const WriteBackTimes& write_back_times(unsigned q) const { return qs_[q].wb_times; }
  // Partial write-back batches: the earliest deadline (kNever: none), and flushing the due.
  ps_t flush_deadline() const { return flush_deadline_; }
  void flush_due(ps_t now);

  struct QueueStats {
    FrameCount rx;                // delivered from the queue
    std::uint64_t multicast = 0;  // of rx: multicast, broadcast not included (VFMPRC)
    std::uint64_t drops = 0;      // dropped for the queue
  };
  struct alignas(64) FunctionStats {  // a frame's counts and latency totals in 64 bytes
    FrameCount rx;                      // written into the function's memory
    std::uint64_t loopback_frames = 0;  // of rx: switched inside the port
    std::uint64_t not_addressed = 0;    // of rx: unicast for a station it does not own
    LatencyHistogram latency;           // origin -> descriptor write-back visible
  };
  struct EngineStats {
    FetchStats fetch;                        // descriptor reads; demand: frames that found
                                             // their queue's cache short
    std::uint64_t waited = 0;                // frames that waited for a descriptor fetch
    ps_t descriptor_wait_ps = 0;             // their total wait
    ps_t hol_wait_ps = 0;                    // frames' wait behind the frame before them
    std::uint64_t write_backs = 0, written_back = 0;  // write-back bursts, descriptors
  };
  const QueueStats& queue_stats(unsigned q) const { return qs_[q].stats; }
  const FunctionStats& function_stats(unsigned fn) const { return fn_stats_[fn]; }
  const EngineStats& stats() const { return stats_; }
  const DropCounter& drops() const { return drops_; }
  unsigned packet_buffer_peak() const { return pb_[0].peak; }
  // RXPBSIZE(n): the size of the Rx packet buffer of traffic class n (the classes' buffers are
  // used with DCB; otherwise buffer 0 is the port's). Taken while it holds no frame.
  void set_buffer_bytes(unsigned n, unsigned bytes);
  unsigned buffer_bytes(unsigned n) const { return pb_[n].capacity; }
  static constexpr unsigned kBuffers = 8;
  std::uint64_t delivered() const { return delivered_; }
  void publish(MetricsRegistry& m) const;

private:
  struct PendingWb {  // a processed descriptor waiting for write-back
    std::uint8_t image[16];
    ps_t origin;
    std::int16_t fn;
  };
  // Per queue, what a frame reads and writes besides its ring in the first 64 bytes (each
  // queue's state is cold when its next frame comes when many queues take turns: rx64-63vf),
  // the batch of processed descriptors after them.
  struct alignas(64) QueueState {
    unsigned wb_count = 0;
    unsigned fn = 0;  // the function the queue's DMA is issued for
    ps_t wb_deadline = kNever;
    QueueStats stats;
    WriteBackTimes wb_times;  // per ring entry: when its last write-back completed (in wb_store)
    PendingWb wb[Ring::kCacheMax];
    std::unique_ptr<ps_t[]> wb_store;
  };
  QueueInterrupts* irq_ = nullptr;
  const StationAudit* audit_ = nullptr;
  unsigned dma_fn(int fn) const { return fn >= 0 ? static_cast<unsigned>(fn) : layout_.first_function; }
  void maybe_fetch(Ring& r, unsigned fn, ps_t t);
  void write_back(unsigned q, ps_t t);
  Drop drop(Drop why, int fn, unsigned queue);
  Drop drop_at(Drop why, int fn, unsigned queue, ps_t t);  // drop(), observed
  void observe_rx(const Frame& f, unsigned q, int fn, ps_t arrive, ps_t done);
  void observe_ring(unsigned q, ps_t t);
  bool observed_ = false;
  EngineProbes probes_;
  TransactionLog* log_ = nullptr;
  std::vector<FrameTap*> fn_taps_;

  const DeviceProfile& prof_;
  PortLayout layout_;
  RxEngineParams p_;
  DmaPort& port_;
  std::vector<Ring> rings_;
  std::vector<QueueState> qs_;
  PerFunction<FunctionStats> fn_stats_;
  DropCounter drops_;
  EngineStats stats_;
  std::uint64_t delivered_ = 0;
  ps_t flush_deadline_ = kNever;
  // Rx packet buffer occupancy: frames leave in the order the engine served them, so a FIFO
  // of (leave time, bytes) tracks it exactly; one per buffer.
  struct PbEntry {
    ps_t leave;
    unsigned bytes;
  };
  struct Buffer {
    std::vector<PbEntry> fifo;
    unsigned head = 0, count = 0, used = 0, peak = 0, capacity = 0, slots = 0;  // slots: fifo.size()
    unsigned unstarted = 0;        // of count, the last: admitted, not yet started (leave kNever)
    ps_t last_start = 0;           // when its previous frame started its writes
    std::uint64_t full_drops = 0;  // frames it had no room for
  };
  Buffer pb_[kBuffers];
  bool room(Buffer& b, unsigned len, ps_t arrive);
  void occupy(Buffer& b, ps_t leave, unsigned len, ps_t arrive);
  Drop start_frame(const Frame& f, unsigned q, int fn, std::uint32_t rss_hash, ps_t arrive, ps_t ready, Buffer& b,
                   ps_t& done);
  unsigned tc_of_queue_mod_ = 0;  // DCB: a queue's class is queue mod this (0: one buffer)
  FlowControl* fc_ = nullptr;
};

}  // namespace iovsim
