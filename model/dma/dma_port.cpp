#include "model/dma/dma_port.h"

namespace iovsim {

TlmDmaPort::TlmDmaPort(tlm::tlm_initiator_socket<>& socket) : socket_(socket), ext_(new PcieExtension) {
  gp_.set_extension(ext_);  // owned by the payload from here on
  gp_.set_streaming_width(0);
  gp_.set_byte_enable_ptr(nullptr);
}

DmaStatus TlmDmaPort::transfer(unsigned fn, std::uint64_t addr, void* data, unsigned len,
                               TlpKind kind, bool write, ps_t& t) {
  set_dma_payload(gp_, *ext_, write, addr, data, len, fn, kind);
  const ps_t now = now_ps();
  sc_core::sc_time d = to_sc(t > now ? t - now : 0);
  socket_->b_transport(gp_, d);
  t = now + to_ps(d);
  switch (gp_.get_response_status()) {
    case tlm::TLM_OK_RESPONSE: return DmaStatus::Ok;
    case tlm::TLM_COMMAND_ERROR_RESPONSE: return DmaStatus::BusMaster;
    default: return DmaStatus::IommuFault;
  }
}

}  // namespace iovsim
