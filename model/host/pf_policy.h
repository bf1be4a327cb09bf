// What the PF driver does with each mailbox message from a VF, by register writes through its
// BAR, plus the administrator's policy per VF (MAC assigned by the PF, trust, whether VLAN
// requests are allowed). One interface; the family's driver behaviour is its implementation:
//  - igb (82576, model/host/pf_policy_igb.cpp): igb_vf_reset_msg, igb_set_vf_mac_addr,
//    igb_set_vf_multicasts, igb_set_vf_vlan_msg, igb_set_vf_rlpml, igb_set_vf_promisc over
//    RAL/RAH, MTA, VMOLR, VLVF, VFTA, VFRE/VFTE;
//  - ixgbe (82599, model/host/pf_policy_ixgbe.cpp): ixgbe_vf_reset_msg, ixgbe_set_vf_mac_addr,
//    ixgbe_set_vf_multicasts, ixgbe_set_vf_vlan_msg, ixgbe_set_vf_lpe,
//    ixgbe_set_vf_macvlan_msg over RAL/RAH + MPSAR, MTA, PFVML2FLT, VLVF + VLVFB, VFTA,
//    PFVFRE/PFVFTE.
// The message dispatch, the clear-to-send rule and the counters are common (this class).
// Abstracted away: jiffies (igb's once-per-2-s NACK rate limit becomes once per episode), the
// PF's own VLANs and VLAN promiscuous mode, port VLANs (VMVIR), VF MAC filters
// (E1000_VF_MAC_FILTER_ADD/CLR and ixgbe's SET_MACVLAN with an index are refused), VF FLR
// detection through VFLRE, ixgbe's mailbox API negotiation (the VF stays at API 1.0, as an
// ixgbevf whose API_NEGOTIATE is refused) and the messages that need it (GET_QUEUES,
// GET_RETA, GET_RSS_KEY, UPDATE_XCAST_MODE: refused as unknown), ixgbe's housekeeping on
// RESET (PFMBMEM clearing, QDE, VMECM, TDWBAL/H), the 82599's global MAXFRS, and a PF running
// jumbo frames (the model's PF has a standard MTU).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/regs/device_map.h"

namespace iovsim {

class PfVfPolicy {
public:
  // Counter rows: index 0 = unknown type, 1..6 = VF_RESET .. 0x06 (82576: SET_PROMISC,
  // 82599: SET_MACVLAN).
  static constexpr unsigned kMsgKinds = 7;
  // What the RESET reply's word 3 reports on the 82599 (hw->mac.mc_filter_type; ixgbe leaves
  // it 0: MTA index = DA[4] >> 4 | DA[5] << 4, the hash mbx::mc_hash computes).
  static constexpr std::uint32_t kMcFilterType = 0;

  virtual ~PfVfPolicy() = default;

  // Administrative configuration ("ip link set PF vf N ...").
  // igb_ndo_set_vf_mac / ixgbe_ndo_set_vf_mac: a valid MAC sets the PF-set-MAC flag and
  // programs the VF's RAR; zero clears the flag (82576: the RAR keeps the pool bit without AV;
  // 82599: the RAR entry and its MPSAR bits are cleared, ixgbe_del_mac_filter). Returns false
  // (nothing changed) for a multicast address.
  bool set_vf_mac(unsigned vf, std::uint64_t mac);
  // A MAC given to the VF without the administrative flag (igb before 3.x drew a random one);
  // programs the RAR, the VF may replace it. 82599: ixgbe's RESET reply carries only a MAC
  // the administrator set, so such a VF hears NACK (and keeps its own address) while the RAR
  // entry stays programmed with this one.
  void set_default_vf_mac(unsigned vf, std::uint64_t mac);
  // igb_ndo_set_vf_trust. 82599 (ixgbe_ndo_set_vf_trust): a change also revokes the VF's CTS
  // ("reset VF to reconfigure features"); ixgbe then pings the VF, which is the owner's
  // PfMailboxService::ping(vf, policy).
  void set_trusted(unsigned vf, bool trusted);
  void set_allow_vlan(unsigned vf, bool allow);  // model policy: refuse SET_VLAN
  // The PF's own multicast hashes, kept in the MTA whenever it is rebuilt (igb_set_rx_mode,
  // ixgbe_set_rx_mode).
  void set_pf_multicast(const std::uint16_t* hashes, unsigned n);

  // igb_rcv_msg_from_vf / ixgbe_rcv_msg_from_vf after the read: acts on `msg` (n words) from
  // VF `vf` and writes the reply to `reply` (room for 16 words). Returns the reply's length,
  // 0 for "no reply" (a message that already carries ACK/NACK). Lengths: RESET 3 (82576) or
  // 4 (82599); a NACK before RESET or from beyond NumVFs 1; other replies 1 (igb) or 16 (ixgbe
  // writes back the whole buffer, words 1-15 as the VF sent them).
  unsigned handle(unsigned vf, const std::uint32_t* msg, unsigned n, std::uint32_t* reply);
  // VF FLR seen (VFLRE). 82576 (igb_vf_reset_event): forget a MAC the PF did not set, reset the
  // VF's filters, drop CTS. 82599 (ixgbe_vf_reset_event): reset the VF's filters and remove
  // its RAR entry; ixgbe keeps the MAC (re-programmed by the next RESET) and CTS.
  void vf_flr(unsigned vf);
  // The PF failed to read the VF's message: CTS is revoked (igb_rcv_msg_from_vf).
  void revoke_cts(unsigned vf);

  unsigned num_vfs() const { return num_vfs_; }
  unsigned rar_index(unsigned vf) const { return num_rar_ - 1 - vf; }
  bool cts(unsigned vf) const { return vf < num_vfs_ && vf_[vf].cts; }
  // 82599: the last frame size granted by SET_LPE (0: none); MAXFRS itself is not written.
  std::uint32_t max_frame(unsigned vf) const { return vf_[vf].max_frame; }
  bool trusted(unsigned vf) const { return vf_[vf].trusted; }
  bool pf_set_mac(unsigned vf) const { return vf_[vf].pf_set_mac; }
  std::uint64_t vf_mac(unsigned vf) const { return vf_[vf].mac; }
  unsigned mc_hash_count(unsigned vf) const { return vf_[vf].num_mc_hashes; }

  std::uint64_t grants(unsigned vf, unsigned kind) const { return vf_[vf].granted[kind]; }
  std::uint64_t refusals(unsigned vf, unsigned kind) const { return vf_[vf].refused[kind]; }
  std::uint64_t grants_total() const;
  std::uint64_t refusals_total() const;
  // The what-if policy `host.pf_mac_policy: strict`: a VF may not take a MAC the PF or
  // another VF has. `pf_mac`: the PF's own address.
  void set_strict_mac(bool strict, std::uint64_t pf_mac) { strict_mac_ = strict, pf_mac_ = pf_mac; }
  std::uint64_t mac_conflicts_refused() const { return mac_conflicts_refused_; }
  std::uint64_t out_of_range() const { return out_of_range_; }  // VF index >= num_vfs
  std::uint64_t unknown() const { return unknown_; }            // unknown message type
  std::uint64_t not_cts() const { return not_cts_; }            // sent before RESET
  std::uint64_t stale() const { return stale_; }                // already ACK/NACK

protected:
  bool owned_by_other(unsigned vf, std::uint64_t mac) const;
  bool strict_mac_ = false;
  std::uint64_t pf_mac_ = 0, mac_conflicts_refused_ = 0;
  // What the family's layout can hold: std::invalid_argument otherwise. `max_rar` 0: any.
  struct Limits {
    const char* part;
    unsigned max_vfs, max_rar, max_vlvf;
  };
  PfVfPolicy(regs::RegAccess pf_bar, unsigned num_vfs, unsigned num_rar, unsigned num_vlvf,
             const Limits& limits);

  struct VfState {
    std::uint64_t mac = 0;
    bool pf_set_mac = false, trusted = false, allow_vlan = true;
    bool cts = false, multi_promisc = false;
    unsigned num_mc_hashes = 0;   // 82576: as the VF sent it, > 30 means "too many" (MPME);
                                  // 82599: at most 30 (ixgbe clamps)
    std::uint32_t max_frame = 0;  // 82599 SET_LPE
    std::array<std::uint16_t, regs::mbx::MAX_MC_HASHES> mc_hashes{};
    std::array<std::uint64_t, kMsgKinds> granted{}, refused{};
  };

  // The family's handlers. Return 0 for ACK, -1 for NACK.
  virtual unsigned reset_msg(unsigned vf, std::uint32_t* reply) = 0;  // returns reply words
  virtual int set_mac_addr(unsigned vf, const std::uint32_t* w) = 0;
  virtual int set_multicasts(unsigned vf, const std::uint32_t* w) = 0;  // 16 words
  virtual int set_lpe(unsigned vf, std::uint32_t max_frame) = 0;
  virtual int set_vlan(unsigned vf, std::uint32_t vid, bool add) = 0;
  // Message type 0x06: igb SET_PROMISC (may edit word 0 of the reply), ixgbe SET_MACVLAN.
  virtual int message_6(unsigned vf, std::uint32_t* w) = 0;
  virtual void vf_reset_event(unsigned vf) = 0;  // vf_flr for a VF below NumVFs
  virtual void program_vf_mac(unsigned vf, std::uint64_t mac) = 0;
  virtual void rebuild_mta() = 0;
  virtual bool trust_change_revokes_cts() const = 0;
  virtual unsigned reply_words() const = 0;  // replies other than RESET and early NACKs

  void count(unsigned vf, std::uint32_t type, bool granted);
  // The MTA as igb_set_rx_mode / ixgbe_set_rx_mode rebuild it: a cleared table with the PF's
  // own hashes; add() sets bit hash & 31 of register (hash >> 5) & 127 (igb_mta_set).
  struct MtaImage {
    std::array<std::uint32_t, 128> reg{};
    void add(std::uint16_t h) { reg[(h >> 5) & 127u] |= 1u << (h & 31u); }
    void add(const VfState& s) {
      for (unsigned j = 0; j < s.num_mc_hashes && j < s.mc_hashes.size(); ++j) add(s.mc_hashes[j]);
    }
  };
  MtaImage pf_mta() const {
    MtaImage m;
    for (std::uint16_t h : pf_mc_hashes_) m.add(h);
    return m;
  }
  std::uint32_t rd(std::uint32_t off) { return pf_.read32(off); }
  void wr(std::uint32_t off, std::uint32_t v) { pf_.write32(off, v); }
  void set_bits(std::uint32_t off, std::uint32_t mask) { wr(off, rd(off) | mask); }

  regs::RegAccess pf_;
  unsigned num_vfs_, num_rar_, num_vlvf_;
  std::vector<VfState> vf_;
  std::vector<std::uint16_t> pf_mc_hashes_;
  std::uint64_t out_of_range_ = 0, unknown_ = 0, not_cts_ = 0, stale_ = 0;
};

// The PF policy of the family's driver (igb for the 82576, ixgbe for the 82599).
// `num_vfs`: VFs enabled (NumVFs); VF v owns pool v, the PF pool num_vfs (PortLayout).
// `num_rar`: RAR entries in use; VF v's MAC goes to RAR[num_rar - 1 - v]. `num_vlvf`: VLVF
// entries. Limits (std::invalid_argument otherwise): num_rar > num_vfs, num_vlvf >= 2, and
// 82576: num_vfs <= 8, num_vlvf <= 32; 82599: num_vfs <= 64, num_rar <= 128,
// num_vlvf <= 64 (ixgbe itself enables at most 63 VFs so the PF keeps a pool).
std::unique_ptr<PfVfPolicy> make_pf_policy(Family family, regs::RegAccess pf_bar,
                                           unsigned num_vfs, unsigned num_rar, unsigned num_vlvf);

}  // namespace iovsim
