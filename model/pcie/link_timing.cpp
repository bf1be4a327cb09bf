#include "model/pcie/link_timing.h"

#include <algorithm>
#include <stdexcept>

namespace iovsim {

namespace {
// Per-lane payload rate in bytes/s after line coding.
double lane_bytes_per_s(unsigned gen) {
  switch (gen) {
    case 1: return 2.5e9 * 8 / 10 / 8;
    case 2: return 5.0e9 * 8 / 10 / 8;
    case 3: return 8.0e9 * 128 / 130 / 8;
    case 4: return 16.0e9 * 128 / 130 / 8;
    case 5: return 32.0e9 * 128 / 130 / 8;
    default: throw std::invalid_argument("PCIe generation must be 1..5");
  }
}

// PCIe Base 3.0 Tables 3-7 (2.5 GT/s), 3-8 (5.0 GT/s) and 3-9 (8.0 GT/s): the maximum Ack
// transmission latency in symbol times, by link width (x1, x2, x4, x8, x16, x32) and Max
// Payload Size (128 ... 4096). The 16 and 32 GT/s generations use the 8 GT/s values here.
constexpr unsigned kAckLimit[3][6][6] = {
    {{237, 416, 559, 1071, 2095, 4143},
     {128, 217, 289, 545, 1057, 2081},
     {73, 118, 154, 282, 538, 1050},
     {67, 107, 86, 150, 278, 534},
     {48, 72, 86, 150, 278, 534},
     {33, 45, 52, 84, 148, 276}},
    {{288, 467, 610, 1122, 2146, 4194},
     {179, 268, 340, 596, 1108, 2132},
     {124, 169, 205, 333, 589, 1101},
     {118, 158, 137, 201, 329, 585},
     {99, 123, 137, 201, 329, 585},
     {84, 96, 103, 135, 199, 237}},
    {{333, 512, 655, 1167, 2191, 4239},
     {224, 313, 385, 641, 1153, 2177},
     {169, 214, 250, 378, 634, 1146},
     {163, 203, 182, 246, 374, 630},
     {144, 168, 182, 246, 374, 630},
     {129, 141, 148, 180, 244, 372}}};

int log2_index(unsigned v, unsigned first, unsigned n) {
  for (unsigned i = 0; i < n; ++i)
    if (v == first << i) return static_cast<int>(i);
  return -1;
}

std::uint64_t div_up(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// Requests of at most `max` bytes that do not cross a 4 KB boundary (at least one).
unsigned requests(std::uint64_t addr, std::uint64_t payload, std::uint64_t max) {
  // Chunks of min(left, max, to the page's end): within each page's part of the range that is
  // ceil(part / max) of them, so a page at a time, not a TLP at a time (a 1.5 KB frame at MPS
  // 256 is six). `max` (MPS, MRRS) is a power of two: the constructor checks it.
  if (payload <= max && addr % 4096 + payload <= 4096) return 1;  // the usual case (and a zero-length one)
  const unsigned shift = static_cast<unsigned>(__builtin_ctzll(max));
  unsigned n = 0;
  for (std::uint64_t a = addr, left = payload; left;) {
    const std::uint64_t part = std::min<std::uint64_t>(left, 4096 - a % 4096);
    n += static_cast<unsigned>((part + max - 1) >> shift);
    a += part, left -= part;
  }
  return n;
}
}  // namespace

unsigned spec_ack_limit(unsigned gen, unsigned lanes, unsigned mps) {
  const int l = log2_index(lanes, 1, 6), m = log2_index(mps, 128, 6);
  if (gen < 1 || gen > 5 || l < 0 || m < 0) return 0;
  return kAckLimit[std::min(gen, 3u) - 1][l][m];
}

// ---------------------------------------------------------------- credits

void CreditGate::compact() {
  held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(first_));
  first_ = 0;
}

ps_t CreditGate::admit_slow(ps_t ready, unsigned a, unsigned b) {
  a = std::min(a, cap_);  // a TLP larger than the pool waits for all of it
  b = std::min(b, cap2_);
  // Grants released by `ready` return (a request stamped earlier than `ready` would still have
  // found them held: by at most an engine's run-ahead, not modelled).
  const std::size_t n = held_.size();
  while (first_ < n && held_[first_].release <= ready) return_first();
  if (first_ == n) latest_start_ = 0;
  if (used_ + a <= cap_ && used2_ + b <= cap2_) return ready;
  // What is held at `ready`: every grant, unless some start later; those are set aside, by
  // start, for the sweep.
  unsigned u = used_, u2 = used2_;
  later_.clear();
  if (latest_start_ > ready) {
    u = u2 = 0;
    ps_t latest = 0;
    for (std::size_t i = first_; i < n; ++i) {
      const Grant& g = held_[i];
      latest = std::max(latest, g.start);
      if (g.start <= ready)
        u += g.a, u2 += g.b;
      else
        later_.push_back(g);
    }
    latest_start_ = latest;
    // the bookings come nearly in order, so an insertion sort
    for (std::size_t k = 1; k < later_.size(); ++k)
      for (std::size_t m = k; m > 0 && later_[m - 1].start > later_[m].start; --m) std::swap(later_[m - 1], later_[m]);
  }
  // A sweep over the releases (-) and the later starts (+) in time order, to the first time
  // with room (u = 0 after the last release: a request fits).
  ps_t t = ready;
  for (std::size_t i = first_, j = 0; u + a > cap_ || u2 + b > cap2_;) {
    const ps_t rel = held_[i].release, st = j < later_.size() ? later_[j].start : ~ps_t{0};
    t = std::min(rel, st);
    for (; i < n && held_[i].release <= t; ++i) u -= held_[i].a, u2 -= held_[i].b;
    for (; j < later_.size() && later_[j].start <= t; ++j) u += later_[j].a, u2 += later_[j].b;
  }
  if (t > ready) {
    ++stalls_;
    stalled_ps_ += t - ready;
  }
  return t;
}

// ---------------------------------------------------------------- the link

PcieLinkTiming::PcieLinkTiming(const PcieLinkParams& p)
    : p_(p), bytes_per_s_(lane_bytes_per_s(p.gen) * p.lanes), ps_per_byte_(1e12 / bytes_per_s_),
      posted_(p.posted_header_credits, p.posted_data_credits), nonposted_(p.nonposted_header_credits),
      tags_(p.read_tags) {
  ack_ = p.ack_interval ? p.ack_interval : spec_ack_limit(p.gen, p.lanes, p.max_payload);
  fc_ = p.update_fc_interval ? p.update_fc_interval : spec_ack_limit(p.gen, p.lanes, p.max_payload);
  if (!ack_ || !fc_)
    throw std::invalid_argument("no Ack latency limit for this link width and MPS: give the intervals");
  auto pow2 = [](std::uint64_t v) { return v && !(v & (v - 1)); };
  if (!pow2(p.rcb) || !pow2(p.max_payload) || !pow2(p.max_read_request))  // §2.3.1.1, §7.5.3.4
    throw std::invalid_argument("the read completion boundary, MPS and MRRS must be powers of two");
  const double overhead = static_cast<double>(kDllpBytes) / ack_ +
                          static_cast<double>(kDllpBytes) / fc_ +
                          static_cast<double>(kSkipSymbols) / kSkipInterval;
  if (overhead >= 0.5) throw std::invalid_argument("DLLP intervals leave the link no time for TLPs");
  tlp_share_ = 1.0 - overhead;
  ps_per_tlp_byte_ = ps_per_byte_ / tlp_share_;
  wire_table_.resize(kWireTable);
  for (unsigned b = 0; b < kWireTable; ++b) wire_table_[b] = wire_ps_computed(b);
  // The posted credits cannot bind when more TLPs than the link can carry in a credit's round
  // trip fit in them: TLPs of one direction do not overlap, the smallest (a 4-byte write with
  // a 3 DW header) takes `min_tlp`, and a credit is held for at most the largest TLP's time
  // plus credit_return. Then the gate is skipped (the same results, cheaper).
  const double min_tlp = wire_ps(4 + kFramingBytes + kHeader3dw);
  const double held = wire_ps(p.max_payload + kFramingBytes + kHeader4dw) + static_cast<double>(p.credit_return);
  const double data_held = wire_ps(p.max_payload + kFramingBytes + kHeader3dw) / p.max_payload * 16;
  posted_inert_ = p.posted_header_credits * min_tlp >= held &&
                  p.posted_data_credits * data_held >= held;
  if (!p.posted_header_credits || !p.posted_data_credits || !p.nonposted_header_credits || !p.read_tags)
    throw std::invalid_argument("flow-control credits and read tags must be at least 1");
}


std::uint64_t PcieLinkTiming::write_wire_bytes(std::uint64_t addr, std::uint64_t payload,
                                               unsigned* count) const {
  // TLPs of at most MPS bytes that do not cross a 4 KB boundary.
  const unsigned n = requests(addr, payload, p_.max_payload);
  if (count) *count = n;
  return payload + std::uint64_t{n} * (kFramingBytes + header(addr));
}

std::uint64_t PcieLinkTiming::read_request_wire_bytes(std::uint64_t addr, std::uint64_t payload,
                                                      unsigned* count) const {
  const unsigned n = requests(addr, payload, p_.max_read_request);
  if (count) *count = n;
  return std::uint64_t{n} * (kFramingBytes + header(addr));
}

std::uint64_t PcieLinkTiming::completion_wire_bytes(std::uint64_t addr, std::uint64_t payload,
                                                    unsigned* count) const {
  // Every completion but the last ends on an RCB-aligned address; each carries at most MPS
  // (or exactly one RCB span with completions_at_rcb).
  const std::uint64_t rcb = p_.rcb, span = p_.completions_at_rcb ? rcb : p_.max_payload;
  // RCB and MPS divide 4 KB: the split depends on the address within its page only (which
  // also keeps a range near the top of the 64-bit space from wrapping).
  unsigned n = 0;
  std::uint64_t a = addr % 4096;
  const std::uint64_t end = a + payload;
  const std::uint64_t down = ~(rcb - 1);  // a power of two (the constructor checks): x / rcb * rcb
  do {
    std::uint64_t last = a + span >= end ? end : (a + span) & down;
    if (last <= a) last = std::min(end, (a & down) + rcb);
    a = last, ++n;
  } while (a < end);
  if (count) *count = n;
  return payload + std::uint64_t{n} * (kFramingBytes + kHeader3dw);
}

ps_t PcieLinkTiming::occupy(Direction& dir, ps_t t, std::uint64_t wire_bytes, unsigned tlps,
                            TlpKind kind) {
  dir.tlp_bytes += wire_bytes;
  dir.tlps += tlps;
  dir.bytes_by_kind[static_cast<unsigned>(kind)] += wire_bytes;
  const ps_t len = wire_ps(wire_bytes);
  const ps_t end = dir.timeline.reserve(t, len);
  if (__builtin_expect(static_cast<bool>(dir.busy), 0)) show_busy(dir, end - len, end);
  return end;
}

void PcieLinkTiming::show_busy(Direction& dir, ps_t from, ps_t to) {
  dir.busy.add(from, 1);
  dir.busy.add(to, -1);
}

void PcieLinkTiming::observe(ProbeRecorder& r) {
  up_.busy = r.declare("pcie.upstream_busy", 1, ProbeKind::delta,
                       "the device-to-host direction carries TLPs (their DLLP and SKIP share included)");
  down_.busy = r.declare("pcie.downstream_busy", 1, ProbeKind::delta,
                         "the host-to-device direction carries TLPs (their DLLP and SKIP share included)");
}

ps_t PcieLinkTiming::dma_write(ps_t t, std::uint64_t addr, std::uint64_t bytes, TlpKind kind) {
  unsigned n = 1;
  const std::uint64_t wire = bytes <= p_.max_payload && addr % 4096 + bytes <= 4096
                                 ? bytes + kFramingBytes + header(addr)  // one TLP
                                 : write_wire_bytes(addr, bytes, &n);
  const auto data_credits = static_cast<unsigned>(div_up(bytes, 16));
  if (posted_inert_) return occupy(up_, t, wire, n, kind);
  t = posted_.admit(t, n, data_credits);
  const ps_t done = occupy(up_, t, wire, n, kind);
  posted_.hold(n, t, done + p_.credit_return, data_credits);
  return done;
}

ps_t PcieLinkTiming::dma_read(ps_t t, std::uint64_t addr, std::uint64_t bytes, TlpKind kind) {
  unsigned nreq = 0, ncpl = 0;
  const std::uint64_t req = read_request_wire_bytes(addr, bytes, &nreq);
  const std::uint64_t cpl = completion_wire_bytes(addr, bytes, &ncpl);
  t = tags_.admit(t, nreq);
  t = nonposted_.admit(t, nreq);
  const ps_t sent = occupy(up_, t, req, nreq, kind);
  nonposted_.hold(nreq, t, sent + p_.credit_return);
  const ps_t done = occupy(down_, sent + p_.read_latency, cpl, ncpl, kind);
  tags_.hold(nreq, t, done);
  return done;
}

ps_t PcieLinkTiming::mmio_write(ps_t t, std::uint64_t addr, std::uint64_t bytes) {
  unsigned n = 0;
  const std::uint64_t wire = write_wire_bytes(addr, bytes, &n);
  return occupy(down_, t, wire, n, TlpKind::Mmio) + p_.mmio_latency;
}

ps_t PcieLinkTiming::mmio_read(ps_t t, std::uint64_t addr, std::uint64_t bytes) {
  unsigned nreq = 0, ncpl = 0;
  const std::uint64_t req = read_request_wire_bytes(addr, bytes, &nreq);
  const std::uint64_t cpl = completion_wire_bytes(addr, bytes, &ncpl);
  const ps_t sent = occupy(down_, t, req, nreq, TlpKind::Mmio);
  return occupy(up_, sent + 2 * p_.mmio_latency, cpl, ncpl, TlpKind::Mmio);
}

std::uint64_t PcieLinkTiming::ack_dllps(const Direction& d) const {
  return static_cast<std::uint64_t>(static_cast<double>(d.busy_ps()) / ps_per_byte_ / ack_);
}
std::uint64_t PcieLinkTiming::update_fc_dllps(const Direction& d) const {
  return static_cast<std::uint64_t>(static_cast<double>(d.busy_ps()) / ps_per_byte_ / fc_);
}
std::uint64_t PcieLinkTiming::skip_ordered_sets(const Direction& d) const {
  return static_cast<std::uint64_t>(static_cast<double>(d.busy_ps()) / ps_per_byte_ / kSkipInterval);
}

}  // namespace iovsim
