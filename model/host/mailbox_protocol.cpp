#include "model/host/mailbox_protocol.h"

#include <algorithm>

namespace iovsim {

namespace vfb = regs::vfmbx;
namespace pfb = regs::pfmbx;
using L = regs::MailboxLayout;

// ==========================================================================================
// VfMailbox (igbvf mbx.c, vf.c; ixgbevf mbx.c, vf.c): the same bits on both families, the
// offsets from the layout.

VfMailbox::VfMailbox(RegAccess bar, const regs::MailboxLayout& layout)
    : bar_(std::move(bar)),
      layout_(layout),
      ctl_(layout.vf_ctl.info.at(0)),
      mem_(layout.vf_mem.info.at(0)) {}

std::uint32_t VfMailbox::read_v2p() {
  const std::uint32_t v = bar_.read32(ctl_);
  rsti_ = vfb::RSTI::get(v);
  sticky_ |= v & vfb::R2C_BITS;
  return v | sticky_;
}

bool VfMailbox::consume(std::uint32_t mask) {  // e1000_check_for_bit_vf
  const bool hit = (read_v2p() & mask) != 0;
  sticky_ &= ~mask;
  return hit;
}

bool VfMailbox::obtain_lock() {  // e1000_obtain_mbx_lock_vf
  bar_.write32(ctl_, vfb::VFU::kMask);
  return (read_v2p() & vfb::VFU::kMask) != 0;
}

bool VfMailbox::post(const std::uint32_t* words, unsigned n) {
  if (n == 0 || n > mbx::WORDS) {
    ++bad_posts_;
    return false;
  }
  if (!obtain_lock()) {
    ++lock_failures_;
    return false;
  }
  // "flush any ack or msg as we are going to overwrite mailbox"
  consume(vfb::PFACK::kMask);
  consume(vfb::PFSTS::kMask);
  for (unsigned i = 0; i < n; ++i) bar_.write32(mem_ + 4 * i, words[i]);
  ++msgs_tx_;
  bar_.write32(ctl_, vfb::REQ::kMask);  // drops VFU, interrupts the PF
  return true;
}

bool VfMailbox::poll_reply(std::uint32_t* words, unsigned& n) {
  if (!(read_v2p() & vfb::PFSTS::kMask)) return false;
  if (!obtain_lock()) {
    ++lock_failures_;
    return false;  // PFSTS stays pending in sticky_
  }
  sticky_ &= ~vfb::PFSTS::kMask;
  const unsigned m = std::min(n, mbx::WORDS);
  for (unsigned i = 0; i < m; ++i) words[i] = bar_.read32(mem_ + 4 * i);
  bar_.write32(ctl_, vfb::ACK::kMask);  // acknowledges and drops VFU
  ++msgs_rx_;
  n = m;
  return true;
}

bool VfMailbox::poll_ack() { return consume(vfb::PFACK::kMask); }

bool VfMailbox::check_reset() { return consume(vfb::RSTD::kMask | vfb::RSTI::kMask); }

bool VfMailbox::reset_in_progress() {
  read_v2p();
  return rsti_;
}

unsigned VfMailbox::build_reset(std::uint32_t* w) {
  w[0] = mbx::VF_RESET;
  return 1;
}

unsigned VfMailbox::build_set_mac(std::uint32_t* w, std::uint64_t mac) {
  // e1000_rar_set_vf: the 6 bytes packed little-endian from word 1, MSGINFO 0 (primary MAC).
  w[0] = mbx::VF_SET_MAC_ADDR;
  w[1] = mbx::mac_lo(mac);
  w[2] = mbx::mac_hi16(mac);
  return 3;
}

unsigned VfMailbox::build_set_multicast(std::uint32_t* w, const std::uint64_t* macs,
                                        unsigned count) {
  // e1000_update_mc_addr_list_vf: at most 30 hashes, two u16 per DWORD (little-endian, so
  // hash 2k in the low half of word 1 + k), the whole 16-word buffer posted.
  const unsigned cnt = std::min(count, mbx::MAX_MC_HASHES);
  std::fill(w, w + mbx::WORDS, 0u);
  w[0] = mbx::VF_SET_MULTICAST | (cnt << mbx::MSGINFO_SHIFT);
  for (unsigned i = 0; i < cnt; ++i)
    w[1 + i / 2] |= std::uint32_t{mbx::mc_hash(macs[i])} << (16 * (i % 2));
  return mbx::WORDS;
}

unsigned VfMailbox::build_set_vlan(std::uint32_t* w, std::uint16_t vid, bool add) {
  w[0] = mbx::VF_SET_VLAN | (add ? 1u << mbx::MSGINFO_SHIFT : 0u);  // e1000_set_vfta_vf
  w[1] = vid;
  return 2;
}

unsigned VfMailbox::build_set_lpe(std::uint32_t* w, std::uint32_t max_frame) {
  w[0] = mbx::VF_SET_LPE;  // e1000_rlpml_set_vf
  w[1] = max_frame;
  return 2;
}

unsigned VfMailbox::build_set_promisc(std::uint32_t* w, std::uint32_t msginfo_flags) {
  w[0] = mbx::VF_SET_PROMISC | (msginfo_flags & mbx::MSGINFO_MASK);
  return 1;
}

// ==========================================================================================
// PfMailboxService (igb e1000_mbx.c + igb_msg_task; ixgbe ixgbe_mbx.c + ixgbe_msg_task). The
// cause bits of VF v are bits v % 16 and 16 + v % 16 of register v / 16 on both (the 82576
// has one register).

PfMailboxService::PfMailboxService(RegAccess pf_bar, const regs::MailboxLayout& layout,
                                   unsigned mailboxes)
    : pf_(std::move(pf_bar)), layout_(layout), mailboxes_(std::min(mailboxes, layout.max_vfs)) {}

void PfMailboxService::enable_interrupts() {
  if (layout_.pf_driver_unmasks)
    for (unsigned i = 0; i < layout_.icr_regs; ++i) pf_.write32(layout_.imr.info.at(i), layout_.imr_valid);
}

bool PfMailboxService::check_and_clear(std::uint32_t icr_off, std::uint32_t bit) {
  if (!(pf_.read32(icr_off) & bit)) return false;
  pf_.write32(icr_off, bit);  // write 1 to clear
  return true;
}

bool PfMailboxService::obtain_lock(unsigned vf) {
  // igb retries 10 times with a 1 ms delay; in a model without time inside the call a retry
  // would see the same state, so one attempt, and the caller's next poll is the retry.
  pf_.write32(ctl(vf), pfb::PFU::kMask);
  return (pf_.read32(ctl(vf)) & pfb::PFU::kMask) != 0;
}

bool PfMailboxService::send(unsigned vf, const std::uint32_t* words, unsigned n) {
  if (vf >= mailboxes_ || n == 0 || n > mbx::WORDS) return false;
  if (!obtain_lock(vf)) {
    ++lock_failures_;
    return false;
  }
  // "flush msg and acks as we are overwriting the message buffer"
  check_and_clear(icr(vf), L::req_bit(vf));
  check_and_clear(icr(vf), L::ack_bit(vf));
  for (unsigned i = 0; i < n; ++i) pf_.write32(mem(vf) + 4 * i, words[i]);
  pf_.write32(ctl(vf), pfb::STS::kMask);  // interrupts the VF, drops PFU
  ++msgs_tx_;
  return true;
}

void PfMailboxService::receive(unsigned vf, PfVfPolicy& policy) {
  // igb_rcv_msg_from_vf with igb_read_mbx(..., unlock = false). ixgbe_read_mbx_pf writes ACK
  // alone and takes the lock again for the reply; the model keeps igb's order for both.
  std::uint32_t msg[mbx::WORDS], reply[mbx::WORDS] = {};
  if (!obtain_lock(vf)) {
    // "if receive failed revoke VF CTS stats and restart init"
    ++lock_failures_;
    policy.revoke_cts(vf);
    const std::uint32_t nack = mbx::MSGTYPE_NACK;
    send(vf, &nack, 1);
    return;
  }
  for (unsigned i = 0; i < mbx::WORDS; ++i) msg[i] = pf_.read32(mem(vf) + 4 * i);
  pf_.write32(ctl(vf), pfb::ACK::kMask | pfb::PFU::kMask);  // keep the lock
  ++msgs_rx_;
  const unsigned n = policy.handle(vf, msg, mbx::WORDS, reply);
  if (n == 0) {  // igb_release_mbx_lock_pf
    const std::uint32_t p2v = pf_.read32(ctl(vf));
    if (p2v & pfb::PFU::kMask) pf_.write32(ctl(vf), p2v & ~pfb::PFU::kMask);
    return;
  }
  send(vf, reply, n);
}

unsigned PfMailboxService::service(PfVfPolicy& policy) {
  // Nothing pending in any cause register: done (igb and ixgbe poll every VF regardless).
  bool pending = false;
  for (unsigned vf = 0; vf < mailboxes_ && !pending; vf += 16) pending = pf_.read32(icr(vf)) != 0;
  if (!pending) return 0;
  unsigned handled = 0;
  for (unsigned vf = 0; vf < mailboxes_; ++vf) {
    if (policy.cts(vf)) nacked_uncleared_[vf] = false;
    if (check_and_clear(icr(vf), L::req_bit(vf))) {
      receive(vf, policy);
      ++handled;
    }
    if (check_and_clear(icr(vf), L::ack_bit(vf))) {
      // igb_rcv_ack_from_vf / ixgbe_rcv_ack_from_vf: "if device isn't clear to send it
      // shouldn't be reading either"; igb NACKs once per 2 s (ixgbe every time), the model
      // once until the VF gets CTS again.
      ++acks_rx_;
      if (vf < policy.num_vfs() && !policy.cts(vf) && !nacked_uncleared_[vf]) {
        const std::uint32_t nack = mbx::MSGTYPE_NACK;
        if (send(vf, &nack, 1)) {
          nacked_uncleared_[vf] = true;
          ++nacks_uncleared_;
        }
      }
    }
  }
  return handled;
}

void PfMailboxService::ping_all(const PfVfPolicy& policy) {
  for (unsigned vf = 0; vf < policy.num_vfs() && vf < mailboxes_; ++vf) ping(vf, policy);
}

bool PfMailboxService::ping(unsigned vf, const PfVfPolicy& policy) {
  if (vf >= policy.num_vfs() || vf >= mailboxes_) return false;
  const std::uint32_t ping = mbx::PF_CONTROL_MSG | (policy.cts(vf) ? mbx::MSGTYPE_CTS : 0u);
  return send(vf, &ping, 1);
}

}  // namespace iovsim
