// Directed tests of the HLS L2 sorter core: one case (or more) per row of the Rx pool-selection
// rules and of the Tx switching / anti-spoofing rules, each checking the exact pool mask and
// verdict, plus the MTA/UTA hash against hand-computed values for every RCTL.MO setting.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "hls/sorter/sorter_core.h"

using namespace iovsim::hls;

namespace {

constexpr uint64_t mac(uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3, uint8_t b4, uint8_t b5) {
  const uint8_t b[6] = {b0, b1, b2, b3, b4, b5};
  return mac_from_bytes(b);
}

constexpr PoolMask P(unsigned p) { return PoolMask{1} << p; }

// Station addresses: VMn owns pool n.
constexpr uint64_t kPfMac = mac(0x00, 0x1b, 0x21, 0x00, 0x00, 0x00);
constexpr uint64_t kVm1 = mac(0x02, 0x00, 0x00, 0x00, 0x00, 0x01);
constexpr uint64_t kVm2 = mac(0x02, 0x00, 0x00, 0x00, 0x00, 0x02);
constexpr uint64_t kVm3 = mac(0x02, 0x00, 0x00, 0x00, 0x00, 0x03);
constexpr uint64_t kStranger = mac(0x02, 0x99, 0x99, 0x99, 0x99, 0x99);
constexpr uint64_t kBcast = mac(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
constexpr uint64_t kMcast = mac(0x01, 0x00, 0x5e, 0x00, 0x00, 0x01);
constexpr uint64_t kMcast2 = mac(0x33, 0x33, 0x00, 0x00, 0xab, 0xcd);

void set_bit(uint32_t* table, unsigned index) { table[index >> 5] |= 1u << (index & 31); }

// An 82576 port in SR-IOV mode as igb programs it: PF = pool 0 (default pool), VM1..VM3 own
// pools 1..3 through RAR 0..3, every pool enabled, replication on, no VLAN filtering.
SorterTables base_tables() {
  SorterTables t{};
  t.num_rar = 24;
  t.num_pools = 8;
  t.num_vlvf = 32;
  t.vmdq_enable = true;
  t.replication_enable = true;
  t.default_pool = 0;
  t.broadcast_accept = true;
  t.global_loopback_enable = true;
  t.rar[0] = {kPfMac, true, P(0)};
  t.rar[1] = {kVm1, true, P(1)};
  t.rar[2] = {kVm2, true, P(2)};
  t.rar[3] = {kVm3, true, P(3)};
  for (unsigned p = 0; p < kMaxPools; ++p) {
    t.pool[p].rx_enabled = true;
    t.pool[p].tx_enabled = true;
    t.pool[p].aupe = true;
  }
  return t;
}

L2Header frame(uint64_t da, uint64_t sa = kStranger, bool tagged = false, uint16_t vid = 0,
               uint16_t len = 64) {
  return L2Header{da, sa, tagged, vid, 0, 0x0800, len};
}

void require_deliver(const RxDecision& d, PoolMask pools) {
  CHECK(d.verdict == RxVerdict::Deliver);
  CHECK(d.pools == pools);
}

void require_drop(const RxDecision& d, RxVerdict v) {
  CHECK(d.verdict == v);
  CHECK(d.pools == 0);
}

}  // namespace

TEST_CASE("mac helpers", "[sorter][helpers]") {
  const uint8_t b[6] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
  const uint64_t m = mac_from_bytes(b);
  CHECK(m == 0x060504030201ull);  // RAL = bytes 0-3, RAH[15:0] = bytes 4-5
  uint8_t back[6] = {};
  mac_to_bytes(m, back);
  for (int i = 0; i < 6; ++i) CHECK(back[i] == b[i]);
  CHECK(is_broadcast(kBcast));
  CHECK(is_multicast(kBcast));
  CHECK(is_multicast(kMcast));
  CHECK_FALSE(is_broadcast(kMcast));
  CHECK_FALSE(is_multicast(kVm1));
  CHECK(active_pool_mask(8) == 0xFF);
  CHECK(active_pool_mask(64) == ~PoolMask{0});
  static_assert(mac(1, 2, 3, 4, 5, 6) == 0x060504030201ull, "constexpr mac_from_bytes");
}

TEST_CASE("mta_index against hand-computed values for all MO settings", "[sorter][mta]") {
  // DA 01:00:5e:00:00:01 -> DA[47:32] = 0x0100.
  CHECK(mta_index(kMcast, 0) == 0x010);  // DA[47:36]
  CHECK(mta_index(kMcast, 1) == 0x020);  // DA[46:35]
  CHECK(mta_index(kMcast, 2) == 0x040);  // DA[45:34]
  CHECK(mta_index(kMcast, 3) == 0x100);  // DA[43:32]
  // DA 33:33:00:00:ab:cd -> DA[47:32] = 0xcdab.
  CHECK(mta_index(kMcast2, 0) == 0xcda);
  CHECK(mta_index(kMcast2, 1) == 0x9b5);
  CHECK(mta_index(kMcast2, 2) == 0x36a);
  CHECK(mta_index(kMcast2, 3) == 0xdab);
  // DA xx:xx:xx:xx:12:34 -> DA[47:32] = 0x3412.
  const uint64_t d = mac(0x00, 0x00, 0x00, 0x00, 0x12, 0x34);
  CHECK(mta_index(d, 0) == 0x341);
  CHECK(mta_index(d, 1) == 0x682);
  CHECK(mta_index(d, 2) == 0xd04);
  CHECK(mta_index(d, 3) == 0x412);
  CHECK(mta_index(kBcast, 0) == 0xfff);
  // Register / bit split: index 0x9b5 -> MTA[0x4d] bit 21.
  CHECK((mta_index(kMcast2, 1) >> 5) == 0x4d);
  CHECK((mta_index(kMcast2, 1) & 31) == 21);
}

TEST_CASE("Rx unicast exact match", "[sorter][rx][unicast]") {
  SorterTables t = base_tables();
  SECTION("single pool") {
    const RxDecision d = classify_rx(t, frame(kVm1));
    require_deliver(d, P(1));
    CHECK(d.matched_rar);
    CHECK_FALSE(d.to_default_pool);
  }
  SECTION("multi-pool bits in one RAR") {
    t.rar[2].pools = P(2) | P(3) | P(5);
    require_deliver(classify_rx(t, frame(kVm2)), P(2) | P(3) | P(5));
  }
  SECTION("duplicate RAR entries are ORed") {
    t.rar[7] = {kVm1, true, P(6)};
    require_deliver(classify_rx(t, frame(kVm1)), P(1) | P(6));
  }
  SECTION("invalid RAR entry does not match") {
    t.rar[1].valid = false;
    const RxDecision d = classify_rx(t, frame(kVm1));
    require_drop(d, RxVerdict::DropNoPool);
    CHECK_FALSE(d.matched_rar);
    CHECK_FALSE(d.passed_l2);
  }
  SECTION("entries beyond num_rar are not searched") {
    t.rar[30] = {kStranger, true, P(4)};
    require_drop(classify_rx(t, frame(kStranger)), RxVerdict::DropNoPool);
    t.num_rar = 31;
    require_deliver(classify_rx(t, frame(kStranger)), P(4));
  }
  SECTION("pool bits beyond num_pools are ignored") {
    t.rar[1].pools = P(1) | P(9) | P(40);
    require_deliver(classify_rx(t, frame(kVm1)), P(1));
  }
  SECTION("only the 48 address bits are compared") {
    require_deliver(classify_rx(t, frame(kVm1 | (0xABCDull << 48))), P(1));
  }
}

TEST_CASE("Rx unicast miss: default pool and DIS_DEF_POOL", "[sorter][rx][unicast][default]") {
  SorterTables t = base_tables();
  SECTION("miss without any accepting filter fails L2 filtering") {
    const RxDecision d = classify_rx(t, frame(kStranger));
    require_drop(d, RxVerdict::DropNoPool);
    CHECK_FALSE(d.passed_l2);
    CHECK_FALSE(d.to_default_pool);
  }
  SECTION("miss accepted by RCTL.UPE goes to the default pool") {
    t.unicast_promisc = true;
    t.default_pool = 5;
    const RxDecision d = classify_rx(t, frame(kStranger));
    require_deliver(d, P(5));
    CHECK(d.to_default_pool);
    CHECK(d.passed_l2);
    CHECK_FALSE(d.matched_rar);
  }
  SECTION("same with DIS_DEF_POOL is dropped") {
    t.unicast_promisc = true;
    t.disable_default_pool = true;
    const RxDecision d = classify_rx(t, frame(kStranger));
    require_drop(d, RxVerdict::DropNoPool);
    CHECK(d.passed_l2);
  }
  SECTION("exact filter without pool bits (L2 only) goes to the default pool") {
    t.rar[4] = {kStranger, true, 0};
    t.default_pool = 2;
    const RxDecision d = classify_rx(t, frame(kStranger));
    require_deliver(d, P(2));
    CHECK(d.matched_rar);
    CHECK(d.to_default_pool);
  }
  SECTION("default pool outside the active pools selects nothing") {
    t.unicast_promisc = true;
    t.default_pool = 8;
    require_drop(classify_rx(t, frame(kStranger)), RxVerdict::DropNoPool);
  }
}

TEST_CASE("Rx unicast hash (UTA) with VMOLR.ROPE", "[sorter][rx][unicast][uta]") {
  SorterTables t = base_tables();
  t.pool[2].rope = true;
  t.pool[4].rope = true;
  SECTION("UTA hit on a miss goes to every ROPE pool") {
    set_bit(t.uta, mta_index(kStranger, t.mta_shift));
    const RxDecision d = classify_rx(t, frame(kStranger));
    require_deliver(d, P(2) | P(4));
    CHECK_FALSE(d.to_default_pool);
  }
  SECTION("UTA uses the same MO-selected bits as the MTA") {
    t.mta_shift = 3;
    set_bit(t.uta, mta_index(kStranger, 3));
    require_deliver(classify_rx(t, frame(kStranger)), P(2) | P(4));
    t.mta_shift = 0;
    if (mta_index(kStranger, 0) != mta_index(kStranger, 3)) {
      require_drop(classify_rx(t, frame(kStranger)), RxVerdict::DropNoPool);
    }
  }
  SECTION("UTA miss") {
    require_drop(classify_rx(t, frame(kStranger)), RxVerdict::DropNoPool);
  }
  SECTION("a UTA hit passes L2 filtering: with no ROPE pool it reaches the default pool") {
    // X550 §7.1.2.1.1: the unicast L2 filter is the exact filters plus the unicast hash table;
    // DEF_PL receives "packets that passed L2 filtering but did not pass any of the pool filters"
    t.pool[2].rope = t.pool[4].rope = false;
    set_bit(t.uta, mta_index(kStranger, t.mta_shift));
    RxDecision d = classify_rx(t, frame(kStranger));
    CHECK(d.passed_l2);
    require_deliver(d, P(t.default_pool));
    CHECK(d.to_default_pool);
    t.disable_default_pool = true;  // no default pool: nobody takes it
    require_drop(classify_rx(t, frame(kStranger)), RxVerdict::DropNoPool);
    t.disable_default_pool = false;
    t.replication_enable = false;  // the same with replication disabled
    require_deliver(classify_rx(t, frame(kStranger)), P(t.default_pool));
    t.vmdq_enable = false;  // and without pools: pool 0
    require_deliver(classify_rx(t, frame(kStranger)), P(0));
  }
  SECTION("UTA is not consulted when the exact filters gave pools") {
    set_bit(t.uta, mta_index(kVm1, t.mta_shift));
    require_deliver(classify_rx(t, frame(kVm1)), P(1));
  }
  SECTION("UTA is not used for multicast") {
    t.uta[mta_index(kMcast, 0) >> 5] = 0xFFFFFFFFu;
    t.pool[2].rompe = false;
    require_drop(classify_rx(t, frame(kMcast)), RxVerdict::DropNoPool);
  }
}

TEST_CASE("Rx unicast promiscuous", "[sorter][rx][unicast][promisc]") {
  SorterTables t = base_tables();
  SECTION("per-pool UPE adds the pool to hits and misses") {
    t.pool[3].upe = true;
    require_deliver(classify_rx(t, frame(kVm1)), P(1) | P(3));
    require_deliver(classify_rx(t, frame(kStranger)), P(3));
    CHECK_FALSE(classify_rx(t, frame(kStranger)).to_default_pool);
  }
  SECTION("per-pool UPE does not take multicast or broadcast") {
    t.pool[3].upe = true;
    require_drop(classify_rx(t, frame(kMcast)), RxVerdict::DropNoPool);
    t.pool[1].bam = true;
    require_deliver(classify_rx(t, frame(kBcast)), P(1));
  }
  SECTION("global RCTL.UPE does not change hits") {
    t.unicast_promisc = true;
    require_deliver(classify_rx(t, frame(kVm2)), P(2));
  }
}

TEST_CASE("Rx VLAN pool filtering (VFTA + VLVF + AUPE)", "[sorter][rx][vlan]") {
  SorterTables t = base_tables();
  t.vlan_filter_enable = true;
  set_bit(t.vfta, 100);
  set_bit(t.vfta, 200);
  t.vlvf[0] = {100, true, P(1) | P(2)};
  t.vlvf[5] = {200, true, P(3)};
  SECTION("tagged, VID member pool") {
    require_deliver(classify_rx(t, frame(kVm1, kStranger, true, 100)), P(1));
  }
  SECTION("tagged, pool not a member of the VID: default pool") {
    const RxDecision d = classify_rx(t, frame(kVm3, kStranger, true, 100));
    require_deliver(d, P(0));
    CHECK(d.to_default_pool);
  }
  SECTION("tagged, pool not a member, DIS_DEF_POOL: dropped") {
    t.disable_default_pool = true;
    const RxDecision d = classify_rx(t, frame(kVm3, kStranger, true, 100));
    require_drop(d, RxVerdict::DropNoPool);
    CHECK(d.passed_l2);
  }
  SECTION("VID missing from the VFTA is dropped by the global VLAN filter") {
    require_drop(classify_rx(t, frame(kVm1, kStranger, true, 300)), RxVerdict::DropVlanFilter);
  }
  SECTION("VFTA hit but no VLVF entry: no member pools") {
    set_bit(t.vfta, 300);
    t.disable_default_pool = true;
    require_drop(classify_rx(t, frame(kVm1, kStranger, true, 300)), RxVerdict::DropNoPool);
  }
  SECTION("disabled VLVF entry and entries beyond num_vlvf do not count") {
    t.vlvf[0].enabled = false;
    t.vlvf[40] = {100, true, P(1)};
    t.disable_default_pool = true;
    require_drop(classify_rx(t, frame(kVm1, kStranger, true, 100)), RxVerdict::DropNoPool);
    t.num_vlvf = 64;
    require_deliver(classify_rx(t, frame(kVm1, kStranger, true, 100)), P(1));
  }
  SECTION("broadcast on a VLAN reaches the BAM pools of that VLAN only") {
    for (unsigned p = 0; p < 8; ++p) t.pool[p].bam = true;
    require_deliver(classify_rx(t, frame(kBcast, kStranger, true, 100)), P(1) | P(2));
    require_deliver(classify_rx(t, frame(kBcast, kStranger, true, 200)), P(3));
  }
  SECTION("untagged with AUPE") {
    require_deliver(classify_rx(t, frame(kVm1)), P(1));
  }
  SECTION("untagged without AUPE: default pool, or dropped with DIS_DEF_POOL") {
    t.pool[1].aupe = false;
    const RxDecision d = classify_rx(t, frame(kVm1));
    require_deliver(d, P(0));
    CHECK(d.to_default_pool);
    t.disable_default_pool = true;
    require_drop(classify_rx(t, frame(kVm1)), RxVerdict::DropNoPool);
  }
  SECTION("VLAN filtering off: tags and AUPE are ignored") {
    t.vlan_filter_enable = false;
    t.pool[1].aupe = false;
    require_deliver(classify_rx(t, frame(kVm1, kStranger, true, 999)), P(1));
    require_deliver(classify_rx(t, frame(kVm1)), P(1));
  }
}

TEST_CASE("Rx multicast: exact, MTA/ROMPE, MPE", "[sorter][rx][multicast]") {
  SorterTables t = base_tables();
  t.pool[1].rompe = true;
  t.pool[2].rompe = true;
  SECTION("MTA hit goes to the ROMPE pools") {
    set_bit(t.mta, mta_index(kMcast, t.mta_shift));
    require_deliver(classify_rx(t, frame(kMcast)), P(1) | P(2));
  }
  SECTION("MTA hit, MO=2") {
    t.mta_shift = 2;
    set_bit(t.mta, mta_index(kMcast2, 2));
    require_deliver(classify_rx(t, frame(kMcast2)), P(1) | P(2));
  }
  SECTION("MTA miss: dropped") {
    const RxDecision d = classify_rx(t, frame(kMcast));
    require_drop(d, RxVerdict::DropNoPool);
    CHECK_FALSE(d.passed_l2);
  }
  SECTION("MTA hit with no ROMPE pool: default pool") {
    t.pool[1].rompe = false;
    t.pool[2].rompe = false;
    set_bit(t.mta, mta_index(kMcast, t.mta_shift));
    const RxDecision d = classify_rx(t, frame(kMcast));
    require_deliver(d, P(0));
    CHECK(d.to_default_pool);
  }
  SECTION("RCTL.MPE alone: default pool") {
    t.multicast_promisc = true;
    require_deliver(classify_rx(t, frame(kMcast)), P(0));
  }
  SECTION("per-pool MPE takes every multicast, hit or miss") {
    t.pool[4].mpe = true;
    require_deliver(classify_rx(t, frame(kMcast)), P(4));
    set_bit(t.mta, mta_index(kMcast, t.mta_shift));
    require_deliver(classify_rx(t, frame(kMcast)), P(1) | P(2) | P(4));
  }
  SECTION("multicast exact filter wins over the MTA, MPE still adds") {
    t.rar[6] = {kMcast, true, P(5)};
    set_bit(t.mta, mta_index(kMcast, t.mta_shift));
    t.pool[4].mpe = true;
    const RxDecision d = classify_rx(t, frame(kMcast));
    require_deliver(d, P(5) | P(4));
    CHECK(d.matched_rar);
  }
  SECTION("MPE does not take broadcast") {
    t.pool[4].mpe = true;
    t.broadcast_accept = false;
    require_drop(classify_rx(t, frame(kBcast)), RxVerdict::DropNoPool);
  }
  SECTION("BAM does not take multicast") {
    t.pool[6].bam = true;
    set_bit(t.mta, mta_index(kMcast, t.mta_shift));
    require_deliver(classify_rx(t, frame(kMcast)), P(1) | P(2));
  }
}

TEST_CASE("Rx broadcast with per-pool BAM", "[sorter][rx][broadcast]") {
  SorterTables t = base_tables();
  SECTION("every BAM pool gets a copy") {
    t.pool[0].bam = true;
    t.pool[2].bam = true;
    t.pool[7].bam = true;
    const RxDecision d = classify_rx(t, frame(kBcast));
    require_deliver(d, P(0) | P(2) | P(7));
    CHECK_FALSE(d.to_default_pool);
    CHECK_FALSE(d.matched_rar);
  }
  SECTION("no BAM pool, RCTL.BAM set: default pool") {
    t.default_pool = 3;
    const RxDecision d = classify_rx(t, frame(kBcast));
    require_deliver(d, P(3));
    CHECK(d.to_default_pool);
  }
  SECTION("no BAM pool, RCTL.BAM clear: dropped") {
    t.broadcast_accept = false;
    require_drop(classify_rx(t, frame(kBcast)), RxVerdict::DropNoPool);
  }
  SECTION("per-pool BAM accepts even with RCTL.BAM clear") {
    t.broadcast_accept = false;
    t.pool[6].bam = true;
    require_deliver(classify_rx(t, frame(kBcast)), P(6));
  }
  SECTION("a RAR holding the broadcast address is not an exact match for broadcast") {
    t.rar[8] = {kBcast, true, P(5)};
    t.pool[6].bam = true;
    const RxDecision d = classify_rx(t, frame(kBcast));
    require_deliver(d, P(6));
    CHECK_FALSE(d.matched_rar);
  }
}

TEST_CASE("Rx replication enabled vs disabled", "[sorter][rx][replication]") {
  SorterTables t = base_tables();
  for (unsigned p = 0; p < 8; ++p) t.pool[p].bam = true;
  t.pool[1].rompe = true;
  t.pool[2].rompe = true;
  set_bit(t.mta, mta_index(kMcast, t.mta_shift));
  t.default_pool = 4;
  SECTION("enabled: broadcast replicated to every BAM pool") {
    require_deliver(classify_rx(t, frame(kBcast)), 0xFF);
  }
  SECTION("disabled: broadcast goes to the default pool only") {
    t.replication_enable = false;
    const RxDecision d = classify_rx(t, frame(kBcast));
    require_deliver(d, P(4));
    CHECK(d.to_default_pool);
  }
  SECTION("disabled: broadcast goes to the default pool even with DIS_DEF_POOL") {
    t.replication_enable = false;
    t.disable_default_pool = true;
    require_deliver(classify_rx(t, frame(kBcast)), P(4));
  }
  SECTION("disabled: broadcast still needs RCTL.BAM to pass L2 filtering") {
    t.replication_enable = false;
    t.broadcast_accept = false;
    require_drop(classify_rx(t, frame(kBcast)), RxVerdict::DropNoPool);
  }
  SECTION("disabled: MTA-hit multicast goes to the default pool, not the ROMPE pools") {
    t.replication_enable = false;
    require_deliver(classify_rx(t, frame(kMcast)), P(4));
  }
  SECTION("disabled: multicast goes to the default pool even with DIS_DEF_POOL") {
    t.replication_enable = false;
    t.disable_default_pool = true;
    const RxDecision d = classify_rx(t, frame(kMcast));
    require_deliver(d, P(4));
    CHECK(d.to_default_pool);
  }
  SECTION("disabled: multicast with an exact filter goes to that pool") {
    t.replication_enable = false;
    t.rar[6] = {kMcast, true, P(6)};
    const RxDecision d = classify_rx(t, frame(kMcast));
    require_deliver(d, P(6));
    CHECK_FALSE(d.to_default_pool);
  }
  SECTION("disabled: unicast with several pool bits keeps one pool (lowest)") {
    t.replication_enable = false;
    t.rar[2].pools = P(5) | P(2) | P(7);
    require_deliver(classify_rx(t, frame(kVm2)), P(2));
  }
  SECTION("disabled: several pool bits narrowed to one by VLAN") {
    t.replication_enable = false;
    t.rar[2].pools = P(2) | P(5);
    t.vlan_filter_enable = true;
    set_bit(t.vfta, 10);
    t.vlvf[0] = {10, true, P(5)};
    require_deliver(classify_rx(t, frame(kVm2, kStranger, true, 10)), P(5));
  }
  SECTION("disabled: per-pool MPE / UPE are not used") {
    t.replication_enable = false;
    t.pool[3].mpe = true;
    t.pool[3].upe = true;
    // kMcast2 misses the MTA: without RCTL.MPE it fails L2 filtering; pool 3's MPE is ignored.
    require_drop(classify_rx(t, frame(kMcast2)), RxVerdict::DropNoPool);
    require_drop(classify_rx(t, frame(kStranger)), RxVerdict::DropNoPool);
    t.multicast_promisc = true;
    require_deliver(classify_rx(t, frame(kMcast2)), P(4));
  }
  SECTION("disabled: unicast UTA hit goes to the ROPE pool") {
    t.replication_enable = false;
    t.pool[3].rope = true;
    set_bit(t.uta, mta_index(kStranger, t.mta_shift));
    require_deliver(classify_rx(t, frame(kStranger)), P(3));
  }
}

TEST_CASE("Rx pool receive enable (VFRE)", "[sorter][rx][vfre]") {
  SorterTables t = base_tables();
  SECTION("the only selected pool is disabled") {
    t.pool[1].rx_enabled = false;
    const RxDecision d = classify_rx(t, frame(kVm1));
    require_drop(d, RxVerdict::DropPoolDisabled);
    CHECK(d.candidate_pools == P(1));
  }
  SECTION("disabled pools are removed from a replicated list") {
    for (unsigned p = 0; p < 4; ++p) t.pool[p].bam = true;
    t.pool[2].rx_enabled = false;
    require_deliver(classify_rx(t, frame(kBcast)), P(0) | P(1) | P(3));
  }
  SECTION("a disabled default pool drops") {
    t.unicast_promisc = true;
    t.pool[0].rx_enabled = false;
    require_drop(classify_rx(t, frame(kStranger)), RxVerdict::DropPoolDisabled);
  }
}

TEST_CASE("Rx per-pool size check (VMOLR.LPE / RLPML)", "[sorter][rx][size]") {
  SorterTables t = base_tables();
  SECTION("LPE clear: 1518 untagged, 1522 tagged") {
    require_deliver(classify_rx(t, frame(kVm1, kStranger, false, 0, 1518)), P(1));
    require_drop(classify_rx(t, frame(kVm1, kStranger, false, 0, 1519)), RxVerdict::DropSize);
    require_deliver(classify_rx(t, frame(kVm1, kStranger, true, 5, 1522)), P(1));
    const RxDecision d = classify_rx(t, frame(kVm1, kStranger, true, 5, 1523));
    require_drop(d, RxVerdict::DropSize);
    CHECK(d.oversize_pools == P(1));
  }
  SECTION("LPE set: RLPML") {
    t.pool[1].lpe = true;
    t.pool[1].rlpml = 9018;
    require_deliver(classify_rx(t, frame(kVm1, kStranger, false, 0, 9018)), P(1));
    require_drop(classify_rx(t, frame(kVm1, kStranger, false, 0, 9019)), RxVerdict::DropSize);
    t.pool[1].rlpml = 1000;
    require_drop(classify_rx(t, frame(kVm1, kStranger, false, 0, 1001)), RxVerdict::DropSize);
  }
  SECTION("replicated frame is dropped only by the pools it is too long for") {
    t.pool[1].bam = true;
    t.pool[2].bam = true;
    t.pool[1].lpe = true;
    t.pool[1].rlpml = 9018;
    const RxDecision d = classify_rx(t, frame(kBcast, kStranger, false, 0, 4000));
    require_deliver(d, P(1));
    CHECK(d.oversize_pools == P(2));
  }
  SECTION("a disabled pool is not counted as oversize") {
    t.pool[1].rx_enabled = false;
    require_drop(classify_rx(t, frame(kVm1, kStranger, false, 0, 4000)),
                 RxVerdict::DropPoolDisabled);
  }
}

TEST_CASE("Rx with VMDq disabled uses pool 0 only", "[sorter][rx][novmdq]") {
  SorterTables t = base_tables();
  t.vmdq_enable = false;
  require_deliver(classify_rx(t, frame(kVm3)), P(0));
  require_drop(classify_rx(t, frame(kStranger)), RxVerdict::DropNoPool);
  require_deliver(classify_rx(t, frame(kBcast)), P(0));
  t.pool[0].rx_enabled = false;  // VFRE has no meaning without pools
  require_deliver(classify_rx(t, frame(kVm3)), P(0));
  require_drop(classify_rx(t, frame(kVm3, kStranger, false, 0, 2000)), RxVerdict::DropSize);
}

TEST_CASE("Tx loopback of unicast", "[sorter][tx][unicast]") {
  SorterTables t = base_tables();
  SECTION("DA owned by a local pool: loopback only, not to the wire") {
    const TxDecision d = switch_tx(t, 1, frame(kVm2, kVm1));
    CHECK(d.loopback_pools == P(2));
    CHECK_FALSE(d.to_wire);
    CHECK_FALSE(d.drop);
    CHECK(d.exact_match);
  }
  SECTION("DA not local: to the wire only") {
    const TxDecision d = switch_tx(t, 1, frame(kStranger, kVm1));
    CHECK(d.loopback_pools == 0);
    CHECK(d.to_wire);
    CHECK_FALSE(d.drop);
  }
  SECTION("DA owned by an Rx-disabled pool is not a match: to the wire") {
    t.pool[2].rx_enabled = false;
    const TxDecision d = switch_tx(t, 1, frame(kVm2, kVm1));
    CHECK(d.loopback_pools == 0);
    CHECK(d.to_wire);
  }
  SECTION("unicast miss hitting the UTA loops back to ROPE pools and goes to the wire") {
    t.pool[3].rope = true;
    set_bit(t.uta, mta_index(kStranger, t.mta_shift));
    const TxDecision d = switch_tx(t, 1, frame(kStranger, kVm1));
    CHECK(d.loopback_pools == P(3));
    CHECK(d.to_wire);
  }
  SECTION("unicast promiscuous (UPE) pools get a copy; an exact match still keeps it local") {
    t.pool[3].upe = true;
    TxDecision d = switch_tx(t, 1, frame(kStranger, kVm1));
    CHECK(d.loopback_pools == P(3));
    CHECK(d.to_wire);
    d = switch_tx(t, 1, frame(kVm2, kVm1));
    CHECK(d.loopback_pools == (P(2) | P(3)));
    CHECK_FALSE(d.to_wire);
  }
  SECTION("replication disabled: UTA hit loops back to the single ROPE pool") {
    t.replication_enable = false;
    t.pool[3].rope = true;
    set_bit(t.uta, mta_index(kStranger, t.mta_shift));
    const TxDecision d = switch_tx(t, 1, frame(kStranger, kVm1));
    CHECK(d.loopback_pools == P(3));
    CHECK(d.to_wire);
  }
  SECTION("to its own address without local loopback enable: goes nowhere") {
    const TxDecision d = switch_tx(t, 1, frame(kVm1, kVm1));
    CHECK(d.loopback_pools == 0);
    CHECK_FALSE(d.to_wire);
    CHECK(d.drop);
    CHECK_FALSE(d.spoof_mac);
  }
  SECTION("to its own address with local loopback enable (LLE)") {
    t.pool[1].loopback_enable = true;
    const TxDecision d = switch_tx(t, 1, frame(kVm1, kVm1));
    CHECK(d.loopback_pools == P(1));
    CHECK_FALSE(d.to_wire);
  }
  SECTION("tagged unicast to a pool outside the VLAN is not delivered") {
    t.vlan_filter_enable = true;
    t.vlvf[0] = {7, true, P(1)};
    const TxDecision d = switch_tx(t, 1, frame(kVm2, kVm1, true, 7));
    CHECK(d.loopback_pools == 0);
    CHECK_FALSE(d.to_wire);
  }
}

TEST_CASE("Tx broadcast and multicast", "[sorter][tx][broadcast]") {
  SorterTables t = base_tables();
  for (unsigned p = 0; p < 4; ++p) t.pool[p].bam = true;
  SECTION("broadcast: wire + every BAM pool except the source") {
    const TxDecision d = switch_tx(t, 2, frame(kBcast, kVm2));
    CHECK(d.to_wire);
    CHECK(d.loopback_pools == (P(0) | P(1) | P(3)));
  }
  SECTION("broadcast with LLE on the source includes the source") {
    t.pool[2].loopback_enable = true;
    CHECK(switch_tx(t, 2, frame(kBcast, kVm2)).loopback_pools == (P(0) | P(1) | P(2) | P(3)));
  }
  SECTION("broadcast skips Rx-disabled pools") {
    t.pool[3].rx_enabled = false;
    CHECK(switch_tx(t, 2, frame(kBcast, kVm2)).loopback_pools == (P(0) | P(1)));
  }
  SECTION("multicast: wire + ROMPE pools on an MTA hit + MPE pools") {
    t.pool[1].rompe = true;
    t.pool[5].mpe = true;
    set_bit(t.mta, mta_index(kMcast, t.mta_shift));
    const TxDecision d = switch_tx(t, 2, frame(kMcast, kVm2));
    CHECK(d.to_wire);
    CHECK(d.loopback_pools == (P(1) | P(5)));
  }
  SECTION("replication disabled: wire + the default pool") {
    t.replication_enable = false;
    t.default_pool = 0;
    const TxDecision d = switch_tx(t, 2, frame(kBcast, kVm2));
    CHECK(d.to_wire);
    CHECK(d.loopback_pools == P(0));
    CHECK(switch_tx(t, 0, frame(kBcast, kPfMac)).loopback_pools == 0);  // source pruned
  }
}

TEST_CASE("Tx loopback disabled", "[sorter][tx][loopback]") {
  SorterTables t = base_tables();
  t.global_loopback_enable = false;
  t.pool[3].bam = true;
  TxDecision d = switch_tx(t, 1, frame(kVm2, kVm1));
  CHECK(d.to_wire);
  CHECK(d.loopback_pools == 0);
  d = switch_tx(t, 1, frame(kBcast, kVm1));
  CHECK(d.to_wire);
  CHECK(d.loopback_pools == 0);
}

TEST_CASE("Tx pool transmit enable (VFTE)", "[sorter][tx][vfte]") {
  SorterTables t = base_tables();
  t.pool[1].tx_enabled = false;
  TxDecision d = switch_tx(t, 1, frame(kVm2, kVm1));
  CHECK(d.drop);
  CHECK(d.tx_disabled);
  CHECK_FALSE(d.to_wire);
  CHECK(d.loopback_pools == 0);
  d = switch_tx(t, 8, frame(kVm2, kVm1));  // no such pool on an 8-pool port
  CHECK(d.drop);
  CHECK(d.tx_disabled);
}

TEST_CASE("Tx MAC anti-spoofing", "[sorter][tx][antispoof]") {
  SorterTables t = base_tables();
  t.pool[1].mac_antispoof = true;
  SECTION("SA of the pool passes") {
    const TxDecision d = switch_tx(t, 1, frame(kStranger, kVm1));
    CHECK_FALSE(d.spoof_mac);
    CHECK(d.to_wire);
  }
  SECTION("SA unknown: dropped, not to the wire, not looped back") {
    const TxDecision d = switch_tx(t, 1, frame(kVm2, kStranger));
    CHECK(d.spoof_mac);
    CHECK(d.drop);
    CHECK_FALSE(d.to_wire);
    CHECK(d.loopback_pools == 0);
  }
  SECTION("SA of another pool is a spoof") {
    CHECK(switch_tx(t, 1, frame(kStranger, kVm2)).spoof_mac);
  }
  SECTION("SA in an invalid RAR entry is a spoof") {
    t.rar[1].valid = false;
    CHECK(switch_tx(t, 1, frame(kStranger, kVm1)).spoof_mac);
  }
  SECTION("anti-spoofing off for the pool") {
    t.pool[1].mac_antispoof = false;
    CHECK_FALSE(switch_tx(t, 1, frame(kStranger, kVm2)).spoof_mac);
  }
  SECTION("checked even when loopback is disabled") {
    t.global_loopback_enable = false;
    const TxDecision d = switch_tx(t, 1, frame(kStranger, kStranger));
    CHECK(d.spoof_mac);
    CHECK_FALSE(d.to_wire);
  }
}

TEST_CASE("Tx VLAN anti-spoofing and port VLAN", "[sorter][tx][antispoof][vlan]") {
  SorterTables t = base_tables();
  t.pool[1].vlan_antispoof = true;
  t.vlvf[0] = {10, true, P(1) | P(2)};
  t.vlvf[1] = {20, true, P(2)};
  SECTION("VID the pool is a member of passes") {
    const TxDecision d = switch_tx(t, 1, frame(kVm2, kVm1, true, 10));
    CHECK_FALSE(d.spoof_vlan);
    CHECK(d.loopback_pools == P(2));
  }
  SECTION("VID the pool is not a member of: dropped") {
    const TxDecision d = switch_tx(t, 1, frame(kVm2, kVm1, true, 20));
    CHECK(d.spoof_vlan);
    CHECK(d.drop);
    CHECK_FALSE(d.to_wire);
    CHECK(d.loopback_pools == 0);
  }
  SECTION("untagged frames are not checked") {
    CHECK_FALSE(switch_tx(t, 1, frame(kVm2, kVm1)).spoof_vlan);
  }
  SECTION("port VLAN insertion: a VM-supplied tag is a spoof") {
    t.pool[1].port_vlan_insert = true;
    t.pool[1].port_vlan = 20;
    CHECK(switch_tx(t, 1, frame(kVm2, kVm1, true, 10)).spoof_vlan);
  }
  SECTION("port VLAN insertion: untagged frame switched on the port VLAN") {
    t.pool[1].port_vlan_insert = true;
    t.pool[1].port_vlan = 20;
    t.vlan_filter_enable = true;
    t.pool[3].bam = true;
    t.pool[2].bam = true;
    const TxDecision d = switch_tx(t, 1, frame(kBcast, kVm1));
    CHECK_FALSE(d.spoof_vlan);
    CHECK(d.effective_tagged);
    CHECK(d.effective_vid == 20);
    CHECK(d.loopback_pools == P(2));  // pool 3 is not on VLAN 20
    CHECK(d.to_wire);
  }
  SECTION("VLAN anti-spoofing off for the pool") {
    t.pool[1].vlan_antispoof = false;
    CHECK_FALSE(switch_tx(t, 1, frame(kVm2, kVm1, true, 20)).spoof_vlan);
  }
}

TEST_CASE("Tx with VMDq disabled goes to the wire", "[sorter][tx][novmdq]") {
  SorterTables t = base_tables();
  t.vmdq_enable = false;
  t.pool[0].mac_antispoof = true;
  const TxDecision d = switch_tx(t, 0, frame(kVm1, kStranger));
  CHECK(d.to_wire);
  CHECK(d.loopback_pools == 0);
  CHECK_FALSE(d.spoof_mac);
}
