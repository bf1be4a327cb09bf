// Register offsets and bit fields of the 82576 subset the model implements, in the PF's BAR0
// and in a VF's BAR0. Sources: Linux igb e1000_regs.h / e1000_82575.h / e1000_defines.h and
// igbvf regs.h (the 82576 datasheet text was not at hand: docs/registers.md says which facts
// came from where). The device
// blocks decode these offsets and the driver models write them, like igb and igbvf do.
#pragma once
#include <cstdint>

#include "model/core/register_space.h"

namespace iovsim::regs {

// ---- PF BAR0
constexpr std::uint32_t CTRL = 0x0000, STATUS = 0x0008;
constexpr std::uint32_t RCTL = 0x0100;
using RCTL_UPE = Bit<3>;
using RCTL_MPE = Bit<4>;
using RCTL_MO = Field<13, 12>;
using RCTL_BAM = Bit<15>;
using RCTL_VFE = Bit<18>;
using RCTL_SECRC = Bit<26>;

constexpr std::uint32_t MTA = 0x5200;   // 128 x 32 bits
constexpr std::uint32_t VFTA = 0x5600;  // 128 x 32 bits
constexpr std::uint32_t MRQC = 0x5818;
using MRQC_MRQE = Field<2, 0>;          // 0x3: VMDq (pools), 0x5: VMDq + RSS (igb_setup_mrqc)
constexpr std::uint32_t MRQE_VMDQ = 0x3, MRQE_VMDQ_RSS = 0x5;
// MRQC hash-type enables (E1000_MRQC_RSS_FIELD_*)
constexpr std::uint32_t MRQC_RSS_IPV4_TCP = 1u << 16, MRQC_RSS_IPV4 = 1u << 17,
                        MRQC_RSS_IPV6 = 1u << 20, MRQC_RSS_IPV6_TCP = 1u << 21,
                        MRQC_RSS_IPV4_UDP = 1u << 22, MRQC_RSS_IPV6_UDP = 1u << 23;
constexpr std::uint32_t RETA = 0x5C00;   // 32 x 4 one-byte entries
constexpr std::uint32_t RSSRK = 0x5C80;  // 10 x 32 bits: the 40-byte Toeplitz key
// Wrong VM Behavior: bit q set when Tx queue q sent a spoofed frame; read to clear. igb's
// igb_spoof_check tests bits vf and vf + 8 (IGB_STAGGERED_QUEUE_OFFSET): a VF's two queues.
constexpr std::uint32_t WVBR = 0x3554;
constexpr std::uint32_t VT_CTL = 0x581C;
using VT_CTL_DEF_PL = Field<9, 7>;
using VT_CTL_IGNORE_MAC = Bit<28>;
using VT_CTL_DIS_DEF_POOL = Bit<29>;
using VT_CTL_VM_REPL_EN = Bit<30>;

inline constexpr std::uint32_t RAL(unsigned n) {
  return n < 16 ? 0x5400 + 8 * n : 0x54E0 + 8 * (n - 16);
}
inline constexpr std::uint32_t RAH(unsigned n) { return RAL(n) + 4; }
using RAH_ADDR_HI = Field<15, 0>;
using RAH_POOLSEL = Field<25, 18>;  // one bit per pool
using RAH_AV = Bit<31>;

inline constexpr std::uint32_t VMOLR(unsigned n) { return 0x5AD0 + 4 * n; }
using VMOLR_RLPML = Field<13, 0>;
using VMOLR_LPE = Bit<16>;
using VMOLR_RSSE = Bit<17>;
using VMOLR_AUPE = Bit<24>;
using VMOLR_ROMPE = Bit<25>;
using VMOLR_ROPE = Bit<26>;
using VMOLR_BAM = Bit<27>;
using VMOLR_MPME = Bit<28>;
using VMOLR_STRVLAN = Bit<30>;

inline constexpr std::uint32_t VLVF(unsigned n) { return 0x5D00 + 4 * n; }
constexpr std::uint32_t VFRE = 0x0C8C;    // bit p: pool p may receive
constexpr std::uint32_t VFTE = 0x0C90;    // bit p: pool p may transmit
constexpr std::uint32_t DTXSWC = 0x3500;
using DTXSWC_MAC_SPOOF = Field<7, 0>;
using DTXSWC_VLAN_SPOOF = Field<15, 8>;
using DTXSWC_LLE = Field<23, 16>;         // per-pool local loopback enable
using DTXSWC_LOOPBACK_EN = Bit<31>;       // VMDQ_LOOPBACK_EN

// Per-VF Tx rate limiter (igb_set_vf_rate_limit): select the queue, then program its factor.
constexpr std::uint32_t RTTDQSEL = 0x3604;
constexpr std::uint32_t RTTBCNRM = 0x3690;
constexpr std::uint32_t RTTBCNRC = 0x36B0;
using RTTBCNRC_RF_DEC = Field<13, 0>;
using RTTBCNRC_RF_INT = Field<23, 14>;
using RTTBCNRC_RS_ENA = Bit<31>;

// Queue registers, PF view: queues 0-3 also answer at the legacy 0x2800/0x3800 + 0x100n.
inline constexpr std::uint32_t RDBAL(unsigned n) { return 0xC000 + 0x40 * n; }
inline constexpr std::uint32_t TDBAL(unsigned n) { return 0xE000 + 0x40 * n; }
inline constexpr std::uint32_t RDBAL_LEGACY(unsigned n) { return 0x2800 + 0x100 * n; }
inline constexpr std::uint32_t TDBAL_LEGACY(unsigned n) { return 0x3800 + 0x100 * n; }
// Offsets from xDBAL within one queue's block.
constexpr std::uint32_t Q_BAL = 0x00, Q_BAH = 0x04, Q_LEN = 0x08, Q_SRRCTL = 0x0C,
                        Q_HEAD = 0x10, Q_TAIL = 0x18, Q_DCTL = 0x28;
using SRRCTL_BSIZEPACKET = Field<6, 0>;   // Rx buffer size in KB
using SRRCTL_DESCTYPE = Field<27, 25>;    // 1: advanced, one buffer
using SRRCTL_DROP_EN = Bit<31>;
using DCTL_ENABLE = Bit<25>;              // RXDCTL / TXDCTL queue enable

// ---- VF BAR0 (igbvf): queue q of the VF at 0x2800/0x3800 + 0x100q.
constexpr std::uint32_t VF_CTRL = 0x0000, VF_STATUS = 0x0008;
inline constexpr std::uint32_t VF_RDBAL(unsigned q) { return 0x2800 + 0x100 * q; }
inline constexpr std::uint32_t VF_TDBAL(unsigned q) { return 0x3800 + 0x100 * q; }

// ---- Advanced descriptors (16 bytes, little-endian)
// Rx read format: [0] packet buffer address, [8] header buffer address.
// Rx write-back: [0] RSS hash / packet type, [8] status+error (32), length (16), VLAN (16).
constexpr std::uint32_t RXD_STAT_DD = 1u << 0;
constexpr std::uint32_t RXD_STAT_EOP = 1u << 1;
constexpr std::uint32_t RXD_STAT_VP = 1u << 3;
// Tx data descriptor: [0] buffer address, [8] cmd_type_len, [12] olinfo_status.
using TXD_DTALEN = Field<15, 0>;
using TXD_DTYP = Field<23, 20>;           // 0x3: advanced data
constexpr std::uint32_t TXD_DCMD_EOP = 1u << 24;
constexpr std::uint32_t TXD_DCMD_IFCS = 1u << 25;
constexpr std::uint32_t TXD_DCMD_RS = 1u << 27;
constexpr std::uint32_t TXD_DCMD_DEXT = 1u << 29;
constexpr std::uint32_t TXD_STAT_DD = 1u << 0;  // in olinfo_status on write-back
constexpr unsigned TXD_PAYLEN_SHIFT = 14;

}  // namespace iovsim::regs
