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

#include "model/regs/register.h"

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

struct MRQC : Register<MRQC> {
  static constexpr RegInfo info = reg("MRQC", 0x0EC80).doc("multiple receive queues command");
  IOVSIM_FIELD(MRQE, 3, 0, "0x8: 64 pools, 0xB: 64 pools with RSS (every pool hashes)");
  IOVSIM_FIELD(RSS_IPV4_TCP, 16, 16, "hash TCP over IPv4 with ports");
  IOVSIM_FIELD(RSS_IPV4, 17, 17, "hash IPv4 addresses");
  IOVSIM_FIELD(RSS_IPV6, 20, 20, "hash IPv6 addresses");
  IOVSIM_FIELD(RSS_IPV6_TCP, 21, 21, "hash TCP over IPv6 with ports");
  IOVSIM_FIELD(RSS_IPV4_UDP, 22, 22, "hash UDP over IPv4 with ports");
  IOVSIM_FIELD(RSS_IPV6_UDP, 23, 23, "hash UDP over IPv6 with ports");
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

struct RTTDQSEL : Register<RTTDQSEL> {
  static constexpr RegInfo info = reg("RTTDQSEL", 0x04904).doc(
      "Tx descriptor queue select: the queue the next RTTBCNRM/RTTBCNRC access applies to");
  IOVSIM_FIELD(TXDQ_IDX, 6, 0, "queue index");
  using fields = FieldList<TXDQ_IDX>;
};

struct RTTBCNRM : Register<RTTBCNRM> {
  static constexpr RegInfo info = reg("RTTBCNRM", 0x04980).doc(
      "rate-scheduler memory window (per selected queue in the model)");
  IOVSIM_FIELD(MMW_SIZE, 9, 0, "burst window, taken in 512-byte units (inferred)");
  using fields = FieldList<MMW_SIZE>;
};

struct RTTBCNRC : Register<RTTBCNRC> {
  static constexpr RegInfo info = reg("RTTBCNRC", 0x04984).doc(
      "rate-scheduler config of the selected queue (ixgbe_set_vf_rate_limit)");
  IOVSIM_FIELD(RF_DEC, 13, 0, "rate factor, fraction (1/16384)");
  IOVSIM_FIELD(RF_INT, 23, 14, "rate factor, integer part");
  IOVSIM_FIELD(RS_ENA, 31, 31, "rate scheduler enable");
  using fields = FieldList<RF_DEC, RF_INT, RS_ENA>;
};

// ---------------------------------------------------------------- queues
// PF view: Rx queue n < 64 at 0x1000 + 0x40n, n >= 64 at 0xD000 + 0x40(n - 64); Tx queue n at
// 0x6000 + 0x40n. VF view (ixgbevf): the pool's two queues at 0x1000 / 0x2000 + 0x40i; VF v's
// queue i is PF queue 2v + i.

constexpr unsigned kQueues = 128;
constexpr RegInfo rx_queue(const char* name, std::uint32_t off) {
  return reg(name, 0x01000 + off).array(kQueues, 0x40).second_segment(64, 0x0D000 + off);
}
constexpr RegInfo tx_queue(const char* name, std::uint32_t off) {
  return reg(name, 0x06000 + off).array(kQueues, 0x40);
}
constexpr RegInfo vf_rx(const char* name, const RegInfo& r) {
  RegInfo v = r.moved(r.offset, 2, 0x40);  // VF Rx blocks sit at the PF's first offsets
  v.name = name;
  return v;
}
constexpr RegInfo vf_tx(const char* name, const RegInfo& r) {
  RegInfo v = r.moved(0x02000 + (r.offset - 0x06000), 2, 0x40);
  v.name = name;
  return v;
}

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
struct RDH : Register<RDH>, NoFields {
  static constexpr RegInfo info = rx_queue("RDH", 0x10).doc(
      "Rx head, owned by the hardware: writes ignored and counted while the queue runs");
};
struct SRRCTL : Register<SRRCTL> {
  static constexpr RegInfo info =
      rx_queue("SRRCTL", 0x14).reset_value(0x2).doc("split and replication Rx control");
  IOVSIM_FIELD(BSIZEPACKET, 6, 0, "Rx buffer size in KB (0 is read as 2 KB)");
  IOVSIM_FIELD(DESCTYPE, 27, 25, "descriptor type, 1 = advanced one buffer (stored)");
  IOVSIM_FIELD(DROP_EN, 28, 28, "drop when no descriptor (stored; the model always drops)");
  using fields = FieldList<BSIZEPACKET, DESCTYPE, DROP_EN>;
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

}  // namespace iovsim::regs::i82599
