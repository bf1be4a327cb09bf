// The ixgbe side of the PF/VF mailbox (82599): what ixgbe_sriov.c and ixgbe_common.c do with
// each VF message, by register writes in the 82599 layout (model/regs/map_82599.h). See
// model/host/pf_policy.h.
#include <algorithm>

#include "model/host/pf_policy_ixgbe.h"
#include "model/regs/mailbox_82599.h"
#include "model/regs/map_82599.h"

namespace iovsim {

namespace mbx = regs::mbx;
using namespace regs::i82599;

namespace {

std::uint32_t vfta_reg(std::uint32_t vid) { return VFTA::at(vid / 32); }
std::uint32_t pool_bit(unsigned pool) { return 1u << (pool % 32); }  // PFVFRE/TE, MPSAR, VLVFB

}  // namespace

IxgbePfPolicy::IxgbePfPolicy(regs::RegAccess pf_bar, unsigned num_vfs, unsigned num_rar, unsigned num_vlvf)
    : PfVfPolicy(std::move(pf_bar), num_vfs, num_rar, num_vlvf, {"82599", kMailboxes, RAL::info.count, VLVF::info.count}) {}

unsigned IxgbePfPolicy::reset_msg(unsigned vf, std::uint32_t* reply) {
  // ixgbe_vf_reset_msg
  VfState& s = vf_[vf];
  vf_reset(vf);
  if (s.mac) program_vf_mac(vf, s.mac);  // "set vf mac address"
  // ixgbe_set_vf_rx_tx with link_enable: the VF's bit in PFVFTE/PFVFRE(vf / 32). (ixgbe leaves
  // Rx off for a VF while the 82599's PF runs jumbo frames; the model's PF does not.)
  const unsigned reg = vf / 32;
  wr(PFVFTE::at(reg), rd(PFVFTE::at(reg)) | pool_bit(vf));
  wr(PFVFRE::at(reg), rd(PFVFRE::at(reg)) | pool_bit(vf));
  s.cts = true;
  // Unlike igb, ixgbe hands out only a MAC the administrator set: a VF that chose its own (or
  // got a default one) hears NACK and keeps or picks its address. Word 3 carries the
  // multicast filter type either way.
  const bool ack = s.mac != 0 && s.pf_set_mac;
  reply[0] = mbx::VF_RESET | (ack ? mbx::MSGTYPE_ACK : mbx::MSGTYPE_NACK);
  reply[1] = ack ? mbx::mac_lo(s.mac) : 0;
  reply[2] = ack ? mbx::mac_hi16(s.mac) : 0;
  reply[kResetMcTypeWord] = kMcFilterType;
  count(vf, mbx::VF_RESET, ack);
  return kResetReplyWords;
}

void IxgbePfPolicy::vf_reset(unsigned vf) {
  // ixgbe_vf_reset_event: the VF's VLANs dropped and VLAN 0 (its pf_vlan; no port VLAN in the
  // model, so no VMVIR and no anti-spoofing change) re-added, PFVML2FLT defaults, no multicast
  // hashes, MTA rebuilt (ixgbe_set_rx_mode), the VF's MAC filter removed. Unlike igb_vf_reset
  // it leaves CTS alone; ixgbe_vf_reset_msg sets it afterwards.
  VfState& s = vf_[vf];
  clear_vf_vlans(vf);
  vfta_set(0, vf, true);
  set_vmolr(vf);
  s.num_mc_hashes = 0;
  rebuild_mta();
  clear_vf_rar(vf);
}

void IxgbePfPolicy::program_vf_mac(unsigned vf, std::uint64_t mac) {
  // ixgbe_set_vf_mac = ixgbe_del_mac_filter(old) + ixgbe_add_mac_filter(new). ixgbe puts the
  // new address in the first free entry of its mac_table; the model keeps igb's fixed entry
  // num_rar - 1 - vf, so a VF's filter does not move with the order in which VFs reset or
  // change MACs (the switch decodes any entry alike, and tests and traces can name it).
  // ixgbe_set_rar_generic: pool bit first (MPSAR, set_vmdq on a cleared entry), then RAL, then
  // RAH with AV. A zero MAC is refused by ixgbe_add_mac_filter: the entry stays cleared.
  vf_[vf].mac = mac;
  clear_vf_rar(vf);
  if (!mac) return;
  const unsigned idx = rar_index(vf);
  wr(MPSAR_LO::at(idx), vf < 32 ? pool_bit(vf) : 0u);
  wr(MPSAR_HI::at(idx), vf < 32 ? 0u : pool_bit(vf));
  wr(RAL::at(idx), mbx::mac_lo(mac));
  wr(RAH::at(idx), RAH::ADDR_HI::make(mbx::mac_hi16(mac)) | RAH::AV::kMask);
}

void IxgbePfPolicy::clear_vf_rar(unsigned vf) {
  // ixgbe_clear_rar_generic (RAL, RAH incl. AV) + ixgbe_clear_vmdq_generic(IXGBE_CLEAR_VMDQ_ALL)
  const unsigned idx = rar_index(vf);
  wr(RAL::at(idx), 0);
  wr(RAH::at(idx), 0);
  wr(MPSAR_LO::at(idx), 0);
  wr(MPSAR_HI::at(idx), 0);
}

int IxgbePfPolicy::set_mac_addr(unsigned vf, const std::uint32_t* w) {
  // ixgbe_set_vf_mac_addr: invalid -> refused; an untrusted VF may not replace a MAC the
  // administrator set, but (unlike igb) may re-send that same MAC. No MSGINFO sub-commands:
  // extra filters are SET_MACVLAN on ixgbe.
  const VfState& s = vf_[vf];
  const std::uint64_t mac = mbx::mac_of(w[1], w[2]);
  if (!mbx::valid_unicast(mac)) return -1;
  if (s.pf_set_mac && !s.trusted && mac != s.mac) return -1;
  program_vf_mac(vf, mac);
  return 0;
}

int IxgbePfPolicy::message_6(unsigned vf, std::uint32_t* w) {
  // ixgbe_set_vf_macvlan_msg: index 0 clears the VF's extra filters (the model never grants
  // one, so there is nothing to clear); an index > 0 asks for one more RAR entry, refused to
  // an untrusted VF with an administrative MAC and, in the model, to everyone (no spare RAR
  // entries are kept for VFs: ixgbe's -ENOSPC).
  const VfState& s = vf_[vf];
  const unsigned index = mbx::msg_info(w[0]);
  if (s.pf_set_mac && !s.trusted && index > 0) return -1;
  return index == 0 ? 0 : -1;
}

int IxgbePfPolicy::set_multicasts(unsigned vf, const std::uint32_t* w) {
  // ixgbe_set_vf_multicasts: at most IXGBE_MAX_VF_MC_ENTRIES (30) hashes kept; their MTA bits
  // are OR-ed in (bits of a previous list stay until the next MTA rebuild) and ROMPE is set,
  // even for an empty list. No multicast promiscuous here (that is UPDATE_XCAST_MODE).
  VfState& s = vf_[vf];
  const unsigned count = std::min(mbx::msg_info(w[0]), mbx::MAX_MC_HASHES);
  s.num_mc_hashes = count;
  for (unsigned i = 0; i < count; ++i) {
    const std::uint16_t h = static_cast<std::uint16_t>(w[1 + i / 2] >> (16 * (i % 2)));
    s.mc_hashes[i] = h;
    const std::uint32_t off = MTA::at((h >> 5) & 127u);
    wr(off, rd(off) | (1u << (h & 31u)));
  }
  wr(PFVML2FLT::at(vf), rd(PFVML2FLT::at(vf)) | PFVML2FLT::ROMPE::kMask);
  return 0;
}

void IxgbePfPolicy::rebuild_mta() {
  // ixgbe_set_rx_mode: the PF's list written to a cleared MTA
  // (ixgbe_update_mc_addr_list_generic), then ixgbe_restore_vf_multicasts: each VF's hashes
  // OR-ed in, ROMPE = "has hashes"; MPE is not touched. ixgbe's end state, in one pass.
  MtaImage mta = pf_mta();
  for (unsigned v = 0; v < num_vfs_; ++v) {
    mta.add(vf_[v]);
    wr(PFVML2FLT::at(v), PFVML2FLT::ROMPE::set(rd(PFVML2FLT::at(v)), vf_[v].num_mc_hashes != 0));
  }
  for (unsigned i = 0; i < MTA::info.count; ++i) wr(MTA::at(i), mta.reg[i]);
}

int IxgbePfPolicy::set_lpe(unsigned vf, std::uint32_t max_frame) {
  // ixgbe_set_vf_lpe: out of [ETH_MIN_MTU, IXGBE_MAX_JUMBO_FRAME_SIZE] -> refused. The 82599
  // cannot mix jumbo and non-jumbo PF/VFs: with the PF at a standard MTU (the model's PF), any
  // VF frame above ETH_FRAME_LEN + ETH_FCS_LEN (1518) is refused and the VF's Rx enable
  // (PFVFRE) cleared, whatever the mailbox API; a size up to 1518 re-enables Rx. The global
  // MAXFRS update is not modelled; the granted size is kept (max_frame()).
  if (max_frame < kMinFrame || max_frame > kMaxJumboFrame) return -1;
  const bool err = max_frame > 1518;
  const unsigned reg = vf / 32;
  const std::uint32_t vfre = rd(PFVFRE::at(reg));
  wr(PFVFRE::at(reg), err ? vfre & ~pool_bit(vf) : vfre | pool_bit(vf));
  if (err) return -1;
  vf_[vf].max_frame = max_frame;
  return 0;
}

int IxgbePfPolicy::find_vlvf_slot(std::uint32_t vid) {
  // ixgbe_find_vlvf_slot (vlvf_bypass = false): VLAN 0 owns entry 0; otherwise the entry whose
  // register equals VIEN | vid, else the first empty (all-zero) entry searching down from the
  // top; -1 when full.
  if (vid == 0) return 0;
  const std::uint32_t want = vid | VLVF::VIEN::kMask;
  int first_empty = 0;
  for (int idx = static_cast<int>(num_vlvf_) - 1; idx > 0; --idx) {
    const std::uint32_t bits = rd(VLVF::at(static_cast<unsigned>(idx)));
    if (bits == want) return idx;
    if (!first_empty && !bits) first_empty = idx;
  }
  return first_empty ? first_empty : -1;
}

int IxgbePfPolicy::vfta_set(std::uint32_t vid, unsigned pool, bool on) {
  // ixgbe_set_vfta_generic in VT mode: the VFTA bit is computed first and written last; the
  // pool bit goes to VLVFB(2 * entry + pool / 32); an entry left with no pool in either half
  // is disabled (VFTA first, then VLVF and VLVFB).
  if (vid > 4095 || pool > 63) return -1;
  const std::uint32_t reg = vfta_reg(vid);
  std::uint32_t vfta = rd(reg);
  std::uint32_t delta = (1u << (vid % 32)) & (on ? ~vfta : vfta);
  vfta ^= delta;
  const int slot = find_vlvf_slot(vid);
  if (slot < 0) return -1;  // IXGBE_ERR_NO_SPACE
  const unsigned idx = static_cast<unsigned>(slot);
  const unsigned word = 2 * idx + pool / 32;
  std::uint32_t bits = rd(VLVFB::at(word)) | pool_bit(pool);
  if (!on) {
    bits ^= pool_bit(pool);
    if (!bits && !rd(VLVFB::at(2 * idx + 1 - pool / 32))) {
      if (delta) wr(reg, vfta);
      wr(VLVF::at(idx), 0);
      wr(VLVFB::at(word), 0);
      return 0;
    }
    delta = 0;  // other pools still use the VLAN: keep the VFTA bit
  }
  wr(VLVFB::at(word), bits);
  wr(VLVF::at(idx), VLVF::VIEN::kMask | vid);
  if (delta) wr(reg, vfta);
  return 0;
}

void IxgbePfPolicy::clear_vf_vlans(unsigned vf) {
  // ixgbe_clear_vf_vlans (VLAN promiscuous mode not modelled): for each entry holding the VF's
  // pool bit, drop it; if only the PF's pool (VMDQ_P(0) = num_vfs) or nobody remains, disable
  // the entry, and if nobody remains also clear the VFTA bit.
  const std::uint64_t pf_bit = num_vfs_ < 64 ? std::uint64_t{1} << num_vfs_ : 0;
  for (unsigned i = num_vlvf_; i-- > 0;) {
    const unsigned word = 2 * i + vf / 32;
    std::uint32_t vlvfb = rd(VLVFB::at(word));
    if (!(vlvfb & pool_bit(vf))) continue;
    vlvfb ^= pool_bit(vf);
    const std::uint32_t other = rd(VLVFB::at(word ^ 1));
    const std::uint64_t pools = word % 2 ? (std::uint64_t{vlvfb} << 32 | other)
                                         : (std::uint64_t{other} << 32 | vlvfb);
    if (pools & ~pf_bit) {  // other pools are present: just remove ourselves
      wr(VLVFB::at(word), vlvfb);
      continue;
    }
    if (!pools) {
      const std::uint32_t vlvf = rd(VLVF::at(i));
      if (!vlvf) {  // cannot tell the VLAN: just remove ourselves
        wr(VLVFB::at(word), vlvfb);
        continue;
      }
      const std::uint32_t vid = VLVF::VID::get(vlvf);
      const std::uint32_t vfta = rd(vfta_reg(vid));
      const std::uint32_t bit = 1u << (vid % 32);
      if (vfta & bit) wr(vfta_reg(vid), vfta ^ bit);
    }
    wr(VLVF::at(i), 0);
    wr(VLVFB::at(word), 0);
  }
}

void IxgbePfPolicy::set_vmolr(unsigned vf) {
  // ixgbe_set_vmolr(hw, vf, aupe = !pf_vlan = true): broadcast and untagged frames accepted.
  set_bits(PFVML2FLT::at(vf), PFVML2FLT::AUPE::kMask | PFVML2FLT::BAM::kMask);
}

}  // namespace iovsim
