// Randomized scoreboard for the HLS L2 sorter core.
//
// Thousands of random table programmings (82576 / 82599 size presets, random active sizes,
// random RAR entries including duplicates, invalid entries and entries beyond num_rar, random
// VLVF, MTA/UTA/VFTA bits, VMOLR bits, VT_CTL) and random frames (biased so that exact hits,
// misses, broadcast, multicast, tagged, untagged and oversize frames all occur often) are run
// through classify_rx() / switch_tx() and through an independent reference model written in
// this file straight from the datasheet step lists (std::set of pools, byte-wise address
// compares, the igb_hash_mc_addr formula for the MTA index). It uses none of the core's
// helpers. Fixed seeds: the run is deterministic. Zero mismatches are required, and the
// decision classes covered are counted, printed and required to be non-trivially populated.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "testbench/hls/rng.h"
#include "hls/sorter/sorter_core.h"
#include "testbench/hls/sorter_reference.h"

using iovsim::hls::classify_rx;
using iovsim::hls::L2Header;
using iovsim::hls::PoolCfg;
using iovsim::hls::PoolMask;
using iovsim::hls::RxDecision;
using iovsim::hls::RxVerdict;
using iovsim::hls::SorterTables;
using iovsim::hls::switch_tx;
using iovsim::hls::TxDecision;

namespace ref = iovsim::test::ref;

namespace {

// ------------------------------------------------------------------------------------------
// Random stimulus.
// ------------------------------------------------------------------------------------------
using iovsim::test::Rng;

constexpr uint64_t kMac48 = 0xFFFFFFFFFFFFull;

struct Universe {
  std::vector<uint64_t> ucast, mcast;
  std::vector<uint16_t> vids;
};

uint64_t random_ucast(Rng& r) { return (r.next() & kMac48) & ~uint64_t{1}; }
uint64_t random_mcast(Rng& r) {
  uint64_t m = (r.next() & kMac48) | 1u;
  return m == kMac48 ? m ^ 0x100 : m;
}

PoolMask random_pools(Rng& r, unsigned num_pools) {
  const unsigned kind = r.below(100);
  if (kind < 55) return PoolMask{1} << r.below(num_pools + 2 > 64 ? 64 : num_pools + 2);
  if (kind < 85) return r.next() & r.next();
  return 0;
}

void set_bit(uint32_t* table, unsigned index) { table[index / 32] |= 1u << (index % 32); }

SorterTables random_tables(Rng& r, Universe& u) {
  SorterTables t{};
  const bool big = r.chance(50);  // 82599 preset, else 82576
  const unsigned max_rar = big ? 128 : 24, max_pools = big ? 64 : 8, max_vlvf = big ? 64 : 32;
  t.num_rar = r.chance(30) ? max_rar : 1 + r.below(max_rar);
  t.num_pools = r.chance(30) ? max_pools : 1 + r.below(max_pools);
  t.num_vlvf = r.chance(30) ? max_vlvf : r.below(max_vlvf + 1);

  u.ucast.clear();
  u.mcast.clear();
  u.vids.clear();
  for (int i = 0; i < 10; ++i) u.ucast.push_back(random_ucast(r));
  for (int i = 0; i < 4; ++i) u.mcast.push_back(random_mcast(r));
  for (int i = 0; i < 5; ++i) u.vids.push_back(static_cast<uint16_t>(r.below(4096)));

  t.mta_shift = static_cast<uint8_t>(r.below(4));
  t.vmdq_enable = r.chance(90);
  t.replication_enable = r.chance(60);
  t.disable_default_pool = r.chance(30);
  t.default_pool = r.chance(85) ? r.below(t.num_pools) : r.below(t.num_pools + 3);
  t.unicast_promisc = r.chance(20);
  t.multicast_promisc = r.chance(20);
  t.broadcast_accept = r.chance(60);
  t.global_loopback_enable = r.chance(75);
  t.vlan_filter_enable = r.chance(50);

  for (unsigned i = 0; i < iovsim::hls::kMaxRar; ++i) {  // also beyond num_rar
    const unsigned kind = r.below(100);
    uint64_t m;
    if (kind < 65) m = r.pick(u.ucast);  // small universe: duplicates are frequent
    else if (kind < 85) m = r.pick(u.mcast);
    else if (kind < 88) m = kMac48;
    else m = random_ucast(r);
    if (r.chance(5)) m |= uint64_t{0x5A5A} << 48;  // junk above bit 47 must be ignored
    t.rar[i] = {m, r.chance(80), random_pools(r, t.num_pools)};
  }
  for (unsigned i = 0; i < iovsim::hls::kMaxVlvf; ++i) {
    const uint16_t vid = r.chance(90) ? r.pick(u.vids) : static_cast<uint16_t>(r.below(4096));
    t.vlvf[i] = {vid, r.chance(80), random_pools(r, t.num_pools) | (r.chance(40) ? r.next() : 0)};
  }
  for (uint16_t vid : u.vids)
    if (r.chance(75)) set_bit(t.vfta, vid);
  for (uint64_t m : u.mcast)
    if (r.chance(55)) set_bit(t.mta, ref::hash12(m, t.mta_shift));
  for (uint64_t m : u.ucast)
    if (r.chance(30)) set_bit(t.uta, ref::hash12(m, t.mta_shift));
  for (int i = 0; i < 40; ++i) set_bit(t.mta, r.below(4096));
  for (int i = 0; i < 40; ++i) set_bit(t.uta, r.below(4096));
  for (int i = 0; i < 40; ++i) set_bit(t.vfta, r.below(4096));

  static const uint16_t kRlpml[] = {1000, 1518, 1522, 2048, 4000, 9018, 9728};
  for (unsigned p = 0; p < iovsim::hls::kMaxPools; ++p) {
    PoolCfg& c = t.pool[p];
    c.aupe = r.chance(60);
    c.rompe = r.chance(40);
    c.rope = r.chance(25);
    c.bam = r.chance(50);
    c.mpe = r.chance(15);
    c.upe = r.chance(10);
    c.lpe = r.chance(40);
    c.rlpml = r.chance(70) ? kRlpml[r.below(7)] : static_cast<uint16_t>(64 + r.below(9700));
    c.rsse = r.chance(50);
    c.rx_enabled = r.chance(85);
    c.tx_enabled = r.chance(90);
    c.strip_vlan = r.chance(50);
    c.port_vlan = r.chance(80) ? r.pick(u.vids) : static_cast<uint16_t>(r.below(4096));
    c.port_vlan_insert = r.chance(15);
    c.mac_antispoof = r.chance(50);
    c.vlan_antispoof = r.chance(40);
    c.loopback_enable = r.chance(30);
  }
  return t;
}

L2Header random_frame(Rng& r, const SorterTables& t, const Universe& u) {
  L2Header h{};
  const unsigned kind = r.below(100);
  if (kind < 35) h.da = r.pick(u.ucast);
  else if (kind < 47) h.da = random_ucast(r);
  else if (kind < 62) h.da = r.pick(u.mcast);
  else if (kind < 70) h.da = random_mcast(r);
  else if (kind < 85) h.da = kMac48;
  else h.da = t.rar[r.below(t.num_rar + 4 < 128 ? t.num_rar + 4 : 128)].mac & kMac48;

  const unsigned sk = r.below(100);
  if (sk < 60) h.sa = t.rar[r.below(t.num_rar)].mac & kMac48;
  else if (sk < 85) h.sa = r.pick(u.ucast);
  else h.sa = random_ucast(r);

  h.tagged = r.chance(55);
  h.vid = r.chance(80) ? r.pick(u.vids) : static_cast<uint16_t>(r.below(4096));
  if (r.chance(5)) h.vid |= 0xF000;  // bits above the 12-bit VID must be ignored
  h.pcp = static_cast<uint16_t>(r.below(8));
  h.ethertype = 0x0800;

  const unsigned lk = r.below(100);
  static const uint16_t kEdges[] = {1518, 1519, 1522, 1523};
  if (lk < 55) h.frame_len = static_cast<uint16_t>(64 + r.below(1518 - 64 + 1));
  else if (lk < 67) h.frame_len = kEdges[r.below(4)];
  else if (lk < 80) {
    const unsigned rl = t.pool[r.below(t.num_pools)].rlpml;
    h.frame_len = static_cast<uint16_t>(rl + r.below(3) - 1);
  } else h.frame_len = static_cast<uint16_t>(1519 + r.below(9728 - 1519 + 1));
  return h;
}

// ------------------------------------------------------------------------------------------
// Comparison and coverage.
// ------------------------------------------------------------------------------------------
PoolMask to_mask(const ref::PoolSet& s) {
  PoolMask m = 0;
  for (unsigned p : s) m |= PoolMask{1} << p;
  return m;
}

const char* verdict_name(RxVerdict v) {
  switch (v) {
    case RxVerdict::Deliver: return "Deliver";
    case RxVerdict::DropNoPool: return "DropNoPool";
    case RxVerdict::DropVlanFilter: return "DropVlanFilter";
    case RxVerdict::DropSize: return "DropSize";
    case RxVerdict::DropPoolDisabled: return "DropPoolDisabled";
  }
  return "?";
}

const char* dest_class(uint64_t da) {
  if ((da & kMac48) == kMac48) return "bcast";
  return (da & 1) ? "mcast" : "ucast";
}

std::string describe(const L2Header& h) {
  std::ostringstream os;
  os << std::hex << "da=" << h.da << " sa=" << h.sa << std::dec << " tagged=" << h.tagged
     << " vid=" << h.vid << " len=" << h.frame_len;
  return os.str();
}

void print_coverage(const char* title, const std::map<std::string, unsigned>& cov) {
  std::printf("---- %s coverage ----\n", title);
  for (const auto& kv : cov) std::printf("  %-44s %8u\n", kv.first.c_str(), kv.second);
}

unsigned count(const std::map<std::string, unsigned>& cov, const std::string& key) {
  auto it = cov.find(key);
  return it == cov.end() ? 0 : it->second;
}

constexpr unsigned kConfigs = 3000;
constexpr unsigned kFramesPerConfig = 24;

}  // namespace

TEST_CASE("classify_rx matches the reference model on random programmings", "[sorter][scoreboard][rx]") {
  Rng rng(0x1A2B3C4D5E6F7788ull);
  Universe u;
  std::map<std::string, unsigned> cov;
  unsigned checked = 0, mismatches = 0;

  for (unsigned c = 0; c < kConfigs; ++c) {
    const SorterTables t = random_tables(rng, u);
    for (unsigned f = 0; f < kFramesPerConfig; ++f) {
      const L2Header h = random_frame(rng, t, u);
      const RxDecision got = classify_rx(t, h);
      const ref::Rx want = ref::classify(t, h);
      ++checked;
      const bool same = got.verdict == want.verdict && got.pools == to_mask(want.pools) &&
                        got.matched_rar == want.matched_rar &&
                        got.to_default_pool == want.to_default_pool;
      if (!same) {
        if (++mismatches <= 5) {
          CAPTURE(c, f, describe(h), t.replication_enable, t.vmdq_enable, t.vlan_filter_enable);
          CAPTURE(verdict_name(got.verdict), verdict_name(want.verdict), got.pools,
                  to_mask(want.pools), got.matched_rar, want.matched_rar, got.to_default_pool,
                  want.to_default_pool);
          FAIL_CHECK("classify_rx disagrees with the reference model");
        }
      }
      const std::string dc = dest_class(h.da);
      ++cov[std::string("rx.") + verdict_name(want.verdict) + "." + dc + (h.tagged ? ".tagged" : ".untagged")];
      if (want.to_default_pool) ++cov["rx.default_pool." + dc];
      if (want.matched_rar) ++cov["rx.exact_match." + dc];
      if (want.verdict == RxVerdict::Deliver && want.pools.size() > 1) ++cov["rx.deliver.multi_pool"];
      if (want.verdict == RxVerdict::Deliver && got.oversize_pools != 0) ++cov["rx.deliver.partial_oversize"];
      if (!t.vmdq_enable) ++cov["rx.vmdq_off"];
      if (t.vmdq_enable)
        ++cov[std::string(t.replication_enable ? "rx.repl_on." : "rx.repl_off.") + verdict_name(want.verdict)];
    }
  }
  print_coverage("Rx", cov);
  std::printf("  Rx frames checked: %u, mismatches: %u\n", checked, mismatches);

  REQUIRE(mismatches == 0);
  const char* dcs[] = {"ucast", "mcast", "bcast"};
  for (const char* dc : dcs) {
    for (const char* tg : {".tagged", ".untagged"}) {
      CHECK(count(cov, std::string("rx.Deliver.") + dc + tg) >= 100);
      CHECK(count(cov, std::string("rx.DropNoPool.") + dc + tg) >= 50);
      CHECK(count(cov, std::string("rx.DropSize.") + dc + tg) >= 20);
      CHECK(count(cov, std::string("rx.DropPoolDisabled.") + dc + tg) >= 20);
    }
    CHECK(count(cov, std::string("rx.DropVlanFilter.") + dc + ".tagged") >= 50);
    CHECK(count(cov, std::string("rx.default_pool.") + dc) >= 100);
  }
  CHECK(count(cov, "rx.exact_match.ucast") >= 1000);
  CHECK(count(cov, "rx.exact_match.mcast") >= 200);
  CHECK(count(cov, "rx.deliver.multi_pool") >= 1000);
  CHECK(count(cov, "rx.deliver.partial_oversize") >= 100);
  CHECK(count(cov, "rx.vmdq_off") >= 1000);
  CHECK(count(cov, "rx.repl_off.Deliver") >= 1000);
}

TEST_CASE("switch_tx matches the reference model on random programmings", "[sorter][scoreboard][tx]") {
  Rng rng(0x0F1E2D3C4B5A6978ull);
  Universe u;
  std::map<std::string, unsigned> cov;
  unsigned checked = 0, mismatches = 0;

  for (unsigned c = 0; c < kConfigs; ++c) {
    const SorterTables t = random_tables(rng, u);
    for (unsigned f = 0; f < kFramesPerConfig; ++f) {
      const L2Header h = random_frame(rng, t, u);
      const unsigned src = rng.chance(90) ? rng.below(t.num_pools) : rng.below(t.num_pools + 3);
      const TxDecision got = switch_tx(t, src, h);
      const ref::Tx want = ref::switch_frame(t, src, h);
      ++checked;
      const bool same = got.loopback_pools == to_mask(want.loopback) && got.to_wire == want.to_wire &&
                        got.spoof_mac == want.spoof_mac && got.spoof_vlan == want.spoof_vlan &&
                        got.drop == want.drop && got.tx_disabled == want.tx_disabled;
      if (!same) {
        if (++mismatches <= 5) {
          CAPTURE(c, f, src, describe(h), t.replication_enable, t.vmdq_enable, t.vlan_filter_enable);
          CAPTURE(got.loopback_pools, to_mask(want.loopback), got.to_wire, want.to_wire, got.spoof_mac,
                  want.spoof_mac, got.spoof_vlan, want.spoof_vlan, got.drop, want.drop);
          FAIL_CHECK("switch_tx disagrees with the reference model");
        }
      }
      const std::string dc = dest_class(h.da);
      std::string cls;
      if (want.tx_disabled) cls = "tx_disabled";
      else if (want.spoof_mac) cls = "spoof_mac";
      else if (want.spoof_vlan) cls = "spoof_vlan";
      else if (want.drop) cls = "nowhere";
      else if (want.to_wire && want.loopback.empty()) cls = "wire_only";
      else if (want.to_wire) cls = "wire_and_loopback";
      else cls = "loopback_only";
      ++cov["tx." + cls + "." + dc];
      if (!want.loopback.empty() && want.loopback.count(src)) ++cov["tx.loopback_to_self"];
      if (want.loopback.size() > 1) ++cov["tx.loopback.multi_pool"];
      if (t.vmdq_enable && !t.global_loopback_enable) ++cov["tx.loopback_disabled"];
    }
  }
  print_coverage("Tx", cov);
  std::printf("  Tx frames checked: %u, mismatches: %u\n", checked, mismatches);

  REQUIRE(mismatches == 0);
  for (const char* dc : {"ucast", "mcast", "bcast"}) {
    CHECK(count(cov, std::string("tx.wire_only.") + dc) >= 100);
    CHECK(count(cov, std::string("tx.spoof_mac.") + dc) >= 100);
    CHECK(count(cov, std::string("tx.spoof_vlan.") + dc) >= 20);
    CHECK(count(cov, std::string("tx.tx_disabled.") + dc) >= 20);
  }
  CHECK(count(cov, "tx.wire_and_loopback.bcast") >= 100);
  CHECK(count(cov, "tx.wire_and_loopback.mcast") >= 100);
  CHECK(count(cov, "tx.wire_and_loopback.ucast") >= 20);
  CHECK(count(cov, "tx.loopback_only.ucast") >= 100);
  CHECK(count(cov, "tx.nowhere.ucast") >= 20);
  CHECK(count(cov, "tx.loopback_to_self") >= 20);
  CHECK(count(cov, "tx.loopback.multi_pool") >= 100);
  CHECK(count(cov, "tx.loopback_disabled") >= 1000);
}
