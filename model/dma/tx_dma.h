// The Tx DMA engine of one port as a SystemC module: one SC_THREAD that sleeps while no ring
// has work and otherwise runs the TxEngine (model/dma/tx_engine.h) ahead of kernel time
// within the global quantum, handing each frame to the sorter's Tx side at the time its data
// has arrived.
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
#include "model/core/tx_arbiter.h"
#include "model/dma/dma_port.h"
#include "model/dma/tx_engine.h"

namespace iovsim {

class TxDma : public sc_core::sc_module, private TxSink {
public:
  FrameInitiatorSocket frames_out;                 // to the sorter's Tx side
  tlm_utils::simple_initiator_socket<TxDma> dma;   // to the PCIe endpoint

  // `direct`: the endpoint's DmaPort (the platform's choice); null: transfers go out on `dma`.
  TxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
        const TxEngineParams& params, FramePool& pool, TxArbiter& arbiter,
        DmaPort* direct = nullptr);
  void map_registers(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs);

  TxEngine& engine() { return engine_; }
  const TxEngine& engine() const { return engine_; }
  const Ring& ring(unsigned q) const { return engine_.ring(q); }
  void publish(MetricsRegistry& m) const { engine_.publish(m); }
  // DCB: the port's packet plane sent a frame (at the kernel's time; it left at `leave`).
  void wire_done(unsigned queue, unsigned len, ps_t origin, ps_t leave);

private:
  void run();
  ps_t transmit(FrameHandle h, unsigned queue, unsigned pool, ps_t ready) override;

  const DeviceProfile& prof_;
  PortLayout layout_;
  FramePool& pool_;
  TlmDmaPort port_;
  TxEngine engine_;
  sc_core::sc_event doorbell_;
  FrameBurst out_;  // one frame a call (the engine decides frame by frame)
};

}  // namespace iovsim
