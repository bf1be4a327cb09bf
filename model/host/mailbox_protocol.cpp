#include "model/host/mailbox_protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "model/core/regs_82576.h"
#include "model/core/regs_mbx_82576.h"
#include "model/core/regs_mbx_82599.h"

namespace iovsim {

using namespace regs;
namespace x = regs82599mbx;  // the 82599 names, kept apart from the 82576 ones

std::uint16_t mbx::mc_hash(std::uint64_t mac) {
  // igbvf e1000_hash_mc_addr_vf: hash_mask = 128 * 32 - 1 = 0xFFF; bit_shift = 4 (the number of
  // left shifts that keeps 0xFF inside the mask); hash = (DA[4] >> (8 - 4)) | (DA[5] << 4).
  const unsigned b4 = static_cast<unsigned>(mac >> 32) & 0xFFu;
  const unsigned b5 = static_cast<unsigned>(mac >> 40) & 0xFFu;
  return static_cast<std::uint16_t>(((b4 >> 4) | (b5 << 4)) & 0xFFFu);
}

namespace {
std::uint32_t mac_lo(std::uint64_t mac) { return static_cast<std::uint32_t>(mac); }
std::uint32_t mac_hi16(std::uint64_t mac) {
  return static_cast<std::uint32_t>(mac >> 32) & 0xFFFFu;
}
std::uint64_t mac_of(std::uint32_t lo, std::uint32_t hi) {
  return std::uint64_t{lo} | (std::uint64_t{hi & 0xFFFFu} << 32);
}
constexpr std::uint32_t kPoolselShift = 12;  // E1000_VLVF_POOLSEL_SHIFT
std::uint32_t vlvf_pool_bit(unsigned pool) { return 1u << (kPoolselShift + pool); }
std::uint32_t vfta_reg(std::uint32_t vid) { return VFTA + 4 * (vid / 32); }
std::uint32_t vfta_reg_82599(std::uint32_t vid) { return x::VFTA + 4 * (vid / 32); }
std::uint32_t pool_bit(unsigned pool) { return 1u << (pool % 32); }  // PFVFRE/TE, MPSAR, VLVFB
}  // namespace

// ==========================================================================================
// VfMailbox (igbvf mbx.c, vf.c; ixgbevf mbx.c, vf.c). The VFMAILBOX bits of the 82599 sit
// where the 82576's V2PMAILBOX bits do (static_asserts in model/pcie/mailbox.cpp), so only the
// offsets depend on the family.

VfMailbox::VfMailbox(RegAccess bar, Family family)
    : bar_(std::move(bar)),
      family_(family),
      ctl_(family == Family::i82599 ? x::VFMAILBOX : VF_V2PMAILBOX),
      mem_(family == Family::i82599 ? x::VFMBMEM : VF_VMBMEM) {}

std::uint32_t VfMailbox::read_v2p() {
  const std::uint32_t v = bar_.read32(ctl_);
  rsti_ = V2PMAILBOX_RSTI::get(v);
  sticky_ |= v & V2PMAILBOX_R2C_BITS;
  return v | sticky_;
}

bool VfMailbox::consume(std::uint32_t mask) {  // e1000_check_for_bit_vf
  const bool hit = (read_v2p() & mask) != 0;
  sticky_ &= ~mask;
  return hit;
}

bool VfMailbox::obtain_lock() {  // e1000_obtain_mbx_lock_vf
  bar_.write32(ctl_, V2PMAILBOX_VFU::kMask);
  return (read_v2p() & V2PMAILBOX_VFU::kMask) != 0;
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
  consume(V2PMAILBOX_PFACK::kMask);
  consume(V2PMAILBOX_PFSTS::kMask);
  for (unsigned i = 0; i < n; ++i) bar_.write32(mem_ + 4 * i, words[i]);
  ++msgs_tx_;
  bar_.write32(ctl_, V2PMAILBOX_REQ::kMask);  // drops VFU, interrupts the PF
  return true;
}

bool VfMailbox::poll_reply(std::uint32_t* words, unsigned& n) {
  if (!(read_v2p() & V2PMAILBOX_PFSTS::kMask)) return false;
  if (!obtain_lock()) {
    ++lock_failures_;
    return false;  // PFSTS stays pending in sticky_
  }
  sticky_ &= ~V2PMAILBOX_PFSTS::kMask;
  const unsigned m = std::min(n, mbx::WORDS);
  for (unsigned i = 0; i < m; ++i) words[i] = bar_.read32(mem_ + 4 * i);
  bar_.write32(ctl_, V2PMAILBOX_ACK::kMask);  // acknowledges and drops VFU
  ++msgs_rx_;
  n = m;
  return true;
}

bool VfMailbox::poll_ack() { return consume(V2PMAILBOX_PFACK::kMask); }

bool VfMailbox::check_reset() {
  return consume(V2PMAILBOX_RSTD::kMask | V2PMAILBOX_RSTI::kMask);
}

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
  w[1] = mac_lo(mac);
  w[2] = mac_hi16(mac);
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

bool VfMailbox::decode_reset_reply(const std::uint32_t* w, unsigned n, std::uint64_t& mac) {
  if (n < mbx::RESET_REPLY_WORDS || w[0] != (mbx::VF_RESET | mbx::MSGTYPE_ACK)) return false;
  mac = mac_of(w[1], w[2]);
  return true;
}

bool VfMailbox::decode_reset_reply(const std::uint32_t* w, unsigned n, std::uint64_t& mac,
                                   Family family, std::uint32_t* mc_filter_type) {
  if (family != Family::i82599) return decode_reset_reply(w, n, mac);
  // ixgbevf_reset_hw_vf: reads IXGBE_VF_PERMADDR_MSG_LEN (4) words; RESET | ACK carries the
  // MAC, RESET | NACK means "no MAC assigned yet", anything else is an error; word
  // IXGBE_VF_MC_TYPE_WORD is taken in both accepted cases.
  if (n < mbx::RESET_REPLY_WORDS_82599) return false;
  const bool ack = w[0] == (mbx::VF_RESET | mbx::MSGTYPE_ACK);
  if (!ack && w[0] != (mbx::VF_RESET | mbx::MSGTYPE_NACK)) return false;
  if (mc_filter_type) *mc_filter_type = w[mbx::RESET_MC_TYPE_WORD];
  if (!ack) return false;
  mac = mac_of(w[1], w[2]);
  return true;
}

// ==========================================================================================
// PfVfPolicy (igb_main.c)

PfVfPolicy::PfVfPolicy(RegAccess pf_bar, unsigned num_vfs, unsigned num_rar, unsigned num_vlvf,
                       Family family)
    : pf_(std::move(pf_bar)), family_(family), num_vfs_(num_vfs), num_rar_(num_rar),
      num_vlvf_(num_vlvf), vf_(num_vfs) {
  const bool x99 = family == Family::i82599;
  const unsigned max_vfs = x99 ? x::MBX_MAX_VFS : MBX_MAX_VFS;
  const unsigned max_vlvf = x99 ? x::VLVF_ENTRIES : VLVF_ENTRIES_82576;
  if (num_vfs > max_vfs || num_rar < num_vfs + 1 || (x99 && num_rar > x::RAR_ENTRIES) ||
      num_vlvf < 2 || num_vlvf > max_vlvf)
    throw std::invalid_argument(fmt::format(
        "PF mailbox policy: {} VFs, {} RAR entries, {} VLVF entries are not an {} layout",
        num_vfs, num_rar, num_vlvf, x99 ? "82599" : "82576"));
}

bool PfVfPolicy::set_vf_mac(unsigned vf, std::uint64_t mac) {
  // igb_ndo_set_vf_mac
  if (vf >= num_vfs_) return false;
  if (mac == 0)
    vf_[vf].pf_set_mac = false;
  else if (mbx::valid_unicast(mac))
    vf_[vf].pf_set_mac = true;
  else
    return false;
  program_vf_mac(vf, mac);
  return true;
}

void PfVfPolicy::set_default_vf_mac(unsigned vf, std::uint64_t mac) {
  if (vf < num_vfs_) program_vf_mac(vf, mac);
}

void PfVfPolicy::set_trusted(unsigned vf, bool t) {
  if (vf >= num_vfs_) return;
  // ixgbe_ndo_set_vf_trust: "reset VF to reconfigure features" (igb only records the flag).
  if (is_82599() && vf_[vf].trusted != t) vf_[vf].cts = false;
  vf_[vf].trusted = t;
}

void PfVfPolicy::set_allow_vlan(unsigned vf, bool allow) {
  if (vf < num_vfs_) vf_[vf].allow_vlan = allow;
}

void PfVfPolicy::set_pf_multicast(const std::uint16_t* hashes, unsigned n) {
  pf_mc_hashes_.assign(hashes, hashes + n);  // configuration time, not per message
  if (is_82599())
    rebuild_mta_82599();
  else
    rebuild_mta();
}

void PfVfPolicy::revoke_cts(unsigned vf) {
  if (vf < num_vfs_) vf_[vf].cts = false;
}

void PfVfPolicy::count(unsigned vf, std::uint32_t type, bool granted) {
  const unsigned kind = (type >= 1 && type < kMsgKinds) ? type : 0;
  (granted ? vf_[vf].granted : vf_[vf].refused)[kind]++;
}

std::uint64_t PfVfPolicy::grants_total() const {
  std::uint64_t t = 0;
  for (const VfState& s : vf_)
    for (auto c : s.granted) t += c;
  return t;
}

std::uint64_t PfVfPolicy::refusals_total() const {
  std::uint64_t t = 0;
  for (const VfState& s : vf_)
    for (auto c : s.refused) t += c;
  return t;
}

unsigned PfVfPolicy::handle(unsigned vf, const std::uint32_t* msg, unsigned n,
                            std::uint32_t* reply) {
  const std::uint32_t w0 = n ? msg[0] : 0;
  if (vf >= num_vfs_) {
    // igb only polls its VFs; a request from beyond NumVFs is refused here and counted.
    ++out_of_range_;
    reply[0] = w0 | mbx::MSGTYPE_NACK;
    return 1;
  }
  // "this is a message we already processed, do nothing"
  if (w0 & (mbx::MSGTYPE_ACK | mbx::MSGTYPE_NACK)) {
    ++stale_;
    return 0;
  }
  // "until the vf completes a reset it should not be allowed to start any configuration"
  // (exact comparison, as igb: RESET with MSGINFO bits falls through to the switch).
  if (w0 == mbx::VF_RESET) {
    if (is_82599()) return reset_msg_82599(vf, reply);
    reset_msg(vf, reply);
    return mbx::RESET_REPLY_WORDS;
  }
  const std::uint32_t type = mbx::msg_type(w0);
  if (!vf_[vf].cts) {
    // igb NACKs at most once per 2 s here and stays silent otherwise; the model answers every
    // such message (there is no clock in this class) so a polling VF never waits for nothing.
    ++not_cts_;
    count(vf, type, false);
    reply[0] = w0 | mbx::MSGTYPE_NACK;
    return 1;
  }
  std::uint32_t w[mbx::WORDS] = {};
  std::copy(msg, msg + std::min(n, mbx::WORDS), w);
  int ret = -1;
  const bool x99 = is_82599();
  switch (type) {
    case mbx::VF_SET_MAC_ADDR: ret = x99 ? set_mac_addr_82599(vf, w) : set_mac_addr(vf, w); break;
    case mbx::VF_SET_PROMISC:  // = VF_SET_MACVLAN on the 82599
      ret = x99 ? set_macvlan_82599(vf, w) : set_promisc(vf, w[0]);
      break;
    case mbx::VF_SET_MULTICAST:
      ret = x99 ? set_multicasts_82599(vf, w) : set_multicasts(vf, w, mbx::WORDS);
      break;
    case mbx::VF_SET_LPE: ret = x99 ? set_lpe_82599(vf, w[1]) : set_rlpml(vf, w[1]); break;
    case mbx::VF_SET_VLAN: ret = set_vlan_msg(vf, w, mbx::WORDS); break;
    default: ++unknown_; ret = -1; break;  // "Unhandled Msg"
  }
  count(vf, type, ret == 0);
  reply[0] = w[0] | mbx::MSGTYPE_CTS | (ret ? mbx::MSGTYPE_NACK : mbx::MSGTYPE_ACK);
  if (!x99) return 1;
  // ixgbe_rcv_msg_from_vf writes the whole buffer back (ixgbe_write_mbx(..., mbx_size, vf)).
  std::copy(w + 1, w + mbx::WORDS, reply + 1);
  return mbx::WORDS;
}

void PfVfPolicy::reset_msg(unsigned vf, std::uint32_t* reply) {
  // igb_vf_reset_msg
  VfState& s = vf_[vf];
  vf_reset(vf);
  program_vf_mac(vf, s.mac);
  wr(VFTE, rd(VFTE) | (1u << vf));
  wr(VFRE, rd(VFRE) | (1u << vf));
  s.cts = true;
  // The reply carries no CTS flag (igb builds word 0 afresh), and NACK when no MAC is known:
  // igbvf then keeps its random MAC and asks for it with SET_MAC_ADDR.
  const bool have_mac = s.mac != 0;
  reply[0] = mbx::VF_RESET | (have_mac ? mbx::MSGTYPE_ACK : mbx::MSGTYPE_NACK);
  reply[1] = have_mac ? mac_lo(s.mac) : 0;
  reply[2] = have_mac ? mac_hi16(s.mac) : 0;
  count(vf, mbx::VF_RESET, have_mac);
}

void PfVfPolicy::vf_reset(unsigned vf) {
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

void PfVfPolicy::vf_flr(unsigned vf) {
  if (vf >= num_vfs_) return;
  if (is_82599()) {
    // ixgbe_check_for_rst -> ixgbe_vf_reset_event: filters reset and the RAR entry removed;
    // vf_mac_addresses and clear_to_send are left as they are (the VF's next RESET
    // re-programs the MAC).
    vf_reset_82599(vf);
    return;
  }
  // igb_vf_reset_event: "clear mac address as we were hotplug removed/added"
  if (!vf_[vf].pf_set_mac) vf_[vf].mac = 0;
  vf_reset(vf);
}

int PfVfPolicy::set_mac_addr(unsigned vf, const std::uint32_t* w) {
  // igb_set_vf_mac_addr (with the trust check of Linux commit 1b8b062a99dc, 2018): an untrusted
  // VF may not override a MAC the administrator set; an invalid MAC is refused.
  VfState& s = vf_[vf];
  const std::uint32_t info = w[0] & mbx::MSGINFO_MASK;
  if (info) return -1;  // E1000_VF_MAC_FILTER_CLR/ADD (igb_set_vf_mac_filter): not modelled
  const std::uint64_t mac = mac_of(w[1], w[2]);
  if (s.pf_set_mac && !s.trusted) return -1;
  if (!mbx::valid_unicast(mac)) return -1;
  program_vf_mac(vf, mac);
  return 0;
}

void PfVfPolicy::program_vf_mac(unsigned vf, std::uint64_t mac) {
  if (is_82599()) {
    program_vf_mac_82599(vf, mac);
    return;
  }
  // igb_set_vf_mac: "VF MAC addresses start at end of receive addresses and moves towards the
  // first"; igb_rar_set_index: RAL = bytes 0-3, RAH = bytes 4-5 | AV (valid address only) |
  // E1000_RAH_POOL_1 << pool (82576).
  vf_[vf].mac = mac;
  const unsigned idx = rar_index(vf);
  std::uint32_t rah = RAH_ADDR_HI::set(0, mac_hi16(mac)) | RAH_POOLSEL::set(0, 1u << vf);
  if (mbx::valid_unicast(mac)) rah = RAH_AV::set(rah, 1);
  wr(RAL(idx), mac_lo(mac));
  wr(RAH(idx), rah);
}

int PfVfPolicy::set_multicasts(unsigned vf, const std::uint32_t* w, unsigned n) {
  // igb_set_vf_multicasts: keep the count as sent (> 30 means multicast promiscuous on the next
  // MTA rebuild), store at most 30 hashes, rebuild the MTA.
  VfState& s = vf_[vf];
  const unsigned count = mbx::msg_info(w[0]);
  s.num_mc_hashes = count;
  const unsigned m = std::min(count, mbx::MAX_MC_HASHES);
  for (unsigned i = 0; i < m; ++i) {
    const unsigned word = 1 + i / 2;
    const std::uint32_t v = word < n ? w[word] : 0;
    s.mc_hashes[i] = static_cast<std::uint16_t>(v >> (16 * (i % 2)));
  }
  rebuild_mta();
  return 0;
}

void PfVfPolicy::rebuild_mta() {
  // igb_set_rx_mode -> igb_write_mc_addr_list (the PF's own list, written to a cleared MTA)
  // then igb_restore_vf_multicasts (each VF: ROMPE and its hashes, or MPME when it sent more
  // than 30 or asked for multicast promiscuous). igb_mta_set: register (hash >> 5) & 127, bit
  // hash & 31. The end state is igb's; the register write order differs (one pass).
  std::uint32_t mta[128] = {};
  auto set = [&mta](std::uint16_t h) { mta[(h >> 5) & 127u] |= 1u << (h & 31u); };
  for (std::uint16_t h : pf_mc_hashes_) set(h);
  for (unsigned v = 0; v < num_vfs_; ++v) {
    const VfState& s = vf_[v];
    std::uint32_t vmolr = rd(VMOLR(v));
    vmolr = VMOLR_ROMPE::set(VMOLR_MPME::set(vmolr, 0), 0);
    if (s.num_mc_hashes > mbx::MAX_MC_HASHES || s.multi_promisc) {
      vmolr = VMOLR_MPME::set(vmolr, 1);
    } else if (s.num_mc_hashes) {
      vmolr = VMOLR_ROMPE::set(vmolr, 1);
      for (unsigned j = 0; j < s.num_mc_hashes; ++j) set(s.mc_hashes[j]);
    }
    wr(VMOLR(v), vmolr);
  }
  for (unsigned i = 0; i < 128; ++i) wr(MTA + 4 * i, mta[i]);
}

int PfVfPolicy::set_promisc(unsigned vf, std::uint32_t& w0) {
  // igb_set_vf_promisc: only multicast promiscuous is supported; the flag is removed from the
  // reply's word 0 and any other flag left over makes it a NACK.
  VfState& s = vf_[vf];
  std::uint32_t vmolr = rd(VMOLR(vf));
  s.multi_promisc = false;
  vmolr &= ~(VMOLR_ROPE::kMask | VMOLR_ROMPE::kMask | VMOLR_MPME::kMask);
  if (w0 & mbx::VF_SET_PROMISC_MULTICAST) {
    vmolr |= VMOLR_MPME::kMask;
    s.multi_promisc = true;
    w0 &= ~mbx::VF_SET_PROMISC_MULTICAST;
  } else if (s.num_mc_hashes > mbx::MAX_MC_HASHES) {
    vmolr |= VMOLR_MPME::kMask;
  } else if (s.num_mc_hashes) {
    vmolr |= VMOLR_ROMPE::kMask;
    for (unsigned j = 0; j < s.num_mc_hashes; ++j) {
      const std::uint16_t h = s.mc_hashes[j];
      const std::uint32_t off = MTA + 4 * ((h >> 5) & 127u);
      wr(off, rd(off) | (1u << (h & 31u)));
    }
  }
  wr(VMOLR(vf), vmolr);
  return (w0 & mbx::MSGINFO_MASK) ? -1 : 0;
}

int PfVfPolicy::set_rlpml(unsigned vf, std::uint32_t size) {
  // igb_set_vf_rlpml (newer igb clamps to MAX_JUMBO_FRAME_SIZE; the model treats the word as
  // unsigned, where igb's int parameter would let a huge value through as negative).
  size = std::min(size, mbx::MAX_JUMBO_FRAME);
  std::uint32_t vmolr = rd(VMOLR(vf));
  vmolr = VMOLR_LPE::set(VMOLR_RLPML::set(vmolr, size), 1);
  wr(VMOLR(vf), vmolr);
  return 0;
}

int PfVfPolicy::set_vlan_msg(unsigned vf, const std::uint32_t* w, unsigned n) {
  // igb_rcv_msg_from_vf SET_VLAN case + igb_set_vf_vlan_msg. igb refuses when the PF set a
  // port VLAN; the model's equivalent administrative knob is allow_vlan.
  // ixgbe_set_vf_vlan_msg is the same up to here (it refuses for a port VLAN or DCB), then
  // calls ixgbe_set_vf_vlan, which does not touch VLAN stripping (the VF sets RXDCTL.VME).
  if (!vf_[vf].allow_vlan) return -1;
  const bool add = mbx::msg_info(w[0]) != 0;
  const std::uint32_t vid = VLVF_VLANID::get(n > 1 ? w[1] : 0);
  if (!vid && !add) return 0;  // "VLAN 0 is a special case, don't allow it to be removed"
  if (is_82599()) return vfta_set_82599(vid, vf, add);
  const int ret = vfta_set(vid, vf, add);  // igb_set_vf_vlan without the PF's own VLANs
  if (!ret) set_vlan_strip(vf, vid != 0);
  return ret;
}

int PfVfPolicy::find_vlvf_slot(std::uint32_t vid) {
  // igb_find_vlvf_slot: VLAN 0 owns entry 0; otherwise the entry holding the VID, else the
  // first entry (searching down from the top) whose VID field is 0; -1 when full.
  if (vid == 0) return 0;
  int first_empty = 0;
  for (int idx = static_cast<int>(num_vlvf_) - 1; idx > 0; --idx) {
    const std::uint32_t bits = VLVF_VLANID::get(rd(VLVF(static_cast<unsigned>(idx))));
    if (bits == vid) return idx;
    if (!first_empty && !bits) first_empty = idx;
  }
  return first_empty ? first_empty : -1;
}

int PfVfPolicy::vfta_set(std::uint32_t vid, unsigned pool, bool on) {
  // igb_vfta_set in VT mode: VFTA bit on add; VLVF entry found or allocated, the pool bit set
  // or cleared; an entry left with no pool is disabled and its VFTA bit cleared.
  if (vid > 4095 || pool >= MBX_MAX_VFS) return -1;
  const std::uint32_t reg = vfta_reg(vid);
  std::uint32_t vfta = rd(reg);
  std::uint32_t delta = (1u << (vid % 32)) & (on ? ~vfta : vfta);
  vfta ^= delta;
  const int slot = find_vlvf_slot(vid);
  if (slot < 0) return -1;  // -E1000_ERR_NO_SPACE
  const unsigned idx = static_cast<unsigned>(slot);
  std::uint32_t bits = rd(VLVF(idx)) | vlvf_pool_bit(pool);
  if (!on) {
    bits ^= vlvf_pool_bit(pool);
    if (!(bits & VLVF_POOLSEL::kMask)) {
      if (delta) wr(reg, vfta);  // VFTA first, then the VLVF entry (no stray frames)
      wr(VLVF(idx), 0);
      return 0;
    }
    delta = 0;  // other pools still use the VLAN: keep the VFTA bit
  }
  wr(VLVF(idx), bits | vid | VLVF_VLANID_ENABLE::kMask);
  if (delta) wr(reg, vfta);
  return 0;
}

void PfVfPolicy::clear_vf_vfta(unsigned vf) {
  // igb_clear_vf_vfta (VLAN promiscuous mode not modelled: an emptied entry becomes 0).
  std::uint32_t pool_mask = VLVF_POOLSEL::kMask;
  if (num_vfs_ < MBX_MAX_VFS) pool_mask &= ~vlvf_pool_bit(num_vfs_);  // the PF's pool
  const std::uint32_t vf_bit = vlvf_pool_bit(vf);
  for (unsigned i = num_vlvf_; i-- > 0;) {
    std::uint32_t vlvf = rd(VLVF(i));
    if (!(vlvf & vf_bit)) continue;
    vlvf ^= vf_bit;
    if (vlvf & pool_mask) {  // other VFs remain: just leave
      wr(VLVF(i), vlvf);
      continue;
    }
    if (!(vlvf & VLVF_POOLSEL::kMask)) {  // nobody left, not even the PF: clear the VFTA bit
      const std::uint32_t vid = VLVF_VLANID::get(vlvf);
      const std::uint32_t vfta = rd(vfta_reg(vid));
      const std::uint32_t bit = 1u << (vid % 32);
      if (vfta & bit) wr(vfta_reg(vid), vfta ^ bit);
    }
    wr(VLVF(i), 0);
  }
}

void PfVfPolicy::set_vlan_strip(unsigned vf, bool on) {
  wr(VMOLR(vf), VMOLR_STRVLAN::set(rd(VMOLR(vf)), on));  // igb_set_vf_vlan_strip
}

void PfVfPolicy::set_vmolr(unsigned vf) {
  // igb_set_vmolr(adapter, vf, aupe = !pf_vlan = true): accept untagged, accept broadcast.
  // igb also clears RSSE for a VF; the model keeps it, since the platform may give a VF RSS
  // as a scenario option.
  std::uint32_t vmolr = rd(VMOLR(vf));
  vmolr = VMOLR_BAM::set(VMOLR_AUPE::set(vmolr, 1), 1);
  wr(VMOLR(vf), vmolr);
}

// ==========================================================================================
// PfVfPolicy, 82599 (ixgbe_sriov.c, ixgbe_common.c)

unsigned PfVfPolicy::reset_msg_82599(unsigned vf, std::uint32_t* reply) {
  // ixgbe_vf_reset_msg
  VfState& s = vf_[vf];
  vf_reset_82599(vf);
  if (s.mac) program_vf_mac_82599(vf, s.mac);  // "set vf mac address"
  // ixgbe_set_vf_rx_tx with link_enable: the VF's bit in PFVFTE/PFVFRE(vf / 32). (ixgbe leaves
  // Rx off for a VF while the 82599's PF runs jumbo frames; the model's PF does not.)
  const unsigned reg = vf / 32;
  wr(x::PFVFTE(reg), rd(x::PFVFTE(reg)) | pool_bit(vf));
  wr(x::PFVFRE(reg), rd(x::PFVFRE(reg)) | pool_bit(vf));
  s.cts = true;
  // Unlike igb, ixgbe hands out only a MAC the administrator set: a VF that chose its own (or
  // got a default one) hears NACK and keeps or picks its address. Word 3 carries the
  // multicast filter type either way.
  const bool ack = s.mac != 0 && s.pf_set_mac;
  reply[0] = mbx::VF_RESET | (ack ? mbx::MSGTYPE_ACK : mbx::MSGTYPE_NACK);
  reply[1] = ack ? mac_lo(s.mac) : 0;
  reply[2] = ack ? mac_hi16(s.mac) : 0;
  reply[mbx::RESET_MC_TYPE_WORD] = kMcFilterType;
  count(vf, mbx::VF_RESET, ack);
  return mbx::RESET_REPLY_WORDS_82599;
}

void PfVfPolicy::vf_reset_82599(unsigned vf) {
  // ixgbe_vf_reset_event: the VF's VLANs dropped and VLAN 0 (its pf_vlan; no port VLAN in the
  // model, so no VMVIR and no anti-spoofing change) re-added, PFVML2FLT defaults, no multicast
  // hashes, MTA rebuilt (ixgbe_set_rx_mode), the VF's MAC filter removed. Unlike igb_vf_reset
  // it leaves CTS alone; ixgbe_vf_reset_msg sets it afterwards.
  VfState& s = vf_[vf];
  clear_vf_vlans_82599(vf);
  vfta_set_82599(0, vf, true);
  set_vmolr_82599(vf);
  s.num_mc_hashes = 0;
  rebuild_mta_82599();
  clear_vf_rar_82599(vf);
}

void PfVfPolicy::program_vf_mac_82599(unsigned vf, std::uint64_t mac) {
  // ixgbe_set_vf_mac = ixgbe_del_mac_filter(old) + ixgbe_add_mac_filter(new). ixgbe puts the
  // new address in the first free entry of its mac_table; the model keeps igb's fixed entry
  // num_rar - 1 - vf, so a VF's filter does not move with the order in which VFs reset or
  // change MACs (the switch decodes any entry alike, and tests and traces can name it).
  // ixgbe_set_rar_generic: pool bit first (MPSAR, set_vmdq on a cleared entry), then RAL, then
  // RAH with AV. A zero MAC is refused by ixgbe_add_mac_filter: the entry stays cleared.
  vf_[vf].mac = mac;
  clear_vf_rar_82599(vf);
  if (!mac) return;
  const unsigned idx = rar_index(vf);
  wr(x::MPSAR_LO(idx), vf < 32 ? pool_bit(vf) : 0u);
  wr(x::MPSAR_HI(idx), vf < 32 ? 0u : pool_bit(vf));
  wr(x::RAL(idx), mac_lo(mac));
  wr(x::RAH(idx), x::RAH_ADDR_HI::set(0, mac_hi16(mac)) | x::RAH_AV::kMask);
}

void PfVfPolicy::clear_vf_rar_82599(unsigned vf) {
  // ixgbe_clear_rar_generic (RAL, RAH incl. AV) + ixgbe_clear_vmdq_generic(IXGBE_CLEAR_VMDQ_ALL)
  const unsigned idx = rar_index(vf);
  wr(x::RAL(idx), 0);
  wr(x::RAH(idx), 0);
  wr(x::MPSAR_LO(idx), 0);
  wr(x::MPSAR_HI(idx), 0);
}

int PfVfPolicy::set_mac_addr_82599(unsigned vf, const std::uint32_t* w) {
  // ixgbe_set_vf_mac_addr: invalid -> refused; an untrusted VF may not replace a MAC the
  // administrator set, but (unlike igb) may re-send that same MAC. No MSGINFO sub-commands:
  // extra filters are SET_MACVLAN on ixgbe.
  const VfState& s = vf_[vf];
  const std::uint64_t mac = mac_of(w[1], w[2]);
  if (!mbx::valid_unicast(mac)) return -1;
  if (s.pf_set_mac && !s.trusted && mac != s.mac) return -1;
  program_vf_mac_82599(vf, mac);
  return 0;
}

int PfVfPolicy::set_macvlan_82599(unsigned vf, const std::uint32_t* w) {
  // ixgbe_set_vf_macvlan_msg: index 0 clears the VF's extra filters (the model never grants
  // one, so there is nothing to clear); an index > 0 asks for one more RAR entry, refused to
  // an untrusted VF with an administrative MAC and, in the model, to everyone (no spare RAR
  // entries are kept for VFs: ixgbe's -ENOSPC).
  const VfState& s = vf_[vf];
  const unsigned index = mbx::msg_info(w[0]);
  if (s.pf_set_mac && !s.trusted && index > 0) return -1;
  return index == 0 ? 0 : -1;
}

int PfVfPolicy::set_multicasts_82599(unsigned vf, const std::uint32_t* w) {
  // ixgbe_set_vf_multicasts: at most IXGBE_MAX_VF_MC_ENTRIES (30) hashes kept; their MTA bits
  // are OR-ed in (bits of a previous list stay until the next MTA rebuild) and ROMPE is set,
  // even for an empty list. No multicast promiscuous here (that is UPDATE_XCAST_MODE).
  VfState& s = vf_[vf];
  const unsigned count = std::min(mbx::msg_info(w[0]), mbx::MAX_MC_HASHES);
  s.num_mc_hashes = count;
  for (unsigned i = 0; i < count; ++i) {
    const std::uint16_t h = static_cast<std::uint16_t>(w[1 + i / 2] >> (16 * (i % 2)));
    s.mc_hashes[i] = h;
    const std::uint32_t off = x::MTA + 4 * ((h >> 5) & 127u);
    wr(off, rd(off) | (1u << (h & 31u)));
  }
  wr(x::PFVML2FLT(vf), rd(x::PFVML2FLT(vf)) | x::PFVML2FLT_ROMPE::kMask);
  return 0;
}

void PfVfPolicy::rebuild_mta_82599() {
  // ixgbe_set_rx_mode: the PF's list written to a cleared MTA
  // (ixgbe_update_mc_addr_list_generic), then ixgbe_restore_vf_multicasts: each VF's hashes
  // OR-ed in, ROMPE = "has hashes"; MPE is not touched. ixgbe's end state, in one pass.
  std::uint32_t mta[128] = {};
  auto set = [&mta](std::uint16_t h) { mta[(h >> 5) & 127u] |= 1u << (h & 31u); };
  for (std::uint16_t h : pf_mc_hashes_) set(h);
  for (unsigned v = 0; v < num_vfs_; ++v) {
    const VfState& s = vf_[v];
    for (unsigned j = 0; j < s.num_mc_hashes; ++j) set(s.mc_hashes[j]);
    wr(x::PFVML2FLT(v), x::PFVML2FLT_ROMPE::set(rd(x::PFVML2FLT(v)), s.num_mc_hashes != 0));
  }
  for (unsigned i = 0; i < 128; ++i) wr(x::MTA + 4 * i, mta[i]);
}

int PfVfPolicy::set_lpe_82599(unsigned vf, std::uint32_t max_frame) {
  // ixgbe_set_vf_lpe: out of [ETH_MIN_MTU, IXGBE_MAX_JUMBO_FRAME_SIZE] -> refused. The 82599
  // cannot mix jumbo and non-jumbo PF/VFs: with the PF at a standard MTU (the model's PF), any
  // VF frame above ETH_FRAME_LEN + ETH_FCS_LEN (1518) is refused and the VF's Rx enable
  // (PFVFRE) cleared, whatever the mailbox API; a size up to 1518 re-enables Rx. The global
  // MAXFRS update is not modelled; the granted size is kept (max_frame()).
  if (max_frame < mbx::MIN_FRAME_82599 || max_frame > mbx::MAX_JUMBO_FRAME_82599) return -1;
  const bool err = max_frame > 1518;
  const unsigned reg = vf / 32;
  const std::uint32_t vfre = rd(x::PFVFRE(reg));
  wr(x::PFVFRE(reg), err ? vfre & ~pool_bit(vf) : vfre | pool_bit(vf));
  if (err) return -1;
  vf_[vf].max_frame = max_frame;
  return 0;
}

int PfVfPolicy::find_vlvf_slot_82599(std::uint32_t vid) {
  // ixgbe_find_vlvf_slot (vlvf_bypass = false): VLAN 0 owns entry 0; otherwise the entry whose
  // register equals VIEN | vid, else the first empty (all-zero) entry searching down from the
  // top; -1 when full.
  if (vid == 0) return 0;
  const std::uint32_t want = vid | x::VLVF_VIEN::kMask;
  int first_empty = 0;
  for (int idx = static_cast<int>(num_vlvf_) - 1; idx > 0; --idx) {
    const std::uint32_t bits = rd(x::VLVF(static_cast<unsigned>(idx)));
    if (bits == want) return idx;
    if (!first_empty && !bits) first_empty = idx;
  }
  return first_empty ? first_empty : -1;
}

int PfVfPolicy::vfta_set_82599(std::uint32_t vid, unsigned pool, bool on) {
  // ixgbe_set_vfta_generic in VT mode: the VFTA bit is computed first and written last; the
  // pool bit goes to VLVFB(2 * entry + pool / 32); an entry left with no pool in either half
  // is disabled (VFTA first, then VLVF and VLVFB).
  if (vid > 4095 || pool > 63) return -1;
  const std::uint32_t reg = vfta_reg_82599(vid);
  std::uint32_t vfta = rd(reg);
  std::uint32_t delta = (1u << (vid % 32)) & (on ? ~vfta : vfta);
  vfta ^= delta;
  const int slot = find_vlvf_slot_82599(vid);
  if (slot < 0) return -1;  // IXGBE_ERR_NO_SPACE
  const unsigned idx = static_cast<unsigned>(slot);
  const unsigned word = 2 * idx + pool / 32;
  std::uint32_t bits = rd(x::VLVFB(word)) | pool_bit(pool);
  if (!on) {
    bits ^= pool_bit(pool);
    if (!bits && !rd(x::VLVFB(2 * idx + 1 - pool / 32))) {
      if (delta) wr(reg, vfta);
      wr(x::VLVF(idx), 0);
      wr(x::VLVFB(word), 0);
      return 0;
    }
    delta = 0;  // other pools still use the VLAN: keep the VFTA bit
  }
  wr(x::VLVFB(word), bits);
  wr(x::VLVF(idx), x::VLVF_VIEN::kMask | vid);
  if (delta) wr(reg, vfta);
  return 0;
}

void PfVfPolicy::clear_vf_vlans_82599(unsigned vf) {
  // ixgbe_clear_vf_vlans (VLAN promiscuous mode not modelled): for each entry holding the VF's
  // pool bit, drop it; if only the PF's pool (VMDQ_P(0) = num_vfs) or nobody remains, disable
  // the entry, and if nobody remains also clear the VFTA bit.
  const std::uint64_t pf_bit = num_vfs_ < 64 ? std::uint64_t{1} << num_vfs_ : 0;
  for (unsigned i = num_vlvf_; i-- > 0;) {
    const unsigned word = 2 * i + vf / 32;
    std::uint32_t vlvfb = rd(x::VLVFB(word));
    if (!(vlvfb & pool_bit(vf))) continue;
    vlvfb ^= pool_bit(vf);
    const std::uint32_t other = rd(x::VLVFB(word ^ 1));
    const std::uint64_t pools = word % 2 ? (std::uint64_t{vlvfb} << 32 | other)
                                         : (std::uint64_t{other} << 32 | vlvfb);
    if (pools & ~pf_bit) {  // other pools are present: just remove ourselves
      wr(x::VLVFB(word), vlvfb);
      continue;
    }
    if (!pools) {
      const std::uint32_t vlvf = rd(x::VLVF(i));
      if (!vlvf) {  // cannot tell the VLAN: just remove ourselves
        wr(x::VLVFB(word), vlvfb);
        continue;
      }
      const std::uint32_t vid = x::VLVF_VID::get(vlvf);
      const std::uint32_t vfta = rd(vfta_reg_82599(vid));
      const std::uint32_t bit = 1u << (vid % 32);
      if (vfta & bit) wr(vfta_reg_82599(vid), vfta ^ bit);
    }
    wr(x::VLVF(i), 0);
    wr(x::VLVFB(word), 0);
  }
}

void PfVfPolicy::set_vmolr_82599(unsigned vf) {
  // ixgbe_set_vmolr(hw, vf, aupe = !pf_vlan = true): broadcast and untagged frames accepted.
  std::uint32_t v = rd(x::PFVML2FLT(vf));
  v = x::PFVML2FLT_BAM::set(x::PFVML2FLT_AUPE::set(v, 1), 1);
  wr(x::PFVML2FLT(vf), v);
}

// ==========================================================================================
// PfMailboxService (igb e1000_mbx.c + igb_msg_task; ixgbe ixgbe_mbx.c + ixgbe_msg_task). The
// PFMAILBOX bits of the 82599 sit where the 82576's P2VMAILBOX bits do (static_asserts in
// model/pcie/mailbox.cpp); the cause bits of VF v are bits v % 16 and 16 + v % 16 of register
// v / 16 on both (the 82576 has one register).
static_assert(MBVFICR_VFREQ_BIT(7) == x::PFMBICR_VFREQ_BIT(7) &&
                  MBVFICR_VFACK_BIT(7) == x::PFMBICR_VFACK_BIT(7) &&
                  x::PFMBICR_VFACK_BIT(47) == 1u << 31 && x::PFMBICR_INDEX(47) == 2,
              "MBVFICR and PFMBICR bit layout");

PfMailboxService::PfMailboxService(RegAccess pf_bar, unsigned mailboxes, Family family)
    : pf_(std::move(pf_bar)),
      family_(family),
      mailboxes_(std::min(mailboxes, family == Family::i82599 ? x::MBX_MAX_VFS : MBX_MAX_VFS)) {}

std::uint32_t PfMailboxService::ctl(unsigned vf) const {
  return family_ == Family::i82599 ? x::PFMAILBOX(vf) : P2VMAILBOX(vf);
}
std::uint32_t PfMailboxService::mem(unsigned vf) const {
  return family_ == Family::i82599 ? x::PFMBMEM(vf) : VMBMEM(vf);
}
std::uint32_t PfMailboxService::icr(unsigned vf) const {
  return family_ == Family::i82599 ? x::PFMBICR(x::PFMBICR_INDEX(vf)) : MBVFICR;
}

bool PfMailboxService::check_and_clear(std::uint32_t icr_off, std::uint32_t bit) {
  if (!(pf_.read32(icr_off) & bit)) return false;
  pf_.write32(icr_off, bit);  // write 1 to clear
  return true;
}

bool PfMailboxService::obtain_lock(unsigned vf) {
  // igb retries 10 times with a 1 ms delay; in a model without time inside the call a retry
  // would see the same state, so one attempt, and the caller's next poll is the retry.
  pf_.write32(ctl(vf), P2VMAILBOX_PFU::kMask);
  return (pf_.read32(ctl(vf)) & P2VMAILBOX_PFU::kMask) != 0;
}

bool PfMailboxService::send(unsigned vf, const std::uint32_t* words, unsigned n) {
  if (vf >= mailboxes_ || n == 0 || n > mbx::WORDS) return false;
  if (!obtain_lock(vf)) {
    ++lock_failures_;
    return false;
  }
  // "flush msg and acks as we are overwriting the message buffer"
  check_and_clear(icr(vf), x::PFMBICR_VFREQ_BIT(vf));
  check_and_clear(icr(vf), x::PFMBICR_VFACK_BIT(vf));
  for (unsigned i = 0; i < n; ++i) pf_.write32(mem(vf) + 4 * i, words[i]);
  pf_.write32(ctl(vf), P2VMAILBOX_STS::kMask);  // interrupts the VF, drops PFU
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
  pf_.write32(ctl(vf), P2VMAILBOX_ACK::kMask | P2VMAILBOX_PFU::kMask);  // keep the lock
  ++msgs_rx_;
  const unsigned n = policy.handle(vf, msg, mbx::WORDS, reply);
  if (n == 0) {  // igb_release_mbx_lock_pf
    const std::uint32_t p2v = pf_.read32(ctl(vf));
    if (p2v & P2VMAILBOX_PFU::kMask) pf_.write32(ctl(vf), p2v & ~P2VMAILBOX_PFU::kMask);
    return;
  }
  send(vf, reply, n);
}

unsigned PfMailboxService::service(PfVfPolicy& policy) {
  // Nothing pending in any cause register: done (igb and ixgbe poll every VF regardless).
  bool pending = false;
  for (unsigned vf = 0; vf < mailboxes_ && !pending; vf += x::MBX_VFS_PER_ICR)
    pending = pf_.read32(icr(vf)) != 0;
  if (!pending) return 0;
  unsigned handled = 0;
  for (unsigned vf = 0; vf < mailboxes_; ++vf) {
    if (policy.cts(vf)) nacked_uncleared_[vf] = false;
    if (check_and_clear(icr(vf), x::PFMBICR_VFREQ_BIT(vf))) {
      receive(vf, policy);
      ++handled;
    }
    if (check_and_clear(icr(vf), x::PFMBICR_VFACK_BIT(vf))) {
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
