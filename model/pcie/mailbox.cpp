#include "model/pcie/mailbox.h"

#include <fmt/format.h>

#include <stdexcept>

namespace iovsim {

using namespace regs;

Mailbox::Mailbox(unsigned num_vfs, RegisterSpace& pf, std::vector<RegisterSpace*> vfs,
                 Family family)
    : family_(family),
      max_vfs_(family == Family::i82599 ? kMaxVfs82599 : kMaxVfs),
      num_vfs_(num_vfs),
      icr_valid_(family == Family::i82599
                     ? regs82599mbx::PFMBICR_VFREQ::kMask | regs82599mbx::PFMBICR_VFACK::kMask
                     : MBVFICR_VFREQ::kMask | MBVFICR_VFACK::kMask) {
  if (num_vfs > max_vfs_ || vfs.size() != num_vfs)
    throw std::invalid_argument(fmt::format(
        "mailbox: {} VFs with {} VF register spaces (at most {})", num_vfs, vfs.size(), max_vfs_));
  // Power-on state as the VF driver finds it once the PF driver has completed its reset
  // (igb and ixgbe write CTRL_EXT.PFRSTD at probe): RSTD pending, RSTI clear. igbvf's
  // e1000_reset_hw_vf and ixgbevf's reset_hw_vf consume the RSTD indication before RESET.
  for (auto& b : box_) b.rstd = true;

  auto ctl_read = [this](unsigned vf) { return pf_read_ctl(vf); };
  auto ctl_write = [this](unsigned vf, std::uint32_t v) { pf_write_ctl(vf, v); };
  auto mem_read = [this](unsigned i) { return pf_read_mem(i); };
  auto mem_write = [this](unsigned i, std::uint32_t v) { pf_write_mem(i, v); };
  auto icr_read = [this](unsigned i) { return icr_[i]; };
  auto icr_write = [this](unsigned i, std::uint32_t v) { icr_[i] &= ~(v & icr_valid_); };  // W1C
  std::uint32_t vf_ctl = VF_V2PMAILBOX, vf_mem = VF_VMBMEM;
  if (family == Family::i82599) {
    namespace x = regs82599mbx;
    // ixgbe_type.h: PFMAILBOX(i) 0x04B00 + 4i, PFMBMEM(i) 0x13000 + 64i (one contiguous array,
    // index 16 vf + word), PFMBICR(i) 0x00710 + 4i, PFMBIMR(i) 0x00720 + 4i, i < 4.
    pf.add("PFMAILBOX", x::PFMAILBOX(0), max_vfs_, 4, ctl_read, ctl_write);
    pf.add("PFMBMEM", x::PFMBMEM(0), max_vfs_ * kWords, 4, mem_read, mem_write);
    pf.add("PFMBICR", x::PFMBICR(0), x::MBX_ICR_REGS, 4, icr_read, icr_write);
    imr_.fill(x::PFMBIMR_VFIM::kMask);  // see regs_mbx_82599.h: Linux never writes PFMBIMR
    pf.add("PFMBIMR", x::PFMBIMR(0), x::MBX_ICR_REGS, 4, [this](unsigned i) { return imr_[i]; },
           [this](unsigned i, std::uint32_t v) { imr_[i] = v & x::PFMBIMR_VFIM::kMask; });
    vf_ctl = x::VFMAILBOX;  // ixgbevf mbx.h: 0x002FC
    vf_mem = x::VFMBMEM;    // 0x00200
  } else {
    pf.add("P2VMAILBOX", P2VMAILBOX(0), max_vfs_, 4, ctl_read, ctl_write);
    // VMBMEM(vf) word i sits at 0x0800 + 64 vf + 4 i: one contiguous array, index 16 vf + i.
    pf.add("VMBMEM", VMBMEM(0), max_vfs_ * kWords, 4, mem_read, mem_write);
    pf.add("MBVFICR", MBVFICR, 1, 0, icr_read, icr_write);
    pf.add("MBVFIMR", MBVFIMR, 1, 0, [this](unsigned) { return imr_[0]; },
           [this](unsigned, std::uint32_t v) { imr_[0] = v & MBVFIMR_VFIM::kMask; });
  }

  const bool x99 = family == Family::i82599;
  for (unsigned vf = 0; vf < num_vfs; ++vf) {
    RegisterSpace& rs = *vfs[vf];
    rs.add(x99 ? "VFMAILBOX" : "V2PMAILBOX", vf_ctl, 1, 0,
           [this, vf](unsigned) { return vf_read_ctl(vf); },
           [this, vf](unsigned, std::uint32_t v) { vf_write_ctl(vf, v); });
    rs.add(x99 ? "VFMBMEM" : "VMBMEM", vf_mem, kWords, 4,
           [this, vf](unsigned i) { return box_[vf].mem[i]; },
           [this, vf](unsigned i, std::uint32_t v) { vf_write_mem(vf, i, v); });
  }
}

// Both families put the mailbox bits at the same positions (e1000_mbx.h / ixgbe_mbx.h,
// igbvf mbx.h / ixgbevf mbx.h), so the 82576 names below serve the 82599 registers as well.
static_assert(P2VMAILBOX_STS::kMask == regs82599mbx::PFMAILBOX_STS::kMask &&
                  P2VMAILBOX_ACK::kMask == regs82599mbx::PFMAILBOX_ACK::kMask &&
                  P2VMAILBOX_VFU::kMask == regs82599mbx::PFMAILBOX_VFU::kMask &&
                  P2VMAILBOX_PFU::kMask == regs82599mbx::PFMAILBOX_PFU::kMask &&
                  P2VMAILBOX_RVFU::kMask == regs82599mbx::PFMAILBOX_RVFU::kMask,
              "PF mailbox bits");
static_assert(V2PMAILBOX_REQ::kMask == regs82599mbx::VFMAILBOX_REQ::kMask &&
                  V2PMAILBOX_ACK::kMask == regs82599mbx::VFMAILBOX_ACK::kMask &&
                  V2PMAILBOX_VFU::kMask == regs82599mbx::VFMAILBOX_VFU::kMask &&
                  V2PMAILBOX_PFU::kMask == regs82599mbx::VFMAILBOX_PFU::kMask &&
                  V2PMAILBOX_PFSTS::kMask == regs82599mbx::VFMAILBOX_PFSTS::kMask &&
                  V2PMAILBOX_PFACK::kMask == regs82599mbx::VFMAILBOX_PFACK::kMask &&
                  V2PMAILBOX_RSTI::kMask == regs82599mbx::VFMAILBOX_RSTI::kMask &&
                  V2PMAILBOX_RSTD::kMask == regs82599mbx::VFMAILBOX_RSTD::kMask &&
                  V2PMAILBOX_R2C_BITS == regs82599mbx::VFMAILBOX_R2C_BITS,
              "VF mailbox bits");

// P2VMAILBOX / PFMAILBOX read: the lock bits. STS, ACK and RVFU are commands and read 0 in the
// model (the datasheet's read value of STS/ACK was not confirmed; igb and ixgbe never read
// them).
std::uint32_t Mailbox::pf_read_ctl(unsigned vf) {
  if (vf >= num_vfs_) {
    ++absent_vf_accesses_;
    return 0;
  }
  const Box& b = box_[vf];
  return P2VMAILBOX_VFU::set(0, b.vfu) | P2VMAILBOX_PFU::set(0, b.pfu);
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

void Mailbox::pf_write_ctl(unsigned vf, std::uint32_t v) {
  if (vf >= num_vfs_) {
    ++absent_vf_accesses_;
    return;
  }
  Box& b = box_[vf];
  const bool held = b.pfu;
  if (P2VMAILBOX_RVFU::get(v)) {
    // Q-igb and the datasheet: RVFU clears VFU (and, per Q-igb, the VF's pending causes).
    b.vfu = false;
    clear_causes(vf);
    ++b.stats.vfu_resets;
  }
  set_lock(P2VMAILBOX_PFU::get(v), b.vfu, b.pfu, b.stats.pf_lock_denied);
  if (P2VMAILBOX_STS::get(v)) {
    if (!held) ++b.stats.pf_send_unlocked;
    b.pfsts = true;
    ++b.stats.pf_to_vf;
    if (on_vf_interrupt) on_vf_interrupt(vf);
  }
  if (P2VMAILBOX_ACK::get(v)) {
    b.pfack = true;
    ++b.stats.pf_acks;
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
  const std::uint32_t v = V2PMAILBOX_VFU::set(0, b.vfu) | V2PMAILBOX_PFU::set(0, b.pfu) |
                          V2PMAILBOX_PFSTS::set(0, b.pfsts) | V2PMAILBOX_PFACK::set(0, b.pfack) |
                          V2PMAILBOX_RSTI::set(0, b.rsti) | V2PMAILBOX_RSTD::set(0, b.rstd);
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
  set_lock(V2PMAILBOX_VFU::get(v), b.pfu, b.vfu, b.stats.vf_lock_denied);
  if (V2PMAILBOX_REQ::get(v)) {
    if (!held) ++b.stats.vf_send_unlocked;
    ++b.stats.vf_to_pf;
    raise_pf(vf, req_bit(vf), on_vf_request);
  }
  if (V2PMAILBOX_ACK::get(v)) {
    ++b.stats.vf_acks;
    raise_pf(vf, ack_bit(vf), on_vf_ack);
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
  return (imr_[icr_index(vf)] >> (vf % 16)) & 1u;
}

void Mailbox::raise_pf(unsigned vf, std::uint32_t cause_bit,
                       const std::function<void(unsigned)>& cb) {
  icr_[icr_index(vf)] |= cause_bit;
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
