// PCIe link timing: how long the TLPs of a transfer occupy each direction of the link, and what
// else the link layers put on it. Plain C++ (no kernel): the endpoint calls it per DMA and
// MMIO access; unit tests drive it directly.
//
// Transaction layer: writes split at Max Payload Size, reads at Max Read Request Size, neither
// crossing a 4 KB boundary (PCIe Base 3.0 §2.2.7, §2.2.5 for reads); read completions split at
// the Read Completion Boundary: each completion but the last ends on an RCB-aligned address and
// carries at most MPS bytes, or, with `completions_at_rcb`, every completion is one RCB
// (§2.3.1.1; pcie-bench's rcb_chunks). Header sizes: 3 DW for addresses below 4 GB, 4 DW at or
// above (§2.2.4.1 forbids the 4 DW form below 4 GB); completions 3 DW; 8 bytes of framing,
// sequence number and LCRC per TLP (2 B STP/END + 2 B sequence + 4 B LCRC).
//
// Data link and physical layers: ACK and UpdateFC DLLPs (8 bytes each with framing) sent at the
// latest the spec's latency limits allow on a busy link (PCIe Base 3.0 Tables 3-7, 3-8 and 3-9,
// Ack transmission latency limits, in symbol times; the UpdateFC guidelines of §2.6.1.2 use
// the same values) and SKIP ordered sets (4 symbols every 1538 symbol times, §4.2.7). They take
// link time in proportion to the time a direction is busy, counted as pcie-bench/pcie-model
// counts them (8 bytes against a limit in symbol times; docs/fidelity.md: conservative by up
// to the lane count), so each TLP's wire time is stretched by 1 / (1 - overhead).
//
// Flow control: the device may not send a TLP the root port has no credit for. Posted writes
// take a posted header credit and one data credit per 16 bytes, read requests a non-posted
// header credit; each returns `credit_return` after the TLP reached the root (its UpdateFC).
// The device, an endpoint, advertises infinite completion credits (§2.6.1), so completions
// are bounded by the read requests it may have outstanding: `read_tags` (32: the 5-bit Tag
// field without Extended Tag Field Enable, §2.2.6.2).
//
// Each direction is a Timeline, so bookings made ahead by one engine do not hold back
// earlier transfers of another.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/core/pcie_extension.h"
#include "model/core/probes.h"
#include "model/core/time.h"
#include "model/core/timeline.h"

namespace iovsim {

struct PcieLinkParams {
  unsigned gen = 2, lanes = 4;
  unsigned max_payload = 256, max_read_request = 512;
  unsigned rcb = 64;                // Read Completion Boundary of the root port
  bool completions_at_rcb = false;  // completions of one RCB each, else up to MPS
  ps_t read_latency = 400 * kPsPerNs;
  ps_t mmio_latency = 200 * kPsPerNs;
  unsigned ack_interval = 0;        // symbol times between ACK DLLPs; 0: the spec's table
  unsigned update_fc_interval = 0;  // symbol times between UpdateFC DLLPs; 0: the spec's table
  unsigned posted_header_credits = 32, posted_data_credits = 256, nonposted_header_credits = 32;
  ps_t credit_return = 100 * kPsPerNs;
  unsigned read_tags = 32;
};

// The spec's Ack latency limit (symbol times) for a generation, width and MPS; 0 when the
// table has no entry (then the caller must give one).
unsigned spec_ack_limit(unsigned gen, unsigned lanes, unsigned mps);

// Bounded pools of credits over time (a header and a data pool, or one): each grant holds its
// amounts from its start to its release time. Requests come out of time order (an engine books
// ahead of kernel time: the Tx engine a read for when its packet buffer will have room, the Rx
// engine its descriptor fetch at a frame's arrival), so a request at `ready` counts only the
// grants held at that time: one booked for later does not hold back an earlier request, and
// one released early is not held behind an older one. (Not modelled: that the earlier request
// should in turn delay a later-booked grant it leaves no room for.) The grants sit in a vector
// ordered by release time, allocated at construction: at most sixteen pools' worth are kept
// (an engine booking further ahead forgets the grant that returns first, bounding the gate's
// cost; the default, contention and DCB scenarios and the bench cases stay below it: four
// pools' worth changed bidir64's results, sixteen do not).
class CreditGate {
public:
  CreditGate(unsigned capacity, unsigned capacity2 = 0)
      : cap_(capacity), cap2_(capacity2), limit_(16 * (std::max(capacity, capacity2) + 1)) {
    held_.reserve(2 * limit_);  // compacted when half of it has returned
    later_.reserve(held_.capacity());
  }
  // Earliest time >= `ready` at which `a` (and `b` of the second pool) more fit. While every
  // grant held at once leaves room, at once; grants are returned lazily, when they look full.
  ps_t admit(ps_t ready, unsigned a, unsigned b = 0) {
    if (used_ + a <= cap_ && used2_ + b <= cap2_) return ready;
    return admit_slow(ready, a, b);
  }
  // A grant of `a` (and `b`) from `start`, the time admit returned, until `release`.
  void hold(unsigned a, ps_t start, ps_t release, unsigned b = 0) {
    a = std::min(a, cap_);  // a TLP larger than the pool holds all of it
    b = std::min(b, cap2_);
    if (held_.size() - first_ == limit_) return_first();  // the bound: the grant that returns first goes now
    if (first_ && 2 * first_ >= held_.size()) compact();
    std::size_t at = held_.size();  // by release time: nearly always the newest, at the end
    while (at > first_ && held_[at - 1].release > release) --at;
    if (at == held_.size()) {  // written in place: a temporary's two 8-byte stores read back as
      Grant& g = held_.emplace_back();  // one 16-byte load stall the store forwarding
      g.start = start, g.release = release, g.a = a, g.b = b;
    } else {
      held_.insert(held_.begin() + static_cast<std::ptrdiff_t>(at), Grant{start, release, a, b});
    }
    used_ += a;
    used2_ += b;
    latest_start_ = std::max(latest_start_, start);
  }
  unsigned capacity() const { return cap_; }
  unsigned capacity2() const { return cap2_; }
  std::uint64_t stalls() const { return stalls_; }
  ps_t stalled_ps() const { return stalled_ps_; }

private:
  struct Grant {
    ps_t start, release;
    unsigned a, b;
  };
  ps_t admit_slow(ps_t ready, unsigned a, unsigned b);
  void compact();
  void return_first() {  // the grant released first returns
    used_ -= held_[first_].a;
    used2_ -= held_[first_].b;
    ++first_;
  }
  unsigned cap_, cap2_, used_ = 0, used2_ = 0;  // used: every grant not yet returned
  std::size_t limit_;  // grants remembered at most (sixteen pools' worth)
  std::vector<Grant> held_;  // [first_, size): not yet returned, by release time
  std::size_t first_ = 0;
  ps_t latest_start_ = 0;    // no grant held starts later (an upper bound)
  std::vector<Grant> later_;  // admit_slow's scratch: the grants that start after the request
  std::uint64_t stalls_ = 0;
  ps_t stalled_ps_ = 0;
};

class PcieLinkTiming {
public:
  static constexpr unsigned kFramingBytes = 8;
  static constexpr unsigned kHeader3dw = 12, kHeader4dw = 16;
  static constexpr unsigned kDllpBytes = 8, kSkipSymbols = 4, kSkipInterval = 1538;

  explicit PcieLinkTiming(const PcieLinkParams& p);
  const PcieLinkParams& params() const { return p_; }
  double bytes_per_second() const { return bytes_per_s_; }  // one direction, after line coding
  // The share of a busy direction's time that TLPs get (the rest: DLLPs and SKIPs).
  double tlp_share() const { return tlp_share_; }
  unsigned ack_interval() const { return ack_; }
  unsigned update_fc_interval() const { return fc_; }
  // Time `bytes` of TLPs occupy a direction, DLLP and SKIP share included.
  // The sizes of one TLP or a few (a frame's 64 bytes, a descriptor, a completion) from a table
  // the same formula filled: a load instead of a chain of conversions and a multiply on every
  // booking's path.
  ps_t wire_ps(std::uint64_t bytes) const {
    return bytes < kWireTable ? wire_table_[bytes] : wire_ps_computed(bytes);
  }
  ps_t wire_ps_computed(std::uint64_t bytes) const {
    return static_cast<ps_t>(static_cast<double>(bytes) * ps_per_tlp_byte_ + 0.5);
  }

  // TLP bytes on the wire (headers and framing included) of each part of a transfer.
  std::uint64_t write_wire_bytes(std::uint64_t addr, std::uint64_t payload, unsigned* tlps = nullptr) const;
  std::uint64_t read_request_wire_bytes(std::uint64_t addr, std::uint64_t payload, unsigned* tlps = nullptr) const;
  std::uint64_t completion_wire_bytes(std::uint64_t addr, std::uint64_t payload, unsigned* tlps = nullptr) const;

  // Device-to-host posted write of `bytes` at `addr`, ready at `t`: returns when the last TLP
  // reached the host. Upstream, under posted credits.
  ps_t dma_write(ps_t t, std::uint64_t addr, std::uint64_t bytes, TlpKind kind = TlpKind::Data);
  // Device read of host memory: requests upstream (non-posted credits, a tag each), memory
  // latency, completions downstream; returns when the last completion arrived.
  ps_t dma_read(ps_t t, std::uint64_t addr, std::uint64_t bytes, TlpKind kind = TlpKind::Data);
  // CPU register access from the host: a posted write, or a read and its completion.
  ps_t mmio_write(ps_t t, std::uint64_t addr, std::uint64_t bytes);
  ps_t mmio_read(ps_t t, std::uint64_t addr, std::uint64_t bytes);

  struct Direction {
    Timeline timeline;
    std::uint64_t tlp_bytes = 0, tlps = 0;
    std::uint64_t bytes_by_kind[static_cast<unsigned>(TlpKind::kCount)] = {};
    Probe busy;  // --vcd: while its TLPs (with their DLLP and SKIP share) occupy it
    ps_t busy_ps() const { return timeline.busy_total(); }
  };
  const Direction& upstream() const { return up_; }
  const Direction& downstream() const { return down_; }
  // DLLPs and SKIP ordered sets a direction carried over its busy time (from the rates above).
  std::uint64_t ack_dllps(const Direction& d) const;
  std::uint64_t update_fc_dllps(const Direction& d) const;
  std::uint64_t skip_ordered_sets(const Direction& d) const;
  void observe(ProbeRecorder& r);  // pcie.{upstream,downstream}_busy
  const CreditGate& posted_credits() const { return posted_; }  // headers, and data (second pool)
  const CreditGate& nonposted_credits() const { return nonposted_; }
  const CreditGate& read_tags() const { return tags_; }
  // Forgets bookings that ended before `t` (the kernel time: nobody books before it).
  void forget_before(ps_t t) {
    up_.timeline.forget_before(t);
    down_.timeline.forget_before(t);
  }
  // Kept for callers that only want totals.
  std::uint64_t upstream_bytes() const { return up_.tlp_bytes; }
  std::uint64_t downstream_bytes() const { return down_.tlp_bytes; }
  ps_t upstream_busy_ps() const { return up_.busy_ps(); }
  ps_t downstream_busy_ps() const { return down_.busy_ps(); }

private:
  unsigned header(std::uint64_t addr) const { return addr >> 32 ? kHeader4dw : kHeader3dw; }
  ps_t occupy(Direction& dir, ps_t t, std::uint64_t wire_bytes, unsigned tlps, TlpKind kind);
  [[gnu::cold, gnu::noinline]] static void show_busy(Direction& dir, ps_t from, ps_t to);  // --vcd
  PcieLinkParams p_;
  unsigned ack_, fc_;
  double bytes_per_s_, ps_per_byte_, tlp_share_, ps_per_tlp_byte_ = 0;
  static constexpr unsigned kWireTable = 1024;
  std::vector<ps_t> wire_table_;  // wire_ps_computed(b) for b < kWireTable
  bool posted_inert_ = false;  // the posted credits cannot bind (see the constructor)
  Direction up_, down_;
  CreditGate posted_, nonposted_, tags_;
};

}  // namespace iovsim
