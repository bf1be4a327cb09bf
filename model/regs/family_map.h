// What the two families' register maps share, written once: the descriptor-ring registers, the
// Tx rate-limiter registers, MRQC's hash-type bits and the mailbox registers have the same
// fields on the 82576 and the 82599 and differ only in where they sit, which each family's map
// file says by a small layout struct (map_82576.h, map_82599.h, mailbox_8257x.h). FamilyMap
// implements the parts of DeviceMap that follow from those declarations alone.
#pragma once
#include <cstdint>

#include "model/regs/device_map.h"
#include "model/regs/interrupt_codec.h"
#include "model/regs/register.h"

namespace iovsim::regs {

// ---------------------------------------------------------------- descriptor rings
// One direction's ring registers. `B` (the family's block layout) gives the names, where
// element n of a register at `off` in the queue block sits (B::reg), SRRCTL's place in the Rx
// block and the bit of SRRCTL.DROP_EN.
template <class B>
struct RingRegisters {
  struct BAL : Register<BAL>, NoFields {
    static constexpr RegInfo info = B::reg(B::kNames[0], 0x00).doc("ring base, low; bits 6:0 read 0");
  };
  struct BAH : Register<BAH>, NoFields {
    static constexpr RegInfo info = B::reg(B::kNames[1], 0x04).doc("ring base, high");
  };
  struct LEN : Register<LEN>, NoFields {
    static constexpr RegInfo info = B::reg(B::kNames[2], 0x08).doc(
        "ring length in bytes: a multiple of 128 up to 1 MB, else ignored and counted");
  };
  struct HEAD : Register<HEAD>, NoFields {
    static constexpr RegInfo info = B::reg(B::kNames[3], 0x10).doc(
        "head, owned by the hardware: writes ignored and counted while the queue runs");
  };
  struct TAIL : Register<TAIL>, NoFields {
    static constexpr RegInfo info = B::reg(B::kNames[4], 0x18).doc(
        "tail (Tx: the doorbell); writes beyond the ring, or with no length, ignored and counted");
  };
  struct DCTL : Register<DCTL> {
    static constexpr RegInfo info =
        B::reg(B::kNames[5], 0x28).reset_value(B::kDctlReset).doc("descriptor control");
    IOVSIM_FIELD(PTHRESH, B::kThreshHi, 0, "prefetch when fewer descriptors than this are on chip");
    IOVSIM_FIELD(HTHRESH, 8 + B::kThreshHi, 8, "... and at least this many wait in host memory");
    IOVSIM_FIELD(WTHRESH, 16 + B::kThreshHi, 16, "write back when this many descriptors are done");
    IOVSIM_FIELD(ENABLE, 25, 25, "queue enable (runs with a non-zero length)");
    using fields = FieldList<PTHRESH, HTHRESH, WTHRESH, ENABLE>;
  };
  struct WBAL : Register<WBAL> {  // Tx only
    static constexpr RegInfo info = B::reg(B::kNames[6], 0x38).doc(
        "Tx head write-back address, low; bit 0 enables writing the head there");
    IOVSIM_FIELD(HEAD_WB_EN, 0, 0, "write the head to TDWBAH:TDWBAL instead of descriptor status");
    IOVSIM_FIELD(ADDR_LO, 31, 2, "address bits 31:2");
    using fields = FieldList<HEAD_WB_EN, ADDR_LO>;
  };
  struct WBAH : Register<WBAH>, NoFields {  // Tx only
    static constexpr RegInfo info = B::reg(B::kNames[7], 0x3C).doc("Tx head write-back address, high");
  };
  struct SRRCTL : Register<SRRCTL> {  // Rx only
    static constexpr RegInfo info = B::reg("SRRCTL", B::kSrrctl).reset_value(0x2).doc(
        "split and replication Rx control (reset: 2 KB buffers)");
    IOVSIM_FIELD(BSIZEPACKET, 6, 0, "Rx buffer size in KB (0 is read as 2 KB)");
    IOVSIM_FIELD(DESCTYPE, 27, 25, "descriptor type, 1 = advanced one buffer (stored)");
    IOVSIM_FIELD(DROP_EN, B::kDropEn, B::kDropEn, "drop when no descriptor (stored; the model always drops)");
    using fields = FieldList<BSIZEPACKET, DESCTYPE, DROP_EN>;
  };
};

// ---------------------------------------------------------------- Tx rate limiters
// igb_set_vf_rate_limit / ixgbe_set_vf_rate_limit: RTTDQSEL selects the queue, RTTBCNRM sets
// the (global) memory window, RTTBCNRC the selected queue's rate factor. `L` gives the three
// offsets, the high bit of RF_INT and the window value the family's driver writes. Semantics
// (X550 datasheet 333369 §7.6.2.1, the 82599's design): a rate-controlled queue's next data
// read request waits until TS; each packet moves TS by its L2 length x RF byte times, and TS
// may lag the current time by at most MMW_SIZE KB x RF (the catch-up of a delayed queue).
template <class L>
struct RateRegisters {
  struct RTTDQSEL : Register<RTTDQSEL> {
    static constexpr RegInfo info = reg("RTTDQSEL", L::kSelect).doc(
        "Tx descriptor queue select: the queue the next RTTBCNRC access applies to");
    IOVSIM_FIELD(TXDQ_IDX, 6, 0, "queue index");
    using fields = FieldList<TXDQ_IDX>;
  };
  struct RTTBCNRM : Register<RTTBCNRM> {
    static constexpr RegInfo info = reg("RTTBCNRM", L::kWindow).doc(
        "rate-scheduler memory window, one for all queues (both drivers write it once)");
    IOVSIM_FIELD(MMW_SIZE, 10, 0, "catch-up window in 1 KB units of payload (X550 7.6.2.1)");
    using fields = FieldList<MMW_SIZE>;
  };
  struct RTTBCNRC : Register<RTTBCNRC> {
    static constexpr RegInfo info = reg("RTTBCNRC", L::kRate).doc(
        "rate-scheduler config of the selected queue: rate = link rate / RF, RF in 1..1000");
    IOVSIM_FIELD(RF_DEC, 13, 0, "rate factor, fraction (1/16384)");
    IOVSIM_FIELD(RF_INT, L::kRfIntHi, 14, "rate factor, integer part");
    IOVSIM_FIELD(RS_ENA, 31, 31, "rate scheduler enable");
    using fields = FieldList<RF_DEC, RF_INT, RS_ENA>;
  };
};

// ---------------------------------------------------------------- RSS hash types
// MRQC's hash-type bits, at the same positions on both families (E1000_MRQC_RSS_FIELD_*,
// IXGBE_MRQC_RSS_FIELD_*); each family's MRQC adds its MRQE field.
struct MrqcHashFields {
  IOVSIM_FIELD(RSS_IPV4_TCP, 16, 16, "hash TCP over IPv4 with ports");
  IOVSIM_FIELD(RSS_IPV4, 17, 17, "hash IPv4 addresses");
  IOVSIM_FIELD(RSS_IPV6, 20, 20, "hash IPv6 addresses");
  IOVSIM_FIELD(RSS_IPV6_TCP, 21, 21, "hash TCP over IPv6 with ports");
  IOVSIM_FIELD(RSS_IPV4_UDP, 22, 22, "hash UDP over IPv4 with ports");
  IOVSIM_FIELD(RSS_IPV6_UDP, 23, 23, "hash UDP over IPv6 with ports");
  static RssHashTypes decode(std::uint32_t v);
  static std::uint32_t encode(const RssHashTypes& t);
};

// ---------------------------------------------------------------- mailbox
// The PF's per-VF control registers and buffers, the cause and mask registers, and the VF's
// control register and buffer. `L` gives names, offsets and counts.
template <class L>
struct MailboxRegisters {
  struct PfCtl : Register<PfCtl> {
    static constexpr RegInfo info = reg(L::kPfCtl, L::kPfCtlAt).array(L::kVfs, 4).doc(
        "PF side of VF v's mailbox: commands (STS, ACK, RVFU) and the lock bits; reads VFU, PFU");
    using fields = pfmbx::fields;
  };
  struct PfMem : Register<PfMem>, NoFields {
    static constexpr RegInfo info = reg(L::kPfMem, L::kPfMemAt).array(L::kVfs * mbx::WORDS, 4).doc(
        "VF v's 16-DWORD buffer at +64v, PF view; PF writes need PFU");
  };
  struct Icr : Register<Icr> {
    static constexpr RegInfo info = reg(L::kIcr, L::kIcrAt, Access::W1C).array(L::kIcrRegs, 4).doc(
        "mailbox causes of VFs 16i.. (one register per 16 VFs)");
    IOVSIM_FIELD(VFREQ, L::kVfsPerIcr - 1, 0, "bit b: VF 16i+b sent a message");
    IOVSIM_FIELD(VFACK, 15 + L::kVfsPerIcr, 16, "bit 16+b: VF 16i+b acknowledged a message");
    using fields = FieldList<VFREQ, VFACK>;
  };
  struct Imr : Register<Imr> {
    static constexpr RegInfo info =
        reg(L::kImr, L::kImrAt).array(L::kIcrRegs, 4).reset_value(L::kImrReset).doc(L::kImrDoc);
    IOVSIM_FIELD(VFIM, L::kVfsPerIcr - 1, 0, "bit b: VF 16i+b may interrupt the PF");
    using fields = FieldList<VFIM>;
  };
  struct VfCtl : Register<VfCtl> {
    static constexpr RegInfo info = reg(L::kVfCtl, L::kVfCtlAt).doc(
        "the VF's side of its mailbox: REQ, ACK, the lock bits and the PF's indications");
    using fields = vfmbx::fields;
  };
  struct VfMem : Register<VfMem>, NoFields {
    static constexpr RegInfo info = reg(L::kVfMem, L::kVfMemAt).array(mbx::WORDS, 4).doc(
        "the VF's 16-DWORD mailbox buffer; VF writes need VFU");
  };
  // The layout record the mailbox block and the driver models use (built once).
  static const MailboxLayout& layout() {
    static const MailboxLayout k{L::kVfs,
                                 L::kIcrRegs,
                                 Icr::VFREQ::kMask | Icr::VFACK::kMask,
                                 L::kImrReset,
                                 Imr::VFIM::kMask,
                                 L::kPfDriverUnmasks,
                                 PfCtl::decl(),
                                 PfMem::decl(),
                                 Icr::decl(),
                                 Imr::decl(),
                                 VfCtl::decl(),
                                 VfMem::decl(),
                                 L::kResetReplyWords,
                                 L::decode_reset_reply};
    return k;
  }
};

// ---------------------------------------------------------------- the shared DeviceMap parts
// `F`: the family's declarations: RxRing / TxRing (RingRegisters), ring_view(), Rate
// (RateRegisters) and kRateWindowValue, mailbox_layout().
template <class F>
class FamilyMap : public DeviceMap {
public:
  // The interrupt registers: the shared codec over the family's layout (F::interrupts).
  void bind_interrupts(RegisterSpace& rs, View v, unsigned queues, InterruptRegs& s) const override {
    bind_interrupt_registers(rs, F::interrupts(v), queues, s);
  }
  void write_msix_mode(RegAccess& w, View v, std::uint64_t vectors) const override {
    regs::write_msix_mode(w, F::interrupts(v), vectors);
  }
  void write_queue_vector(RegAccess& w, View v, unsigned q, unsigned dir, unsigned vec) const override {
    regs::write_queue_vector(w, F::interrupts(v), q, dir, vec);
  }
  void write_other_vector(RegAccess& w, View v, unsigned vec) const override {
    regs::write_other_vector(w, F::interrupts(v), vec);
  }
  void write_itr(RegAccess& w, View v, unsigned vec, std::uint32_t itr) const override {
    regs::write_itr(w, F::interrupts(v), vec, itr);
  }
  void write_irq_enable(RegAccess& w, View v, std::uint64_t vectors) const override {
    regs::write_irq_enable(w, F::interrupts(v), vectors, true);
  }
  void write_irq_disable(RegAccess& w, View v, std::uint64_t vectors) const override {
    regs::write_irq_enable(w, F::interrupts(v), vectors, false);
  }
  std::uint64_t itr_interval_ps(View v, std::uint32_t eitr) const override {
    return eitr_interval_ps(F::interrupts(v), eitr);
  }
  std::vector<RingRegDecl> ring_decls(Direction d, View v) const override {
    using Rx = typename F::RxRing;
    using Tx = typename F::TxRing;
    auto one = [d, v](RingReg role, const RegDecl& decl) { return F::ring_view(d, v, role, decl); };
    if (d == Direction::Rx)
      return {one(RingReg::BaseLo, Rx::BAL::decl()),       one(RingReg::BaseHi, Rx::BAH::decl()),
              one(RingReg::Length, Rx::LEN::decl()),       one(RingReg::BufferCtl, Rx::SRRCTL::decl()),
              one(RingReg::Head, Rx::HEAD::decl()),        one(RingReg::Tail, Rx::TAIL::decl()),
              one(RingReg::Control, Rx::DCTL::decl())};
    return {one(RingReg::BaseLo, Tx::BAL::decl()),   one(RingReg::BaseHi, Tx::BAH::decl()),
            one(RingReg::Length, Tx::LEN::decl()),   one(RingReg::Head, Tx::HEAD::decl()),
            one(RingReg::Tail, Tx::TAIL::decl()),    one(RingReg::Control, Tx::DCTL::decl()),
            one(RingReg::HeadWbLo, Tx::WBAL::decl()), one(RingReg::HeadWbHi, Tx::WBAH::decl())};
  }
  RxBufferCtl decode_srrctl(std::uint32_t v) const override {
    using S = typename F::RxRing::SRRCTL;
    RxBufferCtl c;
    const unsigned kb = S::BSIZEPACKET::get(v);
    c.buffer_bytes = kb ? kb * 1024 : 2048;  // 0 is not a valid size: the reset value, 2 KB
    c.drop_en = S::DROP_EN::get(v);
    c.desc_type = S::DESCTYPE::get(v);
    return c;
  }
  std::uint32_t encode_srrctl(const RxBufferCtl& c) const override {
    using S = typename F::RxRing::SRRCTL;
    return S::BSIZEPACKET::make(c.buffer_bytes / 1024) | S::DESCTYPE::make(c.desc_type) |
           S::DROP_EN::make(c.drop_en);
  }
  // RXDCTL and TXDCTL have the same fields.
  QueueCtl decode_dctl(Direction, std::uint32_t v) const override {
    using D = typename F::RxRing::DCTL;
    return QueueCtl{D::ENABLE::get(v) != 0, static_cast<unsigned>(D::PTHRESH::get(v)),
                    static_cast<unsigned>(D::HTHRESH::get(v)), static_cast<unsigned>(D::WTHRESH::get(v))};
  }
  std::uint32_t encode_dctl(Direction, const QueueCtl& c) const override {
    using D = typename F::RxRing::DCTL;
    return D::ENABLE::make(c.enable) | D::PTHRESH::make(c.pthresh) | D::HTHRESH::make(c.hthresh) |
           D::WTHRESH::make(c.wthresh);
  }
  std::uint32_t dctl_reset(Direction d) const override {
    return d == Direction::Rx ? F::RxRing::DCTL::info.reset : F::TxRing::DCTL::info.reset;
  }
  HeadWriteBack decode_head_wb(std::uint32_t lo, std::uint32_t hi) const override {
    using W = typename F::TxRing::WBAL;
    return HeadWriteBack{W::HEAD_WB_EN::get(lo) != 0,
                         std::uint64_t{hi} << 32 | (lo & W::ADDR_LO::kMask)};
  }
  std::vector<StatRegDecl> stats_decls(View v) const override { return F::Stats::decls(v); }
  std::vector<FcRegDecl> fc_decls() const override { return F::FlowCtl::decls(); }
  FlowControlCfg decode_flow_control(const std::uint32_t (&value)[kFcRegs]) const override {
    return F::FlowCtl::decode(value);
  }
  FlowControlCfg write_flow_control(RegAccess& w, bool enable, unsigned rx_buffer_bytes, unsigned max_frame,
                                    bool sriov) const override {
    return F::FlowCtl::program(w, enable, rx_buffer_bytes, max_frame, sriov);
  }
  std::vector<RateRegDecl> rate_decls() const override {
    using R = typename F::Rate;
    return {{RateReg::Select, R::RTTDQSEL::decl()},
            {RateReg::BurstWindow, R::RTTBCNRM::decl()},
            {RateReg::RateCtl, R::RTTBCNRC::decl()}};
  }
  RateCtl decode_rate(std::uint32_t v) const override {
    using C = typename F::Rate::RTTBCNRC;
    return RateCtl{C::RS_ENA::get(v) != 0, C::RF_INT::get(v) + C::RF_DEC::get(v) / 16384.0};
  }
  unsigned decode_burst_units(std::uint32_t v) const override {
    return F::Rate::RTTBCNRM::MMW_SIZE::get(v);
  }
  void write_rate_limit(RegAccess& w, const std::vector<unsigned>& pool_queues, double rate,
                        double link, unsigned window_kb) const override {
    // igb_set_vf_rate_limit / ixgbe_set_vf_rate_limit: RF = link / rate in 10.14 fixed point;
    // the global window, then RTTBCNRC for the pool's first queue (igb: "vf X uses queue X")
    // or for every queue of the pool (ixgbe: "write value for all Tx queues belonging to VF").
    using R = typename F::Rate;
    const auto rf_int = static_cast<std::uint32_t>(link / rate);
    const auto rf_dec = static_cast<std::uint32_t>((link - rf_int * rate) * 16384.0 / rate);
    const std::uint32_t v = R::RTTBCNRC::RS_ENA::make(1) | R::RTTBCNRC::RF_INT::make(rf_int) |
                            R::RTTBCNRC::RF_DEC::make(rf_dec);
    const std::size_t n = F::kRateEveryQueueOfPool ? pool_queues.size() : 1;
    const std::uint32_t window = window_kb ? R::RTTBCNRM::MMW_SIZE::make(window_kb) : F::kRateWindowValue;
    if (F::kRateEveryQueueOfPool) w.write32(R::RTTBCNRM::at(), window);
    for (std::size_t i = 0; i < n && i < pool_queues.size(); ++i) {
      w.write32(R::RTTDQSEL::at(), pool_queues[i]);
      if (!F::kRateEveryQueueOfPool) w.write32(R::RTTBCNRM::at(), window);
      w.write32(R::RTTBCNRC::at(), v);
    }
  }
  double min_rate_limit(double link) const override {
    using C = typename F::Rate::RTTBCNRC;
    static_assert(C::RF_INT::kWidthMask + 1.0 > kRateFactorMax, "RF_INT holds every valid factor");
    return link / kRateFactorMax;
  }
  const MailboxLayout& mailbox() const override { return F::mailbox_layout(); }
};

}  // namespace iovsim::regs
