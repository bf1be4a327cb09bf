// Counting helpers the blocks use for the stats they own: a latency histogram and a drop
// counter (per port, per function of the port, and the total the frame ledger adds up). Each
// block keeps its counters in a stats struct of its own and publishes them, with names and
// units, in the MetricsRegistry (model/core/metrics_registry.h); no block writes another's.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/core/drop_reason.h"
#include "model/core/time.h"

namespace iovsim {

class MetricsRegistry;

using DropCounts = std::array<std::uint64_t, kDropReasons>;

// Log-linear histogram of latencies in nanoseconds: exact below 64 ns, then 32 sub-buckets per
// power of two (relative error <= 3 %). Fixed size, so recording never allocates.
class LatencyHistogram {
public:
  static constexpr unsigned kSub = 32;
  static constexpr unsigned kBuckets = 64 + 58 * kSub;
  void record_ps(ps_t v) {  // inline: three records a received frame
    ++buckets_[bucket_of(v / 1000)];
    ++count_;
    sum_ps_ += v;
    max_ps_ = std::max(max_ps_, v);
  }
  std::uint64_t count() const { return count_; }
  double quantile_ns(double q) const;  // 0 when empty
  double max_ns() const { return static_cast<double>(max_ps_) / 1000.0; }
  double mean_ns() const { return count_ ? static_cast<double>(sum_ps_) / 1000.0 / count_ : 0; }

private:
  static unsigned bucket_of(std::uint64_t ns) {
    if (ns < 64) return static_cast<unsigned>(ns);
    const unsigned msb = 63 - static_cast<unsigned>(__builtin_clzll(ns));  // >= 6
    const auto sub = static_cast<unsigned>((ns >> (msb - 5)) & (kSub - 1));
    return std::min(64 + (msb - 6) * kSub + sub, kBuckets - 1);
  }
  static std::uint64_t bucket_mid(unsigned b);
  // The totals first: a record writes them and one bucket, and an owner that keeps its hot
  // counters just before the histogram (RxEngine::FunctionStats) has them in the same line.
  std::uint64_t count_ = 0, sum_ps_ = 0, max_ps_ = 0;
  std::array<std::uint32_t, kBuckets> buckets_{};
};

// Publishes `h` as `path`{count, mean, p50, p99, max} in ns; `what`: what the latency spans.
void publish_latency(MetricsRegistry& m, const std::string& path, const LatencyHistogram& h, const char* what);

// Frames and their bytes (DA through FCS) through one point of a block.
struct FrameCount {
  std::uint64_t frames = 0, bytes = 0;
  void add(std::uint64_t len) {
    ++frames;
    bytes += len;
  }
};

// One stats record per PCIe function of a port, indexed by the model's function index.
template <class T>
class PerFunction {
public:
  PerFunction(unsigned first_function, unsigned functions) : first_(first_function), v_(functions) {}
  T& operator[](unsigned fn) { return v_[fn - first_]; }
  const T& operator[](unsigned fn) const { return v_[fn - first_]; }
  unsigned first() const { return first_; }
  unsigned size() const { return static_cast<unsigned>(v_.size()); }

private:
  unsigned first_;
  std::vector<T> v_;
};

// The drops one block makes on one port: by reason for the port, by reason for each function
// of the port (function index relative to the port's first), and their total for the ledger.
class DropCounter {
public:
  DropCounter(unsigned port, unsigned first_function, unsigned functions)
      : port_(port), fn_(first_function, functions) {}
  // `fn`: the model's function index, or -1 for a frame that belongs to no function.
  void count(Drop why, int fn) {
    ++port_drops_[static_cast<unsigned>(why)];
    if (fn >= 0) ++fn_[static_cast<unsigned>(fn)][static_cast<unsigned>(why)];
    ++total_;
  }
  std::uint64_t total() const { return total_; }
  const DropCounts& port() const { return port_drops_; }
  const DropCounts& function(unsigned fn) const { return fn_[fn]; }
  // Publishes the port's and each function's drops by reason, and the total.
  void publish(MetricsRegistry& m) const;

private:
  unsigned port_;
  DropCounts port_drops_{};
  PerFunction<DropCounts> fn_;
  std::uint64_t total_ = 0;
};

}  // namespace iovsim
