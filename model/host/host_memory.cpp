#include "model/host/host_memory.h"

#include <cstring>

#include "model/core/pcie_extension.h"

namespace iovsim {

HostMemory::HostMemory(sc_core::sc_module_name name, std::uint64_t bytes)
    : sc_module(name), target("target"), mem_(bytes) {
  target.register_b_transport(this, &HostMemory::b_transport);
}

std::uint8_t* HostMemory::ptr(std::uint64_t hpa, std::uint64_t len) {
  if (hpa > mem_.size() || len > mem_.size() - hpa) return nullptr;
  return mem_.data() + hpa;
}

void HostMemory::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
  std::uint8_t* p = ptr(gp.get_address(), gp.get_data_length());
  if (!p) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (gp.is_write())
    std::memcpy(p, gp.get_data_ptr(), gp.get_data_length());
  else
    std::memcpy(gp.get_data_ptr(), p, gp.get_data_length());
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

Iommu::Iommu(sc_core::sc_module_name name)
    : sc_module(name), target("target"), to_memory("to_memory"), domain_(65536),
      faults_(65536) {
  target.register_b_transport(this, &Iommu::b_transport);
}

void Iommu::map(std::uint16_t rid, std::uint64_t iova, std::uint64_t hpa, std::uint64_t size) {
  domain_[rid].push_back({iova, hpa, size});
}

std::uint64_t Iommu::faults(std::uint16_t rid) const { return faults_[rid]; }

void Iommu::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  PcieExtension* ext = nullptr;
  gp.get_extension(ext);
  std::uint64_t iova = gp.get_address(), len = gp.get_data_length();
  if (ext) {
    for (const Mapping& m : domain_[ext->requester_id]) {
      if (iova >= m.iova && len <= m.size && iova - m.iova <= m.size - len) {
        gp.set_address(m.hpa + (iova - m.iova));
        to_memory->b_transport(gp, delay);
        gp.set_address(iova);
        return;
      }
    }
    ++faults_[ext->requester_id];
  }
  ++total_faults_;
  last_fault_ = iova;
  gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

}  // namespace iovsim
