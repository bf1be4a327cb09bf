// PCIe link arithmetic, checked against numbers worked out by hand from the spec's rates.
#include <catch2/catch.hpp>

#include "model/pcie/link_timing.h"

using namespace iovsim;

TEST_CASE("generation and width give the post-coding byte rate") {
  PcieLinkParams p;
  p.gen = 1, p.lanes = 1;
  CHECK(PcieLinkTiming(p).bytes_per_second() == Approx(250e6));
  p.gen = 2, p.lanes = 4;  // 82576: 5 GT/s x4, 8b/10b -> 2 GB/s
  CHECK(PcieLinkTiming(p).bytes_per_second() == Approx(2e9));
  p.gen = 3, p.lanes = 8;  // 8 GT/s x8, 128b/130b
  CHECK(PcieLinkTiming(p).bytes_per_second() == Approx(8e9 * 8 * 128 / 130 / 8));
}

TEST_CASE("writes split at MPS and pay 24 bytes per TLP") {
  PcieLinkParams p;
  p.max_payload = 256;
  PcieLinkTiming l(p);
  CHECK(l.write_wire_bytes(64) == 64 + 24);
  CHECK(l.write_wire_bytes(256) == 256 + 24);
  CHECK(l.write_wire_bytes(257) == 257 + 48);
  CHECK(l.write_wire_bytes(1514) == 1514 + 6 * 24);
  CHECK(l.completion_wire_bytes(512) == 512 + 2 * 20);
}

TEST_CASE("posted writes queue on the upstream direction") {
  PcieLinkParams p;
  p.gen = 2, p.lanes = 4, p.max_payload = 256;
  PcieLinkTiming l(p);
  // 1000 payload bytes -> 4 TLPs -> 1096 wire bytes at 2 GB/s = 548 ns
  ps_t t1 = l.dma_write(0, 1000);
  CHECK(t1 == 548 * kPsPerNs);
  ps_t t2 = l.dma_write(0, 1000);  // ready at 0 but the link is busy until 548 ns
  CHECK(t2 == 2 * 548 * kPsPerNs);
  CHECK(l.upstream_bytes() == 2 * 1096);
}

TEST_CASE("a read costs the request, the memory latency and the completions") {
  PcieLinkParams p;
  p.gen = 2, p.lanes = 4, p.max_payload = 256, p.max_read_request = 512;
  p.read_latency = 400 * kPsPerNs;
  PcieLinkTiming l(p);
  // request 24 B = 12 ns; +400 ns; completion 16 + 20 = 36 B = 18 ns
  CHECK(l.dma_read(0, 16) == (12 + 400 + 18) * kPsPerNs);
}

TEST_CASE("a timeline fits out-of-order requests into gaps before later bookings") {
  Timeline tl;
  CHECK(tl.reserve(1000, 100) == 1100);    // [1000, 1100)
  CHECK(tl.reserve(5000, 200) == 5200);    // booked ahead: [5000, 5200)
  CHECK(tl.reserve(1050, 100) == 1200);    // queues behind the first: [1100, 1200)
  CHECK(tl.reserve(2000, 3000) == 5000);   // exactly fills the gap up to 5000
  CHECK(tl.reserve(2000, 10) == 5210);     // no gap left before 5200
  CHECK(tl.intervals() == 2);              // [1000, 1200) and [2000, 5210) merged
  CHECK(tl.reserve(0, 500) == 500);        // before everything
  CHECK(tl.busy_total() == 100 + 200 + 100 + 3000 + 10 + 500);
}

TEST_CASE("a booking made ahead on one port does not delay the other port's earlier DMA") {
  PcieLinkParams p;
  p.gen = 2, p.lanes = 4;
  PcieLinkTiming l(p);
  ps_t late = l.dma_write(12 * kPsPerUs, 1514);  // a 1518-byte frame's last byte at 12 us
  CHECK(late > 12 * kPsPerUs);
  // a 64-byte frame of the other port completed at 1 us: served at once
  CHECK(l.dma_write(1 * kPsPerUs, 60) == 1 * kPsPerUs + l.wire_ps(60 + 24));
}
