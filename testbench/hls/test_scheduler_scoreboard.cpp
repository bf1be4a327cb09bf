// Randomized scoreboard for the Tx arbitration core.
//
// Random configurations (policy, queue count 1..128, weights, quanta, priority levels including
// out-of-range ones) and random request streams (queues gaining and losing work, rate
// controllers holding some back, grants charged with random frame sizes, grants sometimes not
// charged, as when the engine finds the frame's descriptors incomplete) run through
// arbitrate() and through a reference written in this file from the rules in
// hls/scheduler/README.md: it keeps the last granted queue instead of a search pointer, a
// holder and a count of frames sent instead of frames left, std::vector<bool> sets and 64-bit
// credits, and builds each round-robin order as an explicit list. Fixed seeds; at least
// 100,000 decisions; zero mismatches; every policy and both grant outcomes must occur.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "testbench/hls/rng.h"
#include "hls/scheduler/scheduler_core.h"

namespace h = iovsim::hls;

namespace {

constexpr unsigned N = 128;

using iovsim::test::Rng;

// The reference arbiter.
struct Reference {
  h::SchedPolicy policy;
  unsigned n;
  std::vector<unsigned> weight, level;
  long long quantum_bytes;
  std::optional<unsigned> last;            // RoundRobin: last granted queue
  std::optional<unsigned> holder;          // Wrr / Dwrr
  unsigned sent_in_turn = 0;               // Wrr
  std::vector<long long> credit;           // Dwrr
  std::vector<std::optional<unsigned>> level_last;  // Strict

  // queues in round-robin order, starting after `after` (or at 0)
  std::vector<unsigned> order_after(std::optional<unsigned> after) const {
    std::vector<unsigned> o;
    const unsigned first = after ? (*after + 1) % n : 0;
    for (unsigned i = 0; i < n; ++i) o.push_back((first + i) % n);
    return o;
  }

  std::optional<unsigned> decide(const std::vector<bool>& pending, const std::vector<bool>& eligible,
                                 std::optional<std::pair<unsigned, unsigned>> charge) {
    if (policy == h::SchedPolicy::Dwrr && charge) credit[charge->first] -= charge->second;
    switch (policy) {
      case h::SchedPolicy::RoundRobin:
        for (unsigned q : order_after(last))
          if (eligible[q]) return last = q;
        return std::nullopt;
      case h::SchedPolicy::Wrr:
        if (holder && eligible[*holder] && sent_in_turn < weight[*holder]) {
          ++sent_in_turn;
          return holder;
        }
        for (unsigned q : order_after(holder))
          if (eligible[q]) {
            sent_in_turn = 1;
            return holder = q;
          }
        return std::nullopt;
      case h::SchedPolicy::Dwrr: {
        if (holder && eligible[*holder] && credit[*holder] > 0) return holder;
        std::optional<unsigned> first_eligible;
        for (unsigned q : order_after(holder)) {
          if (!pending[q]) {
            credit[q] = std::min(credit[q], 0LL);
            continue;
          }
          if (!eligible[q]) continue;
          const long long quantum = weight[q] * quantum_bytes;
          credit[q] = std::min(credit[q] + quantum, quantum);
          if (!first_eligible) first_eligible = q;
          if (credit[q] > 0) return holder = q;
        }
        if (first_eligible) holder = first_eligible;
        return first_eligible;
      }
      case h::SchedPolicy::Strict: {
        std::optional<unsigned> best;
        for (unsigned q = 0; q < n; ++q)
          if (eligible[q] && (!best || level[q] < *best)) best = level[q];
        if (!best) return std::nullopt;
        for (unsigned q : order_after(level_last[*best]))
          if (eligible[q] && level[q] == *best) return level_last[*best] = q;
        return std::nullopt;
      }
    }
    return std::nullopt;
  }
};

}  // namespace

TEST_CASE("the arbitration core agrees with the reference on random streams") {
  Rng rng(0x5C4ED);
  unsigned long decisions = 0, grants = 0, idle = 0, mismatches = 0;
  unsigned long per_policy[4] = {};
  for (unsigned run = 0; run < 400; ++run) {
    h::SchedConfig<N> cfg{};
    cfg.policy = static_cast<h::SchedPolicy>(run % 4);
    const unsigned n = 1 + (rng.chance(30) ? rng.below(8) : rng.below(N));
    cfg.num_queues = n;
    cfg.quantum_bytes = 1522 + rng.below(3000);
    Reference ref{cfg.policy, n, std::vector<unsigned>(n), std::vector<unsigned>(n),
                  cfg.quantum_bytes, {}, {}, 0, std::vector<long long>(n), {}};
    ref.level_last.resize(h::kSchedLevels);
    for (unsigned q = 0; q < N; ++q) {
      cfg.weight[q] = static_cast<uint16_t>(1 + rng.below(rng.chance(20) ? 60 : 6));
      cfg.priority[q] = static_cast<uint8_t>(rng.chance(5) ? 8 + rng.below(100) : rng.below(h::kSchedLevels));
      if (q < n) {
        ref.weight[q] = cfg.weight[q];
        ref.level[q] = std::min<unsigned>(cfg.priority[q], h::kSchedLevels - 1);
      }
    }
    h::SchedState<N> st{};
    h::sched_reset(st);
    h::SchedRequest<N> req{};
    std::vector<bool> pending(n), eligible(n);
    const unsigned busy = 20 + rng.below(80);  // how often a queue has work, percent
    std::optional<std::pair<unsigned, unsigned>> charge;
    const unsigned steps = 200 + rng.below(400);
    for (unsigned s = 0; s < steps; ++s) {
      // work comes and goes; rate controllers hold some queues back
      for (unsigned q = 0; q < n; ++q) {
        if (rng.chance(10)) pending[q] = rng.chance(busy);
        eligible[q] = pending[q] && !rng.chance(15);
      }
      req.pending.clear_all();
      req.eligible.clear_all();
      for (unsigned q = 0; q < n; ++q) {
        if (pending[q]) req.pending.set(q);
        if (eligible[q]) req.eligible.set(q);
      }
      req.charge = charge.has_value();
      req.charge_queue = static_cast<uint16_t>(charge ? charge->first : 0);
      req.charge_bytes = static_cast<uint16_t>(charge ? charge->second : 0);
      const h::SchedDecision d = h::arbitrate(cfg, st, req);
      const std::optional<unsigned> want = ref.decide(pending, eligible, charge);
      ++decisions;
      ++per_policy[run % 4];
      const bool same = d.grant == want.has_value() && (!d.grant || d.queue == *want);
      if (!same && mismatches++ < 5)
        FAIL_CHECK("run " << run << " step " << s << " policy " << run % 4 << ": core "
                          << (d.grant ? static_cast<int>(d.queue) : -1) << ", reference "
                          << (want ? static_cast<int>(*want) : -1));
      (d.grant ? grants : idle)++;
      charge.reset();
      // the engine sends the granted frame (sometimes it finds it incomplete: no charge)
      if (d.grant && !rng.chance(5)) {
        static const unsigned sizes[] = {64, 65, 128, 594, 1024, 1518, 1522};
        charge = std::make_pair(static_cast<unsigned>(d.queue), sizes[rng.below(7)]);
      }
    }
  }
  INFO("decisions " << decisions << ", grants " << grants << ", none eligible " << idle);
  CHECK(mismatches == 0);
  CHECK(decisions >= 100000);
  CHECK(grants > decisions / 2);
  CHECK(idle > 100);
  for (unsigned long p : per_policy) CHECK(p > 20000);
}
