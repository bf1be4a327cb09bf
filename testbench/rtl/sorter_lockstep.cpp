// Lock-step equivalence of the sorter RTL (hls/sorter/rtl/iovsim_sorter.sv, Verilated) and the
// C++ core (hls/sorter/sorter_core.cpp), both programmed through the same register writes: the
// C++ side through the register-map layer (model/regs: the family's bind_sorter decodes the
// writes into hls::SorterTables), the RTL through its register port. Every cycle may carry a
// register write and a frame header (Rx or Tx); the RTL's result, two clocks later, must equal
// classify_rx / switch_tx on the tables as they were after that cycle's write.
//
//   sorter_lockstep [--seed S] [--count N] [--num-rar R] [--num-vlvf V] [--trace FILE.vcd]
//                   [--speed CYCLES]   (then the Verilated model alone, one header per clock)
//
// Directed cases first (expected results written from the datasheet rules, checked against
// both), then N random cycles. On the first mismatch: the seed, the cycle, the header, both
// results, exit 1. Built once per family by testbench/rtl/CMakeLists.txt (VTOP, FAMILY,
// NUM_RAR, NUM_POOLS, NUM_VLVF defined by the build).
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "hls/sorter/sorter_core.h"
#include "model/regs/device_map.h"
#include "model/regs/map_82576.h"
#include "model/regs/map_82599.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif
#include VTOP_HEADER

using namespace iovsim;

namespace {

constexpr bool kI82599 = FAMILY != 0;

// The sorter's registers of the family and the values worth writing to them.
enum class Kind { Rctl, Mrqc, VtCtl, Ral, Rah, Mpsar, Mta, Uta, Vfta, Vmolr, Vlvf, Vlvfb, Vmvir, Vfre, Vfte, Switch, Spoof, Fctrl, Vlnctrl, Mcst };

struct Harness {
  std::mt19937_64 rng;
  std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};
  std::unique_ptr<VTOP> top;
#if VM_TRACE
  std::unique_ptr<VerilatedVcdC> vcd;
#endif
  regs::RegisterSpace rs{"pf"};
  regs::SorterRegs sr{};
  const regs::DeviceMap& map = regs::device_map(kI82599 ? Family::i82599 : Family::i82576);
  unsigned num_rar, num_vlvf;
  std::vector<std::uint64_t> macs;  // addresses the writes and headers draw from
  std::vector<std::uint16_t> vids;
  std::uint64_t cycle = 0, seed;
  struct Expected {
    std::uint32_t id;
    bool tx;
    hls::L2Header h;
    unsigned src;
    hls::RxDecision rx;
    hls::TxDecision txd;
  };
  std::deque<Expected> pending;
  std::uint64_t checked_rx = 0, checked_tx = 0, writes = 0;
  // Coverage of the outcomes: Rx verdicts, and Tx wire / loopback / replicated / spoof / disabled.
  std::uint64_t rx_verdicts[5] = {}, rx_replicated = 0, rx_default = 0, tx_wire = 0, tx_loop = 0,
                tx_multi = 0, tx_spoof_mac = 0, tx_spoof_vlan = 0, tx_disabled = 0, tx_dropped = 0;

  Harness(std::uint64_t s, unsigned nr, unsigned nv) : rng(s), num_rar(nr), num_vlvf(nv), seed(s) {
    top.reset(new VTOP{ctx.get()});
    sr.tables.num_rar = nr;
    sr.tables.num_pools = NUM_POOLS;
    sr.tables.num_vlvf = nv;
    map.bind_sorter(rs, sr);
    for (unsigned i = 0; i < 20; ++i) macs.push_back(random_mac(false));
    for (unsigned i = 0; i < 4; ++i) macs.push_back(random_mac(true));
    for (unsigned i = 0; i < 8; ++i) vids.push_back(static_cast<std::uint16_t>(rng() & 0xFFF));
    vids.push_back(0);
    vids.push_back(0xFFF);
  }

  std::uint64_t random_mac(bool multicast) {
    std::uint64_t m = rng() & hls::kMacMask;
    return multicast ? (m | 1) : (m & ~std::uint64_t{1});
  }

  void trace_open(const char* file) {
#if VM_TRACE
    ctx->traceEverOn(true);
    vcd.reset(new VerilatedVcdC);
    top->trace(vcd.get(), 99);
    vcd->open(file);
#else
    (void)file;
    std::fprintf(stderr, "sorter_lockstep: built without --trace; --trace ignored\n");
#endif
  }

  void tick() {
    top->clk = 0;
    top->eval();
#if VM_TRACE
    if (vcd) vcd->dump(ctx->time());
#endif
    ctx->timeInc(1);
    top->clk = 1;
    top->eval();
#if VM_TRACE
    if (vcd) vcd->dump(ctx->time());
#endif
    ctx->timeInc(1);
    ++cycle;
    collect();
  }

  void reset() {
    top->rst_n = 0;
    top->num_rar = static_cast<std::uint8_t>(num_rar);
    top->num_vlvf = static_cast<std::uint8_t>(num_vlvf);
    top->reg_we = 0;
    top->hdr_valid = 0;
    tick();
    tick();
    top->rst_n = 1;
    // The drivers clear the hash and VLAN tables at bring-up (their reset value is undefined).
    for (unsigned i = 0; i < 128; ++i) {
      const std::uint32_t offs[3] = {kI82599 ? regs::i82599::MTA::at(i) : regs::i82576::MTA::at(i),
                                     kI82599 ? regs::i82599::UTA::at(i) : regs::i82576::UTA::at(i),
                                     kI82599 ? regs::i82599::VFTA::at(i) : regs::i82576::VFTA::at(i)};
      for (std::uint32_t o : offs) cycle_with(true, o, 0, nullptr);
    }
    // ... and write every exact filter and VLAN filter (their addresses and pools are undefined
    // after reset; igb_rar_set / ixgbe_init_rx_addrs_generic, igb_vfta_set / ixgbe_clear_vfta).
    for (unsigned n = 0; n < NUM_RAR; ++n) {
      if constexpr (kI82599) {
        namespace m = regs::i82599;
        for (std::uint32_t o : {m::RAL::at(n), m::RAH::at(n), m::MPSAR_LO::at(n), m::MPSAR_HI::at(n)})
          cycle_with(true, o, 0, nullptr);
      } else {
        namespace m = regs::i82576;
        for (std::uint32_t o : {m::RAL::at(n), m::RAH::at(n)}) cycle_with(true, o, 0, nullptr);
      }
    }
    for (unsigned i = 0; i < NUM_VLVF; ++i) {
      if constexpr (kI82599) {
        namespace m = regs::i82599;
        for (std::uint32_t o : {m::VLVF::at(i), m::VLVFB::at(2 * i), m::VLVFB::at(2 * i + 1)})
          cycle_with(true, o, 0, nullptr);
      } else {
        cycle_with(true, regs::i82576::VLVF::at(i), 0, nullptr);
      }
    }
  }

  // One cycle: an optional register write, an optional header (nullptr: none).
  struct Hdr {
    bool tx;
    unsigned src;
    hls::L2Header h;
  };
  void cycle_with(bool we, std::uint32_t off, std::uint32_t val, const Hdr* hdr) {
    top->reg_we = we;
    top->reg_addr = off;
    top->reg_wdata = val;
    if (we) {
      rs.write(off, val);
      ++writes;
    }
    top->hdr_valid = hdr != nullptr;
    if (hdr) {
      const std::uint32_t id = static_cast<std::uint32_t>(cycle);
      top->hdr_tx = hdr->tx;
      top->hdr_src_pool = static_cast<std::uint8_t>(hdr->src & 0x7F);
      top->hdr_da = hdr->h.da;
      top->hdr_sa = hdr->h.sa;
      top->hdr_tagged = hdr->h.tagged;
      top->hdr_vid = hdr->h.vid & 0xFFF;
      top->hdr_frame_len = hdr->h.frame_len;
      top->hdr_id = id;
      Expected e{id, hdr->tx, hdr->h, hdr->src, {}, {}};
      if (hdr->tx)
        e.txd = hls::switch_tx(sr.tables, hdr->src, hdr->h);
      else
        e.rx = hls::classify_rx(sr.tables, hdr->h);
      pending.push_back(e);
    }
    tick();
  }

  // The Verilated model alone: `n` cycles of back-to-back headers (pre-drawn), no reference,
  // no checking; returns cycles per second.
  double speed(std::uint64_t n) {
    std::vector<Hdr> hs;
    for (unsigned i = 0; i < 4096; ++i) hs.push_back(random_header());
    top->reg_we = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t c = 0; c < n; ++c) {
      const Hdr& x = hs[c & 4095];
      top->hdr_valid = 1;
      top->hdr_tx = x.tx;
      top->hdr_src_pool = static_cast<std::uint8_t>(x.src & 0x7F);
      top->hdr_da = x.h.da;
      top->hdr_sa = x.h.sa;
      top->hdr_tagged = x.h.tagged;
      top->hdr_vid = x.h.vid;
      top->hdr_frame_len = x.h.frame_len;
      top->clk = 0;
      top->eval();
      top->clk = 1;
      top->eval();
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    top->hdr_valid = 0;
    return static_cast<double>(n) / s;
  }

  void idle(unsigned n) {
    for (unsigned i = 0; i < n; ++i) cycle_with(false, 0, 0, nullptr);
  }

  [[noreturn]] void fail(const Expected& e, const char* what) {
    std::fprintf(stderr,
                 "MISMATCH (%s) seed %" PRIu64 " cycle %" PRIu64 " id %u %s src %u da %012" PRIx64
                 " sa %012" PRIx64 " tagged %d vid %u len %u\n",
                 what, seed, cycle, e.id, e.tx ? "tx" : "rx", e.src, e.h.da, e.h.sa, e.h.tagged,
                 e.h.vid, e.h.frame_len);
    if (e.tx)
      std::fprintf(stderr,
                   "  C++: loop %016" PRIx64 " wire %d smac %d svlan %d drop %d dis %d exact %d vid %u tagged %d\n"
                   "  RTL: loop %016" PRIx64 " wire %d smac %d svlan %d drop %d dis %d exact %d vid %u tagged %d\n",
                   e.txd.loopback_pools, e.txd.to_wire, e.txd.spoof_mac, e.txd.spoof_vlan, e.txd.drop,
                   e.txd.tx_disabled, e.txd.exact_match, e.txd.effective_vid, e.txd.effective_tagged,
                   static_cast<std::uint64_t>(top->res_pools), top->res_to_wire, top->res_spoof_mac,
                   top->res_spoof_vlan, top->res_drop, top->res_tx_disabled, top->res_exact_match,
                   top->res_effective_vid, top->res_effective_tagged);
    else
      std::fprintf(stderr,
                   "  C++: pools %016" PRIx64 " verdict %u rar %d def %d l2 %d cand %016" PRIx64 " over %016" PRIx64 "\n"
                   "  RTL: pools %016" PRIx64 " verdict %u rar %d def %d l2 %d cand %016" PRIx64 " over %016" PRIx64 "\n",
                   e.rx.pools, static_cast<unsigned>(e.rx.verdict), e.rx.matched_rar, e.rx.to_default_pool,
                   e.rx.passed_l2, e.rx.candidate_pools, e.rx.oversize_pools,
                   static_cast<std::uint64_t>(top->res_pools), top->res_verdict, top->res_matched_rar,
                   top->res_to_default_pool, top->res_passed_l2,
                   static_cast<std::uint64_t>(top->res_candidate_pools),
                   static_cast<std::uint64_t>(top->res_oversize_pools));
    std::fprintf(stderr, "replay: sorter_lockstep --seed %" PRIu64 "\n", seed);
    std::exit(1);
  }

  void collect() {
    if (!top->res_valid) return;
    if (pending.empty()) {
      std::fprintf(stderr, "RTL produced a result nobody asked for at cycle %" PRIu64 "\n", cycle);
      std::exit(1);
    }
    const Expected e = pending.front();
    pending.pop_front();
    if (top->res_id != e.id || bool(top->res_tx) != e.tx) fail(e, "order");
    if (e.tx) {
      const hls::TxDecision& x = e.txd;
      if (top->res_pools != x.loopback_pools || bool(top->res_to_wire) != x.to_wire ||
          bool(top->res_spoof_mac) != x.spoof_mac || bool(top->res_spoof_vlan) != x.spoof_vlan ||
          bool(top->res_drop) != x.drop || bool(top->res_tx_disabled) != x.tx_disabled ||
          bool(top->res_exact_match) != x.exact_match || top->res_effective_vid != x.effective_vid ||
          bool(top->res_effective_tagged) != x.effective_tagged)
        fail(e, "tx");
      ++checked_tx;
      tx_wire += x.to_wire;
      tx_loop += x.loopback_pools != 0;
      tx_multi += (x.loopback_pools & (x.loopback_pools - 1)) != 0;
      tx_spoof_mac += x.spoof_mac;
      tx_spoof_vlan += x.spoof_vlan;
      tx_disabled += x.tx_disabled;
      tx_dropped += x.drop;
    } else {
      const hls::RxDecision& x = e.rx;
      if (top->res_pools != x.pools || top->res_verdict != static_cast<unsigned>(x.verdict) ||
          bool(top->res_matched_rar) != x.matched_rar || bool(top->res_to_default_pool) != x.to_default_pool ||
          bool(top->res_passed_l2) != x.passed_l2 || top->res_candidate_pools != x.candidate_pools ||
          top->res_oversize_pools != x.oversize_pools)
        fail(e, "rx");
      ++checked_rx;
      ++rx_verdicts[static_cast<unsigned>(x.verdict)];
      rx_replicated += (x.pools & (x.pools - 1)) != 0;
      rx_default += x.to_default_pool;
    }
  }

  // ---- random register writes
  std::uint32_t pool_bits32() {
    switch (rng() % 4) {
      case 0: return 0;
      case 1: return 1u << (rng() % 32);
      case 2: return static_cast<std::uint32_t>(rng());
      default: return 0xFFFFFFFFu;
    }
  }
  void random_write(std::uint32_t& off, std::uint32_t& val) {
    const std::uint64_t mac = macs[rng() % macs.size()];
    const unsigned n = static_cast<unsigned>(rng() % (NUM_RAR + 2));  // a few beyond the table
    const unsigned p = static_cast<unsigned>(rng() % NUM_POOLS);
    const std::uint32_t r = static_cast<std::uint32_t>(rng());
    const std::uint16_t vid = vids[rng() % vids.size()];
    const unsigned nrar = n < NUM_RAR ? n : NUM_RAR - 1;
    const unsigned nvlvf = static_cast<unsigned>(rng() % NUM_VLVF);
    // The MTA / UTA bit an address of the pool hashes to (at the current MO), set or cleared
    // in the word's current value half of the time, so hash hits and misses both happen.
    const unsigned hash = hls::mta_index(mac, rng() % 4 ? sr.tables.mta_shift : static_cast<std::uint8_t>(rng() % 4));
    const unsigned word = hash >> 5;
    auto hash_word = [&](std::uint32_t table_off) -> std::uint32_t {
      std::uint32_t cur = 0;
      rs.read(table_off, cur);
      switch (rng() % 4) {
        case 0: return static_cast<std::uint32_t>(rng() & rng());
        case 1: return cur & ~(1u << (hash & 31));
        default: return cur | 1u << (hash & 31);
      }
    };
    if constexpr (!kI82599) {
      namespace m = regs::i82576;
      switch (rng() % 15) {
        case 0: off = m::RCTL::at(); val = r & (m::RCTL::UPE::make(1) | m::RCTL::MPE::make(1) | m::RCTL::MO::make(3) | m::RCTL::BAM::make(1) | m::RCTL::VFE::make(1)); break;
        case 1: off = m::MRQC::at(); val = rng() % 4 ? (rng() % 2 ? 3u : 5u) : static_cast<std::uint32_t>(rng() % 8); break;
        case 2: off = m::VT_CTL::at(); val = r & (m::VT_CTL::DEF_PL::make(7) | m::VT_CTL::DIS_DEF_POOL::make(1) | m::VT_CTL::VM_REPL_EN::make(1)); break;
        case 3: off = m::RAL::at(nrar); val = static_cast<std::uint32_t>(mac); break;
        case 4: off = m::RAH::at(nrar); val = static_cast<std::uint32_t>(mac >> 32) | m::RAH::POOLSEL::make(pool_bits32() & 0xFF) | m::RAH::AV::make(rng() % 4 != 0); break;
        case 5: off = m::MTA::at(rng() % 2 ? word : rng() % 128); val = hash_word(off); break;
        case 6: off = m::UTA::at(rng() % 2 ? word : rng() % 128); val = hash_word(off); break;
        case 7: off = m::VFTA::at(rng() % 2 ? vid >> 5 : rng() % 128); val = rng() % 2 ? 1u << (vid & 31) : static_cast<std::uint32_t>(rng() & rng()); break;
        case 8: off = m::VMOLR::at(p); val = (r & 0x7F030000u) | static_cast<std::uint32_t>(rng() % 2 ? 1518 + rng() % 16 : rng() % 0x4000); break;
        case 9: off = m::VLVF::at(nvlvf); val = vid | m::VLVF::POOLSEL::make(pool_bits32() & 0xFF) | m::VLVF::VLANID_ENABLE::make(rng() % 4 != 0); break;
        case 10: off = m::VMVIR::at(p); val = (r & 0xC0000000u) | vid; break;
        case 11: off = m::VFRE::at(); val = rng() % 3 ? 0xFFu : r; break;
        case 12: off = m::VFTE::at(); val = rng() % 3 ? 0xFFu : r; break;
        case 13: off = m::DTXSWC::at(); val = r; break;
        default: off = m::RAH::at(nrar); val = static_cast<std::uint32_t>(mac >> 32) | m::RAH::POOLSEL::make(1u << p) | m::RAH::AV::make(1); break;
      }
    } else {
      namespace m = regs::i82599;
      switch (rng() % 18) {
        case 0: off = m::FCTRL::at(); val = r & 0x700u; break;
        case 1: off = m::VLNCTRL::at(); val = r & 0x40000000u; break;
        case 2: off = m::MCSTCTRL::at(); val = r & 7u; break;
        case 3: off = m::PFVTCTL::at(); val = (r & 0x60001F81u) | (rng() % 4 ? 1u : 0u); break;
        case 4: off = m::RAL::at(nrar); val = static_cast<std::uint32_t>(mac); break;
        case 5: off = m::RAH::at(nrar); val = static_cast<std::uint32_t>(mac >> 32) | (rng() % 4 ? 0x80000000u : 0u); break;
        case 6: off = rng() % 2 ? m::MPSAR_LO::at(nrar) : m::MPSAR_HI::at(nrar); val = pool_bits32(); break;
        case 7: off = m::MTA::at(rng() % 2 ? word : rng() % 128); val = hash_word(off); break;
        case 8: off = m::UTA::at(rng() % 2 ? word : rng() % 128); val = hash_word(off); break;
        case 9: off = m::VFTA::at(rng() % 2 ? vid >> 5 : rng() % 128); val = rng() % 2 ? 1u << (vid & 31) : static_cast<std::uint32_t>(rng() & rng()); break;
        case 10: off = m::PFVML2FLT::at(p); val = r & 0x1F000000u; break;
        case 11: off = m::VLVF::at(nvlvf); val = vid | (rng() % 4 ? 0x80000000u : 0u); break;
        case 12: off = m::VLVFB::at(rng() % (2 * NUM_VLVF)); val = pool_bits32(); break;
        case 13: off = m::PFVFRE::at(rng() % 2); val = rng() % 3 ? 0xFFFFFFFFu : r; break;
        case 14: off = m::PFVFTE::at(rng() % 2); val = rng() % 3 ? 0xFFFFFFFFu : r; break;
        case 15: off = m::PFDTXGSWC::at(); val = r & 1u; break;
        case 16: off = m::PFVFSPOOF::at(rng() % 8); val = r & 0xFFFFu; break;
        default: off = m::MPSAR_LO::at(nrar); val = p < 32 ? 1u << p : 0; break;
      }
    }
  }

  // ---- random headers
  Hdr random_header() {
    Hdr x{};
    x.tx = rng() % 2;
    x.src = static_cast<unsigned>(rng() % 8 == 0 ? rng() % 128 : rng() % NUM_POOLS);
    auto pick_mac = [&]() -> std::uint64_t {
      switch (rng() % 6) {
        case 0: return hls::kMacMask;  // broadcast
        case 1: return random_mac(true);
        case 2: return random_mac(false);
        default: return macs[rng() % macs.size()];
      }
    };
    x.h.da = pick_mac();
    x.h.sa = rng() % 8 ? macs[rng() % macs.size()] : pick_mac();
    x.h.tagged = rng() % 2;
    x.h.vid = x.h.tagged ? (rng() % 4 ? vids[rng() % vids.size()] : static_cast<std::uint16_t>(rng() & 0xFFF)) : 0;
    static const std::uint16_t kLens[] = {60, 64, 128, 1500, 1517, 1518, 1519, 1521, 1522, 1523, 1530, 9018, 16383, 16384};
    x.h.frame_len = rng() % 2 ? kLens[rng() % (sizeof kLens / sizeof kLens[0])]
                              : static_cast<std::uint16_t>(64 + rng() % 1600);
    return x;
  }

  void random_cycles(std::uint64_t n) {
    // Phases with different write densities: bursts of programming, then mostly traffic.
    for (std::uint64_t c = 0; c < n;) {
      const unsigned phase = static_cast<unsigned>(rng() % 4);
      const unsigned write_pct = phase == 0 ? 60 : phase == 1 ? 10 : phase == 2 ? 2 : 0;
      const unsigned hdr_pct = phase == 0 ? 40 : phase == 3 ? 100 : 85;
      const std::uint64_t len = 200 + rng() % 2000;
      for (std::uint64_t k = 0; k < len && c < n; ++k, ++c) {
        std::uint32_t off = 0, val = 0;
        const bool we = rng() % 100 < write_pct;
        if (we) random_write(off, val);
        const bool hv = rng() % 100 < hdr_pct;
        Hdr h{};
        if (hv) h = random_header();
        cycle_with(we, off, val, hv ? &h : nullptr);
      }
    }
    idle(4);
  }

  // ---- directed cases: expected results from the datasheet rules, checked on both
  hls::RxDecision last_rx{};
  void expect_rx(const hls::L2Header& h, hls::PoolMask pools, hls::RxVerdict v, const char* what) {
    Hdr x{false, 0, h};
    cycle_with(false, 0, 0, &x);
    idle(3);
    const hls::RxDecision d = hls::classify_rx(sr.tables, h);
    if (d.pools != pools || d.verdict != v) {
      std::fprintf(stderr, "directed %s: pools %016" PRIx64 " verdict %u, expected %016" PRIx64 " %u\n", what,
                   d.pools, static_cast<unsigned>(d.verdict), pools, static_cast<unsigned>(v));
      std::exit(1);
    }
    std::printf("  directed %-44s ok\n", what);
  }
  void expect_tx(unsigned src, const hls::L2Header& h, hls::PoolMask loop, bool wire, bool drop, const char* what) {
    Hdr x{true, src, h};
    cycle_with(false, 0, 0, &x);
    idle(3);
    const hls::TxDecision d = hls::switch_tx(sr.tables, src, h);
    if (d.loopback_pools != loop || d.to_wire != wire || d.drop != drop) {
      std::fprintf(stderr, "directed %s: loop %016" PRIx64 " wire %d drop %d, expected %016" PRIx64 " %d %d\n",
                   what, d.loopback_pools, d.to_wire, d.drop, loop, wire, drop);
      std::exit(1);
    }
    std::printf("  directed %-44s ok\n", what);
  }
  void w(std::uint32_t off, std::uint32_t val) { cycle_with(true, off, val, nullptr); }

  void directed() {
    const std::uint64_t a = 0x0000EFBEAD02ull, b = 0x0000EFBEAD04ull;  // 02:ad:be:ef:00:00, 04:...
    hls::L2Header h{};
    h.frame_len = 64;
    if constexpr (!kI82599) {
      namespace m = regs::i82576;
      // Pools 1 and 2 own a and b; VMDq with replication, broadcast accepted by pools 1 and 2.
      w(m::MRQC::at(), m::MRQC::MRQE_VMDQ);
      w(m::VT_CTL::at(), m::VT_CTL::VM_REPL_EN::make(1));
      w(m::RCTL::at(), m::RCTL::BAM::make(1));
      w(m::RAL::at(1), static_cast<std::uint32_t>(a));
      w(m::RAH::at(1), static_cast<std::uint32_t>(a >> 32) | m::RAH::POOLSEL::make(2) | m::RAH::AV::make(1));
      w(m::RAL::at(2), static_cast<std::uint32_t>(b));
      w(m::RAH::at(2), static_cast<std::uint32_t>(b >> 32) | m::RAH::POOLSEL::make(4) | m::RAH::AV::make(1));
      for (unsigned p = 0; p < 8; ++p) w(m::VMOLR::at(p), m::VMOLR::AUPE::make(1) | m::VMOLR::BAM::make(p == 1 || p == 2));
      w(m::VFRE::at(), 0xFF);
      w(m::VFTE::at(), 0xFF);
      w(m::DTXSWC::at(), m::DTXSWC::LOOPBACK_EN::make(1) | m::DTXSWC::MAC_SPOOF::make(0x06));
    } else {
      namespace m = regs::i82599;
      w(m::PFVTCTL::at(), m::PFVTCTL::VT_ENA::make(1) | m::PFVTCTL::REPLEN::make(1));
      w(m::FCTRL::at(), m::FCTRL::BAM::make(1));
      w(m::RAL::at(1), static_cast<std::uint32_t>(a));
      w(m::RAH::at(1), static_cast<std::uint32_t>(a >> 32) | 0x80000000u);
      w(m::MPSAR_LO::at(1), 2);
      w(m::RAL::at(2), static_cast<std::uint32_t>(b));
      w(m::RAH::at(2), static_cast<std::uint32_t>(b >> 32) | 0x80000000u);
      w(m::MPSAR_LO::at(2), 4);
      for (unsigned p = 0; p < NUM_POOLS; ++p)
        w(m::PFVML2FLT::at(p), m::PFVML2FLT::AUPE::make(1) | m::PFVML2FLT::BAM::make(p == 1 || p == 2));
      w(m::PFVFRE::at(0), 0xFFFFFFFFu);
      w(m::PFVFRE::at(1), 0xFFFFFFFFu);
      w(m::PFVFTE::at(0), 0xFFFFFFFFu);
      w(m::PFVFTE::at(1), 0xFFFFFFFFu);
      w(m::PFDTXGSWC::at(), 1);
      w(m::PFVFSPOOF::at(0), 0x06);
    }
    h.da = a;
    expect_rx(h, 0x2, hls::RxVerdict::Deliver, "exact match -> its pool");
    h.da = hls::kMacMask;
    expect_rx(h, 0x6, hls::RxVerdict::Deliver, "broadcast -> the BAM pools (replicated)");
    h.da = 0x0000EFBEAD06ull;
    expect_rx(h, 0, hls::RxVerdict::DropNoPool, "unknown unicast, no UPE or UTA hit -> drop");
    h.da = a;
    h.frame_len = 1519;
    if (kI82599)  // no per-pool size limit: the MAC's MAXFRS is the only one
      expect_rx(h, 0x2, hls::RxVerdict::Deliver, "1519 bytes untagged -> delivered (82599)");
    else
      expect_rx(h, 0, hls::RxVerdict::DropSize, "1519 bytes untagged, LPE clear -> DropSize");
    h.frame_len = 64;
    h.da = b;
    h.sa = a;
    expect_tx(1, h, 0x4, false, false, "pool 1 to pool 2's MAC -> loopback only");
    h.sa = b;
    expect_tx(1, h, 0, false, true, "pool 1 with pool 2's SA -> MAC spoof drop");
    h.da = hls::kMacMask;
    h.sa = b;
    expect_tx(2, h, 0x2, true, false, "broadcast from pool 2 -> wire + pool 1");
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1, count = 200000, speed = 0;
  unsigned num_rar = NUM_RAR, num_vlvf = NUM_VLVF;
  const char* trace = nullptr;
  for (int i = 1; i < argc; ++i) {
    auto next = [&](const char* opt) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "sorter_lockstep: %s needs a value\n", opt);
        std::exit(2);
      }
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(next("--seed"), nullptr, 0);
    else if (!std::strcmp(argv[i], "--count")) count = std::strtoull(next("--count"), nullptr, 0);
    else if (!std::strcmp(argv[i], "--num-rar")) num_rar = static_cast<unsigned>(std::strtoul(next("--num-rar"), nullptr, 0));
    else if (!std::strcmp(argv[i], "--num-vlvf")) num_vlvf = static_cast<unsigned>(std::strtoul(next("--num-vlvf"), nullptr, 0));
    else if (!std::strcmp(argv[i], "--trace")) trace = next("--trace");
    else if (!std::strcmp(argv[i], "--speed")) speed = std::strtoull(next("--speed"), nullptr, 0);
    else {
      std::fprintf(stderr, "usage: sorter_lockstep [--seed S] [--count N] [--num-rar R] [--num-vlvf V] [--trace FILE.vcd] [--speed CYCLES]\n");
      return 2;
    }
  }
  if (num_rar < 1 || num_rar > NUM_RAR || num_vlvf < 1 || num_vlvf > NUM_VLVF) {
    std::fprintf(stderr, "sorter_lockstep: --num-rar must be 1..%d, --num-vlvf 1..%d\n", NUM_RAR, NUM_VLVF);
    return 2;
  }
  std::printf("sorter_lockstep %s (%d RAR, %d pools, %d VLVF; in use %u RAR, %u VLVF) seed %" PRIu64 "\n",
              kI82599 ? "82599" : "82576", NUM_RAR, NUM_POOLS, NUM_VLVF, num_rar, num_vlvf, seed);
  Harness hx(seed, num_rar, num_vlvf);
  if (trace) hx.trace_open(trace);
  hx.reset();
  hx.directed();
  const std::uint64_t c0 = hx.cycle;
  const auto t0 = std::chrono::steady_clock::now();
  hx.random_cycles(count);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cycles = static_cast<double>(hx.cycle - c0);
  if (!hx.pending.empty()) {
    std::fprintf(stderr, "%zu results never came out of the RTL\n", hx.pending.size());
    return 1;
  }
  std::printf("random: %" PRIu64 " cycles, %" PRIu64 " register writes, %" PRIu64 " Rx and %" PRIu64
              " Tx decisions compared, 0 mismatches\n",
              hx.cycle - c0, hx.writes, hx.checked_rx, hx.checked_tx);
  std::printf("  Rx: deliver %" PRIu64 " (replicated %" PRIu64 ", default pool %" PRIu64 "), no pool %" PRIu64
              ", VLAN filter %" PRIu64 ", size %" PRIu64 ", pool disabled %" PRIu64 "\n",
              hx.rx_verdicts[0], hx.rx_replicated, hx.rx_default, hx.rx_verdicts[1], hx.rx_verdicts[2],
              hx.rx_verdicts[3], hx.rx_verdicts[4]);
  std::printf("  Tx: wire %" PRIu64 ", loopback %" PRIu64 " (to several pools %" PRIu64 "), MAC spoof %" PRIu64
              ", VLAN spoof %" PRIu64 ", pool disabled %" PRIu64 ", dropped %" PRIu64 "\n",
              hx.tx_wire, hx.tx_loop, hx.tx_multi, hx.tx_spoof_mac, hx.tx_spoof_vlan, hx.tx_disabled, hx.tx_dropped);
  std::printf("speed: %.2f M cycles/s (model and reference together)\n", cycles / s / 1e6);
#if VM_TRACE
  if (hx.vcd) hx.vcd->close();
#endif
  if (speed) {
    // After the random run the tables hold a random programming: a header per clock alone.
    std::printf("speed of the RTL alone: %.2f M cycles/s (%" PRIu64 " back-to-back headers)\n",
                hx.speed(speed) / 1e6, speed);
  }
  hx.top->final();
  return 0;
}
