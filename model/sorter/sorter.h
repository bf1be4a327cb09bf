// The L2 sorter / classifier of one port: the Virtual Ethernet Bridge. Its filter tables are
// programmed only through the PF's registers, decoded by the family's codec
// (DeviceMap::bind_sorter: RAL/RAH, MTA, UTA, VFTA, VLVF, VMOLR, VT_CTL, VFRE/VFTE, DTXSWC,
// RCTL, MRQC on the 82576; their ixgbe counterparts on the 82599) into hls::SorterTables; the
// decisions are made by the synthesizable core in hls/sorter (classify_rx, switch_tx), the
// same code the RTL is checked against. Nothing here depends on the family.
// Rx: wire frame -> pool set -> one copy per pool to the Rx DMA. Tx: anti-spoofing, then
// local delivery (loopback) and/or the wire. The module adds no time of its own (the hardware
// classifies in the MAC pipeline): a documented abstraction.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "hls/sorter/rss.h"
#include "hls/sorter/sorter_core.h"
#include "model/core/device_profile.h"
#include "model/core/frame_protocol.h"
#include "model/core/observer.h"
#include "model/core/metrics_registry.h"
#include "model/core/stats.h"
#include "model/regs/device_map.h"
#include "model/rtl/sorter_rtl.h"

namespace iovsim {

// Parses the L2 header of a frame (DA, SA, 802.1Q tag, EtherType).
hls::L2Header parse_l2(const Frame& f);
// Fills the RSS input of an IPv4/IPv6 frame for the hash types MRQC enables (ports only for
// TCP/UDP with their type enabled, never for fragments). False: no hash for this frame.
bool parse_flow(const Frame& f, const hls::L2Header& h, const regs::RssHashTypes& types,
                hls::FlowTuple& t);

class Sorter : public sc_core::sc_module {
public:
  FrameTargetSocket<Sorter> rx_in;  // from the MAC
  FrameTargetSocket<Sorter> tx_in;  // from the Tx DMA engine (payload.pool_id = source pool)
  FrameInitiatorSocket to_dma;      // to the Rx DMA (payload.pool_id/queue set)
  FrameInitiatorSocket to_wire;     // to the MAC's Tx side

  // `num_rar`/`num_vlvf`: the table sizes in use (at most the preset's); entries beyond them
  // exist as registers but are ignored, and writes to them are counted.
  Sorter(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
         unsigned num_rar, unsigned num_vlvf, regs::RegisterSpace& pf_regs);
  ~Sorter() override;
  // sorter.impl rtl: the decisions come from `rtl` (SorterRtl::create, by the platform), which
  // sees every filter register write from now on.
  void use_rtl(std::unique_ptr<SorterRtl> rtl);
  SorterRtl* rtl() const { return rtl_.get(); }  // nullptr with the C++ core

  struct Stats {
    std::uint64_t loopback_frames = 0;    // copies switched from a Tx queue to a local pool
    std::uint64_t replicated_frames = 0;  // frames delivered to more than one destination
    std::uint64_t replicas = 0;           // the extra copies replication made (ledger)
    std::uint64_t spoof_events = 0;       // Tx frames that failed anti-spoofing
  };
  const Stats& stats() const { return stats_; }
  const DropCounter& drops() const { return drops_; }
  void publish(MetricsRegistry& m) const;

  const hls::SorterTables& tables() const { return r_.tables; }
  // Called for each spoofed Tx frame (the 82576 raises ICR.DOUTSYNC for the PF).
  std::function<void()> on_spoof;
  // Observation: the decision for the last frame (the pools an Rx frame went to, the pools a
  // Tx frame looped back to, bit 63 for the wire) as probes, and the log's frame lines.
  void observe(const Observer& o);
  std::uint64_t ignored_writes() const { return r_.ignored_writes; }
  std::uint64_t classify_calls() const { return cache_misses_; }
  std::uint64_t switch_calls() const { return tx_cache_misses_; }

private:
  // Rx: each frame's t is when its last byte arrived; its copies go on to the Rx DMA with the
  // same t, in bursts (rx_out_).
  void receive(FrameBurst& b);
  // Tx: each frame's t is when it is ready; on return, for one that went to the wire, when
  // its last byte left (the MAC's), otherwise unchanged. Loopback copies go to the Rx DMA
  // (lb_out_), each sent before the frame goes to the wire.
  void transmit(FrameBurst& b);
  // One Tx frame: anti-spoofing, its loopback copies into `lb`; true if it goes to the wire
  // (false: dropped and released, or local only).
  bool switch_one(FramePayload& p, FrameBurst& lb);
  // One copy per pool in `pools` into `out` (sent when full), with the frame's queue there.
  void deliver(FramePayload& p, const hls::L2Header& h, hls::PoolMask pools,
               unsigned other_copies, FrameBurst& out);
  // --vcd / --log: the decision for a frame (`drop`: why it was dropped, kCount: delivered).
  [[gnu::cold]] void observe_decision(bool rx, const FramePayload& p, const hls::L2Header& h, std::uint64_t pools,
                                      Drop drop, ps_t t);
  bool observed_ = false;
  Probe rx_pools_, tx_pools_;
  TransactionLog* log_ = nullptr;
  // classify_rx and switch_tx are pure functions of the tables, the header (and the source
  // pool): their decisions are memoised per header until the next filter register write.
  // Same results, far fewer table walks.
  const hls::RxDecision& classify(const hls::L2Header& h);
  const hls::TxDecision& switch_frame(unsigned src_pool, const hls::L2Header& h);
  // sorter.impl rtl: the decision from the RTL; `t`: the frame's time (where the RTL's clock
  // edges go).
  [[gnu::cold, gnu::noinline]] const hls::RxDecision& classify_rtl(const hls::L2Header& h, ps_t t);
  [[gnu::cold, gnu::noinline]] const hls::TxDecision& switch_rtl(unsigned src_pool, const hls::L2Header& h, ps_t t);
  std::unique_ptr<SorterRtl> rtl_;
  hls::RxDecision rtl_rx_{};
  hls::TxDecision rtl_tx_{};

  // The bursts on their way to the Rx DMA and the wire: one each for the Rx and the Tx path,
  // since a frame to the wire may bring the link partner's reply back through receive().
  FrameBurst rx_out_, lb_out_, wire_out_;
  const DeviceProfile& prof_;
  PortLayout p_;
  Stats stats_;
  DropCounter drops_;
  regs::SorterRegs r_;  // decoded from the filter registers by the family's codec
  regs::RegisterSpace& pf_regs_;
  std::size_t first_filter_entry_ = 0;  // the filter registers' first entry in pf_regs_
  struct RxCacheEntry {
    hls::L2Header h{};
    hls::RxDecision d{};
    std::uint64_t generation = 0;
  };
  struct TxCacheEntry {
    hls::L2Header h{};
    unsigned src = ~0u;
    hls::TxDecision d{};
    std::uint64_t generation = 0;
  };
  static constexpr unsigned kRxCacheEntries = 1024, kTxCacheEntries = 1024;
  std::vector<RxCacheEntry> rx_cache_ = std::vector<RxCacheEntry>(kRxCacheEntries);
  std::vector<TxCacheEntry> tx_cache_ = std::vector<TxCacheEntry>(kTxCacheEntries);
  std::uint64_t cache_misses_ = 0, tx_cache_misses_ = 0;
  // MAC conflicts: addresses that valid RAR entries give to different pools (a VF that took a
  // neighbour's MAC). Checked when the datapath first sees a changed filter table.
  unsigned mac_conflicts() const;
  [[gnu::cold, gnu::noinline]] void filters_changed();  // the first frame after a filter write
  std::uint64_t conflicts_checked_ = 0;  // the filter generation last checked
  unsigned conflicts_peak_ = 0;
};

}  // namespace iovsim
