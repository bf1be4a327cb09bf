// The 82576 PF/VF mailbox (igb e1000_mbx.c, igbvf mbx.c): one MBVFICR and one MBVFIMR for 8
// VFs, per VF a 16-DWORD buffer (VMBMEM) shared by both directions and a control register on
// each side. Sources: igb e1000_regs.h (E1000_P2VMAILBOX, E1000_VMBMEM, E1000_MBVFICR,
// E1000_MBVFIMR), e1000_mbx.h; igbvf regs.h (E1000_V2PMAILBOX(0) 0x0C40, E1000_VMBMEM(0) 0x0800)
// and mbx.h. The registers' fields are the family-neutral ones of model/regs/family_map.h.
#pragma once
#include "model/regs/family_map.h"

namespace iovsim::regs::i82576 {

struct MailboxLayout8 {
  static constexpr const char *kPfCtl = "P2VMAILBOX", *kPfMem = "VMBMEM", *kIcr = "MBVFICR",
                             *kImr = "MBVFIMR", *kVfCtl = "V2PMAILBOX", *kVfMem = "VMBMEM";
  static constexpr std::uint32_t kPfCtlAt = 0x00C00, kPfMemAt = 0x00800, kIcrAt = 0x00C80,
                                 kImrAt = 0x00C84, kVfCtlAt = 0x00C40, kVfMemAt = 0x00800;
  static constexpr unsigned kVfs = 8;       // MBVFICR has 8 VFREQ and 8 VFACK bits
  static constexpr unsigned kIcrRegs = 1, kVfsPerIcr = 8;
  static constexpr std::uint32_t kImrReset = 0;  // igb_irq_enable writes 0xFF
  static constexpr bool kPfDriverUnmasks = true;
  static constexpr const char* kImrDoc =
      "mailbox VF interrupt mask: bit v lets VF v's VFREQ and VFACK interrupt the PF (ICR.VMMB)";
  // The family's VF driver reading the PF's reply to RESET (map_82576.cpp).
  static ResetReply decode_reset_reply(const std::uint32_t* w, unsigned n);
  static constexpr unsigned kResetReplyWords = 3;  // word 0 + 6 MAC bytes (igb_vf_reset_msg)
};
using Mailbox = MailboxRegisters<MailboxLayout8>;

constexpr unsigned kResetReplyWords = MailboxLayout8::kResetReplyWords;
constexpr std::uint32_t kMaxJumboFrame = 9216;  // igb.h MAX_JUMBO_FRAME_SIZE (igb_set_vf_rlpml)
constexpr unsigned kMailboxes = MailboxLayout8::kVfs;

inline const MailboxLayout& mailbox_layout() { return Mailbox::layout(); }

}  // namespace iovsim::regs::i82576
