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
// The filter offsets below duplicate what regs_82599.h (the device side's map) defines, so the
// driver-side policy does not depend on the sorter's header; test_mailbox.cpp checks that the
// two agree. The names live in their own namespace so both headers can be included together.
#pragma once
#include <cstdint>

#include "model/core/register_space.h"

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

// ---- Filters the PF policy programs (ixgbe_sriov.c, ixgbe_common.c)
constexpr unsigned RAR_ENTRIES = 128;  // IXGBE_82599_RAR_ENTRIES
constexpr unsigned VLVF_ENTRIES = 64;  // IXGBE_VLVF_ENTRIES
constexpr std::uint32_t MTA = 0x05200;   // 128 x 32 bits, IXGBE_MTA(i) = MTA + 4i
constexpr std::uint32_t VFTA = 0x0A000;  // 128 x 32 bits, IXGBE_VFTA(i) = VFTA + 4i
inline constexpr std::uint32_t RAL(unsigned n) {
  return n <= 15 ? 0x05400 + 8 * n : 0x0A200 + 8 * n;  // n itself, not n - 16
}
inline constexpr std::uint32_t RAH(unsigned n) { return RAL(n) + 4; }
using RAH_ADDR_HI = Field<15, 0>;  // MAC bytes 4-5; no pool bits on the 82599
using RAH_AV = Bit<31>;
inline constexpr std::uint32_t MPSAR_LO(unsigned n) { return 0x0A600 + 8 * n; }  // pools 0-31
inline constexpr std::uint32_t MPSAR_HI(unsigned n) { return 0x0A604 + 8 * n; }  // pools 32-63
inline constexpr std::uint32_t PFVML2FLT(unsigned pool) { return 0x0F000 + 4 * pool; }
using PFVML2FLT_AUPE = Bit<24>;
using PFVML2FLT_ROMPE = Bit<25>;
using PFVML2FLT_ROPE = Bit<26>;
using PFVML2FLT_BAM = Bit<27>;
using PFVML2FLT_MPE = Bit<28>;
inline constexpr std::uint32_t VLVF(unsigned i) { return 0x0F100 + 4 * i; }
using VLVF_VID = Field<11, 0>;  // IXGBE_VLVF_VLANID_MASK
using VLVF_VIEN = Bit<31>;      // IXGBE_VLVF_VIEN
// VLVFB(j), j = 0..127: the pool bitmap of VLVF entry i is VLVFB(2i) (pools 0-31) and
// VLVFB(2i + 1) (pools 32-63), as ixgbe_set_vfta_generic indexes it.
inline constexpr std::uint32_t VLVFB(unsigned j) { return 0x0F200 + 4 * j; }
inline constexpr std::uint32_t PFVFRE(unsigned n) { return 0x051E0 + 4 * n; }  // n = pool / 32
inline constexpr std::uint32_t PFVFTE(unsigned n) { return 0x08110 + 4 * n; }
// Per-VF anti-spoofing: register vf / 8, MAC bit vf % 8, VLAN bit 8 + vf % 8
// (ixgbe_set_mac_anti_spoofing / ixgbe_set_vlan_anti_spoofing). Not written by the policy:
// ixgbe_vf_reset_event only touches it with a port VLAN, QoS or DCB, none of which the model has.
inline constexpr std::uint32_t PFVFSPOOF(unsigned i) { return 0x08200 + 4 * i; }

}  // namespace iovsim::regs82599mbx
