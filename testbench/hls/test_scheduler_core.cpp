// Directed tests of the Tx arbitration core: the round-robin order, the shares WRR (frames) and
// DWRR (bytes, mixed frame sizes) give backlogged queues against w_i / sum(w) computed here,
// and strict priority starving exactly the lower levels.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "hls/scheduler/scheduler_core.h"

namespace h = iovsim::hls;

namespace {

constexpr unsigned N = 128;

struct Harness {
  h::SchedConfig<N> cfg{};
  h::SchedState<N> st{};
  h::SchedRequest<N> req{};
  Harness(h::SchedPolicy p, unsigned n) {
    cfg.policy = p;
    cfg.num_queues = n;
    cfg.quantum_bytes = 1522;
    for (unsigned q = 0; q < N; ++q) cfg.weight[q] = 1, cfg.priority[q] = 0;
    h::sched_reset(st);
    req.pending.clear_all();
    req.eligible.clear_all();
  }
  void backlog(unsigned q) { req.pending.set(q), req.eligible.set(q); }
  // One decision; the granted queue's frame of `bytes` is charged at the next call.
  int step(unsigned bytes) {
    const h::SchedDecision d = h::arbitrate(cfg, st, req);
    req.charge = d.grant;
    req.charge_queue = d.queue;
    req.charge_bytes = static_cast<uint16_t>(bytes);
    return d.grant ? d.queue : -1;
  }
};

}  // namespace

TEST_CASE("round robin visits the eligible queues in order from the one after the last grant") {
  Harness t(h::SchedPolicy::RoundRobin, 8);
  for (unsigned q : {1u, 3u, 6u}) t.backlog(q);
  std::vector<int> got;
  for (int i = 0; i < 7; ++i) got.push_back(t.step(64));
  CHECK(got == std::vector<int>{1, 3, 6, 1, 3, 6, 1});
  t.req.eligible.clear(3);  // held by its rate controller: skipped, not waited for
  got.clear();
  for (int i = 0; i < 3; ++i) got.push_back(t.step(64));
  CHECK(got == std::vector<int>{6, 1, 6});
  t.req.eligible.clear_all();
  CHECK(t.step(64) == -1);
}

TEST_CASE("WRR gives backlogged queues frame shares w_i / sum(w)") {
  const std::vector<unsigned> w{1, 2, 3, 7, 5, 1};
  Harness t(h::SchedPolicy::Wrr, 16);
  unsigned sum = 0;
  for (unsigned i = 0; i < w.size(); ++i) {
    const unsigned q = 2 * i + 1;  // with idle queues between them
    t.cfg.weight[q] = static_cast<uint16_t>(w[i]);
    t.backlog(q);
    sum += w[i];
  }
  std::vector<double> frames(16);
  const unsigned decisions = 100000;
  for (unsigned i = 0; i < decisions; ++i) frames[static_cast<unsigned>(t.step(64 + (i % 7) * 200))] += 1;
  for (unsigned i = 0; i < w.size(); ++i) {
    const double share = frames[2 * i + 1] / decisions, want = static_cast<double>(w[i]) / sum;
    INFO("queue " << 2 * i + 1 << " weight " << w[i]);
    CHECK(share == Approx(want).epsilon(0.01));
  }
}

TEST_CASE("DWRR gives backlogged queues byte shares w_i / sum(w) with mixed frame sizes") {
  const std::vector<unsigned> w{1, 2, 4, 3};
  // each queue its own mix of frame sizes: queue i's k-th frame is sizes[(i + k) % 5]
  const unsigned sizes[] = {64, 594, 1518, 128, 1024};
  Harness t(h::SchedPolicy::Dwrr, 4);
  t.cfg.quantum_bytes = 1518;
  unsigned sum = 0;
  for (unsigned q = 0; q < w.size(); ++q) t.cfg.weight[q] = static_cast<uint16_t>(w[q]), t.backlog(q), sum += w[q];
  std::vector<double> bytes(4), frames(4);
  std::vector<unsigned> k(4);
  double total = 0;
  for (unsigned i = 0; i < 200000; ++i) {
    const h::SchedDecision d = h::arbitrate(t.cfg, t.st, t.req);
    REQUIRE(d.grant);
    const unsigned q = d.queue, b = sizes[(q + k[q]++) % 5];
    bytes[q] += b, frames[q] += 1, total += b;
    t.req.charge = true, t.req.charge_queue = d.queue, t.req.charge_bytes = static_cast<uint16_t>(b);
  }
  for (unsigned q = 0; q < w.size(); ++q) {
    INFO("queue " << q << " weight " << w[q]);
    CHECK(bytes[q] / total == Approx(static_cast<double>(w[q]) / sum).epsilon(0.01));
  }
  // byte-fair, not frame-fair: with equal weights a queue of small frames sends more frames
  Harness e(h::SchedPolicy::Dwrr, 2);
  e.backlog(0), e.backlog(1);
  std::vector<double> f2(2), b2(2);
  for (unsigned i = 0; i < 50000; ++i) {
    const h::SchedDecision d = h::arbitrate(e.cfg, e.st, e.req);
    const unsigned b = d.queue == 0 ? 64 : 1518;
    f2[d.queue] += 1, b2[d.queue] += b;
    e.req.charge = true, e.req.charge_queue = d.queue, e.req.charge_bytes = static_cast<uint16_t>(b);
  }
  CHECK(b2[0] / (b2[0] + b2[1]) == Approx(0.5).epsilon(0.01));
  CHECK(f2[0] > 20 * f2[1]);
}

TEST_CASE("DWRR: an idle queue banks no credit, and a queue's debt is at most one frame") {
  Harness t(h::SchedPolicy::Dwrr, 2);
  t.cfg.quantum_bytes = 1518;
  t.backlog(0);
  for (int i = 0; i < 100; ++i) CHECK(t.step(64) == 0);  // alone: every grant
  t.backlog(1);
  // queue 1 arrives: queue 0 finishes its positive credit, then they alternate quanta
  std::vector<double> bytes(2);
  for (int i = 0; i < 10000; ++i) bytes[static_cast<unsigned>(t.step(64))] += 64;
  CHECK(bytes[0] / (bytes[0] + bytes[1]) == Approx(0.5).epsilon(0.01));
  for (unsigned q = 0; q < 2; ++q) {
    CHECK(t.st.credit[q] > -1518);
    CHECK(t.st.credit[q] <= 1518);
  }
}

TEST_CASE("strict priority serves the highest eligible level and starves the lower ones") {
  Harness t(h::SchedPolicy::Strict, 8);
  t.cfg.priority[0] = 3, t.cfg.priority[1] = 0, t.cfg.priority[2] = 0, t.cfg.priority[3] = 5;
  t.cfg.priority[4] = 200;  // beyond the levels: the lowest
  for (unsigned q = 0; q < 5; ++q) t.backlog(q);
  std::vector<unsigned> n(8);
  for (int i = 0; i < 1000; ++i) n[static_cast<unsigned>(t.step(64))]++;
  CHECK(n[1] == 500);  // level 0: round robin between its two queues
  CHECK(n[2] == 500);
  CHECK(n[0] + n[3] + n[4] == 0);
  t.req.eligible.clear(1), t.req.eligible.clear(2);  // level 0 rate-limited: level 3 next
  CHECK(t.step(64) == 0);
  t.req.pending.clear(0), t.req.eligible.clear(0);
  CHECK(t.step(64) == 3);
  t.req.pending.clear(3), t.req.eligible.clear(3);
  CHECK(t.step(64) == 4);
  t.req.eligible.set(2);  // the top comes back at once
  CHECK(t.step(64) == 2);
}

TEST_CASE("a queue count of zero or beyond N is clamped, never read out of range") {
  Harness t(h::SchedPolicy::RoundRobin, 0);
  t.backlog(0);
  CHECK(t.step(64) == 0);
  t.cfg.num_queues = 1000;
  t.backlog(N - 1);
  CHECK(t.step(64) == 0);
  CHECK(t.step(64) == static_cast<int>(N - 1));
}

// --- Ets: the 82599's DCB descriptor-plane arbiter --------------------------------------------

namespace {
// Four classes on queues 0..15 (class q / 4, as the 82599's 32 x 4 VT layout numbers them),
// refill and max credit per class in 64-byte credits.
Harness ets_harness(const std::vector<unsigned>& refill, unsigned mcl = 4095) {
  Harness t(h::SchedPolicy::Ets, 16);
  for (unsigned q = 0; q < 16; ++q) h::sched_set_tc(t.cfg, q, q % 4);
  for (unsigned c = 0; c < h::kSchedTcs; ++c) {
    t.cfg.tc_refill[c] = static_cast<uint16_t>(c < refill.size() ? refill[c] : 0);
    t.cfg.tc_max[c] = static_cast<uint16_t>(mcl);
    t.cfg.tc_bwg[c] = static_cast<uint8_t>(c);
    t.cfg.tc_strict[c] = h::TcStrict::None;
  }
  return t;
}
const unsigned kSizes[] = {64, 1518, 594, 128, 1024, 256, 1522, 70};
}  // namespace

TEST_CASE("Ets gives backlogged classes byte shares refill_i / sum(refill) with mixed frame sizes") {
  const std::vector<unsigned> refill{10, 20, 30, 40};
  Harness t = ets_harness(refill);
  for (unsigned q = 0; q < 16; ++q) t.backlog(q);
  std::vector<double> bytes(4);
  std::vector<unsigned> per_queue(16);
  double total = 0;
  unsigned i = 0;
  for (int d = 0; d < 300000; ++d) {
    const unsigned size = kSizes[(i++ * 7 + static_cast<unsigned>(d) / 3) % 8];
    const int q = t.step(size);
    REQUIRE(q >= 0);
    bytes[static_cast<unsigned>(q) % 4] += size;
    per_queue[static_cast<unsigned>(q)]++;
    total += size;
  }
  for (unsigned c = 0; c < 4; ++c) {
    INFO("class " << c);
    CHECK(bytes[c] / total == Approx(refill[c] / 100.0).epsilon(0.01));
  }
  // within a class, round robin over its four queues
  for (unsigned q = 0; q < 16; ++q) CHECK(per_queue[q] == Approx(per_queue[q % 4]).epsilon(0.01));
}

TEST_CASE("Ets serves a link-strict class before all others and an idle class bursts at most its max credit") {
  SECTION("link strict") {
    Harness t = ets_harness({10, 10, 10, 10});
    t.cfg.tc_strict[1] = h::TcStrict::Link;
    for (unsigned q = 0; q < 16; ++q) t.backlog(q);
    for (int d = 0; d < 1000; ++d) CHECK(t.step(1518) % 4 == 1);
    for (unsigned q : {1u, 5u, 9u, 13u}) t.req.eligible.clear(q);  // held: the others share
    std::vector<unsigned> n(4);
    for (int d = 0; d < 3000; ++d) n[static_cast<unsigned>(t.step(1518)) % 4]++;
    CHECK(n[1] == 0);
    CHECK(n[0] == Approx(1000).margin(2));
    CHECK(n[2] == Approx(1000).margin(2));
  }
  SECTION("max credit limit") {
    const unsigned mcl = 100;  // 6,400 bytes
    Harness t = ets_harness({10, 10}, mcl);
    for (unsigned q = 0; q < 16; q += 4) t.backlog(q);  // class 0 only: class 1 banks credit
    for (int d = 0; d < 2000; ++d) CHECK(t.step(1518) % 4 == 0);
    CHECK(t.st.tc_credit[1] == static_cast<int32_t>(mcl * 64));  // capped, not 2000 refills
    for (unsigned q = 1; q < 16; q += 4) t.backlog(q);
    // class 1 (the higher) sends its banked credit in a row: at least mcl x 64 bytes, and at
    // most that, plus one frame (its credit may go negative by the last frame), plus what the
    // refills during the run gave it (a refill comes when class 0 is out of credit as well)
    unsigned run = 0, first_run = 0, refills_at = t.st.refills;
    bool in_first = true;
    for (int d = 0; d < 5000; ++d) {
      const unsigned size = kSizes[static_cast<unsigned>(d) % 8];
      const unsigned refills = t.st.refills;
      const int q = t.step(size);
      CHECK(t.st.tc_credit[1] <= static_cast<int32_t>(mcl * 64));
      if (q % 4 == 1) {
        if (!run) refills_at = refills;
        run += size;
      } else if (run) {
        const unsigned during = t.st.refills - refills_at;
        if (in_first) first_run = run, in_first = false;
        CHECK(run <= mcl * 64 + 1522 + during * 10 * 64);
        run = 0;
      }
    }
    CHECK(first_run >= mcl * 64);
  }
}

TEST_CASE("Ets's group-strict class takes its group's credit before the others of the group") {
  Harness t = ets_harness({20, 20, 60});
  // classes 0 and 1 share bandwidth group 0; class 1 is group strict
  t.cfg.tc_bwg[1] = 0;
  t.cfg.tc_strict[1] = h::TcStrict::Group;
  for (unsigned q = 0; q < 12; ++q) t.backlog(q);
  std::vector<double> bytes(4);
  double total = 0;
  for (int d = 0; d < 200000; ++d) {
    const int q = t.step(1024);
    bytes[static_cast<unsigned>(q) % 4] += 1024;
    total += 1024;
  }
  // the group keeps its 40 %; class 1 spends class 0's credit too, class 2 keeps its 60 %
  CHECK(bytes[2] / total == Approx(0.6).epsilon(0.01));
  CHECK((bytes[0] + bytes[1]) / total == Approx(0.4).epsilon(0.01));
  CHECK(bytes[1] > 1.5 * bytes[0]);
}

TEST_CASE("Ets with the VM arbiter (VMPAC) shares a class's bytes by the queues' credits") {
  Harness t = ets_harness({50, 50});
  t.cfg.vm_wrr = true;
  const std::vector<unsigned> w{3, 0, 0, 0, 9, 0, 0, 0, 12};  // queues 0, 4, 8 of class 0 (RTTDT1C)
  for (unsigned q : {0u, 4u, 8u}) t.cfg.weight[q] = static_cast<uint16_t>(w[q]), t.backlog(q);
  t.backlog(1);
  std::vector<double> bytes(16);
  double cls0 = 0;
  for (int d = 0; d < 200000; ++d) {
    const unsigned size = kSizes[static_cast<unsigned>(d) % 8];
    const int q = t.step(size);
    bytes[static_cast<unsigned>(q)] += size;
    if (q % 4 == 0) cls0 += size;
  }
  CHECK(bytes[0] / cls0 == Approx(3.0 / 24).epsilon(0.01));
  CHECK(bytes[4] / cls0 == Approx(9.0 / 24).epsilon(0.01));
  CHECK(bytes[8] / cls0 == Approx(12.0 / 24).epsilon(0.01));
  CHECK(cls0 / (cls0 + bytes[1]) == Approx(0.5).epsilon(0.01));
}
