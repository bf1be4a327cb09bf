// PCI configuration space of one function: the type-0 header and the capability chain the part
// shows (pciutils tests/cap-pcie-2, an 82576 PF): PF PM [40] -> MSI [50] -> MSI-X [70] -> PCIe
// [a0] (-> VPD [e0] on the 82599), extended AER [100] -> DSN [140] -> ARI [150] -> SR-IOV
// [160]; a VF MSI-X [70] -> PCIe [a0], AER [100] -> ARI [150] (QEMU igbvf, an I350 VF).
// Reads and writes honour per-byte write masks; BARs answer the all-ones sizing protocol.
// Values the hardware fixes (IDs, SR-IOV offsets, table sizes) come from the DeviceProfile.
// PM, MSI, VPD, AER and DSN hold their registers but have no behaviour.
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "model/core/device_profile.h"
#include "model/regs/pci_config.h"

namespace iovsim {


class ConfigSpace {
public:
  enum class Kind { PF, VF };
  static constexpr std::uint32_t kMsixBarBytes = 16 * 1024;  // PF MSI-X BAR, VF BAR3
  ConfigSpace(const DeviceProfile& prof, Kind kind, unsigned pf_index, unsigned max_vfs,
              unsigned functions_on_device = 1);
  Kind kind() const { return kind_; }
  void set_serial(std::uint64_t serial);  // the PF's Device Serial Number (from its MAC)

  std::uint32_t read(std::uint32_t offset, unsigned len) const;
  // Returns false for an access the function rejects (misaligned, crosses a dword).
  bool write(std::uint32_t offset, unsigned len, std::uint32_t value);

  std::uint16_t command() const { return get16(pcicfg::COMMAND); }
  std::uint64_t bar0() const { return bar_at(pcicfg::BAR0); }
  std::uint64_t bar(unsigned i) const { return bar_at(pcicfg::BAR0 + 4 * i); }
  // The size of the BAR at `offset` (a header BAR or one in the SR-IOV capability) as the
  // all-ones sizing protocol finds it; 0 when no BAR is there.
  std::uint64_t bar_size(std::uint32_t offset) const;
  std::uint32_t sriov_offset() const { return sriov_; }  // 0: none (a VF)
  // MSI-X Message Control: enabled, function masked.
  bool msix_enabled() const { return get16(pcipcfg_msix()) & pcicfg::MSIX_FLAGS_ENABLE; }
  bool msix_masked() const { return get16(pcipcfg_msix()) & pcicfg::MSIX_FLAGS_MASKALL; }
  // PF only: SR-IOV state.
  bool vf_enable() const { return sriov_ctrl() & pcicfg::SRIOV_CTRL_VFE; }
  bool vf_memory_enable() const { return sriov_ctrl() & pcicfg::SRIOV_CTRL_MSE; }
  unsigned first_vf_offset() const { return get16(sriov_ + pcicfg::SRIOV_VF_OFFSET); }
  unsigned vf_stride() const { return get16(sriov_ + pcicfg::SRIOV_VF_STRIDE); }
  unsigned num_vfs() const { return get16(sriov_ + pcicfg::SRIOV_NUM_VF); }
  std::uint64_t vf_bar0() const { return bar_at(sriov_ + pcicfg::SRIOV_BAR); }
  std::uint64_t vf_bar3() const { return bar_at(sriov_ + pcicfg::SRIOV_BAR + 12); }
  const std::uint64_t& rejected_writes() const { return rejected_; }
  std::uint64_t writes() const { return writes_; }  // accepted writes: what was decoded may be stale
  // Called after any SR-IOV control or NumVFs change, after any Command register write, and
  // after any MSI-X Message Control write.
  std::function<void()> on_sriov_change;
  std::function<void()> on_command_change;
  std::function<void()> on_msix_change;

private:
  std::uint16_t sriov_ctrl() const { return get16(sriov_ + pcicfg::SRIOV_CTRL); }
  std::uint16_t get16(std::uint32_t o) const { return static_cast<std::uint16_t>(data_[o] | data_[o + 1] << 8); }
  std::uint32_t get32(std::uint32_t o) const { return get16(o) | std::uint32_t{get16(o + 2)} << 16; }
  static constexpr std::uint32_t pcipcfg_msix() { return pcicfg::MSIX_CAP + pcicfg::MSIX_FLAGS; }
  std::uint64_t bar_at(std::uint32_t o) const {  // a memory BAR's address (64-bit: two dwords)
    const std::uint32_t lo = get32(o);
    return (lo & ~0xFu) | ((lo & 0x6) == 0x4 ? std::uint64_t{get32(o + 4)} << 32 : 0);
  }
  void put(std::uint32_t o, unsigned len, std::uint32_t v);
  void mask(std::uint32_t o, unsigned len, std::uint32_t m);
  void bar(std::uint32_t o, std::uint32_t size, bool is64, bool prefetchable);
  void io_bar(std::uint32_t o, std::uint32_t size);
  void cap(std::uint32_t at, std::uint8_t id, std::uint32_t next);
  void ext_cap(std::uint32_t at, std::uint16_t id, unsigned version, std::uint32_t next);
  std::array<std::uint8_t, 4096> data_{}, wmask_{};
  std::uint32_t sriov_ = 0;
  unsigned max_vfs_;
  Kind kind_;
  std::uint16_t first_vf_offset_ari_ = 0;
  std::uint64_t rejected_ = 0, writes_ = 0;
};

}  // namespace iovsim
