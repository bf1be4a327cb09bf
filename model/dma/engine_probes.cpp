#include "model/dma/engine_probes.h"

#include <fmt/format.h>

namespace iovsim {

void EngineProbes::declare(const Observer& o, const DeviceProfile& prof, const PortLayout& layout,
                           unsigned queues, const char* dir) {
  if (!o.probes) return;
  ProbeRecorder& r = *o.probes;
  buffer_ = r.declare(fmt::format("port{}.{}_buffer_bytes", layout.port, dir), 32, ProbeKind::delta,
                      "the port's packet buffer occupancy, bytes");
  q_buffer_.resize(queues);
  q_ring_.resize(queues);
  for (unsigned q = 0; q < queues; ++q) {
    const int fn = layout.function_of_pool(prof.pool_of_queue(q));
    if (fn < 0) continue;  // a pool no function has
    const std::string name = fmt::format("{}.{}_", o.queue_name(fn, q), dir);
    q_buffer_[q] = r.declare(name + "buffer_bytes", 32, ProbeKind::delta,
                             "the queue's frames in the packet buffer, bytes");
    q_ring_[q] = r.declare(name + "ring_hw", 16, ProbeKind::level, "descriptors the hardware owns (head to tail)");
  }
  for (unsigned k = 0; k < layout.functions(); ++k)
    fn_bytes_.push_back(r.declare(fmt::format("{}.{}_bytes", o.function_name(static_cast<int>(layout.first_function + k)), dir),
                                  64, ProbeKind::delta, "frame bytes the function's DMA moved (cumulative)"));
}

}  // namespace iovsim
