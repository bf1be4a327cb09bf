#include "model/dma/rx_dma.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/regs/descriptors.h"

namespace iovsim {

RxDma::RxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
             unsigned packet_buffer_bytes)
    : sc_module(name), frames_in("frames_in", this, &RxDma::receive), dma("dma"), prof_(prof),
      layout_(layout), rings_(prof.queues_per_port), queue_stats_(prof.queues_per_port),
      fn_stats_(layout.first_function, layout.functions()),
      drops_(layout.port, layout.first_function, layout.functions()),
      pb_(packet_buffer_bytes / kMinFrame + 1), pb_cap_(packet_buffer_bytes),
      ext_(new PcieExtension) {
  gp_.set_extension(ext_);  // owned by the payload from here on
  gp_.set_streaming_width(0);
  gp_.set_byte_enable_ptr(nullptr);
}

void RxDma::publish(MetricsRegistry& m) const {
  const unsigned Q = prof_.queues_per_port;
  for (unsigned q = 0; q < Q; ++q) {
    const std::string path = fmt::format("/queues/{}/", layout_.port * Q + q);
    const QueueStats& s = queue_stats_[q];
    m.counter(path + "rx_frames", s.rx.frames, Unit::Frames, "frames the Rx DMA delivered from the queue");
    m.counter(path + "rx_bytes", s.rx.bytes, Unit::Bytes, "their frame bytes");
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
    const LatencyHistogram& h = s.latency;
    const std::string lat = path + "latency_ns/";
    m.value(lat + "count", [&h] { return h.count(); }, Unit::Frames, "frames with a latency");
    m.value(lat + "mean", [&h] { return h.mean_ns(); }, Unit::Nanoseconds,
            "origin to descriptor write-back");
    m.value(lat + "p50", [&h] { return h.quantile_ns(0.50); }, Unit::Nanoseconds, "median");
    m.value(lat + "p99", [&h] { return h.quantile_ns(0.99); }, Unit::Nanoseconds, "99th percentile");
    m.value(lat + "max", [&h] { return h.max_ns(); }, Unit::Nanoseconds, "maximum");
    // The queues of the function's pool that received frames.
    const unsigned k = fn - fn_stats_.first();  // 0: the PF, 1 + v: VF v
    const unsigned pool = k == 0 ? layout_.pf_pool() : k - 1;
    m.value(path + "rx_queues_used",
            [this, pool] {
              nlohmann::json q = nlohmann::json::array();
              for (unsigned i = 0; i < prof_.queues_per_pool; ++i) {
                const unsigned hwq = prof_.queue_of(pool, i);
                if (queue_stats_[hwq].rx.frames)
                  q.push_back({{"queue", hwq}, {"rx_frames", queue_stats_[hwq].rx.frames}});
              }
              return q;
            },
            Unit::None, "the queues of its pool that received frames");
  }
  m.value(fmt::format("/ports/{}/rx_packet_buffer_peak_bytes", layout_.port),
          [this] { return pb_peak_; }, Unit::Bytes, "peak Rx packet buffer occupancy");
  m.counter("/conservation/delivered_host", delivered_, Unit::Frames,
            "frames delivered into host memory");
  drops_.publish(m);
}

void RxDma::map_registers(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs) {
  const regs::DeviceMap& map = prof_.map();
  map_rings(pf, map, regs::Direction::Rx, regs::View::PF,
            [this](unsigned q) -> Ring& { return rings_[q]; }, {});
  for (unsigned v = 0; v < vfs.size(); ++v)
    map_rings(*vfs[v], map, regs::Direction::Rx, regs::View::VF,
              [this, v](unsigned i) -> Ring& { return rings_[prof_.queue_of(v, i)]; }, {});
}

bool RxDma::transfer(std::uint64_t addr, void* data, unsigned len, bool write, ps_t now,
                     ps_t& t) {
  gp_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp_.set_address(addr);
  gp_.set_data_ptr(static_cast<unsigned char*>(data));
  gp_.set_data_length(len);
  gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = to_sc(t - now);
  dma->b_transport(gp_, d);
  t = now + to_ps(d);
  return gp_.is_response_ok();
}

void RxDma::drop(FramePayload& p, Drop why, int fn, unsigned queue) {
  drops_.count(why, fn);
  queue_stats_[queue].drops++;
  p.pool->release(p.handle);
}

void RxDma::receive(FramePayload& p, sc_core::sc_time& delay) {
  const unsigned q = p.queue;
  Ring& r = rings_[q];
  const Frame& f = p.frame();
  const int fn = layout_.function_of_pool(static_cast<unsigned>(p.pool_id));
  const ps_t now = now_ps();
  const ps_t arrive = now + to_ps(delay);
  if (!r.enabled()) return drop(p, Drop::QueueDisabled, fn, q);

  // admit into the packet buffer
  while (pb_count_ && pb_[pb_head_].leave <= arrive) {
    pb_used_ -= pb_[pb_head_].bytes;
    if (++pb_head_ == pb_.size()) pb_head_ = 0;
    --pb_count_;
  }
  if (pb_used_ + f.len > pb_cap_ || pb_count_ == pb_.size())
    return drop(p, Drop::RxBufferFull, fn, q);

  const unsigned bytes = f.len - kFcsBytes;  // RCTL.SECRC: the FCS is stripped
  const unsigned bufsize = r.buffer_bytes;
  const unsigned need = (bytes + bufsize - 1) / bufsize;
  const unsigned owned = r.hw_owned();
  if (owned < need || need > Ring::kCache) return drop(p, Drop::NoDescriptor, fn, q);

  ext_->function = static_cast<std::int16_t>(fn >= 0 ? fn : layout_.first_function);
  ps_t t = std::max(arrive, busy_until_);
  const unsigned n = r.entries();
  // The IOMMU refused a transfer: the engine spent the link time, the frame is dropped.
  auto refused = [&] {
    busy_until_ = t;
    drop(p, Drop::IommuFault, fn, q);
  };
  if (r.cached < need) {
    // fetch: as many descriptors as hardware owns, up to the cache size; a fetch that would
    // cross the end of the ring is split in two reads
    const unsigned k = std::min(owned, Ring::kCache);
    std::uint8_t desc[Ring::kCache * 16];
    while (r.cached < k) {
      const unsigned first = r.index(r.cached);
      const unsigned run = std::min(k - r.cached, n - first);
      if (!transfer(r.base() + first * 16ull, desc, run * 16, false, now, t)) return refused();
      for (unsigned i = 0; i < run; ++i)
        r.cache(r.cached + i) = regs::desc::RxRead::load(desc + 16 * i).pkt_addr;
      r.cached += run;
    }
  }
  // write the data
  for (unsigned i = 0, off = 0; i < need; ++i, off += bufsize) {
    unsigned chunk = std::min(bufsize, bytes - off);
    if (!transfer(r.cache(i), const_cast<std::uint8_t*>(f.data) + off, chunk, true, now, t))
      return refused();
  }
  const ps_t data_done = t;
  // write back: the advanced Rx write-back format
  for (unsigned i = 0, off = 0; i < need; ++i, off += bufsize) {
    using WB = regs::desc::RxWriteBack;
    WB w;
    w.rss_hash = p.rss_hash;
    w.status_error = WB::DD::make(1) | WB::EOP::make(i + 1 == need);
    w.length = static_cast<std::uint16_t>(std::min(bufsize, bytes - off));
    std::uint8_t wb[regs::desc::kBytes];
    w.store(wb);
    if (!transfer(r.base() + r.index(i) * 16ull, wb, 16, true, now, t)) return refused();
  }
  r.head = r.index(need);
  r.cache_first = (r.cache_first + need) & (Ring::kCache - 1);
  r.cached -= need;
  busy_until_ = t;

  unsigned slot = pb_head_ + pb_count_;
  if (slot >= pb_.size()) slot -= static_cast<unsigned>(pb_.size());
  pb_[slot] = {data_done, f.len};
  ++pb_count_;
  pb_used_ += f.len;
  pb_peak_ = std::max(pb_peak_, pb_used_);

  queue_stats_[q].rx.add(f.len);
  if (fn >= 0) {
    FunctionStats& fs = fn_stats_[static_cast<unsigned>(fn)];
    fs.rx.add(f.len);
    if (f.origin == Origin::Host) fs.loopback_frames++;
    fs.latency.record_ps(t - f.t_origin);
  }
  ++delivered_;
  p.pool->release(p.handle);
}

}  // namespace iovsim
