// The 82576's device-management registers: what the unmodified Linux igb driver needs to probe,
// reset, bring up the link of and watch a PF (issue 15: `iovsim serve`). Offsets and fields from
// Linux igb e1000_regs.h / e1000_defines.h (6.1); semantics from the driver's use of them
// (igb_reset_hw_82575, igb_read_nvm_eerd, igb_read_phy_reg_mdic, igb_get_hw_semaphore,
// igb_update_stats) and QEMU's igb model (hw/net/igb_core.c). The block behind them is
// model/mac/port_management.h. Registers the driver writes but the model gives no behaviour are
// declared as plain storage here, so the guest reads back what it wrote (docs/fidelity.md).
#pragma once
#include <cstdint>

#include "model/regs/family_map.h"

namespace iovsim::regs::i82576 {

struct STATUS : Register<STATUS> {
  static constexpr RegInfo info = reg("STATUS", 0x00008, Access::RO).doc("device status: link, speed, duplex");
  IOVSIM_FIELD(FD, 0, 0, "full duplex");
  IOVSIM_FIELD(LU, 1, 1, "link up");
  IOVSIM_FIELD(FUNC, 3, 2, "function ID (port)");
  IOVSIM_FIELD(SPEED, 7, 6, "00 10 Mb/s, 01 100, 10 1000");
  IOVSIM_FIELD(GIO_MASTER_ENABLE, 19, 19, "PCIe master requests enabled (CTRL.GIO_MASTER_DISABLE clear)");
  using fields = FieldList<FD, LU, FUNC, SPEED, GIO_MASTER_ENABLE>;
};
struct EECD : Register<EECD> {
  static constexpr RegInfo info = reg("EECD", 0x00010, Access::RO).doc("EEPROM control: present, auto-read done, size");
  IOVSIM_FIELD(PRES, 8, 8, "NVM present");
  IOVSIM_FIELD(AUTO_RD, 9, 9, "the hardware's NVM auto-read after reset is done");
  IOVSIM_FIELD(SIZE_EX, 14, 11, "NVM size: 2^(6 + n) words (igb_init_nvm_params_82575)");
  using fields = FieldList<PRES, AUTO_RD, SIZE_EX>;
};
struct EERD : Register<EERD> {
  static constexpr RegInfo info = reg("EERD", 0x00014).doc("NVM read: write the word address with START, poll DONE, take DATA");
  IOVSIM_FIELD(START, 0, 0, "start a read (E1000_NVM_RW_REG_START)");
  IOVSIM_FIELD(DONE, 1, 1, "read done (E1000_NVM_RW_REG_DONE on 82575/82576)");
  IOVSIM_FIELD(ADDR, 15, 2, "word address (E1000_NVM_RW_ADDR_SHIFT 2)");
  IOVSIM_FIELD(DATA, 31, 16, "the word read");
  using fields = FieldList<START, DONE, ADDR, DATA>;
};
struct CTRL_EXT : Register<CTRL_EXT> {
  static constexpr RegInfo info = reg("CTRL_EXT", 0x00018).doc("extended device control; stored (link mode 00: internal copper PHY)");
  IOVSIM_FIELD(LINK_MODE, 23, 22, "00: GMII (copper), the model's only mode");
  IOVSIM_FIELD(DRV_LOAD, 28, 28, "the driver has loaded (igb_get_hw_control)");
  using fields = FieldList<LINK_MODE, DRV_LOAD>;
};
struct MDIC : Register<MDIC> {
  static constexpr RegInfo info = reg("MDIC", 0x00020).doc("MDI control: one PHY register read or write, done at once");
  IOVSIM_FIELD(DATA, 15, 0, "data written, or read");
  IOVSIM_FIELD(REGADD, 20, 16, "PHY register");
  IOVSIM_FIELD(PHYADD, 25, 21, "PHY address (the internal PHY answers at 1)");
  IOVSIM_FIELD(OP, 27, 26, "01 write, 10 read");
  IOVSIM_FIELD(READY, 28, 28, "the access is done");
  IOVSIM_FIELD(ERROR, 30, 30, "no PHY at that address");
  using fields = FieldList<DATA, REGADD, PHYADD, OP, READY, ERROR>;
};
struct EEMNGCTL : Register<EEMNGCTL> {
  static constexpr RegInfo info = reg("EEMNGCTL", 0x01010, Access::RO)
                                      .reset_value(0x000C0000)
                                      .doc("manageability NVM control: configuration done for both ports");
  IOVSIM_FIELD(CFG_DONE_PORT_0, 18, 18, "port 0's configuration cycle is done (igb_get_cfg_done_82575)");
  IOVSIM_FIELD(CFG_DONE_PORT_1, 19, 19, "port 1's");
  using fields = FieldList<CFG_DONE_PORT_0, CFG_DONE_PORT_1>;
};
struct SWSM : Register<SWSM> {
  static constexpr RegInfo info = reg("SWSM", 0x05B50).doc("software semaphore: reading sets SMBI; SWESMBI latches a write");
  IOVSIM_FIELD(SMBI, 0, 0, "software/software semaphore: a read returns it and sets it");
  IOVSIM_FIELD(SWESMBI, 1, 1, "software/firmware semaphore (no firmware: it latches)");
  using fields = FieldList<SMBI, SWESMBI>;
};
struct SW_FW_SYNC : Register<SW_FW_SYNC>, NoFields {
  static constexpr RegInfo info = reg("SW_FW_SYNC", 0x05B5C).doc("software/firmware resource ownership; stored (no firmware holds a resource)");
};
struct FWSM : Register<FWSM>, NoFields {
  static constexpr RegInfo info = reg("FWSM", 0x05B54, Access::RO).doc("firmware semaphore: 0, no manageability firmware");
};
struct MANC : Register<MANC>, NoFields {
  static constexpr RegInfo info = reg("MANC", 0x05820).doc("management control: 0 (no SOL/IDER session blocks PHY resets); stored");
};

// Stored without behaviour: the guest programs them, reads them back, the model's blocks take
// their settings from the scenario (docs/fidelity.md).
#define IOVSIM_STORED(NAME, OFF, RESET, TEXT)                                                   \
  struct NAME : Register<NAME>, NoFields {                                                      \
    static constexpr RegInfo info = reg(#NAME, OFF).reset_value(RESET).doc(TEXT);               \
  };
IOVSIM_STORED(TCTL, 0x00400, 0x000000F8, "transmit control; stored (the Tx engine follows TXDCTL)")
IOVSIM_STORED(TIPG, 0x00410, 0, "transmit inter-packet gap; stored (the MAC uses 96 bit times)")
IOVSIM_STORED(VET, 0x00038, 0x8100, "VLAN EtherType; stored (the sorter takes 0x8100)")
IOVSIM_STORED(WUC, 0x05800, 0, "wake-up control; stored")
IOVSIM_STORED(WUFC, 0x05808, 0, "wake-up filter control; stored")
IOVSIM_STORED(GCR, 0x05B00, 0, "PCIe control (completion timeout); stored")
IOVSIM_STORED(RXPBS, 0x02404, 0x40, "Rx packet buffer size, KB (82576 reset: 64 KB); stored")
IOVSIM_STORED(TXPBS, 0x03404, 0x28, "Tx packet buffer size, KB (82576 reset: 40 KB); stored")
IOVSIM_STORED(RLPML, 0x05004, 0x2600, "Rx long packet maximum length; stored (the MAC takes device.max_frame_bytes)")
IOVSIM_STORED(RXCSUM, 0x05000, 0x300, "Rx checksum control; stored (no checksum offload)")
IOVSIM_STORED(RPLOLR, 0x05AF0, 0, "replication offload; stored")
IOVSIM_STORED(DTXCTL, 0x03590, 0, "DMA Tx control; stored")
IOVSIM_STORED(TSYNCRXCTL, 0x0B620, 0, "Rx time stamp control; stored (no PTP: RXTT stays 0)")
IOVSIM_STORED(TSYNCTXCTL, 0x0B614, 0, "Tx time stamp control; stored")
IOVSIM_STORED(TIMINCA, 0x0B608, 0, "time increment; stored (no PTP clock)")
IOVSIM_STORED(LEDCTL, 0x00E00, 0x07068302, "LED control; stored")
IOVSIM_STORED(IAM, 0x000E0, 0, "interrupt acknowledge auto-mask; stored (CTRL_EXT.IAME is not modelled: no auto-mask)")
IOVSIM_STORED(RFCTL, 0x05008, 0, "Rx filter control; stored")
IOVSIM_STORED(TSYNCRXCFG, 0x05F50, 0, "Rx time stamp configuration; stored")
IOVSIM_STORED(ETQF3, 0x05CBC, 0, "EtherType queue filter 3 (igb's PTP filter); stored")
IOVSIM_STORED(FTQF3, 0x059EC, 0, "5-tuple queue filter 3; stored")
IOVSIM_STORED(SYSTIML, 0x0B600, 0, "system time, low; stored (no PTP clock: it does not run)")
IOVSIM_STORED(SYSTIMH, 0x0B604, 0, "system time, high; stored")
IOVSIM_STORED(TXSTMPL, 0x0B618, 0, "Tx time stamp, low (never latched)")
IOVSIM_STORED(TXSTMPH, 0x0B61C, 0, "Tx time stamp, high")
IOVSIM_STORED(RXSTMPL, 0x0B624, 0, "Rx time stamp, low (never latched)")
IOVSIM_STORED(RXSTMPH, 0x0B628, 0, "Rx time stamp, high")
IOVSIM_STORED(TSICR, 0x0B66C, 0, "time sync interrupt cause (none: reads 0)")
#undef IOVSIM_STORED

// Statistics (igb_update_stats, e1000_regs.h 0x04000-0x040FC): 32-bit, cleared on read; the
// 64-bit octet counters as low/high pairs (the low read first, the high read clears the pair).
enum class PortStat : std::uint8_t { None, RxGoodFrames, RxGoodOctets, TxFrames, TxOctets, RxMissed, RxNoBuffer, CrcErrors, RxUndersize, RxOversize, RxLengthErrors, kCount };
struct StatDecl {
  const char* name;
  std::uint32_t offset;
  PortStat source;
  int half;  // 0: 32-bit counter, 1: low half, 2: high half
  const char* doc;
};
// PortStat::None: an event the model has no counterpart of (collisions, symbol errors, pause
// frames, management frames, interrupt assertion counts) or does not count (the size bins,
// broadcast and multicast frames): reads 0 (docs/fidelity.md).
inline constexpr StatDecl kPortStats[] = {
    {"CRCERRS", 0x04000, PortStat::CrcErrors, 0, "frames with a bad FCS"},
    {"ALGNERRC", 0x04004, PortStat::None, 0, "alignment errors (none on a model's wire)"},
    {"SYMERRS", 0x04008, PortStat::None, 0, "symbol errors (none)"},
    {"RXERRC", 0x0400C, PortStat::None, 0, "receive errors (none)"},
    {"MPC", 0x04010, PortStat::RxMissed, 0, "frames missed: no room in the Rx packet buffer (no descriptor: RNBC, RQDPC)"},
    {"SCC", 0x04014, PortStat::None, 0, "single collisions (full duplex: none)"},
    {"ECOL", 0x04018, PortStat::None, 0, "excessive collisions (none)"},
    {"MCC", 0x0401C, PortStat::None, 0, "multiple collisions (none)"},
    {"LATECOL", 0x04020, PortStat::None, 0, "late collisions (none)"},
    {"COLC", 0x04028, PortStat::None, 0, "collisions (none)"},
    {"CBTMPC", 0x0402C, PortStat::None, 0, "circuit breaker Tx manageability packets (no manageability)"},
    {"DC", 0x04030, PortStat::None, 0, "defers (none)"},
    {"TNCRS", 0x04034, PortStat::None, 0, "transmits with no carrier sense (none)"},
    {"SEC", 0x04038, PortStat::None, 0, "sequence errors (none)"},
    {"CEXTERR", 0x0403C, PortStat::None, 0, "carrier extension errors (none)"},
    {"RLEC", 0x04040, PortStat::RxLengthErrors, 0, "receive length errors (runts and giants, as the MAC drops them)"},
    {"XONRXC", 0x04048, PortStat::None, 0, "XON received (pause frames are not modelled on Rx)"},
    {"XONTXC", 0x0404C, PortStat::None, 0, "XON transmitted (not counted here; the flow control metrics have them)"},
    {"XOFFRXC", 0x04050, PortStat::None, 0, "XOFF received (not modelled)"},
    {"XOFFTXC", 0x04054, PortStat::None, 0, "XOFF transmitted (not counted here)"},
    {"FCRUC", 0x04058, PortStat::None, 0, "unsupported flow control frames (none)"},
    {"PRC64", 0x0405C, PortStat::None, 0, "frames received of 64 bytes (size bins not counted)"},
    {"PRC127", 0x04060, PortStat::None, 0, "65-127 bytes (not counted)"},
    {"PRC255", 0x04064, PortStat::None, 0, "128-255 bytes (not counted)"},
    {"PRC511", 0x04068, PortStat::None, 0, "256-511 bytes (not counted)"},
    {"PRC1023", 0x0406C, PortStat::None, 0, "512-1023 bytes (not counted)"},
    {"PRC1522", 0x04070, PortStat::None, 0, "1024-1522 bytes (not counted)"},
    {"GPRC", 0x04074, PortStat::RxGoodFrames, 0, "good frames received"},
    {"BPRC", 0x04078, PortStat::None, 0, "broadcast frames received (not counted)"},
    {"MPRC", 0x0407C, PortStat::None, 0, "multicast frames received (not counted)"},
    {"GPTC", 0x04080, PortStat::TxFrames, 0, "good frames transmitted"},
    {"GORCL", 0x04088, PortStat::RxGoodOctets, 1, "octets received, low (DA through FCS; the MAC's drops included)"},
    {"GORCH", 0x0408C, PortStat::RxGoodOctets, 2, "good octets received, high"},
    {"GOTCL", 0x04090, PortStat::TxOctets, 1, "good octets transmitted, low"},
    {"GOTCH", 0x04094, PortStat::TxOctets, 2, "good octets transmitted, high"},
    {"RNBC", 0x040A0, PortStat::RxNoBuffer, 0, "frames dropped for want of an Rx descriptor"},
    {"RUC", 0x040A4, PortStat::RxUndersize, 0, "runts (below 64 bytes)"},
    {"RFC", 0x040A8, PortStat::None, 0, "fragments (none: the MAC counts runts)"},
    {"ROC", 0x040AC, PortStat::RxOversize, 0, "frames over the maximum length"},
    {"RJC", 0x040B0, PortStat::None, 0, "jabbers (none)"},
    {"MGTPRC", 0x040B4, PortStat::None, 0, "management frames received (no manageability)"},
    {"MGTPDC", 0x040B8, PortStat::None, 0, "management frames dropped (none)"},
    {"MGTPTC", 0x040BC, PortStat::None, 0, "management frames transmitted (none)"},
    {"TORL", 0x040C0, PortStat::RxGoodOctets, 1, "total octets received, low"},
    {"TORH", 0x040C4, PortStat::RxGoodOctets, 2, "total octets received, high"},
    {"TOTL", 0x040C8, PortStat::TxOctets, 1, "total octets transmitted, low"},
    {"TOTH", 0x040CC, PortStat::TxOctets, 2, "total octets transmitted, high"},
    {"TPR", 0x040D0, PortStat::RxGoodFrames, 0, "total frames received"},
    {"TPT", 0x040D4, PortStat::TxFrames, 0, "total frames transmitted"},
    {"PTC64", 0x040D8, PortStat::None, 0, "frames transmitted of 64 bytes (size bins not counted)"},
    {"PTC127", 0x040DC, PortStat::None, 0, "65-127 bytes (not counted)"},
    {"PTC255", 0x040E0, PortStat::None, 0, "128-255 bytes (not counted)"},
    {"PTC511", 0x040E4, PortStat::None, 0, "256-511 bytes (not counted)"},
    {"PTC1023", 0x040E8, PortStat::None, 0, "512-1023 bytes (not counted)"},
    {"PTC1522", 0x040EC, PortStat::None, 0, "1024-1522 bytes (not counted)"},
    {"MPTC", 0x040F0, PortStat::None, 0, "multicast frames transmitted (not counted)"},
    {"BPTC", 0x040F4, PortStat::None, 0, "broadcast frames transmitted (not counted)"},
    {"TSCTC", 0x040F8, PortStat::None, 0, "TCP segmentation contexts (no TSO)"},
    {"TSCTFC", 0x040FC, PortStat::None, 0, "TCP segmentation context failures (none)"},
    {"IAC", 0x04100, PortStat::None, 0, "interrupt assertions (not counted here: the interrupt metrics have them)"},
    {"ICRXPTC", 0x04104, PortStat::None, 0, "interrupt cause Rx packet timer expire (no timers)"},
    {"ICRXATC", 0x04108, PortStat::None, 0, "interrupt cause Rx absolute timer expire (none)"},
    {"ICTXPTC", 0x0410C, PortStat::None, 0, "interrupt cause Tx packet timer expire (none)"},
    {"ICTXATC", 0x04110, PortStat::None, 0, "interrupt cause Tx absolute timer expire (none)"},
    {"ICTXQEC", 0x04118, PortStat::None, 0, "interrupt cause Tx queue empty (not counted)"},
    {"ICTXQMTC", 0x0411C, PortStat::None, 0, "interrupt cause Tx queue minimum threshold (none)"},
    {"ICRXDMTC", 0x04120, PortStat::None, 0, "interrupt cause Rx descriptor minimum threshold (not counted)"},
    {"ICRXOC", 0x04124, PortStat::None, 0, "interrupt cause receiver overrun (not counted)"},
    {"HGORCL", 0x04128, PortStat::None, 0, "host good octets received, low (OS-to-BMC traffic: none)"},
    {"HGORCH", 0x0412C, PortStat::None, 0, "host good octets received, high"},
    {"HGOTCL", 0x04130, PortStat::None, 0, "host good octets transmitted, low"},
    {"HGOTCH", 0x04134, PortStat::None, 0, "host good octets transmitted, high"},
    {"LENERRS", 0x04138, PortStat::None, 0, "length errors (none: the MAC drops runts and giants, RLEC)"},
    {"RQDPC", 0x0C030, PortStat::RxNoBuffer, 0, "queue 0's frames dropped for want of a descriptor (the port's count: the served PF has one queue)"},
};

}  // namespace iovsim::regs::i82576
