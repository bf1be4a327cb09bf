#include "model/core/device_profile.h"

#include <stdexcept>
#include <string>

namespace iovsim {

namespace {
// 82576: igb e1000_hw.h E1000_DEV_ID_82576 0x10C9, igbvf E1000_DEV_ID_82576_VF 0x10CA; 8 pools,
// 16 queues, 24 RAR, 32 VLVF (e1000_82575.h); lspci with max_vfs=7 shows the VFs of 01:00.0 at
// 01:10.0, 01:10.2, ... i.e. First VF Offset 0x80 and stride 2, TotalVFs 8; Rx PBA 64 KB.
// PCIe v2.0 at 2.5 GT/s, x4 (82576EB datasheet, title page). MSI-X: 10 vectors, table and
// PBA in BAR3 (pciutils tests/cap-pcie-2, an 82576 PF), VFs 3 (igbvf, QEMU igbvf); 32-bit
// BARs. EICR has 25 vector bits (QEMU igb E1000_EICR_MSIX_MASK). Tx packet buffer 40 KB and 32
// on-chip descriptors per queue each way: assumed (docs/fidelity.md), no public source found.
// The board: subsystem 8086:A03C, a Gigabit ET Dual Port Server Adapter (the names here and
// below are Debian bookworm's pci.ids, 2023.04.11).
const DeviceProfile k82576{"82576", Family::i82576, 0x8086, 0x10C9, 0x10CA, 8, 0x80, 2, 0x160,
                           128 * 1024, 16 * 1024, 8, 16, 2, 24, 32, 1.0, 64, true, true,
                           1, 4, 40, 32, 32,
                           "82576 Gigabit Network Connection", "82576 Virtual Function", 10, 3, 3,
                           false, false, 25, 0xA03C, "Gigabit ET Dual Port Server Adapter"};
// 82599: ixgbe_type.h IXGBE_DEV_ID_82599_SFP 0x10FB, IXGBE_DEV_ID_82599_VF 0x10ED; 64 pools,
// 128 queues (2 per pool in 64-pool mode), 128 RAR, 64 VLVF; Rx PBA 512 KB
// (IXGBE_RXPBSIZE_MAX), Tx 160 KB (IXGBE_TXPBSIZE_MAX). 5 GT/s x8 (82599 datasheet, title
// page). 40 on-chip Tx descriptors per queue (ixgbe_configure_tx_ring: "the number of on chip
// descriptors, which is currently 40"); 32 Rx descriptors: assumed (docs/fidelity.md).
// MSI-X: 64 vectors, table and PBA in BAR4 (lspci of an 82599 PF); VFs 3 (ixgbevf asks for at
// most 3; assumed, no VF dump found); BAR0 and BAR4 64-bit prefetchable, VPD at 0xE0. The
// board: subsystem 8086:0003, an Ethernet Server Adapter X520-2.
const DeviceProfile k82599{"82599", Family::i82599, 0x8086, 0x10FB, 0x10ED, 64, 0x80, 2, 0x160,
                           512 * 1024, 16 * 1024, 64, 128, 2, 128, 64, 10.0, 512, false, false,
                           2, 8, 160, 32, 40,
                           "82599ES 10-Gigabit SFI/SFP+ Network Connection",
                           "82599 Ethernet Controller Virtual Function", 64, 3, 4, true, true, 64,
                           0x0003, "Ethernet Server Adapter X520-2"};

// The 82599 with DCB and virtualization (MTQC.VT_Ena with RT_Ena): 32 pools of 4 queues for
// up to 4 traffic classes, 16 of 8 for up to 8 (IXGBE_MTQC_4TC_4TQ / _8TC_8TQ, ixgbe_setup_mtqc;
// queue n is traffic class n mod 4 or 8 of pool n / 4 or n / 8).
DeviceProfile dcb_layout(const DeviceProfile& base, unsigned pools) {
  DeviceProfile p = base;
  p.num_pools = pools;
  p.queues_per_pool = base.queues_per_port / pools;
  p.dcb_tcs = p.queues_per_pool;
  return p;
}
const DeviceProfile k82599_dcb4 = dcb_layout(k82599, 32);
const DeviceProfile k82599_dcb8 = dcb_layout(k82599, 16);
}  // namespace

const DeviceProfile& device_profile(const std::string& preset) {
  if (preset == "82576") return k82576;
  if (preset == "82599") return k82599;
  throw std::invalid_argument("unknown device preset '" + preset + "' (82576 or 82599)");
}

const DeviceProfile& device_profile(const std::string& preset, unsigned dcb_tcs) {
  const DeviceProfile& p = device_profile(preset);
  if (dcb_tcs == 0) return p;
  if (p.family != Family::i82599)
    throw std::invalid_argument("device.dcb.tcs: the " + preset + " has no DCB (the 82599 has)");
  if (dcb_tcs == 4) return k82599_dcb4;
  if (dcb_tcs == 8) return k82599_dcb8;
  throw std::invalid_argument("device.dcb.tcs: " + std::to_string(dcb_tcs) + " traffic classes (0, 4 or 8)");
}

}  // namespace iovsim
