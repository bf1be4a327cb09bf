#include "model/regs/family_map.h"

namespace iovsim::regs {

RssHashTypes MrqcHashFields::decode(std::uint32_t v) {
  RssHashTypes t;
  t.ipv4 = RSS_IPV4::get(v), t.ipv4_tcp = RSS_IPV4_TCP::get(v), t.ipv4_udp = RSS_IPV4_UDP::get(v);
  t.ipv6 = RSS_IPV6::get(v), t.ipv6_tcp = RSS_IPV6_TCP::get(v), t.ipv6_udp = RSS_IPV6_UDP::get(v);
  return t;
}

std::uint32_t MrqcHashFields::encode(const RssHashTypes& t) {
  return RSS_IPV4::make(t.ipv4) | RSS_IPV4_TCP::make(t.ipv4_tcp) | RSS_IPV4_UDP::make(t.ipv4_udp) |
         RSS_IPV6::make(t.ipv6) | RSS_IPV6_TCP::make(t.ipv6_tcp) | RSS_IPV6_UDP::make(t.ipv6_udp);
}

}  // namespace iovsim::regs
