#include "model/dma/rx_engine.h"

#include "hls/sorter/sorter_core.h"
#include "model/core/flow_control.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/core/frame_tap.h"
#include "model/core/metrics_registry.h"
#include "model/core/observer.h"
#include "model/regs/descriptors.h"

namespace iovsim {

RxEngine::RxEngine(const DeviceProfile& prof, const PortLayout& layout, const RxEngineParams& p,
                   DmaPort& port)
    : prof_(prof), layout_(layout), p_(p), port_(port), rings_(prof.queues_per_port),
      qs_(prof.queues_per_port), fn_stats_(layout.first_function, layout.functions()),
      drops_(layout.port, layout.first_function, layout.functions()),
      tc_of_queue_mod_(prof.dcb_tcs) {
  p_.cache_size = std::min(p_.cache_size, Ring::kCacheMax);
  set_buffer_bytes(0, p.packet_buffer_bytes);
  for (unsigned q = 0; q < rings_.size(); ++q)
    qs_[q].fn = dma_fn(layout.function_of_pool(prof.pool_of_queue(q)));
}

Drop RxEngine::drop(Drop why, int fn, unsigned queue) {
  drops_.count(why, fn);
  qs_[queue].stats.drops++;
  return why;
}

Drop RxEngine::drop_at(Drop why, int fn, unsigned queue, ps_t t) {
  if (log_ && log_->wants(LogKind::frame, fn))
    log_->line(LogKind::frame, t, fn, static_cast<int>(queue), "rx_dma drop {}", drop_name(why));
  return drop(why, fn, queue);
}

void RxEngine::observe(const Observer& o, std::vector<FrameTap*> fn_taps) {
  fn_taps_ = std::move(fn_taps);
  fn_taps_.resize(layout_.functions(), nullptr);
  log_ = o.log;
  probes_.declare(o, prof_, layout_, queues(), "rx");
  observed_ = true;
}

void RxEngine::observe_ring(unsigned q, ps_t t) { probes_.ring(q, t, rings_[q].hw_owned()); }

void RxEngine::observe_rx(const Frame& f, unsigned q, int fn, ps_t arrive, ps_t done) {
  probes_.buffered(q, arrive, done, f.len);
  observe_ring(q, arrive);
  if (fn < 0) return;
  const unsigned k = static_cast<unsigned>(fn) - layout_.first_function;
  probes_.bytes(k, done, f.len);
  if (fn_taps_[k]) fn_taps_[k]->frame(done, f.data, f.len - kFcsBytes, static_cast<int>(q));
  if (log_ && log_->wants(LogKind::frame, fn))
    log_->line(LogKind::frame, done, fn, static_cast<int>(q), "rx_dma delivered {} bytes (arrived {:.3f} ns)", f.len,
               static_cast<double>(arrive) / 1000);
}

void RxEngine::maybe_fetch(Ring& r, unsigned fn, ps_t t) {
  const unsigned n = fetch_wanted(r, p_.cache_size);
  if (n) stats_.fetch.fetch(r, port_, fn, n, t, false);  // a refused fetch: seen per frame
}

void RxEngine::doorbell(Ring& r, ps_t now) {
  if (r.enabled()) maybe_fetch(r, qs_[static_cast<unsigned>(&r - rings_.data())].fn, now);
  if (observed_) observe_ring(static_cast<unsigned>(&r - rings_.data()), now);
}

void RxEngine::enable_changed(Ring& r) {
  QueueState& s = qs_[static_cast<unsigned>(&r - rings_.data())];
  s.wb_count = 0;  // a disabled queue's unwritten descriptors are abandoned
  s.wb_deadline = kNever;
}

void RxEngine::write_back(unsigned q, ps_t t) {
  Ring& r = rings_[q];
  QueueState& s = qs_[q];
  const unsigned n = s.wb_count;
  if (!n) return;
  // The batch is the n descriptors before head, contiguous in the ring (two runs at its end).
  const unsigned ring_n = r.entries(), first = ring_wrap(r.head + ring_n - n, ring_n);
  ps_t done = t;
  if (n == 1) {  // WTHRESH 0 or 1: one descriptor, straight from its image
    port_.write(s.fn, r.base() + first * 16ull, s.wb[0].image, 16, TlpKind::WriteBack, done);
    ++stats_.write_backs;
  } else {
    std::uint8_t buf[Ring::kCacheMax * 16];
    for (unsigned i = 0; i < n; ++i) std::memcpy(buf + 16 * i, s.wb[i].image, 16);
    for (unsigned i = 0; i < n;) {
      const unsigned at = ring_wrap(first + i, ring_n);
      const unsigned run = std::min(n - i, ring_n - at);
      ps_t d = t;
      port_.write(s.fn, r.base() + at * 16ull, buf + 16 * i, run * 16, TlpKind::WriteBack, d);
      done = std::max(done, d);
      ++stats_.write_backs;
      i += run;
    }
  }
  stats_.written_back += n;
  if (s.wb_times.size != ring_n) {  // the ring's length changed (or its first write-back)
    s.wb_store = std::make_unique<ps_t[]>(ring_n);
    s.wb_times = {s.wb_store.get(), ring_n};
  }
  for (unsigned i = 0; i < n; ++i) {
    const PendingWb& w = s.wb[i];
    if (w.fn >= 0) fn_stats_[static_cast<unsigned>(w.fn)].latency.record_ps(done > w.origin ? done - w.origin : 0);
    s.wb_store[ring_wrap(first + i, ring_n)] = done;
  }
  if (irq_) irq_->rx_done(q, done);  // the queue's Rx cause, on its IVAR vector
  s.wb_count = 0;
  s.wb_deadline = kNever;
}

void RxEngine::flush_due(ps_t now) {
  ps_t next = kNever;
  for (unsigned q = 0; q < qs_.size(); ++q) {
    QueueState& s = qs_[q];
    if (s.wb_deadline == kNever) continue;
    if (s.wb_deadline <= now)
      write_back(q, s.wb_deadline);
    else
      next = std::min(next, s.wb_deadline);
  }
  flush_deadline_ = next;
}

// From the time the frame may start (`ready`, in order behind the frame before it in its
// buffer): its descriptors, its data's writes, its write-back and its counts. `done`: when its
// data is written.
[[gnu::always_inline]] inline Drop RxEngine::start_frame(const Frame& f, unsigned q, int fn, std::uint32_t rss_hash,
                                                         ps_t arrive, ps_t ready, Buffer& b, ps_t& done) {
  Ring& r = rings_[q];
  // prepare: one descriptor per buffer
  const unsigned bytes = f.len - kFcsBytes;  // RCTL.SECRC: the FCS is stripped
  const unsigned bufsize = r.buffer_bytes;
  // One buffer unless the frame is larger (an integer division a frame otherwise; bytes 0
  // wraps past bufsize and divides, as before: no descriptor).
  const unsigned need = bytes - 1 < bufsize ? 1 : (bytes + bufsize - 1) / bufsize;
  if (r.hw_owned() < need || need > p_.cache_size) return drop_at(Drop::NoDescriptor, fn, q, arrive);
  QueueState& qs = qs_[q];
  const unsigned dfn = qs.fn;
  stats_.hol_wait_ps += ready - arrive;
  if (r.cached < need) {
    const DmaStatus s =
        stats_.fetch.fetch(r, port_, dfn, std::min(r.unfetched(), p_.cache_size - r.cached), ready, true);
    if (r.cached < need)
      return drop_at(s == DmaStatus::BusMaster ? Drop::BusMaster : Drop::IommuFault, fn, q, arrive);
  }
  ps_t start = ready;
  for (unsigned i = 0; i < need; ++i) start = std::max(start, r.cache(i).ready);
  if (start > ready) {
    ++stats_.waited;
    stats_.descriptor_wait_ps += start - ready;
  }

  // process: posted writes of the data, issued back to back
  ps_t data_done = start;
  for (unsigned i = 0, off = 0; i < need; ++i, off += bufsize) {
    const std::uint64_t addr = regs::desc::RxRead{r.cache(i).lo, r.cache(i).hi}.pkt_addr;
    ps_t d = start;
    const DmaStatus s = port_.write(dfn, addr, f.data + off, std::min(bufsize, bytes - off), TlpKind::Data, d);
    if (s != DmaStatus::Ok) {  // the engine spent the link time, the frame is dropped
      b.last_start = start;
      return drop_at(s == DmaStatus::BusMaster ? Drop::BusMaster : Drop::IommuFault, fn, q, arrive);
    }
    data_done = std::max(data_done, d);
  }
  b.last_start = start;

  // the descriptors are processed: their write-back images (advanced Rx write-back format)
  if (qs.wb_count + need > Ring::kCacheMax) write_back(q, start);  // the batch store is full
  for (unsigned i = 0, off = 0; i < need; ++i, off += bufsize) {
    using WB = regs::desc::RxWriteBack;
    WB w;
    w.rss_hash = rss_hash;
    w.status_error = WB::DD::make(1) | WB::EOP::make(i + 1 == need);
    w.length = static_cast<std::uint16_t>(std::min(bufsize, bytes - off));
    PendingWb& e = qs.wb[qs.wb_count++];
    w.store(e.image);
    e.origin = f.t_origin;
    e.fn = static_cast<std::int16_t>(i + 1 == need ? fn : -1);  // one latency per frame
  }
  r.consume(need);
  // The queue's next buffer towards the host's cache, for the next frame's data (a hint only).
  if (r.cached) port_.prefetch(dfn, regs::desc::RxRead{r.cache(0).lo, r.cache(0).hi}.pkt_addr, true);
  if (qs.wb_count >= std::max(r.ctl.wthresh, 1u)) {
    write_back(q, data_done);
  } else if (qs.wb_deadline == kNever) {
    qs.wb_deadline = data_done + p_.wb_flush;
    flush_deadline_ = std::min(flush_deadline_, qs.wb_deadline);
  }
  maybe_fetch(r, dfn, start);  // the fetch rule, now that the cache is lower

  // The destination address, read once for VFMPRC's count and the isolation audit.
  const std::uint64_t da = hls::mac_from_bytes(f.data);
  QueueStats& qstat = qs.stats;
  qstat.rx.add(f.len);
  qstat.multicast += hls::is_multicast(da) && !hls::is_broadcast(da);
  if (fn >= 0) {
    FunctionStats& fs = fn_stats_[static_cast<unsigned>(fn)];
    fs.rx.add(f.len);
    if (f.origin == Origin::Host) fs.loopback_frames++;
    if (audit_ && !hls::is_multicast(da) && !audit_->addressed(static_cast<unsigned>(fn), da)) ++fs.not_addressed;
  }
  ++delivered_;
  if (observed_) observe_rx(f, q, fn, arrive, data_done);
  done = data_done;
  return Drop::kCount;
}

// Frames whose data was written by `arrive` leave the buffer; is there room for `len` more?
inline bool RxEngine::room(Buffer& b, unsigned len, ps_t arrive) {
  unsigned head = b.head, count = b.count, used = b.used;  // in registers through the loop
  const PbEntry* fifo = b.fifo.data();
  while (count && fifo[head].leave <= arrive) {
    used -= fifo[head].bytes;
    if (++head == b.slots) head = 0;
    --count;
  }
  b.head = head, b.count = count, b.used = used;
  if (b.used + len > b.capacity || b.count == b.slots) {
    ++b.full_drops;
    return false;
  }
  return true;
}

// The frame occupies the packet buffer until `leave`, when its data is written out.
inline void RxEngine::occupy(Buffer& b, ps_t leave, unsigned len, ps_t arrive) {
  unsigned slot = b.head + b.count;
  if (slot >= b.slots) slot -= b.slots;
  b.fifo[slot] = {leave, len};
  ++b.count;
  b.used += len;
  b.peak = std::max(b.peak, b.used);
  if (fc_) fc_->on_rx(arrive, b.used, [this](unsigned bytes) { return drained_below(bytes); });
}

Drop RxEngine::receive(const Frame& f, unsigned q, int fn, std::uint32_t rss_hash, ps_t arrive) {
  Ring& r = rings_[q];
  if (!r.enabled()) return drop_at(Drop::QueueDisabled, fn, q, arrive);
  Buffer& b = pb_[class_of(q)];  // with DCB its traffic class's
  if (!room(b, f.len, arrive)) return drop_at(Drop::RxBufferFull, fn, q, arrive);
  ps_t done = 0;
  const Drop d = start_frame(f, q, fn, rss_hash, arrive, std::max(arrive, b.last_start), b, done);
  if (d == Drop::kCount) occupy(b, done, f.len, arrive);
  return d;
}

Drop RxEngine::admit(const Frame& f, unsigned q, int fn, ps_t arrive) {
  if (!rings_[q].enabled()) return drop_at(Drop::QueueDisabled, fn, q, arrive);
  Buffer& b = pb_[class_of(q)];
  if (!room(b, f.len, arrive)) return drop_at(Drop::RxBufferFull, fn, q, arrive);
  occupy(b, kNever, f.len, arrive);  // held until deliver() knows when it leaves
  ++b.unstarted;
  return Drop::kCount;
}

Drop RxEngine::deliver(const Frame& f, unsigned q, int fn, std::uint32_t rss_hash, ps_t arrive, ps_t now,
                       ps_t& done) {
  Buffer& b = pb_[class_of(q)];
  // the class's oldest frame not yet started: a class's frames start in their order
  unsigned slot = b.head + b.count - b.unstarted--;
  if (slot >= b.slots) slot -= b.slots;
  const Drop d = rings_[q].enabled() ? start_frame(f, q, fn, rss_hash, arrive, std::max(now, b.last_start), b, done)
                                     : drop_at(Drop::QueueDisabled, fn, q, now);
  if (d == Drop::kCount) {
    b.fifo[slot].leave = done;
  } else {  // a dropped frame frees its bytes at once (the probes saw it held until now)
    b.fifo[slot].leave = now;
    if (observed_) probes_.buffered(q, arrive, now, f.len);
  }
  return d;
}

ps_t RxEngine::drained_below(unsigned bytes) const {  // 802.3x: the port's one buffer
  const Buffer& b = pb_[0];
  unsigned used = b.used, i = b.head;
  ps_t t = 0;
  for (unsigned k = 0; k < b.count && used >= bytes; ++k) {
    t = std::max(t, b.fifo[i].leave);
    used -= b.fifo[i].bytes;
    if (++i == b.slots) i = 0;
  }
  return t;
}

void RxEngine::set_buffer_bytes(unsigned n, unsigned bytes) {
  if (n >= kBuffers) return;
  Buffer& b = pb_[n];
  b.capacity = bytes;
  if (b.count == 0) {  // the FIFO holds as many minimum frames as fit (at least one slot)
    b.fifo.assign(bytes / kMinFrame + 1, PbEntry{0, 0});
    b.slots = static_cast<unsigned>(b.fifo.size());
    b.head = 0;
  }
}

void RxEngine::publish(MetricsRegistry& m) const {
  const unsigned Q = prof_.queues_per_port;
  for (unsigned q = 0; q < Q; ++q) {
    const std::string path = fmt::format("/queues/{}/", layout_.port * Q + q);
    const QueueStats& s = qs_[q].stats;
    m.counter(path + "rx_frames", s.rx.frames, Unit::Frames, "frames the Rx DMA delivered from the queue");
    m.counter(path + "rx_bytes", s.rx.bytes, Unit::Bytes, "their frame bytes");
    m.rate_gbps(path + "rx_gbps", path + "rx_bytes", "their bytes over the traffic window");
    m.counter(path + "rx_drops", s.drops, Unit::Frames, "frames the Rx DMA dropped for the queue");
    m.counter("/register_errors/ring_register_writes_ignored", rings_[q].bad_writes, Unit::Count,
              "ring register writes the hardware ignored");
  }
  for (unsigned fn = fn_stats_.first(); fn < fn_stats_.first() + fn_stats_.size(); ++fn) {
    const FunctionStats& s = fn_stats_[fn];
    const std::string path = fmt::format("/functions/{}/", fn);
    m.traffic(path + "rx", s.rx.frames, s.rx.bytes,
              "frames written into the function's memory, descriptor written back");
    m.counter(path + "rx_loopback_frames", s.loopback_frames, Unit::Frames,
              "of rx_frames: switched inside the port");
    m.counter(path + "rx_not_addressed_to_it", s.not_addressed, Unit::Frames,
              "of rx_frames: unicast for a station address the function does not own (isolation audit at delivery)");
    publish_latency(m, path + "latency_ns/", s.latency, "origin to descriptor write-back");
    // The queues of the function's pool that received frames.
    const unsigned k = fn - fn_stats_.first();  // 0: the PF, 1 + v: VF v
    const unsigned pool = k == 0 ? layout_.pf_pool() : k - 1;
    m.value(path + "rx_queues_used",
            [this, pool] {
              nlohmann::json q = nlohmann::json::array();
              for (unsigned i = 0; i < prof_.queues_per_pool; ++i) {
                const unsigned hwq = prof_.queue_of(pool, i);
                if (qs_[hwq].stats.rx.frames)
                  q.push_back({{"queue", hwq}, {"rx_frames", qs_[hwq].stats.rx.frames}});
              }
              return q;
            },
            Unit::None, "the queues of its pool that received frames");
  }
  const std::string port = fmt::format("/ports/{}/", layout_.port);
  m.value(port + "rx_packet_buffer_peak_bytes", [this] { return pb_[0].peak; }, Unit::Bytes,
          "peak Rx packet buffer occupancy (with DCB: traffic class 0's buffer; rx_buffers has each)");
  for (unsigned t = 0; t < tc_of_queue_mod_; ++t) {
    const std::string b = fmt::format("{}rx_buffers/tc{}/", port, t);
    m.value(b + "bytes", [this, t] { return pb_[t].capacity; }, Unit::Bytes, "RXPBSIZE: the class's Rx packet buffer");
    m.value(b + "peak_bytes", [this, t] { return pb_[t].peak; }, Unit::Bytes, "its peak occupancy");
    m.counter(b + "full_drops", pb_[t].full_drops, Unit::Frames, "frames it had no room for (rx_buffer_full)");
  }
  const std::string e = port + "rx_dma/";
  stats_.fetch.publish(m, e, "frames that found their queue's descriptor cache short and fetched on demand");
  m.counter(e + "descriptor_waits", stats_.waited, Unit::Frames,
            "frames that waited for a descriptor fetch to complete");
  m.value(e + "descriptor_wait_ns", [this] { return static_cast<double>(stats_.descriptor_wait_ps) / 1000; },
          Unit::Nanoseconds, "their total wait: the cost of descriptor latency");
  m.value(e + "in_order_wait_ns", [this] { return static_cast<double>(stats_.hol_wait_ps) / 1000; },
          Unit::Nanoseconds, "frames' total wait behind the frame before them (link or descriptors)");
  m.counter(e + "write_backs", stats_.write_backs, Unit::Count, "descriptor write-back bursts");
  m.counter(e + "descriptors_written_back", stats_.written_back, Unit::Count, "descriptors they wrote");
  m.counter("/conservation/delivered_host", delivered_, Unit::Frames,
            "frames delivered into host memory");
  drops_.publish(m);
}

}  // namespace iovsim
