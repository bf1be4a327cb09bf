// L2 sorter / classifier core (the "golden algorithm") of the Virtual Ethernet Bridge.
//
// Models: Rx pool selection (exact MAC filters with pool bits, MTA/UTA hash filters, per-pool
// VMOLR acceptance bits, VLAN pool filters, default pool, replication on/off, VFRE gating,
// per-pool LPE/RLPML size check) and Tx switching (VM-to-VM loopback, wire forwarding, MAC and
// VLAN anti-spoofing) of an 82576 / 82599 class controller in VMDq / SR-IOV mode.
// Abstracts away: EtherType (ETQF) pool filters, mirroring, source-address pruning (X550
// PFFLP), double VLAN, VLAN promiscuous (X550 VPE), manageability filters, queue selection
// other than RSS (see rss.h), and all timing. The global RCTL.LPE/RLPML oversize check belongs
// to the MAC, not to this block.
//
// HLS subset (DESIGN.md §5): fixed-width integers, fixed arrays sized by compile-time maxima,
// loops with constant trip counts guarded by the run-time table sizes, no heap, no exceptions,
// no virtual calls, no recursion, no std containers, no I/O. Two top functions, one per
// direction of the bridge: classify_rx() and switch_tx(). Decision order and datasheet
// citations: hls/sorter/README.md and the comments in sorter_core.cpp.
#pragma once

#include <cstdint>

namespace iovsim::hls {

constexpr unsigned kMaxRar = 128, kMaxPools = 64, kMaxVlvf = 64, kMtaBits = 4096, kVftaBits = 4096,
                   kRetaEntries = 128;

using PoolMask = uint64_t;  // bit p = pool p

constexpr uint64_t kMacMask = 0xFFFFFFFFFFFFull;  // 48 significant bits of a MAC address

// Receive Address (RAL/RAH + RAH.POOLSEL / MPSAR).
struct RarEntry {
  uint64_t mac;    // 48-bit, byte0 of the address in bits 7:0 (RAL = bytes 0-3, RAH[15:0] = 4-5)
  bool valid;      // RAH.AV
  PoolMask pools;  // 82576 RAH.POOLSEL[25:18], 82599 MPSAR_LO/HI
};

// VLAN pool filter (82576 VLVF with POOLSEL, 82599 PFVLVF + PFVLVFB).
struct VlvfEntry {
  uint16_t vid;  // 12-bit VLAN ID
  bool enabled;  // VLVF.VLANID_ENABLE / PFVLVF.VI_En
  PoolMask pools;
};

// Per-pool configuration (VMOLR / PFVML2FLT, VFRE/VFTE, VMVIR, DTXSWC / PFVFSPOOF / PFVMTXSW).
struct PoolCfg {
  bool aupe;   // accept untagged packets
  bool rompe;  // accept multicast that hits the MTA
  bool rope;   // accept unicast that hits the UTA
  bool bam;    // accept broadcast
  bool mpe;    // multicast promiscuous
  bool upe;    // unicast promiscuous (82599-class PFVML2FLT.UPE; not present on 82576)
  bool lpe;
  uint16_t rlpml;  // long packet enable / max frame size (incl. FCS) for the pool
  bool rsse;       // RSS inside the pool
  bool rx_enabled;
  bool tx_enabled;  // VFRE / VFTE bits
  bool strip_vlan;
  uint16_t port_vlan;
  bool port_vlan_insert;  // VMVIR (VLANA = always insert default VLAN)
  bool mac_antispoof, vlan_antispoof;
  bool loopback_enable;  // local loopback enable: the pool may receive its own Tx (82576
                         // DTXSWC[23:16], 82599 PFVMTXSW.LLE)
};

struct SorterTables {
  unsigned num_rar, num_pools, num_vlvf;  // active sizes (82576: 24/8/32, 82599: 128/64/64)
  RarEntry rar[kMaxRar];
  uint32_t mta[kMtaBits / 32];
  uint8_t mta_shift;  // RCTL.MO / MCSTCTRL.MO: which 12 DA bits index the MTA and the UTA
  uint32_t uta[kMtaBits / 32];
  uint32_t vfta[kVftaBits / 32];
  bool vlan_filter_enable;  // RCTL.VFE / VLNCTRL.VFE
  VlvfEntry vlvf[kMaxVlvf];
  PoolCfg pool[kMaxPools];
  unsigned default_pool;
  bool disable_default_pool;
  bool replication_enable;  // VT_CTL: DEF_PL, DIS_DEF_POOL, REPL_EN
  bool vmdq_enable;         // MRQC VMDq mode / PFVTCTL.VT_ENA
  bool unicast_promisc, multicast_promisc;  // RCTL.UPE / RCTL.MPE (global; FCTRL on 82599)
  bool broadcast_accept;                    // RCTL.BAM (global)
  bool global_loopback_enable;              // DTXSWC.VMDQ_LOOPBACK_EN / PFDTXGSWC.VT_LBEN
};

// Parsed L2 header of one frame. On Tx, `tagged`/`vid` describe the tag the VM asked for
// (in the packet or through the descriptor), before any VMVIR port-VLAN insertion.
struct L2Header {
  uint64_t da, sa;  // same byte layout as RarEntry::mac
  bool tagged;
  uint16_t vid;
  uint16_t pcp;
  uint16_t ethertype;
  uint16_t frame_len;  // bytes on the wire from DA through FCS (a minimum frame is 64)
};

enum class RxVerdict : uint8_t { Deliver, DropNoPool, DropVlanFilter, DropSize, DropPoolDisabled };

struct RxDecision {
  PoolMask pools;           // pools that receive a copy (empty unless verdict == Deliver)
  RxVerdict verdict;
  bool matched_rar;         // DA hit a valid exact filter (RAL/RAH) within num_rar
  bool to_default_pool;     // the default pool (VT_CTL.DEF_PL) was put in the pool list
  bool passed_l2;           // frame passed L2 filtering (global or per-pool acceptance)
  PoolMask candidate_pools; // pool list after selection, before VFRE and the size check
  PoolMask oversize_pools;  // pools of the list (after VFRE) that dropped it for size
};

// Rx top function: which pools receive this frame.
RxDecision classify_rx(const SorterTables& t, const L2Header& h);

struct TxDecision {
  PoolMask loopback_pools;  // local pools that receive a looped-back copy
  bool to_wire;             // the frame is also sent to the network
  bool spoof_mac;           // dropped: MAC anti-spoofing
  bool spoof_vlan;          // dropped: VLAN anti-spoofing / tag given while VMVIR inserts
  bool drop;                // the frame goes nowhere (no wire, no loopback), for any reason
  bool tx_disabled;         // dropped: source pool's VFTE bit clear (or invalid source pool)
  bool exact_match;         // DA hit an exact filter that points to an Rx-enabled pool
  uint16_t effective_vid;   // VID used for switching (VMVIR port VLAN when inserted)
  bool effective_tagged;
};

// Tx top function: VEB decision for a frame sent by `src_pool`.
TxDecision switch_tx(const SorterTables& t, unsigned src_pool, const L2Header& h);

// ---- helpers ---------------------------------------------------------------------------------

// Byte b[0] is the first byte on the wire (the one holding the I/G bit). Software builds on a
// little-endian host load (and store) the six bytes at once (the byte loop below costs the
// model ~19 instructions per call on its hot path); an HLS tool (__SYNTHESIS__) and constant
// evaluation take the loop. The load is two loads into registers: six bytes copied into a
// zeroed 8-byte variable compile to three stores and an 8-byte load of them, which the store
// buffer cannot forward (a stall of some 15 cycles, several times a frame).
constexpr uint64_t mac_from_bytes(const uint8_t b[6]) {
#if defined(__GNUC__) && !defined(__SYNTHESIS__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (!__builtin_is_constant_evaluated()) {
    uint32_t lo = 0;
    uint16_t hi = 0;
    __builtin_memcpy(&lo, b, 4);
    __builtin_memcpy(&hi, b + 4, 2);
    return static_cast<uint64_t>(lo) | static_cast<uint64_t>(hi) << 32;
  }
#endif
  uint64_t m = 0;
  for (unsigned i = 0; i < 6; ++i) m |= static_cast<uint64_t>(b[i]) << (8 * i);
  return m;
}

constexpr void mac_to_bytes(uint64_t mac, uint8_t b[6]) {
#if defined(__GNUC__) && !defined(__SYNTHESIS__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (!__builtin_is_constant_evaluated()) {
    __builtin_memcpy(b, &mac, 6);
    return;
  }
#endif
  for (unsigned i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>((mac >> (8 * i)) & 0xFF);
}

constexpr bool is_broadcast(uint64_t mac) { return (mac & kMacMask) == kMacMask; }
constexpr bool is_multicast(uint64_t mac) { return (mac & 1u) != 0; }  // I/G bit, bcast too

// 12-bit MTA / UTA index (82575 SDM §5.3.1, MTA figure; igb_hash_mc_addr, ixgbe_mta_vector):
// MO=0 -> DA[47:36], 1 -> DA[46:35], 2 -> DA[45:34], 3 -> DA[43:32], with DA[47:32] = bytes 5,4.
// Register = index >> 5, bit = index & 31.
constexpr unsigned mta_index(uint64_t da, uint8_t mo) {
  const unsigned hi = static_cast<unsigned>((da >> 32) & 0xFFFF);
  const unsigned shift = (mo & 3u) == 0 ? 4u : (mo & 3u) == 1 ? 3u : (mo & 3u) == 2 ? 2u : 0u;
  return (hi >> shift) & 0xFFFu;
}

// Mask of the active pools: bits [num_pools-1:0].
constexpr PoolMask active_pool_mask(unsigned num_pools) {
  return num_pools >= 64 ? ~PoolMask{0} : ((PoolMask{1} << num_pools) - 1);
}

}  // namespace iovsim::hls
