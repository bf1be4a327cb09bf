// Frames, probes and trace files as plain classes: the packet builder against an independent
// checksum, the probe recorder's integration of out-of-order changes, the pcap/pcapng
// reader's checks of bad input.
#include <catch2/catch.hpp>

#include <pcap/pcap.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <random>
#include <string>

#include "model/core/frame_stamp.h"
#include "model/core/packet.h"
#include "model/core/probes.h"
#include "model/core/scenario.h"
#include "model/trace/pcap.h"

using namespace iovsim;

namespace {

// RFC 1071 written out again, independently of model/core/packet.cpp: the sum of 16-bit
// big-endian words (odd tail padded) of the pseudo-header and the segment must be 0xFFFF.
std::uint32_t words(const std::uint8_t* p, std::size_t n) {
  std::uint32_t s = 0;
  for (std::size_t i = 0; i < n; ++i) s += (i % 2 == 0) ? p[i] << 8 : p[i];
  return s;
}
bool l4_verifies(const std::uint8_t* b, unsigned len) {
  unsigned off = 12;
  if (b[12] == 0x81 && b[13] == 0x00) off = 16;
  const bool v4 = b[off] == 0x08;
  const std::uint8_t* ip = b + off + 2;
  std::vector<std::uint8_t> pseudo;
  unsigned l4_len, proto, l4_off;
  if (v4) {
    l4_off = off + 2 + 20;
    l4_len = (ip[2] << 8 | ip[3]) - 20u;
    proto = ip[9];
    pseudo.assign(ip + 12, ip + 20);
  } else {
    l4_off = off + 2 + 40;
    l4_len = ip[4] << 8 | ip[5];
    proto = ip[6];
    pseudo.assign(ip + 8, ip + 40);
  }
  if (l4_off + l4_len != len) return false;
  pseudo.push_back(0);
  pseudo.push_back(static_cast<std::uint8_t>(proto));
  pseudo.push_back(static_cast<std::uint8_t>(l4_len >> 8));
  pseudo.push_back(static_cast<std::uint8_t>(l4_len));
  std::uint32_t s = words(pseudo.data(), pseudo.size()) + words(b + l4_off, l4_len);
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return s == 0xFFFF;
}
bool ipv4_header_verifies(const std::uint8_t* ip) {
  std::uint32_t s = words(ip, 20);
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return s == 0xFFFF;
}

std::string tmp(const char* name) {
  return (std::filesystem::temp_directory_path() / fmt::format("iovsim-unit-{}-{}", ::getpid(), name)).string();
}

std::string reader_error(const std::string& path) {
  try {
    PcapReader r(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

void put32le(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>(v >> (8 * i));
}

}  // namespace

TEST_CASE("the packet builder writes valid headers and checksums for every kind and size", "[packet]") {
  std::mt19937 rng(7);
  for (unsigned vlan : {0u, 300u})
    for (L3Kind l3 : {L3Kind::ipv4, L3Kind::ipv6})
      for (L4Kind l4 : {L4Kind::udp, L4Kind::tcp}) {
        PacketSpec spec;
        spec.sa = 0x0000554433221102ull;
        spec.vlan = vlan;
        spec.l3 = l3;
        spec.l4 = l4;
        spec.src_ip = {10, 1, 2, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 0};
        spec.dst_ip = {10, 3, 4, 5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
        spec.sport_base = 0x4000;
        spec.dport = 5001;
        PacketBuilder b(spec);
        const unsigned hdr = PacketBuilder::header_bytes(vlan, l3, l4);
        CHECK(b.header_bytes() == hdr);
        std::uint8_t buf[9724];
        for (int i = 0; i < 300; ++i) {
          const unsigned len = hdr + rng() % (9724 - hdr + 1);
          std::memset(buf, 0xA5, sizeof buf);  // stale bytes must not survive
          PacketVars v;
          v.da = 0x0000AABBCCDDEE02ull ^ rng();
          v.src_low = static_cast<std::uint8_t>(rng());
          v.sport = static_cast<std::uint8_t>(rng());
          v.flow = rng() % spec.flows;
          v.dst_add = static_cast<std::uint8_t>(rng() % 100);
          v.ip_id = static_cast<std::uint16_t>(rng());
          const ps_t t = rng();
          b.build(buf, len, v, t);
          INFO("vlan " << vlan << " l3 " << int(l3) << " l4 " << int(l4) << " len " << len);
          REQUIRE(packet_checksums_ok(buf, len));
          REQUIRE(l4_verifies(buf, len));
          const unsigned l3_off = vlan ? 18 : 14;
          if (l3 == L3Kind::ipv4) REQUIRE(ipv4_header_verifies(buf + l3_off));
          ps_t got = 0;
          REQUIRE(read_stamp(buf, len, got) == (len >= hdr + kStampBytes));
          if (len >= hdr + kStampBytes) REQUIRE(got == t);
          // The payload is zero between the headers and the stamp.
          for (unsigned k = hdr; k + kStampBytes < len; ++k) REQUIRE(buf[k] == 0);
          // Re-stamping keeps it valid.
          if (restamp_packet(buf, len, t + 12345)) {
            REQUIRE(read_stamp(buf, len, got));
            REQUIRE(got == t + 12345);
            REQUIRE(l4_verifies(buf, len));
          }
        }
      }
}

TEST_CASE("the packet builder reusing its own last frame's zeros gives the same bytes", "[packet]") {
  std::mt19937 rng(11);
  for (L4Kind l4 : {L4Kind::udp, L4Kind::tcp})
  for (unsigned vlan : {0u, 7u}) {  // untagged IPv4 UDP: stamped from 54 bytes, the stamp written from 58
    PacketSpec spec;
    spec.l4 = l4;
    spec.vlan = vlan;
    PacketBuilder reuse(spec), fresh(spec);
    std::vector<std::uint8_t> a(9724, 0xEE), b(9724);
    unsigned prev = 0;
    for (int i = 0; i < 2000; ++i) {
      // Mostly small and large frames alternating, some shorter than the stamp needs.
      const unsigned hdr = reuse.header_bytes();
      // A quarter of them the previous frame's length again (a wire at one size: the new stamp
      // overwrites the old one, nothing is zeroed).
      const unsigned draw = rng() % 4;
      const unsigned len = draw == 0 && prev ? prev
                           : draw == 1       ? hdr + rng() % 20
                                             : hdr + rng() % (rng() % 2 ? 100 : 9724 - hdr + 1);
      PacketVars v;
      v.da = rng();
      v.flow = rng() % spec.flows;
      const ps_t t = rng();
      reuse.build(a.data(), len, v, t, prev);
      std::fill(b.begin(), b.end(), 0xEE);
      fresh.build(b.data(), len, v, t);
      INFO("frame " << i << " len " << len << " after " << prev);
      REQUIRE(std::equal(a.begin(), a.begin() + len, b.begin()));
      REQUIRE(packet_checksums_ok(a.data(), len));
      prev = len;
    }
  }
}

TEST_CASE("TCP sequence numbers advance per flow by the payload length", "[packet]") {
  PacketSpec spec;
  spec.l4 = L4Kind::tcp;
  PacketBuilder b(spec);
  std::uint8_t buf[200];
  auto seq = [&] { return std::uint32_t{buf[38]} << 24 | buf[39] << 16 | buf[40] << 8 | buf[41]; };
  PacketVars v;
  v.flow = 3;
  b.build(buf, 100, v, 0);
  CHECK(seq() == 1);
  b.build(buf, 150, v, 0);
  CHECK(seq() == 1 + (100 - 54));
  v.flow = 4;
  b.build(buf, 100, v, 0);
  CHECK(seq() == 1);
}

TEST_CASE("the scenario loader refuses frames too small for their headers", "[packet]") {
  CHECK_THROWS_WITH(load_scenario("port0: {wire: {l3: ipv6, frame_sizes: {64: 1}}}", "t"),
                    Catch::Matchers::Contains("port0.wire.frame_sizes.64") &&
                        Catch::Matchers::Contains("at least 66 bytes"));
  CHECK_THROWS_WITH(load_scenario("port0: {vf0: {tx: {load_mbps: 1, frame_bytes: 64, l3: ipv6, l4: tcp}}}", "t"),
                    Catch::Matchers::Contains("port0.vf0.tx.frame_bytes"));
  CHECK_NOTHROW(load_scenario("port0: {wire: {l3: ipv6, frame_sizes: {66: 1}}}", "t"));
}

TEST_CASE("the probe recorder integrates deltas reported out of order and keeps its window", "[probes]") {
  ProbeRecorder r({"a.*"}, {100, 1000});
  const Probe occ = r.declare("a.occupancy", 16, ProbeKind::delta, "");
  const Probe lvl = r.declare("a.level", 8, ProbeKind::level, "");
  const Probe other = r.declare("b.other", 8, ProbeKind::level, "");
  CHECK(!other);
  other.set(500, 1);  // not selected: nothing
  occ.add(50, 10);    // before the window: decides the start value
  occ.add(300, -10);  // booked ahead...
  occ.add(200, 5);    // ...then an earlier change arrives
  lvl.set(90, 7);
  lvl.set(80, 6);     // an earlier set reported later: the later one stands
  lvl.set(400, 9);
  lvl.set(400, 3);    // two at one time: the last
  occ.add(2000, 1);   // after the window: dropped
  const auto v = r.resolve();
  REQUIRE(v.size() == 2 + 3);
  CHECK(v[0].t == 100);
  CHECK(v[0].v == 10);  // occupancy at the window's start
  CHECK(v[1].v == 7);   // level at the window's start
  CHECK((v[2].t == 200 && v[2].v == 15));
  CHECK((v[3].t == 300 && v[3].v == 5));
  CHECK((v[4].t == 400 && v[4].v == 3));
}

TEST_CASE("the probe recorder counts what it cannot keep", "[probes]") {
  ProbeRecorder r({}, {}, 3);
  const Probe p = r.declare("x", 8, ProbeKind::level, "");
  for (int i = 0; i < 10; ++i) p.set(static_cast<ps_t>(i), i);
  CHECK(r.changes() == 3);
  CHECK(r.dropped() == 7);
  CHECK(r.truncated_at() == 3);
}

TEST_CASE("the trace reader names the file and the reason for bad input", "[pcap]") {
  using Catch::Matchers::Contains;
  CHECK_THAT(reader_error("/nonexistent/x.pcap"), Contains("/nonexistent/x.pcap") && Contains("cannot read"));

  const std::string garbage = tmp("garbage.pcap");
  std::ofstream(garbage) << "this is not a capture file at all, not even close";
  CHECK_THAT(reader_error(garbage), Contains("garbage.pcap") && Contains("cannot read"));

  // A good file, then the same file cut in the middle of its third record.
  const std::string good = tmp("good.pcap"), cut = tmp("cut.pcap");
  {
    PcapWriter w(good);
    std::uint8_t f[100] = {};
    for (int i = 0; i < 5; ++i) w.frame(static_cast<ps_t>(i) * 1000000, f, 100, -1);
  }
  {
    PcapReader r(good);
    CHECK(r.frames() == 5);
    CHECK(r.last_time() == 4000000);
  }
  {
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, 24 + 2 * 116 + 40);
  }
  CHECK_THAT(reader_error(cut), Contains("cut.pcap") && Contains("record 3") &&
                                     Contains("byte offset 256") && Contains("truncated"));

  // Another link type.
  const std::string raw = tmp("raw.pcap");
  {
    pcap_t* p = pcap_open_dead(DLT_RAW, 65535);
    pcap_dumper_t* d = pcap_dump_open(p, raw.c_str());
    pcap_pkthdr h{};
    std::uint8_t f[40] = {0x45};
    h.caplen = h.len = 40;
    pcap_dump(reinterpret_cast<u_char*>(d), &h, f);
    pcap_dump_close(d);
    pcap_close(p);
  }
  CHECK_THAT(reader_error(raw), Contains("raw.pcap") && Contains("not Ethernet"));

  // A frame larger than the model holds, a runt record, an empty file.
  const std::string big = tmp("big.pcap"), tiny = tmp("tiny.pcap"), empty = tmp("empty.pcap");
  {
    PcapWriter w(big);
    std::vector<std::uint8_t> f(12000);
    w.frame(0, f.data(), 12000, -1);
  }
  CHECK_THAT(reader_error(big), Contains("record 1") && Contains("larger than the model's largest"));
  {
    PcapWriter w(tiny);
    std::uint8_t f[10] = {};
    w.frame(0, f, 10, -1);
  }
  CHECK_THAT(reader_error(tiny), Contains("shorter than an Ethernet header"));
  { PcapWriter w(empty); }
  CHECK_THAT(reader_error(empty), Contains("no frame"));
  for (const auto& f : {garbage, good, cut, raw, big, tiny, empty}) std::remove(f.c_str());
}

TEST_CASE("the trace reader reads pcapng", "[pcap]") {
  // Section header, an Ethernet interface with nanosecond timestamps, two enhanced packets.
  std::string b;
  auto block = [&](std::uint32_t type, const std::string& body) {
    const auto len = static_cast<std::uint32_t>(12 + body.size());
    put32le(b, type);
    put32le(b, len);
    b += body;
    put32le(b, len);
  };
  std::string shb;
  put32le(shb, 0x1A2B3C4D);
  shb += std::string("\x01\x00\x00\x00", 4);               // version 1.0
  shb += std::string(8, '\xff');                            // section length unknown
  block(0x0A0D0D0A, shb);
  std::string idb;
  put32le(idb, 1);                                          // link type Ethernet, reserved
  put32le(idb, 65535);                                      // snap length
  idb += std::string("\x09\x00\x01\x00\x09\x00\x00\x00", 8);  // if_tsresol = 9 (ns), padded
  idb += std::string(4, '\0');                              // opt_endofopt
  block(1, idb);
  for (int i = 0; i < 2; ++i) {
    std::string epb;
    put32le(epb, 0);                 // interface 0
    const std::uint64_t ts = 1000 + 500u * i;
    put32le(epb, static_cast<std::uint32_t>(ts >> 32));
    put32le(epb, static_cast<std::uint32_t>(ts));
    put32le(epb, 60);
    put32le(epb, 60);
    epb += std::string(60, static_cast<char>(i + 1));
    block(6, epb);
  }
  const std::string path = tmp("t.pcapng");
  std::ofstream(path, std::ios::binary) << b;
  PcapReader r(path);
  CHECK(r.frames() == 2);
  TraceFrame f;
  REQUIRE(r.next(f));
  CHECK(f.t == 1000 * kPsPerNs);
  CHECK(f.len == 60);
  REQUIRE(r.next(f));
  CHECK(f.t == 1500 * kPsPerNs);
  CHECK(f.data[0] == 2);
  CHECK(!r.next(f));
  // Cut inside the second packet block.
  const std::string cut = tmp("cut.pcapng");
  std::ofstream(cut, std::ios::binary) << b.substr(0, b.size() - 30);
  CHECK_THAT(reader_error(cut), Catch::Matchers::Contains("cut.pcapng") && Catch::Matchers::Contains("record 2"));
  std::remove(path.c_str());
  std::remove(cut.c_str());
}
