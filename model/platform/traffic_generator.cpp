#include "model/platform/traffic_generator.h"

#include "model/mac/mac.h"

#include <algorithm>

namespace iovsim {

namespace {
constexpr std::uint64_t kBroadcast = 0xFFFFFFFFFFFFull;
}

TrafficGenerator::TrafficGenerator(unsigned port, const WireCfg& cfg, double line_bps, std::uint64_t seed,
                                   const std::vector<std::uint64_t>& vf_macs, std::uint64_t pf_mac)
    : port_(port), cfg_(cfg), line_bps_(line_bps), rng_(seed * 0x9E3779B97F4A7C15ull + port),
      builder_() {
  std::vector<double> w;
  for (auto& [size, weight] : cfg.frame_sizes) {
    sizes_.push_back(size);
    w.push_back(weight);
  }
  size_pick_ = WeightedPick(w);
  // Expand the destination mix into one entry per address.
  std::vector<double> dw;
  const unsigned nvf = static_cast<unsigned>(vf_macs.size());
  using K = Destination::Kind;
  for (auto& [d, weight] : cfg.destinations) {
    const auto it = cfg.priorities.find(d);  // the entry's 802.1p priority, for all its addresses
    const auto pcp = static_cast<std::uint8_t>(it == cfg.priorities.end() ? 0 : it->second);
    auto add = [&](std::uint64_t mac, double share) {
      dests_.push_back(mac);
      dw.push_back(share);
      dest_pcp_.push_back(pcp);
    };
    switch (d.kind) {
      case K::AllVfs:
        for (unsigned v = 0; v < nvf; ++v) add(vf_macs[v], weight / nvf);
        break;
      case K::Pf: add(pf_mac, weight); break;
      case K::Broadcast: add(kBroadcast, weight); break;
      case K::Unknown: add(0, weight); break;  // randomised per frame
      case K::Vf: add(vf_macs[d.vf], weight); break;  // validated
      case K::Mac: add(d.mac.value(), weight); break;
      case K::Wire: break;  // not a destination on the wire (the loader refuses it)
    }
  }
  dest_pick_ = WeightedPick(dw);
  PacketSpec spec = packet_spec(port, cfg);
  spec.flows = 64 * static_cast<unsigned>(std::max<std::size_t>(dests_.size(), 1));
  builder_ = PacketBuilder(spec);
  double mean_slot = 0, wsum = 0;
  const std::vector<double> probs = size_pick_.probabilities();
  for (unsigned i = 0; i < sizes_.size(); ++i) {
    mean_slot += probs[i] * static_cast<double>(frame_slot_ps(sizes_[i], line_bps));
    wsum += probs[i];
  }
  if (wsum > 0 && mean_slot > 0 && cfg.load > 0)
    poisson_gap_ = std::exponential_distribution<double>(cfg.load / (mean_slot / wsum));
  if (cfg.pattern != Pattern::poisson && cfg.load > 0)
    for (unsigned size : sizes_) constant_gaps_.push_back(constant_gap(size));
}

ps_t TrafficGenerator::constant_gap(unsigned len) const {
  return static_cast<ps_t>(static_cast<double>(frame_slot_ps(len, line_bps_)) / cfg_.load + 0.5);
}

ps_t TrafficGenerator::gap(unsigned len) {
  if (cfg_.pattern == Pattern::poisson) return static_cast<ps_t>(poisson_gap_(rng_) + 0.5);
  // The size next_size() drew (two floating-point divisions a frame otherwise).
  if (last_size_ < constant_gaps_.size() && sizes_[last_size_] == len) return constant_gaps_[last_size_];
  return constant_gap(len);
}

PacketSpec TrafficGenerator::packet_spec(unsigned port, const WireCfg& w) {
  PacketSpec p;
  p.sa = 0x0000DDCCBBAA00ull | std::uint64_t{port & 0xFF} << 40;  // 00:aa:bb:cc:dd:<port>
  p.vlan = w.vlan;
  p.l3 = w.l3;
  p.l4 = w.l4;
  if (w.l3 == L3Kind::ipv4) {
    p.src_ip = {192, 168, 1, 0};
    p.dst_ip = {10, 0, 0, 1};
  } else {  // fd00::c0a8:1xx from fd00::1 style unique local addresses
    p.src_ip = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xa8, 1, 0};
    p.dst_ip = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  }
  p.sport_base = 0x1300;  // 64 flows (for RSS): the source's last byte and port vary
  p.dport = 80;
  return p;
}

void TrafficGenerator::fill(Frame& f, unsigned len, ps_t t) {
  const unsigned d = dest_pick_(rng_);
  std::uint64_t da = dests_[d];
  if (da == 0) da = 0x000000EEEE02ull | (rng_() & 0xFFFFFF) << 24;  // 02:ee:ee:xx:xx:xx
  PacketVars v;
  v.da = da;
  v.src_low = static_cast<std::uint8_t>(seq_ & 0x3F);
  v.sport = static_cast<std::uint8_t>(seq_ * 7 & 0x3F);
  if (cfg_.l4 == L4Kind::tcp) {  // a TCP flow per destination: each station sees whole streams
    v.dst_add = static_cast<std::uint8_t>(d % 254);
    v.flow = d * 64 + static_cast<std::uint32_t>(seq_ & 0x3F);
  }
  v.ip_id = static_cast<std::uint16_t>(seq_);
  v.pcp = dest_pcp_[d];
  builder_.build(f.data, len - kFcsBytes, v, t, f.built_by == &builder_ ? f.built_len : 0);  // stamped with its send time
  f.built_by = &builder_;
  f.built_len = len - kFcsBytes;
  f.len = len;
  f.fcs_ok = cfg_.fcs_error_rate <= 0 ||
             std::uniform_real_distribution<double>(0, 1)(rng_) >= cfg_.fcs_error_rate;
  f.origin = Origin::Wire;
  f.src_fn = -1;
  f.seq = seq_++;
}

}  // namespace iovsim
