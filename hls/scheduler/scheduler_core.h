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
//   Strict      strict priority over eight levels (0 highest), round robin within a level.
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

enum class SchedPolicy : uint8_t { RoundRobin, Wrr, Dwrr, Strict };

constexpr unsigned kSchedLevels = 8;  // Strict: priority levels

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
  }
  return {false, 0};
}

}  // namespace iovsim::hls
