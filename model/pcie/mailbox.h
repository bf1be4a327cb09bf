// The PF/VF mailbox of one port, device side: per VF a 16-DWORD buffer shared by both
// directions, the PF's and the VF's mailbox control registers with their ownership bits
// (PFU/VFU), the PF's cause registers (VFREQ/VFACK, write 1 to clear) and their enables.
//  - 82576 (igb e1000_mbx.c, igbvf mbx.c): P2VMAILBOX(vf), V2PMAILBOX, VMBMEM, one MBVFICR and
//    one MBVFIMR for 8 VFs.
//  - 82599 (ixgbe ixgbe_mbx.c, ixgbevf mbx.c): PFMAILBOX(vf), VFMAILBOX, PFMBMEM/VFMBMEM and
//    four PFMBICR/PFMBIMR registers of 16 VFs each, 64 VFs. Same bits, same protocol.
// What both drivers rely on:
//  - a side may write the buffer only while it holds its lock bit; a write from the other side
//    is ignored and counted (the lock is what makes the shared buffer safe);
//  - VF REQ sets VFREQ[vf] (the PF "interrupt": ICR.VMMB / EICR.MAILBOX, if the mask register
//    enables it), VF ACK sets VFACK[vf]; PF STS sets the VF's PFSTS, PF ACK the VF's PFACK;
//  - PFSTS, PFACK and RSTD read to clear (E1000_V2PMAILBOX_R2C_BITS, IXGBE_VFMAILBOX_R2C_BITS).
// Abstracted away: time (the registers change instantly), ICR/EICR and the VF's MSI-X vector
// (callbacks stand in for them), CTRL_EXT.PFRSTD and VF FLR (pf_reset()/pf_reset_done()/
// vf_reset() let the owner of those registers drive the RSTI/RSTD bits).
// The family's registers and counts come from its MailboxLayout (model/regs/mailbox_82576.h,
// mailbox_82599.h); the logic here is the same for both. No SystemC process: register
// callbacks only.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "model/core/transaction_log.h"
#include "model/regs/mailbox.h"
#include "model/regs/register_space.h"

namespace iovsim {

class Mailbox {
public:
  static constexpr unsigned kMaxVfs = 64;  // the most any family has (82599)
  static constexpr unsigned kMaxIcrRegs = 4;
  static constexpr unsigned kWords = regs::mbx::WORDS;

  struct VfStats {
    std::uint64_t vf_to_pf = 0;       // VF REQ writes: messages towards the PF
    std::uint64_t pf_to_vf = 0;       // PF STS writes: messages towards the VF
    std::uint64_t vf_acks = 0;        // VF ACK writes
    std::uint64_t pf_acks = 0;        // PF ACK writes
    std::uint64_t pf_buffer_writes_ignored = 0;  // PF wrote the buffer without holding PFU
    std::uint64_t vf_buffer_writes_ignored = 0;  // VF wrote the buffer without holding VFU
    std::uint64_t pf_lock_denied = 0;  // PF asked for PFU while the VF held VFU
    std::uint64_t vf_lock_denied = 0;  // VF asked for VFU while the PF held PFU
    std::uint64_t pf_send_unlocked = 0;  // STS written without holding PFU (honoured)
    std::uint64_t vf_send_unlocked = 0;  // REQ written without holding VFU (honoured)
    std::uint64_t vfu_resets = 0;        // PF RVFU writes
  };

  // Maps the PF's registers for all layout.max_vfs mailboxes (accesses to mailboxes of VFs
  // beyond `num_vfs` read 0, are ignored and counted) and each VF's mailbox register and
  // buffer. `vfs` holds `num_vfs` register spaces, num_vfs <= layout.max_vfs (throws
  // std::invalid_argument otherwise: a model construction error, not guest input).
  Mailbox(unsigned num_vfs, regs::RegisterSpace& pf, std::vector<regs::RegisterSpace*> vfs,
          const regs::MailboxLayout& layout);

  // The PF interrupt: VF `vf` set VFREQ (on_vf_request) or VFACK (on_vf_ack) and the VF's
  // mask bit is set (82576: MBVFIMR bit vf, 0 at reset; 82599: PFMBIMR(vf / 16) bit vf % 16,
  // 1 at reset). The VF's mailbox interrupt: the PF wrote STS or ACK (on_vf_interrupt).
  std::function<void(unsigned vf)> on_vf_request;
  std::function<void(unsigned vf)> on_vf_ack;
  std::function<void(unsigned vf)> on_vf_interrupt;

  // Hardware events driven by the owners of CTRL/CTRL_EXT and of FLR.
  void pf_reset();          // PF reset: RSTI in every VF, locks and pending causes cleared
  void pf_reset_done();     // PF driver wrote CTRL_EXT.PFRSTD: RSTI cleared, RSTD set
  void vf_reset(unsigned vf);  // VF FLR or VF CTRL.RST: VFU and the VF's causes cleared, RSTD set

  unsigned num_vfs() const { return num_vfs_; }
  unsigned max_vfs() const { return layout_.max_vfs; }  // 8 (82576) or 64 (82599)
  const VfStats& stats(unsigned vf) const { return box_[vf].stats; }
  VfStats totals() const;
  // PF accesses to the mailbox register or buffer of a VF beyond num_vfs (ignored).
  std::uint64_t absent_vf_accesses() const { return absent_vf_accesses_; }

  // Introspection for tests and traces.
  std::uint32_t mbvficr() const { return icr_[0]; }  // 82576 MBVFICR = 82599 PFMBICR(0)
  std::uint32_t pfmbicr(unsigned i) const { return icr_[i]; }
  bool pf_owns(unsigned vf) const { return box_[vf].pfu; }
  bool vf_owns(unsigned vf) const { return box_[vf].vfu; }
  std::uint32_t buffer_word(unsigned vf, unsigned i) const { return box_[vf].mem[i]; }

  // --log: a line per message and acknowledgement, with the functions' model indices.
  void observe(TransactionLog* log, int pf_fn, std::vector<int> vf_fns);

private:
  TransactionLog* log_ = nullptr;
  int pf_fn_ = -1;
  std::vector<int> vf_fns_;
  void log_message(unsigned vf, bool from_pf, const char* what);

  struct Box {
    std::array<std::uint32_t, kWords> mem{};
    bool vfu = false, pfu = false;
    bool pfsts = false, pfack = false, rsti = false, rstd = false;
    VfStats stats;
  };
  std::uint32_t pf_read_ctl(unsigned vf);
  void pf_write_ctl(unsigned vf, std::uint32_t v);
  std::uint32_t pf_read_mem(unsigned index);
  void pf_write_mem(unsigned index, std::uint32_t v);
  std::uint32_t vf_read_ctl(unsigned vf);
  void vf_write_ctl(unsigned vf, std::uint32_t v);
  void vf_write_mem(unsigned vf, unsigned i, std::uint32_t v);
  void raise_pf(unsigned vf, std::uint32_t cause_bit, const std::function<void(unsigned)>& cb);
  bool irq_enabled(unsigned vf) const;
  void clear_causes(unsigned vf) {
    using L = regs::MailboxLayout;
    icr_[L::icr_index(vf)] &= ~(L::req_bit(vf) | L::ack_bit(vf));
  }

  const regs::MailboxLayout& layout_;
  unsigned num_vfs_;
  std::array<Box, kMaxVfs> box_{};
  std::array<std::uint32_t, kMaxIcrRegs> icr_{}, imr_{};
  std::uint64_t absent_vf_accesses_ = 0;
};

}  // namespace iovsim
