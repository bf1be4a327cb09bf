// The Rx DMA engine of one port. For each frame the sorter hands it (already steered to a pool
// and queue) it runs the ring state machine below; everything is computed in the caller's
// b_transport call with busy-until bookkeeping, so a frame costs no thread switch.
//
//   admit   -- the on-chip Rx packet buffer must have room until the frame is written out
//   fetch   -- if the queue's descriptor cache is short, read up to 16 descriptors [head, tail)
//              in one PCIe read (two when they wrap the ring end) (none owned by hardware: drop, SRRCTL.DROP_EN semantics)
//   write   -- posted writes of the frame (FCS stripped, RCTL.SECRC) into the buffer(s),
//              one descriptor per SRRCTL.BSIZEPACKET bytes, through the IOMMU
//   wb      -- write back each descriptor (length, DD, EOP on the last), advance head
//
// Latency = descriptor write-back arrival - frame origin (first bit on the wire, or the Tx
// doorbell of a looped-back frame).
#pragma once
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/core/device_profile.h"
#include "model/core/frame_protocol.h"
#include "model/core/metrics_registry.h"
#include "model/core/pcie_extension.h"
#include "model/core/stats.h"
#include "model/dma/ring.h"

namespace iovsim {

class RxDma : public sc_core::sc_module {
public:
  FrameTargetSocket<RxDma> frames_in;                 // from the sorter
  tlm_utils::simple_initiator_socket<RxDma> dma;      // to the PCIe endpoint

  RxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
        unsigned packet_buffer_bytes);
  // Maps the ring registers of every queue into the PF's space and of pool v's queues into
  // VF v's space.
  void map_registers(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs);

  const Ring& ring(unsigned q) const { return rings_[q]; }
  unsigned packet_buffer_peak() const { return pb_peak_; }

  struct QueueStats {
    FrameCount rx;              // delivered from the queue
    std::uint64_t drops = 0;    // dropped for the queue
  };
  struct FunctionStats {
    FrameCount rx;                      // written into the function's memory
    std::uint64_t loopback_frames = 0;  // of rx: switched inside the port
    LatencyHistogram latency;           // origin -> descriptor write-back visible
  };
  const QueueStats& queue_stats(unsigned q) const { return queue_stats_[q]; }
  const FunctionStats& function_stats(unsigned fn) const { return fn_stats_[fn]; }
  const DropCounter& drops() const { return drops_; }
  void publish(MetricsRegistry& m) const;

private:
  void receive(FramePayload& p, sc_core::sc_time& delay);
  // One DMA through the endpoint: ready at `t` (absolute), on return `t` is its completion.
  bool transfer(std::uint64_t addr, void* data, unsigned len, bool write, ps_t now, ps_t& t);
  void drop(FramePayload& p, Drop why, int fn, unsigned queue);

  const DeviceProfile& prof_;
  PortLayout layout_;
  std::vector<Ring> rings_;
  std::vector<QueueStats> queue_stats_;
  PerFunction<FunctionStats> fn_stats_;
  DropCounter drops_;
  std::uint64_t delivered_ = 0;
  ps_t busy_until_ = 0;
  // Rx packet buffer occupancy: frames leave in the order the engine served them, so a FIFO
  // of (leave time, bytes) tracks it exactly.
  struct PbEntry {
    ps_t leave;
    unsigned bytes;
  };
  std::vector<PbEntry> pb_;
  unsigned pb_head_ = 0, pb_count_ = 0, pb_used_ = 0, pb_cap_, pb_peak_ = 0;
  tlm::tlm_generic_payload gp_;
  PcieExtension* ext_;
};

}  // namespace iovsim
