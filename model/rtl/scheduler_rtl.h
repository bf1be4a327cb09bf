// The Tx arbitration core's RTL in the loop: a transactor around the Verilated
// hls/scheduler/rtl/iovsim_scheduler.sv at the model's 128 queues (`--cc`, one clock per
// decision, never clocked while idle). The port's TxScheduler hands it its configuration once
// (policy, queue count, quantum, weights, levels through the block's register port) and every
// request (pending and eligible queues, the previous grant's charge); the grant comes back as
// the C++ core's SchedDecision. Selected by the scenario key `scheduler.impl: rtl`.
// No SystemC here (Verilator's headers must not see it).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "hls/scheduler/scheduler_core.h"

namespace iovsim {

class SchedulerRtl {
public:
  static constexpr unsigned kN = 128;  // the Verilated size (model/qos: kMaxQueuesPerPort)
  virtual ~SchedulerRtl() = default;
  // Reset, then `cfg` written through the register port.
  static std::unique_ptr<SchedulerRtl> create(const hls::SchedConfig<kN>& cfg);
  virtual hls::SchedDecision arbitrate(const hls::SchedRequest<kN>& r, std::uint64_t now) = 0;
  virtual void trace(const std::string& file) = 0;
  std::uint64_t cycles() const { return cycles_; }

protected:
  std::uint64_t cycles_ = 0;
};

}  // namespace iovsim
