// PCIe link arithmetic, checked against numbers worked out by hand from the spec's rates and
// against the pcie-bench model (Neugebauer et al., SIGCOMM 2018; github pcie-bench/pcie-model,
// run for this table: docs/validation.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include "model/core/quantum_keeper.h"
#include "model/pcie/link_timing.h"

using namespace iovsim;

namespace {
constexpr std::uint64_t kHigh = 1ull << 32;  // at or above 4 GB: 4 DW headers
}

TEST_CASE("generation and width give the post-coding byte rate") {
  PcieLinkParams p;
  p.gen = 1, p.lanes = 1;
  CHECK(PcieLinkTiming(p).bytes_per_second() == Approx(250e6));
  p.gen = 2, p.lanes = 4;  // 5 GT/s x4, 8b/10b -> 2 GB/s
  CHECK(PcieLinkTiming(p).bytes_per_second() == Approx(2e9));
  p.gen = 3, p.lanes = 8;  // 8 GT/s x8, 128b/130b
  CHECK(PcieLinkTiming(p).bytes_per_second() == Approx(8e9 * 8 * 128 / 130 / 8));
}

TEST_CASE("TLP headers: 3 DW below 4 GB, 4 DW above, writes split at MPS and 4 KB") {
  PcieLinkParams p;
  p.max_payload = 256;
  PcieLinkTiming l(p);
  CHECK(l.write_wire_bytes(kHigh, 64) == 64 + 24);
  CHECK(l.write_wire_bytes(0x1000, 64) == 64 + 20);  // 12-byte header + 8 framing
  CHECK(l.write_wire_bytes(kHigh, 256) == 256 + 24);
  CHECK(l.write_wire_bytes(kHigh, 257) == 257 + 48);
  unsigned n = 0;
  CHECK(l.write_wire_bytes(kHigh, 1514, &n) == 1514 + 6 * 24);
  CHECK(n == 6);
  // 200 bytes starting 100 bytes before a 4 KB boundary: two TLPs although < MPS
  CHECK(l.write_wire_bytes(kHigh + 4096 - 100, 200, &n) == 200 + 2 * 24);
  CHECK(n == 2);
  // read requests: MRRS 512 and 4 KB
  CHECK(l.read_request_wire_bytes(kHigh, 1514, &n) == 3 * 24);
  CHECK(n == 3);
  CHECK(l.read_request_wire_bytes(0x2000 - 16, 32, &n) == 2 * 20);
}

TEST_CASE("read completions split on RCB-aligned addresses, at most MPS each") {
  PcieLinkParams p;
  p.max_payload = 256, p.rcb = 64;
  PcieLinkTiming l(p);
  unsigned n = 0;
  CHECK(l.completion_wire_bytes(0, 512, &n) == 512 + 2 * 20);  // aligned: two of 256
  CHECK(n == 2);
  // 512 bytes from 0x30: 0x30-0x100 (208), 0x100-0x200, 0x200-0x230
  CHECK(l.completion_wire_bytes(0x30, 512, &n) == 512 + 3 * 20);
  CHECK(n == 3);
  CHECK(l.completion_wire_bytes(0x30, 16, &n) == 16 + 20);
  CHECK(n == 1);
  // 16 descriptors from index 3 of a ring, 0x30..0x130: within MPS, one completion may
  // cross RCB lines (only a split must end on one)
  CHECK(l.completion_wire_bytes(0x30, 256, &n) == 256 + 20);
  CHECK(l.completion_wire_bytes(0x30, 257, &n) == 257 + 2 * 20);  // 0x30-0x100, 0x100-0x131
  p.completions_at_rcb = true;  // a root that returns one completion per 64 bytes
  PcieLinkTiming r(p);
  CHECK(r.completion_wire_bytes(0, 512, &n) == 512 + 8 * 20);
  CHECK(r.completion_wire_bytes(0x30, 100, &n) == 100 + 3 * 20);  // 0x30-0x40-0x80-0x94
}

TEST_CASE("ACK, UpdateFC and SKIP take the spec's share of a busy direction") {
  // The share pcie-bench gives TLPs: 1 - 8/AckLimit - 8/FCLimit - 4/1538, with the spec's
  // Ack latency limits (PCIe Base 3.0 Tables 3-7 to 3-9).
  struct Case {
    unsigned gen, lanes, mps, ack;
    double tlp_gbps;  // pcie-bench TLP_bw, Gb/s
  };
  const Case cases[] = {{2, 4, 128, 124, 13.89}, {2, 4, 256, 169, 14.44}, {2, 8, 128, 118, 27.58},
                        {2, 8, 256, 158, 28.68}, {3, 8, 128, 163, 56.67}, {3, 8, 256, 203, 57.88},
                        {1, 4, 128, 73, 6.23},   {1, 4, 256, 118, 6.89}};
  for (const Case& c : cases) {
    CAPTURE(c.gen, c.lanes, c.mps);
    CHECK(spec_ack_limit(c.gen, c.lanes, c.mps) == c.ack);
    PcieLinkParams p;
    p.gen = c.gen, p.lanes = c.lanes, p.max_payload = c.mps;
    PcieLinkTiming l(p);
    const double share = 1 - 8.0 / c.ack - 8.0 / c.ack - 4.0 / 1538;
    CHECK(l.tlp_share() == Approx(share));
    CHECK(l.bytes_per_second() * 8 * l.tlp_share() / 1e9 == Approx(c.tlp_gbps).epsilon(0.001));
  }
  PcieLinkParams p;
  p.ack_interval = 1000, p.update_fc_interval = 2000;  // a scenario's own DLLP intervals
  CHECK(PcieLinkTiming(p).tlp_share() == Approx(1 - 0.008 - 0.004 - 4.0 / 1538));
  p.lanes = 12, p.ack_interval = 0;  // no table entry for x12: the intervals must be given
  CHECK_THROWS(PcieLinkTiming(p));
}

TEST_CASE("posted writes queue on the upstream direction") {
  PcieLinkParams p;
  p.gen = 2, p.lanes = 4, p.max_payload = 256;
  PcieLinkTiming l(p);
  // 1000 payload bytes -> 4 TLPs -> 1096 wire bytes at 2 GB/s, stretched by the DLLP share
  const ps_t one = l.wire_ps(1096);
  CHECK(one == static_cast<ps_t>(std::llround(548e3 / l.tlp_share())));
  CHECK(l.dma_write(0, kHigh, 1000) == one);
  CHECK(l.dma_write(0, kHigh, 1000) == 2 * one);  // ready at 0, the link busy until `one`
  CHECK(l.upstream_bytes() == 2 * 1096);
  CHECK(l.upstream().bytes_by_kind[static_cast<unsigned>(TlpKind::Data)] == 2 * 1096);
}

TEST_CASE("a read costs the request, the memory latency and the completions") {
  PcieLinkParams p;
  p.gen = 2, p.lanes = 4, p.max_payload = 256, p.max_read_request = 512;
  p.read_latency = 400 * kPsPerNs;
  PcieLinkTiming l(p);
  // request 24 B, +400 ns, completion 16 + 20 = 36 B
  CHECK(l.dma_read(0, kHigh, 16, TlpKind::Descriptor) == l.wire_ps(24) + 400 * kPsPerNs + l.wire_ps(36));
  CHECK(l.downstream().bytes_by_kind[static_cast<unsigned>(TlpKind::Descriptor)] == 36);
}

TEST_CASE("read tags bound the reads in flight") {
  PcieLinkParams p;
  p.gen = 3, p.lanes = 8, p.read_tags = 4, p.read_latency = 1000 * kPsPerNs;
  PcieLinkTiming l(p);
  ps_t last = 0;
  for (int i = 0; i < 4; ++i) last = l.dma_read(0, kHigh, 64);
  CHECK(last < 1100 * kPsPerNs);      // four tags: all four in flight at once
  const ps_t fifth = l.dma_read(0, kHigh, 64);
  CHECK(fifth > 2000 * kPsPerNs);     // the fifth waits for the first completion
  CHECK(l.read_tags().stalls() == 1);
}

TEST_CASE("read tags booked ahead: a later read does not hold back an earlier one, an early return is not held behind an older one") {
  PcieLinkParams p;
  p.gen = 3, p.lanes = 8, p.read_tags = 4, p.read_latency = 1000 * kPsPerNs;
  PcieLinkTiming l(p);
  const ps_t ahead = 50 * kPsPerUs;  // an engine books four reads for later (its buffer's room)
  for (int i = 0; i < 4; ++i) l.dma_read(ahead, kHigh, 64);
  const ps_t now = l.dma_read(0, kHigh, 64);  // at 0 no tag is taken yet
  CHECK(now < 1100 * kPsPerNs);
  CHECK(l.read_tags().stalls() == 0);
  const ps_t during = l.dma_read(ahead + 10 * kPsPerNs, kHigh, 64);  // then all four are
  CHECK(during > ahead + 1000 * kPsPerNs);
  CHECK(l.read_tags().stalls() == 1);
}

TEST_CASE("credit gate: a request counts the grants held at its time, in two pools") {
  CreditGate g(2);
  g.hold(1, 100, 200);
  g.hold(1, 100, 200);           // both from 100 to 200
  CHECK(g.admit(10, 1) == 10);   // at 10 none is held
  CHECK(g.stalls() == 0);
  CHECK(g.admit(150, 1) == 200); // at 150 both are
  CHECK(g.stalls() == 1);
  CreditGate h(2);
  h.hold(1, 0, 500);
  h.hold(1, 0, 100);
  CHECK(h.admit(50, 1) == 100);  // the younger grant returns first
  CreditGate d(4, 16);           // headers and data
  d.hold(1, 0, 300, 16);
  CHECK(d.admit(0, 1, 1) == 300);  // no data credit until the grant returns
  CHECK(d.admit(0, 1, 0) == 0);    // a header alone fits
}

TEST_CASE("posted credits bound the writes in flight") {
  PcieLinkParams p;
  p.gen = 3, p.lanes = 8, p.posted_header_credits = 2, p.credit_return = 5000 * kPsPerNs;
  PcieLinkTiming l(p);
  l.dma_write(0, kHigh, 64);
  const ps_t second = l.dma_write(0, kHigh, 64);
  CHECK(second < 100 * kPsPerNs);
  const ps_t third = l.dma_write(0, kHigh, 64);  // waits for the first's UpdateFC
  CHECK(third > 5000 * kPsPerNs);
  PcieLinkParams q;
  q.posted_data_credits = 16;  // 256 bytes of data credits
  PcieLinkTiming m(q);
  m.dma_write(0, kHigh, 256);
  CHECK(m.dma_write(0, kHigh, 16) > q.credit_return);
}

TEST_CASE("effective DMA bandwidth within 2 % of the pcie-bench model") {
  // pcie-bench/pcie-model (pcie_bw.py defaults: 64-bit addresses, MRRS 512, no ECRC, completions
  // at MPS): Gb/s of payload for back-to-back transfers of one size. The independent column:
  // TLP_bw x S / (S + TLPs x header) by hand.
  struct Case {
    unsigned gen, lanes, mps, size;
    double write_gbps, read_gbps;  // pcie-bench's output
  };
  const Case cases[] = {
      {2, 4, 128, 64, 10.10, 10.59},   {2, 4, 128, 1500, 11.66, 11.98},
      {2, 4, 256, 64, 10.50, 11.00},   {2, 4, 256, 1500, 13.18, 13.37},
      {2, 8, 128, 64, 20.06, 21.01},   {2, 8, 128, 1500, 23.14, 23.77},
      {2, 8, 256, 64, 20.86, 21.85},   {2, 8, 256, 1500, 26.16, 26.55},
      {3, 8, 128, 64, 41.21, 43.17},   {3, 8, 128, 1500, 47.54, 48.85},
      {3, 8, 256, 64, 42.10, 44.10},   {3, 8, 256, 1500, 52.81, 53.60},
  };
  for (const Case& c : cases) {
    CAPTURE(c.gen, c.lanes, c.mps, c.size);
    PcieLinkParams p;
    p.gen = c.gen, p.lanes = c.lanes, p.max_payload = c.mps;
    p.read_latency = 0, p.read_tags = 256, p.credit_return = 0;
    p.posted_header_credits = 4096, p.posted_data_credits = 65536, p.nonposted_header_credits = 4096;
    PcieLinkTiming l(p), lr(p);  // a write stream and a read stream, each on its own link
    const unsigned n = 2000;
    ps_t wr = 0, rd = 0;
    for (unsigned i = 0; i < n; ++i) {
      const std::uint64_t a = kHigh + std::uint64_t{i} * 8192;  // aligned, no 4 KB crossing
      wr = l.dma_write(0, a, c.size);
      rd = lr.dma_read(0, a, c.size);
    }
    const double write = n * c.size * 8.0 / (static_cast<double>(wr) / 1e12) / 1e9;
    const double read = n * c.size * 8.0 / (static_cast<double>(rd) / 1e12) / 1e9;
    CHECK(write == Approx(c.write_gbps).epsilon(0.02));
    CHECK(read == Approx(c.read_gbps).epsilon(0.02));
    // by hand
    const double tlp_gbps = l.bytes_per_second() * 8 * (1 - 16.0 / spec_ack_limit(c.gen, c.lanes, c.mps) - 4.0 / 1538) / 1e9;
    const double wr_tlps = std::ceil(c.size / static_cast<double>(c.mps));
    const double rd_cpls = std::ceil(c.size / static_cast<double>(c.mps));
    CHECK(write == Approx(tlp_gbps * c.size / (c.size + 24 * wr_tlps)).epsilon(0.005));
    CHECK(read == Approx(tlp_gbps * c.size / (c.size + 20 * rd_cpls)).epsilon(0.005));
  }
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

TEST_CASE("a timeline with many gaps finds the first that fits, by bisection") {
  Timeline tl;
  for (ps_t i = 0; i < 1000; ++i) tl.reserve(i * 100, 50);  // [100i, 100i + 50)
  CHECK(tl.intervals() == 1000);
  CHECK(tl.reserve(50'000, 50) == 50'100);   // lands in the gap [50050, 50100)
  CHECK(tl.reserve(50'000, 60) == 100'010);  // no 50-ps gap holds 60: after the last booking
  CHECK(tl.reserve(10'060, 40) == 10'100);   // an early gap still takes a short request
  CHECK(tl.reserve(99'990, 5) == 100'015);   // past the end
}

TEST_CASE("a timeline forgets exactly the reservations that ended before a time") {
  // Every count of stale reservations from none to all, behind 1, 2, 3 and 300 bookings (the
  // gallop's steps and the bisection after them), and the ring's start moved on meanwhile.
  for (unsigned n : {1u, 2u, 3u, 300u}) {
    for (unsigned stale = 0; stale <= n; ++stale) {
      Timeline tl;
      for (unsigned i = 0; i < 50; ++i) tl.reserve(i * 100, 50);  // moves the ring's start
      tl.forget_before(100'000);
      REQUIRE(tl.intervals() == 0);
      const ps_t base = 1'000'000;
      for (ps_t i = 0; i < n; ++i) tl.reserve(base + i * 100, 50);  // [base + 100i, base + 100i + 50)
      // ends before base + 100 * stale: exactly `stale` of them (the next one ends at +50 of it)
      tl.forget_before(base + 100 * static_cast<ps_t>(stale));
      CHECK(tl.intervals() == n - stale);
      tl.forget_before(base + 100 * static_cast<ps_t>(stale));  // again: nothing more
      CHECK(tl.intervals() == n - stale);
      if (stale < n) {  // the first kept is the stale-th: a request there queues behind it
        CHECK(tl.reserve(base + 100 * stale, 50) == base + 100 * stale + 100);
      }
    }
  }
}

namespace {
// A reference for the timeline, written for clarity: a sorted vector of disjoint intervals, a
// linear scan for the first gap at or after `ready` that holds the request, merging with the
// neighbours it touches, and at most kCapacity intervals (the oldest dropped first).
struct NaiveTimeline {
  std::vector<std::pair<ps_t, ps_t>> iv;
  ps_t reserve(ps_t ready, ps_t d) {
    ps_t start = ready;
    std::size_t i = 0;
    while (i < iv.size() && iv[i].second <= start) ++i;  // intervals that ended by then
    for (; i < iv.size(); ++i) {
      if (start + d <= iv[i].first) break;
      start = std::max(start, iv[i].second);
    }
    const ps_t end = start + d;
    const bool prev = i > 0 && iv[i - 1].second == start, next = i < iv.size() && iv[i].first == end;
    if (prev && next) {
      iv[i - 1].second = iv[i].second;
      iv.erase(iv.begin() + static_cast<long>(i));
    } else if (prev) {
      iv[i - 1].second = end;
    } else if (next) {
      iv[i].first = start;
    } else {
      if (iv.size() == Timeline::kCapacity) {
        iv.erase(iv.begin());
        --i;
      }
      iv.insert(iv.begin() + static_cast<long>(i), {start, end});
    }
    return end;
  }
  void forget_before(ps_t t) {
    std::size_t n = 0;
    while (n < iv.size() && iv[n].second < t) ++n;
    iv.erase(iv.begin(), iv.begin() + static_cast<long>(n));
  }
};
}  // namespace

TEST_CASE("randomized: a timeline books as a naive reference does, through drift, overflow and out-of-order requests") {
  // Requests at a moving "now", some far behind the bookings made ahead, some ahead; the
  // front forgotten now and then (the ring's start moves on and wraps round), and a stretch
  // without forgetting so that the capacity rule drops the oldest.
  Timeline tl;
  NaiveTimeline ref;
  std::mt19937_64 rng(77);
  ps_t now = 0;
  unsigned most = 0;
  for (int n = 0; n < 200000; ++n) {
    now += rng() % 40'000;
    const ps_t ready = rng() % 4 == 0 ? (now > 500'000 ? now - rng() % 500'000 : 0) : now + rng() % 2'000'000;
    const ps_t d = 1 + rng() % 30'000;
    const ps_t a = tl.reserve(ready, d), b = ref.reserve(ready, d);
    REQUIRE(a == b);
    REQUIRE(tl.intervals() == ref.iv.size());
    most = std::max(most, tl.intervals());
    if (n % 64 == 0 && (n < 100'000 || n > 160'000)) {
      const ps_t t = now > 3'000'000 ? now - 3'000'000 : 0;
      tl.forget_before(t);
      ref.forget_before(t);
    }
  }
  CHECK(most == Timeline::kCapacity);  // the overflow rule was exercised
}

TEST_CASE("a booking made ahead on one port does not delay the other port's earlier DMA") {
  PcieLinkParams p;
  p.gen = 2, p.lanes = 4;
  PcieLinkTiming l(p);
  ps_t late = l.dma_write(12 * kPsPerUs, kHigh, 1514);  // a 1518-byte frame's last byte at 12 us
  CHECK(late > 12 * kPsPerUs);
  // a 64-byte frame of the other port completed at 1 us: served at once
  CHECK(l.dma_write(1 * kPsPerUs, kHigh, 60) == 1 * kPsPerUs + l.wire_ps(60 + 24));
}

// The model's quantum keeper reads kernel time inline; the library's tlm_quantumkeeper is
// the reference: driven alike (local times, syncs, resets, waits outside either keeper), both
// must answer need_sync() and get_current_time() alike at every step.
namespace {
struct KeeperPair : sc_core::sc_module {
  std::uint64_t checks = 0, syncs = 0, mismatches = 0, at_boundary = 0;
  explicit KeeperPair(sc_core::sc_module_name n) : sc_module(n) {
    SC_HAS_PROCESS(KeeperPair);
    SC_THREAD(run);
  }
  void run() {
    iovsim::QuantumKeeper ours;
    tlm_utils::tlm_quantumkeeper ref;
    ours.reset(), ref.reset();
    std::mt19937_64 rng(99);
    std::uniform_int_distribution<unsigned> what(0, 9);
    std::uniform_int_distribution<std::uint64_t> step(0, 4000000);  // up to 4 us, in ps
    for (int i = 0; i < 20000; ++i) {
      switch (what(rng)) {
        case 0:  // a wait of the process, outside both keepers (a driver asleep)
          wait(iovsim::to_sc(step(rng)));
          break;
        case 1:
          ours.reset(), ref.reset();
          break;
        case 2: {  // exactly at the next quantum boundary
          const sc_core::sc_time d = tlm::tlm_global_quantum::instance().compute_local_quantum();
          ours.set(d), ref.set(d);
          ++at_boundary;
          break;
        }
        default: {  // an access: the local time moves on
          const sc_core::sc_time d = iovsim::to_sc(step(rng));
          ours.inc(d), ref.inc(d);
        }
      }
      ++checks;
      if (ours.need_sync() != ref.need_sync() || ours.get_current_time() != ref.get_current_time() ||
          ours.get_local_time() != ref.get_local_time())
        ++mismatches;
      if (ref.need_sync()) {  // both sync: one wait, then both reset
        ++syncs;
        ref.sync();
        ours.reset();
      }
    }
  }
};
}  // namespace

TEST_CASE("the model's quantum keeper answers as TLM-2.0's, through syncs, resets and outside waits") {
  iovsim::require_ps_resolution();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(10, sc_core::SC_US));
  KeeperPair k("keepers");
  sc_core::sc_start();
  CHECK(k.checks == 20000);
  CHECK(k.syncs > 1000);  // the quantum was crossed often
  CHECK(k.at_boundary > 1000);
  CHECK(k.mismatches == 0);
}
