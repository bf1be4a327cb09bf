// The 82576 register map (the igb/igbvf layout): every register the model decodes in a PF's and
// in a VF's BAR0, declared once with offset, array shape, reset value, access policy and
// fields. The mailbox registers are in mailbox_82576.h. The codec (how the blocks' value
// types are encoded in these registers) is map_82576.cpp.
// Sources: Linux igb e1000_regs.h, e1000_82575.h, e1000_defines.h; igbvf regs.h; QEMU
// hw/net/igb_regs.h; docs/registers-research.md marks each fact verified or not. Reset values
// are 0 unless stated.
#pragma once
#include <cstdint>

#include "model/regs/family_map.h"

namespace iovsim::regs::i82576 {

// ---------------------------------------------------------------- L2 sorter / VEB (PF BAR0)

struct RCTL : Register<RCTL> {
  static constexpr RegInfo info =
      reg("RCTL", 0x00100).doc("receive control (E1000_RCTL)");
  IOVSIM_FIELD(UPE, 3, 3, "unicast promiscuous");
  IOVSIM_FIELD(MPE, 4, 4, "multicast promiscuous");
  IOVSIM_FIELD(MO, 13, 12, "multicast offset: which 12 DA bits index the MTA and UTA");
  IOVSIM_FIELD(BAM, 15, 15, "broadcast accept");
  IOVSIM_FIELD(VFE, 18, 18, "VLAN filter enable");
  IOVSIM_FIELD(SECRC, 26, 26, "strip Ethernet CRC (the model always strips)");
  using fields = FieldList<UPE, MPE, MO, BAM, VFE, SECRC>;
};

struct VFRE : Register<VFRE> {
  static constexpr RegInfo info =
      reg("VFRE", 0x00C8C).doc("VF receive enables (E1000_VFRE); bits of absent pools ignored and counted");
  IOVSIM_FIELD(POOLS, 7, 0, "bit p: pool p may receive");
  using fields = FieldList<POOLS>;
};

struct VFTE : Register<VFTE> {
  static constexpr RegInfo info =
      reg("VFTE", 0x00C90).doc("VF transmit enables (E1000_VFTE); bits of absent pools ignored and counted");
  IOVSIM_FIELD(POOLS, 7, 0, "bit p: pool p may transmit");
  using fields = FieldList<POOLS>;
};

struct DTXSWC : Register<DTXSWC> {
  static constexpr RegInfo info =
      reg("DTXSWC", 0x03500).doc("DMA Tx switch control (E1000_DTXSWC)");
  IOVSIM_FIELD(MAC_SPOOF, 7, 0, "per-pool MAC anti-spoofing");
  IOVSIM_FIELD(VLAN_SPOOF, 15, 8, "per-pool VLAN anti-spoofing");
  IOVSIM_FIELD(LLE, 23, 16, "per-pool local loopback: the pool receives its own Tx");
  IOVSIM_FIELD(LOOPBACK_EN, 31, 31, "VMDQ_LOOPBACK_EN: VM-to-VM switching");
  using fields = FieldList<MAC_SPOOF, VLAN_SPOOF, LLE, LOOPBACK_EN>;
};

struct VMVIR : Register<VMVIR> {
  static constexpr RegInfo info = reg("VMVIR", 0x03700).array(8, 4).doc(
      "VM VLAN insert, per pool: the port VLAN (E1000_VMVIR, igb_set_vmvir)");
  IOVSIM_FIELD(PORT_VLAN, 15, 0, "port VLAN tag: VID 11:0 (PCP 15:13)");
  IOVSIM_FIELD(VLANA, 31, 30, "0: tag from the descriptor, 1: always insert the port VLAN, 2: never");
  using fields = FieldList<PORT_VLAN, VLANA>;
  static constexpr std::uint32_t VLANA_DEFAULT = 1;  // E1000_VMVIR_VLANA_DEFAULT >> 30
};

struct WVBR : Register<WVBR> {
  static constexpr RegInfo info =
      reg("WVBR", 0x03554, Access::RC)
          .doc("wrong VM behaviour: Tx queues that sent a spoofed frame (igb_spoof_check)");
  IOVSIM_FIELD(QUEUES, 31, 0, "bit q: Tx queue q sent a frame that failed anti-spoofing");
  using fields = FieldList<QUEUES>;
};

struct MTA : Register<MTA>, NoFields {
  static constexpr RegInfo info =
      reg("MTA", 0x05200).array(128, 4).doc("multicast table array: 4096 hash bits, index per RCTL.MO");
};

struct RAL : Register<RAL>, NoFields {
  static constexpr RegInfo info = reg("RAL", 0x05400)
                                      .array(24, 8)
                                      .second_segment(16, 0x054E0)
                                      .doc("receive address low: MAC bytes 0-3 (E1000_RAL, E1000_RA2)");
};

struct RAH : Register<RAH> {
  static constexpr RegInfo info = reg("RAH", 0x05404)
                                      .array(24, 8)
                                      .second_segment(16, 0x054E4)
                                      .doc("receive address high (E1000_RAH)");
  IOVSIM_FIELD(ADDR_HI, 15, 0, "MAC bytes 4-5");
  IOVSIM_FIELD(ASEL, 17, 16, "address select (not used: destination address)");
  IOVSIM_FIELD(POOLSEL, 25, 18, "bit 18+p: pool p receives frames to this address");
  IOVSIM_FIELD(AV, 31, 31, "address valid");
  using fields = FieldList<ADDR_HI, ASEL, POOLSEL, AV>;
};

struct VFTA : Register<VFTA>, NoFields {
  static constexpr RegInfo info =
      reg("VFTA", 0x05600).array(128, 4).doc("VLAN filter table array: bit = VID");
};

struct VMOLR : Register<VMOLR> {
  static constexpr RegInfo info =
      reg("VMOLR", 0x05AD0).array(8, 4).doc("VM offload control, per pool (E1000_VMOLR)");
  IOVSIM_FIELD(RLPML, 13, 0, "the pool's max frame size incl. FCS, with LPE");
  IOVSIM_FIELD(LPE, 16, 16, "long packet enable");
  IOVSIM_FIELD(RSSE, 17, 17, "RSS spreads the pool's flows over its queues");
  IOVSIM_FIELD(AUPE, 24, 24, "accept untagged packets");
  IOVSIM_FIELD(ROMPE, 25, 25, "accept multicast that hits the MTA");
  IOVSIM_FIELD(ROPE, 26, 26, "accept unicast that hits the UTA");
  IOVSIM_FIELD(BAM, 27, 27, "accept broadcast");
  IOVSIM_FIELD(MPME, 28, 28, "multicast promiscuous");
  IOVSIM_FIELD(STRVLAN, 30, 30, "strip VLAN tags (stored, not acted on)");
  using fields = FieldList<RLPML, LPE, RSSE, AUPE, ROMPE, ROPE, BAM, MPME, STRVLAN>;
};

struct MRQC : Register<MRQC>, MrqcHashFields {
  static constexpr RegInfo info =
      reg("MRQC", 0x05818).doc("multiple receive queues command (igb_setup_mrqc)");
  IOVSIM_FIELD(MRQE, 2, 0, "3: VMDq (pools), 5: VMDq + RSS, else VMDq off");
  using fields = FieldList<MRQE, RSS_IPV4_TCP, RSS_IPV4, RSS_IPV6, RSS_IPV6_TCP, RSS_IPV4_UDP,
                           RSS_IPV6_UDP>;
  static constexpr std::uint32_t MRQE_VMDQ = 0x3, MRQE_VMDQ_RSS = 0x5;
};

struct VT_CTL : Register<VT_CTL> {
  static constexpr RegInfo info =
      reg("VT_CTL", 0x0581C).doc("virtualization control (E1000_VT_CTL)");
  IOVSIM_FIELD(DEF_PL, 9, 7, "default pool; a value beyond the pools is ignored and counted");
  IOVSIM_FIELD(IGNORE_MAC, 28, 28, "ignore MAC filters for pool selection (stored, not used)");
  IOVSIM_FIELD(DIS_DEF_POOL, 29, 29, "no default pool");
  IOVSIM_FIELD(VM_REPL_EN, 30, 30, "replication of broadcast and multicast to pools");
  using fields = FieldList<DEF_PL, IGNORE_MAC, DIS_DEF_POOL, VM_REPL_EN>;
};

struct RETA : Register<RETA>, NoFields {
  static constexpr RegInfo info = reg("RETA", 0x05C00).array(32, 4).doc(
      "RSS redirection table: 128 one-byte entries, entry 4i+b in bits 8b+7:8b");
};

struct RSSRK : Register<RSSRK>, NoFields {
  static constexpr RegInfo info = reg("RSSRK", 0x05C80).array(10, 4).doc(
      "RSS random key: the 40-byte Toeplitz key, byte 4i+b in bits 8b+7:8b");
};

struct VLVF : Register<VLVF> {
  static constexpr RegInfo info =
      reg("VLVF", 0x05D00).array(32, 4).doc("VLAN pool filter (E1000_VLVF)");
  IOVSIM_FIELD(VLANID, 11, 0, "VLAN ID");
  IOVSIM_FIELD(POOLSEL, 19, 12, "bit 12+p: pool p is a member");
  IOVSIM_FIELD(LVLAN, 20, 20, "(not used)");
  IOVSIM_FIELD(VLANID_ENABLE, 31, 31, "entry valid");
  using fields = FieldList<VLANID, POOLSEL, LVLAN, VLANID_ENABLE>;
};

struct UTA : Register<UTA>, NoFields {
  static constexpr RegInfo info = reg("UTA", 0x0A000).array(128, 4).doc(
      "unicast table array: 4096 hash bits, same index as the MTA");
};

// ---------------------------------------------------------------- Tx rate limiters (PF BAR0)
// igb_set_vf_rate_limit writes RTTBCNRM = 0x14, the window for 9728-byte frames.
struct RateLayout {
  static constexpr unsigned kRfIntHi = 27;  // E1000_RTTBCNRC_RF_INT_MASK 0x3FFF << 14 (Linux e1000_defines.h)
  static constexpr std::uint32_t kSelect = 0x03604, kWindow = 0x03690, kRate = 0x036B0;
};
using Rate = RateRegisters<RateLayout>;

// ---------------------------------------------------------------- per-pool statistics
// VF BAR (igbvf regs.h E1000_VFGPRC ... ; DPDK e1000_regs.h) and the PF's per-pool copies
// (QEMU igb_regs.h E1000_PVFGPRC(n) = 0x10010 + 0x100 n: "Mirror Good Packets Received Count;
// RO"; QEMU's igbvf maps each VF register onto its pool's PF one). 32-bit, wrapping, not
// cleared on read (I210 PQGPRC: "not cleared on read ... wraps around"; igbvf's
// UPDATE_VF_COUNTER takes a drop as a wrap). PVFMPRC: QEMU 0x1003C (the +0xF100 pattern of
// the others), DPDK 0x10038; QEMU's taken. The loopback counters (VFGPRLBC ...) are not
// declared: the model does not count loopback bytes per pool (docs/fidelity.md).
struct Stats {
  static std::vector<StatRegDecl> decls(View v) {
    auto one = [v](StatReg role, const char* vf_name, std::uint32_t vf_off, const char* pf_name,
                   std::uint32_t pf_off, const char* text) {
      const RegInfo info = v == View::VF ? reg(vf_name, vf_off, Access::RO).doc(text)
                                         : reg(pf_name, pf_off, Access::RO).array(8, 0x100).doc(text);
      return StatRegDecl{role, false, 32, RegDecl{info}};
    };
    return {one(StatReg::RxPackets, "VFGPRC", 0x00F10, "PVFGPRC", 0x10010,
                "good packets received by the pool (32-bit, wraps, not cleared on read)"),
            one(StatReg::TxPackets, "VFGPTC", 0x00F14, "PVFGPTC", 0x10014,
                "good packets transmitted by the pool (32-bit, wraps)"),
            one(StatReg::RxOctets, "VFGORC", 0x00F18, "PVFGORC", 0x10018,
                "good octets received, DA through CRC (32-bit, wraps)"),
            one(StatReg::TxOctets, "VFGOTC", 0x00F34, "PVFGOTC", 0x10034,
                "good octets transmitted, DA through CRC (32-bit, wraps)"),
            one(StatReg::RxMulticast, "VFMPRC", 0x00F3C, "PVFMPRC", 0x1003C,
                "multicast packets received, broadcast not included (32-bit, wraps)")};
  }
};

// ---------------------------------------------------------------- 802.3x flow control (PF BAR0)
// e1000_regs.h / e1000_defines.h; field widths of FCRTL/FCRTH from the 82575 SDM (324632 §13,
// "RTL 15:4, 16-byte granularity"; the 82576's are taken to be the same, U). igb programs them
// in igb_reset and e1000_setup_link_generic (programming in `FlowCtl::program`).
struct CTRL : Register<CTRL> {
  static constexpr RegInfo info = reg("CTRL", 0x00000).doc(
      "device control: the flow-control enables; RST, PHY_RST and GIO_MASTER_DISABLE (port management); other bits stored");
  IOVSIM_FIELD(RFCE, 27, 27, "receive flow control enable: honour pause frames (not modelled)");
  IOVSIM_FIELD(TFCE, 28, 28, "transmit flow control enable: send XOFF / XON for the Rx buffer");
  using fields = FieldList<RFCE, TFCE>;
};
struct FCAL : Register<FCAL>, NoFields {
  static constexpr RegInfo info = reg("FCAL", 0x00028).doc("pause frame DA low (igb: 0x00C28001); stored");
};
struct FCAH : Register<FCAH>, NoFields {
  static constexpr RegInfo info = reg("FCAH", 0x0002C).doc("pause frame DA high (igb: 0x0100); stored");
};
struct FCT : Register<FCT>, NoFields {
  static constexpr RegInfo info = reg("FCT", 0x00030).doc("pause frame EtherType (igb: 0x8808); stored");
};
struct FCTTV : Register<FCTTV> {
  static constexpr RegInfo info = reg("FCTTV", 0x00170).doc("pause time sent in an XOFF");
  IOVSIM_FIELD(TTV, 15, 0, "pause time, 512-bit-time quanta (igb: 0xFFFF)");
  using fields = FieldList<TTV>;
};
struct FCRTL : Register<FCRTL> {
  static constexpr RegInfo info = reg("FCRTL", 0x02160).doc("flow control receive threshold low");
  IOVSIM_FIELD(RTL, 15, 4, "low water mark, 16-byte units: an XON when the Rx buffer falls below it");
  IOVSIM_FIELD(XONE, 31, 31, "XON enable");
  using fields = FieldList<RTL, XONE>;
};
struct FCRTH : Register<FCRTH> {
  static constexpr RegInfo info = reg("FCRTH", 0x02168).doc("flow control receive threshold high");
  IOVSIM_FIELD(RTH, 15, 4, "high water mark, 16-byte units: an XOFF when the Rx buffer reaches it");
  using fields = FieldList<RTH>;
};
struct FCRTV : Register<FCRTV> {
  static constexpr RegInfo info = reg("FCRTV", 0x02460).doc("flow control refresh threshold (igb leaves it 0)");
  IOVSIM_FIELD(REFRESH, 15, 0, "an XOFF again after this many quanta while paused, 0 = never");
  using fields = FieldList<REFRESH>;
};
struct FlowCtl {
  static std::vector<FcRegDecl> decls() {
    return {{FcReg::Enables, CTRL::decl()},   {FcReg::Stored, FCAL::decl()},
            {FcReg::Stored, FCAH::decl()},    {FcReg::Stored, FCT::decl()},
            {FcReg::PauseTime, FCTTV::decl()}, {FcReg::LowWater, FCRTL::decl()},
            {FcReg::HighWater, FCRTH::decl()}, {FcReg::Refresh, FCRTV::decl()}};
  }
  static FlowControlCfg decode(const std::uint32_t (&v)[kFcRegs]) {
    const std::uint32_t ctrl = v[static_cast<unsigned>(FcReg::Enables)];
    const std::uint32_t lo = v[static_cast<unsigned>(FcReg::LowWater)];
    FlowControlCfg c;
    c.tx_pause = CTRL::TFCE::get(ctrl) != 0;
    c.rx_pause = CTRL::RFCE::get(ctrl) != 0;
    c.xon = FCRTL::XONE::get(lo) != 0;
    c.low = FCRTL::RTL::get(lo) << 4;
    c.high = FCRTH::RTH::get(v[static_cast<unsigned>(FcReg::HighWater)]) << 4;
    c.pause_quanta = FCTTV::TTV::get(v[static_cast<unsigned>(FcReg::PauseTime)]);
    c.refresh_quanta = FCRTV::REFRESH::get(v[static_cast<unsigned>(FcReg::Refresh)]);
    return c;
  }
  // igb_reset (upstream): hwm = pba - (max_frame + MAX_JUMBO_FRAME_SIZE 9728), high = hwm &
  // ~0xF, low = high - 16, pause_time 0xFFFF, send_xon; e1000_setup_link_generic writes FCT,
  // FCAH, FCAL, FCTTV, then FCRTL = low | XONE and FCRTH = high when Tx pause is on (else
  // 0); the mode (full, from the NVM, or none) sets CTRL.RFCE / TFCE.
  static FlowControlCfg program(RegAccess& w, bool enable, unsigned pba, unsigned max_frame, bool) {
    const unsigned hwm = pba > max_frame + 9728 ? pba - (max_frame + 9728) : 0;
    const unsigned high = hwm & ~0xFu, low = high >= 16 ? high - 16 : 0;
    w.write32(FCT::at(), 0x8808);
    w.write32(FCAH::at(), 0x0100);
    w.write32(FCAL::at(), 0x00C28001);
    w.write32(FCTTV::at(), FCTTV::TTV::make(0xFFFF));
    w.write32(FCRTL::at(), enable ? FCRTL::RTL::make(low >> 4) | FCRTL::XONE::make(1) : 0);
    w.write32(FCRTH::at(), enable ? FCRTH::RTH::make(high >> 4) : 0);
    const std::uint32_t ctrl = w.read32(CTRL::at()) & ~(CTRL::RFCE::kMask | CTRL::TFCE::kMask);
    w.write32(CTRL::at(), ctrl | (enable ? CTRL::RFCE::make(1) | CTRL::TFCE::make(1) : 0));
    std::uint32_t v[kFcRegs] = {};
    v[static_cast<unsigned>(FcReg::Enables)] = w.read32(CTRL::at());
    v[static_cast<unsigned>(FcReg::LowWater)] = w.read32(FCRTL::at());
    v[static_cast<unsigned>(FcReg::HighWater)] = w.read32(FCRTH::at());
    v[static_cast<unsigned>(FcReg::PauseTime)] = w.read32(FCTTV::at());
    return decode(v);
  }
};

// ---------------------------------------------------------------- queues
// PF view: 16 Rx and 16 Tx queues at 0xC000 / 0xE000 + 0x40n; queues 0-3 also answer at the
// legacy 0x2800 / 0x3800 + 0x100n (aliases). VF view (igbvf): the pool's two queues at
// 0x2800 / 0x3800 + 0x100q, under the same names; VF v's queue q is PF queue v + 8q.
constexpr unsigned kQueues = 16;
struct RxBlock {
  static constexpr const char* kNames[] = {"RDBAL", "RDBAH", "RDLEN", "RDH", "RDT", "RXDCTL", "", ""};
  static constexpr std::uint32_t kBase = 0x0C000, kLegacy = 0x02800, kSrrctl = 0x0C;
  static constexpr unsigned kDropEn = 31;  // SRRCTL.DROP_EN (E1000_SRRCTL_DROP_EN)
  static constexpr unsigned kThreshHi = 4;
  static constexpr std::uint32_t kDctlReset = 0;
  static constexpr RegInfo reg(const char* name, std::uint32_t off) {
    return regs::reg(name, kBase + off).array(kQueues, 0x40);
  }
};
struct TxBlock {
  static constexpr const char* kNames[] = {"TDBAL", "TDBAH", "TDLEN", "TDH", "TDT", "TXDCTL",
                                          "TDWBAL", "TDWBAH"};
  static constexpr std::uint32_t kBase = 0x0E000, kLegacy = 0x03800, kSrrctl = 0;
  static constexpr unsigned kDropEn = 0;
  static constexpr unsigned kThreshHi = 4;
  static constexpr std::uint32_t kDctlReset = 0;
  static constexpr RegInfo reg(const char* name, std::uint32_t off) {
    return regs::reg(name, kBase + off).array(kQueues, 0x40);
  }
};
using RxRing = RingRegisters<RxBlock>;
using TxRing = RingRegisters<TxBlock>;

// ---------------------------------------------------------------- interrupts
// PF (igb, e1000_regs.h / e1000_defines.h): MSI-X mode with one EICR bit per vector (25: QEMU
// igb's E1000_EICR_MSIX_MASK); the other causes in ICR/IMS, routed by IVAR_MISC 15:8. VF
// (igbvf): the same registers in its BAR for its 3 vectors (VTEICR ... at the PF's offsets),
// VTIVAR with Rx0/Tx0/Rx1/Tx1 bytes, VTIVAR_MISC 7:0.
struct GPIE : Register<GPIE> {
  static constexpr RegInfo info = reg("GPIE", 0x01514).doc("general purpose interrupt enable");
  IOVSIM_FIELD(NSICR, 0, 0, "ICR read clears it (igb sets it)");
  IOVSIM_FIELD(MSIX_MODE, 4, 4, "Multiple_MSIX: one EICR bit per MSI-X vector");
  IOVSIM_FIELD(EIAME, 30, 30, "EIAM auto-masks a vector when its message is sent");
  IOVSIM_FIELD(PBA, 31, 31, "PBA support");
  using fields = FieldList<NSICR, MSIX_MODE, EIAME, PBA>;
};
struct EICS : Register<EICS>, NoFields {
  static constexpr RegInfo info = reg("EICS", 0x01520).doc("extended interrupt cause set: bit v raises vector v");
};
struct EIMS : Register<EIMS>, NoFields {
  static constexpr RegInfo info = reg("EIMS", 0x01524).doc("extended interrupt mask set (read: the mask)");
};
struct EIMC : Register<EIMC>, NoFields {
  static constexpr RegInfo info = reg("EIMC", 0x01528, Access::WO).doc("extended interrupt mask clear");
};
struct EIAC : Register<EIAC>, NoFields {
  static constexpr RegInfo info = reg("EIAC", 0x0152C).doc("auto-clear: emission clears the vector's EICR bit");
};
struct EIAM : Register<EIAM>, NoFields {
  static constexpr RegInfo info = reg("EIAM", 0x01530).doc("auto-mask: emission clears the vector's EIMS bit (GPIE.EIAME)");
};
struct EICR : Register<EICR>, NoFields {
  static constexpr RegInfo info = reg("EICR", 0x01580).doc(
      "extended interrupt cause: bit per MSI-X vector; write 1 to clear, not cleared on read");
};
struct EITR : Register<EITR> {
  static constexpr RegInfo info = reg("EITR", 0x01680).array(25, 4).doc("interrupt throttle of vector n");
  IOVSIM_FIELD(INTERVAL, 14, 2, "minimum interval between messages, 1 us units");
  IOVSIM_FIELD(CNT_IGNR, 31, 31, "write without resetting the counter");
  using fields = FieldList<INTERVAL, CNT_IGNR>;
};
struct IVAR0 : Register<IVAR0>, NoFields {
  static constexpr RegInfo info = reg("IVAR0", 0x01700).array(8, 4).doc(
      "queue n and n+8 to vectors: bytes Rx n, Tx n, Rx n+8, Tx n+8; vector 4:0, valid bit 7");
};
struct IVAR_MISC : Register<IVAR_MISC>, NoFields {
  static constexpr RegInfo info = reg("IVAR_MISC", 0x01740).doc("other causes to a vector: bits 15:8 (valid 15)");
};
struct ICR : Register<ICR> {
  static constexpr RegInfo info = reg("ICR", 0x000C0).doc("interrupt cause of the other causes: read clears (GPIE.NSICR)");
  IOVSIM_FIELD(TXDW, 0, 0, "legacy mode: a Tx descriptor written back");
  IOVSIM_FIELD(LSC, 2, 2, "link status change");
  IOVSIM_FIELD(RXT0, 7, 7, "legacy mode: an Rx descriptor written back (igb's RXT0 / RXDW)");
  IOVSIM_FIELD(VMMB, 8, 8, "a VF's mailbox message (MBVFICR)");
  IOVSIM_FIELD(DOUTSYNC, 28, 28, "a VF sent a spoofed frame (WVBR)");
  IOVSIM_FIELD(INT_ASSERTED, 31, 31, "read: an enabled cause is pending (the line is asserted)");
  using fields = FieldList<TXDW, LSC, RXT0, VMMB, DOUTSYNC, INT_ASSERTED>;
};
struct ICS : Register<ICS>, NoFields {
  static constexpr RegInfo info = reg("ICS", 0x000C8, Access::WO).doc("interrupt cause set");
};
struct IMS : Register<IMS>, NoFields {
  static constexpr RegInfo info = reg("IMS", 0x000D0).doc("interrupt mask set of the other causes");
};
struct IMC : Register<IMC>, NoFields {
  static constexpr RegInfo info = reg("IMC", 0x000D8, Access::WO).doc("interrupt mask clear");
};
struct VTIVAR : Register<VTIVAR>, NoFields {
  static constexpr RegInfo info = reg("VTIVAR", 0x01700).doc("VF queues to vectors: Rx0, Tx0, Rx1, Tx1; vector 1:0, valid 7");
};
struct VTIVAR_MISC : Register<VTIVAR_MISC>, NoFields {
  static constexpr RegInfo info = reg("VTIVAR_MISC", 0x01740).doc("VF other cause (mailbox) to a vector: bits 7:0");
};

}  // namespace iovsim::regs::i82576
