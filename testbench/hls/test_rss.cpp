// RSS: the Toeplitz hash against every row of Microsoft's "Verifying the RSS Hash Calculation"
// table (default 40-byte key; IPv4 and IPv6, with and without TCP ports), the same table that
// the 82599 datasheet reproduces as its RSS verification suite (DPDK app/test/test_thash.c
// cites "82599 Datasheet 7.1.2.8.3 RSS Verification Suite"), plus the RETA -> queue mapping.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <cstring>

#include "hls/sorter/rss.h"

using namespace iovsim::hls;

namespace {

const uint8_t kMsKey[40] = {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
                            0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
                            0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
                            0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};

struct V4Row {
  uint8_t dst[4];
  uint16_t dst_port;
  uint8_t src[4];
  uint16_t src_port;
  uint32_t hash_ip, hash_tcp;
};

// Destination, source, IPv4 only, IPv4 with TCP.
const V4Row kV4[] = {
    {{161, 142, 100, 80}, 1766, {66, 9, 149, 187}, 2794, 0x323e8fc2, 0x51ccc178},
    {{65, 69, 140, 83}, 4739, {199, 92, 111, 2}, 14230, 0xd718262a, 0xc626b0ea},
    {{12, 22, 207, 184}, 38024, {24, 19, 198, 95}, 12898, 0xd2d0a5de, 0x5c2b394a},
    {{209, 142, 163, 6}, 2217, {38, 27, 205, 30}, 48228, 0x82989176, 0xafc7327f},
    {{202, 188, 127, 2}, 1303, {153, 39, 163, 191}, 44251, 0x5d1809c5, 0x10e828a2},
};

struct V6Row {
  const char* dst_text;
  uint8_t dst[16];
  uint16_t dst_port;
  const char* src_text;
  uint8_t src[16];
  uint16_t src_port;
  uint32_t hash_ip, hash_tcp;
};

const V6Row kV6[] = {
    {"3ffe:2501:200:3::1",
     {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x01},
     1766,
     "3ffe:2501:200:1fff::7",
     {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x07},
     2794,
     0x2cc18cd5,
     0x40207d3d},
    {"ff02::1",
     {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01},
     4739,
     "3ffe:501:8::260:97ff:fe40:efab",
     {0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0, 0, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab},
     14230,
     0x0f0c461c,
     0xdde51bbf},
    {"fe80::200:f8ff:fe21:67cf",
     {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf},
     38024,
     "3ffe:1900:4545:3:200:f8ff:fe21:67cf",
     {0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67,
      0xcf},
     44251,
     0x4b61e985,
     0x02d1feef},
};

FlowTuple v4_tuple(const V4Row& r, bool l4) {
  FlowTuple f{};
  f.ipv6 = false;
  f.has_l4 = l4;
  std::memcpy(f.src_ip, r.src, 4);
  std::memcpy(f.dst_ip, r.dst, 4);
  f.src_port = r.src_port;
  f.dst_port = r.dst_port;
  return f;
}

FlowTuple v6_tuple(const V6Row& r, bool l4) {
  FlowTuple f{};
  f.ipv6 = true;
  f.has_l4 = l4;
  std::memcpy(f.src_ip, r.src, 16);
  std::memcpy(f.dst_ip, r.dst, 16);
  f.src_port = r.src_port;
  f.dst_port = r.dst_port;
  return f;
}

}  // namespace

TEST_CASE("RSS verification suite, IPv4", "[rss][toeplitz][ipv4]") {
  for (const V4Row& r : kV4) {
    INFO("dst " << int(r.dst[0]) << "." << int(r.dst[1]) << "." << int(r.dst[2]) << "."
                << int(r.dst[3]) << ":" << r.dst_port << " src " << int(r.src[0]) << "."
                << int(r.src[1]) << "." << int(r.src[2]) << "." << int(r.src[3]) << ":"
                << r.src_port);
    CHECK(rss_hash(kMsKey, v4_tuple(r, false)) == r.hash_ip);
    CHECK(rss_hash(kMsKey, v4_tuple(r, true)) == r.hash_tcp);
  }
}

TEST_CASE("RSS verification suite, IPv6", "[rss][toeplitz][ipv6]") {
  for (const V6Row& r : kV6) {
    INFO("dst " << r.dst_text << " port " << r.dst_port << " src " << r.src_text << " port "
                << r.src_port);
    CHECK(rss_hash(kMsKey, v6_tuple(r, false)) == r.hash_ip);
    CHECK(rss_hash(kMsKey, v6_tuple(r, true)) == r.hash_tcp);
  }
}

TEST_CASE("toeplitz_hash on a raw input equals rss_hash on the tuple", "[rss][toeplitz]") {
  // 66.9.149.187:2794 -> 161.142.100.80:1766 serialised by hand in network order.
  const uint8_t in[12] = {66, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6};
  CHECK(toeplitz_hash(kMsKey, in, 12) == 0x51ccc178);
  CHECK(toeplitz_hash(kMsKey, in, 8) == 0x323e8fc2);
  CHECK(toeplitz_hash(kMsKey, in, 0) == 0);
  // A single set MSB selects exactly the first 32 key bits.
  const uint8_t one[1] = {0x80};
  CHECK(toeplitz_hash(kMsKey, one, 1) == 0x6d5a56da);
  // The next bit selects the key shifted left by one.
  const uint8_t two[1] = {0x40};
  CHECK(toeplitz_hash(kMsKey, two, 1) == 0xdab4adb4);
}

TEST_CASE("toeplitz_hash reads at most 36 input bytes", "[rss][toeplitz][bounds]") {
  uint8_t in[40];
  for (unsigned i = 0; i < 40; ++i) in[i] = static_cast<uint8_t>(0x11 * i + 3);
  CHECK(toeplitz_hash(kMsKey, in, 40) == toeplitz_hash(kMsKey, in, 36));
  CHECK(toeplitz_hash(kMsKey, in, 36) != toeplitz_hash(kMsKey, in, 35));
  // The last input bit of a 36-byte input uses key bits 287..318: the LSB of
  // key byte 35, bytes 36-38 and the top 7 bits of byte 39.
  uint8_t last[36] = {};
  last[35] = 0x01;
  const uint32_t expect = ((uint32_t{kMsKey[35]} & 1u) << 31) | (uint32_t{kMsKey[36]} << 23) |
                          (uint32_t{kMsKey[37]} << 15) | (uint32_t{kMsKey[38]} << 7) |
                          (uint32_t{kMsKey[39]} >> 1);
  CHECK(toeplitz_hash(kMsKey, last, 36) == expect);
}

TEST_CASE("RETA lookup and queue within the pool", "[rss][reta]") {
  uint8_t reta[kRetaEntries];
  for (unsigned i = 0; i < kRetaEntries; ++i) reta[i] = static_cast<uint8_t>(i % 16);
  reta[0x78] = 7;
  SECTION("index is hash bits [6:0]") {
    CHECK(rss_queue_in_pool(reta, 0x51ccc178, 16) == 7);  // 0x78 -> 7
    CHECK(rss_queue_in_pool(reta, 0xFFFFFF80u | 5u, 16) == 5);
    CHECK(rss_queue_in_pool(reta, 0x0000007Fu, 16) == 0x7F % 16);
  }
  SECTION("entry taken modulo the queues per pool") {
    CHECK(rss_queue_in_pool(reta, 0x51ccc178, 2) == 1);   // 7 mod 2
    CHECK(rss_queue_in_pool(reta, 0x51ccc178, 4) == 3);   // 7 mod 4
    CHECK(rss_queue_in_pool(reta, 0x0000000Eu, 4) == 2);  // entry 14 mod 4
    CHECK(rss_queue_in_pool(reta, 0x0000000Eu, 8) == 6);
    CHECK(rss_queue_in_pool(reta, 0x0000000Eu, 1) == 0);
  }
  SECTION("no queues: queue 0") { CHECK(rss_queue_in_pool(reta, 0x12345678, 0) == 0); }
  SECTION("every verification-suite flow maps into range") {
    for (const V4Row& r : kV4) {
      const uint32_t h = rss_hash(kMsKey, v4_tuple(r, true));
      CHECK(rss_queue_in_pool(reta, h, 2) == reta[h & 0x7F] % 2);
      CHECK(rss_queue_in_pool(reta, h, 2) < 2);
    }
  }
}
