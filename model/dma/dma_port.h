// DmaPort over a TLM initiator socket bound to the endpoint's dma_in: one reused payload per
// engine. The engines use it when built without a direct port (tests of the TLM path).
#pragma once
#include <tlm>

#include "model/core/dma_port.h"

namespace iovsim {

class TlmDmaPort final : public DmaPort {
public:
  explicit TlmDmaPort(tlm::tlm_initiator_socket<>& socket);  // bound later, at elaboration
  DmaStatus transfer(unsigned fn, std::uint64_t addr, void* data, unsigned len, TlpKind kind,
                     bool write, ps_t& t) override;

private:
  tlm::tlm_initiator_socket<>& socket_;
  tlm::tlm_generic_payload gp_;
  PcieExtension* ext_;
};

}  // namespace iovsim
