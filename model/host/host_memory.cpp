#include "model/host/host_memory.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "model/core/pcie_extension.h"

namespace iovsim {

HostMemory::Pages::Pages(std::uint64_t n) : bytes(n ? n : 1) {
  void* m = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) throw std::bad_alloc();
  if (bytes >= kHugePagesFrom) ::madvise(m, bytes, MADV_HUGEPAGE);  // advice only
  p = static_cast<std::uint8_t*>(m);
}

HostMemory::Pages::~Pages() { ::munmap(p, bytes); }

HostMemory::HostMemory(sc_core::sc_module_name name, std::uint64_t bytes)
    : sc_module(name), target("target"),
      mem_(bytes), size_(bytes) {
  target.register_b_transport(this, &HostMemory::b_transport);
  target.register_get_direct_mem_ptr(this, &HostMemory::get_direct_mem_ptr);
}

bool HostMemory::get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
  for (const Window& w : windows_)
    if (gp.get_address() >= w.hpa && gp.get_address() - w.hpa < w.size) {
      dmi.set_dmi_ptr(w.host);
      dmi.set_start_address(w.hpa);
      dmi.set_end_address(w.hpa + w.size - 1);
      dmi.allow_read_write();
      return true;
    }
  dmi.set_dmi_ptr(mem_.p);
  dmi.set_start_address(0);
  dmi.set_end_address(size_ - 1);
  dmi.allow_read_write();
  return true;
}

std::uint8_t* HostMemory::window_ptr(std::uint64_t hpa, std::uint64_t len) const {
  for (const Window& w : windows_)
    if (hpa >= w.hpa && len <= w.size && hpa - w.hpa <= w.size - len) return w.host + (hpa - w.hpa);
  return nullptr;
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
  target.register_get_direct_mem_ptr(this, &Iommu::get_direct_mem_ptr);
}

void Iommu::map(std::uint16_t rid, std::uint64_t iova, std::uint64_t hpa, std::uint64_t size) {
  domain_[rid].push_back({iova, hpa, size});
  if (dmi_granted_) target->invalidate_direct_mem_ptr(0, ~sc_dt::uint64{0});
}

void Iommu::unmap(std::uint16_t rid) {
  domain_[rid].clear();
  if (dmi_granted_) target->invalidate_direct_mem_ptr(0, ~sc_dt::uint64{0});
}

const Iommu::Mapping* Iommu::lookup(const tlm::tlm_generic_payload& gp) const {
  PcieExtension* ext = nullptr;
  gp.get_extension(ext);
  if (!ext) return nullptr;
  std::uint64_t iova = gp.get_address(), len = gp.get_data_length();
  for (const Mapping& m : domain_[ext->requester_id])
    if (iova >= m.iova && len <= m.size && iova - m.iova <= m.size - len) return &m;
  return nullptr;
}

bool Iommu::get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
  const Mapping* m = lookup(gp);
  if (!m) return false;
  tlm::tlm_dmi mem;
  std::uint64_t iova = gp.get_address();
  gp.set_address(m->hpa);
  bool ok = to_memory->get_direct_mem_ptr(gp, mem);
  gp.set_address(iova);
  if (!ok || mem.get_start_address() > m->hpa || mem.get_end_address() < m->hpa + m->size - 1)
    return false;
  dmi.set_dmi_ptr(mem.get_dmi_ptr() + (m->hpa - mem.get_start_address()));
  dmi.set_start_address(m->iova);
  dmi.set_end_address(m->iova + m->size - 1);
  dmi.allow_read_write();
  dmi_granted_ = true;
  return true;
}

std::uint64_t Iommu::faults(std::uint16_t rid) const { return faults_[rid]; }

void Iommu::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  std::uint64_t iova = gp.get_address();
  if (const Mapping* m = lookup(gp)) {
    gp.set_address(m->hpa + (iova - m->iova));
    to_memory->b_transport(gp, delay);
    gp.set_address(iova);
    return;
  }
  PcieExtension* ext = nullptr;
  gp.get_extension(ext);
  if (ext) ++faults_[ext->requester_id];
  ++total_faults_;
  last_fault_ = iova;
  gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

}  // namespace iovsim
