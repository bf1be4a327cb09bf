// PCI configuration-space register offsets and bits the model and the driver models share:
// the type-0 header and the SR-IOV extended capability (Linux include/uapi/linux/pci_regs.h,
// PCI_SRIOV_*; PCI Express Base Specification, SR-IOV chapter).
#pragma once
#include <cstdint>

namespace iovsim {

namespace pcicfg {
constexpr std::uint32_t VENDOR_ID = 0x00, DEVICE_ID = 0x02, COMMAND = 0x04, STATUS = 0x06;
constexpr std::uint32_t CLASS_REV = 0x08, HEADER_TYPE = 0x0E, BAR0 = 0x10, CAP_PTR = 0x34;
constexpr std::uint16_t CMD_MEMORY = 1u << 1, CMD_BUS_MASTER = 1u << 2;
constexpr std::uint32_t PCIE_CAP = 0xA0;
// SR-IOV extended capability registers, relative to the capability (PCI_SRIOV_* in Linux).
constexpr std::uint32_t SRIOV_CAP = 0x04, SRIOV_CTRL = 0x08, SRIOV_STATUS = 0x0A,
                        SRIOV_INITIAL_VF = 0x0C, SRIOV_TOTAL_VF = 0x0E, SRIOV_NUM_VF = 0x10,
                        SRIOV_FUNC_LINK = 0x12, SRIOV_VF_OFFSET = 0x14, SRIOV_VF_STRIDE = 0x16,
                        SRIOV_VF_DID = 0x1A, SRIOV_SUP_PGSIZE = 0x1C, SRIOV_SYS_PGSIZE = 0x20,
                        SRIOV_BAR = 0x24;
constexpr std::uint16_t SRIOV_CTRL_VFE = 1u << 0, SRIOV_CTRL_MSE = 1u << 3,
                        SRIOV_CTRL_ARI = 1u << 4;
}  // namespace pcicfg

}  // namespace iovsim
