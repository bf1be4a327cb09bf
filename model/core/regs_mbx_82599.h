// Offsets and bit fields of the 82599 PF/VF mailbox and of the filter registers the PF's mailbox
// policy (the ixgbe side) programs. The 82576 counterpart is regs_mbx_82576.h.
// Sources (Linux): ixgbe ixgbe_type.h (IXGBE_PFMAILBOX, IXGBE_PFMBMEM, IXGBE_PFMBICR,
// IXGBE_PFMBIMR, IXGBE_MTA, IXGBE_RAL/RAH, IXGBE_MPSAR_LO/HI, IXGBE_VFTA, IXGBE_VLVF/VLVFB,
// IXGBE_VLVF_VIEN, IXGBE_VMOLR (= PFVML2FLT) and its bits, IXGBE_VFRE/VFTE (= PFVFRE/PFVFTE),
// IXGBE_PFVFSPOOF), ixgbe_mbx.h (IXGBE_PFMAILBOX_* bits, IXGBE_MBVFICR_VFREQ/VFACK masks, the
// 16-VFs-per-register indexing of ixgbe_check_for_msg_pf) and ixgbevf mbx.h / defines.h
// (IXGBE_VFMAILBOX 0x002FC, IXGBE_VFMBMEM 0x00200, IXGBE_VFMAILBOX_* bits and R2C_BITS).
// The mailbox bits sit where the 82576's do (same values in ixgbe_mbx.h and e1000_mbx.h).
// docs/registers-research.md §2.3, §2.4, §3.2 and §5 collect the facts.
//
// The filter registers the policy writes are regs_82599.h's (one definition for the device and
// the driver side), brought into this namespace by name.
#pragma once
#include <cstdint>

#include "model/core/register_space.h"
#include "model/core/regs_82599.h"

namespace iovsim::regs82599mbx {

constexpr unsigned MBX_MAX_VFS = 64;  // 64 PFMAILBOX registers (ixgbe_type.h "64 total")
constexpr unsigned MBX_WORDS = 16;    // IXGBE_VFMAILBOX_SIZE
constexpr unsigned MBX_ICR_REGS = 4;  // PFMBICR / PFMBIMR: "4 total"
constexpr unsigned MBX_VFS_PER_ICR = 16;

// ---- PF BAR0
inline constexpr std::uint32_t PFMAILBOX(unsigned vf) { return 0x04B00 + 4 * vf; }
inline constexpr std::uint32_t PFMBMEM(unsigned vf) { return 0x13000 + 64 * vf; }  // + 4 * word
inline constexpr std::uint32_t PFMBICR(unsigned i) { return 0x00710 + 4 * i; }      // W1C
inline constexpr std::uint32_t PFMBIMR(unsigned i) { return 0x00720 + 4 * i; }
using PFMAILBOX_STS = Bit<0>;   // IXGBE_PFMAILBOX_STS 0x01
using PFMAILBOX_ACK = Bit<1>;   // IXGBE_PFMAILBOX_ACK 0x02
using PFMAILBOX_VFU = Bit<2>;   // IXGBE_PFMAILBOX_VFU 0x04, read only
using PFMAILBOX_PFU = Bit<3>;   // IXGBE_PFMAILBOX_PFU 0x08
using PFMAILBOX_RVFU = Bit<4>;  // IXGBE_PFMAILBOX_RVFU 0x10
// PFMBICR(i) covers VFs 16i..16i+15: VFREQ in 15:0, VFACK in 31:16 (IXGBE_MBVFICR_VFREQ_MASK
// 0x0000FFFF, IXGBE_MBVFICR_VFACK_MASK 0xFFFF0000; ixgbe_check_for_msg_pf uses register
// vf >> 4 and bit vf % 16).
using PFMBICR_VFREQ = Field<15, 0>;
using PFMBICR_VFACK = Field<31, 16>;
inline constexpr unsigned PFMBICR_INDEX(unsigned vf) { return vf / MBX_VFS_PER_ICR; }
inline constexpr std::uint32_t PFMBICR_VFREQ_BIT(unsigned vf) { return 1u << (vf % 16); }
inline constexpr std::uint32_t PFMBICR_VFACK_BIT(unsigned vf) { return 1u << (16 + vf % 16); }
// PFMBIMR(i): which VFs may interrupt the PF (X550 datasheet §7.8.2.9.1 names the register;
// its bit layout was not found). Linux ixgbe never writes it yet takes mailbox interrupts, so
// the model starts with every VF enabled. The model gives register i bit b to VF 16i + b, the
// PFMBICR layout; FreeBSD's ixgbe sets bit pool % 32 of register pool / 32 instead: U.
using PFMBIMR_VFIM = Field<15, 0>;

// ---- VF BAR0 (ixgbevf)
constexpr std::uint32_t VFMAILBOX = 0x002FC;
constexpr std::uint32_t VFMBMEM = 0x00200;  // + 4 * word
using VFMAILBOX_REQ = Bit<0>;
using VFMAILBOX_ACK = Bit<1>;
using VFMAILBOX_VFU = Bit<2>;
using VFMAILBOX_PFU = Bit<3>;    // read only
using VFMAILBOX_PFSTS = Bit<4>;  // read to clear
using VFMAILBOX_PFACK = Bit<5>;  // read to clear
using VFMAILBOX_RSTI = Bit<6>;   // read only
using VFMAILBOX_RSTD = Bit<7>;   // read to clear
constexpr std::uint32_t VFMAILBOX_R2C_BITS = 0xB0;  // IXGBE_VFMAILBOX_R2C_BITS

// ---- Filters the PF policy programs (ixgbe_sriov.c, ixgbe_common.c): the device map's names.
constexpr unsigned RAR_ENTRIES = 128;  // IXGBE_82599_RAR_ENTRIES
constexpr unsigned VLVF_ENTRIES = 64;  // IXGBE_VLVF_ENTRIES
using regs82599::MPSAR_HI;
using regs82599::MPSAR_LO;
using regs82599::MTA;
using regs82599::PFVFRE;
using regs82599::PFVFSPOOF;
using regs82599::PFVFTE;
using regs82599::PFVML2FLT;
using regs82599::PFVML2FLT_AUPE;
using regs82599::PFVML2FLT_BAM;
using regs82599::PFVML2FLT_MPE;
using regs82599::PFVML2FLT_ROMPE;
using regs82599::PFVML2FLT_ROPE;
using regs82599::RAH;
using regs82599::RAH_ADDR_HI;
using regs82599::RAH_AV;
using regs82599::RAL;
using regs82599::VFTA;
using regs82599::VLVF;
using regs82599::VLVF_VID;
using regs82599::VLVF_VIEN;
using regs82599::VLVFB;

}  // namespace iovsim::regs82599mbx
