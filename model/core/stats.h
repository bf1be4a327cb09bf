// Per-entity counters: per port, per PCIe function, per queue, plus the global frame
// conservation ledger. Blocks increment these directly (plain integers, no locking: the kernel
// is single-threaded); reporting reads them at the end of a run.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "model/core/drop_reason.h"
#include "model/core/time.h"

namespace iovsim {

using DropCounts = std::array<std::uint64_t, kDropReasons>;

// Log-linear histogram of latencies in nanoseconds: exact below 64 ns, then 32 sub-buckets per
// power of two (relative error <= 3 %). Fixed size, so recording never allocates.
class LatencyHistogram {
public:
  static constexpr unsigned kSub = 32;
  static constexpr unsigned kBuckets = 64 + 58 * kSub;
  void record_ps(ps_t v);
  std::uint64_t count() const { return count_; }
  double quantile_ns(double q) const;  // 0 when empty
  double max_ns() const { return static_cast<double>(max_ps_) / 1000.0; }
  double mean_ns() const { return count_ ? static_cast<double>(sum_ps_) / 1000.0 / count_ : 0; }

private:
  static unsigned bucket_of(std::uint64_t ns);
  static std::uint64_t bucket_mid(unsigned b);
  std::array<std::uint32_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0, sum_ps_ = 0, max_ps_ = 0;
};

struct FunctionStats {
  std::uint64_t rx_frames = 0, rx_bytes = 0;  // written into this function's memory
  std::uint64_t tx_frames = 0, tx_bytes = 0;  // sent by this function (wire or loopback)
  std::uint64_t loopback_frames = 0;          // of rx_frames: switched inside the port
  std::uint64_t iommu_faults = 0;
  DropCounts drops{};
  LatencyHistogram latency;                   // origin -> descriptor write-back visible
};

struct PortStats {
  std::uint64_t wire_rx_frames = 0, wire_rx_bytes = 0;
  std::uint64_t wire_tx_frames = 0, wire_tx_bytes = 0;
  std::uint64_t loopback_frames = 0;
  std::uint64_t replicated_frames = 0;  // wire or Tx frames delivered to more than one pool
  DropCounts drops{};
};

struct QueueStats {
  std::uint64_t rx_frames = 0, rx_bytes = 0, tx_frames = 0, tx_bytes = 0;
  std::uint64_t rx_drops = 0;
  std::uint32_t rx_ring_min_free = 0xFFFFFFFFu;
};

// injected + replicas = delivered + dropped + in_flight; `replicas` counts the extra copies
// replication makes (a broadcast reaching N pools adds N-1).
struct Ledger {
  std::uint64_t injected_wire = 0, injected_host = 0, replicas = 0;
  std::uint64_t delivered_host = 0, delivered_wire = 0, dropped = 0;
};

class Stats {
public:
  Stats(unsigned ports, unsigned functions, unsigned queues_per_port);
  void drop(Drop why, unsigned port, int fn) {
    ++port_[port].drops[static_cast<unsigned>(why)];
    if (fn >= 0) ++fn_[fn].drops[static_cast<unsigned>(why)];
    ++ledger_.dropped;
  }
  FunctionStats& fn(unsigned i) { return fn_[i]; }
  PortStats& port(unsigned i) { return port_[i]; }
  QueueStats& queue(unsigned port, unsigned q) { return queue_[port * queues_per_port_ + q]; }
  Ledger& ledger() { return ledger_; }
  const FunctionStats& fn(unsigned i) const { return fn_[i]; }
  const PortStats& port(unsigned i) const { return port_[i]; }
  const QueueStats& queue(unsigned port, unsigned q) const {
    return queue_[port * queues_per_port_ + q];
  }
  const Ledger& ledger() const { return ledger_; }
  unsigned functions() const { return static_cast<unsigned>(fn_.size()); }
  unsigned ports() const { return static_cast<unsigned>(port_.size()); }
  unsigned queues_per_port() const { return queues_per_port_; }

private:
  unsigned queues_per_port_;
  std::vector<FunctionStats> fn_;
  std::vector<PortStats> port_;
  std::vector<QueueStats> queue_;
  Ledger ledger_;
};

}  // namespace iovsim
