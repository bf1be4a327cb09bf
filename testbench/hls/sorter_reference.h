// Independent reference model of the L2 sorter's decisions, written straight from the
// datasheet step lists (std::set of pools, byte-wise address compares, the igb_hash_mc_addr
// formula for the MTA index). It uses none of the core's helpers. Shared by the core
// scoreboard (testbench/hls) and the register-level scoreboard (testbench/integration).
#pragma once

#include <array>
#include <cstdint>
#include <set>

#include "hls/sorter/sorter_core.h"

namespace iovsim::test {

using iovsim::hls::L2Header;
using iovsim::hls::PoolCfg;
using iovsim::hls::PoolMask;
using iovsim::hls::RxVerdict;
using iovsim::hls::SorterTables;

// ------------------------------------------------------------------------------------------
// Reference model (datasheet rules, written for clarity, not speed).
// ------------------------------------------------------------------------------------------
namespace ref {

using PoolSet = std::set<unsigned>;

inline std::array<uint8_t, 6> bytes_of(uint64_t mac) {
  std::array<uint8_t, 6> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(mac >> (8 * i));
  return b;
}

inline bool same_address(uint64_t a, uint64_t b) { return bytes_of(a) == bytes_of(b); }

inline bool is_bcast(uint64_t mac) {
  for (uint8_t x : bytes_of(mac))
    if (x != 0xFF) return false;
  return true;
}

inline bool is_group(uint64_t mac) { return (bytes_of(mac)[0] & 0x01) != 0; }  // I/G bit

// igb_hash_mc_addr(): 4096-bit table, bit_shift 4 for MO=0, +1, +2, +4 for MO=1..3.
inline unsigned hash12(uint64_t da, unsigned mo) {
  static const unsigned extra[4] = {0, 1, 2, 4};
  const unsigned bit_shift = 4 + extra[mo & 3];
  const std::array<uint8_t, 6> b = bytes_of(da);
  return ((b[4] >> (8 - bit_shift)) | (unsigned(b[5]) << bit_shift)) & 0xFFF;
}

inline bool table_has(const uint32_t* table, unsigned index) {
  return (table[index / 32] & (1u << (index % 32))) != 0;
}

inline PoolSet pools_in(PoolMask m, unsigned num_pools) {
  PoolSet s;
  for (unsigned p = 0; p < num_pools && p < 64; ++p)
    if ((m >> p) & 1) s.insert(p);
  return s;
}

template <typename Pred>
inline PoolSet pools_where(const SorterTables& t, Pred pred) {
  PoolSet s;
  for (unsigned p = 0; p < t.num_pools; ++p)
    if (pred(t.pool[p])) s.insert(p);
  return s;
}

inline PoolSet unite(PoolSet a, const PoolSet& b) {
  a.insert(b.begin(), b.end());
  return a;
}

inline PoolSet intersect(const PoolSet& a, const PoolSet& b) {
  PoolSet r;
  for (unsigned p : a)
    if (b.count(p)) r.insert(p);
  return r;
}

// Exact filters: pools of every valid entry within num_rar holding `mac`.
inline PoolSet exact_pools(const SorterTables& t, uint64_t mac, bool& hit) {
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

inline PoolSet vlan_members(const SorterTables& t, unsigned vid) {
  PoolSet s;
  for (unsigned i = 0; i < t.num_vlvf; ++i)
    if (t.vlvf[i].enabled && (t.vlvf[i].vid & 0xFFF) == vid)
      s = unite(s, pools_in(t.vlvf[i].pools, t.num_pools));
  return s;
}

inline bool too_long(const PoolCfg& c, const L2Header& h) {
  const unsigned limit = c.lpe ? c.rlpml : (h.tagged ? 1522u : 1518u);
  return h.frame_len > limit;
}

inline PoolSet only_lowest(const PoolSet& s) {
  if (s.size() <= 1) return s;
  return PoolSet{*s.begin()};
}

struct Rx {
  PoolSet pools;
  RxVerdict verdict;
  bool matched_rar;
  bool to_default_pool;
};

inline Rx classify(const SorterTables& t, const L2Header& h) {
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
  // X550 §7.1.2.1.1: the unicast filter includes the hash-based unicast table.
  const bool l2 = hit || (bcast && t.broadcast_accept) || (mcast && (mta || t.multicast_promisc)) ||
                  (ucast && (uta || t.unicast_promisc));

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

inline Tx switch_frame(const SorterTables& t, unsigned src, const L2Header& h) {
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

}  // namespace iovsim::test
