// The 82576 PF/VF mailbox (igb e1000_mbx.c, igbvf mbx.c): one MBVFICR and one MBVFIMR for 8
// VFs, per VF a 16-DWORD buffer (VMBMEM) shared by both directions and a control register on
// each side. Sources: igb e1000_regs.h (E1000_P2VMAILBOX, E1000_VMBMEM, E1000_MBVFICR,
// E1000_MBVFIMR), e1000_mbx.h; igbvf regs.h (E1000_V2PMAILBOX(0) 0x0C40, E1000_VMBMEM(0) 0x0800)
// and mbx.h. The bits are the family-neutral ones of model/regs/mailbox.h.
#pragma once
#include "model/regs/mailbox.h"

namespace iovsim::regs::i82576 {

// ---- PF BAR0
struct P2VMAILBOX : Register<P2VMAILBOX> {
  static constexpr RegInfo info = reg("P2VMAILBOX", 0x00C00).array(8, 4).doc(
      "PF side of VF v's mailbox: commands (STS, ACK, RVFU) and the lock bits; reads VFU, PFU");
  using fields = pfmbx::fields;
};
struct VMBMEM : Register<VMBMEM>, NoFields {
  static constexpr RegInfo info = reg("VMBMEM", 0x00800).array(8 * mbx::WORDS, 4).doc(
      "VF v's 16-DWORD buffer at 0x800 + 64v, PF view; PF writes need PFU");
};
struct MBVFICR : Register<MBVFICR> {
  static constexpr RegInfo info =
      reg("MBVFICR", 0x00C80, Access::W1C).doc("mailbox VF interrupt causes");
  IOVSIM_FIELD(VFREQ, 7, 0, "bit v: VF v sent a message");
  IOVSIM_FIELD(VFACK, 23, 16, "bit 16+v: VF v acknowledged a message");
  using fields = FieldList<VFREQ, VFACK>;
};
struct MBVFIMR : Register<MBVFIMR> {
  static constexpr RegInfo info = reg("MBVFIMR", 0x00C84).doc(
      "mailbox VF interrupt mask: bit v lets VF v's VFREQ and VFACK interrupt the PF (ICR.VMMB)");
  IOVSIM_FIELD(VFIM, 7, 0, "bit v: VF v enabled (igb_irq_enable writes 0xFF)");
  using fields = FieldList<VFIM>;
};

// ---- VF BAR0
struct V2PMAILBOX : Register<V2PMAILBOX> {
  static constexpr RegInfo info = reg("V2PMAILBOX", 0x00C40).doc(
      "the VF's side of its mailbox: REQ, ACK, the lock bits and the PF's indications");
  using fields = vfmbx::fields;
};
struct VF_VMBMEM : Register<VF_VMBMEM>, NoFields {
  static constexpr RegInfo info = reg("VMBMEM", 0x00800).array(mbx::WORDS, 4).doc(
      "the VF's 16-DWORD mailbox buffer; VF writes need VFU");
};

// ---- message formats (igb_vf_reset_msg, igb_set_vf_rlpml)
constexpr unsigned kResetReplyWords = 3;       // word 0 + 6 MAC bytes
constexpr std::uint32_t kMaxJumboFrame = 9216;  // igb.h MAX_JUMBO_FRAME_SIZE
constexpr unsigned kMailboxes = 8;              // MBVFICR has 8 VFREQ and 8 VFACK bits

const MailboxLayout& mailbox_layout();

}  // namespace iovsim::regs::i82576
