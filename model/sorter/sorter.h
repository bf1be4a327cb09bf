// The L2 sorter / classifier of one port: the Virtual Ethernet Bridge. Its filter tables are
// programmed only through the PF's registers (RAL/RAH, MTA, UTA, VFTA, VLVF, VMOLR, VT_CTL,
// VFRE/VFTE, DTXSWC, RCTL, MRQC: 82576 layout); the decisions are made by the synthesizable
// core in hls/sorter (classify_rx, switch_tx), the same code the RTL is checked against.
// Rx: wire frame -> pool set -> one copy per pool to the Rx DMA. Tx: anti-spoofing, then
// local delivery (loopback) and/or the wire. The module adds no time of its own (the hardware
// classifies in the MAC pipeline): a documented abstraction.
#pragma once
#include <string>
#include <systemc>
#include <vector>

#include "hls/sorter/rss.h"
#include "hls/sorter/sorter_core.h"
#include "model/core/device_profile.h"
#include "model/core/frame_protocol.h"
#include "model/core/register_space.h"
#include "model/core/stats.h"

namespace iovsim {

// Parses the L2 header of a frame (DA, SA, 802.1Q tag, EtherType).
hls::L2Header parse_l2(const Frame& f);
// Fills the RSS input of an IPv4/IPv6 frame for the hash types MRQC enables (ports only for
// TCP/UDP with their type enabled, never for fragments). False: no hash for this frame.
bool parse_flow(const Frame& f, const hls::L2Header& h, std::uint32_t mrqc, hls::FlowTuple& t);

class Sorter : public sc_core::sc_module {
public:
  FrameTargetSocket<Sorter> rx_in;  // from the MAC
  FrameTargetSocket<Sorter> tx_in;  // from the Tx DMA engine (payload.pool_id = source pool)
  FrameInitiatorSocket to_dma;      // to the Rx DMA (payload.pool_id/queue set)
  FrameInitiatorSocket to_wire;     // to the MAC's Tx side

  // `num_rar`/`num_vlvf`: the table sizes in use (at most the preset's); entries beyond them
  // exist as registers but are ignored, and writes to them are counted.
  Sorter(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
         unsigned num_rar, unsigned num_vlvf, Stats& stats, RegisterSpace& pf_regs);

  const hls::SorterTables& tables() const { return t_; }
  std::uint64_t ignored_writes() const { return ignored_writes_; }
  std::uint64_t classify_calls() const { return cache_misses_; }
  std::uint64_t spoof_events() const { return spoof_events_; }

private:
  void receive(FramePayload& p, sc_core::sc_time& delay);
  void transmit(FramePayload& p, sc_core::sc_time& delay);
  void deliver(FramePayload& p, const hls::L2Header& h, hls::PoolMask pools,
               unsigned other_copies, sc_core::sc_time& delay);
  void map_registers(RegisterSpace& rs);
  void map_registers_82576();
  void map_registers_82599();
  // Shared tables at the family's offsets: MTA, VFTA, UTA, RETA, RSSRK.
  void map_tables(std::uint32_t mta, std::uint32_t vfta, std::uint32_t uta, std::uint32_t reta,
                  std::uint32_t rssrk);
  void map_rss_tables(std::uint32_t reta, std::uint32_t rssrk);
  void add(const std::string& name, std::uint32_t off, unsigned count, std::uint32_t stride,
           RegisterSpace::ReadFn read, RegisterSpace::WriteFn write);
  // Pool bits [first_pool, first_pool + 32) of a register; bits for absent pools are ignored
  // and counted.
  std::uint32_t keep_pools(std::uint32_t v, unsigned first_pool);
  // 82599 64-pool bitmaps held as two registers (pools 0-31, 32-63): writes one half and
  // returns the whole bitmap.
  hls::PoolMask write_half(std::uint32_t* pair, unsigned half, std::uint32_t v);
  RegisterSpace* regs_ = nullptr;  // during map_registers
  void count_drop(hls::RxVerdict v, int fn);
  // classify_rx is a pure function of the tables and the header: its decisions are memoised
  // per header until the next filter register write. Same results, far fewer table walks.
  const hls::RxDecision& classify(const hls::L2Header& h);

  const DeviceProfile& prof_;
  PortLayout p_;
  Stats& stats_;
  hls::SorterTables t_{};
  std::uint32_t rctl_ = 0, vt_ctl_ = 0, mrqc_ = 0, dtxswc_ = 0, vfre_ = 0, vfte_ = 0;
  std::uint32_t ral_[hls::kMaxRar] = {}, rah_[hls::kMaxRar] = {};
  std::uint32_t wvbr_ = 0, ssvpc_ = 0;
  bool rss_on_ = false;  // MRQC selects VMDq + RSS
  hls::PoolMask rss_pools_ = 0;  // pools with VMOLR.RSSE
  std::uint64_t spoof_events_ = 0;
  std::uint8_t rss_key_[hls::kRssKeyBytes] = {};
  std::uint8_t reta_[hls::kRetaEntries] = {};
  std::uint32_t vmolr_[hls::kMaxPools] = {}, vlvf_[hls::kMaxVlvf] = {};
  std::uint32_t mpsar_[2 * hls::kMaxRar] = {}, vlvfb_[2 * hls::kMaxVlvf] = {};
  std::uint32_t fctrl_ = 0, vlnctrl_ = 0, mcstctrl_ = 0, spoof_[8] = {};
  std::uint32_t vfre2_[2] = {}, vfte2_[2] = {};
  std::uint64_t ignored_writes_ = 0;
  struct RxCacheEntry {
    hls::L2Header h{};
    hls::RxDecision d{};
    std::uint64_t generation = 0;
  };
  static constexpr unsigned kRxCacheEntries = 1024;
  std::vector<RxCacheEntry> rx_cache_ = std::vector<RxCacheEntry>(kRxCacheEntries);
  std::uint64_t generation_ = 1, cache_misses_ = 0;
};

}  // namespace iovsim
