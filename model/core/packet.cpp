#include "model/core/packet.h"

#include <cstring>

#include "hls/sorter/sorter_core.h"
#include "model/core/frame_stamp.h"

namespace iovsim {

namespace {

constexpr std::uint8_t kProtoUdp = 17, kProtoTcp = 6;
constexpr unsigned kTcpHeader = 20, kUdpHeader = 8;

// The 16-bit big-endian words of p[0..n) summed into 32 bits (a trailing odd byte is padded
// with a zero, RFC 1071).
std::uint32_t sum_words(const std::uint8_t* p, unsigned n, std::uint32_t s = 0) {
  unsigned i = 0;
  for (; i + 1 < n; i += 2) s += static_cast<std::uint32_t>(p[i]) << 8 | p[i + 1];
  if (i < n) s += static_cast<std::uint32_t>(p[i]) << 8;
  return s;
}
std::uint16_t fold(std::uint32_t s) {  // two steps suffice for any 32-bit sum: no loop
  s = (s & 0xFFFF) + (s >> 16);  // at most 0x1FFFE
  s = (s & 0xFFFF) + (s >> 16);  // at most 0xFFFF
  return static_cast<std::uint16_t>(s);
}
void put16(std::uint8_t* p, unsigned v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
unsigned get16(const std::uint8_t* p) { return static_cast<unsigned>(p[0]) << 8 | p[1]; }

}  // namespace

unsigned PacketBuilder::header_bytes(unsigned vlan, L3Kind l3, L4Kind l4) {
  return 14 + (vlan ? 4 : 0) + (l3 == L3Kind::ipv4 ? 20 : 40) + (l4 == L4Kind::udp ? kUdpHeader : kTcpHeader);
}

PacketBuilder::PacketBuilder(const PacketSpec& spec) : spec_(spec) {
  std::uint8_t* h = hdr_;
  hls::mac_to_bytes(spec.sa, h + 6);
  unsigned at = 12;
  if (spec.vlan) {  // 802.1Q: TPID, then PCP 0, DEI 0, VID
    put16(h + 12, 0x8100);
    put16(h + 14, spec.vlan & 0xFFF);
    at = 16;
  }
  const bool v4 = spec.l3 == L3Kind::ipv4;
  const std::uint8_t proto = spec.l4 == L4Kind::udp ? kProtoUdp : kProtoTcp;
  put16(h + at, v4 ? 0x0800 : 0x86DD);
  l3_ = at + 2;
  std::uint8_t* ip = h + l3_;
  if (v4) {
    ip[0] = 0x45;        // version 4, 5 words
    put16(ip + 6, 0x4000);  // don't fragment
    ip[8] = 64;          // TTL
    ip[9] = proto;
    std::memcpy(ip + 12, spec.src_ip.data(), 4);
    std::memcpy(ip + 16, spec.dst_ip.data(), 4);
    ip[15] = 0;  // the flow's byte, per frame
    l4_ = l3_ + 20;
    ip_sum_ = sum_words(ip, 20);
  } else {
    ip[0] = 0x60;  // version 6, traffic class 0, flow label 0
    ip[6] = proto;
    ip[7] = 64;    // hop limit
    std::memcpy(ip + 8, spec.src_ip.data(), 16);
    std::memcpy(ip + 24, spec.dst_ip.data(), 16);
    ip[23] = 0;
    l4_ = l3_ + 40;
  }
  // The pseudo-header's constant words: the addresses (the flow's byte left out) and the
  // protocol; its length is per frame.
  l4_sum_ = v4 ? sum_words(ip + 12, 8) : sum_words(ip + 8, 32);
  l4_sum_ += proto;
  std::uint8_t* l4 = h + l4_;
  put16(l4 + 2, spec.dport);
  if (spec.l4 == L4Kind::tcp) {
    l4[12] = 5 << 4;  // data offset: 5 words
    l4[13] = 0x18;    // PSH, ACK
    put16(l4 + 14, 0xFFFF);  // window
    hdr_len_ = l4_ + kTcpHeader;
    tcp_seq_.assign(spec.flows ? spec.flows : 1, 1);
  } else {
    hdr_len_ = l4_ + kUdpHeader;
  }
  l4_sum_ = sum_words(l4, hdr_len_ - l4_, l4_sum_);
}

void PacketBuilder::build(std::uint8_t* b, unsigned len, const PacketVars& v, ps_t stamp, unsigned prev_len) {
  if (len < hdr_len_) {  // no room for the headers (the scenario loader refuses such sizes)
    std::memcpy(b, hdr_, len);
    return;
  }
  std::memcpy(b, hdr_, kMaxHeader);  // a fixed-size copy (a few vector moves); zeros past the header
  hls::mac_to_bytes(v.da, b);
  if (spec_.vlan) b[14] = static_cast<std::uint8_t>(b[14] | (v.pcp & 7) << 5);  // TCI: PCP 15:13
  // The payload the previous frame left zero: up to its stamp, or all of it; the zeros go to
  // where this frame's stamp starts when the stamp is written (its 12 bytes whole: a frame of
  // the previous one's length rewrites the previous stamp and zeroes nothing).
  const unsigned zero_end = prev_len < hdr_len_ ? hdr_len_ : stamps(prev_len) ? prev_len - kStampBytes : prev_len;
  const bool stamped = stamps(len);
  const unsigned fill_end = stamped ? len - kStampBytes : len;
  if (zero_end < fill_end) std::memset(b + zero_end, 0, fill_end - zero_end);
  if (stamped) write_stamp(b, len, stamp);
  std::uint8_t* ip = b + l3_;
  std::uint8_t* l4 = b + l4_;
  const unsigned l4_len = len - l4_;
  const unsigned sport = spec_.sport_base + v.sport;
  std::uint32_t s = l4_sum_ + 2 * l4_len + v.src_low + v.dst_add + sport;  // UDP carries its length twice
  if (spec_.l3 == L3Kind::ipv4) {
    put16(ip + 2, len - l3_);
    put16(ip + 4, v.ip_id);
    ip[15] = v.src_low;
    ip[19] = static_cast<std::uint8_t>(ip[19] + v.dst_add);
    put16(ip + 10, static_cast<std::uint16_t>(~fold(ip_sum_ + (len - l3_) + v.ip_id + v.src_low + v.dst_add)));
  } else {
    put16(ip + 4, l4_len);
    ip[23] = v.src_low;
    ip[39] = static_cast<std::uint8_t>(ip[39] + v.dst_add);
  }
  put16(l4, sport);
  if (spec_.l4 == L4Kind::udp) {
    put16(l4 + 4, l4_len);
  } else {
    s -= l4_len;  // TCP has no length field of its own
    const unsigned f = v.flow % static_cast<unsigned>(tcp_seq_.size());
    const std::uint32_t seq = tcp_seq_[f];
    tcp_seq_[f] = seq + (len - hdr_len_);
    l4[4] = static_cast<std::uint8_t>(seq >> 24), l4[5] = static_cast<std::uint8_t>(seq >> 16);
    l4[6] = static_cast<std::uint8_t>(seq >> 8), l4[7] = static_cast<std::uint8_t>(seq);
    s += (seq >> 16) + (seq & 0xFFFF);
  }
  // The payload is zero but for the stamp (the 8-byte time, then the magic, little-endian).
  // Its bytes' share of the sum without touching memory: their sum as little-endian words is
  // their share when the stamp starts at an odd offset from the L4 header, and byte-swapped
  // when at an even one (RFC 1071, byte order independence).
  if (stamped) {
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    const unsigned from = l4_ + ((len - kStampBytes - l4_) & ~1u);  // the stamp is in host order
    s = sum_words(b + from, len - from, s);
#else
    std::uint32_t le = static_cast<std::uint32_t>(stamp & 0xFFFF) + static_cast<std::uint32_t>(stamp >> 16 & 0xFFFF) +
                       static_cast<std::uint32_t>(stamp >> 32 & 0xFFFF) + static_cast<std::uint32_t>(stamp >> 48) +
                       (kStampMagic & 0xFFFF) + (kStampMagic >> 16);
    const std::uint16_t f = fold(le);
    s += (len - kStampBytes - l4_) & 1u ? f : static_cast<std::uint16_t>(f << 8 | f >> 8);
#endif
  }

  std::uint16_t c = static_cast<std::uint16_t>(~fold(s));
  if (spec_.l4 == L4Kind::udp && c == 0) c = 0xFFFF;  // 0 means "no checksum" in UDP
  put16(l4 + (spec_.l4 == L4Kind::udp ? 6 : 16), c);
}

std::uint16_t internet_checksum(const std::uint8_t* p, unsigned n, std::uint32_t initial) {
  return static_cast<std::uint16_t>(~fold(sum_words(p, n, initial)));
}

namespace {
// Where a frame's L4 checksum lies and what it covers; false when it is not IPv4/IPv6 with
// UDP or TCP over Ethernet II (at most one 802.1Q tag).
struct L4View {
  unsigned l4 = 0, len = 0, csum = 0;
  std::uint32_t pseudo = 0;
  bool udp = false, v4 = false;
};
bool parse_l4(const std::uint8_t* b, unsigned len, L4View& v, const char** why) {
  auto fail = [why](const char* w) {
    if (why) *why = w;
    return false;
  };
  if (len < 14) return fail("shorter than an Ethernet header");
  unsigned at = 12;
  unsigned type = get16(b + at);
  if (type == 0x8100) {
    at += 4;
    if (len < at + 2) return fail("truncated 802.1Q tag");
    type = get16(b + at);
  }
  const unsigned l3 = at + 2;
  unsigned proto = 0;
  if (type == 0x0800) {
    if (len < l3 + 20 || (b[l3] >> 4) != 4) return fail("not an IPv4 header");
    const unsigned ihl = (b[l3] & 0xF) * 4u, total = get16(b + l3 + 2);
    if (ihl < 20 || len < l3 + ihl || total < ihl || l3 + total > len) return fail("IPv4 lengths");
    if (internet_checksum(b + l3, ihl) != 0) return fail("IPv4 header checksum");
    proto = b[l3 + 9];
    v.l4 = l3 + ihl;
    v.len = total - ihl;
    v.pseudo = sum_words(b + l3 + 12, 8) + proto + v.len;
    v.v4 = true;
  } else if (type == 0x86DD) {
    if (len < l3 + 40 || (b[l3] >> 4) != 6) return fail("not an IPv6 header");
    proto = b[l3 + 6];
    v.l4 = l3 + 40;
    v.len = get16(b + l3 + 4);
    if (v.l4 + v.len > len) return fail("IPv6 payload length");
    v.pseudo = sum_words(b + l3 + 8, 32) + proto + v.len;
  } else {
    return fail("neither IPv4 nor IPv6");
  }
  if (proto == kProtoUdp) {
    if (v.len < kUdpHeader || get16(b + v.l4 + 4) != v.len) return fail("UDP length");
    v.udp = true;
    v.csum = v.l4 + 6;
  } else if (proto == kProtoTcp) {
    if (v.len < kTcpHeader) return fail("TCP length");
    v.csum = v.l4 + 16;
  } else {
    return fail("neither UDP nor TCP");
  }
  return true;
}
}  // namespace

bool packet_checksums_ok(const std::uint8_t* b, unsigned len, const char** why) {
  L4View v;
  if (!parse_l4(b, len, v, why)) return false;
  if (v.udp && v.v4 && get16(b + v.csum) == 0) return true;  // IPv4 UDP: no checksum
  if (internet_checksum(b + v.l4, v.len, v.pseudo) != 0) {
    if (why) *why = v.udp ? "UDP checksum" : "TCP checksum";
    return false;
  }
  return true;
}

bool restamp_packet(std::uint8_t* b, unsigned len, ps_t t) {
  ps_t old = 0;
  if (!read_stamp(b, len, old)) return false;
  write_stamp(b, len, t);
  L4View v;
  if (parse_l4(b, len, v, nullptr) && v.l4 + v.len == len && !(v.udp && v.v4 && get16(b + v.csum) == 0)) {
    put16(b + v.csum, 0);
    std::uint16_t c = internet_checksum(b + v.l4, v.len, v.pseudo);
    if (v.udp && c == 0) c = 0xFFFF;
    put16(b + v.csum, c);
  }
  return true;
}

}  // namespace iovsim
