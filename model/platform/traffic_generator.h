// The link partner's traffic as the scenario describes it (portN.wire): frame sizes and
// destinations drawn by weight, constant or Poisson spacing at a fraction of line rate, every
// frame a real one (model/core/packet.h). Plain C++: the wire source (model/platform/
// wire_source.h) draws from it during a run, `iovsim trace synth` writes it to a pcap.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "model/core/frame.h"
#include "model/core/packet.h"
#include "model/core/scenario.h"
#include "model/core/weighted_pick.h"

namespace iovsim {

class TrafficGenerator {
public:
  // `vf_macs`, `pf_mac`: the port's station addresses (the destinations vfs, vfN, pf).
  TrafficGenerator(unsigned port, const WireCfg& cfg, double line_bps, std::uint64_t seed,
                   const std::vector<std::uint64_t>& vf_macs, std::uint64_t pf_mac);
  unsigned next_size() { return sizes_[last_size_ = size_pick_(rng_)]; }  // the next frame's size (with FCS)
  void fill(Frame& f, unsigned len, ps_t t);   // its bytes, stamped with its send time t
  ps_t gap(unsigned len);                      // from its start to the next frame's
  // The headers of port `port`'s link partner's frames.
  static PacketSpec packet_spec(unsigned port, const WireCfg& w);

private:
  unsigned port_;
  WireCfg cfg_;
  double line_bps_;
  std::mt19937_64 rng_;
  std::vector<unsigned> sizes_;
  WeightedPick size_pick_;
  unsigned last_size_ = 0;                // sizes_' index next_size() drew last
  std::vector<ps_t> constant_gaps_;       // constant pattern: each size's gap, computed once
  std::vector<std::uint64_t> dests_;  // 0: unknown unicast (randomised per frame)
  std::vector<std::uint8_t> dest_pcp_;  // per dests_ entry: its frames' 802.1p priority
  WeightedPick dest_pick_;
  std::exponential_distribution<double> poisson_gap_;
  std::uint64_t seq_ = 0;
  PacketBuilder builder_;
  ps_t constant_gap(unsigned len) const;
};

}  // namespace iovsim
