#include "model/mac/mac.h"

#include <fmt/format.h>

#include <algorithm>

namespace iovsim {

Mac::Mac(sc_core::sc_module_name name, const MacParams& p)
    : sc_module(name), rx_in("rx_in", this, &Mac::receive), rx_out("rx_out"),
      tx_in("tx_in", this, &Mac::transmit), p_(p), drops_(p.port, 0, 0) {}

void Mac::publish(MetricsRegistry& m) const {
  const std::string port = fmt::format("/ports/{}/", p_.port);
  m.traffic(port + "wire_rx", stats_.wire_rx.frames, stats_.wire_rx.bytes,
            "frames the MAC received, good or bad");
  m.traffic(port + "wire_tx", stats_.wire_tx.frames, stats_.wire_tx.bytes,
            "frames the MAC put on the wire");
  m.counter("/conservation/delivered_wire", stats_.wire_tx.frames, Unit::Frames,
            "frames delivered to the wire");
  drops_.publish(m);
}

// `delay`: when the link partner starts sending. On return: when the wire is free again.
void Mac::receive(FramePayload& p, sc_core::sc_time& delay) {
  Frame& f = p.frame();
  ps_t now = now_ps();
  ps_t start = std::max(now + to_ps(delay), rx_busy_);
  ps_t data_end = start + serialization_ps(kPreambleSfdBytes + f.len, p_.line_bps);
  ps_t slot = frame_slot_ps(f.len, p_.line_bps);
  rx_busy_ = start + slot;
  f.t_origin = start;
  f.port = static_cast<std::uint16_t>(p_.port);
  stats_.wire_rx.add(f.len);
  Drop why = Drop::kCount;
  if (f.len < kMinFrame)
    why = Drop::Runt;
  else if (f.len > p_.max_frame)
    why = Drop::Giant;
  else if (!f.fcs_ok)
    why = Drop::FcsError;
  if (why != Drop::kCount) {
    drops_.count(why, -1);
    p.pool->release(p.handle);
  } else {
    sc_core::sc_time d = to_sc(data_end - now);
    p.port = static_cast<std::uint16_t>(p_.port);
    rx_out.send(p, d);
  }
  delay = to_sc(rx_busy_ - now);
}

// `delay`: when the frame is ready to go. On return: when its first bit goes on the wire, the
// earliest the Tx engine may hand over the next frame (one frame of Tx buffering ahead).
void Mac::transmit(FramePayload& p, sc_core::sc_time& delay) {
  Frame& f = p.frame();
  ps_t now = now_ps();
  ps_t start = std::max(now + to_ps(delay), tx_busy_);
  ps_t slot = frame_slot_ps(f.len, p_.line_bps);
  tx_busy_ = start + slot;
  stats_.wire_tx.add(f.len);
  p.pool->release(p.handle);
  delay = to_sc(start - now);
}

}  // namespace iovsim
