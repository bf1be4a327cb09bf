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

#include "hls/sorter/sorter_core.h"

using iovsim::hls::classify_rx;
using iovsim::hls::L2Header;
using iovsim::hls::PoolCfg;
using iovsim::hls::PoolMask;
using iovsim::hls::RxDecision;
using iovsim::hls::RxVerdict;
using iovsim::hls::SorterTables;
using iovsim::hls::switch_tx;
using iovsim::hls::TxDecision;

namespace {

// ------------------------------------------------------------------------------------------
// Reference model (datasheet rules, written for clarity, not speed).
// ------------------------------------------------------------------------------------------
namespace ref {

using PoolSet = std::set<unsigned>;

std::array<uint8_t, 6> bytes_of(uint64_t mac) {
  std::array<uint8_t, 6> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(mac >> (8 * i));
  return b;
}

bool same_address(uint64_t a, uint64_t b) { return bytes_of(a) == bytes_of(b); }

bool is_bcast(uint64_t mac) {
  for (uint8_t x : bytes_of(mac))
    if (x != 0xFF) return false;
  return true;
}

bool is_group(uint64_t mac) { return (bytes_of(mac)[0] & 0x01) != 0; }  // I/G bit

// igb_hash_mc_addr(): 4096-bit table, bit_shift 4 for MO=0, +1, +2, +4 for MO=1..3.
unsigned hash12(uint64_t da, unsigned mo) {
  static const unsigned extra[4] = {0, 1, 2, 4};
  const unsigned bit_shift = 4 + extra[mo & 3];
  const std::array<uint8_t, 6> b = bytes_of(da);
  return ((b[4] >> (8 - bit_shift)) | (unsigned(b[5]) << bit_shift)) & 0xFFF;
}

bool table_has(const uint32_t* table, unsigned index) {
  return (table[index / 32] & (1u << (index % 32))) != 0;
}

PoolSet pools_in(PoolMask m, unsigned num_pools) {
  PoolSet s;
  for (unsigned p = 0; p < num_pools && p < 64; ++p)
    if ((m >> p) & 1) s.insert(p);
  return s;
}

template <typename Pred>
PoolSet pools_where(const SorterTables& t, Pred pred) {
  PoolSet s;
  for (unsigned p = 0; p < t.num_pools; ++p)
    if (pred(t.pool[p])) s.insert(p);
  return s;
}

PoolSet unite(PoolSet a, const PoolSet& b) {
  a.insert(b.begin(), b.end());
  return a;
}

PoolSet intersect(const PoolSet& a, const PoolSet& b) {
  PoolSet r;
  for (unsigned p : a)
    if (b.count(p)) r.insert(p);
  return r;
}

// Exact filters: pools of every valid entry within num_rar holding `mac`.
PoolSet exact_pools(const SorterTables& t, uint64_t mac, bool& hit) {
  PoolSet s;
  hit = false;
  for (unsigned i = 0; i < t.num_rar; ++i) {
    if (t.rar[i].valid && same_address(t.rar[i].mac, mac)) {
      hit = true;
      s = unite(s, pools_in(t.rar[i].pools, t.num_pools));
    }
  }
  return s;
}

PoolSet vlan_members(const SorterTables& t, unsigned vid) {
  PoolSet s;
  for (unsigned i = 0; i < t.num_vlvf; ++i)
    if (t.vlvf[i].enabled && (t.vlvf[i].vid & 0xFFF) == vid)
      s = unite(s, pools_in(t.vlvf[i].pools, t.num_pools));
  return s;
}

bool too_long(const PoolCfg& c, const L2Header& h) {
  const unsigned limit = c.lpe ? c.rlpml : (h.tagged ? 1522u : 1518u);
  return h.frame_len > limit;
}

PoolSet only_lowest(const PoolSet& s) {
  if (s.size() <= 1) return s;
  return PoolSet{*s.begin()};
}

struct Rx {
  PoolSet pools;
  RxVerdict verdict;
  bool matched_rar;
  bool to_default_pool;
};

Rx classify(const SorterTables& t, const L2Header& h) {
  Rx r{{}, RxVerdict::DropNoPool, false, false};
  const bool bcast = is_bcast(h.da);
  const bool mcast = is_group(h.da) && !bcast;
  const bool ucast = !is_group(h.da);
  const unsigned vid = h.vid & 0xFFF;

  // L2 stage: VLAN filter table.
  if (h.tagged && t.vlan_filter_enable && !table_has(t.vfta, vid)) {
    r.verdict = RxVerdict::DropVlanFilter;
    return r;
  }
  // L2 stage: address filters.
  bool hit = false;
  PoolSet exact;
  if (!bcast) exact = exact_pools(t, h.da, hit);
  r.matched_rar = hit;
  const unsigned h12 = hash12(h.da, t.mta_shift);
  const bool mta = mcast && table_has(t.mta, h12);
  const bool uta = ucast && table_has(t.uta, h12);
  const bool l2 = hit || (bcast && t.broadcast_accept) || (mcast && (mta || t.multicast_promisc)) ||
                  (ucast && t.unicast_promisc);

  if (!t.vmdq_enable) {
    if (!l2) return r;
    if (too_long(t.pool[0], h)) {
      r.verdict = RxVerdict::DropSize;
      return r;
    }
    r.pools = {0};
    r.verdict = RxVerdict::Deliver;
    return r;
  }

  const bool def_valid = t.default_pool < t.num_pools;
  PoolSet members;  // VLAN group of the frame: VLVF pools if tagged, AUPE pools if untagged
  if (t.vlan_filter_enable) {
    if (h.tagged) members = vlan_members(t, vid);
    else members = pools_where(t, [](const PoolCfg& c) { return c.aupe; });
  }

  PoolSet s = exact;
  if (t.replication_enable) {
    if (bcast) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.bam; }));
    if (ucast && s.empty() && uta) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.rope; }));
    if (mcast && s.empty() && mta) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.rompe; }));
    if (mcast) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.mpe; }));
    if (ucast) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.upe; }));
    if (!l2 && s.empty()) return r;  // failed every address filter
    if (t.vlan_filter_enable) s = intersect(s, members);
    if (s.empty() && !t.disable_default_pool && def_valid) {
      s = {t.default_pool};
      r.to_default_pool = true;
    }
  } else {
    if (ucast && s.empty() && uta) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.rope; }));
    if (!l2 && s.empty()) return r;
    if (t.vlan_filter_enable) s = intersect(s, members);
    if (s.empty() && !t.disable_default_pool && def_valid) {
      s = {t.default_pool};
      r.to_default_pool = true;
    }
    if ((bcast || mcast) && exact.empty() && def_valid) {
      s.insert(t.default_pool);
      r.to_default_pool = true;
    }
    s = only_lowest(s);
    r.to_default_pool = r.to_default_pool && s == PoolSet{t.default_pool};
  }
  if (s.empty()) return r;

  PoolSet enabled;
  for (unsigned p : s)
    if (t.pool[p].rx_enabled) enabled.insert(p);
  if (enabled.empty()) {
    r.verdict = RxVerdict::DropPoolDisabled;
    return r;
  }
  PoolSet fits;
  for (unsigned p : enabled)
    if (!too_long(t.pool[p], h)) fits.insert(p);
  if (fits.empty()) {
    r.verdict = RxVerdict::DropSize;
    return r;
  }
  r.pools = fits;
  r.verdict = RxVerdict::Deliver;
  return r;
}

struct Tx {
  PoolSet loopback;
  bool to_wire, spoof_mac, spoof_vlan, drop, tx_disabled;
};

Tx switch_frame(const SorterTables& t, unsigned src, const L2Header& h) {
  Tx r{{}, false, false, false, false, false};
  if (!t.vmdq_enable) {
    r.to_wire = true;
    return r;
  }
  if (src >= t.num_pools || !t.pool[src].tx_enabled) {
    r.tx_disabled = r.drop = true;
    return r;
  }
  const PoolCfg& sp = t.pool[src];

  if (sp.mac_antispoof) {
    bool owned = false;
    for (unsigned i = 0; i < t.num_rar; ++i)
      if (t.rar[i].valid && same_address(t.rar[i].mac, h.sa) && ((t.rar[i].pools >> src) & 1))
        owned = true;
    r.spoof_mac = !owned;
  }
  bool tagged = h.tagged;
  unsigned vid = h.vid & 0xFFF;
  if (sp.port_vlan_insert) {
    r.spoof_vlan = sp.vlan_antispoof && h.tagged;
    tagged = true;
    vid = sp.port_vlan & 0xFFF;
  } else if (sp.vlan_antispoof && h.tagged) {
    r.spoof_vlan = vlan_members(t, vid).count(src) == 0;
  }
  if (r.spoof_mac || r.spoof_vlan) {
    r.drop = true;
    return r;
  }
  if (!t.global_loopback_enable) {
    r.to_wire = true;
    return r;
  }

  const bool bcast = is_bcast(h.da);
  const bool mcast = is_group(h.da) && !bcast;
  const bool ucast = !is_group(h.da);
  const unsigned h12 = hash12(h.da, t.mta_shift);
  const bool mta = mcast && table_has(t.mta, h12);
  const bool uta = ucast && table_has(t.uta, h12);
  const PoolSet rx_on = pools_where(t, [](const PoolCfg& c) { return c.rx_enabled; });
  PoolSet members;
  if (t.vlan_filter_enable) {
    if (tagged) members = vlan_members(t, vid);
    else members = pools_where(t, [](const PoolCfg& c) { return c.aupe; });
  }

  bool hit = false;
  PoolSet exact;
  if (!bcast) exact = intersect(exact_pools(t, h.da, hit), rx_on);
  PoolSet s = exact;
  if (t.replication_enable) {
    if (bcast) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.bam; }));
    if (ucast && s.empty() && uta) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.rope; }));
    if (mcast && s.empty() && mta) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.rompe; }));
    if (ucast) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.upe; }));
    if (mcast) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.mpe; }));
    if (!sp.loopback_enable) s.erase(src);
    if (t.vlan_filter_enable) s = intersect(s, members);
  } else {
    if (ucast && s.empty() && uta) s = unite(s, pools_where(t, [](const PoolCfg& c) { return c.rope; }));
    if (t.vlan_filter_enable) s = intersect(s, members);
    if ((bcast || mcast) && exact.empty() && t.default_pool < t.num_pools) s.insert(t.default_pool);
    if (!sp.loopback_enable) s.erase(src);
  }
  r.to_wire = bcast || mcast || exact.empty();
  s = intersect(s, rx_on);
  if (!t.replication_enable) s = only_lowest(s);
  r.loopback = s;
  r.drop = !r.to_wire && s.empty();
  return r;
}

}  // namespace ref

// ------------------------------------------------------------------------------------------
// Random stimulus.
// ------------------------------------------------------------------------------------------
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {  // splitmix64
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  unsigned below(unsigned n) { return n == 0 ? 0 : static_cast<unsigned>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[below(static_cast<unsigned>(v.size()))]; }

 private:
  uint64_t s_;
};

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
