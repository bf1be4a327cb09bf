// The 82599 PF/VF mailbox (ixgbe ixgbe_mbx.c, ixgbevf mbx.c): 64 mailboxes, four PFMBICR and
// PFMBIMR registers of 16 VFs each. Sources: ixgbe_type.h (IXGBE_PFMAILBOX, IXGBE_PFMBMEM,
// IXGBE_PFMBICR, IXGBE_PFMBIMR: "4 total"), ixgbe_mbx.h (IXGBE_MBVFICR_VFREQ/VFACK masks and
// ixgbe_check_for_msg_pf's register vf >> 4, bit vf % 16), ixgbevf defines.h (IXGBE_VFMAILBOX
// 0x002FC, IXGBE_VFMBMEM 0x00200). The registers' fields are those of family_map.h.
#pragma once
#include "model/regs/family_map.h"

namespace iovsim::regs::i82599 {

struct MailboxLayout64 {
  static constexpr const char *kPfCtl = "PFMAILBOX", *kPfMem = "PFMBMEM", *kIcr = "PFMBICR",
                             *kImr = "PFMBIMR", *kVfCtl = "VFMAILBOX", *kVfMem = "VFMBMEM";
  static constexpr std::uint32_t kPfCtlAt = 0x04B00, kPfMemAt = 0x13000, kIcrAt = 0x00710,
                                 kImrAt = 0x00720, kVfCtlAt = 0x002FC, kVfMemAt = 0x00200;
  static constexpr unsigned kVfs = 64;  // 64 PFMAILBOX registers
  static constexpr unsigned kIcrRegs = 4, kVfsPerIcr = 16;
  // X550 datasheet §7.8.2.9.1 names PFMBIMR; its bit layout was not found. Linux ixgbe never
  // writes it yet takes mailbox interrupts, so the model starts with every VF enabled and gives
  // register i bit b to VF 16i + b, the PFMBICR layout (FreeBSD's ixgbe sets bit pool % 32 of
  // register pool / 32 instead: unverified).
  static constexpr std::uint32_t kImrReset = 0xFFFF;
  static constexpr bool kPfDriverUnmasks = false;
  static constexpr const char* kImrDoc =
      "mailbox interrupt mask of VFs 16i..16i+15 (layout unverified: docs/registers.md)";
  // The family's VF driver reading the PF's reply to RESET (map_82599.cpp).
  static ResetReply decode_reset_reply(const std::uint32_t* w, unsigned n);
  static constexpr unsigned kResetReplyWords = 4;  // IXGBE_VF_PERMADDR_MSG_LEN
};
using Mailbox = MailboxRegisters<MailboxLayout64>;

constexpr unsigned kResetReplyWords = MailboxLayout64::kResetReplyWords;
constexpr unsigned kResetMcTypeWord = 3;        // IXGBE_VF_MC_TYPE_WORD
constexpr std::uint32_t kMaxJumboFrame = 9728;  // ixgbe.h IXGBE_MAX_JUMBO_FRAME_SIZE
constexpr std::uint32_t kMinFrame = 68;         // ETH_MIN_MTU, ixgbe_set_vf_lpe's floor
constexpr unsigned kMailboxes = MailboxLayout64::kVfs;

inline const MailboxLayout& mailbox_layout() { return Mailbox::layout(); }

}  // namespace iovsim::regs::i82599
