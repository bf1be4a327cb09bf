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
  h::SchedPolicy policy = h::SchedPolicy::RoundRobin;
  unsigned n = 0;
  std::vector<unsigned> weight, level;
  long long quantum_bytes = 0;
  std::optional<unsigned> last;            // RoundRobin: last granted queue
  std::optional<unsigned> holder;          // Wrr / Dwrr
  unsigned sent_in_turn = 0;               // Wrr
  std::vector<long long> credit;           // Dwrr
  std::vector<std::optional<unsigned>> level_last;  // Strict
  // Ets: classes by queue, per class credit (64-bit), refill and max in bytes, group,
  // strictness; the VM arbiter's per-queue credits; each class's last grant.
  std::vector<unsigned> tc;
  long long tc_credit[8] = {}, tc_refill[8] = {}, tc_max[8] = {};
  unsigned tc_bwg[8] = {};
  h::TcStrict tc_strict[8] = {};
  bool vm_wrr = false;
  std::optional<unsigned> tc_last[8];

  bool group_has_credit(unsigned t) const {
    for (unsigned u = 0; u < 8; ++u)
      if (tc_bwg[u] == tc_bwg[t] && tc_credit[u] > 0) return true;
    return false;
  }
  bool may_send(unsigned t) const {
    return tc_credit[t] > 0 || (tc_strict[t] == h::TcStrict::Group && group_has_credit(t));
  }
  bool refills_help(unsigned t) const {  // a refill can make class t a candidate
    for (unsigned u = 0; u < 8; ++u)
      if ((u == t || (tc_strict[t] == h::TcStrict::Group && tc_bwg[u] == tc_bwg[t])) && tc_refill[u] > 0 &&
          tc_max[u] > 0)
        return true;
    return false;
  }
  // Within class t: round robin, or the VM arbiter, refilling one round at a time.
  unsigned ets_queue(unsigned t, const std::vector<bool>& eligible) {
    std::vector<unsigned> mine;
    for (unsigned q : order_after(tc_last[t]))
      if (eligible[q] && tc[q] == t) mine.push_back(q);
    if (!vm_wrr) return *(tc_last[t] = mine.front());
    if (tc_last[t] && eligible[*tc_last[t]] && tc[*tc_last[t]] == t && credit[*tc_last[t]] > 0) return *tc_last[t];
    for (;;) {
      for (unsigned q : mine)
        if (credit[q] > 0) return *(tc_last[t] = q);
      for (unsigned q : mine) credit[q] = std::min(credit[q] + 64LL * weight[q], 64LL * weight[q]);
    }
  }
  std::optional<unsigned> decide_ets(const std::vector<bool>& eligible,
                                     std::optional<std::pair<unsigned, unsigned>> charge) {
    if (charge) {
      unsigned t = tc[charge->first];
      if (tc_strict[t] == h::TcStrict::Group && tc_credit[t] <= 0)
        for (unsigned u = 0; u < 8; ++u)
          if (u != t && tc_bwg[u] == tc_bwg[t] && tc_credit[u] > 0) {
            t = u;
            break;
          }
      if (tc_strict[t] != h::TcStrict::Link) tc_credit[t] -= charge->second;
      if (vm_wrr) credit[charge->first] -= charge->second;
    }
    bool any[8] = {};
    for (unsigned q = 0; q < n; ++q)
      if (eligible[q]) any[tc[q]] = true;
    for (int t = 7; t >= 0; --t)
      if (any[t] && tc_strict[t] == h::TcStrict::Link) return ets_queue(static_cast<unsigned>(t), eligible);
    for (;;) {
      for (int t = 7; t >= 0; --t)
        if (any[t] && may_send(static_cast<unsigned>(t))) return ets_queue(static_cast<unsigned>(t), eligible);
      bool helps = false;
      for (unsigned t = 0; t < 8; ++t) helps = helps || (any[t] && refills_help(t));
      if (!helps) break;
      for (unsigned t = 0; t < 8; ++t) tc_credit[t] = std::max(tc_credit[t], std::min(tc_credit[t] + tc_refill[t], tc_max[t]));
    }
    for (int t = 7; t >= 0; --t)
      if (any[t]) return ets_queue(static_cast<unsigned>(t), eligible);
    return std::nullopt;
  }

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
      case h::SchedPolicy::Ets: return decide_ets(eligible, charge);
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
  unsigned long per_policy[5] = {};
  for (unsigned run = 0; run < 500; ++run) {
    h::SchedConfig<N> cfg{};
    cfg.policy = static_cast<h::SchedPolicy>(run % 5);
    const unsigned n = 1 + (rng.chance(30) ? rng.below(8) : rng.below(N));
    cfg.num_queues = n;
    cfg.quantum_bytes = 1522 + rng.below(3000);
    Reference ref;
    ref.policy = cfg.policy;
    ref.n = n;
    ref.weight.resize(n);
    ref.level.resize(n);
    ref.quantum_bytes = cfg.quantum_bytes;
    ref.credit.resize(n);
    ref.level_last.resize(h::kSchedLevels);
    // Ets: classes, credits (some 0 % classes, some small max credits), groups, strictness
    ref.tc.resize(n);
    cfg.vm_wrr = ref.vm_wrr = rng.chance(50);
    const unsigned classes = 1 + rng.below(8), groups = 1 + rng.below(4);
    for (unsigned c = 0; c < h::kSchedTcs; ++c) {
      cfg.tc_refill[c] = static_cast<uint16_t>(rng.chance(10) ? 0 : 1 + rng.below(rng.chance(50) ? 511 : 40));
      cfg.tc_max[c] = static_cast<uint16_t>(rng.chance(5) ? 0 : rng.chance(30) ? 1 + rng.below(30) : rng.below(4096));
      cfg.tc_bwg[c] = static_cast<uint8_t>(rng.below(groups));
      cfg.tc_strict[c] = rng.chance(15) ? h::TcStrict::Link : rng.chance(20) ? h::TcStrict::Group : h::TcStrict::None;
      ref.tc_refill[c] = 64LL * cfg.tc_refill[c];
      ref.tc_max[c] = 64LL * cfg.tc_max[c];
      ref.tc_bwg[c] = cfg.tc_bwg[c];
      ref.tc_strict[c] = cfg.tc_strict[c];
    }
    for (unsigned q = 0; q < N; ++q) {
      cfg.weight[q] = static_cast<uint16_t>(1 + rng.below(rng.chance(20) ? 60 : 6));
      cfg.priority[q] = static_cast<uint8_t>(rng.chance(5) ? 8 + rng.below(100) : rng.below(h::kSchedLevels));
      h::sched_set_tc(cfg, q, rng.below(classes));
      if (q < n) {
        ref.tc[q] = cfg.tc[q];
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
      ++per_policy[run % 5];
      const bool same = d.grant == want.has_value() && (!d.grant || d.queue == *want);
      if (!same && mismatches++ < 5)
        FAIL_CHECK("run " << run << " step " << s << " policy " << run % 5 << ": core "
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
