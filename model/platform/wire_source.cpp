#include "model/platform/wire_source.h"

#include "model/core/flow_control.h"

#include "model/core/quantum_keeper.h"

#include <cstring>

#include <fmt/format.h>

#include "model/mac/mac.h"
#include "model/core/packet.h"
#include "model/trace/pcap.h"

namespace iovsim {

WireSource::WireSource(sc_core::sc_module_name name, const WireSourceParams& p, FramePool& pool)
    : sc_module(name), out("out"), p_(p), pool_(pool), drops_(p.port, 0, 0),
      gen_(p.port, p.cfg, p.line_bps, p.seed, p.vf_macs, p.pf_mac) {
  SC_HAS_PROCESS(WireSource);
  if (!p.cfg.trace.empty()) {
    try {
      trace_ = std::make_unique<PcapReader>(p.cfg.trace);  // checked whole before the run
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("port{}.wire.trace: {}", p.port, e.what()));
    }
    SC_THREAD(replay);
  } else if (p.cfg.pattern != Pattern::off && p.cfg.load > 0) {
    SC_THREAD(run);
  }
  if (p.takeover_at && p.takeover.pattern != Pattern::off && p.takeover.load > 0) {
    take_gen_ = std::make_unique<TrafficGenerator>(p.port, p.takeover, p.line_bps, p.seed ^ 0x5eedb0d5ull,
                                                   p.takeover_vf_macs, p.takeover_pf_mac);
    SC_THREAD(run_takeover);
  }
}

WireSource::~WireSource() = default;

void WireSource::replay() {
  QuantumKeeper qk;
  qk.reset();
  if (!p_.window->decided) wait(*p_.window->go);
  const ps_t start = p_.window->start, end = p_.window->end;
  const ps_t first = trace_->first_time();
  ps_t elapsed = 0;  // line_rate: to the end of the previous frame's slot
  TraceFrame tf;
  FrameBurst b;
  LocalTime lt(qk);  // as generate(): the keeper set only when it syncs
  while (trace_->next(tf)) {
    const unsigned len = tf.len + kFcsBytes;  // the trace holds frames without their FCS
    ps_t t = start + replay_offset(p_.cfg.trace_timing, p_.cfg.trace_scale, tf.t - first, elapsed);
    if (p_.pause) t = p_.pause->may_start(t);
    if (t >= end) break;
    elapsed = t - start + frame_slot_ps(len, p_.line_bps);
    const ps_t now = now_ps();
    if (t > now) lt.set(t - now);
    if (lt.need_sync(now)) {
      out.flush(b);
      lt.sync();
    }
    ++injected_;
    FrameHandle h = pool_.alloc();
    if (h == kNoFrame) {
      drops_.count(Drop::FramePoolEmpty, -1);
      continue;
    }
    Frame& f = pool_[h];
    f.built_by = nullptr;  // the trace's bytes: no builder's
    std::memcpy(f.data, tf.data, tf.caplen);
    if (tf.caplen < tf.len) std::memset(f.data + tf.caplen, 0, tf.len - tf.caplen);  // cut by the capture's snap length
    restamp_packet(f.data, tf.len, t);  // an iovsim frame's origin stamp: its new send time
    f.len = len;
    f.fcs_ok = true;
    f.origin = Origin::Wire;
    f.src_fn = -1;
    f.seq = replayed_++;
    send(b, h, t);
  }
  out.flush(b);
}

void WireSource::send(FrameBurst& b, FrameHandle h, ps_t t) {
  if (!b.n) b.start(now_ps());
  FramePayload& pl = b.add();
  pl.pool = &pool_;
  pl.handle = h;
  pl.port = static_cast<std::uint16_t>(p_.port);
  pl.t = t;
  if (b.n >= p_.burst) out.flush(b);
}

void WireSource::publish(MetricsRegistry& m) const {
  m.counter("/conservation/injected_wire", injected_, Unit::Frames,
            "frames the link partners started sending");
  drops_.publish(m);
}

void WireSource::run() {
  QuantumKeeper qk;
  qk.reset();
  if (!p_.window->decided) wait(*p_.window->go);
  const ps_t end = p_.window->end;
  generate(gen_, p_.window->start, p_.link_down ? std::min(end, *p_.link_down) : end, qk);
}

void WireSource::run_takeover() {
  QuantumKeeper qk;
  qk.reset();
  if (!p_.window->decided) wait(*p_.window->go);
  generate(*take_gen_, *p_.takeover_at, p_.window->end, qk);
}

void WireSource::generate(TrafficGenerator& gen, ps_t t, ps_t end, QuantumKeeper& qk) {
  FrameBurst b;
  LocalTime lt(qk);
  while (t < end) {
    // A pause from the device holds the next frame back (the partner's schedule moves with it:
    // it sends less, it does not queue up what it could not send).
    if (p_.pause) {
      t = p_.pause->may_start(t);
      if (t >= end) break;
    }
    // Keep within one quantum of kernel time before touching shared state (the first frame
    // after the warm-up would otherwise be classified against filters not yet programmed).
    const ps_t now = now_ps();
    if (t > now) lt.set(t - now);
    if (lt.need_sync(now)) {  // the frames so far go first: the others run from here
      out.flush(b);
      lt.sync();
    }
    const unsigned len = gen.next_size();
    ++injected_;
    FrameHandle h = pool_.alloc();
    if (h == kNoFrame) {
      drops_.count(Drop::FramePoolEmpty, -1);
    } else {
      gen.fill(pool_[h], len, t);
      send(b, h, t);
    }
    t += gen.gap(len);
  }
  out.flush(b);
}

}  // namespace iovsim
