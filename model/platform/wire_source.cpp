#include "model/platform/wire_source.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstring>

#include "model/mac/mac.h"

namespace iovsim {

namespace {
constexpr std::uint64_t kBroadcast = 0xFFFFFFFFFFFFull;
}

WireSource::WireSource(sc_core::sc_module_name name, const WireSourceParams& p, FramePool& pool,
                       Stats& stats)
    : sc_module(name), out("out"), p_(p), pool_(pool), stats_(stats),
      rng_(p.seed * 0x9E3779B97F4A7C15ull + p.port) {
  std::vector<double> w;
  for (auto& [size, weight] : p.cfg.frame_sizes) {
    sizes_.push_back(size);
    w.push_back(weight);
  }
  size_pick_ = std::discrete_distribution<unsigned>(w.begin(), w.end());
  // Expand the destination mix into one entry per address.
  std::vector<double> dw;
  const unsigned nvf = static_cast<unsigned>(p.vf_macs.size());
  for (auto& [key, weight] : p.cfg.destinations) {
    if (key == "vfs") {
      for (unsigned v = 0; v < nvf; ++v) dests_.push_back(p.vf_macs[v]), dw.push_back(weight / nvf);
    } else if (key == "pf") {
      dests_.push_back(p.pf_mac), dw.push_back(weight);
    } else if (key == "broadcast") {
      dests_.push_back(kBroadcast), dw.push_back(weight);
    } else if (key == "unknown") {
      dests_.push_back(0), dw.push_back(weight);
    } else {  // vfN, validated by the scenario loader
      dests_.push_back(p.vf_macs[std::stoul(key.substr(2))]), dw.push_back(weight);
    }
  }
  dest_pick_ = std::discrete_distribution<unsigned>(dw.begin(), dw.end());
  SC_HAS_PROCESS(WireSource);
  if (p.cfg.pattern != "off" && p.cfg.load > 0) SC_THREAD(run);
}

void WireSource::fill(Frame& f, unsigned len) {
  std::uint64_t da = dests_[dest_pick_(rng_)];
  if (da == 0) da = 0x000000EEEE02ull | (rng_() & 0xFFFFFF) << 24;  // 02:ee:ee:xx:xx:xx
  std::uint8_t h[42] = {};
  for (int i = 0; i < 6; ++i) h[i] = static_cast<std::uint8_t>(da >> (8 * i));
  const std::uint8_t sa[6] = {0x00, 0xaa, 0xbb, 0xcc, 0xdd, static_cast<std::uint8_t>(p_.port)};
  std::memcpy(h + 6, sa, 6);
  h[12] = 0x08;  // IPv4 / UDP, one of 64 flows (for RSS)
  h[14] = 0x45;
  h[23] = 17;
  h[26] = 192, h[27] = 168, h[28] = 1, h[29] = static_cast<std::uint8_t>(seq_ & 0x3F);
  h[30] = 10, h[31] = 0, h[32] = 0, h[33] = 1;
  h[34] = 0x13, h[35] = static_cast<std::uint8_t>(seq_ & 0x3F);
  h[36] = 0x00, h[37] = 0x50;
  std::memcpy(f.data, h, len < sizeof h ? len : sizeof h);
  f.len = len;
  f.fcs_ok = p_.cfg.fcs_error_rate <= 0 ||
             std::uniform_real_distribution<double>(0, 1)(rng_) >= p_.cfg.fcs_error_rate;
  f.origin = Origin::Wire;
  f.src_fn = -1;
  f.seq = seq_++;
}

void WireSource::run() {
  tlm_utils::tlm_quantumkeeper qk;
  qk.reset();
  const bool poisson = p_.cfg.pattern == "poisson";
  double mean_slot = 0;
  {
    double wsum = 0;
    const auto& probs = size_pick_.probabilities();
    for (unsigned i = 0; i < sizes_.size(); ++i) {
      mean_slot += probs[i] * static_cast<double>(frame_slot_ps(sizes_[i], p_.line_bps));
      wsum += probs[i];
    }
    mean_slot /= wsum;
  }
  std::exponential_distribution<double> gap(p_.cfg.load / mean_slot);
  ps_t t = 0;
  while (t < p_.end) {
    unsigned len = sizes_[size_pick_(rng_)];
    stats_.ledger().injected_wire++;
    FrameHandle h = pool_.alloc();
    if (h == kNoFrame) {
      stats_.drop(Drop::FramePoolEmpty, p_.port, -1);
    } else {
      fill(pool_[h], len);
      FramePayload pl;
      pl.pool = &pool_;
      pl.handle = h;
      pl.port = static_cast<std::uint16_t>(p_.port);
      sc_core::sc_time d = to_sc(t - now_ps());
      out.send(pl, d);
    }
    t += poisson ? static_cast<ps_t>(gap(rng_) + 0.5)
                 : static_cast<ps_t>(static_cast<double>(frame_slot_ps(len, p_.line_bps)) /
                                         p_.cfg.load + 0.5);
    if (t > now_ps()) qk.set(to_sc(t - now_ps()));
    if (qk.need_sync()) qk.sync();
  }
}

}  // namespace iovsim
