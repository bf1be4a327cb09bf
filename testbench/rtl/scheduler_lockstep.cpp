// Lock-step equivalence of the Tx arbitration RTL (hls/scheduler/rtl/iovsim_scheduler.sv,
// Verilated) and the C++ golden core (hls/scheduler/scheduler_core.h, hls::arbitrate<NQ>).
//
// Every cycle both get the same transaction (reset, a configuration write, a request); the
// registered RTL decision after the edge must equal the C++ decision for that request, made
// with the configuration before the cycle's write (the RTL samples a write and a request at the
// same edge, so the request does not see it). The C++ configuration mirrors the RTL's register
// file (the map in the RTL header; the reset values: policy RR, num_queues N, quantum 1522,
// weight 1, priority 0).
//
// Directed cases first (each policy's order, WRR 3:1, DWRR byte shares with mixed frame sizes
// and its fallback, Strict levels with a rate-held top class, num_queues below N, 0 and above
// N, pointers left at or above a lowered num_queues, idle cycles, reset mid-stream), then
// random phases: random configurations (policy, num_queues including 0, 1 and values above N,
// weights including 0 and 65535, quanta from 0 to 2^32-1, so weight x quantum wraps int32,
// priorities above 7, writes to unmapped addresses and queues >= N), random writes mid-stream
// in the same cycle as a request, random, bursty-backlog and rate-held pending / eligible
// patterns (eligible a subset of pending; a few cycles outside that contract), charges of the
// previous grant (or the one before) with per-queue or mixed frame sizes and arbitrary
// charges (any queue number, any byte count), idle cycles and occasional resets, until every
// policy has --count random decisions.
//
// Built by testbench/rtl/CMakeLists.txt against the Verilated models of hls/CMakeLists.txt
// (VTOP, VTOP_HEADER and NQ defined there). The C++ core's credit arithmetic wraps modulo 2^32
// by definition (wrap_add / wrap_sub in scheduler_core.h), as the RTL's adders do; the harness
// checks that at start.
//
// Usage: scheduler_lockstep [--seed S] [--count N] [--trace FILE.vcd]
// Exit 0: no mismatch; 1: mismatch (seed, cycle, request, both results printed); 2: usage.
#include <verilated.h>
#if VM_TRACE
#include <verilated_vcd_c.h>
#endif

#ifndef VTOP
#define VTOP Viovsim_scheduler
#endif
#ifndef NQ
#define NQ 128
#endif
#ifdef VTOP_HEADER
#include VTOP_HEADER
#else
#define LOCKSTEP_STR2(x) #x
#define LOCKSTEP_STR(x) LOCKSTEP_STR2(x)
#include LOCKSTEP_STR(VTOP.h)
#endif

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>

#include "hls/scheduler/scheduler_core.h"

namespace {

namespace h = iovsim::hls;
constexpr unsigned kN = NQ;
using Set = h::QueueSet<kN>;
using Clock = std::chrono::steady_clock;

const char* const kPolicyName[4] = {"RR", "WRR", "DWRR", "Strict"};

// Register map (the RTL's)
constexpr uint16_t kCtrl = 0x0000, kQuantum = 0x0004, kWeight = 0x1000, kPriority = 0x2000;

uint32_t ctrl_word(h::SchedPolicy p, unsigned nq) {
  return static_cast<uint32_t>(p) | (static_cast<uint32_t>(nq & 0xffff) << 8);
}

class Rng {  // splitmix64
public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  unsigned below(unsigned n) { return n == 0 ? 0 : static_cast<unsigned>(next() % n); }
  unsigned range(unsigned lo, unsigned hi) { return lo + below(hi - lo + 1); }  // [lo, hi]
  bool per_mille(unsigned p) { return below(1000) < p; }

private:
  uint64_t s_;
};

Set empty_set() {
  Set s;
  s.clear_all();
  return s;
}

Set set_of(std::initializer_list<unsigned> qs) {
  Set s = empty_set();
  for (unsigned q : qs)
    if (q < kN) s.set(q);
  return s;
}

Set all_set(unsigned upto = kN) {
  Set s = empty_set();
  for (unsigned q = 0; q < upto && q < kN; ++q) s.set(q);
  return s;
}

std::string hex(const Set& s) {
  std::string out = "0x";
  char buf[24];
  for (unsigned i = Set::kWords; i-- > 0;) {
    std::snprintf(buf, sizeof buf, "%016" PRIx64, s.w[i]);
    out += buf;
    if (i) out += '_';
  }
  return out;
}

// A Verilated N-bit input: a plain integer up to 64 bits, VlWide<W> above.
template <class Port>
void put_set(Port& port, const Set& s) {
  if constexpr (std::is_integral_v<Port>) {
    port = static_cast<Port>(s.w[0]);
  } else {
    for (unsigned i = 0; i < (kN + 31) / 32; ++i) port.at(i) = static_cast<uint32_t>(s.w[i / 2] >> (32 * (i % 2)));
  }
}

struct Drive {  // one cycle's inputs
  bool rst = false;
  bool we = false;
  uint16_t addr = 0;
  uint32_t data = 0;
  bool valid = false;
  Set pending = empty_set(), eligible = empty_set();
  bool charge = false;
  uint16_t charge_queue = 0, charge_bytes = 0;
};

struct Out {
  bool valid, grant;
  uint16_t queue;
  bool operator==(const Out& o) const { return valid == o.valid && grant == o.grant && queue == o.queue; }
};

class Bench {
public:
  Bench(uint64_t seed, const char* trace_file) : seed_(seed) {
    ctx_ = std::make_unique<VerilatedContext>();
#if VM_TRACE
    if (trace_file) ctx_->traceEverOn(true);
#endif
    top_ = std::unique_ptr<VTOP>(new VTOP{ctx_.get()});
#if VM_TRACE
    if (trace_file) {
      tfp_ = std::make_unique<VerilatedVcdC>();
      top_->trace(tfp_.get(), 99);
      tfp_->open(trace_file);
    }
#else
    (void)trace_file;
#endif
    top_->clk = 0;
    top_->rst_n = 0;
    top_->cfg_we = 0;
    top_->req_valid = 0;
    top_->eval();
    cfg_defaults();
    h::sched_reset(st_);
  }

  ~Bench() {
    top_->final();
#if VM_TRACE
    if (tfp_) tfp_->close();
#endif
  }

  const h::SchedConfig<kN>& cfg() const { return cfg_; }
  const h::SchedState<kN>& state() const { return st_; }
  uint64_t cycles() const { return cycle_; }

  // Counting: decisions per policy, split by directed / random; grants; DWRR fallbacks.
  bool random_phase = false;
  uint64_t decisions[2][4] = {}, grants[2][4] = {}, no_grants[2][4] = {};
  uint64_t dwrr_fallback = 0, dwrr_negative_quantum = 0, out_of_contract = 0, cfg_writes = 0,
           same_cycle_writes = 0, resets = 0, idle = 0;
  bool timing = false;
  double rtl_seconds = 0;  // inside eval() while timing

  // One clock: drive, rising edge, compare with the C++ core. Returns the decision.
  Out cycle(const Drive& d) {
    top_->rst_n = d.rst ? 0 : 1;
    top_->cfg_we = d.we;
    top_->cfg_addr = d.addr;
    top_->cfg_wdata = d.data;
    top_->req_valid = d.valid;
    put_set(top_->req_pending, d.pending);
    put_set(top_->req_eligible, d.eligible);
    top_->req_charge = d.charge;
    top_->req_charge_queue = d.charge_queue;
    top_->req_charge_bytes = d.charge_bytes;

    const Clock::time_point t0 = timing ? Clock::now() : Clock::time_point{};
    top_->clk = 0;
    top_->eval();
    dump();
    top_->clk = 1;
    top_->eval();
    dump();
    if (timing) rtl_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    ++cycle_;

    const h::SchedConfig<kN> cfg_before = cfg_;
    const h::SchedState<kN> st_before = st_;
    Out exp{false, false, 0};
    if (d.rst) {
      h::sched_reset(st_);
      cfg_defaults();
      ++resets;
    } else {
      if (d.valid) {
        h::SchedRequest<kN> r;
        r.pending = d.pending;
        r.eligible = d.eligible;
        r.charge = d.charge;
        r.charge_queue = d.charge_queue;
        r.charge_bytes = d.charge_bytes;
        const unsigned p = static_cast<unsigned>(cfg_.policy) & 3;
        const h::SchedDecision dec = h::arbitrate<kN>(cfg_, st_, r);
        exp = {true, dec.grant, dec.queue};
        const int k = random_phase ? 1 : 0;
        ++decisions[k][p];
        ++(dec.grant ? grants : no_grants)[k][p];
        if (cfg_.policy == h::SchedPolicy::Dwrr && dec.grant && st_.credit[dec.queue] <= 0) ++dwrr_fallback;
        for (unsigned q = 0; q < kN; ++q)
          if (d.eligible.test(q) && !d.pending.test(q)) {
            ++out_of_contract;
            break;
          }
      } else {
        ++idle;
      }
      if (d.we) {
        mirror_write(d.addr, d.data);
        ++cfg_writes;
        if (d.valid) ++same_cycle_writes;
      }
    }
    const Out got{top_->gnt_valid != 0, top_->gnt_grant != 0, static_cast<uint16_t>(top_->gnt_queue)};
    if (!(got == exp)) mismatch(d, cfg_before, st_before, exp, got);
    return got;
  }

  // Helpers for the directed cases.
  void reset() {
    Drive d;
    d.rst = true;
    cycle(d);
  }
  void write(uint16_t addr, uint32_t data, bool with_request = false, const Set& pend = empty_set(),
             const Set& elig = empty_set()) {
    Drive d;
    d.we = true;
    d.addr = addr;
    d.data = data;
    d.valid = with_request;
    d.pending = pend;
    d.eligible = elig;
    cycle(d);
  }
  Out request(const Set& pend, const Set& elig, bool charge = false, uint16_t cq = 0, uint16_t cb = 0) {
    Drive d;
    d.valid = true;
    d.pending = pend;
    d.eligible = elig;
    d.charge = charge;
    d.charge_queue = cq;
    d.charge_bytes = cb;
    return cycle(d);
  }
  void idle_cycle() { cycle(Drive{}); }

  [[noreturn]] void fail(const char* what) {
    std::printf("FAIL (directed, not a lock-step mismatch): %s\nseed %" PRIu64 " cycle %" PRIu64 "\n", what, seed_,
                cycle_);
    std::exit(1);
  }

private:
  void cfg_defaults() {
    cfg_.policy = h::SchedPolicy::RoundRobin;
    cfg_.num_queues = kN;
    cfg_.quantum_bytes = 1522;
    for (unsigned q = 0; q < kN; ++q) {
      cfg_.weight[q] = 1;
      cfg_.priority[q] = 0;
    }
  }

  // The RTL's register decode, applied to the C++ configuration.
  void mirror_write(uint16_t addr, uint32_t data) {
    if (addr == kCtrl) {
      cfg_.policy = static_cast<h::SchedPolicy>(data & 3);
      cfg_.num_queues = (data >> 8) & 0xffff;
    } else if (addr == kQuantum) {
      cfg_.quantum_bytes = data;
    } else if ((addr & 3) == 0 && ((addr >> 2) & 0x3ff) < kN) {
      const unsigned q = (addr >> 2) & 0x3ff;
      if ((addr & 0xf000) == kWeight) cfg_.weight[q] = static_cast<uint16_t>(data);
      if ((addr & 0xf000) == kPriority) cfg_.priority[q] = static_cast<uint8_t>(data);
    }
  }

  void dump() {
#if VM_TRACE
    if (tfp_) tfp_->dump(ctx_->time());
#endif
    ctx_->timeInc(5);
  }

  [[noreturn]] void mismatch(const Drive& d, const h::SchedConfig<kN>& c, const h::SchedState<kN>& s, const Out& exp,
                             const Out& got) {
    const unsigned n = c.num_queues < 1 ? 1 : (c.num_queues > kN ? kN : c.num_queues);
    std::printf("MISMATCH seed %" PRIu64 " cycle %" PRIu64 " (%s, N=%u)\n", seed_, cycle_,
                random_phase ? "random" : "directed", kN);
    std::printf("  config (before this cycle's write): policy %s num_queues %u (n %u) quantum %u\n",
                kPolicyName[static_cast<unsigned>(c.policy) & 3], c.num_queues, n, c.quantum_bytes);
    std::printf("  cycle: rst %d  cfg_we %d addr 0x%04x data 0x%08x  req_valid %d\n", d.rst, d.we, d.addr, d.data,
                d.valid);
    std::printf("  pending  %s\n  eligible %s\n  charge %d queue %u bytes %u\n", hex(d.pending).c_str(),
                hex(d.eligible).c_str(), d.charge, d.charge_queue, d.charge_bytes);
    std::printf("  C++ state before: next %u turn %u turn_valid %d frames_left %u level_next", s.next, s.turn,
                s.turn_valid, s.frames_left);
    for (unsigned l = 0; l < h::kSchedLevels; ++l) std::printf(" %u", s.level_next[l]);
    std::printf("\n  banked %s\n  credits (non-zero):", hex(s.banked).c_str());
    for (unsigned q = 0; q < kN; ++q)
      if (s.credit[q]) std::printf(" q%u=%d(w%u)", q, s.credit[q], c.weight[q]);
    std::printf("\n  C++: valid %d grant %d queue %u\n  RTL: valid %d grant %d queue %u\n", exp.valid, exp.grant,
                exp.queue, got.valid, got.grant, got.queue);
    std::exit(1);
  }

  uint64_t seed_;
  uint64_t cycle_ = 0;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<VTOP> top_;
#if VM_TRACE
  std::unique_ptr<VerilatedVcdC> tfp_;
#endif
  h::SchedConfig<kN> cfg_;
  h::SchedState<kN> st_;
};

// Does the compiled C++ core wrap int32 credits (the RTL's arithmetic)? Queue 0 banks a
// quantum of 0x60000000, loses its turn while held, then refills: 0x60000000 + 0x60000000
// wraps to -0x40000000, which is below the quantum, so that is its credit.
bool golden_wraps() {
  h::SchedConfig<kN> c;
  c.policy = h::SchedPolicy::Dwrr;
  c.num_queues = 2;
  c.quantum_bytes = 0x60000000u;
  for (unsigned q = 0; q < kN; ++q) {
    c.weight[q] = 1;
    c.priority[q] = 0;
  }
  h::SchedState<kN> s;
  h::sched_reset(s);
  h::SchedRequest<kN> r;
  r.charge = false;
  r.charge_queue = 0;
  r.charge_bytes = 0;
  r.pending = set_of({0, 1});
  r.eligible = set_of({0});
  h::arbitrate<kN>(c, s, r);  // queue 0 takes the turn with 0x60000000
  r.eligible = set_of({1});
  h::arbitrate<kN>(c, s, r);  // queue 0 held: queue 1 takes it
  r.pending = set_of({0});
  r.eligible = set_of({0});
  h::arbitrate<kN>(c, s, r);  // queue 0 refills
  return s.credit[0] == -0x40000000;
}

// ------------------------------------------------------------------ directed cases

void expect_sequence(Bench& b, const char* what, const Set& pend, const Set& elig,
                     std::initializer_list<unsigned> seq) {
  for (unsigned q : seq) {
    const Out o = b.request(pend, elig);
    if (!o.grant || o.queue != q) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "%s: expected queue %u, got grant %d queue %u", what, q, o.grant, o.queue);
      b.fail(msg);
    }
  }
}

void directed(Bench& b) {
  using P = h::SchedPolicy;
  const unsigned top = kN - 1;

  // Reset values: RR over all N queues from 0.
  b.reset();
  expect_sequence(b, "RR after reset", all_set(), all_set(), {0, 1, 2, 3});
  b.idle_cycle();  // idle: no state change
  expect_sequence(b, "RR after idle", all_set(), all_set(), {4, 5});

  // RR order with holes; a rate-held queue is passed over, not waited for.
  b.reset();
  const Set holes = set_of({1, 3, 4, top});
  expect_sequence(b, "RR holes", holes, holes, {1, 3, 4, top, 1, 3});
  expect_sequence(b, "RR holes, 3 held", holes, set_of({1, 4, top}), {4, top, 1, 4});
  if (b.request(holes, empty_set()).grant) b.fail("RR: grant with nothing eligible");
  expect_sequence(b, "RR after no grant", holes, holes, {top, 1});

  // num_queues below N, 0 (reads as 1) and above N (reads as N); next >= n starts at 0.
  b.reset();
  b.write(kCtrl, ctrl_word(P::RoundRobin, 5));
  expect_sequence(b, "RR n=5", all_set(), all_set(), {0, 1, 2, 3, 4, 0});
  b.write(kCtrl, ctrl_word(P::RoundRobin, 0));
  expect_sequence(b, "RR n=0", all_set(), all_set(), {0, 0});
  if (b.request(set_of({1, 2}), set_of({1, 2})).grant) b.fail("RR n=0: queue beyond n granted");
  b.write(kCtrl, ctrl_word(P::RoundRobin, 0xffff));
  expect_sequence(b, "RR n>N", set_of({2, top}), set_of({2, top}), {2, top, 2});
  b.write(kCtrl, ctrl_word(P::RoundRobin, 3));  // next = 3 >= n
  expect_sequence(b, "RR next>=n", all_set(), all_set(), {0, 1});

  // WRR 3:1, then a weight write in the same cycle as a request (not seen by it).
  b.reset();
  b.write(kWeight + 4 * 0, 3);
  b.write(kWeight + 4 * 1, 1);
  b.write(kCtrl, ctrl_word(P::Wrr, kN));
  const Set two = set_of({0, 1});
  expect_sequence(b, "WRR 3:1", two, two, {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1});
  b.write(kWeight + 4 * 1, 2, true, two, two);  // this request: queue 0 (weight 3 turn)
  expect_sequence(b, "WRR 3:2", two, two, {0, 0, 1, 1, 0, 0, 0, 1, 1});
  b.write(kWeight + 4 * 0, 1, true, two, two);  // queue 0 takes a turn of 3 (the old weight)
  expect_sequence(b, "WRR weight written with the turn", two, two, {0, 0, 1, 1, 0, 1, 1});
  b.write(kWeight + 4 * 0, 3);
  // holder loses eligibility: the turn moves on, the holder itself last
  b.write(kWeight + 4 * 2, 0);  // weight 0 reads as 1
  const Set three = set_of({0, 1, 2});
  expect_sequence(b, "WRR holder held", three, set_of({0, 2}), {2, 0, 0, 0, 2, 0});
  expect_sequence(b, "WRR only holder", three, set_of({0}), {0, 0, 0, 0});
  // turn >= n: ignored, the search starts at 0
  b.write(kCtrl, ctrl_word(P::Wrr, kN));
  expect_sequence(b, "WRR to top", set_of({top}), set_of({top}), {top});
  b.write(kCtrl, ctrl_word(P::Wrr, 2));
  expect_sequence(b, "WRR turn>=n", all_set(), all_set(), {0, 0, 0, 1, 1});

  // DWRR, mixed frame sizes: byte shares follow the weights.
  b.reset();
  b.write(kCtrl, ctrl_word(P::Dwrr, kN));
  b.write(kQuantum, 1522);
  b.write(kWeight + 4 * 2, 2);
  {
    const unsigned frame[4] = {1500, 64, 300, 1022};
    const Set four = set_of({0, 1, 2, 3});
    uint64_t bytes[4] = {};
    Out last{false, false, 0};
    for (int i = 0; i < 20000; ++i) {
      last = last.grant ? b.request(four, four, true, last.queue, static_cast<uint16_t>(frame[last.queue]))
                        : b.request(four, four);
      if (!last.grant || last.queue > 3) b.fail("DWRR: no grant with four backlogged queues");
      bytes[last.queue] += frame[last.queue];
    }
    const double unit = static_cast<double>(bytes[0] + bytes[1] + bytes[2] + bytes[3]) / 5.0;  // weights 1,1,2,1
    const double want[4] = {unit, unit, 2 * unit, unit};
    for (int q = 0; q < 4; ++q)
      if (bytes[q] < want[q] - 3 * 1522 || bytes[q] > want[q] + 3 * 1522) b.fail("DWRR: byte share off");
  }
  // a queue that goes idle drops its positive credit; a held one keeps it
  {
    const Set two01 = set_of({0, 1});
    Out o = b.request(two01, two01);
    for (int i = 0; i < 50; ++i) {
      const Set p = (i % 7) < 3 ? set_of({0}) : two01;
      const Set e = (i % 5) == 0 ? set_of({1}) : p;
      o = b.request(p, e, o.grant, o.queue, static_cast<uint16_t>(100 + 37 * i));
    }
  }
  // fallback: quantum below the frame; still work conserving
  b.write(kQuantum, 100);
  {
    const Set q015 = set_of({0, 1, 5});
    Out o = b.request(q015, q015);
    for (int i = 0; i < 40; ++i) {
      o = b.request(q015, q015, o.grant, o.queue, 1500);
      if (!o.grant) b.fail("DWRR fallback: no grant");
    }
  }
  // quantum 0: every decision is the fallback; weight x quantum wrapping negative
  b.write(kQuantum, 0);
  {
    Out o{false, false, 0};
    for (int i = 0; i < 20; ++i) o = b.request(all_set(4), all_set(4), o.grant, o.queue, 64);
  }
  b.write(kQuantum, 0x80000000u);
  b.write(kWeight + 4 * 1, 3);
  {
    Out o{false, false, 0};
    for (int i = 0; i < 20; ++i) o = b.request(all_set(4), set_of({1, 2, 3}), o.grant, o.queue, 64);
  }
  // charges to queues at or above n are ignored; turn >= n
  b.write(kQuantum, 1522);
  b.write(kCtrl, ctrl_word(P::Dwrr, 3));
  {
    Out o{false, false, 0};
    for (int i = 0; i < 30; ++i) o = b.request(all_set(), all_set(), true, static_cast<uint16_t>(i % 6), 700);
  }

  // Strict: levels 0 > 1 > 2 > 7; a rate-held top class leaves room below.
  b.reset();
  b.write(kCtrl, ctrl_word(P::Strict, kN));
  b.write(kPriority + 4 * 0, 0);
  b.write(kPriority + 4 * 1, 1);
  b.write(kPriority + 4 * 2, 1);
  b.write(kPriority + 4 * 3, 2);
  b.write(kPriority + 4 * 4, 200);  // reads as 7
  for (unsigned q = 5; q < kN; ++q) b.write(static_cast<uint16_t>(kPriority + 4 * q), 7);
  {
    const Set five = set_of({0, 1, 2, 3, 4});
    const Set no0 = set_of({1, 2, 3, 4});
    unsigned lvl1 = 1;
    for (int i = 0; i < 12; ++i) {
      const bool top_ok = i % 2 == 0;
      const Out o = b.request(five, top_ok ? five : no0);
      const unsigned want = top_ok ? 0 : lvl1;
      if (!o.grant || o.queue != want) b.fail("Strict: top class / level 1 round robin");
      if (!top_ok) lvl1 = lvl1 == 1 ? 2 : 1;
    }
    expect_sequence(b, "Strict level 2", five, set_of({3, 4}), {3, 3});
    expect_sequence(b, "Strict level 7", all_set(), set_of({4, 6, top}), {4, 6, top, 4});
    b.write(kCtrl, ctrl_word(P::Strict, 5));  // level 7 pointer >= n
    expect_sequence(b, "Strict n=5", all_set(), set_of({4, 6, top}), {4, 4});
  }

  // Reset mid-stream: state and configuration back to the reset values.
  b.write(kCtrl, ctrl_word(P::Wrr, 7));
  b.request(all_set(), all_set());
  b.reset();
  expect_sequence(b, "RR after reset mid-stream", all_set(), all_set(), {0, 1, 2});
}

// ------------------------------------------------------------------ random phases

class Random {
public:
  Random(Bench& b, uint64_t seed, bool full_range) : b_(b), rng_(seed ^ 0x5ced5ced5ced5cedull), full_(full_range) {
    for (unsigned q = 0; q < kN; ++q) backlog_[q] = hold_[q] = 0;
  }

  void run(uint64_t count_per_policy) {
    b_.random_phase = true;
    const Clock::time_point t0 = Clock::now();
    b_.timing = true;
    for (;;) {
      unsigned low = 0;
      for (unsigned p = 1; p < 4; ++p)
        if (b_.decisions[1][p] < b_.decisions[1][low]) low = p;
      if (b_.decisions[1][low] >= count_per_policy) break;
      phase(rng_.per_mille(800) ? low : rng_.below(4));
    }
    b_.timing = false;
    loop_seconds_ = std::chrono::duration<double>(Clock::now() - t0).count();
    b_.random_phase = false;
  }

  double loop_seconds() const { return loop_seconds_; }
  uint64_t phases() const { return phases_; }

private:
  // a config write in a cycle of its own or with the next request
  void write(uint16_t addr, uint32_t data) {
    pending_write_ = true;
    waddr_ = addr;
    wdata_ = data;
    if (rng_.per_mille(700)) {  // a cycle of its own, maybe no request
      if (rng_.per_mille(500)) {
        Drive d;
        take_write(d);
        b_.cycle(d);
      } else {
        request_cycle();
      }
    }
  }
  void take_write(Drive& d) {
    if (!pending_write_) return;
    d.we = true;
    d.addr = waddr_;
    d.data = wdata_;
    pending_write_ = false;
  }

  uint32_t random_quantum() {
    const unsigned k = rng_.below(100);
    uint32_t v;
    if (k < 30) v = 1522;
    else if (k < 40) v = rng_.range(9018, 16000);
    else if (k < 60) v = rng_.range(1, 1600);  // often below the largest frame: fallback
    else if (k < 70) v = rng_.range(1600, 200000);
    else if (k < 75) v = 0;
    else if (k < 80) v = 64;
    else if (k < 92) v = static_cast<uint32_t>(rng_.next());  // weight x quantum wraps
    else v = 0x80000000u - rng_.below(4096);
    return full_ ? v : v % 16384;  // without wrapping int32: weight x quantum < 2^30
  }

  uint16_t random_weight() {
    const unsigned k = rng_.below(100);
    switch (weight_profile_) {
      case 0: return 1;
      case 1: return static_cast<uint16_t>(rng_.range(1, 4));
      case 2: return static_cast<uint16_t>(rng_.range(0, 8));
      default:
        return k < 60 ? static_cast<uint16_t>(rng_.range(0, 16))
                      : k < 85 ? static_cast<uint16_t>(rng_.range(0, 1000)) : static_cast<uint16_t>(rng_.next());
    }
  }

  uint8_t random_priority() {
    const unsigned k = rng_.below(100);
    if (k < 50) return static_cast<uint8_t>(rng_.below(levels_));
    if (k < 90) return static_cast<uint8_t>(rng_.below(8));
    return static_cast<uint8_t>(rng_.next());  // above 7 reads as 7
  }

  unsigned random_nq() {
    const unsigned k = rng_.below(100);
    if (k < 35) return kN;
    if (k < 65) return rng_.range(1, kN);
    if (k < 72) return 1;
    if (k < 77) return 0;
    if (k < 85) return rng_.range(2, 5 < kN ? 5 : kN);
    if (k < 92) return rng_.range(kN + 1, kN + 3);
    return rng_.range(kN, 0xffff);
  }

  void random_write_midstream() {
    const unsigned k = rng_.below(100);
    if (k < 30) write(static_cast<uint16_t>(kWeight + 4 * rng_.below(kN)), random_weight() | (rng_.below(2) << 20));
    else if (k < 50) write(static_cast<uint16_t>(kPriority + 4 * rng_.below(kN)), random_priority());
    else if (k < 65) write(kQuantum, random_quantum());
    else if (k < 80) write(kCtrl, ctrl_word(policy_, random_nq()) | (rng_.below(256) << 24) | (rng_.below(64) << 2));
    else if (k < 85) write(kCtrl, ctrl_word(static_cast<h::SchedPolicy>(rng_.below(4)), nq_));  // policy switch
    else {  // ignored: queues >= N, unaligned, unmapped
      const unsigned j = rng_.below(5);
      const uint16_t base = rng_.below(2) ? kWeight : kPriority;
      const uint16_t a = j == 0   ? static_cast<uint16_t>(base + 4 * rng_.range(kN, 1023))
                         : j == 1 ? static_cast<uint16_t>(base + 4 * rng_.below(kN) + rng_.range(1, 3))
                         : j == 2 ? static_cast<uint16_t>(rng_.range(1, 3))
                         : j == 3 ? static_cast<uint16_t>(rng_.range(8, 0xfff) & ~3u)
                                  : static_cast<uint16_t>(0x3000 + rng_.below(0xd000));
      write(a, static_cast<uint32_t>(rng_.next()));
    }
  }

  void phase(unsigned policy) {
    ++phases_;
    policy_ = static_cast<h::SchedPolicy>(policy);
    weight_profile_ = rng_.below(4);
    levels_ = rng_.range(1, 8);
    nq_ = random_nq();

    // configuration
    write(kCtrl, ctrl_word(policy_, nq_));
    if (rng_.per_mille(700) || policy_ == h::SchedPolicy::Dwrr) write(kQuantum, random_quantum());
    const bool all = rng_.per_mille(400);
    const unsigned nw = all ? kN : rng_.below(kN < 24 ? kN : 24);
    for (unsigned i = 0; i < nw; ++i)
      write(static_cast<uint16_t>(kWeight + 4 * (all ? i : rng_.below(kN))), random_weight());
    const unsigned np = all ? kN : rng_.below(kN < 24 ? kN : 24);
    for (unsigned i = 0; i < np; ++i)
      write(static_cast<uint16_t>(kPriority + 4 * (all ? i : rng_.below(kN))), random_priority());

    // traffic
    pend_mode_ = rng_.below(4);
    const unsigned dens[5] = {50, 200, 500, 900, 1000};
    density_ = dens[rng_.below(5)];
    const unsigned eligp[5] = {1000, 1000, 900, 500, 200};
    elig_p_ = eligp[rng_.below(5)];
    elig_mode_ = rng_.below(3);
    arbitrary_charge_ = rng_.below(3) == 0 ? rng_.range(0, 1000) : rng_.range(0, 50);
    charge_delay_ = rng_.range(1, 2);
    frame_mode_ = rng_.below(4);
    for (unsigned q = 0; q < kN; ++q) frame_[q] = random_frame();
    cfg_p_ = rng_.below(3) == 0 ? 0 : rng_.range(1, 30);
    // churn: num_queues or the quantum flipping between two values (a holder left at or above
    // n and back; credits banked under one quantum refilled under another, e.g. a wrapped one)
    churn_p_ = rng_.below(3) == 0 ? rng_.range(20, 150) : 0;
    churn_nq_[0] = rng_.range(1, kN / 2);
    churn_nq_[1] = rng_.below(2) ? kN : random_nq();
    churn_q_[0] = rng_.below(2) ? 1522 : random_quantum();
    churn_q_[1] = random_quantum();
    idle_p_ = rng_.below(2) ? 0 : rng_.range(1, 100);
    nonsubset_p_ = rng_.below(4) == 0 ? rng_.range(1, 20) : 0;
    for (unsigned q = 0; q < kN; ++q) {
      backlog_[q] = pend_mode_ == 1 && rng_.per_mille(300) ? rng_.range(1, 40) : 0;
      hold_[q] = 0;
    }
    const bool reset_in_phase = rng_.per_mille(30);
    const unsigned len = rng_.range(200, 4000), reset_at = rng_.below(len);
    for (unsigned i = 0; i < len; ++i) {
      if (reset_in_phase && i == reset_at) {
        Drive d;
        d.rst = true;
        d.valid = rng_.below(2);  // ignored in reset
        b_.cycle(d);
        grant1_ = grant2_ = -1;
        continue;
      }
      if (rng_.per_mille(cfg_p_)) random_write_midstream();
      if (rng_.per_mille(churn_p_)) {
        const unsigned k = rng_.below(2);
        if (rng_.below(2))
          write(kCtrl, ctrl_word(b_.cfg().policy, churn_nq_[k]));
        else
          write(kQuantum, churn_q_[k]);
      }
      if (rng_.per_mille(idle_p_)) {
        Drive d;
        take_write(d);
        b_.cycle(d);
        continue;
      }
      request_cycle();
    }
  }

  uint16_t random_frame() {
    switch (frame_mode_) {
      case 0: {
        const uint16_t sizes[7] = {64, 128, 512, 1024, 1518, 1522, 9018};
        return sizes[rng_.below(7)];
      }
      case 1: return static_cast<uint16_t>(rng_.range(60, 1522));
      case 2: return rng_.per_mille(100) ? static_cast<uint16_t>(rng_.range(1523, 9018)) : 0;  // 0: per frame
      default: return 0;
    }
  }
  uint16_t frame_bytes(unsigned q) {
    if (frame_[q]) return frame_[q];
    return rng_.per_mille(50) ? static_cast<uint16_t>(rng_.range(9000, 9018))
                              : static_cast<uint16_t>(rng_.range(60, 1522));
  }

  void request_cycle() {
    Drive d;
    take_write(d);
    d.valid = true;
    // pending
    switch (pend_mode_) {
      case 0:  // independent per queue
        for (unsigned q = 0; q < kN; ++q)
          if (rng_.per_mille(density_)) d.pending.set(q);
        break;
      case 1:  // bursty backlog: bursts arrive, grants drain
        for (unsigned q = 0; q < kN; ++q) {
          if (backlog_[q] == 0 && rng_.per_mille(density_ / 20 + 1)) backlog_[q] = rng_.range(1, 64);
          if (backlog_[q]) d.pending.set(q);
        }
        break;
      case 2:  // everything backlogged
        d.pending = all_set();
        break;
      default:  // a few queues
        for (unsigned i = rng_.below(4); i > 0; --i) d.pending.set(rng_.below(kN));
        break;
    }
    // eligible: a subset of pending
    for (unsigned q = 0; q < kN; ++q) {
      if (!d.pending.test(q)) continue;
      bool e = true;
      if (elig_mode_ == 0) e = rng_.per_mille(elig_p_);
      else if (elig_mode_ == 1) e = hold_[q] == 0;  // rate controller holding after grants
      else e = rng_.per_mille(elig_p_) || hold_[q] == 0;
      if (e) d.eligible.set(q);
      if (hold_[q]) --hold_[q];
    }
    if (nonsubset_p_ && rng_.per_mille(nonsubset_p_)) d.eligible.set(rng_.below(kN));  // outside the contract
    // charge: the previous grant (or the one before), or arbitrary
    if (rng_.per_mille(arbitrary_charge_)) {
      d.charge = rng_.below(4) != 0;
      d.charge_queue = static_cast<uint16_t>(rng_.below(5) ? rng_.below(kN + 2) : rng_.next());
      d.charge_bytes = static_cast<uint16_t>(rng_.below(4) ? rng_.next() : rng_.range(0, 2));
    } else {
      const int g = charge_delay_ == 1 ? grant1_ : grant2_;
      if (g >= 0 && rng_.per_mille(970)) {
        d.charge = true;
        d.charge_queue = static_cast<uint16_t>(g);
        d.charge_bytes = frame_bytes(static_cast<unsigned>(g));
      }
    }
    if (!full_ && d.charge && d.charge_queue < kN && b_.state().credit[d.charge_queue] < -(1 << 30))
      d.charge = false;  // keep the credit clear of int32 overflow
    const Out o = b_.cycle(d);
    grant2_ = grant1_;
    grant1_ = o.grant ? o.queue : -1;
    if (o.grant) {
      if (backlog_[o.queue]) --backlog_[o.queue];
      if (rng_.per_mille(300)) hold_[o.queue] = static_cast<uint16_t>(rng_.range(1, 12));
    }
  }

  Bench& b_;
  Rng rng_;
  bool full_;
  double loop_seconds_ = 0;
  uint64_t phases_ = 0;
  h::SchedPolicy policy_ = h::SchedPolicy::RoundRobin;
  unsigned nq_ = kN, weight_profile_ = 0, levels_ = 8;
  unsigned pend_mode_ = 0, density_ = 500, elig_p_ = 1000, elig_mode_ = 0, arbitrary_charge_ = 0, charge_delay_ = 1,
           frame_mode_ = 0, cfg_p_ = 0, idle_p_ = 0, nonsubset_p_ = 0, churn_p_ = 0;
  unsigned churn_nq_[2] = {1, kN};
  uint32_t churn_q_[2] = {1522, 1522};
  uint16_t frame_[kN];
  uint32_t backlog_[kN];
  uint16_t hold_[kN];
  int grant1_ = -1, grant2_ = -1;
  bool pending_write_ = false;
  uint16_t waddr_ = 0;
  uint32_t wdata_ = 0;
};

[[noreturn]] void usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [--seed S] [--count N] [--trace FILE.vcd]\n", argv0);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 1, count = 100000;
  const char* trace = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--seed" || a == "--count" || a == "--trace") && i + 1 < argc) {
      const char* v = argv[++i];
      if (a == "--trace") {
        trace = v;
        continue;
      }
      char* end = nullptr;
      const unsigned long long x = std::strtoull(v, &end, 0);
      if (!end || *end) usage(argv[0]);
      (a == "--seed" ? seed : count) = x;
    } else {
      usage(argv[0]);
    }
  }
#if !VM_TRACE
  if (trace) {
    std::fprintf(stderr, "--trace: this model was built without --trace\n");
    return 2;
  }
#endif
  std::printf("seed %" PRIu64 "\n", seed);
  const bool wraps = golden_wraps();
  if (!wraps) {
    std::fprintf(stderr, "the C++ core's credits do not wrap modulo 2^32 (scheduler_core.h wrap_add / wrap_sub)\n");
    return 1;
  }
  std::printf("N %u; C++ core int32 credits wrap (full-range quanta and charges)\n", kN);

  Bench bench(seed, trace);
  bench.reset();  // the registers hold nothing defined before the first reset edge
  if (kN >= 8)
    directed(bench);  // the cases name queues up to 6
  else
    std::printf("directed cases need N >= 8: skipped\n");
  const uint64_t directed_cycles = bench.cycles();
  Random random(bench, seed, wraps);
  random.run(count);

  uint64_t rand_total = 0;
  for (unsigned p = 0; p < 4; ++p) rand_total += bench.decisions[1][p];
  std::printf("directed: %" PRIu64 " cycles;", directed_cycles);
  for (unsigned p = 0; p < 4; ++p) std::printf(" %s %" PRIu64, kPolicyName[p], bench.decisions[0][p]);
  std::printf("\nrandom: %" PRIu64 " phases, %" PRIu64 " cycles;", random.phases(), bench.cycles() - directed_cycles);
  for (unsigned p = 0; p < 4; ++p)
    std::printf(" %s %" PRIu64 " (%" PRIu64 " no grant)", kPolicyName[p], bench.decisions[1][p], bench.no_grants[1][p]);
  std::printf("\ncoverage: DWRR fallback grants %" PRIu64 ", config writes %" PRIu64 " (%" PRIu64
              " with a request), resets %" PRIu64 ", idle cycles %" PRIu64 ", requests outside the contract %" PRIu64
              "\n",
              bench.dwrr_fallback, bench.cfg_writes, bench.same_cycle_writes, bench.resets, bench.idle,
              bench.out_of_contract);
  std::printf("mismatches 0\n");
  const double loop = random.loop_seconds(), rtl = bench.rtl_seconds;
  const double rcycles = static_cast<double>(bench.cycles() - directed_cycles);
  std::printf("speed (random phase): lock-step %.0f cycles/s (%.2f s), Verilated model alone %.0f cycles/s\n",
              loop > 0 ? rcycles / loop : 0.0, loop, rtl > 0 ? rcycles / rtl : 0.0);
  (void)rand_total;
  return 0;
}
