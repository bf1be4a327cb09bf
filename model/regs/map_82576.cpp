// The 82576 codec: how the blocks' value types are held in the igb-layout registers
// (device side) and the register writes igb and igbvf issue for the bring-up steps (driver
// side). Declarations: map_82576.h and mailbox_82576.h.
#include "model/regs/family_map.h"
#include "model/regs/mailbox_82576.h"
#include "model/regs/map_82576.h"
#include "model/regs/interrupt_codec.h"
#include "model/regs/sorter_codec.h"

namespace iovsim::regs {

using namespace i82576;
namespace sc = sorter_codec;

ResetReply i82576::MailboxLayout8::decode_reset_reply(const std::uint32_t* w, unsigned n) {
  // igbvf e1000_reset_hw_vf: word 0 must be exactly RESET | ACK (a reply with CTS would not
  // count); NACK means no MAC was assigned.
  ResetReply r;
  if (n < kResetReplyWords || w[0] != (mbx::VF_RESET | mbx::MSGTYPE_ACK)) return r;
  r.accepted = r.has_mac = true;
  r.mac = mbx::mac_of(w[1], w[2]);
  return r;
}

namespace {

const InterruptLayout& irq_layout(View v);  // below

// The declarations FamilyMap builds the ring, rate-limiter and mailbox parts from.
struct Layout {
  static const InterruptLayout& interrupts(View v) { return irq_layout(v); }
  using RxRing = i82576::RxRing;
  using TxRing = i82576::TxRing;
  using Rate = i82576::Rate;
  using Stats = i82576::Stats;
  using FlowCtl = i82576::FlowCtl;
  static constexpr bool kRateEveryQueueOfPool = false;
  static constexpr std::uint32_t kRateWindowValue = 0x14;  // igb: MMW for 9728-byte frames
  // PF view: every queue, queues 0-3 also at the legacy blocks; VF view: the pool's two
  // queues at the legacy offsets, 0x100 apart.
  static RingRegDecl ring_view(Direction d, View v, RingReg role, const RegDecl& decl) {
    const std::uint32_t base = d == Direction::Rx ? RxBlock::kBase : TxBlock::kBase;
    const std::uint32_t legacy = d == Direction::Rx ? RxBlock::kLegacy : TxBlock::kLegacy;
    const RegInfo at_legacy = decl.info.moved(legacy + (decl.info.offset - base), 4, 0x100);
    if (v == View::VF) return {role, decl.with(at_legacy.moved(at_legacy.offset, 2, 0x100)), {}};
    return {role, decl, {at_legacy}};
  }
  static const MailboxLayout& mailbox_layout() { return i82576::mailbox_layout(); }
};

// The interrupt registers of a PF and of a VF (igb / igbvf programming in the comments).
const InterruptLayout& irq_layout(View v) {
  static const InterruptLayout pf = [] {
    InterruptLayout L;
    L.eicr = EICR::decl(), L.eics = EICS::decl(), L.eims = EIMS::decl(), L.eimc = EIMC::decl();
    L.eiac = EIAC::decl(), L.eiam = EIAM::decl(), L.eitr = EITR::decl(), L.ivar = IVAR0::decl();
    L.ivar_misc = IVAR_MISC::decl(), L.gpie = GPIE::decl();
    L.icr = ICR::decl(), L.ics = ICS::decl(), L.ims = IMS::decl(), L.imc = IMC::decl();
    L.ivar_rows_stride = 8;  // row n: queues n and n + 8 (igb_assign_vector, e1000_82576)
    L.ivar_vector_bits = 5;
    L.misc_shift = 8;        // igb: IVAR_MISC = (vector | VALID) << 8
    L.eitr_mask = EITR::INTERVAL::kMask, L.eitr_shift = 2, L.eitr_unit_ps = 1000000;
    L.eitr_keep_counter = EITR::CNT_IGNR::kMask;  // igb_write_itr: | E1000_EITR_CNT_IGNR
    // igb_configure_msix: GPIE = MSIX_MODE | PBA | EIAME | NSICR
    L.gpie_msix = GPIE::MSIX_MODE::make(1) | GPIE::PBA::make(1) | GPIE::EIAME::make(1) | GPIE::NSICR::make(1);
    return L;
  }();
  static const InterruptLayout vf = [] {
    InterruptLayout L;
    auto at = [](const RegDecl& d, const char* name) {  // the same offsets in the VF's BAR
      RegInfo i = d.info;
      i.name = name;
      return d.with(i);
    };
    L.eicr = at(EICR::decl(), "VTEICR"), L.eics = at(EICS::decl(), "VTEICS");
    L.eims = at(EIMS::decl(), "VTEIMS"), L.eimc = at(EIMC::decl(), "VTEIMC");
    L.eiac = at(EIAC::decl(), "VTEIAC"), L.eiam = at(EIAM::decl(), "VTEIAM");
    L.eitr = EITR::decl().with(at(EITR::decl(), "VTEITR").info.moved(EITR::at(0), 3, 4));
    L.ivar = VTIVAR::decl(), L.ivar_misc = VTIVAR_MISC::decl();
    L.ivar_vector_bits = 2;
    L.misc_shift = 0;        // igbvf: VTIVAR_MISC = vector | VALID, no shift
    L.eitr_mask = EITR::INTERVAL::kMask, L.eitr_shift = 2, L.eitr_unit_ps = 1000000;
    L.eitr_raw_writes = true;  // igbvf writes EITR as it is (no mask, no CNT_IGNR)
    return L;
  }();
  return v == View::PF ? pf : vf;
}

class Map82576 final : public FamilyMap<Layout> {
public:
  std::uint32_t mailbox_cause() const override { return ICR::VMMB::kMask; }
  std::uint32_t spoof_cause() const override { return ICR::DOUTSYNC::kMask; }
  // igb_irq_enable without MSI-X: IMS = RXT0 | TXDW | RXDMT0 | RXSEQ | LSC (| DRSTA).
  std::uint32_t legacy_rx_cause() const override { return ICR::RXT0::kMask; }
  std::uint32_t legacy_tx_cause() const override { return ICR::TXDW::kMask; }
  std::uint32_t link_cause() const override { return ICR::LSC::kMask; }
  void write_other_enable(RegAccess& w, std::uint32_t causes) const override {
    w.write32(IMS::at(), causes);  // igb_irq_enable: IMS = LSC | DOUTSYNC | DRSTA | VMMB
  }
  std::uint32_t read_other_causes(RegAccess& w) const override {
    return w.read32(ICR::at());  // igb_msix_other: reading ICR clears it (NSICR)
  }
  // igb_configure_rx_ring / igb_configure_tx_ring with MSI-X (igb.h IGB_RX_PTHRESH 8,
  // IGB_RX_HTHRESH 8, IGB_RX_WTHRESH 1 on the 82576 with MSI-X; IGB_TX_PTHRESH 8,
  // IGB_TX_HTHRESH 1, IGB_TX_WTHRESH 1); igbvf_configure_rx: IGBVF_RX_PTHRESH 16, HTHRESH 8,
  // WTHRESH 1 after clearing bits 19:0; igbvf_configure_tx only sets ENABLE on what it reads.
  std::uint32_t driver_dctl(Direction d, View v, std::uint32_t current) const override {
    if (v == View::VF && d == Direction::Tx) return current | encode_dctl(d, {true});
    if (v == View::VF) return (current & 0xFFF00000u) | encode_dctl(d, {true, 16, 8, 1});
    return encode_dctl(d, d == Direction::Rx ? QueueCtl{true, 8, 8, 1} : QueueCtl{true, 8, 1, 1});
  }
  Family family() const override { return Family::i82576; }
  const char* name() const override { return "igb layout"; }

  void bind_sorter(RegisterSpace& rs, SorterRegs& s) const override {
    hls::SorterTables& t = s.tables;
    sc::filter_register(rs, s, RCTL::decl(), [&t](unsigned, std::uint32_t& v) {
      t.unicast_promisc = RCTL::UPE::get(v);
      t.multicast_promisc = RCTL::MPE::get(v);
      t.broadcast_accept = RCTL::BAM::get(v);
      t.vlan_filter_enable = RCTL::VFE::get(v);
      t.mta_shift = static_cast<std::uint8_t>(RCTL::MO::get(v));
    });
    sc::filter_register(rs, s, MRQC::decl(), [&s](unsigned, std::uint32_t& v) {
      const unsigned e = MRQC::MRQE::get(v);
      s.tables.vmdq_enable = e == MRQC::MRQE_VMDQ || e == MRQC::MRQE_VMDQ_RSS;
      s.rss.enabled = e == MRQC::MRQE_VMDQ_RSS;
      s.rss.types = MrqcHashFields::decode(v);
    });
    sc::filter_register(rs, s, VT_CTL::decl(), [&s](unsigned, std::uint32_t& v) {
      const unsigned def = VT_CTL::DEF_PL::get(v);
      if (def >= s.tables.num_pools)
        ++s.ignored_writes;
      else
        s.tables.default_pool = def;
      s.tables.disable_default_pool = VT_CTL::DIS_DEF_POOL::get(v);
      s.tables.replication_enable = VT_CTL::VM_REPL_EN::get(v);
    });
    sc::bind_receive_address_low(rs, s, RAL::decl());
    sc::filter_register(rs, s, RAH::decl(), [&s](unsigned n, std::uint32_t& v) {
      sc::decode_receive_address_high(s, n, RAH::ADDR_HI::get(v), RAH::AV::get(v));
      s.tables.rar[n].pools = RAH::POOLSEL::get(v);
    });
    sc::bind_bit_tables(rs, s, MTA::decl(), VFTA::decl(), UTA::decl());
    sc::bind_rss_tables(rs, s, RETA::decl(), RSSRK::decl());
    sc::filter_register(rs, s, VMOLR::decl(), [&s](unsigned i, std::uint32_t& v) {
      hls::PoolCfg& c = s.tables.pool[i];
      c.rlpml = static_cast<std::uint16_t>(VMOLR::RLPML::get(v));
      c.lpe = VMOLR::LPE::get(v);
      c.rsse = VMOLR::RSSE::get(v);
      s.rss.pools = (s.rss.pools & ~(hls::PoolMask{1} << i)) | (hls::PoolMask{c.rsse} << i);
      c.aupe = VMOLR::AUPE::get(v);
      c.rompe = VMOLR::ROMPE::get(v);
      c.rope = VMOLR::ROPE::get(v);
      c.bam = VMOLR::BAM::get(v);
      c.mpe = VMOLR::MPME::get(v);
      c.strip_vlan = VMOLR::STRVLAN::get(v);
    });
    sc::filter_register(rs, s, VLVF::decl(), [&s](unsigned i, std::uint32_t& v) {
      if (i >= s.tables.num_vlvf) ++s.ignored_writes;
      hls::VlvfEntry& e = s.tables.vlvf[i];
      e.vid = static_cast<std::uint16_t>(VLVF::VLANID::get(v));
      e.pools = sc::keep_pools(s, VLVF::POOLSEL::get(v), 0);
      e.enabled = VLVF::VLANID_ENABLE::get(v);
    });
    // VMVIR: a port VLAN the pool's frames are switched with (switch_tx); a VM-supplied tag
    // then counts as a VLAN spoof where VLAN anti-spoofing is on.
    sc::filter_register(rs, s, VMVIR::decl(), [&s](unsigned i, std::uint32_t& v) {
      s.tables.pool[i].port_vlan = static_cast<std::uint16_t>(VMVIR::PORT_VLAN::get(v) & 0xFFF);
      s.tables.pool[i].port_vlan_insert = VMVIR::VLANA::get(v) == VMVIR::VLANA_DEFAULT;
    });
    // WVBR: the queue bits the sorter set, returned and cleared by a read.
    rs.add(WVBR::decl(),
           [&s](unsigned) {
             std::uint32_t v = 0;
             for (unsigned q = 0; q < s.spoofed_queues.size(); ++q)
               if (s.spoofed_queues[q]) v |= 1u << (q & 31);
             s.spoofed_queues.reset();
             return v;
           },
           nullptr);
    sc::filter_register(rs, s, VFRE::decl(), [&s](unsigned, std::uint32_t& v) {
      v = sc::keep_pools(s, v, 0);
      for (unsigned i = 0; i < s.tables.num_pools; ++i) s.tables.pool[i].rx_enabled = v >> i & 1;
    });
    sc::filter_register(rs, s, VFTE::decl(), [&s](unsigned, std::uint32_t& v) {
      v = sc::keep_pools(s, v, 0);
      for (unsigned i = 0; i < s.tables.num_pools; ++i) s.tables.pool[i].tx_enabled = v >> i & 1;
    });
    sc::filter_register(rs, s, DTXSWC::decl(), [&s](unsigned, std::uint32_t& v) {
      for (unsigned i = 0; i < s.tables.num_pools && i < 8; ++i) {
        hls::PoolCfg& c = s.tables.pool[i];
        c.mac_antispoof = DTXSWC::MAC_SPOOF::get(v) >> i & 1;
        c.vlan_antispoof = DTXSWC::VLAN_SPOOF::get(v) >> i & 1;
        c.loopback_enable = DTXSWC::LLE::get(v) >> i & 1;
      }
      s.tables.global_loopback_enable = DTXSWC::LOOPBACK_EN::get(v);
    });
  }

  // ---- driver side (igb)
  void write_rx_filter_control(RegAccess& w, const RxFilterControl& c) const override {
    // igb_setup_rctl / igb_set_rx_mode: broadcast accept, strip the CRC, VLAN filtering (VT
    // mode), unicast promiscuous when unmatched unicast is to reach the default pool.
    w.write32(RCTL::at(), RCTL::BAM::make(c.broadcast) | RCTL::SECRC::make(1) |
                              RCTL::VFE::make(c.vlan_filter) | RCTL::UPE::make(c.unicast_promisc));
  }
  void write_rss_tables(RegAccess& w, const std::uint8_t* key, const std::uint8_t* reta) const override {
    for (unsigned i = 0; i < RSSRK::info.count; ++i) w.write32(RSSRK::at(i), desc_le32(key + 4 * i));
    for (unsigned i = 0; i < RETA::info.count; ++i) w.write32(RETA::at(i), desc_le32(reta + 4 * i));
  }
  void write_pool_mode(RegAccess& w, const PoolMode& m) const override {
    // igb_setup_mrqc, igb_vmm_control / igb_vmdq_set_replication_pf
    w.write32(MRQC::at(), MRQC::MRQE::make(m.rss ? MRQC::MRQE_VMDQ_RSS : MRQC::MRQE_VMDQ) |
                              (m.rss ? MrqcHashFields::encode(m.types) : 0));
    w.write32(VT_CTL::at(), VT_CTL::DEF_PL::make(m.default_pool) | VT_CTL::VM_REPL_EN::make(m.replication));
  }
  void write_receive_address(RegAccess& w, unsigned n, std::uint64_t mac, unsigned pool) const override {
    // igb_rar_set_index: RAL = bytes 0-3, RAH = bytes 4-5 | pool bit | AV
    w.write32(RAL::at(n), mbx::mac_lo(mac));
    w.write32(RAH::at(n), RAH::ADDR_HI::make(mbx::mac_hi16(mac)) | RAH::POOLSEL::make(1u << pool) |
                              RAH::AV::make(1));
  }
  void write_pool_accept(RegAccess& w, unsigned pool, const PoolAccept& a) const override {
    // igb_set_vmolr
    w.write32(VMOLR::at(pool), VMOLR::AUPE::make(a.untagged) | VMOLR::BAM::make(a.broadcast) |
                                   VMOLR::LPE::make(1) | VMOLR::RLPML::make(a.max_frame) |
                                   VMOLR::RSSE::make(a.rss));
  }
  void write_pool_enables(RegAccess& w, hls::PoolMask rx, hls::PoolMask tx) const override {
    w.write32(VFRE::at(), static_cast<std::uint32_t>(rx));
    w.write32(VFTE::at(), static_cast<std::uint32_t>(tx));
  }
  void write_switch_control(RegAccess& w, bool loopback, hls::PoolMask mac_spoof,
                            hls::PoolMask vlan_spoof, unsigned) const override {
    // igb_vmm_control (loopback), igb_ndo_set_vf_spoofchk (both masks in DTXSWC)
    w.write32(DTXSWC::at(), DTXSWC::LOOPBACK_EN::make(loopback) |
                                DTXSWC::MAC_SPOOF::make(static_cast<std::uint32_t>(mac_spoof)) |
                                DTXSWC::VLAN_SPOOF::make(static_cast<std::uint32_t>(vlan_spoof)));
  }
  void read_spoof_report(RegAccess& w, unsigned vfs, unsigned queues_per_pool,
                         const std::function<unsigned(unsigned, unsigned)>& queue_of,
                         SpoofReport& out) const override {
    // igb_spoof_check: WVBR bit vf or vf + 8 (the VF's two queues) means a spoof event.
    const std::uint32_t wvbr = w.read32(WVBR::at());
    if (!wvbr || !out.per_vf) return;
    for (unsigned v = 0; v < vfs; ++v)
      for (unsigned i = 0; i < queues_per_pool; ++i)
        if (wvbr >> queue_of(v, i) & 1) ++(*out.per_vf)[v];
  }

private:
  static std::uint32_t desc_le32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
  }
};

}  // namespace

const DeviceMap& device_map_82576() {
  static const Map82576 m;
  return m;
}

}  // namespace iovsim::regs
