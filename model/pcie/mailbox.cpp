#include "model/pcie/mailbox.h"

#include <fmt/format.h>

#include <stdexcept>

namespace iovsim {

using namespace regs;

Mailbox::Mailbox(unsigned num_vfs, RegisterSpace& pf, std::vector<RegisterSpace*> vfs)
    : num_vfs_(num_vfs) {
  if (num_vfs > kMaxVfs || vfs.size() != num_vfs)
    throw std::invalid_argument(fmt::format(
        "mailbox: {} VFs with {} VF register spaces (at most {})", num_vfs, vfs.size(), kMaxVfs));
  // Power-on state as the VF driver finds it once the PF driver has completed its reset
  // (igb writes CTRL_EXT.PFRSTD at probe): RSTD pending, RSTI clear. igbvf's e1000_reset_hw_vf
  // consumes the RSTD indication before it sends E1000_VF_RESET.
  for (auto& b : box_) b.rstd = true;

  pf.add("P2VMAILBOX", P2VMAILBOX(0), kMaxVfs, 4,
         [this](unsigned vf) { return pf_read_ctl(vf); },
         [this](unsigned vf, std::uint32_t v) { pf_write_ctl(vf, v); });
  // VMBMEM(vf) word i sits at 0x0800 + 64 vf + 4 i: one contiguous array, index 16 vf + i.
  pf.add("VMBMEM", VMBMEM(0), kMaxVfs * kWords, 4,
         [this](unsigned i) { return pf_read_mem(i); },
         [this](unsigned i, std::uint32_t v) { pf_write_mem(i, v); });
  pf.add("MBVFICR", MBVFICR, 1, 0, [this](unsigned) { return mbvficr_; },
         [this](unsigned, std::uint32_t v) {
           mbvficr_ &= ~(v & (MBVFICR_VFREQ::kMask | MBVFICR_VFACK::kMask));  // W1C
         });
  pf.add("MBVFIMR", MBVFIMR, 1, 0, [this](unsigned) { return mbvfimr_; },
         [this](unsigned, std::uint32_t v) { mbvfimr_ = v & MBVFIMR_VFIM::kMask; });

  for (unsigned vf = 0; vf < num_vfs; ++vf) {
    RegisterSpace& rs = *vfs[vf];
    rs.add("V2PMAILBOX", VF_V2PMAILBOX, 1, 0, [this, vf](unsigned) { return vf_read_ctl(vf); },
           [this, vf](unsigned, std::uint32_t v) { vf_write_ctl(vf, v); });
    rs.add("VMBMEM", VF_VMBMEM, kWords, 4, [this, vf](unsigned i) { return box_[vf].mem[i]; },
           [this, vf](unsigned i, std::uint32_t v) { vf_write_mem(vf, i, v); });
  }
}

// P2VMAILBOX read: the lock bits. STS, ACK and RVFU are commands and read 0 in the model (the
// datasheet's read value of STS/ACK was not confirmed; igb never reads them).
std::uint32_t Mailbox::pf_read_ctl(unsigned vf) {
  if (vf >= num_vfs_) {
    ++absent_vf_accesses_;
    return 0;
  }
  const Box& b = box_[vf];
  return P2VMAILBOX_VFU::set(0, b.vfu) | P2VMAILBOX_PFU::set(0, b.pfu);
}

// P2VMAILBOX write. PFU is a level: igb takes the lock by writing PFU alone and releases it by
// any write without PFU, e.g. STS (igb_write_mbx_pf) or ACK (igb_read_mbx_pf with unlock); it
// keeps it with ACK|PFU (igb_read_mbx_pf, unlock = false). VFU is read only here.
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
    mbvficr_ &= ~(MBVFICR_VFREQ_BIT(vf) | MBVFICR_VFACK_BIT(vf));
    ++b.stats.vfu_resets;
  }
  if (P2VMAILBOX_PFU::get(v)) {
    if (b.vfu) {
      b.pfu = false;
      ++b.stats.pf_lock_denied;
    } else {
      b.pfu = true;
    }
  } else {
    b.pfu = false;
  }
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

// V2PMAILBOX read: PFSTS, PFACK and RSTD clear on read; igbvf keeps a software copy of them
// (e1000_read_v2p_mailbox) for exactly that reason. REQ and ACK read 0 in the model.
std::uint32_t Mailbox::vf_read_ctl(unsigned vf) {
  Box& b = box_[vf];
  const std::uint32_t v = V2PMAILBOX_VFU::set(0, b.vfu) | V2PMAILBOX_PFU::set(0, b.pfu) |
                          V2PMAILBOX_PFSTS::set(0, b.pfsts) | V2PMAILBOX_PFACK::set(0, b.pfack) |
                          V2PMAILBOX_RSTI::set(0, b.rsti) | V2PMAILBOX_RSTD::set(0, b.rstd);
  b.pfsts = b.pfack = b.rstd = false;
  return v;
}

// V2PMAILBOX write: VFU is a level like the PF's PFU (igbvf takes it by writing VFU alone and
// drops it with the REQ or ACK write, e1000_write_mbx_vf / e1000_read_mbx_vf). PFU, PFSTS,
// PFACK, RSTI and RSTD are read only.
void Mailbox::vf_write_ctl(unsigned vf, std::uint32_t v) {
  Box& b = box_[vf];
  const bool held = b.vfu;
  if (V2PMAILBOX_VFU::get(v)) {
    if (b.pfu) {
      b.vfu = false;
      ++b.stats.vf_lock_denied;
    } else {
      b.vfu = true;
    }
  } else {
    b.vfu = false;
  }
  if (V2PMAILBOX_REQ::get(v)) {
    if (!held) ++b.stats.vf_send_unlocked;
    ++b.stats.vf_to_pf;
    raise_pf(vf, MBVFICR_VFREQ_BIT(vf), on_vf_request);
  }
  if (V2PMAILBOX_ACK::get(v)) {
    ++b.stats.vf_acks;
    raise_pf(vf, MBVFICR_VFACK_BIT(vf), on_vf_ack);
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

void Mailbox::raise_pf(unsigned vf, std::uint32_t cause_bit,
                       const std::function<void(unsigned)>& cb) {
  mbvficr_ |= cause_bit;
  if (((mbvfimr_ >> vf) & 1u) && cb) cb(vf);
}

void Mailbox::pf_reset() {
  for (Box& b : box_) {
    b.rsti = true;
    b.rstd = false;
    b.vfu = b.pfu = false;
    b.pfsts = b.pfack = false;
  }
  mbvficr_ = 0;
}

void Mailbox::pf_reset_done() {
  for (Box& b : box_) {
    b.rsti = false;
    b.rstd = true;
  }
}

// What a VF reset does to the mailbox is inferred (Q-igb sets RSTD on VF CTRL.RST); the
// buffer contents are kept and the PF's lock is left alone.
void Mailbox::vf_reset(unsigned vf) {
  if (vf >= num_vfs_) return;
  Box& b = box_[vf];
  b.vfu = false;
  b.pfsts = b.pfack = false;
  b.rstd = true;
  mbvficr_ &= ~(MBVFICR_VFREQ_BIT(vf) | MBVFICR_VFACK_BIT(vf));
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
