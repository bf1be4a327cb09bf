// The 82599 PF/VF mailbox (ixgbe ixgbe_mbx.c, ixgbevf mbx.c): 64 mailboxes, four PFMBICR and
// PFMBIMR registers of 16 VFs each. Sources: ixgbe_type.h (IXGBE_PFMAILBOX, IXGBE_PFMBMEM,
// IXGBE_PFMBICR, IXGBE_PFMBIMR: "4 total"), ixgbe_mbx.h (IXGBE_MBVFICR_VFREQ/VFACK masks and
// ixgbe_check_for_msg_pf's register vf >> 4, bit vf % 16), ixgbevf defines.h (IXGBE_VFMAILBOX
// 0x002FC, IXGBE_VFMBMEM 0x00200). The bits are the family-neutral ones of mailbox.h.
#pragma once
#include "model/regs/mailbox.h"

namespace iovsim::regs::i82599 {

// ---- PF BAR0
struct PFMAILBOX : Register<PFMAILBOX> {
  static constexpr RegInfo info = reg("PFMAILBOX", 0x04B00).array(64, 4).doc(
      "PF side of VF v's mailbox: commands (STS, ACK, RVFU) and the lock bits; reads VFU, PFU");
  using fields = pfmbx::fields;
};
struct PFMBMEM : Register<PFMBMEM>, NoFields {
  static constexpr RegInfo info = reg("PFMBMEM", 0x13000).array(64 * mbx::WORDS, 4).doc(
      "VF v's 16-DWORD buffer at 0x13000 + 64v, PF view; PF writes need PFU");
};
struct PFMBICR : Register<PFMBICR> {
  static constexpr RegInfo info = reg("PFMBICR", 0x00710, Access::W1C).array(4, 4).doc(
      "mailbox causes of VFs 16i..16i+15");
  IOVSIM_FIELD(VFREQ, 15, 0, "bit b: VF 16i+b sent a message");
  IOVSIM_FIELD(VFACK, 31, 16, "bit 16+b: VF 16i+b acknowledged a message");
  using fields = FieldList<VFREQ, VFACK>;
};
struct PFMBIMR : Register<PFMBIMR> {
  // X550 datasheet §7.8.2.9.1 names the register; its bit layout was not found. Linux ixgbe
  // never writes it yet takes mailbox interrupts, so the model starts with every VF enabled and
  // gives register i bit b to VF 16i + b, the PFMBICR layout (FreeBSD's ixgbe sets bit
  // pool % 32 of register pool / 32 instead: unverified).
  static constexpr RegInfo info = reg("PFMBIMR", 0x00720).array(4, 4).reset_value(0xFFFF).doc(
      "mailbox interrupt mask of VFs 16i..16i+15 (layout unverified, see the map)");
  IOVSIM_FIELD(VFIM, 15, 0, "bit b: VF 16i+b may interrupt the PF");
  using fields = FieldList<VFIM>;
};

// ---- VF BAR0
struct VFMAILBOX : Register<VFMAILBOX> {
  static constexpr RegInfo info = reg("VFMAILBOX", 0x002FC).doc(
      "the VF's side of its mailbox: REQ, ACK, the lock bits and the PF's indications");
  using fields = vfmbx::fields;
};
struct VFMBMEM : Register<VFMBMEM>, NoFields {
  static constexpr RegInfo info = reg("VFMBMEM", 0x00200).array(mbx::WORDS, 4).doc(
      "the VF's 16-DWORD mailbox buffer; VF writes need VFU");
};

// ---- message formats (ixgbe_vf_reset_msg, ixgbe_set_vf_lpe)
constexpr unsigned kResetReplyWords = 4;  // IXGBE_VF_PERMADDR_MSG_LEN
constexpr unsigned kResetMcTypeWord = 3;  // IXGBE_VF_MC_TYPE_WORD
constexpr std::uint32_t kMaxJumboFrame = 9728;  // ixgbe.h IXGBE_MAX_JUMBO_FRAME_SIZE
constexpr std::uint32_t kMinFrame = 68;         // ETH_MIN_MTU, ixgbe_set_vf_lpe's floor
constexpr unsigned kMailboxes = 64;             // 64 PFMAILBOX registers

const MailboxLayout& mailbox_layout();

}  // namespace iovsim::regs::i82599
