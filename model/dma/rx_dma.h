// The Rx DMA engine of one port as a SystemC module: a thin wrapper that hands each frame the
// sorter steered to a queue to the RxEngine (model/dma/rx_engine.h), in the caller's
// b_transport (no thread switch per frame), attaches the ring registers, and runs a method
// only to flush partial write-back batches on time.
//
// With DCB the frames wait in their class's Rx packet buffer (a PacketPlane over the Rx
// arbiter's registers, RTRPCS.RAC and RTRPT4C: round robin or weighted strict priority between
// the classes) and a method starts the arbiter's choice whenever fewer than kWindow frames'
// writes are outstanding on the link, so a class's frame waits for at most that many frames
// of the others, not for every frame that arrived before it (docs/fidelity.md).
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/core/device_profile.h"
#include "model/core/frame_protocol.h"
#include "model/core/metrics_registry.h"
#include "model/dma/dma_port.h"
#include "model/dma/rx_engine.h"
#include "model/qos/packet_plane.h"

namespace iovsim {

class RxDma : public sc_core::sc_module {
public:
  FrameTargetSocket<RxDma> frames_in;                 // from the sorter
  tlm_utils::simple_initiator_socket<RxDma> dma;      // to the PCIe endpoint

  // `direct`: the endpoint's DmaPort (the platform's choice); null: transfers go out on `dma`.
  RxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
        const RxEngineParams& params, DmaPort* direct = nullptr);
  // Maps the ring registers of every queue into the PF's space and of pool v's queues into
  // VF v's space.
  void map_registers(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs);

  RxEngine& engine() { return engine_; }
  const RxEngine& engine() const { return engine_; }
  void publish(MetricsRegistry& m) const;
  // DCB: the frames' writes outstanding at once before the arbiter waits for one to finish.
  static constexpr unsigned kWindow = 8;

private:
  // Each frame's t: when its last byte arrived (the sorter's copies and the VEB's loopback).
  void receive(FrameBurst& b);
  void flush();
  void arm_flush();
  void hold(FramePayload& p, int fn, ps_t arrive);  // DCB: into its class's buffer
  void rx_slot();                                   // DCB: start what the arbiter picks
  void decode_arbiter();

  TlmDmaPort port_;
  RxEngine engine_;
  std::uint32_t rtrpcs_ = 0, rtrpt4c_[8] = {};  // the Rx DCB arbiter's registers
  regs::ClassArbiterCfg arb_;                    // what they select
  const DeviceProfile& prof_;
  PortLayout layout_;
  sc_core::sc_event flush_ev_;
  std::unique_ptr<PacketPlane> plane_;  // DCB: the classes' Rx buffers (null: one FIFO)
  sc_core::sc_event slot_ev_;
  ps_t outstanding_[kWindow] = {};      // when each started frame's data is written
  unsigned n_outstanding_ = 0;
};

}  // namespace iovsim
