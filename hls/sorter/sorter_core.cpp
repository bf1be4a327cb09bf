// L2 sorter / classifier core: Rx pool selection and Tx VEB switching (see sorter_core.h).
//
// Sources. The step lists were read in the Intel X550 datasheet (333369-009) §7.8.3.3
// "Rx Packets Switching" (.1 replication enabled, .2 replication disabled), §7.8.3.4
// "Tx Packets Switching", §7.8.3.9 "Switch Control" and §7.8.4.2 "Outbound Security"; that
// chapter carries the 82599 §7.10.3 "Packet Switching" rules forward step by step (82599 has
// no per-pool UPE, X550 adds E-tags, source pruning and an early PFVFRE step, which are not
// modelled). 82576 §7.10.3 has the same structure (QEMU hw/net/igb_core.c cites it: "TX Packets
// Switching (7.10.3.6)"); its Rx order (exact match, BAM, UTA/ROPE, MTA/ROMPE, VLVF/AUPE,
// default pool, VFRE, VMOLR size check) is what igb_receive_assign() implements.
//   L2 / VLAN filters  RAL/RAH exact match, MTA with RCTL.MO (82575 SDM §5.3.1),
//                      RCTL.UPE/MPE/BAM, VFTA with RCTL.VFE
//   Size filtering     I210 §7.1.1.4 (same family): 1518 / 1522 bytes unless LPE, then RLPML;
//                      per pool with VMOLR.LPE / VMOLR.RLPML
// Interpretations where the text is silent or ambiguous are listed in README.md.
#include "hls/sorter/sorter_core.h"

namespace iovsim::hls {
namespace {

constexpr uint16_t kMaxUntaggedFrame = 1518;  // incl. FCS, LPE clear
constexpr uint16_t kMaxTaggedFrame = 1522;

bool table_bit(const uint32_t table[kMtaBits / 32], unsigned index) {
  return ((table[(index >> 5) & 0x7F] >> (index & 31u)) & 1u) != 0;
}

PoolMask pool_bit(unsigned p) { return p < kMaxPools ? (PoolMask{1} << p) : PoolMask{0}; }

// OR of the pool bits of every valid exact filter (within num_rar) equal to `mac`.
PoolMask rar_lookup(const SorterTables& t, uint64_t mac, bool& hit) {
  PoolMask pools = 0;
  hit = false;
  for (unsigned i = 0; i < kMaxRar; ++i) {
    if (i < t.num_rar && t.rar[i].valid && ((t.rar[i].mac ^ mac) & kMacMask) == 0) {
      hit = true;
      pools |= t.rar[i].pools;
    }
  }
  return pools;
}

// Pools that are members of VLAN `vid` (OR over every enabled VLVF entry with that VID).
PoolMask vlvf_lookup(const SorterTables& t, uint16_t vid) {
  PoolMask pools = 0;
  for (unsigned i = 0; i < kMaxVlvf; ++i) {
    if (i < t.num_vlvf && t.vlvf[i].enabled && ((t.vlvf[i].vid ^ vid) & 0xFFF) == 0) {
      pools |= t.vlvf[i].pools;
    }
  }
  return pools;
}

// Per-pool VMOLR bit vectors, built in one pass (one comparator row per pool in hardware).
struct PoolVectors {
  PoolMask aupe, rompe, rope, bam, mpe, upe, rx_enabled;
};

PoolVectors pool_vectors(const SorterTables& t) {
  PoolVectors v{0, 0, 0, 0, 0, 0, 0};
  for (unsigned p = 0; p < kMaxPools; ++p) {
    if (p < t.num_pools) {
      const PoolCfg& c = t.pool[p];
      const PoolMask b = PoolMask{1} << p;
      if (c.aupe) v.aupe |= b;
      if (c.rompe) v.rompe |= b;
      if (c.rope) v.rope |= b;
      if (c.bam) v.bam |= b;
      if (c.mpe) v.mpe |= b;
      if (c.upe) v.upe |= b;
      if (c.rx_enabled) v.rx_enabled |= b;
    }
  }
  return v;
}

bool oversize_for(const PoolCfg& c, const L2Header& h) {
  if (c.lpe) return h.frame_len > c.rlpml;
  return h.frame_len > (h.tagged ? kMaxTaggedFrame : kMaxUntaggedFrame);
}

// Replication disabled: "the pool list of any packet always contains one pool only". When
// software breaks that rule (several pool bits survive) the lowest-numbered pool wins, as a
// priority encoder would.
PoolMask lowest_pool(PoolMask m) { return m & (~m + 1); }

}  // namespace

RxDecision classify_rx(const SorterTables& t, const L2Header& h) {
  RxDecision d{0, RxVerdict::DropNoPool, false, false, false, 0, 0};

  const uint64_t da = h.da & kMacMask;
  const bool bcast = is_broadcast(da);
  const bool mcast = !bcast && is_multicast(da);  // "multicast" below never includes broadcast
  const bool ucast = !is_multicast(da);
  const uint16_t vid = h.vid & 0xFFF;
  const PoolMask active = active_pool_mask(t.num_pools);

  // Stage 1, VLAN filtering (§7.1.1): a tagged frame whose VID misses the VFTA is dropped
  // before pool selection when RCTL.VFE / VLNCTRL.VFE is set.
  if (h.tagged && t.vlan_filter_enable && !table_bit(t.vfta, vid)) {
    d.verdict = RxVerdict::DropVlanFilter;
    return d;
  }

  // Stage 1, L2 address filtering (§7.1.1.1). The exact filters are compared for unicast and
  // multicast DAs; broadcast has its own accept bits (X550 §7.8.3.3.1 steps 1 and 3).
  bool rar_hit = false;
  PoolMask rar_pools = 0;
  if (!bcast) rar_pools = rar_lookup(t, da, rar_hit) & active;
  d.matched_rar = rar_hit;
  const unsigned hash = mta_index(da, t.mta_shift);
  const bool mta_hit = mcast && table_bit(t.mta, hash);
  const bool uta_hit = ucast && table_bit(t.uta, hash);
  // The unicast filter is the exact filters and the 4 KB unicast hash table (X550 §7.1.2.1.1:
  // "checked against the 128 host unicast addresses and 4 KB hash-based unicast address
  // filters"): a UTA hit admits a unicast frame as an MTA hit admits a multicast one.
  const bool global_l2 = rar_hit || (bcast && t.broadcast_accept) ||
                         (mcast && (mta_hit || t.multicast_promisc)) ||
                         (ucast && (uta_hit || t.unicast_promisc));

  if (!t.vmdq_enable) {
    // No pools: one queue set (pool 0) gets everything that passes L2 filtering.
    d.passed_l2 = global_l2;
    if (!global_l2) return d;
    d.candidate_pools = 1;
    if (oversize_for(t.pool[0], h)) {
      d.oversize_pools = 1;
      d.verdict = RxVerdict::DropSize;
      return d;
    }
    d.pools = 1;
    d.verdict = RxVerdict::Deliver;
    return d;
  }

  const PoolVectors v = pool_vectors(t);
  const PoolMask vlan_members = h.tagged ? (vlvf_lookup(t, vid) & active) : v.aupe;
  const PoolMask default_bit = pool_bit(t.default_pool) & active;
  PoolMask list = rar_pools;  // step 1: exact unicast or multicast match

  if (t.replication_enable) {
    // Replication enabled (X550 §7.8.3.3.1 / 82599 §7.10.3).
    if (bcast) list |= v.bam;                          // step: broadcast -> VMOLR.BAM pools
    if (ucast && list == 0 && uta_hit) list |= v.rope; // step: unicast hash -> VMOLR.ROPE
    if (mcast && list == 0 && mta_hit) list |= v.rompe;// step: multicast hash -> VMOLR.ROMPE
    if (mcast) list |= v.mpe;                          // step: multicast promiscuous
    if (ucast) list |= v.upe;                          // step: unicast promiscuous (X540+)
    // A per-pool acceptance filter is the VT-mode form of the L2 address filter: a frame that
    // some pool accepted has passed L2 filtering even if no global filter accepted it.
    d.passed_l2 = global_l2 || list != 0;
    if (!d.passed_l2) return d;
    if (t.vlan_filter_enable) list &= vlan_members;    // step: VLAN groups (VLVF / AUPE)
    if (list == 0 && !t.disable_default_pool) {        // step: default pool
      list = default_bit;
      d.to_default_pool = list != 0;
    }
  } else {
    // Replication disabled (X550 §7.8.3.3.2 / 82599 §7.10.3): one pool at most, per-VM
    // broadcast / multicast accept bits are not used; software handles bcast / mcast.
    if (ucast && list == 0 && uta_hit) list |= v.rope; // step: unicast hash -> ROPE pool
    d.passed_l2 = global_l2 || list != 0;
    if (!d.passed_l2) return d;
    if (t.vlan_filter_enable) list &= vlan_members;    // step: VLAN groups
    if (list == 0 && !t.disable_default_pool) {        // step: default pool
      list = default_bit;
      d.to_default_pool = list != 0;
    }
    if ((bcast || mcast) && rar_pools == 0) {          // step: mcast / bcast -> default pool
      list |= default_bit;
      d.to_default_pool = d.to_default_pool || default_bit != 0;
    }
    list = lowest_pool(list);
    d.to_default_pool = d.to_default_pool && list == default_bit;
  }

  d.candidate_pools = list;
  if (list == 0) return d;  // DropNoPool

  list &= v.rx_enabled;  // step: VFRE / PFVFRE, after the default pool (82576 / 82599 order)
  if (list == 0) {
    d.verdict = RxVerdict::DropPoolDisabled;
    return d;
  }

  // Per-pool size check, VMOLR.LPE / VMOLR.RLPML, on the pools that survived VFRE.
  PoolMask oversize = 0;
  for (unsigned p = 0; p < kMaxPools; ++p) {
    if (((list >> p) & 1u) != 0 && oversize_for(t.pool[p], h)) oversize |= PoolMask{1} << p;
  }
  d.oversize_pools = oversize;
  list &= ~oversize;
  if (list == 0) {
    d.verdict = RxVerdict::DropSize;
    return d;
  }

  d.pools = list;
  d.verdict = RxVerdict::Deliver;
  return d;
}

TxDecision switch_tx(const SorterTables& t, unsigned src_pool, const L2Header& h) {
  TxDecision d{0, false, false, false, false, false, false, static_cast<uint16_t>(h.vid & 0xFFF),
               h.tagged};

  if (!t.vmdq_enable) {  // no virtualization: no VEB, no anti-spoofing
    d.to_wire = true;
    return d;
  }
  if (src_pool >= t.num_pools || src_pool >= kMaxPools || !t.pool[src_pool].tx_enabled) {
    d.tx_disabled = true;  // VFTE / PFVFTE blocks transmission by that pool
    d.drop = true;
    return d;
  }
  const PoolCfg& src = t.pool[src_pool];
  const PoolMask src_bit = PoolMask{1} << src_pool;

  // Outbound security (X550 §7.8.4.2; 82576 DTXSWC / 82599 PFVFSPOOF anti-spoof bits).
  // MAC anti-spoofing: SA must be one of the exact filters associated with the source pool.
  if (src.mac_antispoof) {
    bool sa_hit = false;
    const PoolMask sa_pools = rar_lookup(t, h.sa & kMacMask, sa_hit);
    d.spoof_mac = (sa_pools & src_bit) == 0;
  }
  // VLAN tag validation (VMVIR "always insert default VLAN": a VM-supplied tag is a
  // violation) and VLAN anti-spoofing (the tag must be a VLVF entry that includes the pool;
  // untagged frames are not checked).
  if (src.port_vlan_insert) {
    if (src.vlan_antispoof && h.tagged) d.spoof_vlan = true;
    d.effective_tagged = true;
    d.effective_vid = src.port_vlan & 0xFFF;
  } else if (src.vlan_antispoof && h.tagged) {
    d.spoof_vlan = (vlvf_lookup(t, h.vid & 0xFFF) & src_bit) == 0;
  }
  if (d.spoof_mac || d.spoof_vlan) {
    d.drop = true;
    return d;
  }

  // Tx switching is enabled by DTXSWC.VMDQ_LOOPBACK_EN / PFDTXGSWC.LBE only.
  if (!t.global_loopback_enable) {
    d.to_wire = true;
    return d;
  }

  const uint64_t da = h.da & kMacMask;
  const bool bcast = is_broadcast(da);
  const bool mcast = !bcast && is_multicast(da);
  const bool ucast = !is_multicast(da);
  const PoolMask active = active_pool_mask(t.num_pools);
  const PoolVectors v = pool_vectors(t);
  const unsigned hash = mta_index(da, t.mta_shift);
  const bool mta_hit = mcast && table_bit(t.mta, hash);
  const bool uta_hit = ucast && table_bit(t.uta, hash);
  const PoolMask vlan_members =
      d.effective_tagged ? (vlvf_lookup(t, d.effective_vid) & active) : v.aupe;

  bool rar_hit = false;
  PoolMask rar_pools = 0;
  if (!bcast) rar_pools = rar_lookup(t, da, rar_hit) & active;
  // Step 1 exact match, step 3 VFRE. "A match of an exact filter that also points to a pool
  // disabled via PFVFRE is not considered a match" (for the wire decision).
  PoolMask list = rar_pools & v.rx_enabled;
  d.exact_match = list != 0;

  if (t.replication_enable) {
    // Replication enabled (X550 §7.8.3.4.1 / 82599 §7.10.3).
    if (bcast) list |= v.bam;
    if (ucast && list == 0 && uta_hit) list |= v.rope;
    if (mcast && list == 0 && mta_hit) list |= v.rompe;
    if (ucast) list |= v.upe;
    if (mcast) list |= v.mpe;
    if (!src.loopback_enable) list &= ~src_bit;            // filter source pool unless LLE
    if (t.vlan_filter_enable) list &= vlan_members;        // VLAN groups
  } else {
    // Replication disabled (X550 §7.8.3.4.2 / 82599 §7.10.3).
    if (ucast && list == 0 && uta_hit) list |= v.rope;     // unicast hash
    if (t.vlan_filter_enable) list &= vlan_members;        // VLAN groups
    if ((bcast || mcast) && (rar_pools & v.rx_enabled) == 0) {
      list |= pool_bit(t.default_pool) & active;           // mcast / bcast -> default pool
    }
    if (!src.loopback_enable) list &= ~src_bit;            // filter source pool unless LLE
  }
  // Forwarding to the network: every broadcast / multicast, and unicast without an exact match.
  d.to_wire = bcast || mcast || !d.exact_match;
  list &= v.rx_enabled;  // final VFRE step
  if (!t.replication_enable) list = lowest_pool(list);
  d.loopback_pools = list;
  d.drop = !d.to_wire && list == 0;
  return d;
}

}  // namespace iovsim::hls
