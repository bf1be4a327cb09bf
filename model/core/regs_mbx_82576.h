// Offsets and bit fields of the 82576 PF/VF mailbox, plus the VLVF fields the PF's mailbox policy
// programs. Kept apart from regs_82576.h so the mailbox can evolve on its own.
// Sources: Linux igb e1000_regs.h (E1000_P2VMAILBOX, E1000_VMBMEM, E1000_MBVFICR, E1000_MBVFIMR)
// and e1000_mbx.h (P2VMAILBOX bits, MBVFICR masks); igbvf regs.h (E1000_V2PMAILBOX,
// E1000_VMBMEM) and mbx.h (V2PMAILBOX bits, E1000_V2PMAILBOX_R2C_BITS); igb e1000_defines.h
// (E1000_VLVF_*). The 82576 datasheet text was not at hand to check them against;
// docs/registers-research.md §5 collects the facts and their sources.
#pragma once
#include <cstdint>

#include "model/core/register_space.h"

namespace iovsim::regs {

constexpr unsigned MBX_MAX_VFS = 8;   // MBVFICR has 8 VFREQ and 8 VFACK bits; 82576 uses 7 VFs
constexpr unsigned MBX_WORDS = 16;    // E1000_VFMAILBOX_SIZE: 16 DWORDs = 64 bytes per VF

// ---- PF BAR0
inline constexpr std::uint32_t P2VMAILBOX(unsigned vf) { return 0x0C00 + 4 * vf; }
inline constexpr std::uint32_t VMBMEM(unsigned vf) { return 0x0800 + 64 * vf; }  // + 4 * word
constexpr std::uint32_t MBVFICR = 0x0C80;  // write 1 to clear
constexpr std::uint32_t MBVFIMR = 0x0C84;
using P2VMAILBOX_STS = Bit<0>;   // PF sent a message: sets the VF's PFSTS
using P2VMAILBOX_ACK = Bit<1>;   // PF acknowledges the VF's message: sets the VF's PFACK
using P2VMAILBOX_VFU = Bit<2>;   // read only: the VF owns the buffer
using P2VMAILBOX_PFU = Bit<3>;   // PF owns the buffer (granted only while VFU is clear)
using P2VMAILBOX_RVFU = Bit<4>;  // reset the VF's VFU (VF driver stuck)
using MBVFICR_VFREQ = Field<7, 0>;
using MBVFICR_VFACK = Field<23, 16>;
inline constexpr std::uint32_t MBVFICR_VFREQ_BIT(unsigned vf) { return 1u << vf; }
inline constexpr std::uint32_t MBVFICR_VFACK_BIT(unsigned vf) { return 1u << (16 + vf); }
// MBVFIMR: bit v enables the PF interrupt (ICR.VMMB) for VF v's mailbox events. igb writes 0xFF
// (igb_irq_enable). Whether the 82576 has separate enables for the VFACK events is not clear
// from the drivers; the model lets bit v cover both VFREQ[v] and VFACK[v].
using MBVFIMR_VFIM = Field<7, 0>;

// ---- VF BAR0 (igbvf: E1000_V2PMAILBOX(0) = 0x0C40, E1000_VMBMEM(0) = 0x0800)
constexpr std::uint32_t VF_V2PMAILBOX = 0x0C40;
constexpr std::uint32_t VF_VMBMEM = 0x0800;  // + 4 * word
using V2PMAILBOX_REQ = Bit<0>;    // VF sent a message: sets MBVFICR.VFREQ[vf]
using V2PMAILBOX_ACK = Bit<1>;    // VF acknowledges the PF's message: sets MBVFICR.VFACK[vf]
using V2PMAILBOX_VFU = Bit<2>;    // VF owns the buffer (granted only while PFU is clear)
using V2PMAILBOX_PFU = Bit<3>;    // read only: the PF owns the buffer
using V2PMAILBOX_PFSTS = Bit<4>;  // read to clear: the PF wrote a message
using V2PMAILBOX_PFACK = Bit<5>;  // read to clear: the PF acknowledged the VF's message
using V2PMAILBOX_RSTI = Bit<6>;   // read only: PF reset in progress
using V2PMAILBOX_RSTD = Bit<7>;   // read to clear: PF reset done
constexpr std::uint32_t V2PMAILBOX_R2C_BITS = 0xB0;  // PFSTS | PFACK | RSTD

// ---- VLVF(n) fields (E1000_VLVF_VLANID_MASK, E1000_VLVF_POOLSEL_SHIFT/MASK,
// E1000_VLVF_VLANID_ENABLE); the offset VLVF(n) is in regs_82576.h.
using VLVF_VLANID = Field<11, 0>;
using VLVF_POOLSEL = Field<19, 12>;
using VLVF_VLANID_ENABLE = Bit<31>;
constexpr unsigned VLVF_ENTRIES_82576 = 32;  // E1000_VLVF_ARRAY_SIZE

}  // namespace iovsim::regs
