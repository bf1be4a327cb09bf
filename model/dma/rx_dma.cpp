#include "model/dma/rx_dma.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/regs/descriptors.h"

namespace iovsim {

RxDma::RxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
             unsigned packet_buffer_bytes, Stats& stats)
    : sc_module(name), frames_in("frames_in", this, &RxDma::receive), dma("dma"), prof_(prof),
      layout_(layout), stats_(stats), rings_(prof.queues_per_port),
      pb_(packet_buffer_bytes / kMinFrame + 1), pb_cap_(packet_buffer_bytes),
      ext_(new PcieExtension) {
  gp_.set_extension(ext_);  // owned by the payload from here on
  gp_.set_streaming_width(0);
  gp_.set_byte_enable_ptr(nullptr);
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
  stats_.drop(why, layout_.port, fn);
  stats_.queue(layout_.port, queue).rx_drops++;
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
  stats_.queue(layout_.port, q).rx_ring_min_free =
      std::min(stats_.queue(layout_.port, q).rx_ring_min_free, owned);
  if (owned < need || need > Ring::kCache) return drop(p, Drop::NoDescriptor, fn, q);

  ext_->function = static_cast<std::int16_t>(fn >= 0 ? fn : layout_.first_function);
  ps_t t = std::max(arrive, busy_until_);
  const unsigned n = r.entries();
  // The IOMMU refused a transfer: the engine spent the link time, the frame is dropped.
  auto refused = [&] {
    busy_until_ = t;
    stats_.fn(static_cast<unsigned>(ext_->function)).iommu_faults++;
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

  QueueStats& qs = stats_.queue(layout_.port, q);
  qs.rx_frames++;
  qs.rx_bytes += f.len;
  if (fn >= 0) {
    FunctionStats& fs = stats_.fn(static_cast<unsigned>(fn));
    fs.rx_frames++;
    fs.rx_bytes += f.len;
    if (f.origin == Origin::Host) fs.loopback_frames++;
    fs.latency.record_ps(t - f.t_origin);
  }
  stats_.ledger().delivered_host++;
  p.pool->release(p.handle);
}

}  // namespace iovsim
