// Register offsets and bit fields of the 82599 subset the model implements (PF BAR0 and a VF's
// BAR0). Sources: Linux ixgbe ixgbe_type.h (IXGBE_RAL/RAH/MPSAR_LO/HI, IXGBE_PFVTCTL,
// IXGBE_PFVML2FLT, IXGBE_VLVF/VLVFB, IXGBE_PFVFRE/PFVFTE, IXGBE_PFDTXGSWC, IXGBE_PFVFSPOOF,
// IXGBE_RDBAL/TDBAL, IXGBE_SRRCTL, IXGBE_RTTDQSEL/RTTBCNRC/RTTBCNRM, IXGBE_SSVPC) and ixgbevf
// defines.h (IXGBE_VFRDBAL, IXGBE_VFTDBAL); see docs/registers.md.
#pragma once
#include <cstdint>

#include "model/core/register_space.h"

namespace iovsim::regs82599 {

// ---- global L2 filtering
constexpr std::uint32_t FCTRL = 0x05080;
using FCTRL_MPE = Bit<8>;
using FCTRL_UPE = Bit<9>;
using FCTRL_BAM = Bit<10>;
constexpr std::uint32_t VLNCTRL = 0x05088;
using VLNCTRL_VFE = Bit<30>;
constexpr std::uint32_t MCSTCTRL = 0x05090;
using MCSTCTRL_MO = Field<1, 0>;
using MCSTCTRL_MFE = Bit<2>;
constexpr std::uint32_t MTA = 0x05200;   // 128 x 32
constexpr std::uint32_t VFTA = 0x0A000;  // 128 x 32
constexpr std::uint32_t UTA = 0x0F400;   // 128 x 32

inline constexpr std::uint32_t RAL(unsigned n) { return n <= 15 ? 0x05400 + 8 * n : 0x0A200 + 8 * n; }
inline constexpr std::uint32_t RAH(unsigned n) { return RAL(n) + 4; }
using RAH_ADDR_HI = Field<15, 0>;
using RAH_AV = Bit<31>;
inline constexpr std::uint32_t MPSAR_LO(unsigned n) { return 0x0A600 + 8 * n; }  // pools 0-31
inline constexpr std::uint32_t MPSAR_HI(unsigned n) { return 0x0A604 + 8 * n; }  // pools 32-63

// ---- virtualization
constexpr std::uint32_t PFVTCTL = 0x051B0;
using PFVTCTL_VT_ENA = Bit<0>;
using PFVTCTL_DEF_PL = Field<12, 7>;
using PFVTCTL_DIS_DEFPL = Bit<29>;
using PFVTCTL_REPLEN = Bit<30>;
inline constexpr std::uint32_t PFVML2FLT(unsigned p) { return 0x0F000 + 4 * p; }
using PFVML2FLT_AUPE = Bit<24>;
using PFVML2FLT_ROMPE = Bit<25>;
using PFVML2FLT_ROPE = Bit<26>;
using PFVML2FLT_BAM = Bit<27>;
using PFVML2FLT_MPE = Bit<28>;
inline constexpr std::uint32_t VLVF(unsigned i) { return 0x0F100 + 4 * i; }
using VLVF_VID = Field<11, 0>;
using VLVF_VIEN = Bit<31>;
inline constexpr std::uint32_t VLVFB(unsigned i) { return 0x0F200 + 4 * i; }  // 2 per VLVF
inline constexpr std::uint32_t PFVFRE(unsigned n) { return 0x051E0 + 4 * n; }
inline constexpr std::uint32_t PFVFTE(unsigned n) { return 0x08110 + 4 * n; }
constexpr std::uint32_t PFDTXGSWC = 0x08220;
using PFDTXGSWC_VT_LBEN = Bit<0>;
inline constexpr std::uint32_t PFVFSPOOF(unsigned i) { return 0x08200 + 4 * i; }  // VFs 8i..8i+7
using PFVFSPOOF_MAC = Field<7, 0>;
using PFVFSPOOF_VLAN = Field<15, 8>;
constexpr std::uint32_t SSVPC = 0x08780;  // spoofed packets, read to clear

// ---- RSS: MRQE 0x8 = VMDq with 64 pools, 0xB = 64 pools with RSS (IXGBE_MRQC_VMDQ*EN).
// The 82599's own offsets (as tinynf programs them from the datasheet, MRQC §8.2.3.7.12) and
// the 82598 offsets Linux ixgbe_type.h defines (IXGBE_MRQC 0x05818, IXGBE_RETA(i) 0x05C00 + 4i,
// IXGBE_RSSRK(i) 0x05C80 + 4i), which the 82599 answers as aliases (docs/registers.md).
constexpr std::uint32_t MRQC = 0x0EC80, MRQC_ALIAS = 0x05818;
using MRQC_MRQE = Field<3, 0>;
constexpr std::uint32_t MRQE_VMDQ = 0x8, MRQE_VMDQ_RSS = 0xB;
constexpr std::uint32_t RETA = 0x0EB00, RETA_ALIAS = 0x05C00;
constexpr std::uint32_t RSSRK = 0x0EB80, RSSRK_ALIAS = 0x05C80;

// ---- queues: RDBAL(n) n < 64 at 0x1000 + 0x40n, else 0xD000 + 0x40(n-64); SRRCTL in the
// same block at +0x14; Tx at 0x6000 + 0x40n. A VF's queue i at 0x1000/0x2000 + 0x40i.
inline constexpr std::uint32_t RDBAL(unsigned n) {
  return n < 64 ? 0x01000 + 0x40 * n : 0x0D000 + 0x40 * (n - 64);
}
inline constexpr std::uint32_t TDBAL(unsigned n) { return 0x06000 + 0x40 * n; }
inline constexpr std::uint32_t VF_RDBAL(unsigned i) { return 0x01000 + 0x40 * i; }
inline constexpr std::uint32_t VF_TDBAL(unsigned i) { return 0x02000 + 0x40 * i; }
constexpr std::uint32_t Q_SRRCTL = 0x14;
using SRRCTL_DROP_EN = Bit<28>;

// ---- Tx rate limiters (ixgbe_set_vf_rate_limit): same field layout as the 82576's
constexpr std::uint32_t RTTDQSEL = 0x04904, RTTBCNRM = 0x04980, RTTBCNRC = 0x04984;

}  // namespace iovsim::regs82599
