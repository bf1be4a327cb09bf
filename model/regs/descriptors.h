// Descriptor formats the DMA engines and the driver models share: the advanced Rx descriptor
// (read and write-back formats) and the advanced Tx data descriptor with its write-back. Both
// families use these layouts (16 bytes, little-endian). Sources: igb e1000_82575.h
// (union e1000_adv_rx_desc, union e1000_adv_tx_desc, E1000_RXD_STAT_*, E1000_ADVTXD_*,
// E1000_TXD_STAT_DD), ixgbe_type.h (union ixgbe_adv_rx_desc / ixgbe_adv_tx_desc, the same
// fields); docs/registers-research.md §4.
#pragma once
#include <cstdint>

#include "model/regs/field.h"

namespace iovsim::regs::desc {

constexpr unsigned kBytes = 16;

inline std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}
inline std::uint64_t le64(const std::uint8_t* p) {
  return std::uint64_t{le32(p)} | std::uint64_t{le32(p + 4)} << 32;
}
inline void put_le32(std::uint8_t* p, std::uint32_t v) {
  for (unsigned i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void put_le64(std::uint8_t* p, std::uint64_t v) {
  put_le32(p, static_cast<std::uint32_t>(v));
  put_le32(p + 4, static_cast<std::uint32_t>(v >> 32));
}

// Advanced Rx descriptor, read format (software -> hardware): [0] packet buffer address,
// [8] header buffer address.
struct RxRead {
  std::uint64_t pkt_addr = 0, hdr_addr = 0;
  static RxRead load(const std::uint8_t* p) { return {le64(p), le64(p + 8)}; }
  void store(std::uint8_t* p) const {
    put_le64(p, pkt_addr);
    put_le64(p + 8, hdr_addr);
  }
};

// Advanced Rx descriptor, write-back format (hardware -> software): [0] packet type and
// header length, [4] RSS hash, [8] extended status (19:0) and errors (31:20), [12] packet
// length (15:0) and VLAN tag (31:16).
struct RxWriteBack {
  IOVSIM_FIELD(DD, 0, 0, "descriptor done");
  IOVSIM_FIELD(EOP, 1, 1, "end of packet");
  IOVSIM_FIELD(VP, 3, 3, "802.1Q tagged (VLAN tag field valid)");
  std::uint32_t info = 0, rss_hash = 0, status_error = 0;
  std::uint16_t length = 0, vlan = 0;
  static constexpr unsigned kStatusOffset = 8;  // where software polls DD
  bool dd() const { return DD::get(status_error); }
  bool eop() const { return EOP::get(status_error); }
  static RxWriteBack load(const std::uint8_t* p) {
    RxWriteBack w;
    w.info = le32(p);
    w.rss_hash = le32(p + 4);
    w.status_error = le32(p + 8);
    const std::uint32_t l = le32(p + 12);
    w.length = static_cast<std::uint16_t>(l);
    w.vlan = static_cast<std::uint16_t>(l >> 16);
    return w;
  }
  // One 16-byte store where the host allows it: the Rx engine copies the image into guest
  // memory right after (a 16-byte load), and four 4-byte stores read back as one 16-byte load
  // stall the store forwarding (some 15 cycles a frame).
  void store(std::uint8_t* p) const {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    using V = std::uint64_t __attribute__((vector_size(16)));
    const V v = {std::uint64_t{info} | std::uint64_t{rss_hash} << 32,
                 std::uint64_t{status_error} | std::uint64_t{length} << 32 | std::uint64_t{vlan} << 48};
    __builtin_memcpy(p, &v, 16);
#else
    put_le32(p, info);
    put_le32(p + 4, rss_hash);
    put_le32(p + 8, status_error);
    put_le32(p + 12, std::uint32_t{length} | std::uint32_t{vlan} << 16);
#endif
  }
};

// Advanced Tx data descriptor (software -> hardware): [0] buffer address, [8] cmd_type_len,
// [12] olinfo_status.
struct TxData {
  IOVSIM_FIELD(DTALEN, 15, 0, "data length of this buffer");
  IOVSIM_FIELD(DTYP, 23, 20, "descriptor type, 0x3 = advanced data");
  IOVSIM_FIELD(EOP, 24, 24, "end of packet");
  IOVSIM_FIELD(IFCS, 25, 25, "insert FCS");
  IOVSIM_FIELD(RS, 27, 27, "report status: write DD back");
  IOVSIM_FIELD(DEXT, 29, 29, "descriptor extension (advanced format)");
  IOVSIM_FIELD(TSE, 31, 31, "TCP segmentation enable (not modelled: such a frame is dropped, bad_descriptor)");
  IOVSIM_FIELD(PAYLEN, 31, 14, "olinfo_status: payload length of the whole frame");
  IOVSIM_FIELD(IXSM, 8, 8, "olinfo_status POPTS: insert the IPv4 header checksum");
  IOVSIM_FIELD(TXSM, 9, 9, "olinfo_status POPTS: insert the TCP/UDP checksum");
  static constexpr std::uint32_t kTypeAdvancedData = 0x3;
  std::uint64_t addr = 0;
  std::uint32_t cmd_type_len = 0, olinfo_status = 0;
  unsigned length() const { return DTALEN::get(cmd_type_len); }
  bool eop() const { return EOP::get(cmd_type_len); }
  bool report_status() const { return RS::get(cmd_type_len); }
  static TxData load(const std::uint8_t* p) { return {le64(p), le32(p + 8), le32(p + 12)}; }
  void store(std::uint8_t* p) const {
    put_le64(p, addr);
    put_le32(p + 8, cmd_type_len);
    put_le32(p + 12, olinfo_status);
  }
};

// Advanced Tx context descriptor (igb_tx_ctxtdesc; e1000_82575.h struct e1000_adv_tx_context_desc):
// no data; the offload parameters of the data descriptors after it. Dword 0 vlan_macip_lens,
// dword 2 type_tucmd_mlhl (DEXT, DTYP 2), dword 3 mss_l4len_idx. No RS: never written back.
struct TxContext {
  IOVSIM_FIELD(IPLEN, 8, 0, "vlan_macip_lens: IP header length");
  IOVSIM_FIELD(MACLEN, 15, 9, "vlan_macip_lens: MAC header length (with a VLAN tag's 4 bytes)");
  IOVSIM_FIELD(TUCMD_IPV4, 10, 10, "type_tucmd_mlhl: the packet is IPv4 (E1000_ADVTXD_TUCMD_IPV4)");
  IOVSIM_FIELD(L4T, 12, 11, "type_tucmd_mlhl: L4 type, 0 UDP, 1 TCP, 2 SCTP");
  static constexpr std::uint32_t kTypeContext = 0x2;
  static constexpr std::uint32_t kKindMask = TxData::DEXT::kMask | TxData::DTYP::kMask;
  static constexpr std::uint32_t kKind = TxData::DEXT::kMask | (kTypeContext << 20);
  static bool is(std::uint32_t cmd_type) { return (cmd_type & kKindMask) == kKind; }  // one compare
};

// Tx write-back: the hardware sets DD in the status dword at [12] (E1000_TXD_STAT_DD).
struct TxWriteBack {
  IOVSIM_FIELD(DD, 0, 0, "descriptor done");
  static constexpr unsigned kStatusOffset = 12;
  std::uint32_t status = 0;
  bool dd() const { return DD::get(status); }
  static TxWriteBack load(const std::uint8_t* p) { return {le32(p + kStatusOffset)}; }
  void store_status(std::uint8_t* p) const { put_le32(p + kStatusOffset, status); }
};

}  // namespace iovsim::regs::desc
