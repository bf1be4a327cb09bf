#include "model/qos/packet_plane.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/core/metrics_registry.h"

namespace iovsim {

void PacketPlane::refresh() {
  generation_ = cfg_.generation;
  core_ = {};
  core_.policy = cfg_.wsp ? hls::SchedPolicy::Ets : hls::SchedPolicy::RoundRobin;
  core_.num_queues = hls::kSchedTcs;  // one "queue" per class, each its own class
  for (unsigned c = 0; c < hls::kSchedTcs; ++c) {
    core_.weight[c] = 1;
    hls::sched_set_tc(core_, c, c);
  }
  cfg_.load(core_);
  hls::sched_reset(st_);
  req_.charge = false;
}

void PacketPlane::push(unsigned cls, const WireFrame& f) {
  const unsigned c = cls % hls::kSchedTcs;
  fifo_[c].push(f);
  ++waiting_;
  stats_[c].peak_waiting = std::max(stats_[c].peak_waiting, static_cast<unsigned>(fifo_[c].size()));
}

bool PacketPlane::pop(ps_t now, WireFrame& out, ps_t& next_ready) {
  if (generation_ != cfg_.generation) refresh();
  next_ready = kNever;
  req_.pending.clear_all();
  for (unsigned c = 0; c < hls::kSchedTcs; ++c) {
    if (fifo_[c].empty()) continue;
    const ps_t r = fifo_[c].front().ready;
    if (r <= now)
      req_.pending.set(c);
    else
      next_ready = std::min(next_ready, r);
  }
  if (!req_.pending.any()) return false;
  req_.eligible = req_.pending;
  const hls::SchedDecision d = hls::arbitrate(core_, st_, req_);
  if (!d.grant) return false;  // not reached: every policy grants an eligible class
  out = fifo_[d.queue].front();
  fifo_[d.queue].pop();
  --waiting_;
  req_.charge = true;  // the core charges the class with the next decision
  req_.charge_queue = d.queue;
  req_.charge_bytes = static_cast<std::uint16_t>(std::min(out.len, 0xFFFFu));
  stats_[d.queue].frames++;
  stats_[d.queue].bytes += out.len;
  return true;
}

void PacketPlane::publish(MetricsRegistry& m, const std::string& prefix, unsigned classes, bool tx) const {
  const char* what = tx ? "wire" : "arbiter";
  m.gauge("/conservation/in_flight", [this] { return waiting(); }, Unit::Frames,
          tx ? "DCB: frames in the classes' Tx packet buffers waiting for the wire"
             : "DCB: frames in the classes' Rx packet buffers waiting for the Rx arbiter");
  for (unsigned c = 0; c < classes && c < hls::kSchedTcs; ++c) {
    const std::string k = fmt::format("{}tc{}/{}_", prefix, c, what);
    const ClassStats& cs = stats_[c];
    m.counter(k + "frames", cs.frames, Unit::Frames,
              tx ? "frames the packet plane sent from the class's buffer" : "frames the Rx arbiter started from the class's buffer");
    m.counter(k + "bytes", cs.bytes, Unit::Bytes, "their bytes");
    m.value(fmt::format("{}tc{}/peak_waiting", prefix, c), [&cs] { return cs.peak_waiting; }, Unit::Frames,
            tx ? "the most frames that waited in it for the wire at once" : "the most frames that waited in it for the Rx arbiter at once");
  }
}

}  // namespace iovsim
