// The PF/VF mailbox, family-neutral part: the control bits and message words both families
// share (igb e1000_mbx.h / igbvf mbx.h and ixgbe_mbx.h / ixgbevf mbx.h use the same values),
// and the layout record each family's mailbox file fills (mailbox_82576.h, mailbox_82599.h):
// where the registers are, how many mailboxes and cause registers there are, and the message
// formats in which the families differ.
#pragma once
#include <cstdint>

#include "model/regs/register.h"

namespace iovsim::regs {

// ---- control bits: the PF's P2VMAILBOX / PFMAILBOX(vf) and the VF's V2PMAILBOX / VFMAILBOX
namespace pfmbx {
IOVSIM_FIELD_A(STS, 0, 0, WO, "PF sent a message: sets the VF's PFSTS");
IOVSIM_FIELD_A(ACK, 1, 1, WO, "PF acknowledges the VF's message: sets the VF's PFACK");
IOVSIM_FIELD_A(VFU, 2, 2, RO, "the VF owns the buffer");
IOVSIM_FIELD(PFU, 3, 3, "the PF's buffer lock, granted only while VFU is clear, released by any write without it");
IOVSIM_FIELD_A(RVFU, 4, 4, WO, "reset the VF's VFU (VF driver stuck); clears its causes");
using fields = FieldList<STS, ACK, VFU, PFU, RVFU>;
}  // namespace pfmbx
namespace vfmbx {
IOVSIM_FIELD_A(REQ, 0, 0, WO, "VF sent a message: sets VFREQ[vf] (the PF's interrupt)");
IOVSIM_FIELD_A(ACK, 1, 1, WO, "VF acknowledges the PF's message: sets VFACK[vf]");
IOVSIM_FIELD(VFU, 2, 2, "the VF's buffer lock, granted only while PFU is clear");
IOVSIM_FIELD_A(PFU, 3, 3, RO, "the PF owns the buffer");
IOVSIM_FIELD_A(PFSTS, 4, 4, RC, "the PF wrote a message");
IOVSIM_FIELD_A(PFACK, 5, 5, RC, "the PF acknowledged the VF's message");
IOVSIM_FIELD_A(RSTI, 6, 6, RO, "PF reset in progress");
IOVSIM_FIELD_A(RSTD, 7, 7, RC, "PF reset done (set at power-on)");
using fields = FieldList<REQ, ACK, VFU, PFU, PFSTS, PFACK, RSTI, RSTD>;
constexpr std::uint32_t R2C_BITS = PFSTS::kMask | PFACK::kMask | RSTD::kMask;  // 0xB0
static_assert(R2C_BITS == 0xB0, "E1000_V2PMAILBOX_R2C_BITS / IXGBE_VFMAILBOX_R2C_BITS");
}  // namespace vfmbx

// ---- message words (word 0: type 15:0, MSGINFO 23:16, CTS 29, NACK 30, ACK 31)
namespace mbx {
constexpr std::uint32_t VF_RESET = 0x01;
constexpr std::uint32_t VF_SET_MAC_ADDR = 0x02;
constexpr std::uint32_t VF_SET_MULTICAST = 0x03;  // MSGINFO = count, u16 hashes from word 1
constexpr std::uint32_t VF_SET_VLAN = 0x04;       // MSGINFO = 1 add / 0 remove, word 1 = VID
constexpr std::uint32_t VF_SET_LPE = 0x05;        // word 1 = max frame size
constexpr std::uint32_t VF_SET_PROMISC = 0x06;    // 82576: MSGINFO flags
constexpr std::uint32_t VF_SET_MACVLAN = 0x06;    // 82599: MSGINFO = filter index
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
constexpr unsigned MAX_MC_HASHES = 30;  // 15 DWORDs of u16 hashes after word 0
constexpr unsigned WORDS = 16;          // E1000_VFMAILBOX_SIZE, IXGBE_VFMAILBOX_SIZE

inline bool is_ack(std::uint32_t w0) { return w0 & MSGTYPE_ACK; }
inline bool is_nack(std::uint32_t w0) { return w0 & MSGTYPE_NACK; }
inline bool has_cts(std::uint32_t w0) { return w0 & MSGTYPE_CTS; }
inline std::uint32_t msg_type(std::uint32_t w0) { return w0 & MSGTYPE_MASK; }
inline std::uint32_t msg_info(std::uint32_t w0) { return (w0 & MSGINFO_MASK) >> MSGINFO_SHIFT; }
// The 12-bit MTA index of a multicast address with MO = 0, as igbvf's e1000_hash_mc_addr_vf
// computes it for a 128-register MTA: DA[4] >> 4 | DA[5] << 4 (ixgbevf_mta_vector, filter
// type 0, is the same).
std::uint16_t mc_hash(std::uint64_t mac);
// is_valid_ether_addr: neither zero nor multicast.
inline bool valid_unicast(std::uint64_t mac) { return mac != 0 && !(mac & 1u); }
inline std::uint32_t mac_lo(std::uint64_t mac) { return static_cast<std::uint32_t>(mac); }
inline std::uint32_t mac_hi16(std::uint64_t mac) {
  return static_cast<std::uint32_t>(mac >> 32) & 0xFFFFu;
}
inline std::uint64_t mac_of(std::uint32_t lo, std::uint32_t hi) {
  return std::uint64_t{lo} | (std::uint64_t{hi & 0xFFFFu} << 32);
}
}  // namespace mbx

// What a VF learns from the PF's reply to RESET.
struct ResetReply {
  bool accepted = false;       // a reply the VF driver accepts (igb: ACK; ixgbe: ACK or NACK)
  bool has_mac = false;        // the reply carries the MAC the PF assigned
  std::uint64_t mac = 0;
  std::uint32_t mc_filter_type = 0;  // 82599: word 3 (IXGBE_VF_MC_TYPE_WORD)
};

// One family's mailbox: register declarations (PF and VF views) and message formats.
struct MailboxLayout {
  unsigned max_vfs;          // mailboxes the PF decodes (82576: 8, 82599: 64)
  unsigned icr_regs;         // cause / mask registers of 16 VFs each (82576: 1, 82599: 4)
  std::uint32_t icr_valid;   // the cause bits that exist in each
  std::uint32_t imr_reset;   // mask register reset value (bit v%16: VF v may interrupt)
  std::uint32_t imr_valid;
  bool pf_driver_unmasks;    // the PF driver writes the mask register at bring-up (igb_irq_enable)
  RegDecl pf_ctl, pf_mem, icr, imr, vf_ctl, vf_mem;
  unsigned reset_reply_words;  // igb: word 0 + 6 MAC bytes; ixgbe: + the multicast filter type
  // Decodes the PF's reply to RESET as the family's VF driver does.
  ResetReply (*decode_reset_reply)(const std::uint32_t* words, unsigned n);
  // Cause bits of VF v: VFREQ bit v % 16 and VFACK bit 16 + v % 16 of register v / 16 (the
  // 82576's single MBVFICR and the 82599's PFMBICR layout coincide).
  static unsigned icr_index(unsigned vf) { return vf / 16; }
  static std::uint32_t req_bit(unsigned vf) { return 1u << (vf % 16); }
  static std::uint32_t ack_bit(unsigned vf) { return 1u << (16 + vf % 16); }
};

}  // namespace iovsim::regs
