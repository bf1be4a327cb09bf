#include "model/pcie/config_space.h"

namespace iovsim {

using namespace pcicfg;

namespace {
// PCIe Link Capabilities of the part: its speed and width, ASPM L0s and L1, L0s exit < 4 us,
// L1 exit < 64 us (the 82576's 0x00036C41, pciutils tests/cap-pcie-2; the 82599's by its
// link, the other fields assumed equal).
std::uint32_t link_cap(const DeviceProfile& p) {
  return 0x00036C00u | (p.pcie_lanes << 4) | p.pcie_gen;
}
}  // namespace

ConfigSpace::ConfigSpace(const DeviceProfile& prof, Kind kind, unsigned pf_index,
                         unsigned max_vfs, unsigned functions_on_device)
    : max_vfs_(max_vfs), kind_(kind) {
  const bool pf = kind == Kind::PF;
  if (pf) {
    put(VENDOR_ID, 2, prof.vendor_id);
    put(DEVICE_ID, 2, prof.pf_device_id);
    put(HEADER_TYPE, 1, 0x80);  // multi-function: one PF per port
    put(SUBSYS_VENDOR, 2, prof.vendor_id);
    put(SUBSYS_ID, 2, prof.subsystem_id);
    put(INT_PIN, 1, 1);         // INTA
    mask(INT_LINE, 1, 0xFF);
    mask(CACHE_LINE, 1, 0xFF);  // a VF's reads zero (SR-IOV)
  } else {
    put(VENDOR_ID, 2, 0xFFFF);  // SR-IOV: a VF's IDs read FFFFh; software uses the PF's cap
    put(DEVICE_ID, 2, 0xFFFF);
  }
  put(CLASS_REV, 4, 0x02000001);  // Ethernet controller, revision 1
  put(STATUS, 2, STATUS_CAP_LIST);
  mask(COMMAND, 2, pf ? (CMD_IO | CMD_MEMORY | CMD_BUS_MASTER | CMD_INTX_DISABLE) : CMD_BUS_MASTER);

  // Legacy capabilities: PF PM -> MSI -> MSI-X -> PCIe (-> VPD); VF MSI-X -> PCIe.
  const unsigned vectors = pf ? prof.pf_msix_vectors : prof.vf_msix_vectors;
  const unsigned msix_bir = pf ? prof.pf_msix_bar : 3;
  put(CAP_PTR, 1, pf ? PM_CAP : MSIX_CAP);
  if (pf) {
    cap(PM_CAP, CAP_ID_PM, MSI_CAP);
    put(PM_CAP + 2, 2, 0xC823);      // PMC: v3, DSI, PME from D0, D3hot, D3cold
    put(PM_CAP + 4, 2, 0x2000);      // PMCSR: D0, data scale 1
    mask(PM_CAP + 4, 2, 0x0103);     // power state, PME_En
    cap(MSI_CAP, CAP_ID_MSI, MSIX_CAP);
    put(MSI_CAP + 2, 2, 0x0180);     // 64-bit, per-vector masking, one vector
    mask(MSI_CAP + 2, 2, 0x0071);    // enable, multiple message enable
    mask(MSI_CAP + 4, 4, 0xFFFFFFFC);  // address low, high, data, mask bits
    mask(MSI_CAP + 8, 4, 0xFFFFFFFF);
    mask(MSI_CAP + 12, 2, 0xFFFF);
    mask(MSI_CAP + 16, 4, 0x1);
  }
  cap(MSIX_CAP, CAP_ID_MSIX, PCIE_CAP);
  put(MSIX_CAP + MSIX_FLAGS, 2, vectors - 1);
  mask(MSIX_CAP + MSIX_FLAGS, 2, MSIX_FLAGS_ENABLE | MSIX_FLAGS_MASKALL);
  put(MSIX_CAP + MSIX_TABLE, 4, msix_bir);
  put(MSIX_CAP + MSIX_PBA, 4, MSIX_PBA_OFFSET | msix_bir);
  cap(PCIE_CAP, CAP_ID_PCIE, pf && prof.vpd ? VPD_CAP : 0);
  put(PCIE_CAP + 2, 2, 0x0002);    // version 2, endpoint
  put(PCIE_CAP + EXP_DEVCAP, 4, 0x10008CC2);  // MPS 512, L0s/L1 latencies, RBE, FLR
  put(PCIE_CAP + EXP_DEVCTL, 2, 0x2810);     // reset: RO, NS, MPS 128, MRRS 512
  mask(PCIE_CAP + EXP_DEVCTL, 2, pf ? 0x7CFF : 0);  // a VF's DevCtl fields are the PF's
  put(PCIE_CAP + EXP_LNKCAP, 4, link_cap(prof));
  // trained at the cap; Slot Clock Configuration (the reference clock is the slot's)
  put(PCIE_CAP + EXP_LNKSTA, 2, 0x1000 | (prof.pcie_lanes << 4) | prof.pcie_gen);
  mask(PCIE_CAP + EXP_LNKCTL, 2, pf ? 0x0FC3 : 0);
  put(PCIE_CAP + EXP_DEVCAP2, 4, 0x1F);      // completion timeout ranges, disable supported
  put(PCIE_CAP + EXP_LNKCTL2, 2, prof.pcie_gen);  // target link speed: the part's
  mask(PCIE_CAP + EXP_DEVCTL2, 2, pf ? 0x1F : 0);
  if (pf && prof.vpd) {
    cap(VPD_CAP, CAP_ID_VPD, 0);
    mask(VPD_CAP + 2, 2, 0xFFFF);
    mask(VPD_CAP + 4, 4, 0xFFFFFFFF);
  }

  // Extended capabilities: PF AER -> DSN -> ARI -> SR-IOV; VF AER -> ARI.
  ext_cap(AER_CAP, EXT_ID_AER, 1, pf ? DSN_CAP : ARI_CAP);
  put(AER_CAP + 0x0C, 4, 0x00062011);  // uncorrectable error severity, as the dump shows
  mask(AER_CAP + 0x08, 4, 0xFFFFFFFF);
  mask(AER_CAP + 0x0C, 4, 0xFFFFFFFF);
  mask(AER_CAP + 0x14, 4, 0xFFFFFFFF);
  put(AER_CAP + 0x14, 4, 0x2000);      // correctable error mask: advisory non-fatal
  if (pf) {
    ext_cap(DSN_CAP, EXT_ID_DSN, 1, ARI_CAP);
    ext_cap(ARI_CAP, EXT_ID_ARI, 1, prof.sriov_cap_offset);
    // ARI Next Function Number: the next PF of the device, 0 after the last.
    put(ARI_CAP + 4, 2, (pf_index + 1 < functions_on_device ? pf_index + 1 : 0) << 8);
  } else {
    ext_cap(ARI_CAP, EXT_ID_ARI, 1, 0);
  }
  if (!pf) return;  // VF BARs live in the PF's SR-IOV capability
  // 82576: 32-bit BARs; 82599: 64-bit prefetchable (lspci of both)
  bar(BAR0, prof.pf_bar0_bytes, prof.pf_bar0_64bit, prof.pf_bar0_64bit);
  bar(BAR0 + 4 * prof.pf_msix_bar, kMsixBarBytes, prof.pf_bar0_64bit, prof.pf_bar0_64bit);
  io_bar(BAR0 + 8, 32);  // BAR2: the I/O window (not decoded)
  sriov_ = prof.sriov_cap_offset;
  ext_cap(sriov_, EXT_ID_SRIOV, 1, 0);
  put(sriov_ + SRIOV_INITIAL_VF, 2, prof.total_vfs);
  put(sriov_ + SRIOV_TOTAL_VF, 2, prof.total_vfs);
  put(sriov_ + SRIOV_FUNC_LINK, 1, pf_index);
  first_vf_offset_ari_ = prof.first_vf_offset;
  put(sriov_ + SRIOV_VF_OFFSET, 2, prof.first_vf_offset + 0x100);  // ARI clear at reset
  put(sriov_ + SRIOV_VF_STRIDE, 2, prof.vf_stride);
  put(sriov_ + SRIOV_VF_DID, 2, prof.vf_device_id);
  put(sriov_ + SRIOV_SUP_PGSIZE, 4, 0x553);
  put(sriov_ + SRIOV_SYS_PGSIZE, 4, 0x1);
  mask(sriov_ + SRIOV_CTRL, 2, SRIOV_CTRL_VFE | SRIOV_CTRL_MSE | SRIOV_CTRL_ARI);
  mask(sriov_ + SRIOV_NUM_VF, 2, 0xFFFF);
  mask(sriov_ + SRIOV_SYS_PGSIZE, 4, 0x553);
  // VF BAR0 (registers) and BAR3 (MSI-X): 64-bit non-prefetchable (the 82576 dump: 0x...4)
  bar(sriov_ + SRIOV_BAR, prof.vf_bar0_bytes, true, false);
  bar(sriov_ + SRIOV_BAR + 12, kMsixBarBytes, true, false);
}

void ConfigSpace::set_serial(std::uint64_t serial) {
  if (kind_ != Kind::PF) return;
  put(DSN_CAP + 4, 4, static_cast<std::uint32_t>(serial));
  put(DSN_CAP + 8, 4, static_cast<std::uint32_t>(serial >> 32));
}

void ConfigSpace::cap(std::uint32_t at, std::uint8_t id, std::uint32_t next) {
  put(at, 1, id);
  put(at + 1, 1, next);
}
void ConfigSpace::ext_cap(std::uint32_t at, std::uint16_t id, unsigned version, std::uint32_t next) {
  put(at, 4, id | version << 16 | next << 20);
}

void ConfigSpace::put(std::uint32_t o, unsigned len, std::uint32_t v) {
  for (unsigned i = 0; i < len; ++i) data_[o + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void ConfigSpace::mask(std::uint32_t o, unsigned len, std::uint32_t m) {
  for (unsigned i = 0; i < len; ++i) wmask_[o + i] = static_cast<std::uint8_t>(m >> (8 * i));
}
void ConfigSpace::bar(std::uint32_t o, std::uint32_t size, bool is64, bool prefetchable) {
  // memory BAR: the type bits read-only (bit 2: 64-bit, bit 3: prefetchable)
  put(o, 4, (is64 ? 0x4 : 0) | (prefetchable ? 0x8 : 0));
  mask(o, 4, ~(size - 1));
  if (is64) mask(o + 4, 4, 0xFFFFFFFF);  // the upper half
}
void ConfigSpace::io_bar(std::uint32_t o, std::uint32_t size) {
  put(o, 4, 1);
  mask(o, 4, ~(size - 1) & ~3u);
}

std::uint64_t ConfigSpace::bar_size(std::uint32_t o) const {
  const auto wm = [this](std::uint32_t at) {
    std::uint32_t m = 0;
    for (unsigned i = 0; i < 4; ++i) m |= std::uint32_t{wmask_[at + i]} << (8 * i);
    return m;
  };
  if (o + 8 > data_.size()) return 0;
  const std::uint32_t lo = wm(o);
  if (!lo) return 0;
  if (data_[o] & 1) return (~(lo & ~3u) + 1) & 0xFFFFu;  // I/O: 16 address bits
  if ((data_[o] & 0x6) == 0x4) {
    const std::uint64_t m = std::uint64_t{wm(o + 4)} << 32 | (lo & ~0xFu);
    return ~m + 1;
  }
  return (~(lo & ~0xFu) + 1) & 0xFFFFFFFFu;
}

std::uint32_t ConfigSpace::read(std::uint32_t offset, unsigned len) const {
  if (offset >= data_.size() || len > data_.size() - offset) return 0xFFFFFFFFu;
  std::uint32_t v = 0;
  for (unsigned i = 0; i < len; ++i) v |= std::uint32_t{data_[offset + i]} << (8 * i);
  return v;
}

bool ConfigSpace::write(std::uint32_t offset, unsigned len, std::uint32_t value) {
  if ((len != 1 && len != 2 && len != 4) || offset % len || offset >= data_.size() || len > data_.size() - offset) {
    ++rejected_;
    return false;
  }
  ++writes_;
  bool touches_sriov = sriov_ && offset < sriov_ + 0x40 && offset + len > sriov_;
  if (touches_sriov && offset <= sriov_ + SRIOV_NUM_VF && offset + len > sriov_ + SRIOV_NUM_VF) {
    // NumVFs may change only while VF Enable is clear, and not beyond what is modelled.
    unsigned n = (value >> (8 * (sriov_ + SRIOV_NUM_VF - offset))) & 0xFFFF;
    if (vf_enable() || n > max_vfs_) {
      ++rejected_;
      return false;
    }
  }
  for (unsigned i = 0; i < len; ++i) {
    std::uint8_t m = wmask_[offset + i];
    std::uint8_t b = static_cast<std::uint8_t>(value >> (8 * i));
    data_[offset + i] = static_cast<std::uint8_t>((data_[offset + i] & ~m) | (b & m));
  }
  if (offset < pcicfg::COMMAND + 2 && offset + len > pcicfg::COMMAND && on_command_change)
    on_command_change();
  if (offset < pcipcfg_msix() + 2 && offset + len > pcipcfg_msix() && on_msix_change) on_msix_change();
  if (touches_sriov) {
    // First VF Offset depends on ARI Capable Hierarchy: with ARI the VFs of 01:00.0 start at
    // 01:10.0 (offset 0x80); without it the 82576/82599 report 0x180 (next bus).
    bool ari = sriov_ctrl() & SRIOV_CTRL_ARI;
    put(sriov_ + SRIOV_VF_OFFSET, 2, ari ? first_vf_offset_ari_ : first_vf_offset_ari_ + 0x100);
    if (on_sriov_change) on_sriov_change();
  }
  return true;
}

}  // namespace iovsim
