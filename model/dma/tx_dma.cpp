#include "model/dma/tx_dma.h"

#include <fmt/format.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <cstring>

#include "model/regs/descriptors.h"

namespace iovsim {

TxDma::TxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
             FramePool& pool, TxArbiter& arbiter)
    : sc_module(name), frames_out("frames_out"), dma("dma"), prof_(prof), layout_(layout),
      pool_(pool), arbiter_(arbiter), queue_stats_(prof.queues_per_port),
      fn_stats_(layout.first_function, layout.functions()),
      drops_(layout.port, layout.first_function, layout.functions()),
      rings_(prof.queues_per_port),
      ext_(new PcieExtension) {
  gp_.set_extension(ext_);
  gp_.set_streaming_width(0);
  SC_HAS_PROCESS(TxDma);
  SC_THREAD(run);
}

void TxDma::map_registers(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs) {
  const regs::DeviceMap& map = prof_.map();
  auto ring_doorbell = [this] { doorbell_.notify(sc_core::SC_ZERO_TIME); };
  map_rings(pf, map, regs::Direction::Tx, regs::View::PF,
            [this](unsigned q) -> Ring& { return rings_[q]; }, ring_doorbell);
  for (unsigned v = 0; v < vfs.size(); ++v)
    map_rings(*vfs[v], map, regs::Direction::Tx, regs::View::VF,
              [this, v](unsigned i) -> Ring& { return rings_[prof_.queue_of(v, i)]; },
              ring_doorbell);
}

void TxDma::publish(MetricsRegistry& m) const {
  const unsigned Q = prof_.queues_per_port;
  for (unsigned q = 0; q < Q; ++q) {
    const std::string path = fmt::format("/queues/{}/", layout_.port * Q + q);
    m.counter(path + "tx_frames", queue_stats_[q].frames, Unit::Frames,
              "frames the Tx DMA fetched from the queue");
    m.counter(path + "tx_bytes", queue_stats_[q].bytes, Unit::Bytes, "their frame bytes");
    m.counter("/register_errors/ring_register_writes_ignored", rings_[q].bad_writes, Unit::Count,
              "ring register writes the hardware ignored");
  }
  for (unsigned fn = fn_stats_.first(); fn < fn_stats_.first() + fn_stats_.size(); ++fn)
    m.traffic(fmt::format("/functions/{}/tx", fn), fn_stats_[fn].frames, fn_stats_[fn].bytes,
              "frames the function sent (wire or loopback)");
  m.gauge("/conservation/in_flight", [this] { return pending_descriptors(); }, Unit::Frames,
          "frames posted to Tx rings and not yet fetched (one descriptor each)");
  drops_.publish(m);
}

std::uint64_t TxDma::pending_descriptors() const {
  std::uint64_t n = 0;
  for (const Ring& r : rings_)
    if (r.enabled()) n += r.hw_owned();
  return n;
}

QueueMask TxDma::pending() const {
  QueueMask m;
  for (unsigned q = 0; q < rings_.size(); ++q)
    if (rings_[q].enabled() && rings_[q].head != rings_[q].tail &&
        rings_[q].tail != rings_[q].stalled_tail)
      m.set(q);
  return m;
}

bool TxDma::transfer(std::uint64_t addr, void* data, unsigned len, bool write, ps_t& t) {
  gp_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp_.set_address(addr);
  gp_.set_data_ptr(static_cast<unsigned char*>(data));
  gp_.set_data_length(len);
  gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = to_sc(t - now_ps());
  dma->b_transport(gp_, d);
  t = now_ps() + to_ps(d);
  return gp_.is_response_ok();
}

void TxDma::run() {
  tlm_utils::tlm_quantumkeeper qk;
  qk.reset();
  for (;;) {
    QueueMask work = pending();
    if (work.none()) {
      qk.sync();
      wait(doorbell_);
      continue;
    }
    ps_t t = now_ps() + to_ps(qk.get_local_time());
    ps_t eligible_at = 0;
    int q = arbiter_.pick(work, t, eligible_at);
    if (q < 0) {  // every ring with work is rate limited: sleep until tokens or a doorbell
      qk.sync();
      if (eligible_at > now_ps()) wait(to_sc(eligible_at - now_ps()), doorbell_);
      continue;
    }
    t = serve(static_cast<unsigned>(q), t);
    qk.set(to_sc(t > now_ps() ? t - now_ps() : 0));
    if (qk.need_sync()) qk.sync();
  }
}

ps_t TxDma::serve(unsigned q, ps_t t) {
  Ring& r = rings_[q];
  const unsigned pool = prof_.pool_of_queue(q);
  const int fn = layout_.function_of_pool(pool);
  ext_->function = static_cast<std::int16_t>(fn >= 0 ? fn : layout_.first_function);
  FrameHandle h = pool_.alloc();
  // Walk descriptors up to EOP. A frame whose descriptors are not all posted yet waits.
  constexpr unsigned kMaxDescPerFrame = 64;
  unsigned used = 0, bytes = 0;
  std::uint64_t report_status = 0;  // bit i: descriptor i of the frame has RS
  bool eop = false, fault = false, bad = false;
  std::uint8_t desc[16];
  while (!eop && used < r.hw_owned() && used < kMaxDescPerFrame) {
    unsigned idx = r.index(used);
    if (!transfer(r.base() + idx * 16ull, desc, 16, false, t)) {
      fault = true;
      ++used;
      break;
    }
    const regs::desc::TxData d = regs::desc::TxData::load(desc);
    const std::uint64_t addr = d.addr;
    const unsigned len = d.length();
    eop = d.eop();
    if (d.report_status()) report_status |= std::uint64_t{1} << used;
    ++used;
    if (len == 0 || bytes + len + kFcsBytes > kFrameCapacity) {
      bad = true;
      continue;
    }
    if (h != kNoFrame && !fault && !bad &&
        !transfer(addr, pool_[h].data + bytes, len, false, t))
      fault = true;
    bytes += len;
  }
  if (!eop && !fault && used == kMaxDescPerFrame) bad = true;
  if (!eop && !fault && !bad) {  // rest of the frame not posted: wait for the next doorbell
    if (h != kNoFrame) pool_.release(h);
    r.stalled_tail = r.tail;
    return t;
  }
  // write back DD on every descriptor of the frame that asked for it (RS)
  for (unsigned i = 0; i < used; ++i) {
    if (!(report_status >> i & 1)) continue;
    using WB = regs::desc::TxWriteBack;
    std::uint8_t sta[4];
    regs::desc::put_le32(sta, WB::DD::make(1));
    transfer(r.base() + r.index(i) * 16ull + WB::kStatusOffset, sta, 4, true, t);
  }
  const ps_t posted = r.posted_at();  // before head moves past the frame's descriptors
  r.head = r.index(used);
  if (h == kNoFrame) {
    drops_.count(Drop::FramePoolEmpty, fn);
    return t;
  }
  if (fault || bad) {
    drops_.count(fault ? Drop::IommuFault : Drop::BadDescriptor, fn);
    pool_.release(h);
    return t;
  }
  Frame& f = pool_[h];
  unsigned len = std::max(bytes + kFcsBytes, kMinFrame);  // pad short frames, append FCS
  if (bytes + kFcsBytes < kMinFrame) std::memset(f.data + bytes, 0, kMinFrame - kFcsBytes - bytes);
  f.len = len;
  f.port = static_cast<std::uint16_t>(layout_.port);
  f.src_fn = static_cast<std::int16_t>(fn);
  f.origin = Origin::Host;
  f.fcs_ok = true;
  f.t_origin = posted;
  queue_stats_[q].add(len);
  if (fn >= 0) fn_stats_[static_cast<unsigned>(fn)].add(len);
  arbiter_.charge(q, len, t);
  FramePayload p;
  p.pool = &pool_;
  p.handle = h;
  p.port = static_cast<std::uint16_t>(layout_.port);
  p.pool_id = static_cast<std::int16_t>(pool);
  p.queue = static_cast<std::uint16_t>(q);
  sc_core::sc_time d = to_sc(t - now_ps());
  frames_out.send(p, d);
  return std::max(t, now_ps() + to_ps(d));
}

}  // namespace iovsim
