// Fixed facts of the modelled controller: PCI identity, SR-IOV capability values, table sizes
// and the register map of its family. Two presets, from the Linux drivers, lspci output and
// the public datasheets where available (see docs/registers.md and
// docs/registers-research.md): the 82576 (igb/igbvf) and the 82599 (ixgbe/ixgbevf).
#pragma once
#include <cstdint>
#include <string>

#include "model/regs/device_map.h"

namespace iovsim {

struct DeviceProfile {
  std::string name;
  Family family;
  std::uint16_t vendor_id = 0x8086;
  std::uint16_t pf_device_id, vf_device_id;
  std::uint16_t total_vfs;        // SR-IOV TotalVFs / InitialVFs
  std::uint16_t first_vf_offset;  // SR-IOV First VF Offset with ARI Capable Hierarchy set
                                  // (the 82576/82599 report 0x100 more without it)
  std::uint16_t vf_stride;        // SR-IOV VF Stride
  std::uint16_t sriov_cap_offset; // extended capability offset in config space
  std::uint32_t pf_bar0_bytes, vf_bar0_bytes;
  unsigned num_pools, queues_per_port, queues_per_pool;
  unsigned num_rar, num_vlvf;
  double max_link_gbps;
  unsigned rx_packet_buffer_kb;   // default per-port Rx packet buffer
  bool interleaved_queues;        // 82576: pool n owns n and n+8; 82599: 2n and 2n+1
  bool per_pool_rss;              // VMOLR.RSSE exists (82576); the 82599 hashes every pool
  unsigned pcie_gen, pcie_lanes;  // the part's PCIe link (the scenario may override)
  unsigned tx_packet_buffer_kb;   // default per-port Tx packet buffer
  unsigned rx_desc_cache, tx_desc_cache;  // on-chip descriptors per queue
  // PCI identity as lspci shows it and the interrupt hardware.
  const char* pf_device_name;     // pci.ids names of the PF and VF device IDs
  const char* vf_device_name;
  unsigned pf_msix_vectors, vf_msix_vectors;  // MSI-X table sizes
  unsigned pf_msix_bar;           // the PF BAR holding the MSI-X table and PBA (the VF's: 3)
  bool pf_bar0_64bit;             // BAR0 (and the MSI-X BAR) 64-bit prefetchable
  bool vpd;                       // a VPD capability at 0xE0
  unsigned pf_interrupt_vectors;  // EITR/IVAR vector space of the PF (82576: 25, 82599: 64)
  std::uint16_t subsystem_id;     // the PF's board (subsystem vendor: Intel) and its pci.ids name
  const char* subsystem_name;
  unsigned dcb_tcs = 0;           // the 82599's VT + DCB layouts: traffic classes (queue n of a pool is class n)
  // The hardware queue that serves queue `q` of pool `pool`.
  unsigned queue_of(unsigned pool, unsigned q) const {
    return interleaved_queues ? pool + q * num_pools : pool * queues_per_pool + q;
  }
  unsigned pool_of_queue(unsigned queue) const {
    return interleaved_queues ? queue % num_pools : queue / queues_per_pool;
  }
  // The family's register map: the one place the preset selects the layout.
  const regs::DeviceMap& map() const { return regs::device_map(family); }
};

// Which function owns which pool on one port: VF v owns pool v and the PF takes the pool after
// the last VF (igb: vfs_allocated_count), as the Linux drivers arrange it.
// In VMDq mode (no VFs) the hypervisor's PF driver owns every pool: pool v serves VM v.
struct PortLayout {
  unsigned port = 0;
  unsigned vfs = 0;             // VFs (SR-IOV) or VMs (VMDq) on this port
  unsigned first_function = 0;  // model function index of the port's PF; VF v is +1+v
  bool vmdq = false;            // pools belong to the PF's driver, not to VFs
  std::uint64_t pf_pools = 0;   // sriov: pools of VFs left unused whose VM the PF hosts in them (VMDq)
  unsigned pf_pool() const { return vfs; }
  unsigned functions() const { return vmdq ? 1 : vfs + 1; }  // PCIe functions of the port
  int function_of_pool(unsigned pool) const {
    if (pool < vfs) return static_cast<int>(vmdq || (pf_pools >> pool & 1) ? first_function : first_function + 1 + pool);
    if (pool == vfs) return static_cast<int>(first_function);
    return -1;
  }
};

// Throws std::invalid_argument for an unknown preset name.
const DeviceProfile& device_profile(const std::string& preset);
// The preset's queue layout with `dcb_tcs` traffic classes (0: none; the 82599 in VT mode with
// 4 or 8: 32 x 4 or 16 x 8 pools x queues); throws for a part or a class count that has none.
const DeviceProfile& device_profile(const std::string& preset, unsigned dcb_tcs);

}  // namespace iovsim
