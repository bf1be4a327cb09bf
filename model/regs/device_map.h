// The register map of one device family as the family-neutral blocks and driver models see
// it. The preset selects one map (DeviceProfile::map) once; no block asks which family it is.
//
// Device side, two idioms:
//  - state registers decode into a block's value type: `bind_sorter` declares the filter
//    registers as storage in the PF's space and keeps a `SorterRegs` decoded from them
//    (hls::SorterTables, RssConfig), counting writes the hardware ignores;
//  - registers with side effects are declared by the map and given behaviour by the block:
//    the ring, rate-limiter and mailbox registers come as declarations tagged with a role
//    (`RingReg`, `RateReg`, MailboxLayout), the block attaches its callbacks (VCML's idiom),
//    and the map's pure codecs turn the fields into value types (RxBufferCtl, QueueCtl,
//    RateCtl).
// Driver side: the family's register writes for family-neutral bring-up steps (`write_*`),
// over a RegAccess, in the order igb or ixgbe issues them.
//
// The implementations are map_82576.cpp (igb layout) and map_82599.cpp (ixgbe layout).
#pragma once
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "hls/sorter/rss.h"
#include "hls/scheduler/scheduler_core.h"
#include "hls/sorter/sorter_core.h"
#include "model/regs/mailbox.h"
#include "model/regs/register_space.h"

namespace iovsim {

// Which register map the device (and the driver models) use.
enum class Family { i82576, i82599 };

namespace regs {

// Register access from software (a driver's MMIO through its BAR).
struct RegAccess {
  std::function<std::uint32_t(std::uint32_t)> read32;
  std::function<void(std::uint32_t, std::uint32_t)> write32;
};

// ---------------------------------------------------------------- sorter value types
struct RssHashTypes {
  bool ipv4 = false, ipv4_tcp = false, ipv4_udp = false;
  bool ipv6 = false, ipv6_tcp = false, ipv6_udp = false;
};
struct RssConfig {
  bool enabled = false;          // MRQC selects pools with RSS
  hls::PoolMask pools = 0;       // pools that spread flows over their queues
  RssHashTypes types{};
  std::uint8_t key[hls::kRssKeyBytes] = {};
  std::uint8_t reta[hls::kRetaEntries] = {};
};
using QueueBits = std::bitset<128>;
// What the sorter classifies with, decoded from the filter registers, and the status it
// reports back through them.
struct SorterRegs {
  hls::SorterTables tables{};  // num_rar / num_pools / num_vlvf set by the owner before binding
  RssConfig rss{};
  QueueBits spoofed_queues;        // Tx queues that sent a spoofed frame (82576 WVBR)
  std::uint32_t spoofed_frames = 0;  // spoofed frames (82599 SSVPC)
  std::uint64_t ignored_writes = 0;  // writes beyond the tables in use, bits of absent pools
  std::uint64_t generation = 1;      // bumped by every filter register write
  std::uint8_t rx_up2tc[8] = {};     // 82599 RTRUP2TC: each 802.1p priority's Rx traffic class
};

// ---------------------------------------------------------------- ring value types
enum class RingReg : std::uint8_t { BaseLo, BaseHi, Length, BufferCtl, Head, Tail, Control, HeadWbLo, HeadWbHi };
enum class Direction : std::uint8_t { Rx, Tx };
enum class View : std::uint8_t { PF, VF };  // every queue of the port, or one VF's queues
struct RingRegDecl {
  RingReg role;
  RegDecl decl;
  std::vector<RegInfo> aliases;  // further offsets answering for the same elements
};
struct RxBufferCtl {  // SRRCTL
  unsigned buffer_bytes = 2048;
  bool drop_en = false;
  unsigned desc_type = 0;
};
struct QueueCtl {  // RXDCTL / TXDCTL
  bool enable = false;
  unsigned pthresh = 0, hthresh = 0, wthresh = 0;  // prefetch, host and write-back thresholds
};
struct HeadWriteBack {  // TDWBAL / TDWBAH
  bool enable = false;
  std::uint64_t addr = 0;
};

// ---------------------------------------------------------------- rate limiter value types
enum class RateReg : std::uint8_t { Select, BurstWindow, RateCtl };
struct RateRegDecl {
  RateReg role;
  RegDecl decl;
};
struct RateCtl {  // RTTBCNRC
  bool enabled = false;
  double factor = 0;  // queue rate = link rate / factor; 0: off
};
constexpr double kRateFactorMin = 1.0, kRateFactorMax = 1000.0;  // X550 7.6.2.1: RF 1..1000

// ---------------------------------------------------------------- DCB transmit arbitration
// The 82599's (ixgbe_dcb_82599.h; the 82576 has none): RTTDCS, RTTDT1C (per queue, through
// RTTDQSEL), RTTDT2C(8), RTTPCS, RTTPT2C(8), RTTUP2TC, MTQC, TXPBSIZE(8).
enum class DcbReg : std::uint8_t { DescControl, QueueCredit, TcDescCredit, PacketControl, TcPacketCredit,
                                   UpToTc, QueueLayout, TxBufferSize };
struct DcbRegDecl {
  DcbReg role;
  RegDecl decl;
};
// The transmit DCB registers' raw values (TxScheduler holds them).
struct TxDcbRaw {
  std::uint32_t rttdcs = 0, mtqc = 0, rttpcs = 0;
  std::uint32_t rttdt2c[8] = {}, rttpt2c[8] = {}, txpbsize[8] = {};
};
// An arbiter between the traffic classes, from one of the 82599's three sets of the same credit
// words: the Tx descriptor plane (RTTDCS.TDPAC + RTTDT2C), the Tx packet plane (RTTPCS.TPPAC +
// RTTPT2C) and the Rx arbiter (RTRPCS.RAC + RTRPT4C).
struct ClassArbiterCfg {
  bool wsp = false;  // TDPAC / TPPAC / RAC with ARBDIS clear: the classes' credits and priorities (else round robin)
  std::uint16_t refill[8]{}, max[8]{};  // 64-byte credits
  std::uint8_t bwg[8]{};
  hls::TcStrict strict[8]{};
  std::uint64_t generation = 0;  // counts the decodes (a register write): consumers refresh on change
  // The classes' credits and priorities into the scheduler core's configuration.
  template <unsigned N>
  void load(hls::SchedConfig<N>& c) const {
    for (unsigned t = 0; t < hls::kSchedTcs; ++t) {
      c.tc_refill[t] = refill[t];
      c.tc_max[t] = max[t];
      c.tc_bwg[t] = bwg[t];
      c.tc_strict[t] = strict[t];
    }
  }
};
// What they select (decode_tx_dcb).
struct TxDcbCfg {
  ClassArbiterCfg desc;  // the descriptor plane (RTTDCS.TDPAC, RTTDT2C)
  bool vm_wrr = false;  // RTTDCS.VMPAC: WRR between a class's queues by RTTDT1C credits
  unsigned tcs = 1;     // MTQC: traffic classes (1: no DCB)
  bool vt = false;      // MTQC.VT_Ena: class = queue mod tcs; else ixgbe_get_first_reg_idx's ranges
  // The packet plane (RTTPCS, RTTPT2C): the arbitration between the classes' Tx packet
  // buffers at the wire, and the buffers' sizes (TXPBSIZE).
  ClassArbiterCfg pkt;
  unsigned tx_buffer_bytes[8]{};
  std::uint64_t generation = 0;  // counts the decodes (a register write): consumers refresh on change
  unsigned tc_of_queue(unsigned q) const;
};
// The Rx side (82599): RXPBSIZE(8), RTRPCS, RTRPT4C(8).
enum class RxDcbReg : std::uint8_t { BufferSize, Control, TcCredit };
struct RxDcbRegDecl {
  RxDcbReg role;
  RegDecl decl;
};
// What the PF driver programs (ixgbe_dcb_hw_config_82599 with ixgbe_dcb_calculate_tc_credits).
struct TxDcbPlan {
  unsigned tcs = 0;
  unsigned bw_percent[8]{};  // per class, adding up to 100
  bool strict[8]{};          // link strict
  unsigned max_frame = 1518; // ixgbe's max_frame: MTU + Ethernet header + FCS
  unsigned tx_buffer_bytes = 0;  // the port's Tx packet buffer, split equally (TXPBSIZE)
  unsigned rx_buffer_bytes = 0;  // the port's Rx packet buffer, split equally (RXPBSIZE)
  bool vm_wrr = false;           // RTTDCS.VMPAC with each queue's RTTDT1C credits
  bool rx_rr = false;            // RTRPCS.RAC 0: the Rx arbiter round robin (ixgbe: 1, WSP)
  std::vector<unsigned> queue_credits;  // per queue, 64-byte credits (empty: 0 for all, as ixgbe)
};
// ixgbe_dcb_calculate_tc_credits for one class of `percent` of the link when the smallest
// non-zero class has `min_percent`: refill and max credit in 64-byte units.
struct TcCredits {
  unsigned refill, max;
};
TcCredits ixgbe_tc_credits(unsigned percent, unsigned min_percent, unsigned max_frame);

// ---------------------------------------------------------------- per-pool statistics
// The per-VF statistics registers (the VF's BAR: what igbvf / ixgbevf read) and their PF-side
// per-pool arrays: free-running, read-only, not cleared on read, wrapping at their width (32
// bits; the 82599's octet counters 36, as an LSB register and an MSB register with bits 3:0).
enum class StatReg : std::uint8_t { RxPackets, RxOctets, RxMulticast, TxPackets, TxOctets };
struct StatRegDecl {
  StatReg role;
  bool msb = false;  // the register holds bits 35:32 of a 36-bit counter
  unsigned width = 32;
  RegDecl decl;      // VF view: one register; PF view: an array over the pools
};
// The register's value for a counter `v` (the model's 64-bit count).
constexpr std::uint32_t stat_register_value(const StatRegDecl& d, std::uint64_t v) {
  const std::uint64_t wrapped = d.width >= 64 ? v : v & ((std::uint64_t{1} << d.width) - 1);
  return static_cast<std::uint32_t>(d.msb ? wrapped >> 32 : wrapped);
}
constexpr unsigned kStatRegs = 5;  // StatReg values
// The metrics' name of each counter ("rx_packets" ...).
constexpr const char* stat_reg_name(StatReg r) {
  constexpr const char* kNames[kStatRegs] = {"rx_packets", "rx_octets", "rx_multicast", "tx_packets", "tx_octets"};
  return kNames[static_cast<unsigned>(r)];
}
// The counters as a reader sees them: `read(offset)` once per register in the declarations'
// order (LSB before MSB, as ixgbevf reads them), element `element` of the PF's arrays (0 in a
// VF's BAR); a 36-bit counter's MSB register gives bits 35:32. `width` is 0 for a counter
// the family does not have.
struct StatValues {
  std::uint64_t value[kStatRegs] = {};
  unsigned width[kStatRegs] = {};
};
template <class Read>
StatValues read_stat_registers(const std::vector<StatRegDecl>& decls, unsigned element, Read&& read) {
  StatValues s;
  for (const StatRegDecl& d : decls) {
    const auto r = static_cast<unsigned>(d.role);
    const std::uint64_t v = read(d.decl.info.at(element));
    s.value[r] |= d.msb ? (v & 0xF) << 32 : v;
    s.width[r] = d.width;
  }
  return s;
}

// ---------------------------------------------------------------- 802.3x flow control
// The registers' roles: the 82576 has its enables in CTRL (RFCE 27, TFCE 28), the 82599 in
// MFLCN (RFCE) and FCCFG (TFCE_802_3X); both have the high and low water marks of the Rx
// packet buffer (FCRTH, FCRTL with XONE), the pause time sent (FCTTV) and the XOFF refresh
// period (FCRTV).
enum class FcReg : std::uint8_t { Enables, RxEnable, TxEnable, PauseTime, LowWater, HighWater, Refresh, Stored };
constexpr unsigned kFcRegs = 8;
struct FcRegDecl {
  FcReg role;
  RegDecl decl;
};
struct FlowControlCfg {
  bool tx_pause = false;  // the device sends XOFF/XON for its Rx packet buffer
  bool rx_pause = false;  // the device honours pause frames it receives (not modelled)
  bool xon = false;       // FCRTL.XONE: an XON when the buffer falls below the low mark
  unsigned high = 0, low = 0;  // bytes of the Rx packet buffer
  unsigned pause_quanta = 0;   // FCTTV: 512-bit times
  unsigned refresh_quanta = 0; // FCRTV: an XOFF again after this while still paused, 0 = none
};

// ---------------------------------------------------------------- interrupt value types
// The IVAR entries of a function, per queue of its view and direction (2q + dir): vector |
// 0x80 valid. Inline, not on the heap, so that a queue completion reads its entry next to the
// causes and masks (FunctionInterrupts' layout); entries past size() read as not valid.
class IvarTable {
public:
  static constexpr unsigned kMax = 256;  // 2 x the 82599 PF's 128 queues
  std::size_t size() const { return n_; }
  void assign(std::size_t n, std::uint8_t v);  // n <= kMax (else std::logic_error)
  std::uint8_t& operator[](std::size_t i) { return e_[i]; }
  std::uint8_t operator[](std::size_t i) const { return e_[i]; }
  int vector_of(std::size_t i) const { return i < kMax && (e_[i] & 0x80) ? e_[i] & 0x7F : -1; }

private:
  std::uint8_t e_[kMax] = {};
  std::uint16_t n_ = 0;
};

// One function's interrupt state as its registers hold it (EICR/EICS/EIMS/EIMC/EIAC/EIAM,
// EITR, IVAR/IVAR_MISC, GPIE, and the 82576's ICR/IMS for the other causes), decoded by the
// family's codec; the interrupt block (model/pcie/interrupts.h) gives it behaviour through
// `changed` (after any write) and `software_cause` (EICS). What a queue completion reads and
// writes (raise_queue, evaluate: the vector count, causes, masks, auto-clear, other causes) is
// in the first 40 bytes, the IVAR table next: with 63 VFs each function's state is cold when
// its next frame comes (docs/performance.md).
struct InterruptRegs {
  unsigned vectors = 0;             // MSI-X vectors: the width of the vector registers
  int other_vector = -1;            // IVAR_MISC's other-cause entry, -1 when not valid
  std::uint64_t cause = 0;          // EICR: a vector's cause is pending
  std::uint64_t enabled = 0;        // EIMS
  std::uint64_t auto_clear = 0;     // EIAC: emission clears the cause
  std::uint32_t other_cause = 0;    // causes routed to the other vector (82576 ICR; 82599 EICR 31:16)
  std::uint32_t other_enabled = 0;  // their enables (82576 IMS; 82599 EIMS 31:16)
  IvarTable ivar;
  std::uint64_t auto_mask = 0;      // EIAM: emission clears the enable (with GPIE.EIAME)
  bool msix_mode = false, auto_mask_enable = false;  // GPIE.Multiple_MSIX / MSIX_MODE (reset 0), EIAME
  std::uint32_t gpie = 0;
  std::vector<std::uint32_t> eitr;  // per vector, as written
  std::vector<std::uint64_t> interval;       // per vector, decoded: minimum time between messages
  std::uint32_t ivar_misc = 0;
  std::uint64_t ignored_writes = 0; // writes naming vectors or queues the function lacks
  std::function<void(std::uint64_t)> changed;
  std::function<void(std::uint64_t, std::uint64_t)> software_cause;  // EICS: causes set by software
  int vector_of(unsigned queue, unsigned dir) const {  // dir 0: Rx, 1: Tx; -1 when unmapped
    return ivar.vector_of(2 * std::size_t{queue} + dir);
  }
};

// ---------------------------------------------------------------- driver-side value types
struct RxFilterControl {
  bool broadcast = true, unicast_promisc = false, vlan_filter = true;
};
struct PoolMode {
  bool rss = false;
  RssHashTypes types{};
  unsigned default_pool = 0;
  bool replication = true;
};
struct PoolAccept {  // VMOLR / PFVML2FLT as the PF driver sets a pool up
  bool untagged = true, broadcast = true, rss = false;
  unsigned max_frame = 1522;
};
struct SpoofReport {  // what the PF driver's spoof check learned from one read
  std::vector<std::uint64_t>* per_vf = nullptr;  // 82576: events per VF (WVBR)
  std::uint64_t frames = 0;                     // 82599: spoofed frames (SSVPC)
};

class DeviceMap {
public:
  virtual ~DeviceMap() = default;
  virtual Family family() const = 0;
  virtual const char* name() const = 0;  // "igb layout"

  // ---- device side
  virtual void bind_sorter(RegisterSpace& pf, SorterRegs& s) const = 0;
  virtual std::vector<RingRegDecl> ring_decls(Direction d, View v) const = 0;
  virtual RxBufferCtl decode_srrctl(std::uint32_t v) const = 0;
  virtual QueueCtl decode_dctl(Direction d, std::uint32_t v) const = 0;
  virtual std::uint32_t dctl_reset(Direction d) const = 0;
  virtual HeadWriteBack decode_head_wb(std::uint32_t lo, std::uint32_t hi) const = 0;
  virtual std::vector<RateRegDecl> rate_decls() const = 0;
  virtual std::vector<StatRegDecl> stats_decls(View v) const = 0;
  virtual std::vector<FcRegDecl> fc_decls() const = 0;
  virtual FlowControlCfg decode_flow_control(const std::uint32_t (&value)[kFcRegs]) const = 0;
  // What igb_reset / ixgbe_pbthresh_setup + ixgbe_fc_enable_generic program for an Rx packet
  // buffer of `rx_buffer_bytes`, frames up to `max_frame` and flow control requested on
  // (full) or off (none): written through `w`; returns the configuration it sets.
  virtual FlowControlCfg write_flow_control(RegAccess& w, bool enable, unsigned rx_buffer_bytes,
                                            unsigned max_frame, bool sriov) const = 0;
  virtual RateCtl decode_rate(std::uint32_t v) const = 0;
  virtual unsigned decode_burst_units(std::uint32_t v) const = 0;  // RTTBCNRM MMW_SIZE, KB
  // DCB transmit arbitration (none on the 82576): the registers, what RTTDCS, MTQC and the
  // classes' RTTDT2C select, and what the PF driver writes for `plan`.
  virtual std::vector<DcbRegDecl> dcb_decls() const { return {}; }
  virtual TxDcbCfg decode_tx_dcb(const TxDcbRaw& /*raw*/) const { return {}; }
  virtual unsigned decode_queue_credit(std::uint32_t /*rttdt1c*/) const { return 0; }
  virtual std::vector<RxDcbRegDecl> rx_dcb_decls() const { return {}; }
  // The Rx arbiter between the classes' buffers from RTRPCS and RTRPT4C(8).
  virtual ClassArbiterCfg decode_rx_arbiter(std::uint32_t /*rtrpcs*/, const std::uint32_t* /*rtrpt4c*/) const { return {}; }
  virtual unsigned decode_rx_buffer_bytes(std::uint32_t /*rxpbsize*/) const { return 0; }
  virtual std::uint32_t encode_rx_buffer_bytes(unsigned /*bytes*/) const { return 0; }
  // Both directions (ixgbe_set_rxpba, ixgbe_dcb_hw_config_82599, ixgbe_setup_mtqc).
  virtual void write_dcb(RegAccess& /*w*/, const TxDcbPlan& /*plan*/) const {}
  virtual const MailboxLayout& mailbox() const = 0;
  // The function's interrupt registers, declared in `rs` with behaviour on `s` (vectors set
  // by the caller, queues: the view's).
  virtual void bind_interrupts(RegisterSpace& rs, View v, unsigned queues, InterruptRegs& s) const = 0;
  // The other-cause bits of a mailbox message from a VF and of a spoof event.
  virtual std::uint32_t mailbox_cause() const = 0;
  virtual std::uint32_t spoof_cause() const = 0;
  // Legacy (INTx) mode: the ICR causes of an Rx / Tx write-back and of a link change (0: the
  // family's map does not model legacy interrupts).
  virtual std::uint32_t legacy_rx_cause() const { return 0; }
  virtual std::uint32_t legacy_tx_cause() const { return 0; }
  virtual std::uint32_t link_cause() const { return 0; }

  // ---- driver side
  // Offset of a ring register: element `index` of the view (a port queue, or a VF's queue i).
  std::uint32_t ring_offset(Direction d, View v, RingReg r, unsigned index) const;
  virtual std::uint32_t encode_srrctl(const RxBufferCtl& c) const = 0;
  virtual std::uint32_t encode_dctl(Direction d, const QueueCtl& c) const = 0;
  // The RXDCTL / TXDCTL value the family's driver writes to enable a queue (igb / igbvf on
  // the 82576, ixgbe / ixgbevf on the 82599), from the value it reads back (`current`).
  virtual std::uint32_t driver_dctl(Direction d, View v, std::uint32_t current) const = 0;
  virtual void write_rx_filter_control(RegAccess& w, const RxFilterControl& c) const = 0;
  // The RSS key and redirection table (entries as bytes, 128).
  virtual void write_rss_tables(RegAccess& w, const std::uint8_t* key,
                                const std::uint8_t* reta) const = 0;
  virtual void write_pool_mode(RegAccess& w, const PoolMode& m) const = 0;
  virtual void write_receive_address(RegAccess& w, unsigned n, std::uint64_t mac,
                                     unsigned pool) const = 0;
  virtual void write_pool_accept(RegAccess& w, unsigned pool, const PoolAccept& a) const = 0;
  virtual void write_pool_enables(RegAccess& w, hls::PoolMask rx, hls::PoolMask tx) const = 0;
  // VEB loopback and anti-spoofing; `pools_in_use`: the VFs, whose registers are written.
  virtual void write_switch_control(RegAccess& w, bool loopback, hls::PoolMask mac_spoof,
                                    hls::PoolMask vlan_spoof, unsigned pools_in_use) const = 0;
  // Rate limit of a pool (its queues given) as igb_set_vf_rate_limit / ixgbe_set_vf_rate_limit
  // program it; RTTBCNRM's memory window `window_kb`, 0 = the driver's (igb 20, ixgbe 4).
  virtual void write_rate_limit(RegAccess& w, const std::vector<unsigned>& pool_queues,
                                double rate_mbps, double link_mbps, unsigned window_kb = 0) const = 0;
  // The lowest rate RTTBCNRC can program at `link_mbps`: RF = link / rate must lie in the valid
  // factor range (kRateFactorMax; RF_INT, 14 bits on the 82576 and 10 on the 82599, holds it).
  // A lower rate would wrap RF_INT or be ignored by the hardware (ixgbe_ndo_set_vf_bw refuses
  // 10 Mb/s and less at 10 Gb/s for the same reason).
  virtual double min_rate_limit(double link_mbps) const = 0;
  // ---- interrupts, as igb/igbvf (82576) and ixgbe/ixgbevf (82599) program them
  // GPIE, EIAC and EIAM for MSI-X with auto-clear and auto-mask of the `vectors` bits.
  virtual void write_msix_mode(RegAccess& w, View v, std::uint64_t vectors) const = 0;
  // IVAR entry of queue `queue` of the view (dir 0: Rx, 1: Tx), and IVAR_MISC's other cause.
  virtual void write_queue_vector(RegAccess& w, View v, unsigned queue, unsigned dir,
                                  unsigned vector) const = 0;
  virtual void write_other_vector(RegAccess& w, View v, unsigned vector) const = 0;
  // EITR of `vector` from the driver's ITR value (microseconds << 2, as all four drivers keep
  // it), in the family's format (82576: interval bits 14:2 in us, CNT_IGNR; 82599: bits 11:3
  // in 2.048 us, CNT_WDIS).
  virtual void write_itr(RegAccess& w, View v, unsigned vector, std::uint32_t itr) const = 0;
  // EIMS (82599 PF: EIMS_EX) for vector bits; the other causes' enables; EIMC.
  virtual void write_irq_enable(RegAccess& w, View v, std::uint64_t vectors) const = 0;
  virtual void write_irq_disable(RegAccess& w, View v, std::uint64_t vectors) const = 0;
  virtual void write_other_enable(RegAccess& w, std::uint32_t causes) const = 0;
  // The other causes pending, read and cleared as igb_msix_other / ixgbe_msix_other do.
  virtual std::uint32_t read_other_causes(RegAccess& w) const = 0;
  // The EITR interval the device applies for a register value (for the metrics).
  virtual std::uint64_t itr_interval_ps(View v, std::uint32_t eitr) const = 0;

  // The PF driver's spoof check (igb_spoof_check / ixgbe_spoof_check); `queue_of(vf, i)`
  // names the VF's queues.
  virtual void read_spoof_report(RegAccess& w, unsigned vfs, unsigned queues_per_pool,
                                 const std::function<unsigned(unsigned, unsigned)>& queue_of,
                                 SpoofReport& out) const = 0;
};

const DeviceMap& device_map(Family f);

}  // namespace regs
}  // namespace iovsim
