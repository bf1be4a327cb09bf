#include "model/core/check.h"
#include "model/dma/tx_engine.h"

#include "model/core/packet.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/core/frame_tap.h"
#include "model/core/metrics_registry.h"
#include "model/regs/descriptors.h"

namespace iovsim {

namespace desc = regs::desc;

TxEngine::TxEngine(const DeviceProfile& prof, const PortLayout& layout, const TxEngineParams& p,
                   FramePool& pool, TxArbiter& arbiter, DmaPort& port, TxSink& sink)
    : prof_(prof), layout_(layout), p_(p), pool_(pool), arbiter_(arbiter), port_(port),
      sink_(sink), rings_(prof.queues_per_port), qs_(prof.queues_per_port),
      who_(prof.queues_per_port),
      queue_stats_(prof.queues_per_port), fn_stats_(layout.first_function, layout.functions()),
      fn_host_bytes_(layout.first_function, layout.functions()), ctx_(prof.queues_per_port),
      tx_latency_(layout.first_function, layout.functions()),
      fault_disables_(layout.first_function, layout.functions()),
      drops_(layout.port, layout.first_function, layout.functions()),
      pb_(p.packet_buffer_bytes / kMinFrame + 1) {
  p_.cache_size = std::min(p_.cache_size, Ring::kCacheMax);
  for (unsigned q = 0; q < rings_.size(); ++q) {
    QueueOwner& w = who_[q];
    w.pool = prof.pool_of_queue(q);
    w.owner = layout.function_of_pool(w.pool);
    w.fn = w.owner >= 0 ? static_cast<unsigned>(w.owner) : layout.first_function;
  }
}

std::uint64_t TxEngine::pending_descriptors() const {
  std::uint64_t n = 0;
  for (const Ring& r : rings_)
    if (r.enabled()) n += r.hw_owned();
  return n;
}

void TxEngine::update_work(unsigned q, ps_t now) {
  const Ring& r = rings_[q];
  const bool work = r.enabled() && r.hw_owned() > 0 && r.tail != r.stalled_tail;
  if (work && !work_.test(q)) arbiter_.activate(q, now);  // rate control starts over
  work_.set(q, work);
}

void TxEngine::observe(const Observer& o, std::vector<FrameTap*> fn_taps) {
  fn_taps_ = std::move(fn_taps);
  fn_taps_.resize(layout_.functions(), nullptr);
  log_ = o.log;
  probes_.declare(o, prof_, layout_, static_cast<unsigned>(rings_.size()), "tx");
  if (o.probes)
    grant_ = o.probes->declare(fmt::format("port{}.tx_arbiter.grant", layout_.port), 8, ProbeKind::level,
                               "the queue the Tx arbiter last granted (its data read issued then)");
  observed_ = true;
}

void TxEngine::observe_tx(unsigned len, unsigned q, int owner, ps_t issue, ps_t done, ps_t leave) {
  probes_.buffered(q, issue, std::max(leave, done), len);
  probes_.ring(q, issue, rings_[q].hw_owned());
  grant_.set(issue, q);
  if (owner < 0) return;
  const unsigned k = static_cast<unsigned>(owner) - layout_.first_function;
  probes_.bytes(k, done, len);
  if (log_ && log_->wants(LogKind::frame, owner))
    log_->line(LogKind::frame, done, owner, static_cast<int>(q), "tx_dma read {} bytes (issued {:.3f} ns, left the buffer {:.3f} ns)",
               len, static_cast<double>(issue) / 1000, static_cast<double>(leave) / 1000);
}

void TxEngine::maybe_fetch(unsigned q, ps_t t) {
  Ring& r = rings_[q];
  const unsigned n = fetch_wanted(r, p_.cache_size);
  if (n) stats_.fetch.fetch(r, port_, who_[q].fn, n, t, false);
}

void TxEngine::doorbell(Ring& r, ps_t now) {
  const unsigned q = queue_of(r);
  if (bus_master_ && !bus_master_(who_[q].fn)) {  // no DMA: the descriptors wait
    ++stats_.bus_master_stalls;
    work_.reset(q);
    return;
  }
  if (r.enabled()) maybe_fetch(q, now);
  update_work(q, now);
  if (observed_) probes_.ring(q, now, r.hw_owned());
}

void TxEngine::fault_disable(unsigned q, ps_t now) {
  // A DMA the IOMMU refused (descriptor or data) stops the queue: the model applies the X540 /
  // X550 malicious driver detection (the queue's enable is cleared, the PF told; ixgbe_mdd_
  // event) to both parts, where the 82576 and 82599 datasheets leave it open. A driver that
  // re-enables gets one more fault per enable: it can no longer flood the link with refused
  // reads. Counted per function (docs/fidelity.md).
  Ring& r = rings_[q];
  regs::QueueCtl c = r.ctl;
  c.enable = false;
  r.ctl = c;
  r.dctl = prof_.map().encode_dctl(regs::Direction::Tx, c);
  r.cached = 0, r.cache_first = 0;
  if (who_[q].owner >= 0) ++fault_disables_[static_cast<unsigned>(who_[q].owner)];
  enable_changed(r, now);
}

void TxEngine::enable_changed(Ring& r, ps_t now) {
  const unsigned q = queue_of(r);
  if (!r.enabled() && r.entries()) {
    // Descriptors posted to a queue that is then disabled are discarded (the model's choice:
    // the datasheets leave it to software to drain first; docs/fidelity.md): each is a frame
    // dropped, and head catches up with tail so that a later enable does not send them.
    for (unsigned n = r.hw_owned(); n; --n) drops_.count(Drop::QueueDisabled, who_[q].owner);
    r.head = r.tail;
    r.db_count = 0;
  }
  qs_[q] = QueueState{};
  update_work(q, now);
}

void TxEngine::write_back(unsigned q, ps_t t) {
  Ring& r = rings_[q];
  QueueState& s = qs_[q];
  const unsigned ring_n = r.entries();
  const unsigned n = std::min(s.wb_count, ring_n);  // a ring shortened under its batch: what is left of it
  IOVSIM_CHECK(s.wb_count <= Ring::kCacheMax, "a Tx write-back batch larger than its store");
  s.wb_count = s.wb_rs = 0;
  s.wb_deadline = kNever;
  if (!n) return;
  // Whole descriptors in the write-back format, DD set, the n before head (two runs at the end).
  std::uint8_t buf[Ring::kCacheMax * 16];
  std::memset(buf, 0, 16 * n);  // the n descriptors written, not the whole store
  for (unsigned i = 0; i < n; ++i) desc::TxWriteBack{desc::TxWriteBack::DD::make(1)}.store_status(buf + 16 * i);
  const unsigned first = ring_wrap(r.head + ring_n - n, ring_n);
  for (unsigned i = 0; i < n;) {
    const unsigned at = ring_wrap(first + i, ring_n), run = std::min(n - i, ring_n - at);
    ps_t d = t;
    port_.write(who_[q].fn, r.base() + at * 16ull, buf + 16 * i, run * 16, TlpKind::WriteBack, d);
    ++stats_.write_backs;
    i += run;
    if (irq_) irq_->tx_done(q, d);
  }
  stats_.written_back += n;
}

void TxEngine::flush_due(ps_t now) {
  ps_t next = kNever;
  for (unsigned q = 0; q < qs_.size(); ++q) {
    const ps_t at = qs_[q].wb_deadline;
    if (at == kNever) continue;
    if (at <= now)
      write_back(q, at);
    else
      next = std::min(next, at);
  }
  flush_deadline_ = next;
}

// `n` descriptors (the frame's, before head now), `rs` of them with RS, their data read by `done`.
void TxEngine::done_descriptors(unsigned q, unsigned n, unsigned rs, ps_t done) {
  Ring& r = rings_[q];
  if (!rs) {
    if (!qs_[q].wb_rs) {
      qs_[q].wb_count = 0;  // nothing to report yet: nothing accumulates
    } else {
      if (qs_[q].wb_count + n > Ring::kCacheMax) write_back(q, done);  // the batch store is full
      qs_[q].wb_count += std::min(n, Ring::kCacheMax);
    }
    return;
  }
  if (r.head_wb.enable) {  // the head index, 4 bytes, instead of descriptor status
    std::uint8_t v[4];
    desc::put_le32(v, r.head);
    ps_t d = done;
    port_.write(who_[q].fn, r.head_wb.addr, v, 4, TlpKind::WriteBack, d);
    ++stats_.head_write_backs;
    if (irq_) irq_->tx_done(q, d);
    return;
  }
  if (r.ctl.wthresh == 0) {  // each RS descriptor's status dword at once
    std::uint8_t sta[4];
    desc::put_le32(sta, desc::TxWriteBack::DD::make(1));
    for (unsigned i = 0; i < n; ++i) {
      ps_t d = done;
      port_.write(who_[q].fn, r.base() + ring_wrap(r.head + r.entries() - n + i, r.entries()) * 16ull +
                                   desc::TxWriteBack::kStatusOffset,
                  sta, 4, TlpKind::WriteBack, d);
      if (irq_ && i + 1 == n) irq_->tx_done(q, d);
    }
    stats_.write_backs += n;
    stats_.written_back += n;
    return;
  }
  QueueState& s = qs_[q];
  if (s.wb_count + n > Ring::kCacheMax) write_back(q, done);
  s.wb_count += n;
  s.wb_rs += rs;
  if (s.wb_rs >= r.ctl.wthresh) {
    write_back(q, done);
  } else if (s.wb_deadline == kNever) {
    s.wb_deadline = done + p_.wb_flush;
    flush_deadline_ = std::min(flush_deadline_, s.wb_deadline);
  }
}

void TxEngine::use_class_buffers(const regs::TxDcbCfg& cfg) {
  classes_ = &cfg;
  class_mod_ = prof_.dcb_tcs ? prof_.dcb_tcs : 1;
  for (unsigned q = 0; q < rings_.size(); ++q) class_queues_[q % class_mod_].set(q);
  room_.reset();
}

void TxEngine::release_classes(ps_t t) {
  const unsigned need = p_.max_frame;
  for (unsigned c = 0; c < class_mod_; ++c) {
    ClassBuffer& b = cls_[c];
    while (!b.leaving.empty() && b.leaving.front().leave <= t) {
      b.used -= b.leaving.front().bytes;
      cls_used_ -= b.leaving.front().bytes;
      b.leaving.pop();
    }
    const unsigned cap = classes_->tx_buffer_bytes[c];
    if (cap >= b.used + need)
      room_ |= class_queues_[c];
    else
      room_ &= ~class_queues_[c];
  }
}

ps_t TxEngine::next_class_release(ps_t t) const {
  ps_t next = kNever;
  for (unsigned c = 0; c < class_mod_; ++c)
    if (!cls_[c].leaving.empty()) next = std::min(next, std::max(t, cls_[c].leaving.front().leave));
  return next;
}

void TxEngine::held(unsigned q, unsigned len, ps_t origin, ps_t done, ps_t leave_at, ps_t issue) {
  ClassBuffer& b = cls_[class_of(q)];
  b.used += len;
  cls_used_ += len;
  stats_.buffer_peak = std::max(stats_.buffer_peak, cls_used_);
  if (leave_at != TxSink::kDeferred) wire_done(q, len, origin, std::max(leave_at, done));  // looped back only
  if (observed_) observe_tx(len, q, who_[q].owner, issue, done, leave_at == TxSink::kDeferred ? done : leave_at);
}

void TxEngine::wire_done(unsigned queue, unsigned len, ps_t origin, ps_t at) {
  cls_[class_of(queue)].leaving.push({at, len});
  const int owner = who_[queue].owner;
  if (owner >= 0) tx_latency_[static_cast<unsigned>(owner)].record_ps(at > origin ? at - origin : 0);
}

int TxEngine::pick_with_room(ps_t t, ps_t& eligible) {  // DCB: only classes with buffer room
  release_classes(t);
  const QueueMask ready = work_ & room_;
  const int picked = ready.none() ? -1 : arbiter_.pick(ready, t, eligible);
  if (picked < 0) eligible = std::min(eligible, next_class_release(t));
  return picked;
}

TxEngine::Step TxEngine::step(ps_t t) {
  if (work_.none()) return {Step::Idle, t};
  ps_t eligible = kNever;
  const int picked = __builtin_expect(classes_ != nullptr, 0) ? pick_with_room(t, eligible)
                                                              : arbiter_.pick(work_, t, eligible);
  if (picked < 0) return {Step::Wait, eligible};
  const auto q = static_cast<unsigned>(picked);
  Ring& r = rings_[q];
  const unsigned fn = who_[q].fn;
  const int owner = who_[q].owner;
  if (bus_master_ && !bus_master_(fn)) {
    ++stats_.bus_master_stalls;
    work_.reset(q);
    return {Step::Served, t};
  }

  // prepare: the frame's descriptors, on chip up to EOP
  auto find_eop = [&r]() -> unsigned {  // descriptors of the frame, 0 when EOP is not cached
    for (unsigned i = 0; i < r.cached; ++i)
      if (desc::TxData::EOP::get(static_cast<std::uint32_t>(r.cache(i).hi))) return i + 1;
    return 0;
  };
  unsigned k = find_eop();
  if (!k && r.unfetched() && r.cached < p_.cache_size) {  // fetch the rest on demand
    const DmaStatus s =
        stats_.fetch.fetch(r, port_, fn, std::min(r.unfetched(), p_.cache_size - r.cached), t, true);
    if (s == DmaStatus::BusMaster) {
      ++stats_.bus_master_stalls;
      work_.reset(q);
      return {Step::Served, t};
    }
    if (s != DmaStatus::Ok && r.cached == 0) {  // the ring itself is unreadable
      r.head = r.index(1);
      drops_.count(Drop::IommuFault, owner);
      fault_disable(q, t);
      return {Step::Served, t};
    }
    k = find_eop();
  }
  if (!k) {
    if (r.cached >= p_.cache_size) {  // a frame longer than the cache: not transmittable
      drops_.count(Drop::BadDescriptor, owner);
      r.consume(r.cached);
      update_work(q, t);
      return {Step::Served, t};
    }
    r.stalled_tail = r.tail;  // the rest of the frame is not posted: wait for a doorbell
    work_.reset(q);
    return {Step::Served, t};
  }
  ps_t ready = t;
  unsigned bytes = 0, rs = 0;
  bool bad = false;
  std::uint32_t offload = 0;  // the offloads asked for (igb writes olinfo_status on a frame's first data descriptor only)
  for (unsigned i = 0; i < k; ++i) {
    const Ring::Desc& d = r.cache(i);
    ready = std::max(ready, d.ready);
    const auto cmd = static_cast<std::uint32_t>(d.hi);
    if (__builtin_expect(desc::TxContext::is(cmd), 0)) {  // offload parameters, no data
      ctx_[q] = {static_cast<std::uint32_t>(d.lo), cmd};
      continue;
    }
    const unsigned len = desc::TxData::DTALEN::get(cmd);
    rs += desc::TxData::RS::get(cmd);
    if (len == 0 || desc::TxData::TSE::get(cmd)) bad = true;  // TSO is not modelled
    offload |= static_cast<std::uint32_t>(d.hi >> 32) & (desc::TxData::IXSM::kMask | desc::TxData::TXSM::kMask);
    bytes += len;
  }
  if (ready > t) {
    ++stats_.waited_descriptors;
    stats_.descriptor_wait_ps += ready - t;
  }
  const ps_t posted = r.posted_at();  // before head moves past the frame's descriptors
  const unsigned frame_len = std::max(bytes + kFcsBytes, kMinFrame);  // padded, FCS appended
  if (bad || bytes + kFcsBytes > kFrameCapacity || frame_len > p_.packet_buffer_bytes) {
    r.consume(k);
    drops_.count(Drop::BadDescriptor, owner);
    done_descriptors(q, k, rs, ready);
    update_work(q, t);
    maybe_fetch(q, t);
    return {Step::Served, t};
  }

  // room in the Tx packet buffer (with DCB: the class had room when picked)
  ps_t issue = ready;
  while (pb_count_ && (pb_[pb_head_].leave <= issue || pb_used_ + frame_len > p_.packet_buffer_bytes ||
                       pb_count_ == pb_.size())) {
    issue = std::max(issue, pb_[pb_head_].leave);
    pb_used_ -= pb_[pb_head_].bytes;
    if (++pb_head_ == pb_.size()) pb_head_ = 0;
    --pb_count_;
  }
  if (issue > ready) {
    ++stats_.waited_buffer;
    stats_.buffer_wait_ps += issue - ready;
  }

  // process: read the buffers, back to back
  const FrameHandle h = pool_.alloc();
  ps_t done = issue;
  DmaStatus status = DmaStatus::Ok;
  if (h != kNoFrame) {
    Frame& f = pool_[h];
    f.built_by = nullptr;  // the host's bytes from here
    for (unsigned i = 0, off = 0; i < k && status == DmaStatus::Ok; ++i) {
      const Ring::Desc& d = r.cache(i);
      if (__builtin_expect(desc::TxContext::is(static_cast<std::uint32_t>(d.hi)), 0)) continue;
      const unsigned len = desc::TxData::DTALEN::get(static_cast<std::uint32_t>(d.hi));
      ps_t dd = issue;
      status = port_.read(fn, d.lo, f.data + off, len, TlpKind::Data, dd);
      done = std::max(done, dd);
      off += len;
    }
  }
  if (status == DmaStatus::BusMaster) {  // BME cleared under the engine: nothing consumed
    if (h != kNoFrame) pool_.release(h);
    ++stats_.bus_master_stalls;
    work_.reset(q);
    return {Step::Served, t};
  }
  arbiter_.charge(q, frame_len, issue);
  r.consume(k);
  // The queue's next frame into the host's cache while the others' are served (its buffer was
  // written by the driver long ago: an L2 miss per frame otherwise). Only the host's speed.
  if (r.cached) port_.prefetch(fn, r.cache(0).lo);
  done_descriptors(q, k, rs, done);
  update_work(q, issue);
  maybe_fetch(q, issue);
  if (h == kNoFrame || status != DmaStatus::Ok) {
    if (h != kNoFrame) pool_.release(h);
    drops_.count(h == kNoFrame ? Drop::FramePoolEmpty : Drop::IommuFault, owner);
    if (h != kNoFrame) fault_disable(q, issue);
    return {Step::Served, issue};
  }
  Frame& f = pool_[h];
  if (__builtin_expect(offload != 0, 0) && !insert_checksums(f.data, bytes, ctx_[q], offload))
    ++stats_.offload_errors;  // headers the context does not describe: sent as they are
  if (bytes + kFcsBytes < kMinFrame) std::memset(f.data + bytes, 0, kMinFrame - kFcsBytes - bytes);
  f.len = frame_len;
  f.port = static_cast<std::uint16_t>(layout_.port);
  f.src_fn = static_cast<std::int16_t>(owner);
  f.origin = Origin::Host;
  f.fcs_ok = true;
  f.t_origin = std::min(posted, issue);  // merged doorbells keep the later time: never after its read
  queue_stats_[q].add(frame_len);
  ++stats_.frames;
  if (owner >= 0) {
    fn_stats_[static_cast<unsigned>(owner)].add(frame_len);
    fn_host_bytes_[static_cast<unsigned>(owner)] += bytes;
  }
  const ps_t origin = f.t_origin;  // the sink owns the frame from here
  if (observed_ && owner >= 0) {  // the frame as read from the function's memory
    FrameTap* tap = fn_taps_[static_cast<unsigned>(owner) - layout_.first_function];
    if (tap) tap->frame(done, f.data, f.len - kFcsBytes, static_cast<int>(q));
  }
  const ps_t leave = sink_.transmit(h, q, who_[q].pool, done);
  if (__builtin_expect(classes_ != nullptr, 0)) {
    held(q, frame_len, origin, done, leave, issue);
    return {Step::Served, issue};
  }
  if (owner >= 0) tx_latency_[static_cast<unsigned>(owner)].record_ps(leave > origin ? leave - origin : 0);
  unsigned slot = pb_head_ + pb_count_;
  if (slot >= pb_.size()) slot -= static_cast<unsigned>(pb_.size());
  pb_[slot] = {std::max(leave, done), frame_len};
  ++pb_count_;
  pb_used_ += frame_len;
  stats_.buffer_peak = std::max(stats_.buffer_peak, pb_used_);
  if (observed_) observe_tx(frame_len, q, owner, issue, done, leave);
  return {Step::Served, issue};
}

void TxEngine::publish(MetricsRegistry& m) const {
  const unsigned Q = prof_.queues_per_port;
  for (unsigned q = 0; q < Q; ++q) {
    const std::string path = fmt::format("/queues/{}/", layout_.port * Q + q);
    m.counter(path + "tx_frames", queue_stats_[q].frames, Unit::Frames,
              "frames the Tx DMA fetched from the queue");
    m.counter(path + "tx_bytes", queue_stats_[q].bytes, Unit::Bytes, "their frame bytes");
    m.rate_gbps(path + "tx_gbps", path + "tx_bytes", "their bytes over the traffic window");
    m.counter("/register_errors/ring_register_writes_ignored", rings_[q].bad_writes, Unit::Count,
              "ring register writes the hardware ignored");
  }
  for (unsigned fn = fn_stats_.first(); fn < fn_stats_.first() + fn_stats_.size(); ++fn)
  {
    m.traffic(fmt::format("/functions/{}/tx", fn), fn_stats_[fn].frames, fn_stats_[fn].bytes,
              "frames the function sent (wire or loopback)");
    m.counter(fmt::format("/functions/{}/tx_host_bytes", fn), fn_host_bytes_[fn], Unit::Bytes,
              "their bytes as the driver posted them (the descriptors' lengths: before padding to 60 bytes and the FCS)");
    publish_latency(m, fmt::format("/functions/{}/tx_latency_ns/", fn), tx_latency_[fn],
                    "doorbell (tail write) to the frame leaving the Tx packet buffer for the wire or the VEB");
  }
  const std::string e = fmt::format("/ports/{}/tx_dma/", layout_.port);
  m.counter(e + "frames", stats_.frames, Unit::Frames, "frames the Tx DMA fetched (any queue)");
  stats_.fetch.publish(m, e, "frames whose descriptors were not all on chip when their queue was picked");
  m.counter(e + "descriptor_waits", stats_.waited_descriptors, Unit::Frames,
            "frames whose data reads waited for a descriptor fetch");
  m.value(e + "descriptor_wait_ns", [this] { return static_cast<double>(stats_.descriptor_wait_ps) / 1000; },
          Unit::Nanoseconds, "their total wait: the cost of descriptor latency");
  m.counter(e + "packet_buffer_waits", stats_.waited_buffer, Unit::Frames,
            "frames whose data reads waited for room in the Tx packet buffer (the wire is the limit)");
  m.value(e + "packet_buffer_wait_ns", [this] { return static_cast<double>(stats_.buffer_wait_ps) / 1000; },
          Unit::Nanoseconds, "their total wait");
  m.value(e + "packet_buffer_peak_bytes", [this] { return stats_.buffer_peak; }, Unit::Bytes,
          "peak Tx packet buffer occupancy");
  m.counter(e + "write_backs", stats_.write_backs, Unit::Count, "descriptor write-backs (bursts or status dwords)");
  m.counter(e + "descriptors_written_back", stats_.written_back, Unit::Count, "descriptors they covered");
  m.counter(e + "head_write_backs", stats_.head_write_backs, Unit::Count, "head index write-backs (TDWBAL)");
  m.counter(e + "bus_master_stalls", stats_.bus_master_stalls, Unit::Count,
            "doorbells or frames of a function whose Bus Master Enable is clear (descriptors left in the ring)");
  m.counter(e + "offload_errors", stats_.offload_errors, Unit::Count,
            "frames asking for a checksum insertion their context descriptor's header lengths do not fit (sent unchanged)");
  m.gauge("/conservation/in_flight", [this] { return pending_descriptors(); }, Unit::Frames,
          "frames posted to Tx rings and not yet fetched (one descriptor each)");
  // The host side of the ledger, counted by the device: every frame it took from a Tx ring
  // (sent on or dropped) and every descriptor still waiting in one. What a driver writes into
  // its ring is the device's to account for, whatever the driver believes it sent.
  m.gauge("/conservation/injected_host",
          [this] { return stats_.frames + drops_.total() + pending_descriptors(); }, Unit::Frames,
          "frames the hosts' drivers posted to Tx rings, as the device took them (sent, dropped or still posted)");
  for (unsigned fn = fn_stats_.first(); fn < fn_stats_.first() + fn_stats_.size(); ++fn)
    m.counter(fmt::format("/functions/{}/tx_queues_stopped_by_dma_fault", fn), fault_disables_[fn], Unit::Count,
              "Tx queues of the function the device disabled after a refused DMA (malicious driver detection)");
  drops_.publish(m);
}

// Checksum offload as the advanced descriptors ask for it (igb_tx_csum: CHECKSUM_PARTIAL):
// IXSM, the IPv4 header checksum over IPLEN bytes after MACLEN; TXSM, the TCP or UDP checksum
// over the frame from MACLEN + IPLEN to its end, the field holding the pseudo-header sum the
// stack seeded, stored complemented at +16 (TCP) or +6 (UDP; 0 sent as 0xFFFF). SCTP's CRC32c
// is not modelled. Returns false when the frame is too short for the headers the context gives.
bool TxEngine::insert_checksums(std::uint8_t* f, unsigned len, const Context& c, std::uint32_t popts) {
  const unsigned mac = desc::TxContext::MACLEN::get(c.macip), ip = desc::TxContext::IPLEN::get(c.macip);
  if (mac + ip > len) return false;
  if (desc::TxData::IXSM::get(popts) && desc::TxContext::TUCMD_IPV4::get(c.tucmd)) {
    if (ip < 20) return false;
    f[mac + 10] = f[mac + 11] = 0;
    const std::uint16_t sum = internet_checksum(f + mac, ip);
    f[mac + 10] = static_cast<std::uint8_t>(sum >> 8), f[mac + 11] = static_cast<std::uint8_t>(sum);
  }
  if (desc::TxData::TXSM::get(popts)) {
    const unsigned l4 = mac + ip, type = desc::TxContext::L4T::get(c.tucmd);
    if (type > 1) return false;  // SCTP (CRC32c) or reserved
    const unsigned at = l4 + (type == 1 ? 16 : 6);
    if (at + 2 > len) return false;
    std::uint16_t sum = internet_checksum(f + l4, len - l4);
    if (type == 0 && sum == 0) sum = 0xFFFF;  // UDP: 0 means no checksum
    f[at] = static_cast<std::uint8_t>(sum >> 8), f[at + 1] = static_cast<std::uint8_t>(sum);
  }
  return true;
}

}  // namespace iovsim
