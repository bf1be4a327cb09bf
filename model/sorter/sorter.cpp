#include "model/sorter/sorter.h"

#include <fmt/format.h>

#include "model/core/mac_address.h"

#include <algorithm>
#include <cstddef>
#include <cstring>


namespace iovsim {

hls::L2Header parse_l2(const Frame& f) {
  hls::L2Header h{};
  const std::uint8_t* d = f.data;
  h.da = hls::mac_from_bytes(d);
  h.sa = hls::mac_from_bytes(d + 6);
  h.frame_len = static_cast<std::uint16_t>(f.len);
  std::uint16_t et = static_cast<std::uint16_t>(d[12] << 8 | d[13]);
  bool tagged = false;
  std::uint16_t vid = 0, pcp = 0;
  if (et == 0x8100 && f.len >= 18) {
    tagged = true;
    std::uint16_t tci = static_cast<std::uint16_t>(d[14] << 8 | d[15]);
    vid = tci & 0xFFF;
    pcp = tci >> 13;
    et = static_cast<std::uint16_t>(d[16] << 8 | d[17]);
  }
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // tagged, vid, pcp and the ethertype in one 8-byte store: the decision caches compare them
  // (same_header) as one 8-byte load, which GCC merges the four compares into and which four
  // narrower stores could not forward (a stall of some 15 cycles a frame).
  static_assert(offsetof(hls::L2Header, vid) == offsetof(hls::L2Header, tagged) + 2 &&
                offsetof(hls::L2Header, pcp) == offsetof(hls::L2Header, tagged) + 4 &&
                offsetof(hls::L2Header, ethertype) == offsetof(hls::L2Header, tagged) + 6 && sizeof(bool) == 1);
  const std::uint64_t w = std::uint64_t{tagged} | std::uint64_t{vid} << 16 | std::uint64_t{pcp} << 32 |
                          std::uint64_t{et} << 48;
  std::memcpy(reinterpret_cast<unsigned char*>(&h) + offsetof(hls::L2Header, tagged), &w, 8);
#else
  h.tagged = tagged, h.vid = vid, h.pcp = pcp, h.ethertype = et;
#endif
  return h;
}

bool parse_flow(const Frame& f, const hls::L2Header& h, const regs::RssHashTypes& types,
                hls::FlowTuple& t) {
  const unsigned l3 = h.tagged ? 18 : 14;
  const std::uint8_t* d = f.data;
  const unsigned len = f.len - kFcsBytes;
  unsigned l4 = 0, proto = 0;
  bool fragment = false;
  t = hls::FlowTuple{};
  if (h.ethertype == 0x0800) {
    if (len < l3 + 20 || (d[l3] >> 4) != 4) return false;
    if (!(types.ipv4 || types.ipv4_tcp || types.ipv4_udp)) return false;
    l4 = l3 + (d[l3] & 0xF) * 4u;
    proto = d[l3 + 9];
    fragment = ((d[l3 + 6] & 0x3F) << 8 | d[l3 + 7]) != 0 || (d[l3 + 6] & 0x20);
    std::memcpy(t.src_ip, d + l3 + 12, 4);
    std::memcpy(t.dst_ip, d + l3 + 16, 4);
    t.has_l4 = !fragment && len >= l4 + 4 &&
               ((proto == 6 && types.ipv4_tcp) || (proto == 17 && types.ipv4_udp));
    if (!t.has_l4 && !types.ipv4) return false;
  } else if (h.ethertype == 0x86DD) {
    if (len < l3 + 40 || (d[l3] >> 4) != 6) return false;
    if (!(types.ipv6 || types.ipv6_tcp || types.ipv6_udp)) return false;
    t.ipv6 = true;
    l4 = l3 + 40;
    proto = d[l3 + 6];  // extension headers are not walked (a documented simplification)
    std::memcpy(t.src_ip, d + l3 + 8, 16);
    std::memcpy(t.dst_ip, d + l3 + 24, 16);
    t.has_l4 = len >= l4 + 4 &&
               ((proto == 6 && types.ipv6_tcp) || (proto == 17 && types.ipv6_udp));
    if (!t.has_l4 && !types.ipv6) return false;
  } else {
    return false;
  }
  if (t.has_l4) {
    t.src_port = static_cast<std::uint16_t>(d[l4] << 8 | d[l4 + 1]);
    t.dst_port = static_cast<std::uint16_t>(d[l4 + 2] << 8 | d[l4 + 3]);
  }
  return true;
}

Sorter::Sorter(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
               unsigned num_rar, unsigned num_vlvf, regs::RegisterSpace& pf_regs)
    : sc_module(name), rx_in("rx_in", this, &Sorter::receive),
      tx_in("tx_in", this, &Sorter::transmit), to_dma("to_dma"), to_wire("to_wire"),
      prof_(prof), p_(layout), drops_(layout.port, layout.first_function, layout.functions()),
      pf_regs_(pf_regs) {
  hls::SorterTables& t = r_.tables;
  t.num_rar = std::min(num_rar, prof.num_rar);
  t.num_pools = prof.num_pools;
  t.num_vlvf = std::min(num_vlvf, prof.num_vlvf);
  first_filter_entry_ = pf_regs.entries().size();
  prof.map().bind_sorter(pf_regs, r_);
}

void Sorter::use_rtl(std::unique_ptr<SorterRtl> rtl) {
  rtl_ = std::move(rtl);
  // The RTL's register port sees every write to the filter registers, as decoded here.
  pf_regs_.tap_writes(first_filter_entry_, [this](std::uint32_t off, std::uint32_t v) { rtl_->write(off, v, access_time()); });
}

Sorter::~Sorter() = default;

void Sorter::filters_changed() {
  conflicts_checked_ = r_.generation;
  conflicts_peak_ = std::max(conflicts_peak_, mac_conflicts());
}

unsigned Sorter::mac_conflicts() const {
  const hls::SorterTables& t = r_.tables;
  unsigned n = 0;
  for (unsigned i = 0; i < t.num_rar; ++i) {
    if (!t.rar[i].valid) continue;
    bool first = true, conflict = false;  // count each address once, at its first entry
    for (unsigned j = 0; j < t.num_rar && first; ++j)
      if (j != i && t.rar[j].valid && t.rar[j].mac == t.rar[i].mac) {
        if (j < i) first = false;
        if (t.rar[j].pools != t.rar[i].pools) conflict = true;
      }
    n += first && conflict;
  }
  return n;
}

void Sorter::publish(MetricsRegistry& m) const {
  const std::string port = fmt::format("/ports/{}/", p_.port);
  m.value(port + "mac_conflicts", [this] { return std::max(conflicts_peak_, mac_conflicts()); }, Unit::Count,
          "most MAC addresses the receive filters gave to different pools at once (a VF that took another's MAC)");
  m.counter(port + "loopback_frames", stats_.loopback_frames, Unit::Frames,
            "copies the VEB switched from a Tx queue to a local pool");
  m.counter(port + "replicated_frames", stats_.replicated_frames, Unit::Frames,
            "frames delivered to more than one destination");
  m.counter(port + "spoof_events", stats_.spoof_events, Unit::Frames,
            "Tx frames that failed MAC or VLAN anti-spoofing");
  m.counter(port + "sorter/classify_calls", cache_misses_, Unit::Count,
            "Rx decisions the sorter core computed (the others came from its cache)");
  m.counter(port + "sorter/switch_calls", tx_cache_misses_, Unit::Count,
            "Tx decisions the sorter core computed");
  if (rtl_)
    m.value(port + "sorter/rtl_cycles", [this] { return static_cast<double>(rtl_->cycles()); }, Unit::Count,
            "clock cycles the sorter's RTL ran (sorter.impl rtl: two per frame, one per filter register write)");
  m.counter(port + "sorter/filter_generation", r_.generation, Unit::Count,
            "filter register writes so far (each empties the decision caches)");
  m.counter("/conservation/replicas", stats_.replicas, Unit::Frames,
            "extra copies made by replication");
  m.counter("/register_errors/filter_writes_ignored", r_.ignored_writes, Unit::Count,
            "filter register writes beyond the tables in use or for absent pools");
  drops_.publish(m);
}

namespace {
// Pools in a mask. Without -mpopcnt (Debian's x86-64 baseline) __builtin_popcountll is a call
// into libgcc (some 20 instructions); a unicast frame's mask has one bit.
unsigned pool_count(hls::PoolMask m) {
  if ((m & (m - 1)) == 0) return m != 0;
  return static_cast<unsigned>(__builtin_popcountll(m));
}
Drop drop_of(hls::RxVerdict v) {
  switch (v) {
    case hls::RxVerdict::DropVlanFilter: return Drop::VlanFilter;
    case hls::RxVerdict::DropSize: return Drop::PoolSize;
    case hls::RxVerdict::DropPoolDisabled: return Drop::PoolDisabled;
    default: return Drop::NoPool;
  }
}
}  // namespace

void Sorter::observe(const Observer& o) {
  log_ = o.log;
  if (o.probes) {
    rx_pools_ = o.probes->declare(fmt::format("port{}.sorter.rx_pools", p_.port), 64, ProbeKind::level,
                                  "the pools the last frame from the wire went to (bitmap; 0: dropped)");
    tx_pools_ = o.probes->declare(fmt::format("port{}.sorter.tx_pools", p_.port), 64, ProbeKind::level,
                                  "where the last frame from a queue went: local pools (bitmap), bit 63 the wire");
  }
  observed_ = true;
}

void Sorter::observe_decision(bool rx, const FramePayload& p, const hls::L2Header& h, std::uint64_t pools,
                              Drop drop, ps_t t) {
  (rx ? rx_pools_ : tx_pools_).set(t, static_cast<std::int64_t>(pools));
  const int fn = rx ? -1 : p_.function_of_pool(static_cast<unsigned>(p.pool_id));
  if (!log_ || !log_->wants(LogKind::frame, fn)) return;
  if (drop != Drop::kCount)
    log_->line(LogKind::frame, t, fn, rx ? -1 : p.queue, "sorter port{} {} {} bytes da {} vid {}: drop {}", p_.port,
               rx ? "rx" : "tx", p.frame().len, MacAddress(h.da).str(), h.vid, drop_name(drop));
  else
    log_->line(LogKind::frame, t, fn, rx ? -1 : p.queue, "sorter port{} {} {} bytes da {} vid {}: pools {:#x}{}", p_.port,
               rx ? "rx" : "tx", p.frame().len, MacAddress(h.da).str(), h.vid, pools & ~(1ull << 63),
               pools >> 63 ? " and the wire" : "");
}

inline void Sorter::deliver(FramePayload& p, const hls::L2Header& h, hls::PoolMask pools,
                     unsigned other_copies, FrameBurst& out) {
  unsigned n = pool_count(pools);
  if (n + other_copies > 1) {
    stats_.replicas += n + other_copies - 1;
    stats_.replicated_frames++;
  }
  for (unsigned i = 1; i < n; ++i) p.pool->retain(p.handle);
  // RSS (MRQC.MRQE = VMDq + RSS): one hash per frame; pools with VMOLR.RSSE spread flows over
  // their queues through the RETA, the others use their first queue.
  // The hash goes into the copies (and p after them): a store into p right before copying it
  // would stall the copy's 16-byte loads (store forwarding).
  bool hashed = false;
  std::uint32_t hash = 0;
  const regs::RssConfig& rss = r_.rss;
  if (rss.enabled && (pools & rss.pools)) {
    hls::FlowTuple ft;
    if (parse_flow(p.frame(), h, rss.types, ft)) {
      hash = hls::rss_hash(rss.key, ft);
      hashed = true;
    }
  }
  // DCB (the 82599's VT + DCB layouts): the pool's queue of the frame's traffic class, which
  // RTRUP2TC gives its 802.1p priority (untagged: priority 0).
  const unsigned tc_queue = prof_.dcb_tcs ? r_.rx_up2tc[h.tagged ? h.pcp & 7 : 0] % prof_.queues_per_pool : 0;
  for (hls::PoolMask m = pools; m; m &= m - 1) {
    auto pool = static_cast<unsigned>(__builtin_ctzll(m));
    if (out.full()) to_dma.flush(out);
    FramePayload& copy = out.add();
    copy = p;
    copy.pool_id = static_cast<std::int16_t>(pool);
    copy.rss_hash = hash;
    unsigned q = hashed && (rss.pools >> pool & 1)
                     ? hls::rss_queue_in_pool(rss.reta, hash, prof_.queues_per_pool)
                     : tc_queue;
    copy.queue = static_cast<std::uint16_t>(prof_.queue_of(pool, q));
  }
  p.rss_hash = hash;
}

namespace {
std::uint64_t header_key(const hls::L2Header& h) {
  return h.da * 0x9E3779B97F4A7C15ull ^ (std::uint64_t{h.vid} << 17) ^
         (std::uint64_t{h.frame_len} << 31) ^ h.ethertype ^ (h.tagged ? 1u << 13 : 0);
}
bool same_header(const hls::L2Header& a, const hls::L2Header& b) {
  return a.da == b.da && a.sa == b.sa && a.tagged == b.tagged && a.vid == b.vid && a.pcp == b.pcp &&
         a.ethertype == b.ethertype && a.frame_len == b.frame_len;
}
}  // namespace

// sorter.impl rtl: every frame through the RTL's pipeline, no memo (out of the C++ path).
const hls::RxDecision& Sorter::classify_rtl(const hls::L2Header& h, ps_t t) {
  if (conflicts_checked_ != r_.generation) filters_changed();
  ++cache_misses_;
  rtl_rx_ = rtl_->classify(h, t);
  return rtl_rx_;
}

const hls::TxDecision& Sorter::switch_rtl(unsigned src, const hls::L2Header& h, ps_t t) {
  ++tx_cache_misses_;
  rtl_tx_ = rtl_->switch_tx(src, h, t);
  return rtl_tx_;
}

const hls::RxDecision& Sorter::classify(const hls::L2Header& h) {
  RxCacheEntry& e = rx_cache_[(header_key(h) >> 40) % kRxCacheEntries];
  if (e.generation != r_.generation || !same_header(e.h, h)) {
    e.h = h;
    e.d = hls::classify_rx(r_.tables, h);
    e.generation = r_.generation;
    ++cache_misses_;
    if (conflicts_checked_ != r_.generation) filters_changed();
  }
  return e.d;
}

const hls::TxDecision& Sorter::switch_frame(unsigned src, const hls::L2Header& h) {
  const std::uint64_t key = header_key(h) ^ (h.sa * 0xC2B2AE3D27D4EB4Full) ^ (std::uint64_t{src} << 51);
  TxCacheEntry& e = tx_cache_[(key >> 40) % kTxCacheEntries];
  if (e.generation != r_.generation || e.src != src || !same_header(e.h, h)) {
    e.h = h;
    e.src = src;
    e.d = hls::switch_tx(r_.tables, src, h);
    e.generation = r_.generation;
    ++tx_cache_misses_;
  }
  return e.d;
}

void Sorter::receive(FrameBurst& b) {
  FrameBurst& out = rx_out_;
  out.start(b.now);
  for (unsigned i = 0; i < b.n; ++i) {
    FramePayload& p = b.f[i];
    const hls::L2Header h = parse_l2(p.frame());
    const hls::RxDecision& d = rtl_ ? classify_rtl(h, p.t) : classify(h);
    const bool dropped = d.verdict != hls::RxVerdict::Deliver || d.pools == 0;
    if (observed_) observe_decision(true, p, h, dropped ? 0 : d.pools, dropped ? drop_of(d.verdict) : Drop::kCount, p.t);
    if (dropped) {
      drops_.count(drop_of(d.verdict), -1);
      p.pool->release(p.handle);
      continue;
    }
    deliver(p, h, d.pools, 0, out);
  }
  to_dma.flush(out);
}

inline bool Sorter::switch_one(FramePayload& p, FrameBurst& lb) {
  auto src = static_cast<unsigned>(p.pool_id);
  int fn = p_.function_of_pool(src);
  const hls::L2Header h = parse_l2(p.frame());
  const hls::TxDecision& d = rtl_ ? switch_rtl(src, h, p.t) : switch_frame(src, h);
  if (d.spoof_mac || d.spoof_vlan) {
    // The family's status registers report it (82576 WVBR: which queue; 82599 SSVPC: a count).
    r_.spoofed_queues.set(p.queue);
    ++r_.spoofed_frames;
    ++stats_.spoof_events;
    if (on_spoof) on_spoof();
  }
  const bool dropped = d.drop || (!d.to_wire && d.loopback_pools == 0);
  const Drop why = !dropped                  ? Drop::kCount
                   : d.spoof_mac || d.spoof_vlan ? Drop::Spoof
                   : d.tx_disabled           ? Drop::PoolDisabled
                                             : Drop::NoPool;
  if (observed_)
    observe_decision(false, p, h, dropped ? 0 : d.loopback_pools | (d.to_wire ? 1ull << 63 : 0), why, p.t);
  if (dropped) {
    drops_.count(why, fn);
    p.pool->release(p.handle);
    return false;
  }
  if (d.loopback_pools) {
    stats_.loopback_frames += pool_count(d.loopback_pools);
    if (d.to_wire) p.pool->retain(p.handle);  // the wire keeps one reference
    deliver(p, h, d.loopback_pools, d.to_wire ? 1 : 0, lb);
  }
  return d.to_wire;
}

void Sorter::transmit(FrameBurst& b) {
  FrameBurst& lb = lb_out_;
  lb.start(b.now);
  for (unsigned i = 0; i < b.n; ++i) {
    FramePayload& p = b.f[i];
    if (!switch_one(p, lb)) continue;
    to_dma.flush(lb);  // the copies first, as one frame at a time has them
    if (b.n == 1) {    // the Tx engine's one frame a call: the burst itself goes on to the wire
      to_wire.send(b);
      return;
    }
    FrameBurst& w = wire_out_;
    w.start(b.now);
    w.add() = p;
    to_wire.send(w);
    p.t = w.f[0].t;
    p.deferred = w.f[0].deferred;
  }
  to_dma.flush(lb);
}

}  // namespace iovsim
