// The igb side of the PF/VF mailbox (82576): what igb_main.c does with each VF message, by
// register writes in the 82576 layout (model/regs/map_82576.h). See model/host/pf_policy.h.
#include <algorithm>

#include "model/host/pf_policy_igb.h"
#include "model/regs/mailbox_82576.h"
#include "model/regs/map_82576.h"

namespace iovsim {

namespace mbx = regs::mbx;
using namespace regs::i82576;

namespace {

std::uint32_t vlvf_pool_bit(unsigned pool) { return 1u << (VLVF::POOLSEL::lo + pool); }
std::uint32_t vfta_reg(std::uint32_t vid) { return VFTA::at(vid / 32); }

}  // namespace

IgbPfPolicy::IgbPfPolicy(regs::RegAccess pf_bar, unsigned num_vfs, unsigned num_rar, unsigned num_vlvf)
    : PfVfPolicy(std::move(pf_bar), num_vfs, num_rar, num_vlvf, {"82576", kMailboxes, 0, VLVF::info.count}) {}

unsigned IgbPfPolicy::reset_msg(unsigned vf, std::uint32_t* reply) {
  // igb_vf_reset_msg
  VfState& s = vf_[vf];
  vf_reset(vf);
  program_vf_mac(vf, s.mac);
  wr(VFTE::at(), rd(VFTE::at()) | (1u << vf));
  wr(VFRE::at(), rd(VFRE::at()) | (1u << vf));
  s.cts = true;
  // The reply carries no CTS flag (igb builds word 0 afresh), and NACK when no MAC is known:
  // igbvf then keeps its random MAC and asks for it with SET_MAC_ADDR.
  const bool have_mac = s.mac != 0;
  reply[0] = mbx::VF_RESET | (have_mac ? mbx::MSGTYPE_ACK : mbx::MSGTYPE_NACK);
  reply[1] = have_mac ? mbx::mac_lo(s.mac) : 0;
  reply[2] = have_mac ? mbx::mac_hi16(s.mac) : 0;
  count(vf, mbx::VF_RESET, have_mac);
  return kResetReplyWords;
}

void IgbPfPolicy::vf_reset(unsigned vf) {
  // igb_vf_reset: flags cleared except PF_SET_MAC, the VF's VLANs dropped and VLAN 0
  // (its pf_vlan, no port VLAN in the model) re-added, VMOLR defaults, no VLAN stripping,
  // no multicast hashes, MTA rebuilt. VMVIR (port VLAN insertion) is not modelled.
  VfState& s = vf_[vf];
  s.cts = false;
  s.multi_promisc = false;
  clear_vf_vfta(vf);
  vfta_set(0, vf, true);
  set_vmolr(vf);
  set_vlan_strip(vf, false);
  s.num_mc_hashes = 0;
  rebuild_mta();
}

int IgbPfPolicy::set_mac_addr(unsigned vf, const std::uint32_t* w) {
  // igb_set_vf_mac_addr (with the trust check of Linux commit 1b8b062a99dc, 2018): an untrusted
  // VF may not override a MAC the administrator set; an invalid MAC is refused.
  VfState& s = vf_[vf];
  const std::uint32_t info = w[0] & mbx::MSGINFO_MASK;
  if (info) return -1;  // E1000_VF_MAC_FILTER_CLR/ADD (igb_set_vf_mac_filter): not modelled
  const std::uint64_t mac = mbx::mac_of(w[1], w[2]);
  if (s.pf_set_mac && !s.trusted) return -1;
  if (!mbx::valid_unicast(mac)) return -1;
  program_vf_mac(vf, mac);
  return 0;
}

void IgbPfPolicy::program_vf_mac(unsigned vf, std::uint64_t mac) {
  // igb_set_vf_mac: "VF MAC addresses start at end of receive addresses and moves towards the
  // first"; igb_rar_set_index: RAL = bytes 0-3, RAH = bytes 4-5 | AV (valid address only) |
  // E1000_RAH_POOL_1 << pool (82576).
  vf_[vf].mac = mac;
  const unsigned idx = rar_index(vf);
  std::uint32_t rah = RAH::ADDR_HI::make(mbx::mac_hi16(mac)) | RAH::POOLSEL::make(1u << vf);
  if (mbx::valid_unicast(mac)) rah = RAH::AV::set(rah, 1);
  wr(RAL::at(idx), mbx::mac_lo(mac));
  wr(RAH::at(idx), rah);
}

int IgbPfPolicy::set_multicasts(unsigned vf, const std::uint32_t* w) {
  // igb_set_vf_multicasts: keep the count as sent (> 30 means multicast promiscuous on the next
  // MTA rebuild), store at most 30 hashes, rebuild the MTA.
  VfState& s = vf_[vf];
  const unsigned count = mbx::msg_info(w[0]);
  s.num_mc_hashes = count;
  const unsigned m = std::min(count, mbx::MAX_MC_HASHES);
  for (unsigned i = 0; i < m; ++i)  // two hashes per word from word 1 (16 words in `w`)
    s.mc_hashes[i] = static_cast<std::uint16_t>(w[1 + i / 2] >> (16 * (i % 2)));
  rebuild_mta();
  return 0;
}

void IgbPfPolicy::rebuild_mta() {
  // igb_set_rx_mode -> igb_write_mc_addr_list (the PF's own list, written to a cleared MTA)
  // then igb_restore_vf_multicasts (each VF: ROMPE and its hashes, or MPME when it sent more
  // than 30 or asked for multicast promiscuous). igb_mta_set: register (hash >> 5) & 127, bit
  // hash & 31. The end state is igb's; the register write order differs (one pass).
  MtaImage mta = pf_mta();
  for (unsigned v = 0; v < num_vfs_; ++v) {
    const VfState& s = vf_[v];
    const bool promisc = s.num_mc_hashes > mbx::MAX_MC_HASHES || s.multi_promisc;
    std::uint32_t vmolr = rd(VMOLR::at(v)) & ~(VMOLR::ROMPE::kMask | VMOLR::MPME::kMask);
    if (promisc)
      vmolr |= VMOLR::MPME::kMask;
    else if (s.num_mc_hashes)
      vmolr |= VMOLR::ROMPE::kMask, mta.add(s);
    wr(VMOLR::at(v), vmolr);
  }
  for (unsigned i = 0; i < MTA::info.count; ++i) wr(MTA::at(i), mta.reg[i]);
}

int IgbPfPolicy::message_6(unsigned vf, std::uint32_t* w) {
  std::uint32_t& w0 = w[0];
  // igb_set_vf_promisc: only multicast promiscuous is supported; the flag is removed from the
  // reply's word 0 and any other flag left over makes it a NACK.
  VfState& s = vf_[vf];
  std::uint32_t vmolr = rd(VMOLR::at(vf));
  s.multi_promisc = false;
  vmolr &= ~(VMOLR::ROPE::kMask | VMOLR::ROMPE::kMask | VMOLR::MPME::kMask);
  if (w0 & mbx::VF_SET_PROMISC_MULTICAST) {
    vmolr |= VMOLR::MPME::kMask;
    s.multi_promisc = true;
    w0 &= ~mbx::VF_SET_PROMISC_MULTICAST;
  } else if (s.num_mc_hashes > mbx::MAX_MC_HASHES) {
    vmolr |= VMOLR::MPME::kMask;
  } else if (s.num_mc_hashes) {
    vmolr |= VMOLR::ROMPE::kMask;
    for (unsigned j = 0; j < s.num_mc_hashes; ++j) {
      const std::uint16_t h = s.mc_hashes[j];
      const std::uint32_t off = MTA::at((h >> 5) & 127u);
      wr(off, rd(off) | (1u << (h & 31u)));
    }
  }
  wr(VMOLR::at(vf), vmolr);
  return (w0 & mbx::MSGINFO_MASK) ? -1 : 0;
}

int IgbPfPolicy::set_lpe(unsigned vf, std::uint32_t size) {
  // igb_set_vf_rlpml (newer igb clamps to MAX_JUMBO_FRAME_SIZE; the model treats the word as
  // unsigned, where igb's int parameter would let a huge value through as negative).
  size = std::min(size, kMaxJumboFrame);
  std::uint32_t vmolr = rd(VMOLR::at(vf));
  vmolr = VMOLR::LPE::set(VMOLR::RLPML::set(vmolr, size), 1);
  wr(VMOLR::at(vf), vmolr);
  return 0;
}

int IgbPfPolicy::find_vlvf_slot(std::uint32_t vid) {
  // igb_find_vlvf_slot: VLAN 0 owns entry 0; otherwise the entry holding the VID, else the
  // first entry (searching down from the top) whose VID field is 0; -1 when full.
  if (vid == 0) return 0;
  int first_empty = 0;
  for (int idx = static_cast<int>(num_vlvf_) - 1; idx > 0; --idx) {
    const std::uint32_t bits = VLVF::VLANID::get(rd(VLVF::at(static_cast<unsigned>(idx))));
    if (bits == vid) return idx;
    if (!first_empty && !bits) first_empty = idx;
  }
  return first_empty ? first_empty : -1;
}

int IgbPfPolicy::vfta_set(std::uint32_t vid, unsigned pool, bool on) {
  // igb_vfta_set in VT mode: VFTA bit on add; VLVF entry found or allocated, the pool bit set
  // or cleared; an entry left with no pool is disabled and its VFTA bit cleared.
  if (vid > 4095 || pool >= kMailboxes) return -1;
  const std::uint32_t reg = vfta_reg(vid);
  std::uint32_t vfta = rd(reg);
  std::uint32_t delta = (1u << (vid % 32)) & (on ? ~vfta : vfta);
  vfta ^= delta;
  const int slot = find_vlvf_slot(vid);
  if (slot < 0) return -1;  // -E1000_ERR_NO_SPACE
  const unsigned idx = static_cast<unsigned>(slot);
  std::uint32_t bits = rd(VLVF::at(idx)) | vlvf_pool_bit(pool);
  if (!on) {
    bits ^= vlvf_pool_bit(pool);
    if (!(bits & VLVF::POOLSEL::kMask)) {
      if (delta) wr(reg, vfta);  // VFTA first, then the VLVF entry (no stray frames)
      wr(VLVF::at(idx), 0);
      return 0;
    }
    delta = 0;  // other pools still use the VLAN: keep the VFTA bit
  }
  wr(VLVF::at(idx), bits | vid | VLVF::VLANID_ENABLE::kMask);
  if (delta) wr(reg, vfta);
  return 0;
}

void IgbPfPolicy::clear_vf_vfta(unsigned vf) {
  // igb_clear_vf_vfta (VLAN promiscuous mode not modelled: an emptied entry becomes 0).
  std::uint32_t pool_mask = VLVF::POOLSEL::kMask;
  if (num_vfs_ < kMailboxes) pool_mask &= ~vlvf_pool_bit(num_vfs_);  // the PF's pool
  const std::uint32_t vf_bit = vlvf_pool_bit(vf);
  for (unsigned i = num_vlvf_; i-- > 0;) {
    std::uint32_t vlvf = rd(VLVF::at(i));
    if (!(vlvf & vf_bit)) continue;
    vlvf ^= vf_bit;
    if (vlvf & pool_mask) {  // other VFs remain: just leave
      wr(VLVF::at(i), vlvf);
      continue;
    }
    if (!(vlvf & VLVF::POOLSEL::kMask)) {  // nobody left, not even the PF: clear the VFTA bit
      const std::uint32_t vid = VLVF::VLANID::get(vlvf);
      const std::uint32_t vfta = rd(vfta_reg(vid));
      const std::uint32_t bit = 1u << (vid % 32);
      if (vfta & bit) wr(vfta_reg(vid), vfta ^ bit);
    }
    wr(VLVF::at(i), 0);
  }
}

void IgbPfPolicy::set_vlan_strip(unsigned vf, bool on) {
  wr(VMOLR::at(vf), VMOLR::STRVLAN::set(rd(VMOLR::at(vf)), on));  // igb_set_vf_vlan_strip
}

void IgbPfPolicy::set_vmolr(unsigned vf) {
  // igb_set_vmolr(adapter, vf, aupe = !pf_vlan = true): accept untagged, accept broadcast.
  // igb also clears RSSE for a VF; the model keeps it, since the platform may give a VF RSS
  // as a scenario option.
  set_bits(VMOLR::at(vf), VMOLR::AUPE::kMask | VMOLR::BAM::kMask);
}

}  // namespace iovsim
