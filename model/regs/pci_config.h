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
constexpr std::uint32_t CMD_IO = 1u << 0, CMD_INTX_DISABLE = 1u << 10;
constexpr std::uint32_t SUBSYS_VENDOR = 0x2C, SUBSYS_ID = 0x2E, INT_LINE = 0x3C, INT_PIN = 0x3D;
constexpr std::uint32_t CACHE_LINE = 0x0C;
constexpr std::uint16_t STATUS_CAP_LIST = 1u << 4;
// Capability IDs and where the 82576/82599 place them (pciutils tests/cap-pcie-2: an 82576 PF;
// lspci of 82599 PFs; QEMU igbvf for the VFs).
constexpr std::uint8_t CAP_ID_PM = 0x01, CAP_ID_VPD = 0x03, CAP_ID_MSI = 0x05, CAP_ID_PCIE = 0x10,
                       CAP_ID_MSIX = 0x11;
constexpr std::uint32_t PM_CAP = 0x40, MSI_CAP = 0x50, MSIX_CAP = 0x70, PCIE_CAP = 0xA0,
                        VPD_CAP = 0xE0;
constexpr std::uint16_t EXT_ID_AER = 0x0001, EXT_ID_DSN = 0x0003, EXT_ID_ARI = 0x000E,
                        EXT_ID_SRIOV = 0x0010;
constexpr std::uint32_t AER_CAP = 0x100, DSN_CAP = 0x140, ARI_CAP = 0x150;
// MSI-X capability registers (PCI_MSIX_* in Linux pci_regs.h), relative to the capability.
constexpr std::uint32_t MSIX_FLAGS = 0x02, MSIX_TABLE = 0x04, MSIX_PBA = 0x08;
constexpr std::uint16_t MSIX_FLAGS_QSIZE = 0x07FF, MSIX_FLAGS_MASKALL = 1u << 14,
                        MSIX_FLAGS_ENABLE = 1u << 15;
constexpr std::uint32_t MSIX_PBA_OFFSET = 0x2000;  // PBA at BAR + 8 KB, table at BAR + 0
// PCI Express capability registers, relative to the capability.
constexpr std::uint32_t EXP_DEVCAP = 0x04, EXP_DEVCTL = 0x08, EXP_DEVSTA = 0x0A, EXP_LNKCAP = 0x0C,
                        EXP_LNKCTL = 0x10, EXP_LNKSTA = 0x12, EXP_DEVCAP2 = 0x24, EXP_DEVCTL2 = 0x28,
                        EXP_LNKCTL2 = 0x30;
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
