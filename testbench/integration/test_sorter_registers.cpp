// Register-level randomized scoreboard of the sorter module: random programmings written
// through the PF's registers (82576 layout), random frames through the frame socket. The test
// decodes the register values itself (bit positions from the 82576 datasheet / igb headers,
// written out here) into tables for the independent reference model, computes RSS queues with
// its own Toeplitz loop, and checks every delivery (pool and queue) and every drop. The
// decision cache in the sorter is exercised too: programmings change while frames repeat.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>
#include <random>
#include <set>

#include "model/core/device_profile.h"
#include "model/core/stats.h"
#include "model/sorter/sorter.h"
#include "testbench/hls/sorter_reference.h"

using namespace iovsim;

namespace {

struct Capture : sc_core::sc_module {
  FrameInitiatorSocket to_sorter{"to_sorter"};
  FrameInitiatorSocket tx_unused{"tx_unused"};
  FrameTargetSocket<Capture> from_sorter{"from_sorter", this, &Capture::got};
  FrameTargetSocket<Capture> wire{"wire", this, &Capture::got_wire};
  std::multiset<std::pair<int, int>> deliveries;  // (pool, queue) of the current frame
  unsigned wire_frames = 0;
  explicit Capture(sc_core::sc_module_name n) : sc_module(n) {}
  void got(FrameBurst& b) {
    for (unsigned i = 0; i < b.n; ++i) {
      deliveries.insert({b.f[i].pool_id, b.f[i].queue});
      b.f[i].pool->release(b.f[i].handle);
    }
  }
  void got_wire(FrameBurst& b) {
    for (unsigned i = 0; i < b.n; ++i) {
      ++wire_frames;
      b.f[i].t += 7;  // as the MAC answers: when the frame has left
      b.f[i].pool->release(b.f[i].handle);
    }
  }
};

std::uint32_t toeplitz(const std::uint8_t* key, const std::uint8_t* in, unsigned n) {
  std::uint32_t r = 0;
  for (unsigned bit = 0; bit < n * 8; ++bit)
    if (in[bit / 8] & (0x80 >> (bit % 8))) {
      std::uint32_t window = 0;  // key bits [bit, bit + 32)
      for (unsigned k = 0; k < 32; ++k) {
        unsigned kb = bit + k;
        window = window << 1 | ((key[kb / 8] >> (7 - kb % 8)) & 1);
      }
      r ^= window;
    }
  return r;
}

}  // namespace

namespace {
void scoreboard(const char* preset) {
  const DeviceProfile& prof = device_profile(preset);
  const bool f99 = prof.family == Family::i82599;
  const unsigned P = prof.num_pools, R = prof.num_rar, V = prof.num_vlvf;
  regs::RegisterSpace pf("pf0");
  Sorter sorter("sorter", prof, PortLayout{0, P - 1, 0, false}, R, V, pf);
  Capture cap("cap");
  cap.to_sorter.bind(sorter.rx_in);
  cap.tx_unused.bind(sorter.tx_in);
  sorter.to_dma.bind(cap.from_sorter);
  sorter.to_wire.bind(cap.wire);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);

  FramePool pool(8);
  std::mt19937_64 rng(2026);
  auto below = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
  std::vector<std::uint64_t> ucast, mcast;
  for (int i = 0; i < 12; ++i) ucast.push_back((rng() & 0xFFFFFFFFFFFEull) & ~1ull);
  for (int i = 0; i < 4; ++i) mcast.push_back((rng() & 0xFFFFFFFFFFFFull) | 1ull);
  const std::uint16_t vids[] = {0, 10, 20, 300};
  std::uint8_t key[40];
  for (auto& b : key) b = static_cast<std::uint8_t>(rng());
  for (unsigned i = 0; i < 10; ++i)
    pf.write((f99 ? 0xEB80 : 0x5C80) + 4 * i, key[4 * i] | key[4 * i + 1] << 8 |
                                                  key[4 * i + 2] << 16 |
                                                  std::uint32_t{key[4 * i + 3]} << 24);

  std::map<std::string, unsigned> classes;
  std::uint64_t frames = 0, expected_deliveries = 0, expected_drops = 0, mismatches = 0;
  for (int programming = 0; programming < 300; ++programming) {
    // ---- random register programming, decoded independently into `t`
    hls::SorterTables t{};
    t.num_rar = R, t.num_pools = P, t.num_vlvf = V;
    const bool upe = below(2), mpe = below(2), bam = below(2), vfe = below(3) != 0;
    const unsigned mo = below(4);
    if (f99) {  // FCTRL, VLNCTRL, MCSTCTRL (82599 datasheet / ixgbe_type.h bit positions)
      pf.write(0x5080, mpe << 8 | upe << 9 | bam << 10);
      pf.write(0x5088, vfe ? 1u << 30 : 0);
      pf.write(0x5090, mo | 1u << 2);
    } else {  // RCTL
      pf.write(0x0100, upe << 3 | mpe << 4 | mo << 12 | bam << 15 | (vfe ? 1u << 18 : 0));
    }
    t.unicast_promisc = upe, t.multicast_promisc = mpe, t.broadcast_accept = bam;
    t.mta_shift = static_cast<std::uint8_t>(mo), t.vlan_filter_enable = vfe;
    const bool rss = below(2);
    if (f99)  // MRQE 0x8: 64 pools, 0xB: 64 pools + RSS; IPv4, IPv4 TCP/UDP, IPv6
      pf.write(0xEC80, (rss ? 0xBu : 0x8u) | 0x00C30000u);
    else  // MRQE 3: VMDq, 5: VMDq + RSS
      pf.write(0x5818, (rss ? 5u : 3u) | 0x00C30000u);
    t.vmdq_enable = true;
    const unsigned def = below(P), dis_def = below(4) == 0, repl = below(3) != 0;
    if (f99)  // PFVTCTL: VT_ENA 0, DEF_PL 12:7, DIS_DEFPL 29, REPLEN 30
      pf.write(0x51B0, 1u | def << 7 | dis_def << 29 | repl << 30);
    else  // VT_CTL: DEF_PL 9:7
      pf.write(0x581C, def << 7 | dis_def << 29 | repl << 30);
    t.default_pool = def, t.disable_default_pool = dis_def, t.replication_enable = repl;
    auto random_pools = [&]() -> std::uint64_t {
      if (below(4)) return std::uint64_t{1} << below(P);
      std::uint64_t m = rng();
      return P == 64 ? m : m & ((std::uint64_t{1} << P) - 1);
    };
    for (unsigned n = 0; n < R; ++n) {
      std::uint64_t mac = below(4) ? ucast[below(12)] : mcast[below(4)];
      std::uint64_t pools = random_pools();
      bool av = below(5) != 0;
      std::uint32_t ral = static_cast<std::uint32_t>(mac);
      std::uint32_t rah = static_cast<std::uint32_t>(mac >> 32 & 0xFFFF) | (av ? 1u << 31 : 0);
      if (f99) {  // pools in MPSAR_LO/HI
        std::uint32_t off = n <= 15 ? 0x5400 + 8 * n : 0xA200 + 8 * n;
        pf.write(off, ral), pf.write(off + 4, rah);
        pf.write(0xA600 + 8 * n, static_cast<std::uint32_t>(pools));
        pf.write(0xA604 + 8 * n, static_cast<std::uint32_t>(pools >> 32));
      } else {  // RAH.POOLSEL 25:18
        std::uint32_t off = n < 16 ? 0x5400 + 8 * n : 0x54E0 + 8 * (n - 16);
        pf.write(off, ral), pf.write(off + 4, rah | static_cast<std::uint32_t>(pools) << 18);
      }
      t.rar[n] = {mac, av, pools};
    }
    for (unsigned i = 0; i < 128; ++i) {
      std::uint32_t mta = below(4) ? 0 : static_cast<std::uint32_t>(rng());
      std::uint32_t uta = below(6) ? 0 : static_cast<std::uint32_t>(rng());
      std::uint32_t vfta = static_cast<std::uint32_t>(rng());
      pf.write(0x5200 + 4 * i, mta);
      pf.write((f99 ? 0xF400 : 0xA000) + 4 * i, uta);
      pf.write((f99 ? 0xA000 : 0x5600) + 4 * i, vfta);
      t.mta[i] = mta, t.uta[i] = uta, t.vfta[i] = vfta;
    }
    for (unsigned i = 0; i < V; ++i) {
      std::uint16_t vid = vids[below(4)];
      bool en = below(2);
      std::uint64_t pools = random_pools();
      if (f99) {  // VLVF: VID 11:0, VI_En 31; pools in VLVFB(2i), VLVFB(2i + 1)
        pf.write(0xF100 + 4 * i, vid | (en ? 1u << 31 : 0));
        pf.write(0xF200 + 8 * i, static_cast<std::uint32_t>(pools));
        pf.write(0xF204 + 8 * i, static_cast<std::uint32_t>(pools >> 32));
      } else {  // VLVF: POOLSEL 19:12
        pf.write(0x5D00 + 4 * i, vid | static_cast<std::uint32_t>(pools) << 12 | (en ? 1u << 31 : 0));
      }
      t.vlvf[i] = {vid, en, pools};
    }
    std::uint64_t vfre = below(4) ? ~std::uint64_t{0} : rng();
    if (P < 64) vfre &= (std::uint64_t{1} << P) - 1;
    if (f99)
      pf.write(0x51E0, static_cast<std::uint32_t>(vfre)), pf.write(0x51E4, static_cast<std::uint32_t>(vfre >> 32));
    else
      pf.write(0x0C8C, static_cast<std::uint32_t>(vfre));
    for (unsigned p = 0; p < P; ++p) {
      hls::PoolCfg& c = t.pool[p];
      std::uint32_t v = static_cast<std::uint32_t>(rng());
      if (f99) {  // PFVML2FLT: AUPE 24, ROMPE 25, ROPE 26, BAM 27, MPE 28; no size limit, RSS by MRQC
        v &= 0x1F000000;
        pf.write(0xF000 + 4 * p, v);
        c.lpe = true, c.rlpml = 0x3FFF, c.rsse = rss;
      } else {  // VMOLR
        v &= 0x5F03FFFF;
        pf.write(0x5AD0 + 4 * p, v);
        c.rlpml = v & 0x3FFF, c.lpe = v >> 16 & 1, c.rsse = v >> 17 & 1;
        c.strip_vlan = v >> 30 & 1;
      }
      c.aupe = v >> 24 & 1, c.rompe = v >> 25 & 1, c.rope = v >> 26 & 1, c.bam = v >> 27 & 1;
      c.mpe = v >> 28 & 1;
      c.rx_enabled = vfre >> p & 1;
    }
    std::uint8_t reta[128];
    for (unsigned i = 0; i < 32; ++i) {
      std::uint32_t v = static_cast<std::uint32_t>(rng()) & 0x01010101;
      pf.write((f99 ? 0xEB00 : 0x5C00) + 4 * i, v);
      for (unsigned b = 0; b < 4; ++b) reta[4 * i + b] = static_cast<std::uint8_t>(v >> (8 * b));
    }

    // ---- frames: each header twice in a row, so the decision cache answers the second
    for (int k = 0; k < 40; ++k) {
      FrameHandle h = pool.alloc();
      Frame& f = pool[h];
      std::uint64_t da = below(8) == 0   ? 0xFFFFFFFFFFFFull
                         : below(3) == 0 ? mcast[below(4)]
                         : below(5) == 0 ? (rng() & 0xFFFFFFFFFFFEull)
                                         : ucast[below(12)];
      std::uint16_t vid = below(2) ? vids[below(4)] : 0;
      static const unsigned sizes[] = {64, 128, 1518, 1522, 3000};
      f.len = sizes[below(5)];
      std::memset(f.data, 0, 64);
      for (int i = 0; i < 6; ++i) f.data[i] = static_cast<std::uint8_t>(da >> (8 * i));
      f.data[6] = 0x02;
      unsigned l3 = 14;
      if (vid) f.data[12] = 0x81, f.data[14] = vid >> 8, f.data[15] = vid & 0xFF, l3 = 18;
      f.data[l3 - 2] = 0x08;
      std::uint8_t* ip = f.data + l3;
      ip[0] = 0x45, ip[9] = 17;
      for (int i = 12; i < 20; ++i) ip[i] = static_cast<std::uint8_t>(rng());
      for (int i = 20; i < 24; ++i) ip[i] = static_cast<std::uint8_t>(rng());
      f.seq = frames;
      for (int repeat = 0; repeat < 2; ++repeat) {
        FrameHandle h2 = repeat ? pool.alloc() : h;
        if (repeat) std::memcpy(&pool[h2], &f, sizeof(Frame)), pool[h2].refs = 1;
        hls::L2Header hdr{};
        hdr.da = da, hdr.sa = 0x02, hdr.tagged = vid != 0, hdr.vid = vid, hdr.ethertype = 0x0800;
        hdr.frame_len = static_cast<std::uint16_t>(f.len);
        auto expect = test::ref::classify(t, hdr);
        std::multiset<std::pair<int, int>> want;
        std::uint8_t in[12];
        std::memcpy(in, ip + 12, 8), std::memcpy(in + 8, ip + 20, 4);
        const std::uint32_t hash = toeplitz(key, in, 12);
        for (unsigned pl : expect.pools) {
          unsigned q = rss && t.pool[pl].rsse ? reta[hash & 0x7F] % 2 : 0;
          const unsigned queue = f99 ? 2 * pl + q : pl + 8 * q;  // 64 x 2 / 8 pools x 2
          want.insert({static_cast<int>(pl), static_cast<int>(queue)});
        }
        const std::uint64_t drops_before = sorter.drops().total();
        cap.deliveries.clear();
        FrameBurst b;
        FramePayload& p = b.add();
        p.pool = &pool, p.handle = h2;
        cap.to_sorter.send(b);
        const bool dropped = sorter.drops().total() == drops_before + 1;
        ++frames;
        expected_deliveries += want.size();
        expected_drops += want.empty();
        ++classes[fmt::format("{}{}", want.empty() ? "drop" : want.size() > 1 ? "multi" : "one",
                              rss && !want.empty() ? "+rss" : "")];
        if (cap.deliveries != want || dropped != want.empty()) {
          ++mismatches;
          if (mismatches < 5)
            FAIL_CHECK(fmt::format("programming {} frame {}: da {:012x} vid {} len {}: got {} "
                                   "deliveries, want {}",
                                   programming, k, da, vid, f.len, cap.deliveries.size(),
                                   want.size()));
        }
      }
    }
  }
  for (auto& [k, n] : classes) std::printf("  %-12s %u\n", k.c_str(), n);
  CHECK(mismatches == 0);
  CHECK(classes["drop"] > 100);
  CHECK(classes["multi"] > 100);
  CHECK(classes["one+rss"] > 100);
  // conservation: every frame was delivered to its pools or counted as one drop
  CHECK(sorter.drops().total() == expected_drops);
  CHECK(sorter.stats().replicas + frames == expected_deliveries + expected_drops);
  CHECK(pool.in_use() == 0);
  CHECK(sorter.classify_calls() < frames);  // the cache answered the repeats
}
}  // namespace

TEST_CASE("82576 sorter programmed through registers matches the reference model") {
  scoreboard("82576");
}

TEST_CASE("82599 sorter programmed through registers matches the reference model") {
  scoreboard("82599");
}

TEST_CASE("82599 RSS registers answer at the 82598 offsets ixgbe writes, too") {
  const DeviceProfile& prof = device_profile("82599");
  regs::RegisterSpace pf("pf0");
  Sorter sorter("sorter", prof, PortLayout{0, 4, 0, false}, 128, 64, pf);
  std::uint32_t v = 0;
  CHECK(pf.write(0x5C00 + 4 * 3, 0x01000100));  // IXGBE_RETA(3)
  CHECK(pf.read(0xEB00 + 4 * 3, v));
  CHECK(v == 0x01000100);
  CHECK(pf.write(0xEB80 + 4 * 9, 0xCAFEF00D));  // RSSRK(9)
  CHECK(pf.read(0x5C80 + 4 * 9, v));
  CHECK(v == 0xCAFEF00D);
  CHECK(pf.write(0x5818, 0xB));  // IXGBE_MRQC: 64 pools with RSS
  CHECK(pf.read(0xEC80, v));
  CHECK(v == 0xB);
  CHECK(sorter.tables().pool[63].rsse);
}

TEST_CASE("82576 VMVIR gives a pool a port VLAN: its frames switch tagged, its own tags are spoofs") {
  // E1000_VMVIR(n) = 0x3700 + 4n, VLANA_DEFAULT = 0x40000000 (always insert), PORT_VLAN 15:0
  const DeviceProfile& prof = device_profile("82576");
  regs::RegisterSpace pf("pf0");
  Sorter sorter("sorter", prof, PortLayout{0, 7, 0, false}, 24, 32, pf);
  Capture cap("cap");
  cap.to_sorter.bind(sorter.rx_in);
  FrameInitiatorSocket& tx = cap.tx_unused;  // the VM's Tx side, here used
  tx.bind(sorter.tx_in);
  sorter.to_dma.bind(cap.from_sorter);
  sorter.to_wire.bind(cap.wire);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  const std::uint64_t mac1 = 0x010000000002ull, mac2 = 0x020000000002ull;  // 02:00:00:00:00:0n
  auto rar = [&](unsigned n, std::uint64_t mac, unsigned pool) {
    pf.write(0x5400 + 8 * n, static_cast<std::uint32_t>(mac));
    pf.write(0x5404 + 8 * n, static_cast<std::uint32_t>(mac >> 32) | 1u << (18 + pool) | 1u << 31);
  };
  rar(0, mac1, 1);
  rar(1, mac2, 2);
  pf.write(0x0100, 1u << 18 | 1u << 15);        // RCTL: VFE, BAM
  pf.write(0x5818, 0x3);                         // MRQC: VMDq
  pf.write(0x581C, 1u << 30);                    // VT_CTL: replication
  pf.write(0x0C8C, 0xFF), pf.write(0x0C90, 0xFF);  // VFRE, VFTE
  pf.write(0x3500, 1u << 31 | (1u << 1) << 8);   // DTXSWC: loopback, VLAN anti-spoof on pool 1
  pf.write(0x5D00, 100 | (0x6u << 12) | 1u << 31);  // VLVF 0: VID 100, pools 1 and 2
  pf.write(0x5600 + 4 * (100 / 32), 1u << (100 % 32));  // VFTA: VID 100
  CHECK(pf.write(0x3700 + 4 * 1, 0x40000000 | 100));  // VMVIR(1): always insert VID 100
  std::uint32_t v = 0;
  CHECK(pf.read(0x3704, v));
  CHECK(v == 0x40000064);
  CHECK(sorter.tables().pool[1].port_vlan_insert);
  CHECK(sorter.tables().pool[1].port_vlan == 100);

  FramePool pool(16);
  // A 64-byte frame from pool 1's station (mac1) to `da`, tagged VLAN 100 or untagged.
  auto frame = [&](std::uint64_t da, bool tagged) {
    FrameHandle h = pool.alloc();
    REQUIRE(h != kNoFrame);
    Frame& f = pool[h];
    f.len = 64;
    std::memset(f.data, 0, 64);
    for (int i = 0; i < 6; ++i) f.data[i] = static_cast<std::uint8_t>(da >> (8 * i));
    for (int i = 0; i < 6; ++i) f.data[6 + i] = static_cast<std::uint8_t>(mac1 >> (8 * i));
    if (tagged) f.data[12] = 0x81, f.data[14] = 0, f.data[15] = 100;
    else f.data[12] = 0x08;
    return FramePayload{&pool, h, 0, 1, 1, 0};
  };
  auto send = [&](bool tagged) {  // to mac2, one frame a call
    FrameBurst b;
    b.add() = frame(mac2, tagged);
    cap.deliveries.clear();
    tx.send(b);
  };
  // Untagged from pool 1: switched with the port VLAN, pool 2 (a member of VLAN 100) receives it.
  send(false);
  CHECK(cap.deliveries.count({2, 2}) == 1);
  // A tag the VM put in itself while the port VLAN is inserted: a VLAN spoof, dropped.
  send(true);
  CHECK(cap.deliveries.empty());
  CHECK(sorter.stats().spoof_events == 1);

  // A Tx burst of several frames (the Tx DMA sends one a call; the protocol allows more): the
  // same deliveries, wire frames and spoofs as one frame a call, the loopback copy and the
  // wire copy of each frame in its order, and each wire frame's time set on return.
  const std::uint64_t outside = 0x0A0000000002ull;  // 02:00:00:00:00:0a, no local station
  const std::uint64_t broadcast = 0xFFFFFFFFFFFFull;  // local pools and the wire
  struct Outcome {
    std::multiset<std::pair<int, int>> deliveries;
    unsigned wire;
    std::uint64_t spoofs, loopback;
  };
  auto outcome = [&](unsigned wire0, std::uint64_t spoof0, std::uint64_t lb0) {
    return Outcome{cap.deliveries, cap.wire_frames - wire0, sorter.stats().spoof_events - spoof0,
                   sorter.stats().loopback_frames - lb0};
  };
  const std::pair<std::uint64_t, bool> frames[] = {{mac2, false}, {outside, false}, {mac2, true}, {broadcast, false}};
  cap.deliveries.clear();
  unsigned w0 = cap.wire_frames;
  std::uint64_t s0 = sorter.stats().spoof_events, l0 = sorter.stats().loopback_frames;
  for (const auto& [da, tagged] : frames) {
    FrameBurst one;
    one.add() = frame(da, tagged);
    tx.send(one);
  }
  const Outcome singly = outcome(w0, s0, l0);
  cap.deliveries.clear();
  w0 = cap.wire_frames, s0 = sorter.stats().spoof_events, l0 = sorter.stats().loopback_frames;
  FrameBurst all;
  for (const auto& [da, tagged] : frames) {
    all.add() = frame(da, tagged);
    all.f[all.n - 1].t = 1000 * all.n;
  }
  tx.send(all);
  const Outcome burst = outcome(w0, s0, l0);
  CHECK(singly.wire == 2);  // the outside unicast and the broadcast
  CHECK(singly.spoofs == 1);
  CHECK(singly.deliveries.count({2, 2}) == 1);  // the untagged unicast (no pool takes broadcast: VMOLR.BAM clear)
  CHECK(burst.deliveries == singly.deliveries);
  CHECK(burst.wire == singly.wire);
  CHECK(burst.spoofs == singly.spoofs);
  CHECK(burst.loopback == singly.loopback);
  CHECK(pool.in_use() == 0);  // every frame released: delivered, sent or dropped
  CHECK(all.f[0].t == 1000);  // local only: its time unchanged
  CHECK(all.f[1].t == 2007);  // to the wire: when it left
  CHECK(all.f[2].t == 3000);  // dropped (a spoof)
  CHECK(all.f[3].t == 4007);
}
