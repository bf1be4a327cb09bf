// PF/VF mailbox without a SystemC simulation: the device-side Mailbox mapped into plain
// RegisterSpaces, igbvf's / ixgbevf's side (VfMailbox) on each VF space, igb's / ixgbe's side
// (PfMailboxService + PfVfPolicy) on the PF space, whose filter registers are storage arrays
// checked directly. The first half covers the 82576, the second the 82599.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "model/host/mailbox_protocol.h"
#include "model/pcie/mailbox.h"
#include "model/regs/mailbox_82576.h"
#include "model/regs/mailbox_82599.h"
#include "model/regs/map_82599.h"
#include "model/regs/register_space.h"
#include "testbench/reg_offsets.h"

using namespace iovsim;
using namespace iovsim::test::t76;  // offsets written out in the test, not the model's map
namespace x = iovsim::test::t99;
using regs::RegAccess;
using regs::RegisterSpace;

namespace {

constexpr unsigned kRar = 24;
constexpr unsigned kRar99 = 128;

// MAC from bytes, byte 0 in bits 7:0 (the project's convention).
std::uint64_t mac_bytes(std::array<std::uint8_t, 6> b) {
  std::uint64_t m = 0;
  for (unsigned i = 0; i < 6; ++i) m |= std::uint64_t{b[i]} << (8 * i);
  return m;
}

// The igb/igbvf multicast hash with MO = 0, computed here from the bytes independently of the
// model: 12 bits made of the top nibble of byte 4 and all of byte 5.
std::uint16_t igb_hash(const std::array<std::uint8_t, 6>& b) {
  return static_cast<std::uint16_t>(((b[4] >> 4) | (b[5] << 4)) & 0xFFF);
}

struct Bench {
  Family fam;
  RegisterSpace pf{"pf"};
  std::vector<RegisterSpace> vfs;
  std::unique_ptr<Mailbox> mb;
  std::vector<std::unique_ptr<VfMailbox>> vf;
  std::unique_ptr<PfVfPolicy> pol;
  std::unique_ptr<PfMailboxService> svc;
  std::uint32_t mc_filter_type = 0xDEAD;  // word 3 of the last 82599 RESET reply

  // `mapped` VF register spaces behind the mailbox, `enabled` of them known to the PF policy.
  explicit Bench(unsigned mapped = 4, unsigned enabled = 3, Family f = Family::i82576)
      : fam(f) {
    vfs.reserve(mapped);
    for (unsigned i = 0; i < mapped; ++i) vfs.emplace_back(fmt::format("vf{}", i));
    if (fam == Family::i82599)
      add_82599_filters();
    else
      add_82576_filters();
    std::vector<RegisterSpace*> ptrs;
    for (auto& rs : vfs) ptrs.push_back(&rs);
    mb = std::make_unique<Mailbox>(mapped, pf, ptrs, layout());
    for (unsigned i = 0; i < mapped; ++i) {
      RegisterSpace* rs = &vfs[i];
      RegAccess va{[rs](std::uint32_t off) {
                     std::uint32_t v = 0;
                     rs->read(off, v);
                     return v;
                   },
                   [rs](std::uint32_t off, std::uint32_t v) { rs->write(off, v); }};
      vf.push_back(std::make_unique<VfMailbox>(va, layout()));
    }
    RegAccess pa{[this](std::uint32_t off) { return reg(off); },
                 [this](std::uint32_t off, std::uint32_t v) { pf.write(off, v); }};
    if (fam == Family::i82599) {
      pol = make_pf_policy(fam, pa, enabled, kRar99, 64);
      svc = std::make_unique<PfMailboxService>(pa, layout(), mapped);
    } else {
      pol = make_pf_policy(fam, pa, enabled, kRar, 32);
      svc = std::make_unique<PfMailboxService>(pa, layout(), 8);
    }
  }
  void add_82576_filters() {
    using regs::reg;
    pf.add_storage(reg("RAL", RAL(0)).array(16, 8));
    pf.add_storage(reg("RAH", RAH(0)).array(16, 8));
    pf.add_storage(reg("RAL16", RAL(16)).array(8, 8));
    pf.add_storage(reg("RAH16", RAH(16)).array(8, 8));
    pf.add_storage(reg("MTA", MTA).array(128, 4));
    pf.add_storage(reg("VFTA", VFTA).array(128, 4));
    pf.add_storage(reg("VMOLR", VMOLR(0)).array(8, 4));
    pf.add_storage(reg("VLVF", VLVF(0)).array(32, 4));
    pf.add_storage(reg("VFRE", VFRE));
    pf.add_storage(reg("VFTE", VFTE));
  }
  // The 82599 filter registers ixgbe's VF policy writes, at their ixgbe_type.h offsets.
  void add_82599_filters() {
    using regs::reg;
    pf.add_storage(reg("RAL", x::RAL(0)).array(16, 8));  // entries 0-15 at 0x05400
    pf.add_storage(reg("RAH", x::RAH(0)).array(16, 8));
    pf.add_storage(reg("RAL16", x::RAL(16)).array(112, 8));  // entries 16-127 at 0x0A200 + 8n
    pf.add_storage(reg("RAH16", x::RAH(16)).array(112, 8));
    pf.add_storage(reg("MPSAR_LO", x::MPSAR_LO(0)).array(128, 8));
    pf.add_storage(reg("MPSAR_HI", x::MPSAR_HI(0)).array(128, 8));
    pf.add_storage(reg("MTA", x::MTA).array(128, 4));
    pf.add_storage(reg("VFTA", x::VFTA).array(128, 4));
    pf.add_storage(reg("PFVML2FLT", x::PFVML2FLT(0)).array(64, 4));
    pf.add_storage(reg("VLVF", x::VLVF(0)).array(64, 4));
    pf.add_storage(reg("VLVFB", x::VLVFB(0)).array(128, 4));
    pf.add_storage(reg("PFVFRE", x::PFVFRE(0)).array(2, 4));
    pf.add_storage(reg("PFVFTE", x::PFVFTE(0)).array(2, 4));
  }
  const regs::MailboxLayout& layout() const { return regs::device_map(fam).mailbox(); }
  Bench(const Bench&) = delete;
  Bench& operator=(const Bench&) = delete;

  std::uint32_t reg(std::uint32_t off) {
    std::uint32_t v = 0;
    pf.read(off, v);
    return v;
  }
  std::uint32_t vf_reg(unsigned v, std::uint32_t off) {
    std::uint32_t x = 0;
    vfs[v].read(off, x);
    return x;
  }

  // One request/reply exchange the way igbvf's write_posted + read_posted does it, with the PF
  // serviced in between and once after (to consume the VF's ACK of the reply).
  bool transact(unsigned v, const std::uint32_t* w, unsigned n, std::uint32_t* reply,
                unsigned& rn) {
    if (!vf[v]->post(w, n)) return false;
    svc->service(*pol);
    const bool acked = vf[v]->poll_ack();
    rn = mbx::WORDS;
    const bool got = vf[v]->poll_reply(reply, rn);
    svc->service(*pol);
    return acked && got;
  }
  // igbvf e1000_reset_hw_vf / ixgbevf_reset_hw_vf: consume the reset indication, send RESET,
  // read the reply (3 words, or 4 with the multicast filter type on the 82599).
  std::uint32_t reset(unsigned v, std::uint64_t* mac = nullptr) {
    vf[v]->check_reset();
    std::uint32_t w[mbx::WORDS], r[mbx::WORDS] = {};
    unsigned rn = 0;
    REQUIRE(transact(v, w, VfMailbox::build_reset(w), r, rn));
    const regs::ResetReply rr = vf[v]->decode_reset_reply(r, rn);
    if (rr.accepted) mc_filter_type = rr.mc_filter_type;
    if (rr.has_mac && mac) *mac = rr.mac;
    return r[0];
  }
  std::uint32_t request(unsigned v, const std::uint32_t* w, unsigned n) {
    std::uint32_t r[mbx::WORDS] = {};
    unsigned rn = 0;
    REQUIRE(transact(v, w, n, r, rn));
    return r[0];
  }
  std::uint32_t set_vlan(unsigned v, std::uint16_t vid, bool add) {
    std::uint32_t w[mbx::WORDS];
    return request(v, w, VfMailbox::build_set_vlan(w, vid, add));
  }
  std::uint32_t set_mac(unsigned v, std::uint64_t mac) {
    std::uint32_t w[mbx::WORDS];
    return request(v, w, VfMailbox::build_set_mac(w, mac));
  }
  std::uint32_t set_mc(unsigned v, const std::vector<std::uint64_t>& macs) {
    std::uint32_t w[mbx::WORDS];
    const auto n = static_cast<unsigned>(macs.size());
    return request(v, w, VfMailbox::build_set_multicast(w, macs.data(), n));
  }
  std::uint32_t ral(unsigned n) { return reg(fam == Family::i82599 ? x::RAL(n) : RAL(n)); }
  std::uint32_t rah(unsigned n) { return reg(fam == Family::i82599 ? x::RAH(n) : RAH(n)); }
  // 82599: the pools of RAR entry n (MPSAR_HI:MPSAR_LO).
  std::uint64_t mpsar(unsigned n) {
    return std::uint64_t{reg(x::MPSAR_HI(n))} << 32 | reg(x::MPSAR_LO(n));
  }
  std::uint32_t vml2flt(unsigned pool) { return reg(x::PFVML2FLT(pool)); }
  bool vfta99_bit(unsigned vid) { return (reg(x::VFTA + 4 * (vid / 32)) >> (vid % 32)) & 1u; }
  bool pool_enabled(bool rx, unsigned pool) {
    return (reg(rx ? x::PFVFRE(pool / 32) : x::PFVFTE(pool / 32)) >> (pool % 32)) & 1u;
  }
  // 82599: enabled VLVF entries as VID -> 64-bit pool map (VLVFB(2i + 1):VLVFB(2i)); a VID in
  // two entries, or a disabled entry with stray bits, fails the test.
  std::map<unsigned, std::uint64_t> vlvf_table99() {
    std::map<unsigned, std::uint64_t> t;
    for (unsigned i = 0; i < 64; ++i) {
      const std::uint32_t v = reg(x::VLVF(i));
      const std::uint64_t pools =
          std::uint64_t{reg(x::VLVFB(2 * i + 1))} << 32 | reg(x::VLVFB(2 * i));
      if (!x::VLVF_VIEN::get(v)) {
        CHECK(v == 0);
        CHECK(pools == 0);
        continue;
      }
      CHECK(t.count(x::VLVF_VID::get(v)) == 0);
      t[x::VLVF_VID::get(v)] = pools;
    }
    return t;
  }
  bool vfta_bit(unsigned vid) { return (reg(VFTA + 4 * (vid / 32)) >> (vid % 32)) & 1u; }
  // Enabled VLVF entries as VID -> pool bits; a VID in two entries fails the test.
  std::map<unsigned, unsigned> vlvf_table() {
    std::map<unsigned, unsigned> t;
    for (unsigned i = 0; i < 32; ++i) {
      const std::uint32_t v = reg(VLVF(i));
      if (!VLVF_VLANID_ENABLE::get(v)) {
        CHECK(v == 0);
        continue;
      }
      CHECK(t.count(VLVF_VLANID::get(v)) == 0);
      t[VLVF_VLANID::get(v)] = VLVF_POOLSEL::get(v);
    }
    return t;
  }
};

std::uint32_t rah_for(std::uint64_t mac, unsigned pool) {
  std::uint32_t r = static_cast<std::uint32_t>(mac >> 32) & 0xFFFF;
  r |= 1u << (18 + pool);
  if (mbx::valid_unicast(mac)) r |= 1u << 31;
  return r;
}

constexpr std::uint32_t kAck = mbx::MSGTYPE_ACK, kNack = mbx::MSGTYPE_NACK,
                        kCts = mbx::MSGTYPE_CTS;

}  // namespace

TEST_CASE("mailbox: VF RESET returns the PF-assigned MAC and programs RAR num_rar-1-vf") {
  Bench b;
  const std::uint64_t mac1 = mac_bytes({0x02, 0x00, 0x00, 0xAA, 0xBB, 0x01});
  REQUIRE(b.pol->set_vf_mac(1, mac1));  // ip link set pf vf 1 mac ...
  CHECK(b.ral(kRar - 2) == static_cast<std::uint32_t>(mac1));
  CHECK(b.rah(kRar - 2) == rah_for(mac1, 1));
  CHECK(b.pol->pf_set_mac(1));

  std::uint64_t got = 0;
  CHECK(b.reset(1, &got) == (mbx::VF_RESET | kAck));  // no CTS in the RESET reply (igb)
  CHECK(got == mac1);
  CHECK(b.pol->cts(1));
  CHECK(b.ral(kRar - 2) == static_cast<std::uint32_t>(mac1));
  CHECK(b.rah(kRar - 2) == rah_for(mac1, 1));  // pool 1 selected, AV
  CHECK(((b.reg(VFRE) >> 1) & 1u) == 1);
  CHECK(((b.reg(VFTE) >> 1) & 1u) == 1);
  // igb_vf_reset re-adds VLAN 0 (the VF's pf_vlan) in VLVF entry 0, and sets VMOLR defaults.
  CHECK(b.reg(VLVF(0)) == (VLVF_VLANID_ENABLE::kMask | (1u << (12 + 1))));
  CHECK(b.vfta_bit(0));
  CHECK(VMOLR_AUPE::get(b.reg(VMOLR(1))) == 1);
  CHECK(VMOLR_BAM::get(b.reg(VMOLR(1))) == 1);
  CHECK(b.pol->grants(1, mbx::VF_RESET) == 1);

  // VF 0 has no MAC: NACK, its RAR has the pool but no AV; igbvf keeps its own MAC.
  got = 0;
  CHECK(b.reset(0, &got) == (mbx::VF_RESET | kNack));
  CHECK(got == 0);
  CHECK(b.pol->cts(0));  // igb sets CTS even so
  CHECK(b.rah(kRar - 1) == (1u << 18));
  CHECK(b.pol->refusals(0, mbx::VF_RESET) == 1);
  CHECK(b.pf.unmapped_accesses() == 0);
}

TEST_CASE("mailbox: SET_MAC_ADDR is granted to a trusted VF and refused to an untrusted one") {
  Bench b;
  const std::uint64_t admin0 = mac_bytes({0x02, 0, 0, 0, 0, 0x10});
  const std::uint64_t admin1 = mac_bytes({0x02, 0, 0, 0, 0, 0x11});
  const std::uint64_t wish = mac_bytes({0x02, 0x12, 0x34, 0x56, 0x78, 0x9A});
  b.pol->set_vf_mac(0, admin0);
  b.pol->set_trusted(0, true);
  b.pol->set_vf_mac(1, admin1);

  // Before RESET the VF is not clear to send: NACK without CTS.
  CHECK(b.set_mac(0, wish) == (mbx::VF_SET_MAC_ADDR | kNack));
  CHECK(b.pol->not_cts() == 1);

  b.reset(0);
  b.reset(1);
  CHECK(b.set_mac(0, wish) == (mbx::VF_SET_MAC_ADDR | kCts | kAck));
  CHECK(b.ral(kRar - 1) == static_cast<std::uint32_t>(wish));
  CHECK(b.rah(kRar - 1) == rah_for(wish, 0));
  CHECK(b.pol->vf_mac(0) == wish);

  CHECK(b.set_mac(1, wish) == (mbx::VF_SET_MAC_ADDR | kCts | kNack));
  CHECK(b.ral(kRar - 2) == static_cast<std::uint32_t>(admin1));  // unchanged
  CHECK(b.rah(kRar - 2) == rah_for(admin1, 1));
  CHECK(b.pol->vf_mac(1) == admin1);

  // A VF whose MAC the PF did not set may choose one; invalid addresses are refused.
  b.reset(2);
  CHECK(b.set_mac(2, wish) == (mbx::VF_SET_MAC_ADDR | kCts | kAck));
  CHECK(b.rah(kRar - 3) == rah_for(wish, 2));
  CHECK(b.set_mac(2, mac_bytes({0x01, 0x00, 0x5E, 0, 0, 1})) ==
        (mbx::VF_SET_MAC_ADDR | kCts | kNack));
  CHECK(b.set_mac(2, 0) == (mbx::VF_SET_MAC_ADDR | kCts | kNack));
  // The chosen MAC survives a RESET and comes back in its reply.
  std::uint64_t got = 0;
  CHECK(b.reset(2, &got) == (mbx::VF_RESET | kAck));
  CHECK(got == wish);

  CHECK(b.pol->grants(0, mbx::VF_SET_MAC_ADDR) == 1);
  CHECK(b.pol->refusals(0, mbx::VF_SET_MAC_ADDR) == 1);  // the one before RESET
  CHECK(b.pol->refusals(1, mbx::VF_SET_MAC_ADDR) == 1);
  CHECK(b.pol->grants(2, mbx::VF_SET_MAC_ADDR) == 1);
  CHECK(b.pol->refusals(2, mbx::VF_SET_MAC_ADDR) == 2);
}

TEST_CASE("mailbox: SET_MULTICAST sets exactly the igb-hashed MTA bits and ROMPE") {
  Bench b;
  b.reset(0);
  b.reset(1);
  const std::vector<std::array<std::uint8_t, 6>> g0 = {
      {0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB}, {0x01, 0x00, 0x5E, 0x7F, 0xFF, 0xFA},
      {0x33, 0x33, 0x00, 0x00, 0x00, 0x01}, {0x33, 0x33, 0xFF, 0x12, 0x34, 0x56},
      {0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E}};
  const std::vector<std::array<std::uint8_t, 6>> g1 = {{0x01, 0x00, 0x5E, 0x01, 0x02, 0x03},
                                                       {0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB}};
  auto macs = [](const std::vector<std::array<std::uint8_t, 6>>& g) {
    std::vector<std::uint64_t> m;
    for (auto& x : g) m.push_back(mac_bytes(x));
    return m;
  };
  auto expect_mta = [&b](const std::vector<std::array<std::uint8_t, 6>>& g) {
    std::array<std::uint32_t, 128> want{};
    for (auto& x : g) {
      const std::uint16_t h = igb_hash(x);
      want[h >> 5] |= 1u << (h & 31);
    }
    for (unsigned i = 0; i < 128; ++i) CHECK(b.reg(MTA + 4 * i) == want[i]);
  };
  for (auto& x : g0) CHECK(mbx::mc_hash(mac_bytes(x)) == igb_hash(x));
  CHECK(igb_hash({0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB}) == 0xFB0);

  CHECK(b.set_mc(0, macs(g0)) == ((mbx::VF_SET_MULTICAST | 5u << 16) | kCts | kAck));
  expect_mta(g0);
  CHECK(VMOLR_ROMPE::get(b.reg(VMOLR(0))) == 1);
  CHECK(VMOLR_MPME::get(b.reg(VMOLR(0))) == 0);
  CHECK(VMOLR_ROMPE::get(b.reg(VMOLR(1))) == 0);

  CHECK(mbx::is_ack(b.set_mc(1, macs(g1))));
  auto both = g0;
  both.insert(both.end(), g1.begin(), g1.end());
  expect_mta(both);
  CHECK(VMOLR_ROMPE::get(b.reg(VMOLR(1))) == 1);

  // VF 0 clears its list: its bits go unless VF 1 shares them; ROMPE off.
  CHECK(mbx::is_ack(b.set_mc(0, {})));
  expect_mta(g1);
  CHECK(VMOLR_ROMPE::get(b.reg(VMOLR(0))) == 0);

  // More than 30 addresses: igbvf sends 30; a raw count above 30 turns on MPME instead.
  std::vector<std::uint64_t> many;
  for (unsigned i = 0; i < 35; ++i)
    many.push_back(mac_bytes({0x01, 0, 0x5E, 0, std::uint8_t(i << 4), std::uint8_t(i)}));
  std::uint32_t w[mbx::WORDS];
  VfMailbox::build_set_multicast(w, many.data(), 35);
  CHECK(mbx::msg_info(w[0]) == 30);
  std::uint32_t raw[mbx::WORDS] = {mbx::VF_SET_MULTICAST | (40u << 16), 0x0123'0456};
  CHECK(mbx::is_ack(b.request(0, raw, mbx::WORDS)));
  CHECK(VMOLR_MPME::get(b.reg(VMOLR(0))) == 1);
  CHECK(VMOLR_ROMPE::get(b.reg(VMOLR(0))) == 0);
  expect_mta(g1);
  // RESET forgets the VF's hashes.
  b.reset(1);
  expect_mta({});
  CHECK(VMOLR_ROMPE::get(b.reg(VMOLR(1))) == 0);
}

TEST_CASE("mailbox: SET_VLAN add/remove allocates and frees a VLVF entry and the VFTA bit") {
  Bench b;
  b.reset(0);
  b.reset(1);
  CHECK(b.set_vlan(0, 100, true) == ((mbx::VF_SET_VLAN | 1u << 16) | kCts | kAck));
  // igb_find_vlvf_slot takes the first free entry searching down from the top.
  CHECK(b.reg(VLVF(31)) == (100u | 1u << 12 | VLVF_VLANID_ENABLE::kMask));
  CHECK(b.vfta_bit(100));
  CHECK(((b.reg(VFTA + 4 * 3) >> 4) & 1u) == 1);  // 100 = 3 * 32 + 4
  CHECK(VMOLR_STRVLAN::get(b.reg(VMOLR(0))) == 1);

  CHECK(mbx::is_ack(b.set_vlan(1, 100, true)));  // same entry, second pool
  CHECK(b.reg(VLVF(31)) == (100u | 3u << 12 | VLVF_VLANID_ENABLE::kMask));
  CHECK(b.reg(VLVF(30)) == 0);

  CHECK(mbx::is_ack(b.set_vlan(0, 100, false)));
  CHECK(b.reg(VLVF(31)) == (100u | 2u << 12 | VLVF_VLANID_ENABLE::kMask));
  CHECK(b.vfta_bit(100));  // VF 1 still uses it
  CHECK(mbx::is_ack(b.set_vlan(1, 100, false)));
  CHECK(b.reg(VLVF(31)) == 0);
  CHECK_FALSE(b.vfta_bit(100));
  // VLAN 0 cannot be removed (igb acknowledges and does nothing).
  CHECK(mbx::is_ack(b.set_vlan(0, 0, false)));
  CHECK(b.reg(VLVF(0)) == (VLVF_VLANID_ENABLE::kMask | 3u << 12));

  // RESET drops the VF from every VLAN.
  CHECK(mbx::is_ack(b.set_vlan(0, 7, true)));
  CHECK(mbx::is_ack(b.set_vlan(1, 7, true)));
  CHECK(mbx::is_ack(b.set_vlan(0, 8, true)));
  b.reset(0);
  auto t = b.vlvf_table();
  CHECK(t == std::map<unsigned, unsigned>{{0, 3}, {7, 2}});
  CHECK_FALSE(b.vfta_bit(8));
  CHECK(b.vfta_bit(7));
  CHECK(b.pol->grants(0, mbx::VF_SET_VLAN) == 5);
}

TEST_CASE("mailbox: SET_VLAN is refused when the PF disallows it or all VLVF entries are used") {
  Bench b;
  for (unsigned v = 0; v < 3; ++v) b.reset(v);
  b.pol->set_allow_vlan(2, false);
  CHECK(b.set_vlan(2, 10, true) == ((mbx::VF_SET_VLAN | 1u << 16) | kCts | kNack));
  CHECK(b.vlvf_table() == std::map<unsigned, unsigned>{{0, 7}});
  CHECK_FALSE(b.vfta_bit(10));
  CHECK(b.pol->refusals(2, mbx::VF_SET_VLAN) == 1);

  // Entry 0 is VLAN 0's; entries 31..1 take 31 VLANs, the 32nd distinct VID finds none.
  for (unsigned vid = 1; vid <= 31; ++vid) CHECK(mbx::is_ack(b.set_vlan(vid % 2, vid, true)));
  CHECK(b.vlvf_table().size() == 32);
  CHECK(b.set_vlan(0, 32, true) == ((mbx::VF_SET_VLAN | 1u << 16) | kCts | kNack));
  CHECK_FALSE(b.vfta_bit(32));
  CHECK(mbx::is_ack(b.set_vlan(0, 2, true)));  // an existing VID still takes another pool
  CHECK(b.pol->refusals(0, mbx::VF_SET_VLAN) == 1);
  // Freeing one entry makes room.
  CHECK(mbx::is_ack(b.set_vlan(1, 5, false)));
  CHECK(mbx::is_ack(b.set_vlan(0, 32, true)));
  CHECK(b.vfta_bit(32));
  CHECK_FALSE(b.vfta_bit(5));
}

TEST_CASE("mailbox: buffer ownership locks and read-to-clear bits and MBVFICR") {
  Bench b;
  unsigned irq = 0, vf_irq = 0;
  b.mb->on_vf_request = [&irq](unsigned) { ++irq; };
  b.mb->on_vf_interrupt = [&vf_irq](unsigned) { ++vf_irq; };

  // The VF takes the buffer: the PF can neither lock it nor write it.
  b.vfs[0].write(VF_V2PMAILBOX, V2PMAILBOX_VFU::kMask);
  CHECK(b.mb->vf_owns(0));
  b.vfs[0].write(VF_VMBMEM, 0x1111);
  b.pf.write(P2VMAILBOX(0), P2VMAILBOX_PFU::kMask);
  CHECK(b.reg(P2VMAILBOX(0)) == P2VMAILBOX_VFU::kMask);  // PFU not granted
  b.pf.write(VMBMEM(0), 0xDEAD);
  CHECK(b.mb->buffer_word(0, 0) == 0x1111);
  CHECK(b.mb->stats(0).pf_lock_denied == 1);
  CHECK(b.mb->stats(0).pf_buffer_writes_ignored == 1);
  // PF's VfMailbox-equivalent: the PF service cannot send either.
  const std::uint32_t ping = mbx::PF_CONTROL_MSG;
  CHECK_FALSE(b.svc->send(0, &ping, 1));
  CHECK(b.svc->lock_failures() == 1);

  // VF REQ: MBVFICR.VFREQ[0], interrupt only once MBVFIMR enables it; REQ also drops VFU.
  b.vfs[0].write(VF_V2PMAILBOX, V2PMAILBOX_REQ::kMask);
  CHECK_FALSE(b.mb->vf_owns(0));
  CHECK(b.reg(MBVFICR) == 1u);
  CHECK(irq == 0);
  b.pf.write(MBVFICR, 1u);  // write 1 to clear
  CHECK(b.reg(MBVFICR) == 0);
  b.pf.write(MBVFIMR, 0xFF);
  b.vfs[1].write(VF_V2PMAILBOX, V2PMAILBOX_VFU::kMask);
  b.vfs[1].write(VF_V2PMAILBOX, V2PMAILBOX_REQ::kMask | V2PMAILBOX_ACK::kMask);
  CHECK(irq == 1);
  CHECK(b.reg(MBVFICR) == (MBVFICR_VFREQ_BIT(1) | MBVFICR_VFACK_BIT(1)));
  b.pf.write(MBVFICR, MBVFICR_VFACK_BIT(1));
  CHECK(b.reg(MBVFICR) == MBVFICR_VFREQ_BIT(1));

  // The PF holds buffer 1: the VF's lock request and buffer write are refused and counted.
  b.pf.write(P2VMAILBOX(1), P2VMAILBOX_PFU::kMask);
  CHECK(b.mb->pf_owns(1));
  b.vfs[1].write(VF_V2PMAILBOX, V2PMAILBOX_VFU::kMask);
  CHECK_FALSE(b.mb->vf_owns(1));
  b.vfs[1].write(VF_VMBMEM + 4, 0xBEEF);
  CHECK(b.mb->buffer_word(1, 1) == 0);
  CHECK(b.mb->stats(1).vf_lock_denied == 1);
  CHECK(b.mb->stats(1).vf_buffer_writes_ignored == 1);
  std::uint32_t w = 0x42;
  CHECK_FALSE(b.vf[1]->post(&w, 1));
  CHECK(b.vf[1]->lock_failures() == 1);
  // The VF sees PFU; STS sets PFSTS, which clears on read; STS also drops PFU.
  CHECK(V2PMAILBOX_PFU::get(b.vf_reg(1, VF_V2PMAILBOX)) == 1);
  b.pf.write(VMBMEM(1) + 4, 0xCAFE);
  CHECK(b.mb->buffer_word(1, 1) == 0xCAFE);
  b.pf.write(P2VMAILBOX(1), P2VMAILBOX_STS::kMask);
  CHECK_FALSE(b.mb->pf_owns(1));
  CHECK(vf_irq == 1);
  const std::uint32_t v2p = b.vf_reg(1, VF_V2PMAILBOX);
  CHECK(V2PMAILBOX_PFSTS::get(v2p) == 1);
  CHECK((b.vf_reg(1, VF_V2PMAILBOX) & V2PMAILBOX_R2C_BITS) == 0);
  CHECK(V2PMAILBOX_RSTD::get(b.vf_reg(2, VF_V2PMAILBOX)) == 1);  // power-on: PF reset done
  CHECK(V2PMAILBOX_RSTD::get(b.vf_reg(2, VF_V2PMAILBOX)) == 0);  // read to clear

  // RVFU frees a buffer a stuck VF holds.
  b.vfs[2].write(VF_V2PMAILBOX, V2PMAILBOX_VFU::kMask);
  b.pf.write(P2VMAILBOX(2), P2VMAILBOX_RVFU::kMask | P2VMAILBOX_PFU::kMask);
  CHECK_FALSE(b.mb->vf_owns(2));
  CHECK(b.mb->pf_owns(2));
  CHECK(b.mb->stats(2).vfu_resets == 1);

  // PF reset: RSTI until the PF driver signals done, then RSTD once.
  b.mb->pf_reset();
  CHECK(b.vf[3]->reset_in_progress());
  CHECK(b.vf[3]->check_reset());
  b.mb->pf_reset_done();
  CHECK_FALSE(b.vf[3]->reset_in_progress());
  CHECK(b.vf[3]->check_reset());   // RSTD
  CHECK_FALSE(b.vf[3]->check_reset());

  // Mailboxes of VFs that do not exist (4 mapped): read 0, writes ignored, counted.
  b.pf.write(P2VMAILBOX(5), P2VMAILBOX_PFU::kMask);
  CHECK(b.reg(P2VMAILBOX(5)) == 0);
  b.pf.write(VMBMEM(6), 1);
  CHECK(b.mb->absent_vf_accesses() == 3);
  CHECK(b.pf.unmapped_accesses() == 0);
}

TEST_CASE("mailbox: a VF beyond NumVFs and unknown or stale messages are refused and counted") {
  Bench b(4, 3);  // 4 VF mailboxes exist, the PF enabled 3 VFs
  std::uint32_t w[mbx::WORDS], r[mbx::WORDS];
  unsigned rn = 0;
  REQUIRE(b.transact(3, w, VfMailbox::build_reset(w), r, rn));
  CHECK(r[0] == (mbx::VF_RESET | kNack));
  CHECK(b.pol->out_of_range() == 1);
  CHECK(b.rah(kRar - 4) == 0);  // nothing programmed for it
  CHECK(((b.reg(VFRE) >> 3) & 1u) == 0);

  b.reset(0);
  w[0] = 0x42;
  CHECK(b.request(0, w, 1) == (0x42u | kCts | kNack));
  CHECK(b.pol->unknown() == 1);
  CHECK(b.pol->refusals(0, 0) == 1);
  // RESET with MSGINFO bits is not RESET for igb (exact comparison): unknown, NACK.
  w[0] = mbx::VF_RESET | 1u << 16;
  CHECK(mbx::is_nack(b.request(0, w, 1)));
  CHECK(b.pol->refusals(0, mbx::VF_RESET) == 2);  // the first: VF 0 has no MAC
  // SET_PROMISC with an unsupported flag is refused; multicast promiscuous is granted.
  std::uint32_t p[1];
  VfMailbox::build_set_promisc(p, mbx::VF_SET_PROMISC_MULTICAST);
  CHECK(b.request(0, p, 1) == (mbx::VF_SET_PROMISC | kCts | kAck));  // flag consumed
  CHECK(VMOLR_MPME::get(b.reg(VMOLR(0))) == 1);
  VfMailbox::build_set_promisc(p, 0x01u << 16);
  CHECK(mbx::is_nack(b.request(0, p, 1)));
  // SET_LPE programs VMOLR.RLPML and LPE, clamped to the jumbo limit.
  VfMailbox::build_set_lpe(w, 100000);
  CHECK(mbx::is_ack(b.request(0, w, 2)));
  CHECK(VMOLR_RLPML::get(b.reg(VMOLR(0))) == regs::i82576::kMaxJumboFrame);
  CHECK(VMOLR_LPE::get(b.reg(VMOLR(0))) == 1);

  // A message that already carries ACK is ignored: no reply, and the PF lock is released.
  const std::uint64_t tx_before = b.svc->msgs_tx();
  w[0] = mbx::VF_SET_VLAN | kAck;
  REQUIRE(b.vf[0]->post(w, 1));
  CHECK(b.svc->service(*b.pol) == 1);
  CHECK(b.pol->stale() == 1);
  CHECK(b.svc->msgs_tx() == tx_before);
  CHECK_FALSE(b.mb->pf_owns(0));
  rn = mbx::WORDS;
  CHECK_FALSE(b.vf[0]->poll_reply(r, rn));
  CHECK(b.vf[0]->poll_ack());  // it was read and acknowledged, though
  CHECK(b.pf.unmapped_accesses() == 0);
}

TEST_CASE("mailbox: message counters in both directions and the NACK to a VF without CTS") {
  Bench b;
  b.pol->set_default_vf_mac(0, mac_bytes({0x02, 0, 0, 0, 0, 0x20}));
  CHECK(b.reset(0) == (mbx::VF_RESET | kAck));
  CHECK_FALSE(b.pol->pf_set_mac(0));
  CHECK(mbx::is_ack(b.set_mac(0, mac_bytes({0x02, 0, 0, 0, 0, 0x21}))));  // not PF-set: free
  CHECK(mbx::is_ack(b.set_mc(0, {mac_bytes({1, 0, 0x5E, 0, 0, 1})})));
  const Mailbox::VfStats& s = b.mb->stats(0);
  CHECK(s.vf_to_pf == 3);
  CHECK(s.pf_to_vf == 3);
  CHECK(s.pf_acks == 3);
  CHECK(s.vf_acks == 3);
  CHECK(s.pf_send_unlocked == 0);
  CHECK(s.vf_send_unlocked == 0);
  CHECK(b.vf[0]->msgs_tx() == 3);
  CHECK(b.vf[0]->msgs_rx() == 3);
  CHECK(b.svc->msgs_rx() == 3);
  CHECK(b.svc->msgs_tx() == 3);
  CHECK(b.svc->acks_rx() == 3);
  CHECK(b.pol->grants_total() == 3);
  CHECK(b.pol->refusals_total() == 0);

  // igb_ping_all_vfs: CTS only for VFs that completed RESET.
  b.svc->ping_all(*b.pol);
  std::uint32_t r[mbx::WORDS];
  unsigned rn = mbx::WORDS;
  REQUIRE(b.vf[0]->poll_reply(r, rn));
  CHECK(r[0] == (mbx::PF_CONTROL_MSG | kCts));
  rn = mbx::WORDS;
  REQUIRE(b.vf[1]->poll_reply(r, rn));
  CHECK(r[0] == mbx::PF_CONTROL_MSG);
  // VF 1 acknowledged a message without CTS: the PF NACKs it once (igb_rcv_ack_from_vf).
  b.svc->service(*b.pol);
  CHECK(b.svc->nacks_to_uncleared() == 1);
  rn = mbx::WORDS;
  REQUIRE(b.vf[1]->poll_reply(r, rn));
  CHECK(r[0] == kNack);
  b.svc->service(*b.pol);  // its ACK of the NACK does not start a ping-pong
  CHECK(b.svc->nacks_to_uncleared() == 1);
  rn = mbx::WORDS;
  CHECK_FALSE(b.vf[1]->poll_reply(r, rn));
  CHECK(b.mb->totals().pf_to_vf == 3 + 3 + 1);  // replies, pings, the NACK
  CHECK(b.mb->totals().pf_buffer_writes_ignored == 0);
}

// --------------------------------------------------------------------------------------------
// Randomized: several VFs post at once, one service pass answers them in VF order, each VF
// reads its reply. A reference written from igb's rules predicts every ACK/NACK and the final
// MTA, VMOLR, VLVF, VFTA and RAR contents.
namespace {

// After a randomized run: every posted message was read by the PF service, the device counted
// the same traffic, and no side ever wrote a buffer it did not own or was denied its lock.
void check_clean_traffic(const Bench& b, std::uint64_t posts) {
  CHECK(b.svc->msgs_rx() == posts);
  const Mailbox::VfStats t = b.mb->totals();
  CHECK(t.vf_to_pf == posts);
  CHECK(t.pf_to_vf == b.svc->msgs_tx());
  CHECK(t.pf_buffer_writes_ignored == 0);
  CHECK(t.vf_buffer_writes_ignored == 0);
  CHECK(t.pf_lock_denied + t.vf_lock_denied == 0);
  CHECK(b.pf.unmapped_accesses() == 0);
}

struct Ref {
  struct Vf {
    bool cts = false, trusted = false, admin = false, allow_vlan = true, strip = false;
    std::uint64_t mac = 0;
    unsigned nmc = 0;
    std::vector<std::uint16_t> hashes;
    std::array<std::uint64_t, 7> granted{}, refused{};
  };
  std::vector<Vf> vf;
  std::map<unsigned, unsigned> vlans;  // VID -> pool bits, VID 0 in entry 0
  std::uint64_t out_of_range = 0, table_full = 0;

  unsigned used_slots() const {  // entries 31..1
    return static_cast<unsigned>(vlans.size()) - (vlans.count(0) ? 1 : 0);
  }
  void drop_vf_vlans(unsigned v) {
    for (auto it = vlans.begin(); it != vlans.end();) {
      it->second &= ~(1u << v);
      it = it->second ? std::next(it) : vlans.erase(it);
    }
  }
  // Returns the expected ACK (true) / NACK (false), records the grant/refusal.
  bool apply(unsigned v, std::uint32_t type, const std::function<bool(Vf&)>& act) {
    if (v >= vf.size()) {
      ++out_of_range;
      return false;
    }
    Vf& s = vf[v];
    bool ok;
    if (type == mbx::VF_RESET) {
      drop_vf_vlans(v);
      vlans[0] |= 1u << v;
      s.nmc = 0;
      s.hashes.clear();
      s.strip = false;
      s.cts = true;
      ok = s.mac != 0;
    } else {
      ok = s.cts && act(s);
    }
    const unsigned kind = type >= 1 && type <= 6 ? type : 0;
    (ok ? s.granted : s.refused)[kind]++;
    return ok;
  }
  bool vlan(unsigned v, Vf& s, unsigned vid, bool add) {
    if (!s.allow_vlan) return false;
    if (!vid && !add) return true;
    auto it = vlans.find(vid);
    if (add) {
      if (it != vlans.end())
        it->second |= 1u << v;
      else if (vid == 0 || used_slots() < 31)
        vlans[vid] = 1u << v;
      else
        return ++table_full, false;
    } else if (it != vlans.end()) {
      it->second &= ~(1u << v);
      if (!it->second) vlans.erase(it);
    } else if (used_slots() >= 31) {
      ++table_full;
      return false;  // igb looks for a free slot even to remove, and fails when full
    }
    s.strip = vid != 0;
    return true;
  }
};

}  // namespace

TEST_CASE("mailbox: randomized interleaved requests match the igb reference") {
  const unsigned seed = GENERATE(1u, 7u, 2024u);
  CAPTURE(seed);
  std::mt19937 rng(seed);
  auto pick = [&rng](unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng); };
  auto rand_mac = [&](bool unicast) {
    std::uint64_t m = (std::uint64_t{rng()} << 32 | rng()) & 0xFFFFFFFFFFFFull;
    return unicast ? (m & ~1ull) | 2 : m | 1;
  };

  Bench b(4, 3);
  Ref ref;
  ref.vf.resize(3);
  // VF 0: trusted with an administrative MAC; VF 1: untrusted with one; VF 2: no MAC, VLANs
  // forbidden by the PF's policy.
  const std::uint64_t m0 = rand_mac(true), m1 = rand_mac(true);
  b.pol->set_vf_mac(0, m0);
  b.pol->set_trusted(0, true);
  b.pol->set_vf_mac(1, m1);
  b.pol->set_default_vf_mac(2, 0);
  b.pol->set_allow_vlan(2, false);
  ref.vf[0] = {false, true, true, true, false, m0, 0, {}, {}, {}};
  ref.vf[1] = {false, false, true, true, false, m1, 0, {}, {}, {}};
  ref.vf[2] = {false, false, false, false, false, 0, 0, {}, {}, {}};

  std::uint64_t posts = 0;
  for (unsigned round = 0; round < 400; ++round) {
    struct Pending {
      unsigned vf;
      std::uint32_t w[mbx::WORDS];
      unsigned n;
      std::function<bool(Ref::Vf&)> act;
    };
    std::vector<Pending> batch;
    for (unsigned v = 0; v < 4; ++v) {
      const bool posts_now = v == 3 ? pick(10) == 0 : pick(2) == 0;  // VF 3 is not enabled
      if (!posts_now) continue;
      Pending p{v, {}, 0, {}};
      // A VF without CTS mostly resets (as igbvf does first); one with CTS rarely, so its
      // VLANs accumulate and the VLVF table fills up.
      const bool has_cts = v < 3 && ref.vf[v].cts;
      const unsigned op = has_cts ? 2 + pick(98) : (pick(2) ? 0 : pick(100));
      if (op < 4) {
        p.n = VfMailbox::build_reset(p.w);
      } else if (op < 18) {
        const unsigned r = pick(10);
        const std::uint64_t mac = r == 0 ? 0 : rand_mac(r != 1);
        p.n = VfMailbox::build_set_mac(p.w, mac);
        p.act = [mac](Ref::Vf& s) {
          if ((s.admin && !s.trusted) || !mbx::valid_unicast(mac)) return false;
          s.mac = mac;
          return true;
        };
      } else if (op < 35) {
        std::vector<std::uint64_t> macs(pick(36));
        for (auto& m : macs) m = rand_mac(false);
        p.n = VfMailbox::build_set_multicast(p.w, macs.data(), static_cast<unsigned>(macs.size()));
        std::vector<std::uint16_t> hs;
        for (unsigned i = 0; i < std::min<std::size_t>(macs.size(), 30); ++i) {
          std::array<std::uint8_t, 6> by{};
          for (unsigned k = 0; k < 6; ++k) by[k] = static_cast<std::uint8_t>(macs[i] >> (8 * k));
          hs.push_back(igb_hash(by));
        }
        p.act = [hs](Ref::Vf& s) {
          s.nmc = static_cast<unsigned>(hs.size());
          s.hashes = hs;
          return true;
        };
      } else if (op < 38) {
        const unsigned count = 31 + pick(30);  // a non-igbvf VF asking for too many
        std::fill(p.w, p.w + mbx::WORDS, 0x0FFF0FFFu);
        p.w[0] = mbx::VF_SET_MULTICAST | count << 16;
        p.n = mbx::WORDS;
        p.act = [count](Ref::Vf& s) {
          s.nmc = count;
          s.hashes.clear();
          return true;
        };
      } else if (op < 90) {
        const unsigned vid = pick(8) == 0 ? 0 : 1 + pick(50);
        const bool add = pick(100) < 75;
        p.n = VfMailbox::build_set_vlan(p.w, static_cast<std::uint16_t>(vid), add);
        p.act = [&ref, v, vid, add](Ref::Vf& s) { return ref.vlan(v, s, vid, add); };
      } else if (op < 95) {
        p.n = VfMailbox::build_set_lpe(p.w, 1518 + pick(9000));
        p.act = [](Ref::Vf&) { return true; };
      } else {
        p.w[0] = 0x07 + pick(9);
        p.n = 1;
        p.act = [](Ref::Vf&) { return false; };
      }
      REQUIRE(b.vf[v]->post(p.w, p.n));
      ++posts;
      batch.push_back(std::move(p));
    }
    if (batch.empty()) continue;
    CHECK(b.svc->service(*b.pol) == batch.size());
    for (Pending& p : batch) {  // the service answers in VF order, as the batch is sorted
      const bool cts_before = p.vf < 3 && ref.vf[p.vf].cts;
      const std::uint32_t type = mbx::msg_type(p.w[0]);
      const bool want = ref.apply(p.vf, type, p.act);
      std::uint32_t r[mbx::WORDS];
      unsigned rn = mbx::WORDS;
      REQUIRE(b.vf[p.vf]->poll_reply(r, rn));
      INFO("round " << round << " vf " << p.vf << " msg " << std::hex << p.w[0] << " reply "
                    << r[0]);
      CHECK(mbx::is_ack(r[0]) == want);
      CHECK(mbx::is_nack(r[0]) == !want);
      CHECK(mbx::has_cts(r[0]) == (type != mbx::VF_RESET && cts_before));
      if (type == mbx::VF_RESET && want) {
        const regs::ResetReply rr = b.vf[p.vf]->decode_reset_reply(r, rn);
        CHECK(rr.has_mac);
        CHECK(rr.mac == ref.vf[p.vf].mac);
      }
    }
  }
  b.svc->service(*b.pol);  // consume the last ACKs

  // Final register state against the reference.
  CHECK(b.vlvf_table() == ref.vlans);
  for (unsigned vid = 0; vid < 4096; ++vid) CHECK(b.vfta_bit(vid) == (ref.vlans.count(vid) == 1));
  std::array<std::uint32_t, 128> mta{};
  for (unsigned v = 0; v < 3; ++v) {
    const Ref::Vf& s = ref.vf[v];
    const std::uint32_t vmolr = b.reg(VMOLR(v));
    CHECK(VMOLR_ROMPE::get(vmolr) == (s.nmc >= 1 && s.nmc <= 30));
    CHECK(VMOLR_MPME::get(vmolr) == (s.nmc > 30));
    CHECK(VMOLR_STRVLAN::get(vmolr) == s.strip);
    if (s.nmc <= 30)
      for (std::uint16_t h : s.hashes) mta[h >> 5] |= 1u << (h & 31);
    CHECK(b.ral(kRar - 1 - v) == static_cast<std::uint32_t>(s.mac));
    CHECK(b.rah(kRar - 1 - v) == rah_for(s.mac, v));
    CHECK(b.pol->vf_mac(v) == s.mac);
    for (unsigned k = 0; k < PfVfPolicy::kMsgKinds; ++k) {
      CHECK(b.pol->grants(v, k) == s.granted[k]);
      CHECK(b.pol->refusals(v, k) == s.refused[k]);
    }
  }
  for (unsigned i = 0; i < 128; ++i) CHECK(b.reg(MTA + 4 * i) == mta[i]);
  CHECK(b.pol->out_of_range() == ref.out_of_range);
  // The run covered what it is meant to: refusals, a full VLVF table, a VF beyond NumVFs.
  std::uint64_t granted = 0, refused = 0;
  for (auto& s : ref.vf)
    for (unsigned k = 0; k < 7; ++k) granted += s.granted[k], refused += s.refused[k];
  INFO("posts " << posts << " granted " << granted << " refused " << refused << " full "
                << ref.table_full);
  CHECK(granted > 100);
  CHECK(refused > 20);
  CHECK(ref.table_full > 0);
  CHECK(ref.out_of_range > 0);
  check_clean_traffic(b, posts);
}

// ============================================================================================
// 82599 (ixgbe / ixgbevf): PFMAILBOX/PFMBMEM/PFMBICR, VFMAILBOX/VFMBMEM, RAR + MPSAR, MTA +
// PFVML2FLT, VLVF + VLVFB, PFVFRE/PFVFTE. Most benches map 40 VF mailboxes so that VFs 32 and
// up (MPSAR_HI, VLVFB(2i + 1), PFVFRE(1), PFMBICR(2)) take part.
namespace {

constexpr unsigned kVfs99 = 40;

std::uint32_t rah99(std::uint64_t mac) {  // RAH as ixgbe_set_rar_generic writes it: no pools
  return (static_cast<std::uint32_t>(mac >> 32) & 0xFFFF) | 1u << 31;
}
std::uint64_t pool64(unsigned pool) { return std::uint64_t{1} << pool; }
std::uint32_t lo32(std::uint64_t mac) { return static_cast<std::uint32_t>(mac); }

}  // namespace

TEST_CASE("mailbox 82599: offsets are ixgbe's and agree with the device-side 82599 map") {
  // Values from ixgbe_type.h / ixgbe_mbx.h / ixgbevf mbx.h, written out.
  static_assert(x::PFMAILBOX(0) == 0x04B00 && x::PFMAILBOX(63) == 0x04BFC);
  static_assert(x::PFMBMEM(1) == 0x13040 && x::PFMBICR(3) == 0x0071C && x::PFMBIMR(0) == 0x00720);
  static_assert(x::VFMAILBOX == 0x002FC && x::VFMBMEM == 0x00200);
  static_assert(x::RAL(15) == 0x05478 && x::RAL(16) == 0x0A280 && x::RAH(127) == 0x0A5FC);
  static_assert(x::MPSAR_LO(0) == 0x0A600 && x::MPSAR_HI(127) == 0x0A9FC);
  static_assert(x::VLVF(63) == 0x0F1FC && x::VLVFB(127) == 0x0F3FC);
  static_assert(x::PFVFRE(1) == 0x051E4 && x::PFVFTE(1) == 0x08114 && x::PFVFSPOOF(7) == 0x0821C);
  // The model's one 82599 map (model/regs/map_82599.h, mailbox_82599.h) agrees with them.
  namespace m = regs::i82599;
  using MB = m::Mailbox;
  static_assert(x::PFMAILBOX(63) == MB::PfCtl::at(63) && x::PFMBMEM(1) == MB::PfMem::at(16));
  static_assert(x::PFMBICR(3) == MB::Icr::at(3) && x::PFMBIMR(0) == MB::Imr::at(0));
  static_assert(x::VFMAILBOX == MB::VfCtl::at() && x::VFMBMEM == MB::VfMem::at());
  static_assert(x::MTA == m::MTA::at() && x::VFTA == m::VFTA::at());
  static_assert(x::RAL(5) == m::RAL::at(5) && x::RAH(100) == m::RAH::at(100));
  static_assert(x::RAL(15) == m::RAL::at(15) && x::RAL(16) == m::RAL::at(16));
  static_assert(x::MPSAR_LO(70) == m::MPSAR_LO::at(70) && x::MPSAR_HI(70) == m::MPSAR_HI::at(70));
  static_assert(x::RAH_AV::kMask == m::RAH::AV::kMask);
  static_assert(x::PFVML2FLT(9) == m::PFVML2FLT::at(9) &&
                x::PFVML2FLT_AUPE::kMask == m::PFVML2FLT::AUPE::kMask &&
                x::PFVML2FLT_ROMPE::kMask == m::PFVML2FLT::ROMPE::kMask &&
                x::PFVML2FLT_BAM::kMask == m::PFVML2FLT::BAM::kMask &&
                x::PFVML2FLT_MPE::kMask == m::PFVML2FLT::MPE::kMask);
  static_assert(x::VLVF(9) == m::VLVF::at(9) && x::VLVFB(19) == m::VLVFB::at(19) &&
                x::VLVF_VIEN::kMask == m::VLVF::VIEN::kMask);
  static_assert(x::PFVFRE(1) == m::PFVFRE::at(1) && x::PFVFTE(1) == m::PFVFTE::at(1) &&
                x::PFVFSPOOF(3) == m::PFVFSPOOF::at(3));

  // Every mailbox register answers where ixgbe and ixgbevf look for it.
  Bench b(kVfs99, kVfs99, Family::i82599);
  CHECK(b.mb->max_vfs() == 64);
  std::uint32_t v = 0;
  CHECK(b.pf.read(x::PFMAILBOX(63), v));
  CHECK(b.pf.read(x::PFMBMEM(63) + 60, v));
  CHECK(b.pf.read(x::PFMBICR(3), v));
  CHECK(b.pf.read(x::PFMBIMR(3), v));
  CHECK(v == 0xFFFF);  // every VF may interrupt the PF from reset on (Linux never writes it)
  CHECK(b.pf.unmapped_accesses() == 0);
  CHECK(b.vfs[39].read(x::VFMAILBOX, v));
  CHECK(b.vfs[39].read(x::VFMBMEM + 60, v));
  CHECK(b.vfs[39].unmapped_accesses() == 0);
  CHECK_FALSE(b.vfs[39].read(VF_V2PMAILBOX, v));  // no 82576 offsets on an 82599 VF
  CHECK_THROWS_AS(make_pf_policy(Family::i82599, RegAccess{}, 65, 128, 64), std::invalid_argument);
  CHECK_THROWS_AS(make_pf_policy(Family::i82599, RegAccess{}, 8, 129, 64), std::invalid_argument);
  CHECK_THROWS_AS(make_pf_policy(Family::i82599, RegAccess{}, 8, 128, 65), std::invalid_argument);
  CHECK_THROWS_AS(make_pf_policy(Family::i82576, RegAccess{}, 9, 24, 32), std::invalid_argument);
}

TEST_CASE("mailbox 82599: VF RESET returns the PF-assigned MAC in 4 words, RAR + MPSAR") {
  Bench b(kVfs99, kVfs99, Family::i82599);
  const std::uint64_t mac1 = mac_bytes({0x02, 0x00, 0x00, 0xAA, 0xBB, 0x01});
  const std::uint64_t mac35 = mac_bytes({0x02, 0x00, 0x00, 0xAA, 0xBB, 0x35});
  REQUIRE(b.pol->set_vf_mac(1, mac1));  // ixgbe_ndo_set_vf_mac programs the filter at once
  REQUIRE(b.pol->set_vf_mac(35, mac35));
  CHECK(b.ral(kRar99 - 2) == lo32(mac1));
  CHECK(b.rah(kRar99 - 2) == rah99(mac1));
  CHECK(b.reg(x::MPSAR_LO(kRar99 - 2)) == 1u << 1);
  CHECK(b.reg(x::MPSAR_HI(kRar99 - 2)) == 0);
  CHECK(b.reg(x::MPSAR_LO(kRar99 - 36)) == 0);
  CHECK(b.reg(x::MPSAR_HI(kRar99 - 36)) == 1u << 3);  // pool 35 = MPSAR_HI bit 3

  // ixgbevf_reset_hw_vf on VF 35: RESET, a 4-word reply.
  std::uint32_t w[mbx::WORDS], r[mbx::WORDS] = {};
  unsigned rn = 0;
  b.vf[35]->check_reset();
  REQUIRE(b.transact(35, w, VfMailbox::build_reset(w), r, rn));
  CHECK(r[0] == (mbx::VF_RESET | kAck));  // no CTS in the RESET reply (ixgbe builds it afresh)
  CHECK(r[1] == lo32(mac35));
  CHECK(r[2] == (static_cast<std::uint32_t>(mac35 >> 32) & 0xFFFF));
  CHECK(r[3] == 0);  // mc_filter_type 0
  const regs::ResetReply rr = b.vf[35]->decode_reset_reply(r, regs::i82599::kResetReplyWords);
  CHECK(rr.has_mac);
  CHECK(rr.mac == mac35);
  CHECK(rr.mc_filter_type == PfVfPolicy::kMcFilterType);
  CHECK_FALSE(b.vf[35]->decode_reset_reply(r, 3).accepted);  // too short
  CHECK(b.pol->cts(35));
  CHECK(b.ral(kRar99 - 36) == lo32(mac35));
  CHECK(b.rah(kRar99 - 36) == rah99(mac35));
  CHECK(b.mpsar(kRar99 - 36) == pool64(35));
  CHECK(b.reg(x::PFVFRE(1)) == 1u << 3);  // ixgbe_set_vf_rx_tx: register vf / 32
  CHECK(b.reg(x::PFVFTE(1)) == 1u << 3);
  CHECK(b.reg(x::PFVFRE(0)) == 0);
  // VLAN 0 re-added in VLVF entry 0 with pool 35 in the upper VLVFB half; PFVML2FLT defaults.
  CHECK(b.reg(x::VLVF(0)) == x::VLVF_VIEN::kMask);
  CHECK(b.reg(x::VLVFB(1)) == 1u << 3);
  CHECK(b.reg(x::VLVFB(0)) == 0);
  CHECK(b.vfta99_bit(0));
  CHECK(x::PFVML2FLT_AUPE::get(b.vml2flt(35)) == 1);
  CHECK(x::PFVML2FLT_BAM::get(b.vml2flt(35)) == 1);
  CHECK(b.pol->grants(35, mbx::VF_RESET) == 1);

  std::uint64_t got1 = 0;
  CHECK(b.reset(1, &got1) == (mbx::VF_RESET | kAck));
  CHECK(got1 == mac1);
  CHECK(b.mc_filter_type == 0);
  CHECK(b.mpsar(kRar99 - 2) == pool64(1));
  CHECK(b.rah(kRar99 - 2) == rah99(mac1));
  CHECK(b.reg(x::VLVFB(0)) == 1u << 1);  // pool 1 joined VLAN 0 in the lower half

  // VF 0 has no MAC: NACK, word 3 still there, its RAR entry stays clear.
  b.mc_filter_type = 0xDEAD;
  CHECK(b.reset(0) == (mbx::VF_RESET | kNack));
  CHECK(b.mc_filter_type == 0);
  CHECK(b.ral(kRar99 - 1) == 0);
  CHECK(b.rah(kRar99 - 1) == 0);
  CHECK(b.mpsar(kRar99 - 1) == 0);
  CHECK(b.pol->cts(0));  // ixgbe sets clear_to_send even so
  CHECK(b.pol->refusals(0, mbx::VF_RESET) == 1);

  // A MAC given without the administrative flag is programmed, but ixgbe's RESET reply only
  // hands out an administrative one.
  const std::uint64_t def2 = mac_bytes({0x02, 0x00, 0x00, 0xAA, 0xBB, 0x02});
  b.pol->set_default_vf_mac(2, def2);
  std::uint64_t got2 = 0;
  CHECK(b.reset(2, &got2) == (mbx::VF_RESET | kNack));
  CHECK(got2 == 0);
  CHECK(b.ral(kRar99 - 3) == lo32(def2));
  CHECK(b.rah(kRar99 - 3) == rah99(def2));
  CHECK(b.mpsar(kRar99 - 3) == pool64(2));
  // The administrator removes VF 1's MAC: the whole entry goes (ixgbe_del_mac_filter).
  REQUIRE(b.pol->set_vf_mac(1, 0));
  CHECK_FALSE(b.pol->pf_set_mac(1));
  CHECK(b.ral(kRar99 - 2) == 0);
  CHECK(b.rah(kRar99 - 2) == 0);
  CHECK(b.mpsar(kRar99 - 2) == 0);
  CHECK(b.pf.unmapped_accesses() == 0);
}

TEST_CASE("mailbox 82599: SET_MAC_ADDR for trusted and untrusted VFs, trust changes reset CTS") {
  Bench b(kVfs99, kVfs99, Family::i82599);
  const std::uint64_t admin0 = mac_bytes({0x02, 0, 0, 0, 0, 0x10});
  const std::uint64_t admin33 = mac_bytes({0x02, 0, 0, 0, 0, 0x33});
  const std::uint64_t wish = mac_bytes({0x02, 0x12, 0x34, 0x56, 0x78, 0x9A});
  const std::uint64_t wish2 = mac_bytes({0x02, 0x12, 0x34, 0x56, 0x78, 0x9B});
  b.pol->set_vf_mac(0, admin0);
  b.pol->set_trusted(0, true);
  b.pol->set_vf_mac(33, admin33);

  CHECK(b.set_mac(0, wish) == (mbx::VF_SET_MAC_ADDR | kNack));  // before RESET: no CTS
  CHECK(b.pol->not_cts() == 1);
  b.reset(0);
  b.reset(33);

  // ixgbe writes the whole 16-word buffer back: the reply echoes the MAC.
  std::uint32_t w[mbx::WORDS], r[mbx::WORDS] = {};
  unsigned rn = 0;
  REQUIRE(b.transact(0, w, VfMailbox::build_set_mac(w, wish), r, rn));
  CHECK(r[0] == (mbx::VF_SET_MAC_ADDR | kCts | kAck));
  CHECK(rn == mbx::WORDS);
  CHECK(r[1] == lo32(wish));
  CHECK(b.ral(kRar99 - 1) == lo32(wish));
  CHECK(b.rah(kRar99 - 1) == rah99(wish));
  CHECK(b.mpsar(kRar99 - 1) == pool64(0));
  CHECK(b.pol->vf_mac(0) == wish);

  // Untrusted VF 33: another MAC is refused, its own administrative one is not (ixgbe compares).
  CHECK(b.set_mac(33, wish) == (mbx::VF_SET_MAC_ADDR | kCts | kNack));
  CHECK(b.ral(kRar99 - 34) == lo32(admin33));
  CHECK(b.mpsar(kRar99 - 34) == pool64(33));
  CHECK(b.set_mac(33, admin33) == (mbx::VF_SET_MAC_ADDR | kCts | kAck));

  // No administrative MAC: the VF chooses; invalid addresses are refused.
  CHECK(b.reset(2) == (mbx::VF_RESET | kNack));
  CHECK(b.set_mac(2, wish2) == (mbx::VF_SET_MAC_ADDR | kCts | kAck));
  CHECK(b.mpsar(kRar99 - 3) == pool64(2));
  CHECK(b.set_mac(2, mac_bytes({0x01, 0x00, 0x5E, 0, 0, 1})) ==
        (mbx::VF_SET_MAC_ADDR | kCts | kNack));
  CHECK(b.set_mac(2, 0) == (mbx::VF_SET_MAC_ADDR | kCts | kNack));
  // RESET re-programs the chosen MAC but does not return it (not set by the PF).
  std::uint64_t got = 0;
  CHECK(b.reset(2, &got) == (mbx::VF_RESET | kNack));
  CHECK(got == 0);
  CHECK(b.ral(kRar99 - 3) == lo32(wish2));
  CHECK(b.rah(kRar99 - 3) == rah99(wish2));
  CHECK(b.mpsar(kRar99 - 3) == pool64(2));

  // ixgbe_ndo_set_vf_trust: a change revokes CTS and pings the VF, which must RESET again.
  b.pol->set_trusted(33, true);
  CHECK_FALSE(b.pol->cts(33));
  REQUIRE(b.svc->ping(33, *b.pol));
  std::uint32_t p[mbx::WORDS];
  unsigned pn = mbx::WORDS;
  REQUIRE(b.vf[33]->poll_reply(p, pn));
  CHECK(p[0] == mbx::PF_CONTROL_MSG);  // without CTS
  b.svc->service(*b.pol);              // its ACK: one NACK (ixgbe_rcv_ack_from_vf)
  pn = mbx::WORDS;
  REQUIRE(b.vf[33]->poll_reply(p, pn));
  CHECK(p[0] == kNack);
  b.svc->service(*b.pol);
  CHECK(b.set_mac(33, wish) == (mbx::VF_SET_MAC_ADDR | kNack));
  b.reset(33);
  CHECK(b.set_mac(33, wish) == (mbx::VF_SET_MAC_ADDR | kCts | kAck));  // trusted now
  CHECK(b.mpsar(kRar99 - 34) == pool64(33));
  b.pol->set_trusted(33, true);  // no change: CTS stays
  CHECK(b.pol->cts(33));

  CHECK(b.pol->grants(0, mbx::VF_SET_MAC_ADDR) == 1);
  CHECK(b.pol->refusals(0, mbx::VF_SET_MAC_ADDR) == 1);  // the one before RESET
  CHECK(b.pol->grants(33, mbx::VF_SET_MAC_ADDR) == 2);
  CHECK(b.pol->refusals(33, mbx::VF_SET_MAC_ADDR) == 2);
  CHECK(b.pol->grants(2, mbx::VF_SET_MAC_ADDR) == 1);
  CHECK(b.pol->refusals(2, mbx::VF_SET_MAC_ADDR) == 2);
  CHECK(b.pf.unmapped_accesses() == 0);
}

TEST_CASE("mailbox 82599: SET_MULTICAST ORs the MTA bits in and sets PFVML2FLT.ROMPE") {
  Bench b(kVfs99, kVfs99, Family::i82599);
  b.reset(0);
  b.reset(33);
  using Group = std::vector<std::array<std::uint8_t, 6>>;
  const Group g0 = {{0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB},
                    {0x01, 0x00, 0x5E, 0x7F, 0xFF, 0xFA},
                    {0x33, 0x33, 0x00, 0x00, 0x00, 0x01},
                    {0x33, 0x33, 0xFF, 0x12, 0x34, 0x56},
                    {0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E}};
  const Group g33 = {{0x01, 0x00, 0x5E, 0x01, 0x02, 0x03}, {0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB}};
  auto macs = [](const Group& g) {
    std::vector<std::uint64_t> m;
    for (auto& a : g) m.push_back(mac_bytes(a));
    return m;
  };
  auto hashes = [](std::initializer_list<const Group*> gs) {
    std::vector<std::uint16_t> h;
    for (const Group* g : gs)
      for (auto& a : *g) h.push_back(igb_hash(a));  // ixgbevf_mta_vector, mc_filter_type 0
    return h;
  };
  auto expect_mta = [&b](const std::vector<std::uint16_t>& hs) {
    std::array<std::uint32_t, 128> want{};
    for (std::uint16_t h : hs) want[h >> 5] |= 1u << (h & 31);
    for (unsigned i = 0; i < 128; ++i) CHECK(b.reg(x::MTA + 4 * i) == want[i]);
  };
  auto rompe = [&b](unsigned v) { return x::PFVML2FLT_ROMPE::get(b.vml2flt(v)); };
  auto mpe = [&b](unsigned v) { return x::PFVML2FLT_MPE::get(b.vml2flt(v)); };

  CHECK(b.set_mc(0, macs(g0)) == ((mbx::VF_SET_MULTICAST | 5u << 16) | kCts | kAck));
  expect_mta(hashes({&g0}));
  CHECK(rompe(0) == 1);
  CHECK(mpe(0) == 0);
  CHECK(rompe(33) == 0);
  CHECK(mbx::is_ack(b.set_mc(33, macs(g33))));
  expect_mta(hashes({&g0, &g33}));
  CHECK(rompe(33) == 1);

  // An empty list: ixgbe keeps ROMPE and leaves the old bits until the MTA is next rebuilt.
  CHECK(mbx::is_ack(b.set_mc(0, {})));
  CHECK(b.pol->mc_hash_count(0) == 0);
  expect_mta(hashes({&g0, &g33}));
  CHECK(rompe(0) == 1);
  // Any VF's RESET rebuilds it (ixgbe_set_rx_mode + ixgbe_restore_vf_multicasts).
  b.reset(1);
  expect_mta(hashes({&g33}));
  CHECK(rompe(0) == 0);
  CHECK(rompe(33) == 1);

  // More than 30: ixgbe keeps 30 hashes and no multicast promiscuous.
  std::uint32_t raw[mbx::WORDS] = {mbx::VF_SET_MULTICAST | (40u << 16), 0x0123'0456};
  CHECK(mbx::is_ack(b.request(33, raw, mbx::WORDS)));
  CHECK(b.pol->mc_hash_count(33) == 30);
  CHECK(mpe(33) == 0);
  auto with_raw = hashes({&g33});
  with_raw.insert(with_raw.end(), {0x0456, 0x0123, 0x0000});  // 28 zero hashes in words 2-15
  expect_mta(with_raw);
  b.reset(33);  // RESET forgets the VF's hashes
  expect_mta({});
  CHECK(rompe(33) == 0);
  CHECK(b.pf.unmapped_accesses() == 0);
}

TEST_CASE("mailbox 82599: SET_VLAN allocates VLVF entries with VLVFB bits in both halves") {
  Bench b(kVfs99, kVfs99, Family::i82599);
  b.reset(2);
  b.reset(33);
  CHECK(b.set_vlan(2, 100, true) == ((mbx::VF_SET_VLAN | 1u << 16) | kCts | kAck));
  // ixgbe_find_vlvf_slot: the first free entry searching down from the top (63).
  CHECK(b.reg(x::VLVF(63)) == (100u | x::VLVF_VIEN::kMask));
  CHECK(b.reg(x::VLVFB(126)) == 1u << 2);
  CHECK(b.reg(x::VLVFB(127)) == 0);
  CHECK(b.vfta99_bit(100));
  CHECK(((b.reg(x::VFTA + 4 * 3) >> 4) & 1u) == 1);  // 100 = 3 * 32 + 4

  CHECK(mbx::is_ack(b.set_vlan(33, 100, true)));  // same entry, pool 33 in the upper half
  CHECK(b.reg(x::VLVFB(127)) == 1u << 1);
  CHECK(b.reg(x::VLVFB(126)) == 1u << 2);
  CHECK(b.reg(x::VLVF(62)) == 0);

  CHECK(mbx::is_ack(b.set_vlan(2, 100, false)));
  CHECK(b.reg(x::VLVF(63)) == (100u | x::VLVF_VIEN::kMask));
  CHECK(b.reg(x::VLVFB(126)) == 0);
  CHECK(b.reg(x::VLVFB(127)) == 1u << 1);
  CHECK(b.vfta99_bit(100));  // VF 33 still uses it
  CHECK(mbx::is_ack(b.set_vlan(33, 100, false)));
  CHECK(b.reg(x::VLVF(63)) == 0);
  CHECK(b.reg(x::VLVFB(127)) == 0);
  CHECK_FALSE(b.vfta99_bit(100));
  CHECK(mbx::is_ack(b.set_vlan(33, 0, false)));  // VLAN 0 cannot be removed
  CHECK(b.vlvf_table99() == std::map<unsigned, std::uint64_t>{{0, pool64(2) | pool64(33)}});

  // RESET drops the VF from every VLAN (ixgbe_clear_vf_vlans) and re-adds VLAN 0.
  CHECK(mbx::is_ack(b.set_vlan(2, 7, true)));
  CHECK(mbx::is_ack(b.set_vlan(33, 7, true)));
  CHECK(mbx::is_ack(b.set_vlan(33, 8, true)));
  b.reset(33);
  CHECK(b.vlvf_table99() ==
        std::map<unsigned, std::uint64_t>{{0, pool64(2) | pool64(33)}, {7, pool64(2)}});
  CHECK(b.vfta99_bit(7));
  CHECK_FALSE(b.vfta99_bit(8));

  // Entry 0 is VLAN 0's; entries 63..1 take 63 VLANs, a 64th distinct VID finds none.
  for (unsigned vid = 9; vid <= 70; ++vid)
    CHECK(mbx::is_ack(b.set_vlan(vid % 2 ? 2 : 33, static_cast<std::uint16_t>(vid), true)));
  CHECK(b.vlvf_table99().size() == 64);
  CHECK(b.set_vlan(33, 71, true) == ((mbx::VF_SET_VLAN | 1u << 16) | kCts | kNack));
  CHECK_FALSE(b.vfta99_bit(71));
  CHECK(mbx::is_ack(b.set_vlan(33, 9, true)));  // an existing VID still takes another pool
  CHECK(b.vlvf_table99()[9] == (pool64(2) | pool64(33)));
  b.pol->set_allow_vlan(2, false);  // the model's stand-in for a port VLAN
  CHECK(mbx::is_nack(b.set_vlan(2, 11, false)));
  CHECK(b.pol->refusals(33, mbx::VF_SET_VLAN) == 1);
  CHECK(b.pf.unmapped_accesses() == 0);
}

TEST_CASE("mailbox 82599: PFMBICR(vf / 16), PFMBIMR, locks and read-to-clear bits") {
  Bench b(kVfs99, kVfs99, Family::i82599);
  unsigned irq = 0, ack_irq = 0, vf_irq = 0;
  b.mb->on_vf_request = [&irq](unsigned) { ++irq; };
  b.mb->on_vf_ack = [&ack_irq](unsigned) { ++ack_irq; };
  b.mb->on_vf_interrupt = [&vf_irq](unsigned) { ++vf_irq; };
  const std::uint32_t VFU = x::VFMAILBOX_VFU::kMask, REQ = x::VFMAILBOX_REQ::kMask,
                      VACK = x::VFMAILBOX_ACK::kMask, PFU = x::PFMAILBOX_PFU::kMask;

  // VF 37 = 2 * 16 + 5: its causes are PFMBICR(2) bits 5 (VFREQ) and 21 (VFACK).
  b.vfs[37].write(x::VFMAILBOX, VFU);
  CHECK(b.mb->vf_owns(37));
  b.vfs[37].write(x::VFMBMEM, 0x1111);
  b.vfs[37].write(x::VFMAILBOX, REQ);
  CHECK_FALSE(b.mb->vf_owns(37));
  CHECK(b.reg(x::PFMBICR(2)) == 1u << 5);
  CHECK(b.mb->pfmbicr(2) == 1u << 5);
  CHECK(b.reg(x::PFMBICR(0)) == 0);
  CHECK(irq == 1);  // PFMBIMR enables every VF at reset
  b.pf.write(x::PFMBICR(2), 1u << 5);  // write 1 to clear
  CHECK(b.reg(x::PFMBICR(2)) == 0);
  // Masked in PFMBIMR(2): the causes are recorded, no interrupt; an unlocked send is honoured.
  b.pf.write(x::PFMBIMR(2), 0xFFFFu & ~(1u << 5));
  b.vfs[37].write(x::VFMAILBOX, REQ | VACK);
  CHECK(b.reg(x::PFMBICR(2)) == (1u << 5 | 1u << 21));
  CHECK(irq == 1);
  CHECK(ack_irq == 0);
  CHECK(b.mb->stats(37).vf_send_unlocked == 1);
  b.pf.write(x::PFMBICR(2), 1u << 21);
  CHECK(b.reg(x::PFMBICR(2)) == 1u << 5);
  b.vfs[17].write(x::VFMAILBOX, VACK);  // VF 17: PFMBICR(1) bit 16 + 1
  CHECK(b.reg(x::PFMBICR(1)) == 1u << 17);
  CHECK(ack_irq == 1);

  // The VF holds the buffer: the PF can neither lock it nor write it.
  b.vfs[37].write(x::VFMAILBOX, VFU);
  b.pf.write(x::PFMAILBOX(37), PFU);
  CHECK(b.reg(x::PFMAILBOX(37)) == x::PFMAILBOX_VFU::kMask);
  CHECK(b.mb->stats(37).pf_lock_denied == 1);
  b.pf.write(x::PFMBMEM(37), 0xDEAD);
  CHECK(b.mb->buffer_word(37, 0) == 0x1111);
  CHECK(b.mb->stats(37).pf_buffer_writes_ignored == 1);
  // RVFU frees it (and drops the VF's pending causes); the PF takes the lock.
  b.pf.write(x::PFMAILBOX(37), x::PFMAILBOX_RVFU::kMask | PFU);
  CHECK_FALSE(b.mb->vf_owns(37));
  CHECK(b.mb->pf_owns(37));
  CHECK(b.mb->stats(37).vfu_resets == 1);
  CHECK(b.reg(x::PFMBICR(2)) == 0);
  // Now the VF is locked out.
  b.vfs[37].write(x::VFMAILBOX, VFU);
  CHECK_FALSE(b.mb->vf_owns(37));
  CHECK(b.mb->stats(37).vf_lock_denied == 1);
  b.vfs[37].write(x::VFMBMEM + 4, 0xBEEF);
  CHECK(b.mb->buffer_word(37, 1) == 0);
  CHECK(b.mb->stats(37).vf_buffer_writes_ignored == 1);
  CHECK(x::VFMAILBOX_PFU::get(b.vf_reg(37, x::VFMAILBOX)) == 1);
  b.pf.write(x::PFMBMEM(37) + 4, 0xCAFE);
  CHECK(b.mb->buffer_word(37, 1) == 0xCAFE);
  CHECK(b.vf_reg(37, x::VFMBMEM + 4) == 0xCAFE);
  b.pf.write(x::PFMAILBOX(37), x::PFMAILBOX_STS::kMask);  // STS drops PFU
  CHECK_FALSE(b.mb->pf_owns(37));
  CHECK(vf_irq == 1);
  CHECK(x::VFMAILBOX_PFSTS::get(b.vf_reg(37, x::VFMAILBOX)) == 1);
  CHECK((b.vf_reg(37, x::VFMAILBOX) & x::VFMAILBOX_R2C_BITS) == 0);  // read to clear
  CHECK(x::VFMAILBOX_RSTD::get(b.vf_reg(38, x::VFMAILBOX)) == 1);     // power-on
  CHECK(x::VFMAILBOX_RSTD::get(b.vf_reg(38, x::VFMAILBOX)) == 0);

  // PF reset: RSTI until the PF driver is done, then RSTD once; causes cleared.
  b.mb->pf_reset();
  CHECK(b.reg(x::PFMBICR(1)) == 0);
  CHECK(b.vf[39]->reset_in_progress());
  CHECK(b.vf[39]->check_reset());
  b.mb->pf_reset_done();
  CHECK_FALSE(b.vf[39]->reset_in_progress());
  CHECK(b.vf[39]->check_reset());
  CHECK_FALSE(b.vf[39]->check_reset());

  // 64 mailboxes exist on the PF side, 40 VFs here: the others read 0, ignore writes, count.
  b.pf.write(x::PFMAILBOX(50), PFU);
  CHECK(b.reg(x::PFMAILBOX(50)) == 0);
  b.pf.write(x::PFMBMEM(63) + 60, 1);
  CHECK(b.mb->absent_vf_accesses() == 3);
  CHECK(b.pf.unmapped_accesses() == 0);
}

TEST_CASE("mailbox 82599: SET_LPE, SET_MACVLAN, unknown messages, VF FLR, VFs beyond NumVFs") {
  Bench b(kVfs99, 36, Family::i82599);  // 40 mailboxes, 36 VFs enabled
  const std::uint64_t admin = mac_bytes({0x02, 0, 0, 0, 0, 0x34});
  b.pol->set_vf_mac(34, admin);
  b.reset(34);
  std::uint32_t w[mbx::WORDS] = {};

  // SET_LPE: the 82599 does not mix jumbo and standard functions; with the PF at a standard
  // MTU a jumbo VF is refused and loses Rx (PFVFRE), a standard size gives it back.
  VfMailbox::build_set_lpe(w, 1518);
  CHECK(b.request(34, w, 2) == (mbx::VF_SET_LPE | kCts | kAck));
  CHECK(b.pol->max_frame(34) == 1518);
  VfMailbox::build_set_lpe(w, 9000);
  CHECK(mbx::is_nack(b.request(34, w, 2)));
  CHECK_FALSE(b.pool_enabled(true, 34));
  CHECK(b.pool_enabled(false, 34));
  VfMailbox::build_set_lpe(w, 20000);  // out of range: refused before Rx is touched
  CHECK(mbx::is_nack(b.request(34, w, 2)));
  VfMailbox::build_set_lpe(w, 1500);
  CHECK(mbx::is_ack(b.request(34, w, 2)));
  CHECK(b.pool_enabled(true, 34));
  VfMailbox::build_set_lpe(w, 60);  // below ETH_MIN_MTU
  CHECK(mbx::is_nack(b.request(34, w, 2)));
  CHECK(b.pol->max_frame(34) == 1500);

  // SET_MACVLAN (0x06 on ixgbe): clearing is granted; a new filter is refused (untrusted VF
  // with an administrative MAC; and the model keeps no spare RAR entries for VFs).
  w[0] = mbx::VF_SET_MACVLAN;
  CHECK(b.request(34, w, 1) == (mbx::VF_SET_MACVLAN | kCts | kAck));
  VfMailbox::build_set_mac(w, mac_bytes({0x02, 0, 0, 0, 1, 0x34}));
  w[0] = mbx::VF_SET_MACVLAN | 1u << 16;
  CHECK(mbx::is_nack(b.request(34, w, 3)));
  // API_NEGOTIATE and GET_QUEUES are ixgbe messages the model does not implement.
  w[0] = 0x08;
  w[1] = 2;
  CHECK(b.request(34, w, 2) == (0x08u | kCts | kNack));
  w[0] = 0x09;
  CHECK(mbx::is_nack(b.request(34, w, 1)));
  CHECK(b.pol->unknown() == 2);
  CHECK(b.pol->refusals(34, 0) == 2);

  // VF FLR (ixgbe_vf_reset_event): filters reset and the RAR entry removed; MAC and CTS kept.
  CHECK(mbx::is_ack(b.set_vlan(34, 55, true)));
  CHECK(mbx::is_ack(b.set_mc(34, {mac_bytes({0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB})})));
  b.pol->vf_flr(34);
  CHECK(b.ral(kRar99 - 35) == 0);
  CHECK(b.rah(kRar99 - 35) == 0);
  CHECK(b.mpsar(kRar99 - 35) == 0);
  CHECK(b.pol->vf_mac(34) == admin);
  CHECK(b.pol->cts(34));
  CHECK(b.vlvf_table99() == std::map<unsigned, std::uint64_t>{{0, pool64(34)}});
  CHECK_FALSE(b.vfta99_bit(55));
  CHECK(b.reg(x::MTA + 4 * (0xFB0 >> 5)) == 0);
  CHECK(x::PFVML2FLT_ROMPE::get(b.vml2flt(34)) == 0);
  std::uint64_t got = 0;
  CHECK(b.reset(34, &got) == (mbx::VF_RESET | kAck));  // the next RESET restores the filter
  CHECK(got == admin);
  CHECK(b.mpsar(kRar99 - 35) == pool64(34));

  // VF 37 exists as a mailbox but not for the PF (36 enabled): refused, nothing programmed.
  std::uint32_t r[mbx::WORDS] = {};
  unsigned rn = 0;
  REQUIRE(b.transact(37, w, VfMailbox::build_reset(w), r, rn));
  CHECK(r[0] == (mbx::VF_RESET | kNack));
  CHECK(b.pol->out_of_range() == 1);
  CHECK(b.mpsar(kRar99 - 38) == 0);
  CHECK_FALSE(b.pool_enabled(true, 37));
  CHECK(b.pf.unmapped_accesses() == 0);
}

// --------------------------------------------------------------------------------------------
// Randomized, 82599: VFs 0, 1, 2, 17, 33 and 34 of 35 enabled post at once (35 is a mailbox
// beyond NumVFs); one service pass answers in VF order. A reference written from ixgbe's rules
// predicts every ACK/NACK and the final MTA, PFVML2FLT, VLVF/VLVFB, VFTA, RAR/MPSAR, PFVFRE/TE.
namespace {

struct Ref99 {
  struct Vf {
    bool cts = false, trusted = false, admin = false, allow_vlan = true;
    bool rx = false, tx = false, rompe = false;
    std::uint64_t mac = 0;
    std::vector<std::uint16_t> hashes;
    std::array<std::uint64_t, 7> granted{}, refused{};
  };
  std::map<unsigned, Vf> vf;            // the VFs that take part, by VF number
  std::map<unsigned, std::uint64_t> vlans;  // VID -> pools, VID 0 in entry 0
  std::array<std::uint32_t, 128> mta{};
  std::uint64_t out_of_range = 0, table_full = 0;

  unsigned used_slots() const {  // entries 63..1
    return static_cast<unsigned>(vlans.size()) - (vlans.count(0) ? 1 : 0);
  }
  void set_mta(std::uint16_t h) { mta[(h >> 5) & 127] |= 1u << (h & 31); }
  void rebuild_mta() {  // ixgbe_set_rx_mode: the lists as they are now, ROMPE = "has hashes"
    mta = {};
    for (auto& [v, s] : vf) {
      for (std::uint16_t h : s.hashes) set_mta(h);
      s.rompe = !s.hashes.empty();
    }
  }
  bool apply(unsigned v, std::uint32_t type, const std::function<bool(Vf&)>& act) {
    if (!vf.count(v)) {
      ++out_of_range;
      return false;
    }
    Vf& s = vf[v];
    bool ok;
    if (type == mbx::VF_RESET) {
      for (auto it = vlans.begin(); it != vlans.end();) {
        it->second &= ~pool64(v);
        it = it->second ? std::next(it) : vlans.erase(it);
      }
      vlans[0] |= pool64(v);
      s.hashes.clear();
      rebuild_mta();
      s.rx = s.tx = true;
      s.cts = true;
      ok = s.mac != 0 && s.admin;
    } else {
      ok = s.cts && act(s);
    }
    const unsigned kind = type >= 1 && type <= 6 ? type : 0;
    (ok ? s.granted : s.refused)[kind]++;
    return ok;
  }
  bool vlan(unsigned v, Vf& s, unsigned vid, bool add) {
    if (!s.allow_vlan) return false;
    if (!vid && !add) return true;
    auto it = vlans.find(vid);
    if (add) {
      if (it != vlans.end())
        it->second |= pool64(v);
      else if (vid == 0 || used_slots() < 63)
        vlans[vid] = pool64(v);
      else
        return ++table_full, false;
    } else if (it != vlans.end()) {
      it->second &= ~pool64(v);
      if (!it->second) vlans.erase(it);
    } else if (used_slots() >= 63) {
      ++table_full;
      return false;  // ixgbe looks for a free entry even to remove, and fails when full
    }
    return true;
  }
};

}  // namespace

TEST_CASE("mailbox 82599: randomized interleaved requests match the ixgbe reference") {
  const unsigned seed = GENERATE(3u, 11u, 2025u);
  CAPTURE(seed);
  std::mt19937 rng(seed);
  auto pick = [&rng](unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng); };
  auto rand_mac = [&](bool unicast) {
    std::uint64_t m = (std::uint64_t{rng()} << 32 | rng()) & 0xFFFFFFFFFFFFull;
    return unicast ? (m & ~1ull) | 2 : m | 1;
  };

  constexpr unsigned kEnabled = 35;
  Bench b(36, kEnabled, Family::i82599);
  Ref99 ref;
  const std::vector<unsigned> posters = {0, 1, 2, 17, 33, 34, 35};
  // VF 0: trusted, administrative MAC; 1 and 33: untrusted with one; 2: no MAC, VLANs
  // forbidden; 17: no MAC; 34: trusted, no MAC.
  const std::uint64_t m0 = rand_mac(true), m1 = rand_mac(true), m33 = rand_mac(true);
  b.pol->set_vf_mac(0, m0);
  b.pol->set_trusted(0, true);
  b.pol->set_vf_mac(1, m1);
  b.pol->set_vf_mac(33, m33);
  b.pol->set_allow_vlan(2, false);
  b.pol->set_trusted(34, true);
  ref.vf[0] = {false, true, true, true, false, false, false, m0, {}, {}, {}};
  ref.vf[1] = {false, false, true, true, false, false, false, m1, {}, {}, {}};
  ref.vf[2] = {false, false, false, false, false, false, false, 0, {}, {}, {}};
  ref.vf[17] = {};
  ref.vf[33] = {false, false, true, true, false, false, false, m33, {}, {}, {}};
  ref.vf[34] = {false, true, false, true, false, false, false, 0, {}, {}, {}};

  std::uint64_t posts = 0;
  for (unsigned round = 0; round < 400; ++round) {
    struct Pending {
      unsigned vf;
      std::uint32_t w[mbx::WORDS];
      unsigned n;
      std::function<bool(Ref99::Vf&)> act;
    };
    std::vector<Pending> batch;
    for (unsigned v : posters) {
      const bool posts_now = v == 35 ? pick(10) == 0 : pick(2) == 0;  // VF 35 is not enabled
      if (!posts_now) continue;
      Pending p{v, {}, 0, {}};
      // A VF without CTS mostly resets; one with CTS seldom (0.5 %), so that VLANs pile up
      // until the 63 VLVF entries run out.
      const bool has_cts = v < kEnabled && ref.vf[v].cts;
      const unsigned op = has_cts ? (pick(200) == 0 ? 0 : 4 + pick(96)) : (pick(2) ? 0 : pick(100));
      if (op < 4) {
        p.n = VfMailbox::build_reset(p.w);
      } else if (op < 18) {
        const unsigned r = pick(10);
        const std::uint64_t mac = r == 0 ? 0 : rand_mac(r != 1);
        p.n = VfMailbox::build_set_mac(p.w, mac);
        p.act = [mac](Ref99::Vf& s) {
          if (!mbx::valid_unicast(mac) || (s.admin && !s.trusted && mac != s.mac)) return false;
          s.mac = mac;
          return true;
        };
      } else if (op < 33) {
        std::vector<std::uint64_t> macs(pick(36));
        for (auto& m : macs) m = rand_mac(false);
        p.n = VfMailbox::build_set_multicast(p.w, macs.data(), static_cast<unsigned>(macs.size()));
        std::vector<std::uint16_t> hs;
        for (unsigned i = 0; i < std::min<std::size_t>(macs.size(), 30); ++i) {
          std::array<std::uint8_t, 6> by{};
          for (unsigned k = 0; k < 6; ++k) by[k] = static_cast<std::uint8_t>(macs[i] >> (8 * k));
          hs.push_back(igb_hash(by));
        }
        p.act = [&ref, hs](Ref99::Vf& s) {
          s.hashes = hs;
          for (std::uint16_t h : hs) ref.set_mta(h);
          s.rompe = true;
          return true;
        };
      } else if (op < 36) {
        const unsigned count = 31 + pick(30);  // a VF asking for more than ixgbe keeps
        std::fill(p.w, p.w + mbx::WORDS, 0x0FFF0FFFu);
        p.w[0] = mbx::VF_SET_MULTICAST | count << 16;
        p.n = mbx::WORDS;
        p.act = [&ref](Ref99::Vf& s) {
          s.hashes.assign(30, 0x0FFF);
          ref.set_mta(0x0FFF);
          s.rompe = true;
          return true;
        };
      } else if (op < 86) {
        const unsigned vid = pick(8) == 0 ? 0 : 1 + pick(100);  // 100 VIDs, 63 entries
        const bool add = pick(100) < 85;
        p.n = VfMailbox::build_set_vlan(p.w, static_cast<std::uint16_t>(vid), add);
        p.act = [&ref, v, vid, add](Ref99::Vf& s) { return ref.vlan(v, s, vid, add); };
      } else if (op < 92) {
        const unsigned r = pick(4);
        const std::uint32_t size = r == 0 ? 1519 + pick(8209) : r == 1 ? pick(68) : 68 + pick(1451);
        p.n = VfMailbox::build_set_lpe(p.w, size);
        p.act = [size](Ref99::Vf& s) {
          if (size < 68 || size > 9728) return false;
          s.rx = size <= 1518;
          return s.rx;
        };
      } else if (op < 95) {
        const unsigned index = pick(3);
        p.w[0] = mbx::VF_SET_MACVLAN | index << 16;
        p.n = 1;
        p.act = [index](Ref99::Vf&) { return index == 0; };
      } else {
        p.w[0] = 0x07 + pick(9);  // 0x07 and ixgbe's API_NEGOTIATE, GET_QUEUES, ...
        p.n = 1;
        p.act = [](Ref99::Vf&) { return false; };
      }
      REQUIRE(b.vf[v]->post(p.w, p.n));
      ++posts;
      batch.push_back(std::move(p));
    }
    if (batch.empty()) continue;
    CHECK(b.svc->service(*b.pol) == batch.size());
    for (Pending& p : batch) {  // the service answers in VF order, as the batch is sorted
      const bool cts_before = p.vf < kEnabled && ref.vf[p.vf].cts;
      const std::uint32_t type = mbx::msg_type(p.w[0]);
      const bool want = ref.apply(p.vf, type, p.act);
      std::uint32_t r[mbx::WORDS];
      unsigned rn = mbx::WORDS;
      REQUIRE(b.vf[p.vf]->poll_reply(r, rn));
      INFO("round " << round << " vf " << p.vf << " msg " << std::hex << p.w[0] << " reply "
                    << r[0]);
      CHECK(mbx::is_ack(r[0]) == want);
      CHECK(mbx::is_nack(r[0]) == !want);
      CHECK(mbx::has_cts(r[0]) == (type != mbx::VF_RESET && cts_before));
      if (type == mbx::VF_RESET && p.vf < kEnabled) {
        const regs::ResetReply rr = b.vf[p.vf]->decode_reset_reply(r, rn);
        CHECK(rr.has_mac == want);
        CHECK(rr.mc_filter_type == 0);
        if (want) CHECK(rr.mac == ref.vf[p.vf].mac);
      }
    }
  }
  b.svc->service(*b.pol);  // consume the last ACKs

  CHECK(b.vlvf_table99() == ref.vlans);
  for (unsigned vid = 0; vid < 4096; ++vid)
    CHECK(b.vfta99_bit(vid) == (ref.vlans.count(vid) == 1));
  for (unsigned i = 0; i < 128; ++i) CHECK(b.reg(x::MTA + 4 * i) == ref.mta[i]);
  for (unsigned v = 0; v < kEnabled; ++v) {
    const bool part = ref.vf.count(v) == 1;
    const Ref99::Vf s = part ? ref.vf[v] : Ref99::Vf{};
    CAPTURE(v);
    CHECK(x::PFVML2FLT_ROMPE::get(b.vml2flt(v)) == s.rompe);
    CHECK(x::PFVML2FLT_MPE::get(b.vml2flt(v)) == 0);
    CHECK(b.pool_enabled(true, v) == s.rx);
    CHECK(b.pool_enabled(false, v) == s.tx);
    CHECK(b.ral(kRar99 - 1 - v) == lo32(s.mac));
    CHECK(b.rah(kRar99 - 1 - v) == (s.mac ? rah99(s.mac) : 0u));
    CHECK(b.mpsar(kRar99 - 1 - v) == (s.mac ? pool64(v) : 0u));
    CHECK(b.pol->vf_mac(v) == s.mac);
    for (unsigned k = 0; k < PfVfPolicy::kMsgKinds; ++k) {
      CHECK(b.pol->grants(v, k) == s.granted[k]);
      CHECK(b.pol->refusals(v, k) == s.refused[k]);
    }
  }
  CHECK(b.pol->out_of_range() == ref.out_of_range);
  std::uint64_t granted = 0, refused = 0;
  for (auto& [v, s] : ref.vf)
    for (unsigned k = 0; k < 7; ++k) granted += s.granted[k], refused += s.refused[k];
  INFO("posts " << posts << " granted " << granted << " refused " << refused << " full "
                << ref.table_full);
  CHECK(granted > 200);
  CHECK(refused > 40);
  CHECK(ref.table_full > 0);
  CHECK(ref.out_of_range > 0);
  check_clean_traffic(b, posts);
}
