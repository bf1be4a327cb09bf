// A link partner that answers on the wire side: ARP requests for its IPv4 address and ICMP echo
// requests (ping) to it, as a host's stack would. Plain C++ (no SystemC): it takes a frame the
// device sent and writes the reply frame into a caller's buffer, without allocating.
//
// What is answered (Ethernet II, or with one 802.1Q tag that the reply keeps):
//  - ARP (EtherType 0x0806) with htype 1, ptype 0x0800, hlen 6, plen 4, oper 1 (request) and the
//    partner's address as target protocol address: an ARP reply (oper 2) from the partner's
//    MAC/IP to the requester's sender MAC/IP, sent to the frame's source address.
//  - IPv4 (EtherType 0x0800) to the partner's address, protocol 1 (ICMP), not a fragment (MF
//    clear, offset 0), ICMP type 8 code 0: an echo reply (type 0, the same identifier, sequence
//    number and data) with the addresses swapped, TTL 64, no IPv4 options (IHL 5), the request's
//    TOS and identification, both checksums computed afresh.
// The destination MAC of a request is not looked at (the target address decides, as above).
// Replies shorter than 60 bytes are padded with zeros; bytes after the IPv4 total length (a
// padded request) are not part of the ICMP message.
//
// Counting: every frame handed to answer() is counted in exactly one of arp_replies,
// echo_replies, malformed, ignored. arp_requests and echo_requests count the well-formed
// requests for the partner, answered or not (a reply that does not fit in `cap` is counted
// ignored). malformed: an ARP or IPv4 frame whose header is cut short by `len`, an IPv4 header
// that is not version 4 or has IHL < 5 or a total length shorter than its header or longer than
// the frame, an IPv4 header checksum that does not verify, an ICMP message to the partner
// shorter than its 8-byte header, an echo request whose ICMP checksum does not verify. ignored:
// everything else (too short to hold an EtherType, other EtherTypes, ARP other than the
// request above, IPv4 not to the partner, not ICMP, fragments, other ICMP types).
#pragma once
#include <array>
#include <cstdint>

namespace iovsim {

struct LinkPartnerCfg {
  std::uint64_t mac = 0;               // the partner's MAC, MacAddress layout (first octet in the low byte)
  std::array<std::uint8_t, 4> ipv4{};  // the partner's IPv4 address
};

class LinkPartner {
public:
  static constexpr unsigned kMinFrame = 60;  // the Ethernet minimum without FCS

  explicit LinkPartner(const LinkPartnerCfg& c);
  // `f`, `len`: a frame the device sent on the wire, DA through payload, WITHOUT its FCS.
  // Writes the reply, if any, into `out` (capacity `cap` bytes; must not overlap `f`) WITHOUT
  // FCS and returns its length (at least kMinFrame); else returns 0. Never reads past `len`,
  // never writes past `cap`, never allocates.
  unsigned answer(const std::uint8_t* f, unsigned len, std::uint8_t* out, unsigned cap);

  struct Stats {
    std::uint64_t arp_requests = 0, arp_replies = 0, echo_requests = 0, echo_replies = 0,
                  malformed = 0, ignored = 0;  // ignored: frames that are neither (or not for the partner)
    // Of the ignored: UDP datagrams to the partner, and those whose length or checksum is wrong
    // (what a device's checksum offload got wrong would show here).
    std::uint64_t udp_datagrams = 0, udp_bad_checksum = 0;
  };
  const Stats& stats() const { return stats_; }
  const LinkPartnerCfg& cfg() const { return cfg_; }

private:
  // `l2`: the bytes of the Ethernet header (14 or 18), the EtherType's end.
  unsigned answer_arp(const std::uint8_t* f, unsigned len, unsigned l2, std::uint8_t* out, unsigned cap);
  unsigned answer_ipv4(const std::uint8_t* f, unsigned len, unsigned l2, std::uint8_t* out, unsigned cap);
  // Writes DA (the request's SA), SA (the partner), the request's 802.1Q tag if any; returns
  // where the EtherType goes.
  unsigned put_l2_header(const std::uint8_t* f, unsigned l2, std::uint8_t* out) const;

  LinkPartnerCfg cfg_;
  Stats stats_;
};

}  // namespace iovsim
