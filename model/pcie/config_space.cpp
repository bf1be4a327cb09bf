#include "model/pcie/config_space.h"

namespace iovsim {

using namespace pcicfg;

ConfigSpace::ConfigSpace(const DeviceProfile& prof, Kind kind, unsigned pf_index,
                         unsigned max_vfs)
    : max_vfs_(max_vfs) {
  if (kind == Kind::PF) {
    put(VENDOR_ID, 2, prof.vendor_id);
    put(DEVICE_ID, 2, prof.pf_device_id);
    put(HEADER_TYPE, 1, 0x80);  // multi-function: one PF per port
  } else {
    put(VENDOR_ID, 2, 0xFFFF);  // SR-IOV: a VF's IDs read FFFFh; software uses the PF's cap
    put(DEVICE_ID, 2, 0xFFFF);
  }
  put(CLASS_REV, 4, 0x02000001);  // Ethernet controller, revision 1
  put(STATUS, 2, 1u << 4);        // capabilities list
  put(CAP_PTR, 1, PCIE_CAP);
  put(PCIE_CAP, 2, 0x0010);       // PCI Express capability, last in the legacy list
  put(PCIE_CAP + 2, 2, 0x0002);   // version 2, endpoint
  mask(COMMAND, 2, kind == Kind::PF ? (CMD_MEMORY | CMD_BUS_MASTER) : CMD_BUS_MASTER);
  (void)pf_index;
  if (kind == Kind::VF) return;   // VF BARs live in the PF's SR-IOV capability
  bar(BAR0, prof.pf_bar0_bytes);
  // Extended capabilities: AER at 0x100 -> ARI at 0x150 -> SR-IOV at the profile's offset.
  put(0x100, 4, 0x0001u | 1u << 16 | 0x150u << 20);
  put(0x150, 4, 0x000Eu | 1u << 16 | std::uint32_t{prof.sriov_cap_offset} << 20);
  sriov_ = prof.sriov_cap_offset;
  put(sriov_, 4, 0x0010u | 1u << 16);
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
  bar(sriov_ + SRIOV_BAR, prof.vf_bar0_bytes);       // VF BAR0: registers
  bar(sriov_ + SRIOV_BAR + 12, prof.vf_bar0_bytes);  // VF BAR3: MSI-X table (not modelled)
}

void ConfigSpace::put(std::uint32_t o, unsigned len, std::uint32_t v) {
  for (unsigned i = 0; i < len; ++i) data_[o + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void ConfigSpace::mask(std::uint32_t o, unsigned len, std::uint32_t m) {
  for (unsigned i = 0; i < len; ++i) wmask_[o + i] = static_cast<std::uint8_t>(m >> (8 * i));
}
void ConfigSpace::bar(std::uint32_t o, std::uint32_t size) {
  mask(o, 4, ~(size - 1));  // 32-bit non-prefetchable memory BAR: type bits read 0
}

std::uint32_t ConfigSpace::read(std::uint32_t offset, unsigned len) const {
  if (offset + len > data_.size()) return 0xFFFFFFFFu;
  std::uint32_t v = 0;
  for (unsigned i = 0; i < len; ++i) v |= std::uint32_t{data_[offset + i]} << (8 * i);
  return v;
}

bool ConfigSpace::write(std::uint32_t offset, unsigned len, std::uint32_t value) {
  if ((len != 1 && len != 2 && len != 4) || offset % len || offset + len > data_.size()) {
    ++rejected_;
    return false;
  }
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
