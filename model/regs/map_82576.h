// The 82576 register map (the igb/igbvf layout): every register the model decodes in a PF's and
// in a VF's BAR0, declared once with offset, array shape, reset value, access policy and
// fields. The mailbox registers are in mailbox_82576.h. The codec (how the blocks' value
// types are encoded in these registers) is map_82576.cpp.
// Sources: Linux igb e1000_regs.h, e1000_82575.h, e1000_defines.h; igbvf regs.h; QEMU
// hw/net/igb_regs.h; docs/registers-research.md marks each fact verified or not. Reset values
// are 0 unless stated.
#pragma once
#include <cstdint>

#include "model/regs/register.h"

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

struct MRQC : Register<MRQC> {
  static constexpr RegInfo info =
      reg("MRQC", 0x05818).doc("multiple receive queues command (igb_setup_mrqc)");
  IOVSIM_FIELD(MRQE, 2, 0, "3: VMDq (pools), 5: VMDq + RSS, else VMDq off");
  IOVSIM_FIELD(RSS_IPV4_TCP, 16, 16, "hash TCP over IPv4 with ports");
  IOVSIM_FIELD(RSS_IPV4, 17, 17, "hash IPv4 addresses");
  IOVSIM_FIELD(RSS_IPV6, 20, 20, "hash IPv6 addresses");
  IOVSIM_FIELD(RSS_IPV6_TCP, 21, 21, "hash TCP over IPv6 with ports");
  IOVSIM_FIELD(RSS_IPV4_UDP, 22, 22, "hash UDP over IPv4 with ports");
  IOVSIM_FIELD(RSS_IPV6_UDP, 23, 23, "hash UDP over IPv6 with ports");
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

struct RTTDQSEL : Register<RTTDQSEL> {
  static constexpr RegInfo info = reg("RTTDQSEL", 0x03604).doc(
      "Tx descriptor queue select: the queue the next RTTBCNRM/RTTBCNRC access applies to");
  IOVSIM_FIELD(TXDQ_IDX, 6, 0, "queue index");
  using fields = FieldList<TXDQ_IDX>;
};

struct RTTBCNRM : Register<RTTBCNRM> {
  static constexpr RegInfo info = reg("RTTBCNRM", 0x03690).doc(
      "rate-scheduler memory window (per selected queue in the model)");
  IOVSIM_FIELD(MMW_SIZE, 9, 0, "burst window, taken in 512-byte units (inferred, not a datasheet fact)");
  using fields = FieldList<MMW_SIZE>;
};

struct RTTBCNRC : Register<RTTBCNRC> {
  static constexpr RegInfo info = reg("RTTBCNRC", 0x036B0).doc(
      "rate-scheduler config of the selected queue: rate = link rate / RF (igb_set_vf_rate_limit)");
  IOVSIM_FIELD(RF_DEC, 13, 0, "rate factor, fraction (1/16384)");
  IOVSIM_FIELD(RF_INT, 23, 14, "rate factor, integer part");
  IOVSIM_FIELD(RS_ENA, 31, 31, "rate scheduler enable");
  using fields = FieldList<RF_DEC, RF_INT, RS_ENA>;
};

// ---------------------------------------------------------------- queues
// PF view: 16 Rx and 16 Tx queues at 0xC000 / 0xE000 + 0x40n; queues 0-3 also answer at the
// legacy 0x2800 / 0x3800 + 0x100n (aliases). VF view (igbvf): the pool's two queues at
// 0x2800 / 0x3800 + 0x100q; VF v's queue q is PF queue v + 8q.

constexpr unsigned kQueues = 16;
constexpr RegInfo rx_queue(const char* name, std::uint32_t off) {
  return reg(name, 0x0C000 + off).array(kQueues, 0x40);
}
constexpr RegInfo tx_queue(const char* name, std::uint32_t off) {
  return reg(name, 0x0E000 + off).array(kQueues, 0x40);
}
constexpr RegInfo rx_legacy(const RegInfo& r) { return r.moved(0x02800 + (r.offset - 0x0C000), 4, 0x100); }
constexpr RegInfo tx_legacy(const RegInfo& r) { return r.moved(0x03800 + (r.offset - 0x0E000), 4, 0x100); }
constexpr RegInfo vf_rx(const RegInfo& r) { return r.moved(0x02800 + (r.offset - 0x0C000), 2, 0x100); }
constexpr RegInfo vf_tx(const RegInfo& r) { return r.moved(0x03800 + (r.offset - 0x0E000), 2, 0x100); }

struct RDBAL : Register<RDBAL>, NoFields {
  static constexpr RegInfo info = rx_queue("RDBAL", 0x00).doc("Rx ring base, low; bits 6:0 read 0");
};
struct RDBAH : Register<RDBAH>, NoFields {
  static constexpr RegInfo info = rx_queue("RDBAH", 0x04).doc("Rx ring base, high");
};
struct RDLEN : Register<RDLEN>, NoFields {
  static constexpr RegInfo info = rx_queue("RDLEN", 0x08).doc(
      "Rx ring length in bytes: a multiple of 128 up to 1 MB, else ignored and counted");
};
struct SRRCTL : Register<SRRCTL> {
  static constexpr RegInfo info =
      rx_queue("SRRCTL", 0x0C).reset_value(0x2).doc("split and replication Rx control");
  IOVSIM_FIELD(BSIZEPACKET, 6, 0, "Rx buffer size in KB (0 is read as 2 KB)");
  IOVSIM_FIELD(DESCTYPE, 27, 25, "descriptor type, 1 = advanced one buffer (stored)");
  IOVSIM_FIELD(DROP_EN, 31, 31, "drop when no descriptor (stored; the model always drops)");
  using fields = FieldList<BSIZEPACKET, DESCTYPE, DROP_EN>;
};
struct RDH : Register<RDH>, NoFields {
  static constexpr RegInfo info = rx_queue("RDH", 0x10).doc(
      "Rx head, owned by the hardware: writes ignored and counted while the queue runs");
};
struct RDT : Register<RDT>, NoFields {
  static constexpr RegInfo info = rx_queue("RDT", 0x18).doc(
      "Rx tail: writes beyond the ring (or with no length) ignored and counted");
};
struct RXDCTL : Register<RXDCTL> {
  static constexpr RegInfo info = rx_queue("RXDCTL", 0x28).doc("Rx descriptor control");
  IOVSIM_FIELD(ENABLE, 25, 25, "queue enable (runs with a non-zero length)");
  using fields = FieldList<ENABLE>;
};
struct TDBAL : Register<TDBAL>, NoFields {
  static constexpr RegInfo info = tx_queue("TDBAL", 0x00).doc("Tx ring base, low; bits 6:0 read 0");
};
struct TDBAH : Register<TDBAH>, NoFields {
  static constexpr RegInfo info = tx_queue("TDBAH", 0x04).doc("Tx ring base, high");
};
struct TDLEN : Register<TDLEN>, NoFields {
  static constexpr RegInfo info = tx_queue("TDLEN", 0x08).doc(
      "Tx ring length in bytes: a multiple of 128 up to 1 MB, else ignored and counted");
};
struct TDH : Register<TDH>, NoFields {
  static constexpr RegInfo info = tx_queue("TDH", 0x10).doc(
      "Tx head, owned by the hardware: writes ignored and counted while the queue runs");
};
struct TDT : Register<TDT>, NoFields {
  static constexpr RegInfo info = tx_queue("TDT", 0x18).doc(
      "Tx tail (doorbell): wakes the Tx engine; writes beyond the ring ignored and counted");
};
struct TXDCTL : Register<TXDCTL> {
  static constexpr RegInfo info = tx_queue("TXDCTL", 0x28).doc("Tx descriptor control");
  IOVSIM_FIELD(ENABLE, 25, 25, "queue enable (runs with a non-zero length)");
  using fields = FieldList<ENABLE>;
};

}  // namespace iovsim::regs::i82576
