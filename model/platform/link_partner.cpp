#include "model/platform/link_partner.h"

#include <cstring>

#include "model/core/packet.h"

namespace iovsim {

namespace {

constexpr unsigned kEthHeader = 14;
constexpr unsigned kVlanTag = 4;
constexpr unsigned kArpBody = 28;  // htype .. tpa for Ethernet/IPv4
constexpr unsigned kIpv4Header = 20;
constexpr unsigned kIcmpHeader = 8;
constexpr std::uint16_t kTypeVlan = 0x8100;
constexpr std::uint16_t kTypeIpv4 = 0x0800;
constexpr std::uint16_t kTypeArp = 0x0806;
constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmpEchoRequest = 8;
constexpr std::uint8_t kReplyTtl = 64;

unsigned get16(const std::uint8_t* p) { return static_cast<unsigned>(p[0]) << 8 | p[1]; }
void put16(std::uint8_t* p, unsigned v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put_mac(std::uint8_t* p, std::uint64_t mac) {
  for (unsigned i = 0; i < 6; ++i) p[i] = static_cast<std::uint8_t>(mac >> (8 * i));
}
bool is_ip(const std::uint8_t* p, const std::array<std::uint8_t, 4>& ip) { return std::memcmp(p, ip.data(), 4) == 0; }

}  // namespace

LinkPartner::LinkPartner(const LinkPartnerCfg& c) : cfg_(c) { cfg_.mac &= 0xFFFFFFFFFFFFull; }

unsigned LinkPartner::answer(const std::uint8_t* f, unsigned len, std::uint8_t* out, unsigned cap) {
  if (f == nullptr || len < kEthHeader) {
    ++stats_.ignored;
    return 0;
  }
  unsigned l2 = kEthHeader;
  unsigned type = get16(f + 12);
  if (type == kTypeVlan) {
    l2 += kVlanTag;
    if (len < l2) {  // the inner EtherType is cut off: nothing tells what it was
      ++stats_.ignored;
      return 0;
    }
    type = get16(f + 16);
  }
  if (type == kTypeArp) return answer_arp(f, len, l2, out, cap);
  if (type == kTypeIpv4) return answer_ipv4(f, len, l2, out, cap);
  ++stats_.ignored;
  return 0;
}

unsigned LinkPartner::put_l2_header(const std::uint8_t* f, unsigned l2, std::uint8_t* out) const {
  std::memcpy(out, f + 6, 6);  // to the requester
  put_mac(out + 6, cfg_.mac);
  if (l2 > kEthHeader) std::memcpy(out + 12, f + 12, kVlanTag);  // TPID and TCI as they came
  return l2 - 2;
}

unsigned LinkPartner::answer_arp(const std::uint8_t* f, unsigned len, unsigned l2, std::uint8_t* out,
                                 unsigned cap) {
  if (len < l2 + kArpBody) {
    ++stats_.malformed;
    return 0;
  }
  const std::uint8_t* a = f + l2;
  if (get16(a) != 1 || get16(a + 2) != kTypeIpv4 || a[4] != 6 || a[5] != 4 || get16(a + 6) != 1 ||
      !is_ip(a + 24, cfg_.ipv4)) {
    ++stats_.ignored;
    return 0;
  }
  ++stats_.arp_requests;
  const unsigned body = l2 + kArpBody;
  const unsigned n = body < kMinFrame ? kMinFrame : body;
  if (out == nullptr || cap < n) {
    ++stats_.ignored;
    return 0;
  }
  put16(out + put_l2_header(f, l2, out), kTypeArp);
  std::uint8_t* r = out + l2;
  put16(r, 1);
  put16(r + 2, kTypeIpv4);
  r[4] = 6;
  r[5] = 4;
  put16(r + 6, 2);
  put_mac(r + 8, cfg_.mac);                      // sender: the partner
  std::memcpy(r + 14, cfg_.ipv4.data(), 4);
  std::memcpy(r + 18, a + 8, 6);                 // target: the requester's sender MAC
  std::memcpy(r + 24, a + 14, 4);                // and IP
  std::memset(out + body, 0, n - body);
  ++stats_.arp_replies;
  return n;
}

unsigned LinkPartner::answer_ipv4(const std::uint8_t* f, unsigned len, unsigned l2, std::uint8_t* out,
                                  unsigned cap) {
  auto malformed = [this] {
    ++stats_.malformed;
    return 0u;
  };
  auto ignored = [this] {
    ++stats_.ignored;
    return 0u;
  };
  if (len < l2 + kIpv4Header) return malformed();
  const std::uint8_t* ip = f + l2;
  const unsigned ihl = (ip[0] & 0xFu) * 4u, total = get16(ip + 2);
  if ((ip[0] >> 4) != 4 || ihl < kIpv4Header || len < l2 + ihl || total < ihl || l2 + total > len)
    return malformed();
  if (internet_checksum(ip, ihl) != 0) return malformed();
  if (is_ip(ip + 16, cfg_.ipv4) && ip[9] == 17 && (get16(ip + 6) & 0x3FFFu) == 0) {
    // UDP to the partner: no service answers it, but it is checked as a receiver would (the
    // UDP length, the pseudo-header and datagram sum; a checksum field of 0 means none was sent).
    ++stats_.udp_datagrams;
    if (!packet_checksums_ok(f, len)) ++stats_.udp_bad_checksum;
    return ignored();
  }
  if (!is_ip(ip + 16, cfg_.ipv4) || ip[9] != kProtoIcmp) return ignored();
  if ((get16(ip + 6) & 0x3FFFu) != 0) return ignored();  // MF or a fragment offset: not reassembled here
  const std::uint8_t* icmp = ip + ihl;
  const unsigned icmp_len = total - ihl;
  if (icmp_len < kIcmpHeader) return malformed();
  if (icmp[0] != kIcmpEchoRequest || icmp[1] != 0) return ignored();
  if (internet_checksum(icmp, icmp_len) != 0) return malformed();
  ++stats_.echo_requests;

  const unsigned end = l2 + kIpv4Header + icmp_len;
  const unsigned n = end < kMinFrame ? kMinFrame : end;
  if (out == nullptr || cap < n) return ignored();
  put16(out + put_l2_header(f, l2, out), kTypeIpv4);
  std::uint8_t* r = out + l2;
  r[0] = 0x45;
  r[1] = ip[1];                          // TOS
  put16(r + 2, kIpv4Header + icmp_len);
  std::memcpy(r + 4, ip + 4, 2);         // identification
  put16(r + 6, 0);                       // no flags, no offset
  r[8] = kReplyTtl;
  r[9] = kProtoIcmp;
  put16(r + 10, 0);
  std::memcpy(r + 12, ip + 16, 4);       // from the partner (the request's destination)
  std::memcpy(r + 16, ip + 12, 4);       // to the requester
  put16(r + 10, internet_checksum(r, kIpv4Header));
  std::uint8_t* m = r + kIpv4Header;
  m[0] = kIcmpEchoReply;
  m[1] = 0;
  put16(m + 2, 0);
  std::memcpy(m + 4, icmp + 4, icmp_len - 4);  // identifier, sequence number, data
  put16(m + 2, internet_checksum(m, icmp_len));
  std::memset(out + end, 0, n - end);
  ++stats_.echo_replies;
  return n;
}

}  // namespace iovsim
