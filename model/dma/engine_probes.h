// The probes an Rx or Tx DMA engine shows (model/core/probes.h): the port's packet buffer and
// each queue's share of it, each ring's hardware-owned descriptors, each function's bytes.
// Named portP.{rx,tx}_buffer_bytes, <function>.qN.{rx,tx}_buffer_bytes,
// <function>.qN.{rx,tx}_ring_hw and <function>.{rx,tx}_bytes.
#pragma once
#include <cstdint>
#include <vector>

#include "model/core/device_profile.h"
#include "model/core/observer.h"

namespace iovsim {

class EngineProbes {
public:
  void declare(const Observer& o, const DeviceProfile& prof, const PortLayout& layout, unsigned queues,
               const char* dir);
  // A frame of `bytes` in the packet buffer for queue `q` from `in` to `out`.
  void buffered(unsigned q, ps_t in, ps_t out, unsigned bytes) const {
    buffer_.add(in, bytes);
    buffer_.add(out, -static_cast<std::int64_t>(bytes));
    if (!q_buffer_.empty()) q_buffer_[q].add(in, bytes), q_buffer_[q].add(out, -static_cast<std::int64_t>(bytes));
  }
  void ring(unsigned q, ps_t t, unsigned hw_owned) const {
    if (!q_ring_.empty()) q_ring_[q].set(t, hw_owned);
  }
  // `k`: the function's index on the port (0: the PF's first function).
  void bytes(unsigned k, ps_t t, unsigned n) const {
    if (!fn_bytes_.empty()) fn_bytes_[k].add(t, n);
  }

private:
  Probe buffer_;
  std::vector<Probe> q_buffer_, q_ring_, fn_bytes_;
};

}  // namespace iovsim
