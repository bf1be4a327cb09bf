// Real frames: Ethernet II (with an 802.1Q tag when a VID is set), IPv4 or IPv6, UDP or TCP,
// every length field and checksum correct, a zero payload carrying the origin stamp
// (model/core/frame_stamp.h) in its last 12 bytes. The wire sources and the VMs' applications
// build every frame with one PacketBuilder, so a capture (--pcap-dir) decodes in Wireshark
// without a warning.
//
// Per frame only the variable fields are written: the destination MAC, the flow (the last byte
// of the source address and the source port, as RSS sees them), the IPv4 identification, the
// TCP sequence number of the flow, the stamp. The constant header and the ones'-complement sums
// of its constant words are computed once (RFC 1071: the sum is order-independent, so the
// checksums are the constant part plus the variable words).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "model/core/frame_stamp.h"
#include "model/core/time.h"

namespace iovsim {

enum class L3Kind : std::uint8_t { ipv4, ipv6 };
enum class L4Kind : std::uint8_t { udp, tcp };

struct PacketSpec {
  std::uint64_t sa = 0;       // source MAC, first octet in the low byte (as MacAddress)
  unsigned vlan = 0;          // 802.1Q VID, 0 = untagged
  L3Kind l3 = L3Kind::ipv4;
  L4Kind l4 = L4Kind::udp;
  std::array<std::uint8_t, 16> src_ip{};  // IPv4: the first 4 bytes
  std::array<std::uint8_t, 16> dst_ip{};
  std::uint16_t sport_base = 0;  // the source port of flow f is sport_base + sport (PacketVars)
  std::uint16_t dport = 0;
  unsigned flows = 64;  // TCP: flows whose sequence numbers are kept (PacketVars::flow)
};

struct PacketVars {
  std::uint64_t da = 0;        // destination MAC
  std::uint8_t src_low = 0;    // the last byte of the source IP address
  std::uint8_t sport = 0;      // added to the spec's source port base
  std::uint8_t dst_add = 0;    // added to the last byte of the destination IP address
  std::uint32_t flow = 0;      // TCP: the flow whose sequence number advances (< spec.flows)
  std::uint16_t ip_id = 0;     // IPv4 identification
  std::uint8_t pcp = 0;        // 802.1p priority in the VLAN tag (with spec.vlan)
};

class PacketBuilder {
public:
  static constexpr unsigned kMaxHeader = 14 + 4 + 40 + 20;
  PacketBuilder() : PacketBuilder(PacketSpec{}) {}
  explicit PacketBuilder(const PacketSpec& spec);
  // Bytes of the headers (Ethernet through L4) for a spec: a frame needs this plus its FCS.
  static unsigned header_bytes(unsigned vlan, L3Kind l3, L4Kind l4);
  unsigned header_bytes() const { return hdr_len_; }
  // Writes the `len` bytes of a frame without its FCS (len >= header_bytes(); `b` holds at
  // least kMaxHeader bytes: the header is copied at that fixed size); stamps it with
  // `stamp` when the payload holds the stamp. `prev_len`: the length of the frame this builder
  // last built in `b`, when nothing else wrote there since (0: unknown): the payload it left
  // zero is not written again (a 1518-byte frame's payload is 1.4 KB of stores otherwise).
  void build(std::uint8_t* b, unsigned len, const PacketVars& v, ps_t stamp, unsigned prev_len = 0);

private:
  // Whether a frame of `len` bytes carries the stamp: in its payload only, and at least
  // kStampEnd bytes long (write_stamp's rule: an untagged IPv4 UDP frame of 54 to 57 bytes has
  // payload room but no stamp).
  bool stamps(unsigned len) const { return len >= hdr_len_ + kStampBytes && len >= kStampEnd; }
  PacketSpec spec_;
  std::uint8_t hdr_[kMaxHeader] = {};
  unsigned hdr_len_ = 0, l3_ = 0, l4_ = 0;
  std::uint32_t ip_sum_ = 0;  // IPv4 header: the constant words
  std::uint32_t l4_sum_ = 0;  // pseudo-header and L4 header: the constant words
  std::vector<std::uint32_t> tcp_seq_;  // per flow: the next sequence number
};

// A replayed frame that carries the origin stamp (frame_stamp.h) gets its new send time, and
// its UDP/TCP checksum is recomputed; others are left alone. Returns whether it was stamped.
bool restamp_packet(std::uint8_t* b, unsigned len, ps_t t);

// The Internet checksum (RFC 1071) over `n` bytes, folded and complemented: a frame's
// checksum fields verify when this returns 0 over the covered bytes. For tests and readers.
std::uint16_t internet_checksum(const std::uint8_t* p, unsigned n, std::uint32_t initial = 0);
// Whether a frame's (without FCS) IPv4 header checksum and UDP/TCP checksum verify; IPv4/IPv6
// over Ethernet II with at most one 802.1Q tag. `why` names the first failure.
bool packet_checksums_ok(const std::uint8_t* b, unsigned len, const char** why = nullptr);

}  // namespace iovsim
