// The link partner's ARP and ICMP echo replies. Requests are built here byte by byte and replies
// checked with this file's own checksum routine, not the model's. Frames handed to the partner
// end where an inaccessible page begins, so a read past `len` faults (no sanitizer needed).
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "model/core/packet.h"
#include "model/platform/link_partner.h"

using namespace iovsim;

namespace {

using Bytes = std::vector<std::uint8_t>;
using Mac = std::array<std::uint8_t, 6>;
using Ip = std::array<std::uint8_t, 4>;

const Mac kPartnerMac = {0x02, 0x1b, 0x21, 0xaa, 0xbb, 0xcc};
const Mac kHostMac = {0x00, 0x1b, 0x21, 0x11, 0x22, 0x33};
const Ip kPartnerIp = {10, 0, 0, 2};
const Ip kHostIp = {10, 0, 0, 1};

// The partner's MAC in the MacAddress layout, written out here: the first octet in the low byte.
constexpr std::uint64_t kPartnerMacValue = 0xccbbaa211b02ull;

LinkPartnerCfg partner_cfg() {
  LinkPartnerCfg c;
  c.mac = kPartnerMacValue;
  c.ipv4 = kPartnerIp;
  return c;
}

// RFC 1071, the plain way: 16-bit big-endian words, an odd byte padded with zero, end-around
// carry; returns the complemented sum (0 over a block whose checksum field is right).
std::uint16_t ones_complement(const std::uint8_t* p, std::size_t n) {
  std::uint64_t s = 0;
  for (std::size_t i = 0; i < n; i += 2) {
    std::uint16_t w = static_cast<std::uint16_t>(p[i] << 8);
    if (i + 1 < n) w = static_cast<std::uint16_t>(w | p[i + 1]);
    s += w;
  }
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return static_cast<std::uint16_t>(~s & 0xFFFF);
}

unsigned rd16(const std::uint8_t* p) { return static_cast<unsigned>(p[0]) << 8 | p[1]; }
void wr16(Bytes& b, std::size_t at, unsigned v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v & 0xFF);
}
void push16(Bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v & 0xFF));
}
template <std::size_t N>
void push(Bytes& b, const std::array<std::uint8_t, N>& a) {
  b.insert(b.end(), a.begin(), a.end());
}

// Ethernet header: DA, SA, an optional 802.1Q tag (tci != 0), the EtherType.
void push_eth(Bytes& b, const Mac& da, const Mac& sa, unsigned tci, unsigned type) {
  push(b, da);
  push(b, sa);
  if (tci != 0) {
    push16(b, 0x8100);
    push16(b, tci);
  }
  push16(b, type);
}

struct ArpReq {
  unsigned tci = 0;
  unsigned oper = 1;
  Mac sha = kHostMac;
  Ip spa = kHostIp;
  Ip tpa = kPartnerIp;
  unsigned pad_to = 0;  // pad the frame with zeros to this length (0: not padded)
};

Bytes arp_frame(const ArpReq& r) {
  Bytes b;
  push_eth(b, Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, r.sha, r.tci, 0x0806);
  push16(b, 1);       // htype: Ethernet
  push16(b, 0x0800);  // ptype: IPv4
  b.push_back(6);
  b.push_back(4);
  push16(b, r.oper);
  push(b, r.sha);
  push(b, r.spa);
  push(b, Mac{});  // tha: unknown
  push(b, r.tpa);
  if (b.size() < r.pad_to) b.resize(r.pad_to, 0);
  return b;
}

struct EchoReq {
  unsigned tci = 0;
  std::uint16_t id = 0x1234, seq = 1;
  Bytes payload;
  Ip src = kHostIp, dst = kPartnerIp;
  Bytes options;            // IPv4 options (a multiple of 4 bytes)
  unsigned frag = 0;        // flags and fragment offset (bit 13: MF)
  std::uint8_t tos = 0;
  std::uint16_t ip_id = 0x4242;
  std::uint8_t type = 8, code = 0, proto = 1;
  unsigned pad_to = 0;
};

unsigned l2_len(unsigned tci) { return tci != 0 ? 18 : 14; }

Bytes echo_frame(const EchoReq& r) {
  Bytes b;
  push_eth(b, kPartnerMac, kHostMac, r.tci, 0x0800);
  const std::size_t ip = b.size();
  const unsigned ihl = 20 + static_cast<unsigned>(r.options.size());
  const unsigned icmp_len = 8 + static_cast<unsigned>(r.payload.size());
  b.push_back(static_cast<std::uint8_t>(0x40 | ihl / 4));
  b.push_back(r.tos);
  push16(b, ihl + icmp_len);
  push16(b, r.ip_id);
  push16(b, r.frag);
  b.push_back(64);  // TTL
  b.push_back(r.proto);
  push16(b, 0);  // header checksum, below
  push(b, r.src);
  push(b, r.dst);
  b.insert(b.end(), r.options.begin(), r.options.end());
  wr16(b, ip + 10, ones_complement(b.data() + ip, ihl));
  const std::size_t icmp = b.size();
  b.push_back(r.type);
  b.push_back(r.code);
  push16(b, 0);  // checksum, below
  push16(b, r.id);
  push16(b, r.seq);
  b.insert(b.end(), r.payload.begin(), r.payload.end());
  wr16(b, icmp + 2, ones_complement(b.data() + icmp, icmp_len));
  if (b.size() < r.pad_to) b.resize(r.pad_to, 0);
  return b;
}

// Memory whose end is followed by an inaccessible page: place() copies a frame so that its last
// byte is the last accessible one.
class Guarded {
public:
  explicit Guarded(std::size_t max_bytes) {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    data_pages_ = (max_bytes + page_ - 1) / page_ + 1;
    size_ = (data_pages_ + 1) * page_;
    void* m = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(m != MAP_FAILED);
    base_ = static_cast<std::uint8_t*>(m);
    REQUIRE(mprotect(base_ + data_pages_ * page_, page_, PROT_NONE) == 0);
  }
  ~Guarded() { munmap(base_, size_); }
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;
  std::uint8_t* end() const { return base_ + data_pages_ * page_; }
  // The first `n` bytes of `b` ending at the guard page.
  const std::uint8_t* place(const Bytes& b, std::size_t n) {
    std::uint8_t* p = end() - n;
    if (n != 0) std::memcpy(p, b.data(), n);
    return p;
  }
  // `n` writable bytes ending at the guard page, filled with `fill`.
  std::uint8_t* room(std::size_t n, std::uint8_t fill) {
    std::uint8_t* p = end() - n;
    std::memset(p, fill, n);
    return p;
  }

private:
  std::size_t page_ = 0, data_pages_ = 0, size_ = 0;
  std::uint8_t* base_ = nullptr;
};

// An independent check of an echo reply to `r` (as built by echo_frame): "" or the first problem.
std::string echo_reply_problem(const EchoReq& r, const std::uint8_t* y, unsigned n) {
  std::ostringstream e;
  const unsigned l2 = l2_len(r.tci);
  const unsigned icmp_len = 8 + static_cast<unsigned>(r.payload.size());
  const unsigned end = l2 + 20 + icmp_len;
  const unsigned want = std::max(60u, end);
  if (n != want) {
    e << "length " << n << ", want " << want;
    return e.str();
  }
  if (!std::equal(kHostMac.begin(), kHostMac.end(), y)) return "DA is not the requester's MAC";
  if (!std::equal(kPartnerMac.begin(), kPartnerMac.end(), y + 6)) return "SA is not the partner's MAC";
  if (r.tci != 0 && (rd16(y + 12) != 0x8100 || rd16(y + 14) != r.tci)) return "802.1Q tag not kept";
  if (rd16(y + l2 - 2) != 0x0800) return "EtherType is not IPv4";
  const std::uint8_t* ip = y + l2;
  if (ip[0] != 0x45) return "not IPv4 with IHL 5";
  if (ip[1] != r.tos) return "TOS changed";
  if (rd16(ip + 2) != 20 + icmp_len) return "IPv4 total length";
  if (rd16(ip + 6) != 0) return "flags or fragment offset set";
  if (ip[8] != 64) return "TTL is not 64";
  if (ip[9] != 1) return "protocol is not ICMP";
  if (ones_complement(ip, 20) != 0) return "IPv4 header checksum does not verify";
  if (!std::equal(r.dst.begin(), r.dst.end(), ip + 12)) return "source is not the request's destination";
  if (!std::equal(r.src.begin(), r.src.end(), ip + 16)) return "destination is not the request's source";
  const std::uint8_t* m = ip + 20;
  if (m[0] != 0 || m[1] != 0) return "not an ICMP echo reply (type 0 code 0)";
  if (rd16(m + 4) != r.id) return "identifier changed";
  if (rd16(m + 6) != r.seq) return "sequence number changed";
  if (!std::equal(r.payload.begin(), r.payload.end(), m + 8)) return "payload changed";
  if (ones_complement(m, icmp_len) != 0) return "ICMP checksum does not verify";
  for (unsigned i = end; i < n; ++i)
    if (y[i] != 0) return "padding is not zero";
  return "";
}

Bytes pattern(std::size_t n, unsigned seed) {
  Bytes p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(i * 7 + seed);
  return p;
}

// Hands the whole of `req` to the partner from guarded memory; the reply in `out`.
unsigned answer_guarded(LinkPartner& lp, Guarded& g, const Bytes& req, std::uint8_t* out, unsigned cap) {
  return lp.answer(g.place(req, req.size()), static_cast<unsigned>(req.size()), out, cap);
}

void check_arp_reply(const ArpReq& r, const std::uint8_t* y, unsigned n) {
  const unsigned l2 = l2_len(r.tci);
  REQUIRE(n == 60);
  CHECK(std::equal(r.sha.begin(), r.sha.end(), y));  // to the requester
  CHECK(std::equal(kPartnerMac.begin(), kPartnerMac.end(), y + 6));
  if (r.tci != 0) {
    CHECK(rd16(y + 12) == 0x8100);
    CHECK(rd16(y + 14) == r.tci);
  }
  const std::uint8_t* a = y + l2;
  CHECK(rd16(a - 2) == 0x0806);
  CHECK(rd16(a) == 1);
  CHECK(rd16(a + 2) == 0x0800);
  CHECK(a[4] == 6);
  CHECK(a[5] == 4);
  CHECK(rd16(a + 6) == 2);
  CHECK(std::equal(kPartnerMac.begin(), kPartnerMac.end(), a + 8));
  CHECK(std::equal(kPartnerIp.begin(), kPartnerIp.end(), a + 14));
  CHECK(std::equal(r.sha.begin(), r.sha.end(), a + 18));
  CHECK(std::equal(r.spa.begin(), r.spa.end(), a + 24));
  for (unsigned i = l2 + 28; i < n; ++i) CHECK(y[i] == 0);
}

}  // namespace

TEST_CASE("link partner: an ARP request for its address gets a complete ARP reply", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  ArpReq r;
  r.sha = {0x00, 0x1b, 0x21, 0x44, 0x55, 0x66};
  r.spa = {192, 168, 7, 9};
  for (unsigned pad : {0u, 60u}) {  // unpadded (42 bytes) and as a MAC pads it
    INFO("request padded to " << pad);
    r.pad_to = pad;
    out.fill(0xA5);
    const unsigned n = answer_guarded(lp, g, arp_frame(r), out.data(), out.size());
    check_arp_reply(r, out.data(), n);
    CHECK(out[60] == 0xA5);  // nothing written after the reply
  }
  CHECK(lp.stats().arp_requests == 2);
  CHECK(lp.stats().arp_replies == 2);
  CHECK(lp.stats().malformed == 0);
  CHECK(lp.stats().ignored == 0);
  CHECK(lp.cfg().mac == kPartnerMacValue);
}

TEST_CASE("link partner: an ARP request for another address gets no reply", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  ArpReq r;
  r.tpa = {10, 0, 0, 3};
  CHECK(answer_guarded(lp, g, arp_frame(r), out.data(), out.size()) == 0);
  r.tpa = {2, 0, 0, 10};  // the partner's address reversed
  CHECK(answer_guarded(lp, g, arp_frame(r), out.data(), out.size()) == 0);
  CHECK(lp.stats().arp_requests == 0);
  CHECK(lp.stats().arp_replies == 0);
  CHECK(lp.stats().ignored == 2);
  CHECK(lp.stats().malformed == 0);
}

TEST_CASE("link partner: an ARP reply or another ARP kind gets no reply", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  ArpReq r;
  r.oper = 2;  // a reply, even one naming the partner as target
  CHECK(answer_guarded(lp, g, arp_frame(r), out.data(), out.size()) == 0);
  r.oper = 1;
  const Bytes good = arp_frame(r);
  for (unsigned at : {15u, 17u, 18u, 19u}) {  // htype, ptype (their low bytes), hlen, plen
    Bytes b = good;
    b[at] ^= 0x01;
    INFO("byte " << at);
    CHECK(answer_guarded(lp, g, b, out.data(), out.size()) == 0);
  }
  CHECK(lp.stats().arp_replies == 0);
  CHECK(lp.stats().ignored == 5);
  CHECK(answer_guarded(lp, g, good, out.data(), out.size()) == 60);  // the unaltered one is answered
}

TEST_CASE("link partner: an ICMP echo request gets an echo reply with swapped addresses", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  EchoReq r;
  r.id = 0xBEEF;
  r.seq = 0x0102;
  r.tos = 0x10;
  r.payload = pattern(56, 3);  // ping's default
  const unsigned n = answer_guarded(lp, g, echo_frame(r), out.data(), out.size());
  CHECK(echo_reply_problem(r, out.data(), n) == "");
  REQUIRE(n == 14 + 20 + 8 + 56);
  // The fields spelled out once more.
  CHECK(std::equal(kHostMac.begin(), kHostMac.end(), out.begin()));
  CHECK(std::equal(kPartnerMac.begin(), kPartnerMac.end(), out.begin() + 6));
  CHECK(out[14 + 12] == 10);
  CHECK(out[14 + 15] == 2);  // from the partner
  CHECK(out[14 + 19] == 1);  // to the host
  CHECK(out[34] == 0);
  CHECK(rd16(&out[38]) == 0xBEEF);
  CHECK(rd16(&out[40]) == 0x0102);
  CHECK(lp.stats().echo_requests == 1);
  CHECK(lp.stats().echo_replies == 1);
}

TEST_CASE("link partner: echo replies to empty and odd-length and 1400-byte payloads verify", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  unsigned k = 0;
  for (unsigned len : {0u, 1u, 17u, 18u, 55u, 57u, 1399u, 1400u, 1401u, 1472u}) {
    EchoReq r;
    r.seq = static_cast<std::uint16_t>(++k);
    r.payload = pattern(len, len);
    INFO("payload " << len);
    const unsigned n = answer_guarded(lp, g, echo_frame(r), out.data(), out.size());
    CHECK(echo_reply_problem(r, out.data(), n) == "");
  }
  CHECK(lp.stats().echo_replies == k);
}

TEST_CASE("link partner: a VLAN-tagged request gets a tagged reply", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  EchoReq e;
  e.tci = 0xA000 | 42;  // PCP 5, VID 42
  e.payload = pattern(33, 1);
  unsigned n = answer_guarded(lp, g, echo_frame(e), out.data(), out.size());
  CHECK(echo_reply_problem(e, out.data(), n) == "");
  ArpReq a;
  a.tci = 0x0FFE;
  n = answer_guarded(lp, g, arp_frame(a), out.data(), out.size());
  check_arp_reply(a, out.data(), n);
  CHECK(lp.stats().echo_replies == 1);
  CHECK(lp.stats().arp_replies == 1);
}

TEST_CASE("link partner: IPv4 options are dropped and a padded request answers only its message", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  EchoReq r;
  r.options = {0x01, 0x01, 0x01, 0x00};  // NOP NOP NOP EOL: IHL 6
  r.payload = pattern(100, 9);
  unsigned n = answer_guarded(lp, g, echo_frame(r), out.data(), out.size());
  CHECK(echo_reply_problem(r, out.data(), n) == "");
  EchoReq s;
  s.payload = pattern(4, 2);
  s.pad_to = 60;  // 46 bytes of frame, padded by the sender: the padding is not echoed
  n = answer_guarded(lp, g, echo_frame(s), out.data(), out.size());
  CHECK(echo_reply_problem(s, out.data(), n) == "");
  CHECK(lp.stats().echo_replies == 2);
}

TEST_CASE("link partner: a corrupted ICMP checksum or IPv4 checksum is not answered", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  EchoReq r;
  r.payload = pattern(64, 5);
  const Bytes good = echo_frame(r);
  Bytes b = good;
  b[14 + 20 + 2] ^= 0x01;  // the ICMP checksum
  CHECK(answer_guarded(lp, g, b, out.data(), out.size()) == 0);
  b = good;
  b[14 + 20 + 8 + 10] ^= 0x80;  // a payload byte under the ICMP checksum
  CHECK(answer_guarded(lp, g, b, out.data(), out.size()) == 0);
  b = good;
  b[14 + 10] ^= 0x01;  // the IPv4 header checksum
  CHECK(answer_guarded(lp, g, b, out.data(), out.size()) == 0);
  b = good;
  b[14 + 8] ^= 0x01;  // the TTL, under the IPv4 header checksum
  CHECK(answer_guarded(lp, g, b, out.data(), out.size()) == 0);
  CHECK(lp.stats().malformed == 4);
  CHECK(lp.stats().echo_replies == 0);
  CHECK(answer_guarded(lp, g, good, out.data(), out.size()) != 0);
}

TEST_CASE("link partner: a truncated request is not answered and nothing past len is read", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  EchoReq e;
  e.payload = pattern(40, 4);
  EchoReq et = e;
  et.tci = 7;
  ArpReq at;
  at.tci = 7;
  std::uint64_t tried = 0;
  for (const Bytes& full : {echo_frame(e), echo_frame(et), arp_frame(ArpReq{}), arp_frame(at)}) {
    for (std::size_t len = 0; len < full.size(); ++len) {
      INFO("frame of " << full.size() << " cut to " << len);
      CHECK(lp.answer(g.place(full, len), static_cast<unsigned>(len), out.data(), out.size()) == 0);
      ++tried;
    }
    CHECK(lp.answer(g.place(full, full.size()), static_cast<unsigned>(full.size()), out.data(), out.size()) != 0);
  }
  const auto& s = lp.stats();
  CHECK(s.malformed + s.ignored == tried);
  CHECK(s.echo_replies == 2);
  CHECK(s.arp_replies == 2);
  CHECK(s.echo_requests == 2);
  CHECK(s.arp_requests == 2);
  // Cut inside the IPv4 header or after it (the total length says more than the frame holds).
  CHECK(s.malformed == (20 + 48) + (20 + 48) + 28 + 28);
}

TEST_CASE("link partner: an IPv4 fragment is not answered", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  EchoReq r;
  r.payload = pattern(24, 6);
  r.frag = 0x2000;  // MF: the first fragment (its ICMP checksum even verifies over this part)
  CHECK(answer_guarded(lp, g, echo_frame(r), out.data(), out.size()) == 0);
  r.frag = 0x0003;  // a later fragment
  CHECK(answer_guarded(lp, g, echo_frame(r), out.data(), out.size()) == 0);
  r.frag = 0x4000;  // DF alone is not a fragment
  CHECK(answer_guarded(lp, g, echo_frame(r), out.data(), out.size()) != 0);
  CHECK(lp.stats().ignored == 2);
  CHECK(lp.stats().echo_replies == 1);
}

TEST_CASE("link partner: other IPv4 traffic and other frames are ignored", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048);
  std::array<std::uint8_t, 1600> out{};
  EchoReq r;
  r.payload = pattern(20, 8);
  r.dst = {10, 0, 0, 9};  // to someone else
  CHECK(answer_guarded(lp, g, echo_frame(r), out.data(), out.size()) == 0);
  r.dst = kPartnerIp;
  r.type = 0;  // an echo reply
  CHECK(answer_guarded(lp, g, echo_frame(r), out.data(), out.size()) == 0);
  r.type = 8;
  r.code = 1;
  CHECK(answer_guarded(lp, g, echo_frame(r), out.data(), out.size()) == 0);
  r.code = 0;
  r.proto = 17;  // not ICMP
  CHECK(answer_guarded(lp, g, echo_frame(r), out.data(), out.size()) == 0);
  Bytes v6 = echo_frame(EchoReq{});
  wr16(v6, 12, 0x86DD);
  CHECK(answer_guarded(lp, g, v6, out.data(), out.size()) == 0);
  CHECK(lp.stats().ignored == 5);
  CHECK(lp.stats().malformed == 0);
}

TEST_CASE("link partner: a reply that does not fit in cap is not written", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048), o(2048);
  EchoReq r;
  r.payload = pattern(100, 1);
  const Bytes req = echo_frame(r);
  const unsigned need = static_cast<unsigned>(req.size());
  for (unsigned cap : {0u, 1u, 59u, need - 1}) {
    std::uint8_t* out = o.room(cap, 0x5A);  // writing past cap faults
    CHECK(answer_guarded(lp, g, req, out, cap) == 0);
    CHECK(std::all_of(out, out + cap, [](std::uint8_t x) { return x == 0x5A; }));
  }
  CHECK(lp.stats().ignored == 4);
  CHECK(lp.stats().echo_requests == 4);
  std::uint8_t* out = o.room(need, 0);
  CHECK(echo_reply_problem(r, out, answer_guarded(lp, g, req, out, need)) == "");
  out = o.room(59, 0);
  CHECK(lp.answer(g.place(arp_frame(ArpReq{}), 42), 42, out, 59) == 0);
  CHECK(lp.stats().ignored == 5);
}

TEST_CASE("link partner: 1000 random echo requests are answered correctly", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  Guarded g(2048), o(2048);
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<unsigned> plen(0, 1472), u16(0, 0xFFFF), byte(0, 255), coin(0, 1);
  for (unsigned i = 0; i < 1000; ++i) {
    EchoReq r;
    r.id = static_cast<std::uint16_t>(u16(rng));
    r.seq = static_cast<std::uint16_t>(u16(rng));
    r.ip_id = static_cast<std::uint16_t>(u16(rng));
    r.tci = coin(rng) ? u16(rng) & 0xEFFF : 0;  // tagged about half the time (CFI clear)
    r.src = {static_cast<std::uint8_t>(byte(rng)), static_cast<std::uint8_t>(byte(rng)),
             static_cast<std::uint8_t>(byte(rng)), static_cast<std::uint8_t>(byte(rng))};
    r.payload.resize(plen(rng));
    for (auto& x : r.payload) x = static_cast<std::uint8_t>(byte(rng));
    const Bytes req = echo_frame(r);
    const unsigned cap = std::max(60u, static_cast<unsigned>(req.size()));  // exactly the reply's size
    std::uint8_t* out = o.room(cap, 0xEE);
    const unsigned n = answer_guarded(lp, g, req, out, cap);
    INFO("request " << i << ": payload " << r.payload.size() << " tci " << r.tci);
    REQUIRE(echo_reply_problem(r, out, n) == "");
  }
  CHECK(lp.stats().echo_requests == 1000);
  CHECK(lp.stats().echo_replies == 1000);
  CHECK(lp.stats().malformed == 0);
  CHECK(lp.stats().ignored == 0);
}

TEST_CASE("link partner: UDP datagrams to it are counted and their checksums checked, not answered", "[link_partner]") {
  LinkPartner lp(partner_cfg());
  PacketSpec spec;
  spec.sa = 0x0000ff211b00ull;
  spec.l4 = L4Kind::udp;
  spec.src_ip = {10, 0, 2, 15};
  for (unsigned i = 0; i < 4; ++i) spec.dst_ip[i] = kPartnerIp[i];
  spec.sport_base = 33434, spec.dport = 33435;
  PacketBuilder b(spec);
  std::vector<std::uint8_t> f(PacketBuilder::kMaxHeader + 100, 0);
  PacketVars v;
  v.da = kPartnerMacValue;
  b.build(f.data(), 100, v, 0);
  REQUIRE(packet_checksums_ok(f.data(), 100));  // the builder's checksums, checked independently of the partner
  std::array<std::uint8_t, 1600> out{};
  CHECK(lp.answer(f.data(), 100, out.data(), out.size()) == 0);
  CHECK(lp.stats().udp_datagrams == 1);
  CHECK(lp.stats().udp_bad_checksum == 0);
  f[99] ^= 0x5A;  // a payload byte changed after the checksum was computed
  CHECK(lp.answer(f.data(), 100, out.data(), out.size()) == 0);
  CHECK(lp.stats().udp_datagrams == 2);
  CHECK(lp.stats().udp_bad_checksum == 1);
  CHECK(lp.stats().ignored == 2);
}
