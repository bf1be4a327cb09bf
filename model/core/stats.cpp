#include "model/core/stats.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/core/metrics_registry.h"

namespace iovsim {

const char* drop_name(Drop d) {
  switch (d) {
    case Drop::Runt: return "runt";
    case Drop::Giant: return "giant";
    case Drop::FcsError: return "fcs_error";
    case Drop::RxBufferFull: return "rx_buffer_full";
    case Drop::NoPool: return "no_pool";
    case Drop::VlanFilter: return "vlan_filter";
    case Drop::PoolSize: return "pool_size";
    case Drop::PoolDisabled: return "pool_disabled";
    case Drop::Spoof: return "spoof";
    case Drop::QueueDisabled: return "queue_disabled";
    case Drop::NoDescriptor: return "no_descriptor";
    case Drop::IommuFault: return "iommu_fault";
    case Drop::BusMaster: return "bus_master_disabled";
    case Drop::BadDescriptor: return "bad_descriptor";
    case Drop::TxRingFull: return "tx_ring_full";
    case Drop::FramePoolEmpty: return "frame_pool_empty";
    case Drop::kCount: break;
  }
  return "?";
}

std::uint64_t LatencyHistogram::bucket_mid(unsigned b) {
  if (b < 64) return b;
  unsigned msb = (b - 64) / kSub + 6;
  std::uint64_t sub = (b - 64) % kSub;
  std::uint64_t lo = (std::uint64_t{1} << msb) | (sub << (msb - 5));
  std::uint64_t width = std::uint64_t{1} << (msb - 5);
  return lo + width / 2;
}

double LatencyHistogram::quantile_ns(double q) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
  std::uint64_t seen = 0;
  for (unsigned b = 0; b < kBuckets; ++b) {
    seen += buckets_[b];
    if (seen >= rank)
      return std::min(static_cast<double>(bucket_mid(b)), max_ns());
  }
  return max_ns();
}

void publish_latency(MetricsRegistry& m, const std::string& path, const LatencyHistogram& h, const char* what) {
  m.value(path + "count", [&h] { return h.count(); }, Unit::Frames, "frames with a latency");
  m.value(path + "mean", [&h] { return h.mean_ns(); }, Unit::Nanoseconds, what);
  m.value(path + "p50", [&h] { return h.quantile_ns(0.50); }, Unit::Nanoseconds, "median");
  m.value(path + "p99", [&h] { return h.quantile_ns(0.99); }, Unit::Nanoseconds, "99th percentile");
  m.value(path + "max", [&h] { return h.max_ns(); }, Unit::Nanoseconds, "maximum");
}

void DropCounter::publish(MetricsRegistry& m) const {
  for (unsigned r = 0; r < kDropReasons; ++r) {
    const char* name = drop_name(static_cast<Drop>(r));
    m.counter(fmt::format("/ports/{}/drops/{}", port_, name), port_drops_[r], Unit::Frames,
              "drops on the port, by reason");
    for (unsigned f = fn_.first(); f < fn_.first() + fn_.size(); ++f)
      m.counter(fmt::format("/functions/{}/drops/{}", f, name), fn_[f][r], Unit::Frames,
                "drops of the function's frames, by reason");
  }
  m.counter("/conservation/dropped", total_, Unit::Frames, "frames dropped, any reason");
}

}  // namespace iovsim
