// The PF/VF mailbox protocol, driver side, as plain classes over register access functions (no
// SystemC process, no waiting), for the 82576 (igb/igbvf) and the 82599 (ixgbe/ixgbevf): the
// two drivers share the protocol (message words, ACK/NACK/CTS, the lock handshake) and differ
// in register offsets and in what the PF does with each message.
//  - VfMailbox: what igbvf's mbx.c and vf.c (ixgbevf: mbx.c, vf.c) do through the VF's BAR:
//    take VFU, write the buffer, set REQ; later see PFSTS, read the reply, ACK it.
//    Non-blocking: the caller polls, so a driver thread can interleave the mailbox with its own
//    waits.
//  - PfMailboxService: igb's igb_msg_task / igb_rcv_msg_from_vf (ixgbe_msg_task /
//    ixgbe_rcv_msg_from_vf) over the PF's BAR: for each VF with VFREQ set, lock PFU, read the
//    message, let the policy act, write the reply, set STS.
//  - PfVfPolicy: what the PF driver does with each message, by register writes:
//    82576 (igb_vf_reset_msg, igb_set_vf_mac_addr, igb_set_vf_multicasts, igb_set_vf_vlan_msg,
//    igb_set_vf_rlpml, igb_set_vf_promisc): RAL/RAH, MTA, VMOLR, VLVF, VFTA, VFRE/VFTE;
//    82599 (ixgbe_vf_reset_msg, ixgbe_set_vf_mac_addr, ixgbe_set_vf_multicasts,
//    ixgbe_set_vf_vlan_msg, ixgbe_set_vf_lpe, ixgbe_set_vf_macvlan_msg): RAL/RAH + MPSAR, MTA,
//    PFVML2FLT, VLVF + VLVFB, VFTA, PFVFRE/PFVFTE;
//    plus the administrator's policy per VF (MAC assigned by the PF, trust, whether VLAN
//    requests are allowed).
// Abstracted away: jiffies (igb's once-per-2-s NACK rate limit becomes once per episode), the
// PF's own VLANs and VLAN promiscuous mode, port VLANs (VMVIR), VF MAC filters
// (E1000_VF_MAC_FILTER_ADD/CLR and ixgbe's SET_MACVLAN with an index are refused), VF FLR
// detection through VFLRE, ixgbe's mailbox API negotiation (the VF stays at API 1.0, as an
// ixgbevf whose API_NEGOTIATE is refused) and the messages that need it (GET_QUEUES,
// GET_RETA, GET_RSS_KEY, UPDATE_XCAST_MODE: refused as unknown), ixgbe's housekeeping on
// RESET (PFMBMEM clearing, QDE, VMECM, TDWBAL/H), the 82599's global MAXFRS, and a PF running
// jumbo frames (the model's PF has a standard MTU).
// MAC addresses are std::uint64_t with byte 0 in bits 7:0 (as parse_mac in driver.h).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "model/core/device_profile.h"

namespace iovsim {

struct RegAccess {
  std::function<std::uint32_t(std::uint32_t)> read32;
  std::function<void(std::uint32_t, std::uint32_t)> write32;
};

namespace mbx {
// Message word 0 (igb e1000_mbx.h, igbvf mbx.h): type in 15:0, MSGINFO in 23:16, flags on top.
constexpr std::uint32_t VF_RESET = 0x01;
constexpr std::uint32_t VF_SET_MAC_ADDR = 0x02;
constexpr std::uint32_t VF_SET_MULTICAST = 0x03;  // MSGINFO = count, u16 hashes from word 1
constexpr std::uint32_t VF_SET_VLAN = 0x04;       // MSGINFO = 1 add / 0 remove, word 1 = VID
constexpr std::uint32_t VF_SET_LPE = 0x05;        // word 1 = max frame size
constexpr std::uint32_t VF_SET_PROMISC = 0x06;    // MSGINFO flags (82576 only)
constexpr std::uint32_t VF_SET_MACVLAN = 0x06;    // ixgbe: MSGINFO = filter index (82599)
constexpr std::uint32_t PF_CONTROL_MSG = 0x0100;  // PF -> VF ping
constexpr std::uint32_t MSGTYPE_ACK = 0x80000000u;
constexpr std::uint32_t MSGTYPE_NACK = 0x40000000u;
constexpr std::uint32_t MSGTYPE_CTS = 0x20000000u;
constexpr unsigned MSGINFO_SHIFT = 16;
constexpr std::uint32_t MSGINFO_MASK = 0xFFu << MSGINFO_SHIFT;
constexpr std::uint32_t MSGTYPE_MASK = 0xFFFFu;
constexpr std::uint32_t VF_MAC_FILTER_CLR = 0x01u << MSGINFO_SHIFT;
constexpr std::uint32_t VF_MAC_FILTER_ADD = 0x02u << MSGINFO_SHIFT;
constexpr std::uint32_t VF_SET_PROMISC_MULTICAST = 0x02u << MSGINFO_SHIFT;
constexpr unsigned MAX_MC_HASHES = 30;            // 15 DWORDs of u16 hashes after word 0
constexpr unsigned RESET_REPLY_WORDS = 3;         // word 0 + 6 MAC bytes (igb)
// ixgbe: word 0, 6 MAC bytes, word 3 = the multicast filter type (IXGBE_VF_PERMADDR_MSG_LEN,
// IXGBE_VF_MC_TYPE_WORD).
constexpr unsigned RESET_REPLY_WORDS_82599 = 4;
constexpr unsigned RESET_MC_TYPE_WORD = 3;
inline unsigned reset_reply_words(Family f) {
  return f == Family::i82599 ? RESET_REPLY_WORDS_82599 : RESET_REPLY_WORDS;
}
constexpr unsigned WORDS = 16;                    // E1000_VFMAILBOX_SIZE
constexpr std::uint32_t MAX_JUMBO_FRAME = 9216;   // igb.h MAX_JUMBO_FRAME_SIZE (believed 9216)
constexpr std::uint32_t MAX_JUMBO_FRAME_82599 = 9728;  // ixgbe.h IXGBE_MAX_JUMBO_FRAME_SIZE
constexpr std::uint32_t MIN_FRAME_82599 = 68;          // ETH_MIN_MTU, ixgbe_set_vf_lpe's floor

inline bool is_ack(std::uint32_t w0) { return w0 & MSGTYPE_ACK; }
inline bool is_nack(std::uint32_t w0) { return w0 & MSGTYPE_NACK; }
inline bool has_cts(std::uint32_t w0) { return w0 & MSGTYPE_CTS; }
inline std::uint32_t msg_type(std::uint32_t w0) { return w0 & MSGTYPE_MASK; }
inline std::uint32_t msg_info(std::uint32_t w0) { return (w0 & MSGINFO_MASK) >> MSGINFO_SHIFT; }
// The 12-bit MTA index of a multicast address with RCTL.MO = 0, as igbvf's
// e1000_hash_mc_addr_vf computes it for a 128-register MTA: DA[4] >> 4 | DA[5] << 4. The same
// as ixgbevf's ixgbevf_mta_vector for mc_filter_type 0, the type ixgbe reports by default.
std::uint16_t mc_hash(std::uint64_t mac);
// is_valid_ether_addr: neither zero nor multicast.
inline bool valid_unicast(std::uint64_t mac) { return mac != 0 && !(mac & 1u); }
}  // namespace mbx

// ------------------------------------------------------------------------------------------
class VfMailbox {
public:
  // `family` selects the VF's mailbox offsets: 82576 V2PMAILBOX 0x0C40 / VMBMEM 0x0800,
  // 82599 VFMAILBOX 0x002FC / VFMBMEM 0x00200.
  explicit VfMailbox(RegAccess bar, Family family = Family::i82576);

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
  // The RESET reply: true and the MAC when word 0 is exactly RESET | ACK (igbvf compares for
  // equality, so a reply with CTS would not count); false for NACK (no MAC assigned).
  // This form reads the igb layout (3 words).
  static bool decode_reset_reply(const std::uint32_t* w, unsigned n, std::uint64_t& mac);
  // The same for either family. 82599 (ixgbevf_reset_hw_vf): at least 4 words; word 3, the
  // multicast filter type, is stored to *mc_filter_type (if given) for RESET | ACK and
  // RESET | NACK alike, the two replies ixgbevf accepts.
  static bool decode_reset_reply(const std::uint32_t* w, unsigned n, std::uint64_t& mac,
                                 Family family, std::uint32_t* mc_filter_type = nullptr);
  Family family() const { return family_; }

  std::uint64_t msgs_tx() const { return msgs_tx_; }
  std::uint64_t msgs_rx() const { return msgs_rx_; }
  std::uint64_t lock_failures() const { return lock_failures_; }
  std::uint64_t bad_posts() const { return bad_posts_; }

private:
  std::uint32_t read_v2p();  // e1000_read_v2p_mailbox: keeps the read-to-clear bits
  bool obtain_lock();
  bool consume(std::uint32_t mask);

  RegAccess bar_;
  Family family_;
  std::uint32_t ctl_, mem_;   // the VF's mailbox register and buffer offsets
  std::uint32_t sticky_ = 0;  // read-to-clear bits seen and not yet consumed
  bool rsti_ = false;
  std::uint64_t msgs_tx_ = 0, msgs_rx_ = 0, lock_failures_ = 0, bad_posts_ = 0;
};

// ------------------------------------------------------------------------------------------
class PfVfPolicy {
public:
  // Counter rows: index 0 = unknown type, 1..6 = VF_RESET .. 0x06 (82576: SET_PROMISC,
  // 82599: SET_MACVLAN).
  static constexpr unsigned kMsgKinds = 7;

  // `num_vfs`: VFs enabled (NumVFs); VF v owns pool v, the PF pool num_vfs (PortLayout).
  // `num_rar`: RAR entries in use (82576: 24, 82599: 128); VF v's MAC goes to
  // RAR[num_rar - 1 - v]. `num_vlvf`: VLVF entries (82576: 32, 82599: 64).
  // Limits (std::invalid_argument otherwise): num_rar > num_vfs, num_vlvf >= 2, and
  // 82576: num_vfs <= 8, num_vlvf <= 32; 82599: num_vfs <= 64, num_rar <= 128, num_vlvf <= 64
  // (ixgbe itself enables at most 63 VFs so the PF keeps a pool).
  PfVfPolicy(RegAccess pf_bar, unsigned num_vfs, unsigned num_rar = 24,
             unsigned num_vlvf = 32, Family family = Family::i82576);

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
  void set_allow_vlan(unsigned vf, bool allow);         // model policy: refuse SET_VLAN
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
  Family family() const { return family_; }
  // What the RESET reply's word 3 reports on the 82599 (hw->mac.mc_filter_type; ixgbe leaves
  // it 0: MTA index = DA[4] >> 4 | DA[5] << 4, the hash mbx::mc_hash computes).
  static constexpr std::uint32_t kMcFilterType = 0;
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
  std::uint64_t out_of_range() const { return out_of_range_; }  // VF index >= num_vfs
  std::uint64_t unknown() const { return unknown_; }            // unknown message type
  std::uint64_t not_cts() const { return not_cts_; }            // sent before RESET
  std::uint64_t stale() const { return stale_; }                // already ACK/NACK

private:
  struct VfState {
    std::uint64_t mac = 0;
    bool pf_set_mac = false, trusted = false, allow_vlan = true;
    bool cts = false, multi_promisc = false;
    unsigned num_mc_hashes = 0;   // 82576: as the VF sent it, > 30 means "too many" (MPME);
                                  // 82599: at most 30 (ixgbe clamps)
    std::uint32_t max_frame = 0;  // 82599 SET_LPE
    std::array<std::uint16_t, mbx::MAX_MC_HASHES> mc_hashes{};
    std::array<std::uint64_t, kMsgKinds> granted{}, refused{};
  };
  void reset_msg(unsigned vf, std::uint32_t* reply);
  void vf_reset(unsigned vf);                  // igb_vf_reset
  int set_mac_addr(unsigned vf, const std::uint32_t* msg);
  int set_multicasts(unsigned vf, const std::uint32_t* msg, unsigned n);
  int set_vlan_msg(unsigned vf, const std::uint32_t* msg, unsigned n);
  int set_rlpml(unsigned vf, std::uint32_t size);
  int set_promisc(unsigned vf, std::uint32_t& w0);
  void program_vf_mac(unsigned vf, std::uint64_t mac);  // igb_set_vf_mac + igb_rar_set_index
  int vfta_set(std::uint32_t vid, unsigned pool, bool on);  // igb_vfta_set (VT mode)
  int find_vlvf_slot(std::uint32_t vid);                    // igb_find_vlvf_slot
  void clear_vf_vfta(unsigned vf);                          // igb_clear_vf_vfta
  void set_vlan_strip(unsigned vf, bool on);                // igb_set_vf_vlan_strip
  void set_vmolr(unsigned vf);                              // igb_set_vmolr(aupe = true)
  void rebuild_mta();                                       // igb_set_rx_mode's MTA part
  // The 82599 (ixgbe) counterparts.
  bool is_82599() const { return family_ == Family::i82599; }
  unsigned reset_msg_82599(unsigned vf, std::uint32_t* reply);  // ixgbe_vf_reset_msg
  void vf_reset_82599(unsigned vf);                             // ixgbe_vf_reset_event
  int set_mac_addr_82599(unsigned vf, const std::uint32_t* msg);
  int set_multicasts_82599(unsigned vf, const std::uint32_t* msg);
  int set_lpe_82599(unsigned vf, std::uint32_t max_frame);
  int set_macvlan_82599(unsigned vf, const std::uint32_t* msg);
  void program_vf_mac_82599(unsigned vf, std::uint64_t mac);      // ixgbe_set_vf_mac
  void clear_vf_rar_82599(unsigned vf);                           // ixgbe_del_mac_filter
  int vfta_set_82599(std::uint32_t vid, unsigned pool, bool on);  // ixgbe_set_vfta_generic
  int find_vlvf_slot_82599(std::uint32_t vid);                    // ixgbe_find_vlvf_slot
  void clear_vf_vlans_82599(unsigned vf);                         // ixgbe_clear_vf_vlans
  void set_vmolr_82599(unsigned vf);                              // ixgbe_set_vmolr(aupe)
  void rebuild_mta_82599();  // ixgbe_set_rx_mode + ixgbe_restore_vf_multicasts
  void count(unsigned vf, std::uint32_t type, bool granted);
  std::uint32_t rd(std::uint32_t off) { return pf_.read32(off); }
  void wr(std::uint32_t off, std::uint32_t v) { pf_.write32(off, v); }

  RegAccess pf_;
  Family family_;
  unsigned num_vfs_, num_rar_, num_vlvf_;
  std::vector<VfState> vf_;
  std::vector<std::uint16_t> pf_mc_hashes_;
  std::uint64_t out_of_range_ = 0, unknown_ = 0, not_cts_ = 0, stale_ = 0;
};

// ------------------------------------------------------------------------------------------
class PfMailboxService {
public:
  // `mailboxes`: VF mailboxes to serve, at most 8 (82576) or 64 (82599); `family` selects
  // the PF's mailbox offsets (82576 P2VMAILBOX/VMBMEM/MBVFICR, 82599
  // PFMAILBOX/PFMBMEM/PFMBICR(vf / 16)).
  explicit PfMailboxService(RegAccess pf_bar, unsigned mailboxes = 8,
                            Family family = Family::i82576);

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

  std::uint64_t msgs_rx() const { return msgs_rx_; }
  std::uint64_t msgs_tx() const { return msgs_tx_; }
  std::uint64_t lock_failures() const { return lock_failures_; }
  std::uint64_t acks_rx() const { return acks_rx_; }
  std::uint64_t nacks_to_uncleared() const { return nacks_uncleared_; }

private:
  bool check_and_clear(std::uint32_t icr, std::uint32_t bit);  // igb/ixgbe_check_for_bit_pf
  bool obtain_lock(unsigned vf);  // igb/ixgbe_obtain_mbx_lock_pf (one attempt)
  void receive(unsigned vf, PfVfPolicy& policy);
  std::uint32_t ctl(unsigned vf) const;  // P2VMAILBOX(vf) / PFMAILBOX(vf)
  std::uint32_t mem(unsigned vf) const;  // VMBMEM(vf) / PFMBMEM(vf)
  std::uint32_t icr(unsigned vf) const;  // MBVFICR / PFMBICR(vf / 16)

  RegAccess pf_;
  Family family_;
  unsigned mailboxes_;
  std::array<bool, 64> nacked_uncleared_{};
  std::uint64_t msgs_rx_ = 0, msgs_tx_ = 0, lock_failures_ = 0, acks_rx_ = 0,
                nacks_uncleared_ = 0;
};

}  // namespace iovsim
