// The 82599 register map (the ixgbe/ixgbevf layout): every register the model decodes in a
// PF's and in a VF's BAR0, declared once. The mailbox registers are in mailbox_82599.h; the
// codec is map_82599.cpp.
// Sources: Linux ixgbe ixgbe_type.h (IXGBE_FCTRL, IXGBE_VLNCTRL, IXGBE_MCSTCTRL, IXGBE_RAL/RAH,
// IXGBE_MPSAR_LO/HI, IXGBE_PFVTCTL, IXGBE_VMOLR (= PFVML2FLT), IXGBE_VLVF/VLVFB,
// IXGBE_VFRE/VFTE (= PFVFRE/PFVFTE), IXGBE_PFDTXGSWC, IXGBE_PFVFSPOOF, IXGBE_SSVPC,
// IXGBE_RDBAL/TDBAL, IXGBE_SRRCTL, IXGBE_RTTDQSEL/RTTBCNRC/RTTBCNRM), ixgbevf defines.h
// (IXGBE_VFRDBAL, IXGBE_VFTDBAL); the 82599's own MRQC/RETA/RSSRK offsets as tinynf programs
// them from the datasheet (§8.2.3.7.12). Reset values are 0 unless stated.
#pragma once
#include <cstdint>

#include "model/regs/family_map.h"

namespace iovsim::regs::i82599 {

// ---------------------------------------------------------------- global L2 filtering

struct FCTRL : Register<FCTRL> {
  static constexpr RegInfo info = reg("FCTRL", 0x05080).doc("filter control (IXGBE_FCTRL)");
  IOVSIM_FIELD(MPE, 8, 8, "multicast promiscuous");
  IOVSIM_FIELD(UPE, 9, 9, "unicast promiscuous");
  IOVSIM_FIELD(BAM, 10, 10, "broadcast accept");
  using fields = FieldList<MPE, UPE, BAM>;
};

struct VLNCTRL : Register<VLNCTRL> {
  static constexpr RegInfo info = reg("VLNCTRL", 0x05088).doc("VLAN control (IXGBE_VLNCTRL)");
  IOVSIM_FIELD(VFE, 30, 30, "VLAN filter enable");
  using fields = FieldList<VFE>;
};

struct MCSTCTRL : Register<MCSTCTRL> {
  static constexpr RegInfo info =
      reg("MCSTCTRL", 0x05090).doc("multicast control (IXGBE_MCSTCTRL)");
  IOVSIM_FIELD(MO, 1, 0, "multicast offset: which 12 DA bits index the MTA and UTA");
  IOVSIM_FIELD(MFE, 2, 2, "multicast filter enable (stored)");
  using fields = FieldList<MO, MFE>;
};

struct MTA : Register<MTA>, NoFields {
  static constexpr RegInfo info =
      reg("MTA", 0x05200).array(128, 4).doc("multicast table array: 4096 hash bits");
};

struct VFTA : Register<VFTA>, NoFields {
  static constexpr RegInfo info =
      reg("VFTA", 0x0A000).array(128, 4).doc("VLAN filter table array: bit = VID");
};

struct UTA : Register<UTA>, NoFields {
  static constexpr RegInfo info = reg("PFUTA", 0x0F400).array(128, 4).doc(
      "unicast table array: 4096 hash bits, same index as the MTA");
};

struct RAL : Register<RAL>, NoFields {
  static constexpr RegInfo info = reg("RAL", 0x05400)
                                      .array(128, 8)
                                      .second_segment(16, 0x0A280)
                                      .doc("receive address low: MAC bytes 0-3 (n <= 15 at 0x5400 + 8n, else 0xA200 + 8n)");
};

struct RAH : Register<RAH> {
  static constexpr RegInfo info =
      reg("RAH", 0x05404).array(128, 8).second_segment(16, 0x0A284).doc("receive address high");
  IOVSIM_FIELD(ADDR_HI, 15, 0, "MAC bytes 4-5");
  IOVSIM_FIELD(AV, 31, 31, "address valid");
  using fields = FieldList<ADDR_HI, AV>;
};

struct MPSAR_LO : Register<MPSAR_LO>, NoFields {
  static constexpr RegInfo info = reg("MPSAR_LO", 0x0A600).array(128, 8).doc(
      "pools 0-31 of receive address n (bits of absent pools ignored and counted)");
};

struct MPSAR_HI : Register<MPSAR_HI>, NoFields {
  static constexpr RegInfo info =
      reg("MPSAR_HI", 0x0A604).array(128, 8).doc("pools 32-63 of receive address n");
};

// ---------------------------------------------------------------- virtualization

struct PFVTCTL : Register<PFVTCTL> {
  static constexpr RegInfo info =
      reg("PFVTCTL", 0x051B0).doc("virtualization control (IXGBE_VT_CTL)");
  IOVSIM_FIELD(VT_ENA, 0, 0, "virtualization (pools) enable");
  IOVSIM_FIELD(DEF_PL, 12, 7, "default pool; a value beyond the pools is ignored and counted");
  IOVSIM_FIELD(DIS_DEFPL, 29, 29, "no default pool");
  IOVSIM_FIELD(REPLEN, 30, 30, "replication of broadcast and multicast to pools");
  using fields = FieldList<VT_ENA, DEF_PL, DIS_DEFPL, REPLEN>;
};

struct PFVML2FLT : Register<PFVML2FLT> {
  static constexpr RegInfo info = reg("PFVML2FLT", 0x0F000).array(64, 4).doc(
      "per-pool L2 filter control (IXGBE_VMOLR); no per-pool size limit on the 82599");
  IOVSIM_FIELD(AUPE, 24, 24, "accept untagged packets");
  IOVSIM_FIELD(ROMPE, 25, 25, "accept multicast that hits the MTA");
  IOVSIM_FIELD(ROPE, 26, 26, "accept unicast that hits the UTA");
  IOVSIM_FIELD(BAM, 27, 27, "accept broadcast");
  IOVSIM_FIELD(MPE, 28, 28, "multicast promiscuous");
  using fields = FieldList<AUPE, ROMPE, ROPE, BAM, MPE>;
};

struct VLVF : Register<VLVF> {
  static constexpr RegInfo info =
      reg("PFVLVF", 0x0F100).array(64, 4).doc("VLAN pool filter (IXGBE_VLVF)");
  IOVSIM_FIELD(VID, 11, 0, "VLAN ID");
  IOVSIM_FIELD(VIEN, 31, 31, "entry valid");
  using fields = FieldList<VID, VIEN>;
};

struct VLVFB : Register<VLVFB>, NoFields {
  static constexpr RegInfo info = reg("PFVLVFB", 0x0F200).array(128, 4).doc(
      "pools of VLVF entry i: pools 0-31 in element 2i, 32-63 in 2i+1");
};

struct PFVFRE : Register<PFVFRE>, NoFields {
  static constexpr RegInfo info = reg("PFVFRE", 0x051E0).array(2, 4).doc(
      "pool receive enables: pools 0-31, 32-63 (IXGBE_VFRE)");
};

struct PFVFTE : Register<PFVFTE>, NoFields {
  static constexpr RegInfo info = reg("PFVFTE", 0x08110).array(2, 4).doc(
      "pool transmit enables: pools 0-31, 32-63 (IXGBE_VFTE)");
};

struct PFDTXGSWC : Register<PFDTXGSWC> {
  static constexpr RegInfo info =
      reg("PFDTXGSWC", 0x08220).doc("DMA Tx global switch control");
  IOVSIM_FIELD(VT_LBEN, 0, 0, "VM-to-VM loopback enable");
  using fields = FieldList<VT_LBEN>;
};

struct PFVFSPOOF : Register<PFVFSPOOF> {
  static constexpr RegInfo info = reg("PFVFSPOOF", 0x08200).array(8, 4).doc(
      "anti-spoofing of pools 8i..8i+7 (ixgbe_ndo_set_vf_spoofchk)");
  IOVSIM_FIELD(MACAS, 7, 0, "MAC anti-spoofing, bit b = pool 8i+b");
  IOVSIM_FIELD(VLANAS, 15, 8, "VLAN anti-spoofing, bit 8+b = pool 8i+b");
  using fields = FieldList<MACAS, VLANAS>;
};

struct SSVPC : Register<SSVPC> {
  static constexpr RegInfo info = reg("SSVPC", 0x08780, Access::RC).doc(
      "switch security violation packet count: Tx frames that failed anti-spoofing");
  IOVSIM_FIELD(COUNT, 31, 0, "count since the last read");
  using fields = FieldList<COUNT>;
};

// ---------------------------------------------------------------- RSS
// The 82599 also answers MRQC, RETA and RSSRK at the 82598 offsets Linux ixgbe_type.h defines
// (IXGBE_MRQC 0x05818, IXGBE_RETA(i) 0x05C00 + 4i, IXGBE_RSSRK(i) 0x05C80 + 4i): aliases.

struct MRQC : Register<MRQC>, MrqcHashFields {
  static constexpr RegInfo info = reg("MRQC", 0x0EC80).doc("multiple receive queues command");
  IOVSIM_FIELD(MRQE, 3, 0, "0x8: 64 pools, 0xB: 64 pools with RSS (every pool hashes)");
  using fields = FieldList<MRQE, RSS_IPV4_TCP, RSS_IPV4, RSS_IPV6, RSS_IPV6_TCP, RSS_IPV4_UDP,
                           RSS_IPV6_UDP>;
  static constexpr std::uint32_t MRQE_VMDQ = 0x8, MRQE_VMDQ_RSS = 0xB;
  static constexpr RegInfo alias = info.moved(0x05818, 1, 4);
};

struct RETA : Register<RETA>, NoFields {
  static constexpr RegInfo info = reg("RETA", 0x0EB00).array(32, 4).doc(
      "RSS redirection table: 128 one-byte entries");
  static constexpr RegInfo alias = info.moved(0x05C00, 32, 4);
};

struct RSSRK : Register<RSSRK>, NoFields {
  static constexpr RegInfo info =
      reg("RSSRK", 0x0EB80).array(10, 4).doc("RSS random key: the 40-byte Toeplitz key");
  static constexpr RegInfo alias = info.moved(0x05C80, 10, 4);
};

// ---------------------------------------------------------------- Tx rate limiters
// ixgbe_set_vf_rate_limit writes RTTBCNRM = 0x4 on the 82599 (0x14 on the X540).
struct RateLayout {
  static constexpr unsigned kRfIntHi = 23;  // IXGBE_RTTBCNRC_RF_INT_MASK_BASE 0x3FF (DPDK ixgbe_type.h)
  static constexpr std::uint32_t kSelect = 0x04904, kWindow = 0x04980, kRate = 0x04984;
};
using Rate = RateRegisters<RateLayout>;

// ---------------------------------------------------------------- DCB (Tx and Rx)
// ixgbe_type.h and ixgbe_dcb_82599.h (Linux, DPDK); programming: ixgbe_set_rxpba and
// ixgbe_dcb_hw_config_82599 (`Map82599::write_dcb`). The credit fields' widths are not in the sources (no masks):
// refill 8:0 and MCL 23:12 from the drivers' limits 511 and 4095 (U). Semantics of the
// arbiter: hls/scheduler/README.md (Ets), docs/fidelity.md.
struct RTTDCS : Register<RTTDCS> {
  static constexpr RegInfo info = reg("RTTDCS", 0x04900).doc(
      "DCB Tx descriptor plane control: the arbitration between the Tx queues' descriptor reads");
  IOVSIM_FIELD(TDPAC, 0, 0, "0 round robin, 1 weighted strict priority over the traffic classes");
  IOVSIM_FIELD(VMPAC, 1, 1, "0 round robin, 1 WRR by RTTDT1C between the VMs' queues of a class");
  IOVSIM_FIELD(TDRM, 4, 4, "transmit recycle mode (refill when no class may send; stored, always on)");
  IOVSIM_FIELD(ARBDIS, 6, 6, "arbiter disable while it is reconfigured (round robin meanwhile)");
  IOVSIM_FIELD(BDPM, 22, 22, "bypass data pipe, must be clear (stored)");
  IOVSIM_FIELD(BPBFSM, 23, 23, "bypass packet buffer free space, must be clear (stored)");
  using fields = FieldList<TDPAC, VMPAC, TDRM, ARBDIS, BDPM, BPBFSM>;
};
struct RTTDT1C : Register<RTTDT1C> {
  static constexpr RegInfo info = reg("RTTDT1C", 0x04908).doc(
      "VM credit refill of the queue RTTDQSEL selects (ixgbe writes 0 for all 128)");
  IOVSIM_FIELD(CRQ, 13, 0, "credit refill quantum, 64-byte credits");
  using fields = FieldList<CRQ>;
};
// The per-class credit word of the descriptor (RTTDT2C) and packet (RTTPT2C) planes.
struct TcCreditFields {
  IOVSIM_FIELD(CRQ, 8, 0, "credit refill quantum, 64-byte credits (ixgbe: at most 511)");
  IOVSIM_FIELD(BWG, 11, 9, "bandwidth group");
  IOVSIM_FIELD(MCL, 23, 12, "max credit limit, 64-byte credits (ixgbe: at most 4095)");
  IOVSIM_FIELD(GSP, 30, 30, "group strict priority");
  IOVSIM_FIELD(LSP, 31, 31, "link strict priority");
  using fields = FieldList<CRQ, BWG, MCL, GSP, LSP>;
};
struct RTTDT2C : Register<RTTDT2C>, TcCreditFields {
  static constexpr RegInfo info =
      reg("RTTDT2C", 0x04910).array(8, 4).doc("descriptor plane credits and priority of traffic class n");
};
struct RTTPCS : Register<RTTPCS> {
  static constexpr RegInfo info = reg("RTTPCS", 0x0CD00).doc(
      "DCB Tx packet plane control: the arbitration between the classes' Tx packet buffers at the wire");
  IOVSIM_FIELD(TPPAC, 5, 5, "0 round robin, 1 strict priority with RTTPT2C's credits");
  IOVSIM_FIELD(ARBDIS, 6, 6, "arbiter disable");
  IOVSIM_FIELD(TPRM, 8, 8, "recycle mode");
  IOVSIM_FIELD(ARBD, 31, 22, "arbitration delay (ixgbe: 4 in DCB mode)");
  using fields = FieldList<TPPAC, ARBDIS, TPRM, ARBD>;
};
struct RTTPT2C : Register<RTTPT2C>, TcCreditFields {
  static constexpr RegInfo info =
      reg("RTTPT2C", 0x0CD20).array(8, 4).doc("packet plane credits and priority of traffic class n");
};
// The user priority to traffic class map of Tx (RTTUP2TC) and Rx (RTRUP2TC).
struct UpToTcFields {
  IOVSIM_FIELD(UP0MAP, 2, 0, "traffic class of user priority 0 (UPnMAP at 3n)");
  using fields = FieldList<UP0MAP>;
};
struct RTTUP2TC : Register<RTTUP2TC>, UpToTcFields {
  static constexpr RegInfo info = reg("RTTUP2TC", 0x0C800).doc(
      "Tx user priority to traffic class, 3 bits per priority (stored: the model's queues carry the class)");
};
struct MTQC : Register<MTQC> {
  static constexpr RegInfo info = reg("MTQC", 0x08120).doc(
      "multiple Tx queues command: DCB and virtualization layout of the 128 Tx queues");
  IOVSIM_FIELD(RT_ENA, 0, 0, "DCB enabled");
  IOVSIM_FIELD(VT_ENA, 1, 1, "virtualization enabled");
  IOVSIM_FIELD(NUM_TC_OR_Q, 3, 2, "VT: 1 = 64 pools, 2 = 32 pools / 4 TCs, 3 = 16 pools x 8 TCs; non-VT DCB: 2 = 4 TCs, 3 = 8 TCs");
  using fields = FieldList<RT_ENA, VT_ENA, NUM_TC_OR_Q>;
};
struct RTRUP2TC : Register<RTRUP2TC>, UpToTcFields {
  static constexpr RegInfo info = reg("RTRUP2TC", 0x03020).doc(
      "Rx user priority to traffic class, 3 bits per priority: with DCB a frame goes to its pool's queue of that class");
};
struct RTRPCS : Register<RTRPCS> {
  static constexpr RegInfo info = reg("RTRPCS", 0x02430).doc(
      "DCB Rx packet plane control: the Rx arbiter between the classes' Rx packet buffers");
  IOVSIM_FIELD(RRM, 1, 1, "receive recycle mode");
  IOVSIM_FIELD(RAC, 2, 2, "0 round robin, 1 weighted strict priority");
  IOVSIM_FIELD(ARBDIS, 6, 6, "arbiter disable");
  using fields = FieldList<RRM, RAC, ARBDIS>;
};
struct RTRPT4C : Register<RTRPT4C>, TcCreditFields {
  static constexpr RegInfo info =
      reg("RTRPT4C", 0x02140).array(8, 4).doc("Rx packet plane credits and priority of traffic class n");
};
struct RXPBSIZE : Register<RXPBSIZE> {
  static constexpr RegInfo info = reg("RXPBSIZE", 0x03C00).array(8, 4).doc(
      "Rx packet buffer n size: with DCB each traffic class has its buffer, a full one drops its frames only");
  IOVSIM_FIELD(SIZE, 19, 10, "size in KB (ixgbe_set_rxpba, equal shares: 512 KB / classes)");
  using fields = FieldList<SIZE>;
};
struct TXPBSIZE : Register<TXPBSIZE> {
  static constexpr RegInfo info = reg("TXPBSIZE", 0x0CC00).array(8, 4).doc(
      "Tx packet buffer n size: with DCB class n's buffer, its queues arbitrated while it has room");
  IOVSIM_FIELD(SIZE, 19, 10, "size in KB (ixgbe: 160 KB / classes)");
  using fields = FieldList<SIZE>;
};

// ---------------------------------------------------------------- per-pool statistics
// VF BAR (ixgbevf regs.h IXGBE_VFGPRC ...; DPDK ixgbe_vf.h) and the PF's per-pool arrays
// (ixgbe_type.h IXGBE_PVFGPRC(x) ...; the out-of-tree ixgbe: "these are not clear on read").
// Packet counters 32-bit; octet counters 36-bit, read LSB then MSB (bits 3:0), as
// ixgbevf's UPDATE_VF_COUNTER_36bit does. All wrap.
struct Stats {
  static std::vector<StatRegDecl> decls(View v) {
    auto one = [v](StatReg role, bool msb, unsigned width, const char* vf_name, std::uint32_t vf_off,
                   const char* pf_name, std::uint32_t pf_off, std::uint32_t pf_stride, const char* text) {
      const RegInfo info = v == View::VF ? reg(vf_name, vf_off, Access::RO).doc(text)
                                         : reg(pf_name, pf_off, Access::RO).array(64, pf_stride).doc(text);
      return StatRegDecl{role, msb, width, RegDecl{info}};
    };
    return {one(StatReg::RxPackets, false, 32, "VFGPRC", 0x0101C, "PVFGPRC", 0x0101C, 0x40,
                "good packets received by the pool (32-bit, wraps, not cleared on read)"),
            one(StatReg::RxOctets, false, 36, "VFGORC_LSB", 0x01020, "PVFGORC_LSB", 0x01020, 0x40,
                "good octets received, DA through CRC: bits 31:0 of 36 (wraps)"),
            one(StatReg::RxOctets, true, 36, "VFGORC_MSB", 0x01024, "PVFGORC_MSB", 0x0D020, 0x40,
                "good octets received: bits 35:32 in 3:0"),
            one(StatReg::RxMulticast, false, 32, "VFMPRC", 0x01034, "PVFMPRC", 0x0D01C, 0x40,
                "multicast packets received, broadcast not included (32-bit, wraps)"),
            one(StatReg::TxPackets, false, 32, "VFGPTC", 0x0201C, "PVFGPTC", 0x08300, 0x04,
                "good packets transmitted by the pool (32-bit, wraps)"),
            one(StatReg::TxOctets, false, 36, "VFGOTC_LSB", 0x02020, "PVFGOTC_LSB", 0x08400, 0x08,
                "good octets transmitted, DA through CRC: bits 31:0 of 36 (wraps)"),
            one(StatReg::TxOctets, true, 36, "VFGOTC_MSB", 0x02024, "PVFGOTC_MSB", 0x08404, 0x08,
                "good octets transmitted: bits 35:32 in 3:0")};
  }
};

// ---------------------------------------------------------------- 802.3x flow control (PF BAR0)
// ixgbe_type.h; the threshold fields' bit ranges are not in the sources here (ixgbe writes
// KB << 10; 18:5 taken, U). Programming: ixgbe_pbthresh_setup and ixgbe_fc_enable_generic
// (`FlowCtl::program`). The pause frame's DA and type are fixed (no FCAL/FCAH/FCT).
struct MFLCN : Register<MFLCN> {
  static constexpr RegInfo info = reg("MFLCN", 0x04294).doc("MAC flow control");
  IOVSIM_FIELD(DPF, 1, 1, "discard pause frames (not handed to the host)");
  IOVSIM_FIELD(RFCE, 3, 3, "receive flow control enable: honour pause frames (not modelled)");
  using fields = FieldList<DPF, RFCE>;
};
struct FCCFG : Register<FCCFG> {
  static constexpr RegInfo info = reg("FCCFG", 0x03D00).doc("flow control configuration");
  IOVSIM_FIELD(TFCE_802_3X, 3, 3, "send 802.3x XOFF / XON for the Rx buffer");
  using fields = FieldList<TFCE_802_3X>;
};
struct FCTTV : Register<FCTTV> {
  static constexpr RegInfo info =
      reg("FCTTV", 0x03200).array(4, 4).doc("pause time sent, two TCs per register (802.3x: TTV0)");
  IOVSIM_FIELD(TTV0, 15, 0, "pause time of TC 0, 512-bit-time quanta (ixgbe: 0xFFFF)");
  IOVSIM_FIELD(TTV1, 31, 16, "pause time of TC 1");
  using fields = FieldList<TTV0, TTV1>;
};
struct FCRTL : Register<FCRTL> {
  static constexpr RegInfo info = reg("FCRTL", 0x03220).array(8, 4).doc("flow control receive threshold low, per packet buffer");
  IOVSIM_FIELD(RTL, 18, 5, "low water mark, 32-byte units (ixgbe writes KB << 10)");
  IOVSIM_FIELD(XONE, 31, 31, "XON enable");
  using fields = FieldList<RTL, XONE>;
};
struct FCRTH : Register<FCRTH> {
  static constexpr RegInfo info = reg("FCRTH", 0x03260).array(8, 4).doc("flow control receive threshold high, per packet buffer");
  IOVSIM_FIELD(RTH, 18, 5, "high water mark, 32-byte units");
  IOVSIM_FIELD(FCEN, 31, 31, "flow control enable for the buffer");
  using fields = FieldList<RTH, FCEN>;
};
struct FCRTV : Register<FCRTV> {
  static constexpr RegInfo info = reg("FCRTV", 0x032A0).doc("flow control refresh threshold (ixgbe: pause time / 2)");
  IOVSIM_FIELD(REFRESH, 15, 0, "an XOFF again after this many quanta while paused");
  using fields = FieldList<REFRESH>;
};
struct FlowCtl {
  // Packet buffer 0 only: one traffic class (no DCB).
  static std::vector<FcRegDecl> decls() {
    return {{FcReg::RxEnable, MFLCN::decl()},   {FcReg::TxEnable, FCCFG::decl()},
            {FcReg::PauseTime, FCTTV::decl()},  {FcReg::LowWater, FCRTL::decl()},
            {FcReg::HighWater, FCRTH::decl()},  {FcReg::Refresh, FCRTV::decl()}};
  }
  static FlowControlCfg decode(const std::uint32_t (&v)[kFcRegs]) {
    const std::uint32_t lo = v[static_cast<unsigned>(FcReg::LowWater)], hi = v[static_cast<unsigned>(FcReg::HighWater)];
    FlowControlCfg c;
    c.tx_pause = FCCFG::TFCE_802_3X::get(v[static_cast<unsigned>(FcReg::TxEnable)]) != 0 && FCRTH::FCEN::get(hi) != 0;
    c.rx_pause = MFLCN::RFCE::get(v[static_cast<unsigned>(FcReg::RxEnable)]) != 0;
    c.xon = FCRTL::XONE::get(lo) != 0;
    c.low = FCRTL::RTL::get(lo) << 5;
    c.high = FCRTH::RTH::get(hi) << 5;
    c.pause_quanta = FCTTV::TTV0::get(v[static_cast<unsigned>(FcReg::PauseTime)]);
    c.refresh_quanta = FCRTV::REFRESH::get(v[static_cast<unsigned>(FcReg::Refresh)]);
    return c;
  }
  // ixgbe_hpbthresh / ixgbe_lpbthresh (bit times, IXGBE_DV / IXGBE_LOW_DV, rounded up to KB;
  // SR-IOV adds one frame), then ixgbe_fc_enable_generic: MFLCN.RFCE, FCCFG.TFCE_802_3X,
  // FCRTL = low << 10 | XONE, FCRTH = high << 10 | FCEN, FCTTV = pause x 0x00010001,
  // FCRTV = pause / 2; with flow control off FCRTL = 0 and FCRTH = RXPBSIZE - 24576, no FCEN.
  static FlowControlCfg program(RegAccess& w, bool enable, unsigned pb_bytes, unsigned max_frame, bool sriov) {
    auto b2bt = [](double bytes) { return bytes * 8; };
    auto bt2kb = [](double bt) { return static_cast<unsigned>((bt + 8191) / 8192); };
    const double link = max_frame - 4 + 20, tc = link;  // mtu + 14 + 4 + 20 (max_frame counts the FCS and a tag)
    const double id = 4096 + 2048 + 12800;
    double dv = 36 * (b2bt(link) + 672 + 2 * 5556 + 2 * id + 6144) / 25 + 1 + 2 * b2bt(tc);
    if (sriov) dv += b2bt(tc);
    const unsigned pb_kb = pb_bytes >> 10;
    const unsigned high_kb = pb_kb > bt2kb(dv) ? pb_kb - bt2kb(dv) : 0;
    unsigned low_kb = bt2kb(2 * (2 * b2bt(max_frame - 4) + 36.0 * 10000 / 25 + 1));
    if (low_kb > high_kb) low_kb = 0;
    const unsigned pause = 0xFFFF;
    const std::uint32_t mflcn = w.read32(MFLCN::at()) & ~MFLCN::RFCE::kMask;
    w.write32(MFLCN::at(), mflcn | MFLCN::DPF::make(1) | (enable ? MFLCN::RFCE::make(1) : 0));
    w.write32(FCCFG::at(), enable ? FCCFG::TFCE_802_3X::make(1) : 0);
    if (enable && high_kb && low_kb) {
      w.write32(FCRTL::at(), (low_kb << 10) | FCRTL::XONE::make(1));
      w.write32(FCRTH::at(), (high_kb << 10) | FCRTH::FCEN::make(1));
    } else {
      w.write32(FCRTL::at(), 0);
      w.write32(FCRTH::at(), pb_bytes > 24576 ? pb_bytes - 24576 : 0);
    }
    for (unsigned i = 0; i < 4; ++i) w.write32(FCTTV::at(i), pause * 0x00010001u);
    w.write32(FCRTV::at(), pause / 2);
    std::uint32_t v[kFcRegs] = {};
    v[static_cast<unsigned>(FcReg::RxEnable)] = w.read32(MFLCN::at());
    v[static_cast<unsigned>(FcReg::TxEnable)] = w.read32(FCCFG::at());
    v[static_cast<unsigned>(FcReg::LowWater)] = w.read32(FCRTL::at());
    v[static_cast<unsigned>(FcReg::HighWater)] = w.read32(FCRTH::at());
    v[static_cast<unsigned>(FcReg::PauseTime)] = w.read32(FCTTV::at());
    v[static_cast<unsigned>(FcReg::Refresh)] = w.read32(FCRTV::at());
    return decode(v);
  }
};

// ---------------------------------------------------------------- queues
// PF view: Rx queue n < 64 at 0x1000 + 0x40n, n >= 64 at 0xD000 + 0x40(n - 64); Tx queue n at
// 0x6000 + 0x40n. VF view (ixgbevf): the pool's two queues at 0x1000 / 0x2000 + 0x40i, named
// VFRDBAL ... (IXGBE_VFRDBAL); VF v's queue i is PF queue 2v + i.
constexpr unsigned kQueues = 128;
struct RxBlock {
  static constexpr const char* kNames[] = {"RDBAL", "RDBAH", "RDLEN", "RDH", "RDT", "RXDCTL", "", ""};
  static constexpr const char* kVfNames[] = {"VFRDBAL", "VFRDBAH", "VFRDLEN", "VFRDH", "VFRDT",
                                             "VFRXDCTL", "VFSRRCTL", "", ""};
  static constexpr std::uint32_t kBase = 0x01000, kVfBase = 0x01000, kSrrctl = 0x14;
  static constexpr unsigned kDropEn = 28;  // SRRCTL.DROP_EN (IXGBE_SRRCTL_DROP_EN)
  static constexpr unsigned kThreshHi = 6;
  static constexpr std::uint32_t kDctlReset = 0x00010000;
  static constexpr RegInfo reg(const char* name, std::uint32_t off) {
    return regs::reg(name, kBase + off).array(kQueues, 0x40).second_segment(64, 0x0D000 + off);
  }
};
struct TxBlock {
  static constexpr const char* kNames[] = {"TDBAL", "TDBAH", "TDLEN", "TDH", "TDT", "TXDCTL",
                                          "TDWBAL", "TDWBAH"};
  static constexpr const char* kVfNames[] = {"VFTDBAL", "VFTDBAH", "VFTDLEN", "VFTDH", "VFTDT",
                                             "VFTXDCTL", "", "VFTDWBAL", "VFTDWBAH"};
  static constexpr std::uint32_t kBase = 0x06000, kVfBase = 0x02000, kSrrctl = 0;
  static constexpr unsigned kDropEn = 0;
  static constexpr unsigned kThreshHi = 6;
  static constexpr std::uint32_t kDctlReset = 0;
  static constexpr RegInfo reg(const char* name, std::uint32_t off) {
    return regs::reg(name, kBase + off).array(kQueues, 0x40);
  }
};
using RxRing = RingRegisters<RxBlock>;
using TxRing = RingRegisters<TxBlock>;

// ---------------------------------------------------------------- interrupts
// PF (ixgbe_type.h): EICR 15:0 = vectors 0-15, 31:16 the other causes (MAILBOX 19); the
// 64-vector forms EICS_EX/EIMS_EX/EIMC_EX/EIAM_EX; EITR 0-23 at 0x820, 24-63 at 0x12300;
// IVAR(i) for queues 2i and 2i+1, IVAR_MISC 15:8 the other causes. VF (ixgbevf, ixgbe_vf.h):
// VTEICR ... at 0x100, VTEITR at 0x820, VTIVAR at 0x120, VTIVAR_MISC 0x140.
struct EICR : Register<EICR> {
  static constexpr RegInfo info = reg("EICR", 0x00800).doc(
      "interrupt cause: 15:0 vectors 0-15, 31:16 other causes; write 1 to clear");
  IOVSIM_FIELD(RTX_QUEUE, 15, 0, "vectors 0-15");
  IOVSIM_FIELD(MAILBOX, 19, 19, "a VF's mailbox message (PFMBICR)");
  using fields = FieldList<RTX_QUEUE, MAILBOX>;
};
struct EICS : Register<EICS>, NoFields {
  static constexpr RegInfo info = reg("EICS", 0x00808).doc("interrupt cause set (read: EICR, not cleared)");
};
struct EIAC : Register<EIAC>, NoFields {
  static constexpr RegInfo info = reg("EIAC", 0x00810).doc("auto-clear (ixgbe: 0x4000FFFF, the queue vectors)");
};
struct EITR : Register<EITR> {
  static constexpr RegInfo info =
      reg("EITR", 0x00820).array(64, 4).second_segment(24, 0x12300).doc("interrupt throttle of vector n");
  IOVSIM_FIELD(ITR_INTERVAL, 11, 3, "minimum interval between messages, 2.048 us units");
  IOVSIM_FIELD(CNT_WDIS, 31, 31, "write without clearing the counter");
  using fields = FieldList<ITR_INTERVAL, CNT_WDIS>;
};
struct EIMS : Register<EIMS>, NoFields {
  static constexpr RegInfo info = reg("EIMS", 0x00880).doc("interrupt mask set: 15:0 vectors, 31:16 other causes");
};
struct EIMC : Register<EIMC>, NoFields {
  static constexpr RegInfo info = reg("EIMC", 0x00888, Access::WO).doc("interrupt mask clear");
};
struct EIAM : Register<EIAM>, NoFields {
  static constexpr RegInfo info = reg("EIAM", 0x00890).doc("auto-mask (vectors 0-31)");
};
struct GPIE : Register<GPIE> {
  static constexpr RegInfo info = reg("GPIE", 0x00898).doc("general purpose interrupt enable");
  IOVSIM_FIELD(MSIX_MODE, 4, 4, "MSI-X mode");
  IOVSIM_FIELD(OCD, 5, 5, "other clear disable");
  IOVSIM_FIELD(VTMODE, 15, 14, "pools: 01 16, 10 32, 11 64 (stored)");
  IOVSIM_FIELD(EIAME, 30, 30, "EIAM auto-masks on emission");
  IOVSIM_FIELD(PBA_SUPPORT, 31, 31, "PBA support");
  using fields = FieldList<MSIX_MODE, OCD, VTMODE, EIAME, PBA_SUPPORT>;
};
struct IVAR : Register<IVAR>, NoFields {
  static constexpr RegInfo info = reg("IVAR", 0x00900).array(64, 4).doc(
      "queues 2i and 2i+1 to vectors: bytes Rx 2i, Tx 2i, Rx 2i+1, Tx 2i+1; valid bit 7");
};
struct IVAR_MISC : Register<IVAR_MISC>, NoFields {
  static constexpr RegInfo info = reg("IVAR_MISC", 0x00A00).doc("TCP timer 7:0, other causes 15:8");
};
struct EICS_EX : Register<EICS_EX>, NoFields {
  static constexpr RegInfo info = reg("EICS_EX", 0x00A90).array(2, 4).doc("cause set, vectors 32i..32i+31");
};
struct EIMS_EX : Register<EIMS_EX>, NoFields {
  static constexpr RegInfo info = reg("EIMS_EX", 0x00AA0).array(2, 4).doc("mask set, vectors 32i..32i+31");
};
struct EIMC_EX : Register<EIMC_EX>, NoFields {
  static constexpr RegInfo info = reg("EIMC_EX", 0x00AB0, Access::WO).array(2, 4).doc("mask clear, vectors 32i..");
};
struct EIAM_EX : Register<EIAM_EX>, NoFields {
  static constexpr RegInfo info = reg("EIAM_EX", 0x00AD0).array(2, 4).doc("auto-mask, vectors 32i..32i+31");
};
struct VTEICR : Register<VTEICR>, NoFields {
  static constexpr RegInfo info = reg("VTEICR", 0x00100).doc("VF interrupt cause: bit per vector; write 1 to clear");
};
struct VTEICS : Register<VTEICS>, NoFields {
  static constexpr RegInfo info = reg("VTEICS", 0x00104).doc("VF cause set");
};
struct VTEIMS : Register<VTEIMS>, NoFields {
  static constexpr RegInfo info = reg("VTEIMS", 0x00108).doc("VF mask set");
};
struct VTEIMC : Register<VTEIMC>, NoFields {
  static constexpr RegInfo info = reg("VTEIMC", 0x0010C, Access::WO).doc("VF mask clear");
};
struct VTEIAC : Register<VTEIAC>, NoFields {
  static constexpr RegInfo info = reg("VTEIAC", 0x00110).doc("VF auto-clear");
};
struct VTEIAM : Register<VTEIAM>, NoFields {
  static constexpr RegInfo info = reg("VTEIAM", 0x00114).doc("VF auto-mask");
};
struct VTEITR : Register<VTEITR>, NoFields {
  static constexpr RegInfo info = reg("VTEITR", 0x00820).array(3, 4).doc("VF interrupt throttle, as EITR");
};
struct VTIVAR : Register<VTIVAR>, NoFields {
  static constexpr RegInfo info = reg("VTIVAR", 0x00120).array(4, 4).doc(
      "VF queues 2i and 2i+1 to vectors: Rx, Tx, Rx, Tx (IXGBE_VTIVAR(x); the pool's queues only)");
};
struct VTIVAR_MISC : Register<VTIVAR_MISC>, NoFields {
  static constexpr RegInfo info = reg("VTIVAR_MISC", 0x00140).doc("VF other cause (mailbox) to a vector: 7:0");
};

}  // namespace iovsim::regs::i82599
