// Register offsets and fields of the 82576 and 82599, written out for the tests from the
// sources the model cites (Linux igb e1000_regs.h / e1000_82575.h / e1000_defines.h, igbvf
// regs.h and mbx.h; ixgbe ixgbe_type.h and ixgbe_mbx.h, ixgbevf defines.h and mbx.h) and kept
// apart from the model's own register maps (model/regs), so that a test reading a register at
// these offsets checks the map as well as the behaviour.
#pragma once
#include <cstdint>

namespace iovsim::test {

// A bit field [Hi:Lo], written out here so the test does not use the model's Field.
template <unsigned Hi, unsigned Lo>
struct Field {
  static constexpr std::uint32_t kWidthMask =
      (Hi - Lo == 31) ? 0xFFFFFFFFu : ((1u << (Hi - Lo + 1)) - 1u);
  static constexpr std::uint32_t kMask = kWidthMask << Lo;
  static constexpr std::uint32_t get(std::uint32_t reg) { return (reg >> Lo) & kWidthMask; }
  static constexpr std::uint32_t set(std::uint32_t reg, std::uint32_t v) {
    return (reg & ~kMask) | ((v & kWidthMask) << Lo);
  }
};
template <unsigned B>
using Bit = Field<B, B>;

namespace t76 {


// ---- PF BAR0
constexpr std::uint32_t CTRL = 0x0000, STATUS = 0x0008;
constexpr std::uint32_t RCTL = 0x0100;
// Device management (e1000_regs.h / e1000_defines.h, Linux 6.1 igb)
constexpr std::uint32_t EECD = 0x0010, EERD = 0x0014, CTRL_EXT = 0x0018, MDIC = 0x0020;
constexpr std::uint32_t ICR = 0x00C0, ICS = 0x00C8, IMS = 0x00D0, IMC = 0x00D8, GPIE = 0x1514;
constexpr std::uint32_t EEMNGCTL = 0x1010, SWSM = 0x5B50, SW_FW_SYNC = 0x5B5C;
constexpr std::uint32_t GPRC = 0x4074, GPTC = 0x4080, GORCL = 0x4088, GORCH = 0x408C;
constexpr std::uint32_t E1000_CTRL_RST = 0x04000000, E1000_CTRL_PHY_RST = 0x80000000;
constexpr std::uint32_t E1000_STATUS_FD = 0x1, E1000_STATUS_LU = 0x2, E1000_STATUS_SPEED_1000 = 0x80;
constexpr std::uint32_t E1000_EECD_PRES = 0x100, E1000_EECD_AUTO_RD = 0x200;
constexpr std::uint32_t E1000_NVM_RW_REG_START = 1, E1000_NVM_RW_REG_DONE = 2;  // 82575/82576
constexpr unsigned E1000_NVM_RW_ADDR_SHIFT = 2, E1000_NVM_RW_REG_DATA = 16;
constexpr std::uint32_t E1000_MDIC_OP_WRITE = 0x04000000, E1000_MDIC_OP_READ = 0x08000000;
constexpr std::uint32_t E1000_MDIC_READY = 0x10000000, E1000_MDIC_ERROR = 0x40000000;
constexpr unsigned E1000_MDIC_REG_SHIFT = 16, E1000_MDIC_PHY_SHIFT = 21;
constexpr std::uint32_t E1000_SWSM_SMBI = 1, E1000_SWSM_SWESMBI = 2;
constexpr std::uint32_t E1000_ICR_TXDW = 0x1, E1000_ICR_LSC = 0x4, E1000_ICR_RXT0 = 0x80;
constexpr std::uint32_t E1000_ICR_INT_ASSERTED = 0x80000000;
constexpr std::uint32_t IGP03E1000_E_PHY_ID = 0x02A80390, PHY_REVISION_MASK = 0xFFFFFFF0;
constexpr std::uint16_t NVM_SUM = 0xBABA;
constexpr unsigned NVM_CHECKSUM_REG = 0x3F;
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

}  // namespace t76

namespace t99 {


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

constexpr unsigned RAR_ENTRIES = 128;  // IXGBE_82599_RAR_ENTRIES
constexpr unsigned VLVF_ENTRIES = 64;  // IXGBE_VLVF_ENTRIES
}  // namespace t99

}  // namespace iovsim::test
