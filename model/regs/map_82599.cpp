// The 82599 codec: how the blocks' value types are held in the ixgbe-layout registers
// (device side) and the register writes ixgbe and ixgbevf issue for the bring-up steps (driver
// side). Declarations: map_82599.h and mailbox_82599.h.
#include <memory>

#include "model/regs/family_map.h"
#include "model/regs/mailbox_82599.h"
#include "model/regs/map_82599.h"
#include "model/regs/interrupt_codec.h"
#include "model/regs/sorter_codec.h"

namespace iovsim::regs {

using namespace i82599;
namespace sc = sorter_codec;

ResetReply i82599::MailboxLayout64::decode_reset_reply(const std::uint32_t* w, unsigned n) {
  // ixgbevf_reset_hw_vf: reads IXGBE_VF_PERMADDR_MSG_LEN (4) words; RESET | ACK carries the
  // MAC, RESET | NACK means "no MAC assigned yet", anything else is an error; the multicast
  // filter type (word 3) is taken in both accepted cases.
  ResetReply r;
  if (n < kResetReplyWords) return r;
  const bool ack = w[0] == (mbx::VF_RESET | mbx::MSGTYPE_ACK);
  if (!ack && w[0] != (mbx::VF_RESET | mbx::MSGTYPE_NACK)) return r;
  r.accepted = true;
  r.mc_filter_type = w[kResetMcTypeWord];
  if (ack) {
    r.has_mac = true;
    r.mac = mbx::mac_of(w[1], w[2]);
  }
  return r;
}

namespace {

const InterruptLayout& irq_layout(View v);  // below

std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

// The declarations FamilyMap builds the ring, rate-limiter and mailbox parts from.
struct Layout {
  static const InterruptLayout& interrupts(View v) { return irq_layout(v); }
  using RxRing = i82599::RxRing;
  using TxRing = i82599::TxRing;
  using Rate = i82599::Rate;
  using Stats = i82599::Stats;
  using FlowCtl = i82599::FlowCtl;
  static constexpr bool kRateEveryQueueOfPool = true;
  static constexpr std::uint32_t kRateWindowValue = 0x4;  // ixgbe on the 82599
  // PF view: every queue, no aliases; VF view: eight queue slots, 0x40 apart, under ixgbevf's
  // names (IXGBE_VFRDBAL(x) ..., x < IXGBE_VF_MAX_TX_QUEUES 8); the pool's queues (2 in the
  // 64-pool layout, 4 or 8 with DCB) are mapped, the others are not (map_rings).
  static RingRegDecl ring_view(Direction d, View v, RingReg role, const RegDecl& decl) {
    if (v == View::PF) return {role, decl, {}};
    const bool rx = d == Direction::Rx;
    const std::uint32_t base = rx ? RxBlock::kBase : TxBlock::kBase;
    const std::uint32_t vf_base = rx ? RxBlock::kVfBase : TxBlock::kVfBase;
    static constexpr unsigned kSlot[] = {0, 1, 2, 6, 3, 4, 5, 7, 8};  // RingReg -> kVfNames index
    RegInfo at = decl.info.moved(vf_base + (decl.info.offset - base), 8, 0x40);
    at.name = (rx ? RxBlock::kVfNames : TxBlock::kVfNames)[kSlot[static_cast<unsigned>(role)]];
    return {role, decl.with(at), {}};
  }
  static const MailboxLayout& mailbox_layout() { return i82599::mailbox_layout(); }
};

// The interrupt registers of a PF and of a VF (ixgbe / ixgbevf programming in the comments).
const InterruptLayout& irq_layout(View v) {
  static const InterruptLayout pf = [] {
    InterruptLayout L;
    L.eicr = EICR::decl(), L.eics = EICS::decl(), L.eims = EIMS::decl(), L.eimc = EIMC::decl();
    L.eiac = EIAC::decl(), L.eiam = EIAM::decl(), L.eitr = EITR::decl(), L.ivar = IVAR::decl();
    L.ivar_misc = IVAR_MISC::decl(), L.gpie = GPIE::decl();
    L.eics_ex = EICS_EX::decl(), L.eims_ex = EIMS_EX::decl(), L.eimc_ex = EIMC_EX::decl();
    L.eiam_ex = EIAM_EX::decl();
    L.other_in_eicr = true;
    L.ivar_vector_bits = 6;
    L.misc_shift = 8;  // ixgbe_set_ivar(-1, 1, v): IXGBE_IVAR_OTHER_CAUSES_INDEX
    // 2.048 us units at 10 and 1 Gb/s (DPDK IXGBE_EITR_INTERVAL_UNIT_NS 2048)
    L.eitr_mask = EITR::ITR_INTERVAL::kMask, L.eitr_shift = 3, L.eitr_unit_ps = 2048000;
    L.eitr_keep_counter = EITR::CNT_WDIS::kMask;  // ixgbe_write_eitr: | IXGBE_EITR_CNT_WDIS
    // ixgbe_setup_gpie: MSIX_MODE | PBA_SUPPORT | OCD | EIAME
    L.gpie_msix = GPIE::MSIX_MODE::make(1) | GPIE::PBA_SUPPORT::make(1) | GPIE::OCD::make(1) |
                  GPIE::EIAME::make(1);
    L.eiac_queues_only = true;  // EIAC = 0x4000FFFF: not MAILBOX or LSC
    return L;
  }();
  static const InterruptLayout vf = [] {
    InterruptLayout L;
    L.eicr = VTEICR::decl(), L.eics = VTEICS::decl(), L.eims = VTEIMS::decl();
    L.eimc = VTEIMC::decl(), L.eiac = VTEIAC::decl(), L.eiam = VTEIAM::decl();
    L.eitr = VTEITR::decl(), L.ivar = VTIVAR::decl(), L.ivar_misc = VTIVAR_MISC::decl();
    L.ivar_vector_bits = 2;
    L.misc_shift = 0;  // ixgbevf: VTIVAR_MISC = vector | ALLOC_VAL
    L.eitr_mask = EITR::ITR_INTERVAL::kMask, L.eitr_shift = 3, L.eitr_unit_ps = 2048000;
    L.eitr_keep_counter = EITR::CNT_WDIS::kMask;
    return L;
  }();
  return v == View::PF ? pf : vf;
}

class Map82599 final : public FamilyMap<Layout> {
public:
  std::uint32_t mailbox_cause() const override { return EICR::MAILBOX::kMask; }
  std::uint32_t spoof_cause() const override { return 0; }  // ixgbe checks SSVPC from its watchdog
  void write_other_enable(RegAccess& w, std::uint32_t causes) const override {
    w.write32(EIMS::at(), causes & 0xFFFF0000u);  // ixgbe_irq_enable: the non-queue causes
  }
  std::uint32_t read_other_causes(RegAccess& w) const override {
    // ixgbe_msix_other: read EICS (not EICR: the 82598 erratum), clear the other causes
    const std::uint32_t eicr = w.read32(EICS::at()) & 0xFFFF0000u;
    w.write32(EICR::at(), eicr);
    return eicr;
  }
  // ixgbe_configure_tx_ring: PTHRESH 32, HTHRESH 1, WTHRESH 8 (the interrupt rate is below
  // 100K/s, IXGBE_100K_ITR); ixgbevf_configure_tx_ring: 32 / 1 / 8 always. Rx (ixgbe and
  // ixgbevf_configure_rx_ring on the 82599): only ENABLE on the value read back.
  std::uint32_t driver_dctl(Direction d, View, std::uint32_t current) const override {
    if (d == Direction::Rx) return current | encode_dctl(d, {true});
    return encode_dctl(d, {true, 32, 1, 8});
  }
  Family family() const override { return Family::i82599; }
  const char* name() const override { return "ixgbe layout"; }

  std::vector<DcbRegDecl> dcb_decls() const override {
    return {{DcbReg::DescControl, RTTDCS::decl()},       {DcbReg::QueueCredit, RTTDT1C::decl()},
            {DcbReg::TcDescCredit, RTTDT2C::decl()},     {DcbReg::PacketControl, RTTPCS::decl()},
            {DcbReg::TcPacketCredit, RTTPT2C::decl()},   {DcbReg::UpToTc, RTTUP2TC::decl()},
            {DcbReg::QueueLayout, MTQC::decl()},         {DcbReg::TxBufferSize, TXPBSIZE::decl()}};
  }
  TxDcbCfg decode_tx_dcb(const TxDcbRaw& r) const override {
    TxDcbCfg c;
    const bool arbdis = RTTDCS::ARBDIS::get(r.rttdcs);
    c.desc = class_arbiter(RTTDCS::TDPAC::get(r.rttdcs) && !arbdis, r.rttdt2c);
    c.vm_wrr = RTTDCS::VMPAC::get(r.rttdcs) && !arbdis;
    c.vt = MTQC::VT_ENA::get(r.mtqc) != 0;
    const unsigned num = MTQC::NUM_TC_OR_Q::get(r.mtqc);
    c.tcs = !MTQC::RT_ENA::get(r.mtqc) ? 1 : num == 3 ? 8 : num == 2 ? 4 : 1;
    c.pkt = class_arbiter(RTTPCS::TPPAC::get(r.rttpcs) && !RTTPCS::ARBDIS::get(r.rttpcs), r.rttpt2c);
    for (unsigned t = 0; t < 8; ++t) c.tx_buffer_bytes[t] = TXPBSIZE::SIZE::get(r.txpbsize[t]) * 1024;
    return c;
  }
  ClassArbiterCfg decode_rx_arbiter(std::uint32_t rtrpcs, const std::uint32_t* rtrpt4c) const override {
    return class_arbiter(RTRPCS::RAC::get(rtrpcs) && !RTRPCS::ARBDIS::get(rtrpcs), rtrpt4c);
  }
  // The credit word (TcCreditFields) is the same in RTTDT2C, RTTPT2C and RTRPT4C.
  static hls::TcStrict strict_of(std::uint32_t v) {
    return RTTDT2C::LSP::get(v) ? hls::TcStrict::Link : RTTDT2C::GSP::get(v) ? hls::TcStrict::Group : hls::TcStrict::None;
  }
  static ClassArbiterCfg class_arbiter(bool wsp, const std::uint32_t* credit) {
    ClassArbiterCfg a;
    a.wsp = wsp;
    for (unsigned t = 0; t < 8; ++t) {
      a.refill[t] = static_cast<std::uint16_t>(RTTDT2C::CRQ::get(credit[t]));
      a.max[t] = static_cast<std::uint16_t>(RTTDT2C::MCL::get(credit[t]));
      a.bwg[t] = static_cast<std::uint8_t>(RTTDT2C::BWG::get(credit[t]));
      a.strict[t] = strict_of(credit[t]);
    }
    return a;
  }
  unsigned decode_queue_credit(std::uint32_t v) const override { return RTTDT1C::CRQ::get(v); }
  std::vector<RxDcbRegDecl> rx_dcb_decls() const override {
    return {{RxDcbReg::BufferSize, RXPBSIZE::decl()}, {RxDcbReg::Control, RTRPCS::decl()},
            {RxDcbReg::TcCredit, RTRPT4C::decl()}};
  }
  unsigned decode_rx_buffer_bytes(std::uint32_t v) const override { return RXPBSIZE::SIZE::get(v) * 1024; }
  std::uint32_t encode_rx_buffer_bytes(unsigned bytes) const override { return RXPBSIZE::SIZE::make(bytes / 1024); }
  // ixgbe_set_rxpba (equal shares: RXPBSIZE(n) = the Rx buffer / classes, 0 above), then
  // ixgbe_dcb_hw_config_82599 for a VT port (ixgbe_setup_mtqc's MTQC): the Rx arbiter (RTRPCS
  // with ARBDIS, RTRUP2TC, RTRPT4C per class, RTRPCS = RRM | RAC; RAC 0 with the what-if
  // device.dcb.rx_arbiter rr), the descriptor
  // arbiter (RTTDT1C 0 for every queue, RTTDT2C per class, RTTDCS = TDPAC | TDRM), the data
  // arbiter (RTTPCS with ARBDIS, RTTUP2TC, RTTPT2C, RTTPCS = TPPAC | TPRM | ARBD 4), MTQC
  // between RTTDCS.ARBDIS set and clear, and TXPBSIZE (ixgbe_set_txpba: equal shares).
  // Every class in bandwidth group 0 at 100 %, as ixgbe's default config; user priority u to
  // class u for u < tcs (0 above). Credits: ixgbe_dcb_calculate_tc_credits.
  void write_dcb(RegAccess& w, const TxDcbPlan& p) const override {
    unsigned min_percent = 100;
    for (unsigned t = 0; t < p.tcs; ++t)
      if (p.bw_percent[t] && p.bw_percent[t] < min_percent) min_percent = p.bw_percent[t];
    std::uint32_t credit[8] = {};
    for (unsigned t = 0; t < 8; ++t) {
      const TcCredits c = ixgbe_tc_credits(t < p.tcs ? p.bw_percent[t] : 0, min_percent, p.max_frame);
      credit[t] = RTTDT2C::CRQ::make(c.refill) | RTTDT2C::MCL::make(c.max) | RTTDT2C::BWG::make(0) |
                  (t < p.tcs && p.strict[t] ? RTTDT2C::LSP::make(1) : 0);
    }
    for (unsigned t = 0; t < 8; ++t)
      w.write32(RXPBSIZE::at(t), t < p.tcs ? RXPBSIZE::SIZE::make(p.rx_buffer_bytes / p.tcs / 1024) : 0);
    std::uint32_t up2tc = 0;
    for (unsigned u = 0; u < 8; ++u) up2tc |= (u < p.tcs ? u : 0u) << (3 * u);
    const std::uint32_t rpcs = RTRPCS::RRM::make(1) | RTRPCS::RAC::make(!p.rx_rr);
    w.write32(RTRPCS::at(), rpcs | RTRPCS::ARBDIS::make(1));
    w.write32(RTRUP2TC::at(), up2tc);
    for (unsigned t = 0; t < 8; ++t) w.write32(RTRPT4C::at(t), credit[t]);
    w.write32(RTRPCS::at(), rpcs);
    for (unsigned q = 0; q < 128; ++q) {  // ixgbe: 0 for all; the VM arbiter's credits if asked for
      w.write32(Rate::RTTDQSEL::at(), q);
      w.write32(RTTDT1C::at(), RTTDT1C::CRQ::make(q < p.queue_credits.size() ? p.queue_credits[q] : 0));
    }
    for (unsigned t = 0; t < 8; ++t) w.write32(RTTDT2C::at(t), credit[t]);
    w.write32(RTTDCS::at(), RTTDCS::TDPAC::make(1) | RTTDCS::TDRM::make(1) | RTTDCS::VMPAC::make(p.vm_wrr));
    const std::uint32_t pcs = RTTPCS::TPPAC::make(1) | RTTPCS::TPRM::make(1) | RTTPCS::ARBD::make(4);
    w.write32(RTTPCS::at(), pcs | RTTPCS::ARBDIS::make(1));
    w.write32(RTTUP2TC::at(), up2tc);
    for (unsigned t = 0; t < 8; ++t) w.write32(RTTPT2C::at(t), credit[t]);
    w.write32(RTTPCS::at(), pcs);
    // ixgbe_setup_mtqc: arbiter off, MTQC = VT_ENA | RT_ENA | 4TC_4TQ (0xB) or 8TC_8TQ (0xF), on
    const std::uint32_t dcs = w.read32(RTTDCS::at());
    w.write32(RTTDCS::at(), dcs | RTTDCS::ARBDIS::make(1));
    w.write32(MTQC::at(), MTQC::RT_ENA::make(1) | MTQC::VT_ENA::make(1) | MTQC::NUM_TC_OR_Q::make(p.tcs > 4 ? 3 : 2));
    w.write32(RTTDCS::at(), dcs);
    for (unsigned t = 0; t < 8; ++t)
      w.write32(TXPBSIZE::at(t), t < p.tcs ? TXPBSIZE::SIZE::make(p.tx_buffer_bytes / p.tcs / 1024) : 0);
  }

  void bind_sorter(RegisterSpace& rs, SorterRegs& s) const override {
    hls::SorterTables& t = s.tables;
    sc::filter_register(rs, s, FCTRL::decl(), [&t](unsigned, std::uint32_t& v) {
      t.unicast_promisc = FCTRL::UPE::get(v);
      t.multicast_promisc = FCTRL::MPE::get(v);
      t.broadcast_accept = FCTRL::BAM::get(v);
    });
    sc::filter_register(rs, s, VLNCTRL::decl(), [&t](unsigned, std::uint32_t& v) {
      t.vlan_filter_enable = VLNCTRL::VFE::get(v);
    });
    sc::filter_register(rs, s, MCSTCTRL::decl(), [&t](unsigned, std::uint32_t& v) {
      t.mta_shift = static_cast<std::uint8_t>(MCSTCTRL::MO::get(v));
    });
    // The 82599 has no per-pool RSS enable: with MRQE = 64 pools + RSS every pool hashes.
    auto mrqc = sc::filter_register(rs, s, MRQC::decl(), [&s](unsigned, std::uint32_t& v) {
      s.rss.enabled = MRQC::MRQE::get(v) == MRQC::MRQE_VMDQ_RSS;
      s.rss.types = MrqcHashFields::decode(v);
      for (unsigned p = 0; p < s.tables.num_pools; ++p) s.tables.pool[p].rsse = s.rss.enabled;
      s.rss.pools = s.rss.enabled ? ~hls::PoolMask{0} : 0;
    });
    rs.add_alias(MRQC::alias, mrqc);
    sc::filter_register(rs, s, RTRUP2TC::decl(), [&s](unsigned, std::uint32_t& v) {
      for (unsigned u = 0; u < 8; ++u) s.rx_up2tc[u] = static_cast<std::uint8_t>(v >> (3 * u) & 7);
    });
    sc::filter_register(rs, s, PFVTCTL::decl(), [&s](unsigned, std::uint32_t& v) {
      s.tables.vmdq_enable = PFVTCTL::VT_ENA::get(v);
      const unsigned def = PFVTCTL::DEF_PL::get(v);
      if (def >= s.tables.num_pools)
        ++s.ignored_writes;
      else
        s.tables.default_pool = def;
      s.tables.disable_default_pool = PFVTCTL::DIS_DEFPL::get(v);
      s.tables.replication_enable = PFVTCTL::REPLEN::get(v);
    });
    sc::bind_receive_address_low(rs, s, RAL::decl());
    sc::filter_register(rs, s, RAH::decl(), [&s](unsigned n, std::uint32_t& v) {
      sc::decode_receive_address_high(s, n, RAH::ADDR_HI::get(v), RAH::AV::get(v));
    });
    // MPSAR_LO/HI(n): the pools of receive address n (the 82576 keeps them in RAH.POOLSEL).
    // Each half decodes with the other, registered after it: the cell is filled below.
    auto hi_cell = std::make_shared<std::uint32_t*>(nullptr);
    auto lo = sc::filter_register(rs, s, MPSAR_LO::decl(), [&s, hi_cell](unsigned n, std::uint32_t& v) {
      s.tables.rar[n].pools = sc::write_pool_half(s, &v, *hi_cell + n, 0, v);
    });
    std::uint32_t* lo_base = lo.storage();
    auto hi = sc::filter_register(rs, s, MPSAR_HI::decl(), [&s, lo_base](unsigned n, std::uint32_t& v) {
      s.tables.rar[n].pools = sc::write_pool_half(s, lo_base + n, &v, 1, v);
    });
    *hi_cell = hi.storage();
    sc::bind_bit_tables(rs, s, MTA::decl(), VFTA::decl(), UTA::decl());
    sc::bind_rss_tables(rs, s, RETA::decl(), RSSRK::decl(), &RETA::alias, &RSSRK::alias);
    sc::filter_register(rs, s, PFVML2FLT::decl(), [&s](unsigned i, std::uint32_t& v) {
      hls::PoolCfg& c = s.tables.pool[i];
      c.aupe = PFVML2FLT::AUPE::get(v);
      c.rompe = PFVML2FLT::ROMPE::get(v);
      c.rope = PFVML2FLT::ROPE::get(v);
      c.bam = PFVML2FLT::BAM::get(v);
      c.mpe = PFVML2FLT::MPE::get(v);
      c.lpe = true;  // no per-pool frame size limit: the MAC's (MAXFRS) is the only one
      c.rlpml = 0x3FFF;
    });
    sc::filter_register(rs, s, VLVF::decl(), [&s](unsigned i, std::uint32_t& v) {
      if (i >= s.tables.num_vlvf) ++s.ignored_writes;
      s.tables.vlvf[i].vid = static_cast<std::uint16_t>(VLVF::VID::get(v));
      s.tables.vlvf[i].enabled = VLVF::VIEN::get(v);
    });
    sc::filter_register(rs, s, VLVFB::decl(), [&s](unsigned i, std::uint32_t& v) {
      std::uint32_t* pair = &v - i % 2;  // elements 2e and 2e+1 of one array
      s.tables.vlvf[i / 2].pools = sc::write_pool_half(s, pair, pair + 1, i % 2, v);
    });
    sc::filter_register(rs, s, PFVFRE::decl(), [&s](unsigned i, std::uint32_t& v) {
      std::uint32_t* pair = &v - i;
      const hls::PoolMask on = sc::write_pool_half(s, pair, pair + 1, i, v);
      for (unsigned p = 0; p < s.tables.num_pools; ++p) s.tables.pool[p].rx_enabled = on >> p & 1;
    });
    sc::filter_register(rs, s, PFVFTE::decl(), [&s](unsigned i, std::uint32_t& v) {
      std::uint32_t* pair = &v - i;
      const hls::PoolMask on = sc::write_pool_half(s, pair, pair + 1, i, v);
      for (unsigned p = 0; p < s.tables.num_pools; ++p) s.tables.pool[p].tx_enabled = on >> p & 1;
    });
    sc::filter_register(rs, s, PFDTXGSWC::decl(), [&s](unsigned, std::uint32_t& v) {
      s.tables.global_loopback_enable = PFDTXGSWC::VT_LBEN::get(v);
    });
    sc::filter_register(rs, s, PFVFSPOOF::decl(), [&s](unsigned i, std::uint32_t& v) {
      for (unsigned b = 0; b < 8 && 8 * i + b < s.tables.num_pools; ++b) {
        s.tables.pool[8 * i + b].mac_antispoof = PFVFSPOOF::MACAS::get(v) >> b & 1;
        s.tables.pool[8 * i + b].vlan_antispoof = PFVFSPOOF::VLANAS::get(v) >> b & 1;
      }
    });
    // SSVPC: the count the sorter kept, returned and cleared by a read.
    rs.add(SSVPC::decl(),
           [&s](unsigned) {
             const std::uint32_t v = s.spoofed_frames;
             s.spoofed_frames = 0;
             return v;
           },
           nullptr);
  }

  // ---- driver side (ixgbe)
  void write_rx_filter_control(RegAccess& w, const RxFilterControl& c) const override {
    // ixgbe_set_rx_mode: FCTRL.BAM (and UPE for a bridge port), VLNCTRL.VFE, MCSTCTRL.MFE
    w.write32(FCTRL::at(), FCTRL::BAM::make(c.broadcast) | FCTRL::UPE::make(c.unicast_promisc));
    w.write32(VLNCTRL::at(), VLNCTRL::VFE::make(c.vlan_filter));
    w.write32(MCSTCTRL::at(), MCSTCTRL::MFE::make(1));
  }
  void write_rss_tables(RegAccess& w, const std::uint8_t* key, const std::uint8_t* reta) const override {
    // the 82599's own offsets (ixgbe writes the 82598 aliases, which the model also decodes)
    for (unsigned i = 0; i < RSSRK::info.count; ++i) w.write32(RSSRK::at(i), le32(key + 4 * i));
    for (unsigned i = 0; i < RETA::info.count; ++i) w.write32(RETA::at(i), le32(reta + 4 * i));
  }
  void write_pool_mode(RegAccess& w, const PoolMode& m) const override {
    // ixgbe_setup_mrqc, ixgbe_configure_virtualization
    w.write32(MRQC::at(), MRQC::MRQE::make(m.rss ? MRQC::MRQE_VMDQ_RSS : MRQC::MRQE_VMDQ) |
                              (m.rss ? MrqcHashFields::encode(m.types) : 0));
    w.write32(PFVTCTL::at(), PFVTCTL::VT_ENA::make(1) | PFVTCTL::DEF_PL::make(m.default_pool) |
                                 PFVTCTL::REPLEN::make(m.replication));
  }
  void write_receive_address(RegAccess& w, unsigned n, std::uint64_t mac, unsigned pool) const override {
    // ixgbe_set_rar_generic with the pool in MPSAR
    w.write32(RAL::at(n), mbx::mac_lo(mac));
    w.write32(RAH::at(n), RAH::ADDR_HI::make(mbx::mac_hi16(mac)) | RAH::AV::make(1));
    w.write32(MPSAR_LO::at(n), pool < 32 ? 1u << pool : 0);
    w.write32(MPSAR_HI::at(n), pool >= 32 ? 1u << (pool - 32) : 0);
  }
  void write_pool_accept(RegAccess& w, unsigned pool, const PoolAccept& a) const override {
    // ixgbe_set_vmolr: untagged and broadcast (no per-pool size or RSS bits on the 82599)
    w.write32(PFVML2FLT::at(pool), PFVML2FLT::AUPE::make(a.untagged) | PFVML2FLT::BAM::make(a.broadcast));
  }
  void write_pool_enables(RegAccess& w, hls::PoolMask rx, hls::PoolMask tx) const override {
    for (unsigned i = 0; i < 2; ++i) {
      w.write32(PFVFRE::at(i), static_cast<std::uint32_t>(rx >> (32 * i)));
      w.write32(PFVFTE::at(i), static_cast<std::uint32_t>(tx >> (32 * i)));
    }
  }
  void write_switch_control(RegAccess& w, bool loopback, hls::PoolMask mac_spoof,
                            hls::PoolMask vlan_spoof, unsigned pools_in_use) const override {
    w.write32(PFDTXGSWC::at(), PFDTXGSWC::VT_LBEN::make(loopback));
    for (unsigned i = 0; i < PFVFSPOOF::info.count && 8 * i < pools_in_use; ++i)  // ixgbe_ndo_set_vf_spoofchk
      w.write32(PFVFSPOOF::at(i),
                PFVFSPOOF::MACAS::make(static_cast<std::uint32_t>(mac_spoof >> (8 * i)) & 0xFF) |
                    PFVFSPOOF::VLANAS::make(static_cast<std::uint32_t>(vlan_spoof >> (8 * i)) & 0xFF));
  }
  void read_spoof_report(RegAccess& w, unsigned, unsigned,
                         const std::function<unsigned(unsigned, unsigned)>&,
                         SpoofReport& out) const override {
    out.frames += w.read32(SSVPC::at());  // ixgbe_spoof_check: a count, no VF named
  }
};

}  // namespace

const DeviceMap& device_map_82599() {
  static const Map82599 m;
  return m;
}

}  // namespace iovsim::regs
