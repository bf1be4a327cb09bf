// Host physical memory: one flat byte array, allocated at elaboration. A TLM target for DMA
// (behind the IOMMU) and a direct pointer for the software models (drivers run on the CPU and
// touch memory without the IOMMU). Memory timing is part of the PCIe read latency parameter.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace iovsim {

class HostMemory : public sc_core::sc_module {
public:
  tlm_utils::simple_target_socket<HostMemory> target;
  HostMemory(sc_core::sc_module_name name, std::uint64_t bytes);
  std::uint8_t* ptr(std::uint64_t hpa, std::uint64_t len) {  // nullptr when out of range
    if (hpa > size_ || len > size_ - hpa) return windows_.empty() ? nullptr : window_ptr(hpa, len);
    return mem_.p + hpa;
  }
  std::uint64_t size() const { return size_; }
  // Memory the model does not own, at host-physical addresses above the array (a QEMU
  // guest's RAM, mapped from its memfds: model/remote/mpqemu_link.h). Replaces the previous
  // set; DMA and ptr() reach it like the array.
  struct Window {
    std::uint64_t hpa = 0, size = 0;
    std::uint8_t* host = nullptr;
  };
  void set_windows(std::vector<Window> w) { windows_ = std::move(w); }

private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  // Anonymous memory: the kernel hands out zeroed pages lazily, so a large memory costs
  // nothing until it is touched (a std::vector would memset all of it at start-up). From
  // 4 MB on (two huge pages) it is asked for in transparent huge pages: DMA and drivers touch
  // it scattered across many VMs' buffers, and 4 KB pages cost a page fault per buffer pair at
  // first touch and TLB misses after (rx64-63vf: 18 % less host time per frame; rx1518, 7 VFs'
  // 7 MB of buffers: 566 -> 415 ns a frame over 20 ms, medians of three runs 339 -> 318 over
  // 1 s). Zeroing whole 2 MB pages costs the default scenario nothing measurable (0.11 s either
  // way) and doubles its resident memory (28 -> 55 MB): most of it is the pages the buffers lie in.
  static constexpr std::uint64_t kHugePagesFrom = 4ull << 20;
  struct Pages {
    std::uint8_t* p = nullptr;
    std::uint64_t bytes = 0;
    explicit Pages(std::uint64_t n);
    ~Pages();
    Pages(const Pages&) = delete;
    Pages& operator=(const Pages&) = delete;
  };
  Pages mem_;
  std::uint64_t size_;
  std::vector<Window> windows_;
  [[gnu::cold]] std::uint8_t* window_ptr(std::uint64_t hpa, std::uint64_t len) const;
};

// Per-requester-ID DMA remapping (Intel VT-d style): each routing ID belongs to one domain, a
// domain maps IO-virtual ranges onto host-physical ranges. A DMA outside its domain is
// refused with an address error and counted against the requester; memory is never touched.
class Iommu : public sc_core::sc_module {
public:
  tlm_utils::simple_target_socket<Iommu> target;
  tlm_utils::simple_initiator_socket<Iommu> to_memory;
  explicit Iommu(sc_core::sc_module_name name);

  void map(std::uint16_t rid, std::uint64_t iova, std::uint64_t hpa, std::uint64_t size);
  void unmap(std::uint16_t rid);  // the routing ID's domain is empty again
  bool has_domain(std::uint16_t rid) const { return !domain_[rid].empty(); }
  std::uint64_t faults(std::uint16_t rid) const;
  std::uint64_t total_faults() const { return total_faults_; }
  std::uint64_t last_fault_address() const { return last_fault_; }

private:
  struct Mapping {
    std::uint64_t iova, hpa, size;
  };
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  // Direct memory access is granted per requester ID for one mapping at a time, in IO-virtual
  // addresses: an initiator holding it still cannot reach outside its domain.
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  const Mapping* lookup(const tlm::tlm_generic_payload& gp) const;
  std::vector<std::vector<Mapping>> domain_;  // indexed by routing ID
  std::vector<std::uint64_t> faults_;
  std::uint64_t total_faults_ = 0, last_fault_ = 0;
  bool dmi_granted_ = false;
};

}  // namespace iovsim
