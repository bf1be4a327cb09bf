// The Tx DMA engine of one port: one SC_THREAD that sleeps while no ring has work and
// otherwise serves queues in the order the QoS arbiter (model/qos) picks them, running ahead
// of kernel time within the global quantum. Per frame:
//
//   pick    -- arbiter chooses among rings with descriptors [head, tail); rate-limited rings
//              wait for their tokens (the thread sleeps until then or a doorbell)
//   fetch   -- read descriptors (advanced data format) up to EOP, then each buffer, through
//              the PCIe link and the IOMMU
//   wb      -- write back DD for descriptors with RS, advance head
//   send    -- hand the frame (FCS appended, padded to 64 B) to the sorter's Tx side; the next
//              fetch overlaps with this frame's serialisation (one frame of Tx buffer)
#pragma once
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/core/device_profile.h"
#include "model/core/frame_protocol.h"
#include "model/core/metrics_registry.h"
#include "model/core/pcie_extension.h"
#include "model/core/stats.h"
#include "model/core/tx_arbiter.h"
#include "model/dma/ring.h"

namespace iovsim {

class TxDma : public sc_core::sc_module {
public:
  FrameInitiatorSocket frames_out;                 // to the sorter's Tx side
  tlm_utils::simple_initiator_socket<TxDma> dma;   // to the PCIe endpoint

  TxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
        FramePool& pool, TxArbiter& arbiter);
  void map_registers(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs);

  const Ring& ring(unsigned q) const { return rings_[q]; }
  // Descriptors software has posted that the engine has not yet consumed (frames in flight).
  std::uint64_t pending_descriptors() const;

  // Frames fetched from each queue and sent by each function (to the wire or looped back).
  const FrameCount& queue_stats(unsigned q) const { return queue_stats_[q]; }
  const FrameCount& function_stats(unsigned fn) const { return fn_stats_[fn]; }
  const DropCounter& drops() const { return drops_; }
  void publish(MetricsRegistry& m) const;

private:
  void run();
  QueueMask pending() const;
  ps_t serve(unsigned q, ps_t t);
  bool transfer(std::uint64_t addr, void* data, unsigned len, bool write, ps_t& t);

  const DeviceProfile& prof_;
  PortLayout layout_;
  FramePool& pool_;
  TxArbiter& arbiter_;
  std::vector<FrameCount> queue_stats_;
  PerFunction<FrameCount> fn_stats_;
  DropCounter drops_;
  std::vector<Ring> rings_;
  sc_core::sc_event doorbell_;
  tlm::tlm_generic_payload gp_;
  PcieExtension* ext_;
};

}  // namespace iovsim
