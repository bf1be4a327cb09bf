#include "model/pcie/mailbox.h"

#include <fmt/format.h>

#include <stdexcept>

namespace iovsim {

using namespace regs::pfmbx;
namespace vf = regs::vfmbx;

Mailbox::Mailbox(unsigned num_vfs, regs::RegisterSpace& pf, std::vector<regs::RegisterSpace*> vfs,
                 const regs::MailboxLayout& layout)
    : layout_(layout), num_vfs_(num_vfs) {
  if (num_vfs > layout.max_vfs || vfs.size() != num_vfs || layout.max_vfs > kMaxVfs ||
      layout.icr_regs > kMaxIcrRegs)
    throw std::invalid_argument(fmt::format("mailbox: {} VFs with {} VF register spaces (at most {})",
                                            num_vfs, vfs.size(), layout.max_vfs));
  // Power-on state as the VF driver finds it once the PF driver has completed its reset
  // (igb and ixgbe write CTRL_EXT.PFRSTD at probe): RSTD pending, RSTI clear. igbvf's
  // e1000_reset_hw_vf and ixgbevf's reset_hw_vf consume the RSTD indication before RESET.
  for (auto& b : box_) b.rstd = true;
  imr_.fill(layout.imr_reset);

  // PF view: the control registers of every mailbox, one contiguous buffer array (index
  // 16 vf + word), the cause registers (write 1 to clear) and their masks.
  pf.add(layout.pf_ctl, [this](unsigned vf) { return pf_read_ctl(vf); },
         [this](unsigned vf, std::uint32_t v) { pf_write_ctl(vf, v); });
  pf.add(layout.pf_mem, [this](unsigned i) { return pf_read_mem(i); },
         [this](unsigned i, std::uint32_t v) { pf_write_mem(i, v); });
  pf.add(layout.icr, [this](unsigned i) { return icr_[i]; },
         [this](unsigned i, std::uint32_t v) { icr_[i] &= ~(v & layout_.icr_valid); });
  pf.add(layout.imr, [this](unsigned i) { return imr_[i]; },
         [this](unsigned i, std::uint32_t v) { imr_[i] = v & layout_.imr_valid; });
  for (unsigned vf = 0; vf < num_vfs; ++vf) {
    regs::RegisterSpace& rs = *vfs[vf];
    rs.add(layout.vf_ctl, [this, vf](unsigned) { return vf_read_ctl(vf); },
           [this, vf](unsigned, std::uint32_t v) { vf_write_ctl(vf, v); });
    rs.add(layout.vf_mem, [this, vf](unsigned i) { return box_[vf].mem[i]; },
           [this, vf](unsigned i, std::uint32_t v) { vf_write_mem(vf, i, v); });
  }
}

// P2VMAILBOX / PFMAILBOX read: the lock bits. STS, ACK and RVFU are commands and read 0 in the
// model (the datasheet's read value of STS/ACK was not confirmed; igb and ixgbe never read
// them).
std::uint32_t Mailbox::pf_read_ctl(unsigned vf) {
  if (vf >= num_vfs_) {
    ++absent_vf_accesses_;
    return 0;
  }
  const Box& b = box_[vf];
  return VFU::make(b.vfu) | PFU::make(b.pfu);
}

// P2VMAILBOX / PFMAILBOX write. PFU is a level: igb and ixgbe take the lock by writing PFU
// alone and release it by any write without PFU, e.g. STS (igb_write_mbx_pf,
// ixgbe_write_mbx_pf) or ACK (igb_read_mbx_pf with unlock, ixgbe_read_mbx_pf); igb keeps it
// with ACK|PFU (igb_read_mbx_pf, unlock = false). VFU is read only here.
namespace {
// PFU / VFU are level bits: writing 1 takes the buffer lock only while the other side does
// not hold it (a refusal is counted); writing 0 releases it.
void set_lock(bool want, bool other_holds, bool& mine, std::uint64_t& denied) {
  mine = want && !other_holds;
  if (want && other_holds) ++denied;
}
}  // namespace

void Mailbox::observe(TransactionLog* log, int pf_fn, std::vector<int> vf_fns) {
  log_ = log;
  pf_fn_ = pf_fn;
  vf_fns_ = std::move(vf_fns);
}

void Mailbox::log_message(unsigned vf, bool from_pf, const char* what) {
  const int fn = vf < vf_fns_.size() ? vf_fns_[vf] : -1;
  if (!log_->wants(LogKind::mailbox, fn) && !log_->wants(LogKind::mailbox, pf_fn_)) return;
  const auto& m = box_[vf].mem;
  log_->line(LogKind::mailbox, access_time(), fn, -1, "{} {}: {:08x} {:08x} {:08x} {:08x} ...", from_pf ? "pf -> vf" : "vf -> pf",
             what, m[0], m[1], m[2], m[3]);
}

void Mailbox::pf_write_ctl(unsigned vf, std::uint32_t v) {
  if (vf >= num_vfs_) {
    ++absent_vf_accesses_;
    return;
  }
  Box& b = box_[vf];
  const bool held = b.pfu;
  if (RVFU::get(v)) {
    // Q-igb and the datasheet: RVFU clears VFU (and, per Q-igb, the VF's pending causes).
    b.vfu = false;
    clear_causes(vf);
    ++b.stats.vfu_resets;
  }
  set_lock(PFU::get(v), b.vfu, b.pfu, b.stats.pf_lock_denied);
  if (STS::get(v)) {
    if (!held) ++b.stats.pf_send_unlocked;
    b.pfsts = true;
    ++b.stats.pf_to_vf;
    if (log_) log_message(vf, true, "message (STS)");
    if (on_vf_interrupt) on_vf_interrupt(vf);
  }
  if (ACK::get(v)) {
    b.pfack = true;
    ++b.stats.pf_acks;
    if (log_) log_message(vf, true, "ack (ACK)");
    if (on_vf_interrupt) on_vf_interrupt(vf);
  }
}

std::uint32_t Mailbox::pf_read_mem(unsigned index) {
  const unsigned vf = index / kWords;
  if (vf >= num_vfs_) {
    ++absent_vf_accesses_;
    return 0;
  }
  // Reads are not gated by the lock in the model (the drivers only read while locked).
  return box_[vf].mem[index % kWords];
}

void Mailbox::pf_write_mem(unsigned index, std::uint32_t v) {
  const unsigned vf = index / kWords;
  if (vf >= num_vfs_) {
    ++absent_vf_accesses_;
    return;
  }
  Box& b = box_[vf];
  if (!b.pfu) {
    ++b.stats.pf_buffer_writes_ignored;
    return;
  }
  b.mem[index % kWords] = v;
}

// V2PMAILBOX / VFMAILBOX read: PFSTS, PFACK and RSTD clear on read; igbvf and ixgbevf keep a
// software copy of them (e1000_read_v2p_mailbox, ixgbevf_read_v2p_mailbox) for that reason.
// REQ and ACK read 0 in the model.
std::uint32_t Mailbox::vf_read_ctl(unsigned vf) {
  Box& b = box_[vf];
  const std::uint32_t v = vf::VFU::make(b.vfu) | vf::PFU::make(b.pfu) |
                          vf::PFSTS::make(b.pfsts) | vf::PFACK::make(b.pfack) |
                          vf::RSTI::make(b.rsti) | vf::RSTD::make(b.rstd);
  b.pfsts = b.pfack = b.rstd = false;
  return v;
}

// V2PMAILBOX / VFMAILBOX write: VFU is a level like the PF's PFU (igbvf and ixgbevf take it by
// writing VFU alone and drop it with the REQ or ACK write, e1000_write_mbx_vf /
// e1000_read_mbx_vf, ixgbevf_write_mbx_vf / ixgbevf_read_mbx_vf). PFU, PFSTS,
// PFACK, RSTI and RSTD are read only.
void Mailbox::vf_write_ctl(unsigned vf, std::uint32_t v) {
  Box& b = box_[vf];
  const bool held = b.vfu;
  set_lock(vf::VFU::get(v), b.pfu, b.vfu, b.stats.vf_lock_denied);
  if (vf::REQ::get(v)) {
    if (!held) ++b.stats.vf_send_unlocked;
    ++b.stats.vf_to_pf;
    if (log_) log_message(vf, false, "message (REQ)");
    raise_pf(vf, regs::MailboxLayout::req_bit(vf), on_vf_request);
  }
  if (vf::ACK::get(v)) {
    ++b.stats.vf_acks;
    if (log_) log_message(vf, false, "ack (ACK)");
    raise_pf(vf, regs::MailboxLayout::ack_bit(vf), on_vf_ack);
  }
}

void Mailbox::vf_write_mem(unsigned vf, unsigned i, std::uint32_t v) {
  Box& b = box_[vf];
  if (!b.vfu) {
    ++b.stats.vf_buffer_writes_ignored;
    return;
  }
  b.mem[i] = v;
}

bool Mailbox::irq_enabled(unsigned vf) const {
  // 82576: MBVFIMR bit vf; 82599: PFMBIMR(vf / 16) bit vf % 16 (the model's reading).
  return (imr_[regs::MailboxLayout::icr_index(vf)] >> (vf % 16)) & 1u;
}

void Mailbox::raise_pf(unsigned vf, std::uint32_t cause_bit,
                       const std::function<void(unsigned)>& cb) {
  icr_[regs::MailboxLayout::icr_index(vf)] |= cause_bit;
  if (irq_enabled(vf) && cb) cb(vf);
}

void Mailbox::pf_reset() {
  for (Box& b : box_) {
    b.rsti = true;
    b.rstd = false;
    b.vfu = b.pfu = false;
    b.pfsts = b.pfack = false;
  }
  icr_.fill(0);
}

void Mailbox::pf_reset_done() {
  for (Box& b : box_) {
    b.rsti = false;
    b.rstd = true;
  }
}

// What a VF reset does to the mailbox is inferred (Q-igb sets RSTD on VF CTRL.RST), for both
// families; the buffer contents are kept and the PF's lock is left alone.
void Mailbox::vf_reset(unsigned vf) {
  if (vf >= num_vfs_) return;
  Box& b = box_[vf];
  b.vfu = false;
  b.pfsts = b.pfack = false;
  b.rstd = true;
  clear_causes(vf);
}

Mailbox::VfStats Mailbox::totals() const {
  VfStats t;
  for (unsigned vf = 0; vf < num_vfs_; ++vf) {
    const VfStats& s = box_[vf].stats;
    t.vf_to_pf += s.vf_to_pf;
    t.pf_to_vf += s.pf_to_vf;
    t.vf_acks += s.vf_acks;
    t.pf_acks += s.pf_acks;
    t.pf_buffer_writes_ignored += s.pf_buffer_writes_ignored;
    t.vf_buffer_writes_ignored += s.vf_buffer_writes_ignored;
    t.pf_lock_denied += s.pf_lock_denied;
    t.vf_lock_denied += s.vf_lock_denied;
    t.pf_send_unlocked += s.pf_send_unlocked;
    t.vf_send_unlocked += s.vf_send_unlocked;
    t.vfu_resets += s.vfu_resets;
  }
  return t;
}

}  // namespace iovsim
