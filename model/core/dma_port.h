// What a DMA engine sees of the PCIe endpoint: memory reads and writes on behalf of one
// function, each ready at a time and done at a later one. The engines (RxEngine, TxEngine)
// are plain classes over this interface. The endpoint implements it (PcieEndpoint, the same
// path as its dma_in socket); TlmDmaPort (model/dma/dma_port.h) over a TLM socket; unit tests
// with host memory behind a PcieLinkTiming.
#pragma once
#include <cstdint>

#include "model/core/pcie_extension.h"
#include "model/core/time.h"

namespace iovsim {

enum class DmaStatus : std::uint8_t {
  Ok,
  IommuFault,  // the IOMMU refused the address for the function's routing ID
  BusMaster,   // the function's Bus Master Enable is clear: no TLP was sent
};

class DmaPort {
public:
  virtual ~DmaPort() = default;
  // `t`: when the transfer may start (absolute); on return, when it is done (a write: its
  // last TLP reached the host; a read: its last completion arrived).
  DmaStatus read(unsigned fn, std::uint64_t addr, void* dst, unsigned len, TlpKind kind, ps_t& t) {
    return transfer(fn, addr, dst, len, kind, false, t);
  }
  DmaStatus write(unsigned fn, std::uint64_t addr, const void* src, unsigned len, TlpKind kind,
                  ps_t& t) {
    return transfer(fn, addr, const_cast<void*>(src), len, kind, true, t);
  }

  // What an implementation provides: one transfer either way (`data` is read on a write).
  virtual DmaStatus transfer(unsigned fn, std::uint64_t addr, void* data, unsigned len,
                             TlpKind kind, bool write, ps_t& t) = 0;
  // A hint for the host's cache, nothing simulated: the engine will read (or write) `addr` of
  // `fn`'s memory soon (no TLP, no check, no count). An implementation without direct access
  // ignores it.
  virtual void prefetch(unsigned /*fn*/, std::uint64_t /*addr*/, bool /*for_write*/ = false) {}
};

}  // namespace iovsim
