// The interrupt hardware without a kernel: the MSI-X table and PBA (masking, pending bits, no
// message lost or duplicated, against an independent reference model), the emission rules of
// the cause/mask/throttle registers, and the four drivers' ITR algorithms on directed samples.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "model/host/itr.h"
#include "model/pcie/interrupts.h"
#include "model/pcie/msix.h"
#include "model/regs/register_space.h"

using namespace iovsim;

namespace {

struct Sent {
  unsigned vector;
  std::uint64_t addr;
  std::uint32_t data;
  ps_t at;
  bool operator==(const Sent& o) const {
    return vector == o.vector && addr == o.addr && data == o.data && at == o.at;
  }
};

struct Table {
  explicit Table(unsigned n) : t(n), rs("msix") {
    t.map_registers(rs);
    t.send = [this](unsigned v, std::uint64_t a, std::uint32_t d, ps_t at) { sent.push_back({v, a, d, at}); };
  }
  void entry(unsigned v, std::uint64_t addr, std::uint32_t data) {
    rs.write(16 * v, static_cast<std::uint32_t>(addr));
    rs.write(16 * v + 4, static_cast<std::uint32_t>(addr >> 32));
    rs.write(16 * v + 8, data);
  }
  void mask(unsigned v, bool m) { rs.write(16 * v + 12, m ? 1 : 0); }
  bool pba(unsigned v) {
    std::uint32_t w = 0;
    rs.read(0x2000 + 4 * (v / 32), w);
    return w >> (v % 32) & 1;
  }
  MsixTable t;
  regs::RegisterSpace rs;
  std::vector<Sent> sent;
};

}  // namespace

TEST_CASE("MSI-X: vectors start masked, a masked vector's message waits in the PBA until unmask") {
  Table x(10);
  x.t.set_control(true, false, 0);
  x.entry(3, 0xFEE00000, 0x4041);
  x.t.signal(3, 5);
  CHECK(x.sent.empty());  // masked at reset (vector control bit 0)
  CHECK(x.pba(3));
  x.t.signal(3, 6);       // a second signal while pending: still one pending bit
  x.mask(3, false);        // unmask: the pending message goes, the bit clears
  REQUIRE(x.sent.size() == 1);
  CHECK(x.sent[0] == Sent{3, 0xFEE00000, 0x4041, 0});  // at the access time (no kernel: 0)
  CHECK_FALSE(x.pba(3));
  x.t.signal(3, 9);
  REQUIRE(x.sent.size() == 2);
  CHECK(x.sent[1].at == 9);
  // the Function Mask holds every vector; MSI-X disabled holds them too
  x.t.set_control(true, true, 10);
  x.t.signal(3, 11);
  CHECK(x.pba(3));
  x.t.set_control(false, false, 12);
  CHECK(x.sent.size() == 2);
  x.t.set_control(true, false, 13);
  CHECK(x.sent.size() == 3);
  CHECK(x.sent[2].at == 13);
  // the PBA is read-only
  x.t.signal(4, 14);
  CHECK(x.pba(4));
  x.rs.write(0x2000, 0);
  CHECK(x.pba(4));
  CHECK(x.t.stats().ignored_writes == 1);
}

TEST_CASE("MSI-X under a random burst: no message lost or duplicated, against a reference model") {
  constexpr unsigned n = 64;
  for (unsigned seed : {1u, 2u, 3u}) {
    Table x(n);
    std::mt19937 rng(seed);
    // the reference: the PCIe rules restated (masked = entry mask || function mask || disabled)
    std::vector<bool> entry_masked(n, true), pending(n, false);
    std::vector<std::uint64_t> addr(n);
    std::vector<std::uint32_t> data(n);
    bool enabled = false, fmask = false;
    std::vector<Sent> expect;
    std::uint64_t signals = 0, coalesced = 0;
    const auto masked = [&](unsigned v) { return !enabled || fmask || entry_masked[v]; };
    const auto release_all = [&](ps_t at) {
      for (unsigned v = 0; v < n; ++v)
        if (pending[v] && !masked(v)) {
          pending[v] = false;
          expect.push_back({v, addr[v], data[v], at});
        }
    };
    for (unsigned v = 0; v < n; ++v) {
      addr[v] = 0xFEE00000u | v << 12;
      data[v] = 0x4000 + v;
      x.entry(v, addr[v], data[v]);
    }
    ps_t now = 0;
    for (int step = 0; step < 5000; ++step) {
      now += 100;
      const unsigned v = rng() % n;
      const unsigned op = rng() % 100;
      if (op < 55) {  // a burst of signals on one vector
        for (unsigned k = rng() % 4 + 1; k; --k) {
          x.t.signal(v, now);
          ++signals;
          if (masked(v)) {
            if (pending[v]) ++coalesced;
            pending[v] = true;
          } else {
            expect.push_back({v, addr[v], data[v], now});
          }
        }
      } else if (op < 80) {  // toggle the entry's mask (through the table register)
        entry_masked[v] = !entry_masked[v];
        x.mask(v, entry_masked[v]);
        if (pending[v] && !masked(v)) {
          pending[v] = false;
          expect.push_back({v, addr[v], data[v], 0});
        }
      } else if (op < 88) {
        fmask = !fmask;
        x.t.set_control(enabled, fmask, now);
        release_all(now);
      } else if (op < 94) {
        enabled = !enabled;
        x.t.set_control(enabled, fmask, now);
        release_all(now);
      } else {  // the driver moves the vector (the next message carries the new address/data)
        addr[v] = 0xFEE00000u | (rng() % 256) << 12;
        data[v] = rng() & 0xFFFF;
        x.entry(v, addr[v], data[v]);
      }
      for (unsigned u = 0; u < n; ++u) REQUIRE(x.pba(u) == pending[u]);
    }
    // everything unmasked at the end: every pending message goes
    enabled = true, fmask = false;
    x.t.set_control(true, false, now);
    release_all(now);
    for (unsigned v = 0; v < n; ++v)
      if (entry_masked[v]) {
        entry_masked[v] = false;
        x.mask(v, false);
        if (pending[v]) {
          pending[v] = false;
          expect.push_back({v, addr[v], data[v], 0});
        }
      }
    INFO("seed " << seed);
    REQUIRE(x.sent.size() == expect.size());
    for (std::size_t i = 0; i < expect.size(); ++i) {
      INFO("message " << i);
      CHECK(x.sent[i].vector == expect[i].vector);
      CHECK(x.sent[i].addr == expect[i].addr);
      CHECK(x.sent[i].data == expect[i].data);
    }
    CHECK(x.sent.size() == signals - coalesced);  // one message per signal, but for coalescing
    CHECK(x.t.stats().sent == x.sent.size());
  }
}

namespace {
// One function with 3 vectors: queue 0 Rx on vector 1, auto-clear on every vector.
struct Logic {
  Logic() : x(3), f(3, x.t) {
    x.t.set_control(true, false, 0);
    for (unsigned v = 0; v < 3; ++v) x.mask(v, false);
    f.regs().ivar.assign(2, 0);
    f.regs().ivar[0] = 0x80 | 1;
    f.regs().eitr.assign(3, 0);
    f.regs().interval.assign(3, 0);
    f.regs().auto_clear = 0x7;
  }
  std::vector<ps_t> times() const {
    std::vector<ps_t> t;
    for (const Sent& s : x.sent) t.push_back(s.at);
    return t;
  }
  Table x;
  FunctionInterrupts f;
};
}  // namespace

TEST_CASE("EITR: one message per interval, causes in between ride on the next") {
  Logic l;
  l.f.regs().interval[1] = 100 * kPsPerUs;
  l.f.regs().enabled = 0x2;
  for (ps_t t = 0; t <= 250 * kPsPerUs; t += 10 * kPsPerUs) l.f.raise_queue(0, 0, t);
  // 0 at once, then the end of each interval (the last carries the causes of 210..250 us)
  CHECK(l.times() == std::vector<ps_t>{0, 100 * kPsPerUs, 200 * kPsPerUs, 300 * kPsPerUs});
  CHECK(l.f.stats().throttled == 3);
  CHECK(l.f.stats().messages == 4);
  // an interval of 0: every cause is a message
  Logic m;
  m.f.regs().enabled = 0x2;
  for (ps_t t = 0; t < 5; ++t) m.f.raise_queue(0, 0, t);
  CHECK(m.x.sent.size() == 5);
}

TEST_CASE("EIMS/EIAM: a cause raised while its vector is disabled fires when enabled, auto-mask") {
  Logic l;
  l.f.raise_queue(0, 0, 10);  // disabled: the cause stays pending, no message
  CHECK(l.x.sent.empty());
  CHECK(l.f.regs().cause == 0x2);
  l.f.regs().enabled = 0x2;   // EIMS: the rising edge of EICR & EIMS sends it
  l.f.regs().changed(20);
  CHECK(l.times() == std::vector<ps_t>{20});
  // GPIE.EIAME with EIAM: emission clears the enable; nothing until the driver re-arms
  l.f.regs().auto_mask_enable = true;
  l.f.regs().auto_mask = 0x2;
  l.f.raise_queue(0, 0, 30);
  CHECK(l.x.sent.size() == 2);
  CHECK(l.f.regs().enabled == 0);
  l.f.raise_queue(0, 0, 40);
  CHECK(l.x.sent.size() == 2);
  l.f.regs().enabled = 0x2;
  l.f.regs().changed(50);
  CHECK(l.times() == std::vector<ps_t>{20, 30, 50});
  // an unmapped queue raises nothing
  l.f.raise_queue(1, 0, 60);
  CHECK(l.x.sent.size() == 3);
}

TEST_CASE("EITR with a deferring owner: a held message is handed over with its due time") {
  Logic l;
  std::vector<std::pair<unsigned, ps_t>> held;
  l.f.signal_later = [&held](unsigned v, ps_t at) { held.push_back({v, at}); };
  l.f.regs().interval[1] = 100;
  l.f.regs().enabled = 0x2;
  l.f.raise_queue(0, 0, 0);   // not throttled: straight to the table
  l.f.raise_queue(0, 0, 40);  // throttled: to the owner, due at 100
  l.f.raise_queue(0, 0, 60);  // carried by the held one
  CHECK(l.times() == std::vector<ps_t>{0});
  CHECK(held == std::vector<std::pair<unsigned, ps_t>>{{1, 100}});
}

TEST_CASE("ITR algorithms on directed samples (the drivers' formulas)") {
  // igb_update_ring_itr: average wire size (skb bytes + 24), /3 between 300 and 1200, else /2;
  // conservative: no lower than IGB_20K_ITR (196).
  auto igb = make_itr_policy(Family::i82576, false, ItrMode::dynamic, 0, 1, true);
  CHECK(igb->itr() == 648);  // IGB_START_ITR
  CHECK(igb->update({64 * 60, 64, 0, 0}, 0));
  CHECK(igb->itr() == 42);   // (60 + 24) / 2
  igb->update({10 * 600, 10, 0, 0}, 0);
  CHECK(igb->itr() == 208);  // 624 / 3
  igb->update({10 * 1514, 10, 0, 0}, 0);
  CHECK(igb->itr() == 769);  // 1538 / 2
  CHECK_FALSE(igb->update({}, 0));  // no packets: unchanged
  auto igb3 = make_itr_policy(Family::i82576, false, ItrMode::conservative, 0, 1, true);
  igb3->update({64 * 60, 64, 0, 0}, 0);
  CHECK(igb3->itr() == 196);
  auto slow = make_itr_policy(Family::i82576, false, ItrMode::dynamic, 0, 0.1, true);
  slow->update({64 * 60, 64, 0, 0}, 0);
  CHECK(slow->itr() == 980);  // below 1 Gb/s: IGB_4K_ITR
  auto fixed = make_itr_policy(Family::i82576, false, ItrMode::fixed, 100, 1, true);
  CHECK(fixed->itr() == 400);
  CHECK_FALSE(fixed->update({64 * 60, 64, 0, 0}, 0));

  // igbvf_set_itr: the range is computed from the register value, so the value climbs to
  // IGBVF_START_ITR (488) in steps of a quarter (the bias towards bulk) and stays there.
  auto vf_off = make_itr_policy(Family::i82576, true, ItrMode::off, 0, 1, true);
  CHECK(vf_off->itr() == 4);
  std::vector<std::uint32_t> steps;
  for (int i = 0; i < 5; ++i) {
    vf_off->update({64 * 60, 64, 0, 0}, 0);
    steps.push_back(vf_off->itr());
  }
  CHECK(steps == std::vector<std::uint32_t>{126, 248, 370, 488, 488});
  auto vf3 = make_itr_policy(Family::i82576, true, ItrMode::conservative, 0, 1, true);
  CHECK(vf3->itr() == 488);
  CHECK_FALSE(vf3->update({64 * 60, 64, 0, 0}, 0));

  // ixgbe_update_itr at 1 Gb/s: 300 packets of 60 bytes is bulk (5120 -> 80 us); the idle Tx
  // side stays in latency mode and does not win.
  auto ixgbe = make_itr_policy(Family::i82599, false, ItrMode::dynamic, 0, 1, true);
  CHECK(ixgbe->itr() == 200);  // IXGBE_20K_ITR
  CHECK(ixgbe->update({300 * 60, 300, 0, 0}, kPsPerMs));
  CHECK(ixgbe->itr() == 320);

  // ixgbevf_update_itr: 3028 bytes/us moves low -> bulk (12K_ITR = 336), smoothed from 200:
  // 10 * 336 * 200 / (9 * 336 + 200) = 208.
  auto vf = make_itr_policy(Family::i82599, true, ItrMode::dynamic, 0, 1, true);
  CHECK(vf->itr() == 200);
  CHECK(vf->update({100 * 1514, 100, 0, 0}, 0));
  CHECK(vf->itr() == 208);
  auto vf_fixed = make_itr_policy(Family::i82599, true, ItrMode::fixed, 100, 1, true);
  CHECK(vf_fixed->itr() == 400);
}
