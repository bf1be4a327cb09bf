// PCI configuration space of one function: the type-0 header, the PCI Express capability and,
// for a PF, the SR-IOV extended capability. Reads and writes honour per-byte write masks; BARs
// answer the all-ones sizing protocol. Values the hardware fixes (IDs, SR-IOV offsets) come
// from the DeviceProfile. AER and ARI headers sit in the extended chain where the 82576 has
// them, with their bodies reading zero (not modelled).
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
  ConfigSpace(const DeviceProfile& prof, Kind kind, unsigned pf_index, unsigned max_vfs);

  std::uint32_t read(std::uint32_t offset, unsigned len) const;
  // Returns false for an access the function rejects (misaligned, crosses a dword).
  bool write(std::uint32_t offset, unsigned len, std::uint32_t value);

  std::uint16_t command() const { return get16(pcicfg::COMMAND); }
  std::uint32_t bar0() const { return get32(pcicfg::BAR0) & ~0xFu; }
  // PF only: SR-IOV state.
  bool vf_enable() const { return sriov_ctrl() & pcicfg::SRIOV_CTRL_VFE; }
  bool vf_memory_enable() const { return sriov_ctrl() & pcicfg::SRIOV_CTRL_MSE; }
  unsigned first_vf_offset() const { return get16(sriov_ + pcicfg::SRIOV_VF_OFFSET); }
  unsigned vf_stride() const { return get16(sriov_ + pcicfg::SRIOV_VF_STRIDE); }
  unsigned num_vfs() const { return get16(sriov_ + pcicfg::SRIOV_NUM_VF); }
  std::uint32_t vf_bar0() const { return get32(sriov_ + pcicfg::SRIOV_BAR) & ~0xFu; }
  const std::uint64_t& rejected_writes() const { return rejected_; }
  // Called after any SR-IOV control or NumVFs change, and after any Command register write.
  std::function<void()> on_sriov_change;
  std::function<void()> on_command_change;

private:
  std::uint16_t sriov_ctrl() const { return get16(sriov_ + pcicfg::SRIOV_CTRL); }
  std::uint16_t get16(std::uint32_t o) const { return static_cast<std::uint16_t>(data_[o] | data_[o + 1] << 8); }
  std::uint32_t get32(std::uint32_t o) const { return get16(o) | std::uint32_t{get16(o + 2)} << 16; }
  void put(std::uint32_t o, unsigned len, std::uint32_t v);
  void mask(std::uint32_t o, unsigned len, std::uint32_t m);
  void bar(std::uint32_t o, std::uint32_t size);
  std::array<std::uint8_t, 4096> data_{}, wmask_{};
  std::uint32_t sriov_ = 0;
  unsigned max_vfs_;
  std::uint16_t first_vf_offset_ari_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace iovsim
