// The PCIe side of a generic-payload transaction: which function issued it (requester ID,
// bus:device.function) and the TLP attributes. DMA from the endpoint carries it so the IOMMU
// can pick the function's translation domain; MMIO into the endpoint carries the decoded
// function after BAR decode. Function identity never travels in address bits.
#pragma once
#include <cstdint>
#include <tlm>

namespace iovsim {

// What a DMA carries, for the link's byte accounting (PcieLinkTiming).
enum class TlpKind : std::uint8_t { Data, Descriptor, WriteBack, Mmio, Interrupt, kCount };
inline const char* tlp_kind_name(TlpKind k) {
  switch (k) {
    case TlpKind::Data: return "data";
    case TlpKind::Descriptor: return "descriptor";
    case TlpKind::WriteBack: return "write_back";
    case TlpKind::Mmio: return "mmio";
    case TlpKind::Interrupt: return "interrupt";
    case TlpKind::kCount: break;
  }
  return "?";
}

struct PcieExtension : tlm::tlm_extension<PcieExtension> {
  std::uint16_t requester_id = 0;  // bus << 8 | device << 3 | function
  std::int16_t function = -1;      // the model's function index (stats), -1 unknown
  TlpKind kind = TlpKind::Data;    // set by the DMA engine per transfer
  bool no_snoop = false;
  bool relaxed_ordering = false;
  tlm::tlm_extension_base* clone() const override { return new PcieExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& e) override {
    *this = static_cast<const PcieExtension&>(e);
  }
};

// Sets up a reused payload for one DMA of the device on behalf of function `fn`.
inline void set_dma_payload(tlm::tlm_generic_payload& gp, PcieExtension& ext, bool write,
                            std::uint64_t addr, void* data, unsigned len, unsigned fn, TlpKind kind) {
  gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(static_cast<unsigned char*>(data));
  gp.set_data_length(len);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  ext.function = static_cast<std::int16_t>(fn);
  ext.kind = kind;
}

inline std::uint16_t make_rid(unsigned bus, unsigned dev, unsigned fn) {
  return static_cast<std::uint16_t>((bus << 8) | (dev << 3) | fn);
}

}  // namespace iovsim
