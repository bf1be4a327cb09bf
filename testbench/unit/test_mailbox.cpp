// PF/VF mailbox without a SystemC simulation: the device-side Mailbox mapped into plain
// RegisterSpaces, igbvf's side (VfMailbox) on each VF space, igb's side (PfMailboxService +
// PfVfPolicy) on the PF space, whose filter registers are storage arrays checked directly.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "model/core/register_space.h"
#include "model/core/regs_82576.h"
#include "model/core/regs_mbx_82576.h"
#include "model/host/mailbox_protocol.h"
#include "model/pcie/mailbox.h"

using namespace iovsim;
using namespace iovsim::regs;

namespace {

constexpr unsigned kRar = 24;

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
  RegisterSpace pf{"pf"};
  std::vector<RegisterSpace> vfs;
  std::unique_ptr<Mailbox> mb;
  std::vector<std::unique_ptr<VfMailbox>> vf;
  std::unique_ptr<PfVfPolicy> pol;
  std::unique_ptr<PfMailboxService> svc;

  // `mapped` VF register spaces behind the mailbox, `enabled` of them known to the PF policy.
  explicit Bench(unsigned mapped = 4, unsigned enabled = 3) {
    vfs.reserve(mapped);
    for (unsigned i = 0; i < mapped; ++i) vfs.emplace_back(fmt::format("vf{}", i));
    for (unsigned n = 0; n < 16; ++n) {
      pf.add_storage(fmt::format("RAL{}", n), RAL(n), 1, 0);
      pf.add_storage(fmt::format("RAH{}", n), RAH(n), 1, 0);
    }
    pf.add_storage("RAL16", RAL(16), 8, 8);
    pf.add_storage("RAH16", RAH(16), 8, 8);
    pf.add_storage("MTA", MTA, 128, 4);
    pf.add_storage("VFTA", VFTA, 128, 4);
    pf.add_storage("VMOLR", VMOLR(0), 8, 4);
    pf.add_storage("VLVF", VLVF(0), 32, 4);
    pf.add_storage("VFRE", VFRE, 1, 0);
    pf.add_storage("VFTE", VFTE, 1, 0);
    std::vector<RegisterSpace*> ptrs;
    for (auto& rs : vfs) ptrs.push_back(&rs);
    mb = std::make_unique<Mailbox>(mapped, pf, ptrs);
    for (unsigned i = 0; i < mapped; ++i) {
      RegisterSpace* rs = &vfs[i];
      vf.push_back(std::make_unique<VfMailbox>(RegAccess{
          [rs](std::uint32_t off) {
            std::uint32_t v = 0;
            rs->read(off, v);
            return v;
          },
          [rs](std::uint32_t off, std::uint32_t v) { rs->write(off, v); }}));
    }
    RegAccess pa{[this](std::uint32_t off) { return reg(off); },
                 [this](std::uint32_t off, std::uint32_t v) { pf.write(off, v); }};
    pol = std::make_unique<PfVfPolicy>(pa, enabled, kRar, 32);
    svc = std::make_unique<PfMailboxService>(pa);
  }
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
  // igbvf e1000_reset_hw_vf: consume the reset indication, send RESET, read the 3-word reply.
  std::uint32_t reset(unsigned v, std::uint64_t* mac = nullptr) {
    vf[v]->check_reset();
    std::uint32_t w[mbx::WORDS], r[mbx::WORDS] = {};
    unsigned rn = 0;
    REQUIRE(transact(v, w, VfMailbox::build_reset(w), r, rn));
    std::uint64_t m = 0;
    if (VfMailbox::decode_reset_reply(r, rn, m) && mac) *mac = m;
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
  std::uint32_t ral(unsigned n) { return reg(RAL(n)); }
  std::uint32_t rah(unsigned n) { return reg(RAH(n)); }
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
  CHECK(VMOLR_RLPML::get(b.reg(VMOLR(0))) == mbx::MAX_JUMBO_FRAME);
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
        std::uint64_t mac = 0;
        CHECK(VfMailbox::decode_reset_reply(r, rn, mac));
        CHECK(mac == ref.vf[p.vf].mac);
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
  CHECK(b.svc->msgs_rx() == posts);
  const Mailbox::VfStats t = b.mb->totals();
  CHECK(t.vf_to_pf == posts);
  CHECK(t.pf_to_vf == b.svc->msgs_tx());
  CHECK(t.pf_buffer_writes_ignored == 0);
  CHECK(t.vf_buffer_writes_ignored == 0);
  CHECK(t.pf_lock_denied + t.vf_lock_denied == 0);
  CHECK(b.pf.unmapped_accesses() == 0);
}
