// The PF/VF mailbox protocol, driver side, as plain classes over register access functions (no
// SystemC process, no waiting). igb/igbvf (82576) and ixgbe/ixgbevf (82599) share the
// protocol (message words, ACK/NACK/CTS, the lock handshake); the offsets and message formats
// come from the family's MailboxLayout (model/regs/mailbox_82576.h, mailbox_82599.h), and what
// the PF does with each message is the family's PfVfPolicy (model/host/pf_policy.h).
//  - VfMailbox: what igbvf's mbx.c and vf.c (ixgbevf: mbx.c, vf.c) do through the VF's BAR:
//    take VFU, write the buffer, set REQ; later see PFSTS, read the reply, ACK it.
//    Non-blocking: the caller polls, so a driver thread can interleave the mailbox with its own
//    waits.
//  - PfMailboxService: igb's igb_msg_task / igb_rcv_msg_from_vf (ixgbe_msg_task /
//    ixgbe_rcv_msg_from_vf) over the PF's BAR: for each VF with VFREQ set, lock PFU, read the
//    message, let the policy act, write the reply, set STS.
// MAC addresses are std::uint64_t with byte 0 in bits 7:0 (MacAddress in model/core).
#pragma once
#include <array>
#include <cstdint>

#include "model/host/pf_policy.h"
#include "model/regs/device_map.h"

namespace iovsim {

using regs::RegAccess;
namespace mbx = regs::mbx;

// ------------------------------------------------------------------------------------------
class VfMailbox {
public:
  VfMailbox(RegAccess bar, const regs::MailboxLayout& layout);

  // e1000_write_mbx_vf: take VFU, drop pending PFACK/PFSTS indications, write the buffer, set
  // REQ (which also releases VFU). False if the lock was not granted or n is 0 or > 16.
  bool post(const std::uint32_t* words, unsigned n);
  // e1000_check_for_msg_vf + e1000_read_mbx_vf: true once PFSTS was seen: takes VFU, copies
  // min(n, 16) words (n: capacity in, words read out), writes ACK (releasing VFU). If the lock
  // is refused the PFSTS indication is kept for the next poll (igbvf would drop it).
  bool poll_reply(std::uint32_t* words, unsigned& n);
  // e1000_check_for_ack_vf: the PF acknowledged our message (PFACK), consumed.
  bool poll_ack();
  // e1000_check_for_rst_vf: RSTD or RSTI was indicated, consumed.
  bool check_reset();
  // RSTI as of the last read (the PF is resetting: do not send).
  bool reset_in_progress();

  // Message builders (igbvf vf.c; ixgbevf vf.c builds the same words for RESET, SET_MAC_ADDR,
  // SET_MULTICAST, SET_VLAN and SET_LPE); each returns the word count to post.
  static unsigned build_reset(std::uint32_t* w);                      // e1000_reset_hw_vf
  static unsigned build_set_mac(std::uint32_t* w, std::uint64_t mac);  // e1000_rar_set_vf
  // e1000_update_mc_addr_list_vf: at most 30 hashes, always a 16-word message.
  static unsigned build_set_multicast(std::uint32_t* w, const std::uint64_t* macs,
                                      unsigned count);
  static unsigned build_set_vlan(std::uint32_t* w, std::uint16_t vid, bool add);  // set_vfta_vf
  static unsigned build_set_lpe(std::uint32_t* w, std::uint32_t max_frame);  // rlpml_set_vf
  static unsigned build_set_promisc(std::uint32_t* w, std::uint32_t msginfo_flags);  // 82576
  // The PF's reply to RESET as the family's VF driver reads it (igb: exactly RESET | ACK with
  // the MAC in 3 words; ixgbe: RESET | ACK or RESET | NACK in 4 words, word 3 the multicast
  // filter type).
  regs::ResetReply decode_reset_reply(const std::uint32_t* w, unsigned n) const {
    return layout_.decode_reset_reply(w, n);
  }
  unsigned reset_reply_words() const { return layout_.reset_reply_words; }

  std::uint64_t msgs_tx() const { return msgs_tx_; }
  std::uint64_t msgs_rx() const { return msgs_rx_; }
  std::uint64_t lock_failures() const { return lock_failures_; }
  std::uint64_t bad_posts() const { return bad_posts_; }

private:
  std::uint32_t read_v2p();  // e1000_read_v2p_mailbox: keeps the read-to-clear bits
  bool obtain_lock();
  bool consume(std::uint32_t mask);

  RegAccess bar_;
  const regs::MailboxLayout& layout_;
  std::uint32_t ctl_, mem_;   // the VF's mailbox register and buffer offsets
  std::uint32_t sticky_ = 0;  // read-to-clear bits seen and not yet consumed
  bool rsti_ = false;
  std::uint64_t msgs_tx_ = 0, msgs_rx_ = 0, lock_failures_ = 0, bad_posts_ = 0;
};

// ------------------------------------------------------------------------------------------
class PfMailboxService {
public:
  // `mailboxes`: VF mailboxes to serve, at most the layout's (8 on the 82576, 64 on the 82599).
  PfMailboxService(RegAccess pf_bar, const regs::MailboxLayout& layout, unsigned mailboxes);

  // igb_msg_task / ixgbe_msg_task: for each VF with VFREQ: clear it, lock PFU, read the 16
  // words, ACK keeping the lock, let `policy` act, write the reply and STS (which releases the
  // lock). Also answers VFACK from a VF without CTS with one NACK (igb_rcv_ack_from_vf,
  // ixgbe_rcv_ack_from_vf). Returns the number of VF messages read.
  unsigned service(PfVfPolicy& policy);
  // igb_write_mbx / ixgbe_write_mbx: lock PFU, flush VFREQ/VFACK, write the words, set STS.
  // False if locked out.
  bool send(unsigned vf, const std::uint32_t* words, unsigned n);
  // igb_ping_all_vfs / ixgbe_ping_all_vfs: PF_CONTROL_MSG, with CTS for VFs that completed
  // RESET.
  void ping_all(const PfVfPolicy& policy);
  // ixgbe_ping_vf: the same for one VF (after PfVfPolicy::set_trusted revoked its CTS).
  bool ping(unsigned vf, const PfVfPolicy& policy);
  // The PF driver's bring-up step for the mailbox interrupt: igb_irq_enable writes MBVFIMR;
  // the 82599's PFMBIMR comes up enabled and ixgbe leaves it.
  void enable_interrupts();

  std::uint64_t msgs_rx() const { return msgs_rx_; }
  std::uint64_t msgs_tx() const { return msgs_tx_; }
  std::uint64_t lock_failures() const { return lock_failures_; }
  std::uint64_t acks_rx() const { return acks_rx_; }
  std::uint64_t nacks_to_uncleared() const { return nacks_uncleared_; }

private:
  bool check_and_clear(std::uint32_t icr, std::uint32_t bit);  // igb/ixgbe_check_for_bit_pf
  bool obtain_lock(unsigned vf);  // igb/ixgbe_obtain_mbx_lock_pf (one attempt)
  void receive(unsigned vf, PfVfPolicy& policy);
  std::uint32_t ctl(unsigned vf) const { return layout_.pf_ctl.info.at(vf); }
  std::uint32_t mem(unsigned vf) const { return layout_.pf_mem.info.at(vf * mbx::WORDS); }
  std::uint32_t icr(unsigned vf) const {
    return layout_.icr.info.at(regs::MailboxLayout::icr_index(vf));
  }

  RegAccess pf_;
  const regs::MailboxLayout& layout_;
  unsigned mailboxes_;
  std::array<bool, 64> nacked_uncleared_{};
  std::uint64_t msgs_rx_ = 0, msgs_tx_ = 0, lock_failures_ = 0, acks_rx_ = 0,
                nacks_uncleared_ = 0;
};

}  // namespace iovsim
