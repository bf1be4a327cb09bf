#include "model/mac/mac.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace iovsim {

Mac::Mac(sc_core::sc_module_name name, const MacParams& p)
    : sc_module(name), rx_in("rx_in", this, &Mac::receive), rx_out("rx_out"),
      tx_in("tx_in", this, &Mac::transmit), p_(p), drops_(p.port, 0, 0) {
  // 1, 10, 25, 40, 100 Gb/s: a whole number of picoseconds a byte, and then bytes x that is
  // exactly serialization_ps (bytes x 8e12 is exact in a double below 2^14 bytes, and so is
  // the quotient), without its floating-point division.
  const double per_byte = 8.0e12 / p.line_bps;
  if (per_byte >= 1 && per_byte < 1e6 && per_byte == std::floor(per_byte)) ps_per_byte_ = static_cast<ps_t>(per_byte);
}

void Mac::settle(ps_t t) {
  while (!queued_.empty() && queued_.front().start <= t) {
    stats_.wire_tx.add(queued_.front().len);
    queued_.pop();
  }
}

void Mac::observe(FrameTap* rx, FrameTap* tx, ProbeRecorder* probes, TransactionLog* log) {
  tap_rx_ = rx;
  tap_tx_ = tx;
  log_ = log && log->wants(LogKind::frame, -1) ? log : nullptr;  // the wire's lines have no function
  if (!probes) return;
  const std::string port = fmt::format("port{}.wire.", p_.port);
  busy_rx_ = probes->declare(port + "rx_busy", 1, ProbeKind::delta, "a frame arrives from the link partner (preamble to FCS)");
  busy_tx_ = probes->declare(port + "tx_busy", 1, ProbeKind::delta, "the MAC sends a frame (preamble to FCS)");
}

void Mac::log_frame(bool rx, const Frame& f, ps_t start, const char* drop) const {
  const std::uint8_t* d = f.data;
  log_->line(LogKind::frame, start, -1, -1, "mac port{} {} {} bytes da {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}{}{}", p_.port,
             rx ? "from the wire" : "to the wire", f.len, d[0], d[1], d[2], d[3], d[4], d[5], drop ? ": drop " : "",
             drop ? drop : "");
}

void Mac::reply(FramePool& pool, const Frame& request, ps_t request_end) {
  if (answer_buf_.empty()) answer_buf_.resize(kFrameCapacity - kFcsBytes);  // once
  const unsigned n = answer_(request.data, request.len - kFcsBytes, answer_buf_.data(),
                             static_cast<unsigned>(answer_buf_.size()));
  if (!n) return;
  ++replies_;  // injected: the ledger counts it, delivered or dropped
  const FrameHandle h = pool.alloc();
  if (h == kNoFrame) {
    drops_.count(Drop::FramePoolEmpty, -1);
    return;
  }
  Frame& r = pool[h];
  std::memcpy(r.data, answer_buf_.data(), n);
  r.len = n + kFcsBytes;
  r.fcs_ok = true;
  r.origin = Origin::Wire;
  r.src_fn = -1;
  r.built_by = nullptr;
  r.seq = replies_;
  FrameBurst& b = reply_burst_;
  b.start(now_ps());
  FramePayload& pl = b.add();
  pl = FramePayload{};
  pl.pool = &pool;
  pl.handle = h;
  pl.port = static_cast<std::uint16_t>(p_.port);
  pl.t = request_end + turnaround_;
  receive(b);
}

void Mac::publish(MetricsRegistry& m) {
  m.counter("/conservation/injected_wire", replies_, Unit::Frames, "frames the link partners started sending");
  m.on_settle([this](ps_t t) { settle(t); });
  const std::string port = fmt::format("/ports/{}/", p_.port);
  m.traffic(port + "wire_rx", stats_.wire_rx.frames, stats_.wire_rx.bytes,
            "frames the MAC received, good or bad");
  m.traffic(port + "wire_tx", stats_.wire_tx.frames, stats_.wire_tx.bytes,
            "frames the MAC put on the wire");
  m.counter("/conservation/delivered_wire", stats_.wire_tx.frames, Unit::Frames,
            "frames delivered to the wire");
  if (plane_) plane_->publish(m, port + "tx_buffers/", hls::kSchedTcs, true);
  drops_.publish(m);
}

void Mac::receive(FrameBurst& b) {
  unsigned good = 0;
  for (unsigned i = 0; i < b.n; ++i) {
    FramePayload& p = b.f[i];
    Frame& f = p.frame();
    const ps_t start = std::max(p.t, rx_busy_);
    const ps_t data_end = start + wire_ps(kPreambleSfdBytes + f.len);
    rx_busy_ = start + wire_ps(f.len + kPreambleSfdBytes + kIfgBytes);
    if (tap_rx_) tap_rx_->frame(start, f.data, f.len >= kFcsBytes ? f.len - kFcsBytes : f.len, -1);
    if (busy_rx_) busy_rx_.add(start, 1), busy_rx_.add(data_end, -1);
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
    if (log_) log_frame(true, f, start, why != Drop::kCount ? drop_name(why) : nullptr);
    if (why != Drop::kCount) {
      drops_.count(why, -1);
      p.pool->release(p.handle);
      continue;
    }
    p.port = static_cast<std::uint16_t>(p_.port);
    p.t = data_end;
    if (good != i) b.f[good] = p;
    ++good;
  }
  b.n = good;
  rx_out.flush(b);
}

void Mac::transmit(FrameBurst& b) {
  for (unsigned i = 0; i < b.n; ++i) {
    FramePayload& p = b.f[i];
    Frame& f = p.frame();
    if (__builtin_expect(plane_ != nullptr, 0)) {  // DCB: into its class's buffer, out when the arbiter says
      plane_->push(classes_->tc_of_queue(p.queue), {p.pool, p.handle, p.queue, f.len, p.t});
      p.deferred = true;
      wire_ev_.notify(to_sc(std::max(p.t, tx_busy_) - b.now));  // an earlier pending one stays
      continue;
    }
    send(f, *p.pool, p.handle, std::max(p.t, tx_busy_), b.now);
    p.t = tx_busy_;
  }
}

void Mac::send(Frame& f, FramePool& pool, FrameHandle h, ps_t start, ps_t now) {
  ps_t slot = wire_ps(f.len + kPreambleSfdBytes + kIfgBytes);
  tx_busy_ = start + slot;
  if (tap_tx_) tap_tx_->frame(start, f.data, f.len - kFcsBytes, -1);
  if (log_) log_frame(false, f, start, nullptr);
  if (busy_tx_) {
    busy_tx_.add(start, 1);
    busy_tx_.add(start + wire_ps(kPreambleSfdBytes + f.len), -1);
  }
  settle(now);
  if (__builtin_expect(answer_ != nullptr, 0))
    reply(pool, f, start + wire_ps(kPreambleSfdBytes + f.len));
  if (start <= now) {
    stats_.wire_tx.add(f.len);
  } else {  // queue it until its slot starts
    queued_.push({start, f.len});
  }
  pool.release(h);
}

void Mac::use_packet_plane(PacketPlane* plane, const regs::TxDcbCfg& classes, Sent sent) {
  plane_ = plane;
  classes_ = &classes;
  sent_ = std::move(sent);
  SC_HAS_PROCESS(Mac);
  SC_METHOD(wire_slot);
  sensitive << wire_ev_;
  dont_initialize();
}

void Mac::wire_slot() {
  const ps_t now = now_ps();
  if (tx_busy_ > now) {  // a frame is still on the wire
    wire_ev_.notify(to_sc(tx_busy_ - now));
    return;
  }
  WireFrame w;
  ps_t next = PacketPlane::kNever;
  if (!plane_->pop(now, w, next)) {
    if (next != PacketPlane::kNever) wire_ev_.notify(to_sc(next - now));
    return;
  }
  Frame& f = (*w.pool)[w.handle];
  const ps_t origin = f.t_origin;
  send(f, *w.pool, w.handle, now, now);
  if (sent_) sent_(w.queue, w.len, origin, tx_busy_);
  if (!plane_->empty()) wire_ev_.notify(to_sc(tx_busy_ - now));
}

}  // namespace iovsim
