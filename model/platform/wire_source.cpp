#include "model/platform/wire_source.h"

#include "model/core/flow_control.h"

#include "model/core/frame_stamp.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstring>

#include "model/mac/mac.h"

namespace iovsim {

namespace {
constexpr std::uint64_t kBroadcast = 0xFFFFFFFFFFFFull;
}

WireSource::WireSource(sc_core::sc_module_name name, const WireSourceParams& p, FramePool& pool)
    : sc_module(name), out("out"), p_(p), pool_(pool), drops_(p.port, 0, 0),
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
  using K = Destination::Kind;
  for (auto& [d, weight] : p.cfg.destinations) switch (d.kind) {
      case K::AllVfs:
        for (unsigned v = 0; v < nvf; ++v) dests_.push_back(p.vf_macs[v]), dw.push_back(weight / nvf);
        break;
      case K::Pf: dests_.push_back(p.pf_mac), dw.push_back(weight); break;
      case K::Broadcast: dests_.push_back(kBroadcast), dw.push_back(weight); break;
      case K::Unknown: dests_.push_back(0), dw.push_back(weight); break;  // randomised per frame
      case K::Vf: dests_.push_back(p.vf_macs[d.vf]), dw.push_back(weight); break;  // validated
      case K::Mac: dests_.push_back(d.mac.value()), dw.push_back(weight); break;
      case K::Wire: break;  // not a destination on the wire (the loader refuses it)
    }
  dest_pick_ = std::discrete_distribution<unsigned>(dw.begin(), dw.end());
  SC_HAS_PROCESS(WireSource);
  if (p.cfg.pattern != Pattern::off && p.cfg.load > 0) SC_THREAD(run);
}

void WireSource::publish(MetricsRegistry& m) const {
  m.counter("/conservation/injected_wire", injected_, Unit::Frames,
            "frames the link partners started sending");
  drops_.publish(m);
}

void WireSource::fill(Frame& f, unsigned len) {
  std::uint64_t da = dests_[dest_pick_(rng_)];
  if (da == 0) da = 0x000000EEEE02ull | (rng_() & 0xFFFFFF) << 24;  // 02:ee:ee:xx:xx:xx
  std::uint8_t h[46] = {};
  for (int i = 0; i < 6; ++i) h[i] = static_cast<std::uint8_t>(da >> (8 * i));
  const std::uint8_t sa[6] = {0x00, 0xaa, 0xbb, 0xcc, 0xdd, static_cast<std::uint8_t>(p_.port)};
  std::memcpy(h + 6, sa, 6);
  unsigned l2 = 12;
  if (p_.cfg.vlan) {  // 802.1Q tag
    h[12] = 0x81, h[14] = static_cast<std::uint8_t>(p_.cfg.vlan >> 8);
    h[15] = static_cast<std::uint8_t>(p_.cfg.vlan);
    l2 = 16;
  }
  std::uint8_t* ip = h + l2 + 2;  // IPv4 / UDP, one of 64 flows (for RSS)
  h[l2] = 0x08;
  ip[0] = 0x45;
  ip[9] = 17;
  ip[12] = 192, ip[13] = 168, ip[14] = 1, ip[15] = static_cast<std::uint8_t>(seq_ & 0x3F);
  ip[16] = 10, ip[17] = 0, ip[18] = 0, ip[19] = 1;
  ip[20] = 0x13, ip[21] = static_cast<std::uint8_t>(seq_ * 7 & 0x3F);
  ip[22] = 0x00, ip[23] = 0x50;
  const unsigned hdr = l2 + 2 + 24;
  std::memcpy(f.data, h, len < hdr ? len : hdr);
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
  const bool poisson = p_.cfg.pattern == Pattern::poisson;
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
  if (!p_.window->decided) wait(*p_.window->go);
  ps_t t = p_.window->start;
  const ps_t end = p_.window->end;
  while (t < end) {
    // A pause from the device holds the next frame back (the partner's schedule moves with it:
    // it sends less, it does not queue up what it could not send).
    if (p_.pause) {
      t = p_.pause->may_start(t);
      if (t >= end) break;
    }
    // Keep within one quantum of kernel time before touching shared state (the first frame
    // after the warm-up would otherwise be classified against filters not yet programmed).
    if (t > now_ps()) qk.set(to_sc(t - now_ps()));
    if (qk.need_sync()) qk.sync();
    unsigned len = sizes_[size_pick_(rng_)];
    ++injected_;
    FrameHandle h = pool_.alloc();
    if (h == kNoFrame) {
      drops_.count(Drop::FramePoolEmpty, -1);
    } else {
      fill(pool_[h], len);
      write_stamp(pool_[h].data, len - kFcsBytes, t);  // the link partner's send time
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
  }
}

}  // namespace iovsim
