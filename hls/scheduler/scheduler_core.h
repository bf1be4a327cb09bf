// Transmit arbitration core (the "golden algorithm") of a port's queue scheduler.
//
// One call of arbitrate() is one decision: which of the port's Tx queues may issue its next
// packet's data read. The caller says which queues have a packet (`pending`) and which of
// those their rate controller lets send now (`eligible`; the rate controllers, the 82576 /
// 82599 RTTBCNRC time-stamp scheme, stay in model/qos), and what the previous grant sent
// (`charge`). Policies:
//   RoundRobin  the parts' VMDq arbitration without DCB: the first eligible queue at or after
//               the one after the last grant (82576 and 82599 alike, docs/fidelity.md);
//   Wrr         frame-fair weighted round robin: a queue that gets the turn sends up to
//               weight[q] frames in a row, then the turn moves on;
//   Dwrr        byte-fair deficit round robin: a queue that gets the turn adds
//               weight[q] x quantum_bytes to its credit and keeps the turn while its credit is
//               positive; each frame's bytes are charged after it went (as the 82599's DCB
//               credit arbiters do), so the credit may go negative by up to one frame;
//   Strict      strict priority over eight levels (0 highest), round robin within a level;
//   Ets         the 82599's DCB transmit descriptor-plane arbiter: weighted strict priority
//               over up to eight traffic classes by 64-byte credits (refill, max credit
//               limit, bandwidth groups, group-strict and link-strict classes, recycle mode),
//               then within the class round robin over its queues, or (RTTDCS.VMPAC) the VM
//               arbiter: weighted round robin by per-queue credits.
// Exact rules, latency and initiation interval: hls/scheduler/README.md.
//
// HLS subset (DESIGN.md §5, as hls/sorter): fixed-width integers, arrays sized by the template
// parameter N (the port's queue count maximum), loops with constant trip counts guarded by the
// run-time queue count, no heap, no exceptions, no virtual calls, no recursion, no std
// containers, no I/O (the visits take a lambda, which HLS tools inline). One top function:
// arbitrate().
#pragma once

#include <cstdint>

// Keeps the long policies out of line in software builds, so the round-robin path the parts
// use stays small; nothing for an HLS tool.
#if defined(__GNUC__) && !defined(__SYNTHESIS__)
#define IOVSIM_HLS_NOINLINE __attribute__((noinline))
#else
#define IOVSIM_HLS_NOINLINE
#endif

namespace iovsim::hls {

enum class SchedPolicy : uint8_t { RoundRobin, Wrr, Dwrr, Strict, Ets };

constexpr unsigned kSchedLevels = 8;  // Strict: priority levels
constexpr unsigned kSchedTcs = 8;     // Ets: traffic classes
constexpr uint32_t kEtsCreditBytes = 64;  // Ets: one credit (the 82599's DCB credit quantum)

// Ets: a class's strictness (RTTDT2C.GSP / .LSP).
enum class TcStrict : uint8_t { None, Group, Link };

// A set of queues, bit q = queue q.
template <unsigned N>
struct QueueSet {
  static constexpr unsigned kWords = (N + 63) / 64;
  uint64_t w[kWords];
  constexpr bool test(unsigned q) const { return ((w[q >> 6] >> (q & 63)) & 1u) != 0; }
  constexpr void set(unsigned q) { w[q >> 6] |= uint64_t{1} << (q & 63); }
  constexpr void clear(unsigned q) { w[q >> 6] &= ~(uint64_t{1} << (q & 63)); }
  constexpr void clear_all() {
    for (unsigned i = 0; i < kWords; ++i) w[i] = 0;
  }
  constexpr bool any() const {
    uint64_t a = 0;
    for (unsigned i = 0; i < kWords; ++i) a |= w[i];
    return a != 0;
  }
};

template <unsigned N>
struct SchedConfig {
  SchedPolicy policy;
  unsigned num_queues;     // active queues, 1..N
  uint16_t weight[N];      // Wrr: frames per turn; Dwrr: credit per turn in quantum_bytes units (>= 1)
  uint32_t quantum_bytes;  // Dwrr: bytes per weight unit; at least the largest frame (README)
  uint8_t priority[N];     // Strict: level, 0 highest (above kSchedLevels - 1: the lowest)
  // Ets (weight[q] is the queue's VM-arbiter credit refill in 64-byte credits, RTTDT1C):
  uint8_t tc[N];                        // each queue's traffic class; keep tc_queues in step (sched_set_tc)
  QueueSet<N> tc_queues[kSchedTcs];     // the queues of each class
  uint16_t tc_refill[kSchedTcs];        // credits added per refill (RTTDT2C.CRQ, 9 bits)
  uint16_t tc_max[kSchedTcs];           // max credit limit (RTTDT2C.MCL, 12 bits)
  uint8_t tc_bwg[kSchedTcs];            // bandwidth group (RTTDT2C.BWG, 3 bits)
  TcStrict tc_strict[kSchedTcs];
  bool vm_wrr;                          // RTTDCS.VMPAC: WRR by weight within a class (else RR)
};

template <unsigned N>
struct SchedState {
  uint16_t next;                    // RoundRobin: where the next search starts
  uint16_t turn;                    // Wrr / Dwrr: the queue holding the turn
  bool turn_valid;                  // a turn is held (false after reset)
  uint16_t frames_left;             // Wrr: frames left in the turn
  int32_t credit[N];                // Dwrr: byte credit
  QueueSet<N> banked;               // Dwrr: the queues whose credit is positive
  uint16_t level_next[kSchedLevels];  // Strict: where each level's search starts
  int32_t tc_credit[kSchedTcs];       // Ets: each class's credit in bytes
  uint16_t tc_last[kSchedTcs];        // Ets: each class's last granted queue (the VM turn's holder)
  uint8_t tc_last_valid;              // Ets: bit t: class t has granted since reset
  uint32_t refills;                   // Ets: refill rounds applied (a counter, for observation)
};

template <unsigned N>
struct SchedRequest {
  QueueSet<N> pending;   // queues with a packet to send
  QueueSet<N> eligible;  // of them, the ones their rate controller lets send now
  bool charge;           // the previous grant's packet went: charge it
  uint16_t charge_queue;
  uint16_t charge_bytes;  // its L2 length, DA through FCS
};

struct SchedDecision {
  bool grant;      // false: no eligible queue
  uint16_t queue;  // the granted queue
};

template <unsigned N>
constexpr void sched_reset(SchedState<N>& s) {
  s.next = 0;
  s.turn = 0;
  s.turn_valid = false;
  s.frames_left = 0;
  for (unsigned q = 0; q < N; ++q) s.credit[q] = 0;
  s.banked.clear_all();
  for (unsigned l = 0; l < kSchedLevels; ++l) s.level_next[l] = 0;
  for (unsigned t = 0; t < kSchedTcs; ++t) {
    s.tc_credit[t] = 0;
    s.tc_last[t] = 0;
  }
  s.tc_last_valid = 0;
  s.refills = 0;
}

// Moves queue q to traffic class t (Ets), keeping tc and tc_queues in step.
template <unsigned N>
constexpr void sched_set_tc(SchedConfig<N>& c, unsigned q, unsigned t) {
  if (q >= N || t >= kSchedTcs) return;
  c.tc_queues[c.tc[q] < kSchedTcs ? c.tc[q] : 0].clear(q);
  c.tc[q] = static_cast<uint8_t>(t);
  c.tc_queues[t].set(q);
}

namespace sched_detail {

// Two's-complement 32-bit arithmetic on credits, defined for every operand (signed overflow is
// not): the sum or difference taken modulo 2^32, as the RTL's 32-bit adders wrap.
constexpr int32_t wrap_add(int32_t a, uint32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) + b); }
constexpr int32_t wrap_sub(int32_t a, uint32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) - b); }

constexpr unsigned wrap(unsigned q, unsigned n) {
  return q >= n ? q - n : q;
}

// Index of the lowest set bit of a non-zero word: a priority encoder. Software builds use the
// compiler's count-trailing-zeros; an HLS tool (which defines __SYNTHESIS__) gets the loop.
constexpr unsigned lowest_bit(uint64_t b) {
#if defined(__GNUC__) && !defined(__SYNTHESIS__)
  return static_cast<unsigned>(__builtin_ctzll(b));
#else
  for (unsigned i = 0; i < 64; ++i)
    if ((b >> i) & 1u) return i;
  return 64;
#endif
}

// The lowest queue of `set` in [lo, hi), or hi when there is none.
template <unsigned N>
constexpr unsigned first_in(const QueueSet<N>& set, unsigned lo, unsigned hi) {
  for (unsigned i = 0; i < QueueSet<N>::kWords; ++i) {
    const unsigned base = 64 * i;
    if (base + 64 <= lo || base >= hi) continue;
    uint64_t b = set.w[i];
    if (lo > base) b &= ~uint64_t{0} << (lo - base);
    if (hi < base + 64) b &= (uint64_t{1} << (hi - base)) - 1;
    if (b) return base + lowest_bit(b);
  }
  return hi;
}

// Bits of word i that are queues below n.
template <unsigned N>
constexpr uint64_t active_bits(unsigned i, unsigned n) {
  const unsigned base = 64 * i;
  return base >= n ? 0 : n - base >= 64 ? ~uint64_t{0} : (uint64_t{1} << (n - base)) - 1;
}

// The first queue of `set` in round-robin order from `start` (start < n), or n when none:
// start's word from start up, the words after it, the words before it, start's word below
// start (kWords + 1 masked words, one priority encoder).
template <unsigned N>
constexpr unsigned first_from(const QueueSet<N>& set, unsigned start, unsigned n) {
  constexpr unsigned W = QueueSet<N>::kWords;
  const unsigned ws = start >> 6, bit = start & 63;
  for (unsigned k = 0; k <= W; ++k) {
    const unsigned i = (ws + k) % W;
    uint64_t b = set.w[i] & active_bits<N>(i, n);
    if (k == 0) b &= ~uint64_t{0} << bit;
    if (k == W) b &= (uint64_t{1} << bit) - 1;
    if (b) return 64 * i + lowest_bit(b);
  }
  return n;
}

// Visits the queues of `set` in round-robin order from `start` (start < n) until `visit`
// returns true; returns that queue, or n.
template <unsigned N, class Visit>
constexpr unsigned visit_from(const QueueSet<N>& set, unsigned start, unsigned n, Visit&& visit) {
  for (unsigned part = 0; part < 2; ++part) {
    const unsigned lo = part == 0 ? start : 0, hi = part == 0 ? n : start;
    unsigned q = first_in<N>(set, lo, hi);
    for (unsigned i = 0; i < N && q < hi; ++i) {
      if (visit(q)) return q;
      q = first_in<N>(set, q + 1, hi);
    }
  }
  return n;
}

template <unsigned N>
SchedDecision decide_rr(SchedState<N>& s, const SchedRequest<N>& r, unsigned n) {
  const unsigned q = first_from<N>(r.eligible, s.next < n ? s.next : 0, n);
  if (q >= n) return {false, 0};
  s.next = static_cast<uint16_t>(wrap(q + 1, n));
  return {true, static_cast<uint16_t>(q)};
}

template <unsigned N>
SchedDecision decide_wrr(const SchedConfig<N>& c, SchedState<N>& s, const SchedRequest<N>& r, unsigned n) {
  if (s.turn_valid && s.turn < n && r.eligible.test(s.turn) && s.frames_left > 0) {
    --s.frames_left;
    return {true, s.turn};
  }
  // The turn moves to the next eligible queue after the holder (the holder itself last).
  const unsigned start = s.turn_valid && s.turn < n ? wrap(s.turn + 1u, n) : 0;
  const unsigned q = first_from<N>(r.eligible, start, n);
  if (q >= n) return {false, 0};
  const uint16_t w = c.weight[q] ? c.weight[q] : 1;
  s.turn = static_cast<uint16_t>(q);
  s.turn_valid = true;
  s.frames_left = static_cast<uint16_t>(w - 1);
  return {true, static_cast<uint16_t>(q)};
}

template <unsigned N>
IOVSIM_HLS_NOINLINE SchedDecision decide_dwrr(const SchedConfig<N>& c, SchedState<N>& s,
                                              const SchedRequest<N>& r, unsigned n) {
  if (r.charge && r.charge_queue < n) {
    s.credit[r.charge_queue] = wrap_sub(s.credit[r.charge_queue], r.charge_bytes);
    if (s.credit[r.charge_queue] <= 0) s.banked.clear(r.charge_queue);
  }
  if (s.turn_valid && s.turn < n && r.eligible.test(s.turn) && s.credit[s.turn] > 0) return {true, s.turn};
  // Visit the queues after the holder in order (the holder last): an idle queue keeps no
  // positive credit; an eligible one adds its quantum (credit capped at one quantum: a queue
  // that lost its turn to its rate controller does not bank the rest) and takes the turn if
  // its credit is then positive. Should none be positive (quantum below the largest frame:
  // outside the contract), the first eligible queue visited is granted. Only pending queues
  // and those holding positive credit (`banked`) need a visit.
  const unsigned start = s.turn_valid && s.turn < n ? wrap(s.turn + 1u, n) : 0;
  QueueSet<N> visit = r.pending;
  for (unsigned i = 0; i < QueueSet<N>::kWords; ++i) visit.w[i] |= s.banked.w[i];
  unsigned fallback = n;
  unsigned q = visit_from<N>(visit, start, n, [&](unsigned v) {
    if (!r.pending.test(v)) {
      if (s.credit[v] > 0) s.credit[v] = 0;
      s.banked.clear(v);
      return false;
    }
    if (!r.eligible.test(v)) return false;
    const uint32_t q32 = (c.weight[v] ? c.weight[v] : 1u) * c.quantum_bytes;  // modulo 2^32
    const int32_t quantum = static_cast<int32_t>(q32);
    const int32_t credit = wrap_add(s.credit[v], q32);
    s.credit[v] = credit < quantum ? credit : quantum;
    if (fallback == n) fallback = v;
    if (s.credit[v] > 0) {
      s.banked.set(v);
      return true;
    }
    return false;
  });
  if (q >= n) q = fallback;
  if (q >= n) return {false, 0};
  s.turn = static_cast<uint16_t>(q);
  s.turn_valid = true;
  return {true, static_cast<uint16_t>(q)};
}

template <unsigned N>
IOVSIM_HLS_NOINLINE SchedDecision decide_strict(const SchedConfig<N>& c, SchedState<N>& s,
                                                const SchedRequest<N>& r, unsigned n) {
  auto level_of = [&c](unsigned v) {
    return c.priority[v] < kSchedLevels ? unsigned{c.priority[v]} : kSchedLevels - 1;
  };
  // The highest level among the eligible queues, then round robin within it.
  unsigned best = kSchedLevels;
  visit_from<N>(r.eligible, 0, n, [&](unsigned v) {
    if (level_of(v) < best) best = level_of(v);
    return best == 0;
  });
  if (best == kSchedLevels) return {false, 0};
  const unsigned start = s.level_next[best] < n ? s.level_next[best] : 0;
  const unsigned q = visit_from<N>(r.eligible, start, n, [&](unsigned v) { return level_of(v) == best; });
  if (q >= n) return {false, 0};
  s.level_next[best] = static_cast<uint16_t>(wrap(q + 1, n));
  return {true, static_cast<uint16_t>(q)};
}

// Rounds of `refill` credits a debt of `credit` bytes needs to become positive: the smallest
// r with credit + r x refill x 64 > 0 (credit <= 0, refill > 0).
constexpr uint32_t rounds_to_positive(int32_t credit, uint32_t refill) {
  const uint32_t debt = static_cast<uint32_t>(-(static_cast<int64_t>(credit))) + 1;  // bytes to reach +1
  const uint32_t per = refill * kEtsCreditBytes;
  return (debt + per - 1) / per;
}

// credit + rounds x per, capped at cap (bytes), without overflow.
constexpr int32_t add_capped(int32_t credit, uint32_t rounds, uint32_t per, int32_t cap) {
  const int64_t v = static_cast<int64_t>(credit) + static_cast<int64_t>(rounds) * per;
  return v > cap ? cap : static_cast<int32_t>(v);
}

// The VM arbiter within class t (RTTDCS.VMPAC): the turn stays with a queue while it is
// eligible and its credit is positive; otherwise, if no eligible queue of the class holds
// positive credit, every eligible queue of the class is refilled by the rounds the closest
// one needs (weight[q] credits per round, capped at one round's worth), and the first queue
// with positive credit after the holder in round-robin order takes the turn. Without VMPAC:
// round robin over the class's eligible queues.
template <unsigned N>
SchedDecision ets_queue(const SchedConfig<N>& c, SchedState<N>& s, const QueueSet<N>& elig, unsigned t, unsigned n) {
  const bool held = (s.tc_last_valid >> t & 1) && s.tc_last[t] < n;
  const unsigned holder = held ? s.tc_last[t] : 0;
  const unsigned start = held ? wrap(holder + 1, n) : 0;
  unsigned q = n;
  if (!c.vm_wrr) {
    q = first_from<N>(elig, start, n);
  } else if (held && elig.test(holder) && s.credit[holder] > 0) {
    q = holder;
  } else {
    QueueSet<N> positive = elig;
    bool any_positive = false;
    uint32_t rounds = 0xFFFFFFFFu;
    visit_from<N>(elig, 0, n, [&](unsigned v) {
      if (s.credit[v] > 0) {
        any_positive = true;
      } else {
        positive.clear(v);
        const uint32_t r = rounds_to_positive(s.credit[v], c.weight[v] ? c.weight[v] : 1u);
        if (r < rounds) rounds = r;
      }
      return false;
    });
    if (!any_positive)
      visit_from<N>(elig, 0, n, [&](unsigned v) {
        const uint32_t per = (c.weight[v] ? c.weight[v] : 1u) * kEtsCreditBytes;
        s.credit[v] = add_capped(s.credit[v], rounds, per, static_cast<int32_t>(per));
        if (s.credit[v] > 0) positive.set(v);
        return false;
      });
    q = first_from<N>(positive, start, n);
  }
  if (q >= n) return {false, 0};
  s.tc_last[t] = static_cast<uint16_t>(q);
  s.tc_last_valid = static_cast<uint8_t>(s.tc_last_valid | 1u << t);
  return {true, static_cast<uint16_t>(q)};
}

// Weighted strict priority over the classes (the 82599's descriptor-plane arbiter, RTTDCS.TDPAC
// with recycle mode TDRM; exact rules in hls/scheduler/README.md): an eligible link-strict
// class is served first, the highest numbered (TC7 has the highest priority); then the highest
// eligible class with positive credit, or group-strict with a class of its bandwidth group
// holding positive credit (it then spends that class's credit); when none has, every class is refilled (refill credits a round, capped at its max
// credit) by the rounds the closest eligible class needs, and the choice is made again. A
// class charges the bytes of each packet it sends (a link-strict class is not charged).
template <unsigned N>
IOVSIM_HLS_NOINLINE SchedDecision decide_ets(const SchedConfig<N>& c, SchedState<N>& s,
                                             const SchedRequest<N>& r, unsigned n) {
  if (r.charge && r.charge_queue < n) {
    unsigned t = c.tc[r.charge_queue] < kSchedTcs ? c.tc[r.charge_queue] : 0;
    // A group-strict class that went on its group's credit charges the lender: the lowest
    // class of its bandwidth group holding positive credit.
    if (c.tc_strict[t] == TcStrict::Group && s.tc_credit[t] <= 0) {
      unsigned lender = t;
      for (unsigned k = 0; k < kSchedTcs; ++k) {
        const unsigned u = kSchedTcs - 1 - k;
        if (u != t && (c.tc_bwg[u] & 7) == (c.tc_bwg[t] & 7) && s.tc_credit[u] > 0) lender = u;
      }
      t = lender;
    }
    if (c.tc_strict[t] != TcStrict::Link) s.tc_credit[t] = wrap_sub(s.tc_credit[t], r.charge_bytes);
    if (c.vm_wrr) s.credit[r.charge_queue] = wrap_sub(s.credit[r.charge_queue], r.charge_bytes);
  }
  QueueSet<N> elig[kSchedTcs];
  uint8_t has = 0;  // classes with an eligible queue
  for (unsigned t = 0; t < kSchedTcs; ++t) {
    uint64_t a = 0;
    for (unsigned i = 0; i < QueueSet<N>::kWords; ++i) {
      elig[t].w[i] = r.eligible.w[i] & c.tc_queues[t].w[i];
      a |= elig[t].w[i];
    }
    if (a) has = static_cast<uint8_t>(has | 1u << t);
  }
  if (!has) return {false, 0};
  for (unsigned k = 0; k < kSchedTcs; ++k) {  // link strict, highest class first
    const unsigned t = kSchedTcs - 1 - k;
    if ((has >> t & 1) && c.tc_strict[t] == TcStrict::Link) return ets_queue(c, s, elig[t], t, n);
  }
  for (unsigned pass = 0; pass < 2; ++pass) {
    uint8_t group = 0;  // bit g: a class of bandwidth group g holds positive credit
    for (unsigned t = 0; t < kSchedTcs; ++t)
      if (s.tc_credit[t] > 0) group = static_cast<uint8_t>(group | 1u << (c.tc_bwg[t] & 7));
    for (unsigned k = 0; k < kSchedTcs; ++k) {
      const unsigned t = kSchedTcs - 1 - k;
      if (!(has >> t & 1)) continue;
      if (s.tc_credit[t] > 0 || (c.tc_strict[t] == TcStrict::Group && (group >> (c.tc_bwg[t] & 7) & 1)))
        return ets_queue(c, s, elig[t], t, n);
    }
    if (pass == 1) break;
    // Recycle: no eligible class may send; refill every class by the rounds the closest needs.
    // (A group-strict class may send once any class of its group turns positive.)
    uint32_t rounds = 0xFFFFFFFFu;
    for (unsigned t = 0; t < kSchedTcs; ++t) {
      if (!(has >> t & 1)) continue;
      for (unsigned u = 0; u < kSchedTcs; ++u) {
        const bool counts = u == t || (c.tc_strict[t] == TcStrict::Group && (c.tc_bwg[u] & 7) == (c.tc_bwg[t] & 7));
        if (!counts || c.tc_refill[u] == 0 || c.tc_max[u] == 0) continue;
        const uint32_t need = s.tc_credit[u] > 0 ? 0 : rounds_to_positive(s.tc_credit[u], c.tc_refill[u]);
        if (need < rounds) rounds = need;
      }
    }
    if (rounds == 0xFFFFFFFFu) break;  // no eligible class ever refills (all 0 %): below
    for (unsigned t = 0; t < kSchedTcs; ++t) {
      const int32_t cap = static_cast<int32_t>(uint32_t{c.tc_max[t]} * kEtsCreditBytes);
      if (s.tc_credit[t] < cap)
        s.tc_credit[t] = add_capped(s.tc_credit[t], rounds, uint32_t{c.tc_refill[t]} * kEtsCreditBytes, cap);
    }
    s.refills += rounds;
  }
  // Outside the contract (no eligible class has a refill): the highest eligible class.
  for (unsigned k = 0; k < kSchedTcs; ++k) {
    const unsigned t = kSchedTcs - 1 - k;
    if (has >> t & 1) return ets_queue(c, s, elig[t], t, n);
  }
  return {false, 0};
}

}  // namespace sched_detail

// The top function: applies the previous grant's charge (DWRR), then decides.
template <unsigned N>
SchedDecision arbitrate(const SchedConfig<N>& c, SchedState<N>& s, const SchedRequest<N>& r) {
  using namespace sched_detail;
  const unsigned n = c.num_queues < 1 ? 1 : (c.num_queues > N ? N : c.num_queues);
  switch (c.policy) {
    case SchedPolicy::RoundRobin: return decide_rr(s, r, n);
    case SchedPolicy::Wrr: return decide_wrr(c, s, r, n);
    case SchedPolicy::Dwrr: return decide_dwrr(c, s, r, n);
    case SchedPolicy::Strict: return decide_strict(c, s, r, n);
    case SchedPolicy::Ets: return decide_ets(c, s, r, n);
  }
  return {false, 0};
}

}  // namespace iovsim::hls
