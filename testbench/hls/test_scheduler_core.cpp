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
