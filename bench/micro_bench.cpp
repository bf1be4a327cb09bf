// Micro-benchmarks of the hot blocks, one at a time (Google Benchmark): the sorter core's Rx
// and Tx decisions, the Tx arbitration core under each policy, the PCIe timeline's bookings
// and the frame pool. A regression in one block shows here without a whole-system run;
// `make bench` runs these, then `iovsim bench`. Inputs are generated before the timed loops
// from fixed seeds: the loops measure the block, not the generator.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "hls/scheduler/scheduler_core.h"
#include "hls/sorter/sorter_core.h"
#include "model/core/frame.h"
#include "model/core/timeline.h"

namespace h = iovsim::hls;

namespace {

// An 82599-sized VEB: 64 pools, each with its own exact filter, broadcast accepted by all,
// replication and loopback on.
std::unique_ptr<h::SorterTables> veb_tables() {
  auto t = std::make_unique<h::SorterTables>();
  *t = h::SorterTables{};
  t->num_rar = 128, t->num_pools = 64, t->num_vlvf = 64;
  t->vmdq_enable = t->replication_enable = t->broadcast_accept = t->global_loopback_enable = true;
  for (unsigned p = 0; p < 64; ++p) {
    t->rar[p] = {0x0000211b0002ull | std::uint64_t{p} << 40, true, h::PoolMask{1} << p};
    h::PoolCfg& c = t->pool[p];
    c.aupe = c.bam = c.rx_enabled = c.tx_enabled = c.loopback_enable = true;
    c.rlpml = 1522;
    c.mac_antispoof = true;
  }
  return t;
}

// Frames for the Rx side: mostly unicast hits, some broadcast, some unknown unicast.
std::vector<h::L2Header> rx_frames(std::size_t n) {
  std::mt19937_64 rng(7);
  std::vector<h::L2Header> v(n);
  for (auto& f : v) {
    const unsigned r = static_cast<unsigned>(rng() % 100), p = static_cast<unsigned>(rng() % 64);
    f = h::L2Header{};
    f.da = r < 90 ? 0x0000211b0002ull | std::uint64_t{p} << 40 : r < 95 ? h::kMacMask : 0x0000eeee0002ull;
    f.sa = 0x0000ccbbaa00ull;
    f.ethertype = 0x0800;
    f.frame_len = 64;
  }
  return v;
}

void BM_SorterClassifyRx(benchmark::State& st) {
  const auto t = veb_tables();
  const auto frames = rx_frames(4096);
  std::size_t i = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(h::classify_rx(*t, frames[i]));
    i = (i + 1) & 4095;
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}
BENCHMARK(BM_SorterClassifyRx);

void BM_SorterSwitchTx(benchmark::State& st) {
  const auto t = veb_tables();
  auto frames = rx_frames(4096);
  for (unsigned k = 0; k < frames.size(); ++k) frames[k].sa = 0x0000211b0002ull | std::uint64_t{k % 64} << 40;
  std::size_t i = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(h::switch_tx(*t, static_cast<unsigned>(i % 64), frames[i]));
    i = (i + 1) & 4095;
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}
BENCHMARK(BM_SorterSwitchTx);

// One arbitration decision over 128 queues, `range(1)` of them backlogged, the grant charged
// with a 64..1518-byte frame at the next decision. Policies: round robin, WRR, DWRR, strict,
// Ets (four DCB classes).
void BM_Arbitrate(benchmark::State& st) {
  constexpr unsigned N = 128;
  h::SchedConfig<N> cfg{};
  cfg.policy = static_cast<h::SchedPolicy>(st.range(0));
  cfg.num_queues = N;
  cfg.quantum_bytes = 1522;
  for (unsigned q = 0; q < N; ++q) cfg.weight[q] = static_cast<std::uint16_t>(1 + q % 4), cfg.priority[q] = static_cast<std::uint8_t>(q % 8);
  // Ets: the 82599's 32 x 4 layout (class = queue mod 4), ixgbe's credits for 10/20/30/40 %
  for (unsigned q = 0; q < N; ++q) h::sched_set_tc(cfg, q, q % 4);
  for (unsigned c = 0; c < 4; ++c) cfg.tc_refill[c] = static_cast<std::uint16_t>(20 * (c + 1)), cfg.tc_max[c] = static_cast<std::uint16_t>(409 * (c + 1));
  h::SchedState<N> s{};
  h::sched_reset(s);
  h::SchedRequest<N> r{};
  r.pending.clear_all();
  std::mt19937_64 rng(3);
  for (unsigned k = 0; k < static_cast<unsigned>(st.range(1)); ++k) r.pending.set(static_cast<unsigned>(rng() % N));
  r.eligible = r.pending;
  static const std::uint16_t sizes[] = {64, 594, 1518, 128};
  unsigned i = 0;
  for (auto _ : st) {
    const h::SchedDecision d = h::arbitrate(cfg, s, r);
    r.charge = d.grant, r.charge_queue = d.queue, r.charge_bytes = sizes[i++ & 3];
    benchmark::DoNotOptimize(d);
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}
BENCHMARK(BM_Arbitrate)
    ->ArgNames({"policy", "backlogged"})
    ->ArgsProduct({{0, 1, 2, 3, 4}, {8, 64}});

// PCIe timeline: bookings in time order (a busy link), and bookings up to a frame time out of
// order (the loosely-timed initiators), with the owner forgetting the past as kernel time moves.
void BM_TimelineReserve(benchmark::State& st) {
  const bool jitter = st.range(0) != 0;
  iovsim::Timeline tl;
  std::mt19937_64 rng(5);
  std::vector<iovsim::ps_t> offsets(4096);
  for (auto& o : offsets) o = jitter ? rng() % 67'200 : 0;  // up to one 64-byte frame time at 10 Gb/s
  iovsim::ps_t now = 0;
  std::size_t i = 0;
  for (auto _ : st) {
    now += 67'200;
    benchmark::DoNotOptimize(tl.reserve(now + offsets[i], 25'000));
    if ((i & 63) == 0) tl.forget_before(now > 1'000'000 ? now - 1'000'000 : 0);
    i = (i + 1) & 4095;
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}
BENCHMARK(BM_TimelineReserve)->ArgName("out_of_order")->Arg(0)->Arg(1);

// The frame pool: a frame allocated, referenced once more (replication), released twice.
void BM_FramePool(benchmark::State& st) {
  iovsim::FramePool pool(256);
  for (auto _ : st) {
    const iovsim::FrameHandle f = pool.alloc();
    pool.retain(f);
    pool.release(f);
    pool.release(f);
    benchmark::DoNotOptimize(f);
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}
BENCHMARK(BM_FramePool);

}  // namespace

BENCHMARK_MAIN();
