#include "model/host/pf_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "model/host/pf_policy_igb.h"
#include "model/host/pf_policy_ixgbe.h"

namespace iovsim {

namespace mbx = regs::mbx;

std::unique_ptr<PfVfPolicy> make_pf_policy(Family family, regs::RegAccess pf_bar,
                                           unsigned num_vfs, unsigned num_rar, unsigned num_vlvf) {
  if (family == Family::i82599)
    return std::make_unique<IxgbePfPolicy>(std::move(pf_bar), num_vfs, num_rar, num_vlvf);
  return std::make_unique<IgbPfPolicy>(std::move(pf_bar), num_vfs, num_rar, num_vlvf);
}

PfVfPolicy::PfVfPolicy(regs::RegAccess pf_bar, unsigned num_vfs, unsigned num_rar,
                       unsigned num_vlvf, const Limits& limits)
    : pf_(std::move(pf_bar)), num_vfs_(num_vfs), num_rar_(num_rar), num_vlvf_(num_vlvf),
      vf_(num_vfs) {
  if (num_vfs > limits.max_vfs || num_rar < num_vfs + 1 ||
      (limits.max_rar && num_rar > limits.max_rar) || num_vlvf < 2 || num_vlvf > limits.max_vlvf)
    throw std::invalid_argument(fmt::format(
        "PF mailbox policy: {} VFs, {} RAR entries, {} VLVF entries are not an {} layout", num_vfs,
        num_rar, num_vlvf, limits.part));
}

bool PfVfPolicy::set_vf_mac(unsigned vf, std::uint64_t mac) {
  // igb_ndo_set_vf_mac / ixgbe_ndo_set_vf_mac
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

bool PfVfPolicy::owned_by_other(unsigned vf, std::uint64_t mac) const {
  if (mac == pf_mac_) return true;
  for (unsigned o = 0; o < num_vfs_; ++o)
    if (o != vf && vf_[o].mac == mac) return true;
  return false;
}

void PfVfPolicy::set_trusted(unsigned vf, bool t) {
  if (vf >= num_vfs_) return;
  // ixgbe_ndo_set_vf_trust: "reset VF to reconfigure features" (igb only records the flag).
  if (trust_change_revokes_cts() && vf_[vf].trusted != t) vf_[vf].cts = false;
  vf_[vf].trusted = t;
}

void PfVfPolicy::set_allow_vlan(unsigned vf, bool allow) {
  if (vf < num_vfs_) vf_[vf].allow_vlan = allow;
}

void PfVfPolicy::set_pf_multicast(const std::uint16_t* hashes, unsigned n) {
  pf_mc_hashes_.assign(hashes, hashes + n);  // configuration time, not per message
  rebuild_mta();
}

void PfVfPolicy::revoke_cts(unsigned vf) {
  if (vf < num_vfs_) vf_[vf].cts = false;
}

void PfVfPolicy::vf_flr(unsigned vf) {
  if (vf < num_vfs_) vf_reset_event(vf);
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
  if (w0 == mbx::VF_RESET) return reset_msg(vf, reply);
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
  switch (type) {
    case mbx::VF_SET_MAC_ADDR:
      // The strict what-if policy (not igb's or ixgbe's: they grant any valid MAC to a VF whose
      // MAC the administrator did not set): refuse an address another function owns.
      if (strict_mac_ && owned_by_other(vf, mbx::mac_of(w[1], w[2]))) {
        ++mac_conflicts_refused_;
        break;
      }
      ret = set_mac_addr(vf, w);
      break;
    case mbx::VF_SET_PROMISC: ret = message_6(vf, w); break;  // = VF_SET_MACVLAN (82599)
    case mbx::VF_SET_MULTICAST: ret = set_multicasts(vf, w); break;
    case mbx::VF_SET_LPE: ret = set_lpe(vf, w[1]); break;
    case mbx::VF_SET_VLAN: {
      // igb_rcv_msg_from_vf SET_VLAN case + igb_set_vf_vlan_msg. igb refuses when the PF set a
      // port VLAN; the model's equivalent administrative knob is allow_vlan. ixgbe_set_vf_vlan_msg
      // is the same up to here (it refuses for a port VLAN or DCB).
      if (!vf_[vf].allow_vlan) break;
      const bool add = mbx::msg_info(w[0]) != 0;
      const std::uint32_t vid = w[1] & 0xFFFu;  // a VLAN ID is 12 bits (VLVF.VLANID)
      // "VLAN 0 is a special case, don't allow it to be removed"
      ret = !vid && !add ? 0 : set_vlan(vf, vid, add);
      break;
    }
    default: ++unknown_; ret = -1; break;  // "Unhandled Msg"
  }
  count(vf, type, ret == 0);
  reply[0] = w[0] | mbx::MSGTYPE_CTS | (ret ? mbx::MSGTYPE_NACK : mbx::MSGTYPE_ACK);
  const unsigned words = reply_words();
  // ixgbe_rcv_msg_from_vf writes the whole buffer back (ixgbe_write_mbx(..., mbx_size, vf)).
  std::copy(w + 1, w + words, reply + 1);
  return words;
}

}  // namespace iovsim
