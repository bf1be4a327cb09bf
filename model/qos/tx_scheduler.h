// Tx QoS of one port: the arbitration core (hls/scheduler: round robin over the port's Tx
// queues, the non-DCB VMDq mode of the 82576 and 82599, or a what-if WRR, DWRR or strict
// priority) over the queues their rate controllers let send, and one rate controller per
// queue, programmed as
// igb_set_vf_rate_limit / ixgbe_set_vf_rate_limit do: RTTDQSEL selects the queue, RTTBCNRC
// sets its rate factor RF = RF_INT + RF_DEC / 2^14 (queue rate = link rate / RF) and RS_ENA,
// RTTBCNRM.MMW_SIZE the memory window, one for all queues.
//
// The rate controller is the datasheet's time-stamp scheme (X550 datasheet 333369 §7.6.2.1,
// "Transmit Rate Scheduler", the 82599's design; docs/fidelity.md), not a token bucket:
//  - a queue may issue its next data read request once the current time reaches its time
//    stamp TS (the engine asks `pick`, which skips queues whose TS is in the future);
//  - each packet moves TS by MIFS = PL x RF byte times at the link rate, PL being the packet's
//    L2 length (DA through FCS, no preamble or IPG);
//  - TS may lag the current time by at most MMW_TIME = MMW_SIZE KB x RF byte times: a queue
//    delayed by arbitration catches up by at most MMW_SIZE KB;
//  - "when a descriptor queue starts to be rate controlled, the first interval MIFS value is
//    equal to 0 (TS equal to the current timer value)": read here as each time a queue gets
//    work after having none (`activate`, called by the engine): its first packet is due at
//    once, or when the MIFS of its last packet runs out, and an idle queue accumulates no
//    credit; the MMW catch-up builds up only while the queue waits with work (arbitration,
//    link). docs/fidelity.md.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "hls/scheduler/scheduler_core.h"
#include "model/core/probes.h"
#include "model/core/tx_arbiter.h"
#include "model/regs/device_map.h"
#include "model/rtl/scheduler_rtl.h"

namespace iovsim {

// One queue's rate controller (plain value type; the scheduler holds one per queue).
class RateController {
public:
  // `rf`: rate factor; `byte_ps`: one byte time at the link rate; `window_bytes`: MMW_SIZE KB.
  void configure(double rf, double byte_ps, double window_bytes);
  void disable() { enabled_ = false; }
  bool enabled() const { return enabled_; }
  // The queue got work after having none: it starts to be rate controlled again, TS at the
  // current time unless its last packet's MIFS has not run out yet.
  void activate(ps_t now) { ts_ = std::max(ts_, now); }
  bool may_send(ps_t now) const { return !enabled_ || now >= ts_; }
  ps_t eligible_at(ps_t now) const { return may_send(now) ? now : ts_; }
  void sent(unsigned l2_bytes, ps_t now);  // a packet's data read request went out at `now`
  double rate_factor() const { return rf_; }
  // The bytes the queue may send before its rate holds it back: (now - TS) in byte times of
  // its rate; negative while it waits for its time stamp.
  double credit_bytes(ps_t now) const {
    return (static_cast<double>(now) - static_cast<double>(ts_)) / (rf_ * byte_ps_);
  }
  ps_t time_stamp() const { return ts_; }

private:
  bool enabled_ = false;
  double rf_ = 0, byte_ps_ = 0, window_ps_ = 0;
  ps_t ts_ = 0;
};

struct QueueQosStats {
  std::uint64_t frames = 0, bytes = 0, throttled_picks = 0;
};

// The arbitration a port uses, with each queue's weight and priority level.
struct TxArbitration {
  hls::SchedPolicy policy = hls::SchedPolicy::RoundRobin;
  unsigned quantum_bytes = 1522;        // DWRR: bytes per weight unit (at least the largest frame)
  std::vector<unsigned> weight, level;  // per queue; empty = 1 and 0 for all
};

class TxScheduler : public TxArbiter {
public:
  TxScheduler(unsigned queues, double link_bps, const regs::DeviceMap& map,
              const TxArbitration& arb = {});
  ~TxScheduler() override;
  // scheduler.impl rtl: the decisions come from `rtl` (SchedulerRtl::create(config()), by the
  // platform).
  void use_rtl(std::unique_ptr<SchedulerRtl> rtl) { rtl_ = std::move(rtl); }
  SchedulerRtl* rtl() const { return rtl_.get(); }
  const hls::SchedConfig<kMaxQueuesPerPort>& config() const { return cfg_; }
  // The family's RTTDQSEL / RTTBCNRM / RTTBCNRC, decoded by its codec, and (82599) the DCB
  // registers: RTTDCS.TDPAC with MTQC's traffic classes turns the arbitration into the
  // descriptor plane's weighted strict priority (hls Ets) with RTTDT2C's credits; clearing
  // it (or ARBDIS) restores the scenario's arbitration.
  void map_registers(regs::RegisterSpace& pf);
  const regs::TxDcbCfg& dcb() const { return dcb_; }
  // --vcd: each named queue's rate controller credit after each of its packets
  // (`names[q]`.tx_rate_credit_bytes; an empty name: none).
  void observe(ProbeRecorder& r, const std::vector<std::string>& names);
  int pick(const QueueMask& pending, ps_t now, ps_t& eligible_at) override;
  void activate(unsigned queue, ps_t now) override { limiters_[queue].activate(now); }
  void charge(unsigned queue, unsigned bytes, ps_t now) override;

  const RateController& limiter(unsigned q) const { return limiters_[q]; }
  const QueueQosStats& queue_stats(unsigned q) const { return stats_[q]; }
  double programmed_rate_bps(unsigned q) const;
  // RTTBCNRC writes with RS_ENA and a rate factor outside 1..1000 (the queue stays unlimited).
  const std::uint64_t& invalid_writes() const { return invalid_writes_; }

private:
  void program(unsigned q);
  void program_dcb();
  unsigned queues_;
  double link_bps_;
  const regs::DeviceMap& map_;
  static constexpr unsigned kN = kMaxQueuesPerPort;
  hls::SchedConfig<kN> cfg_{};
  hls::SchedState<kN> st_{};
  hls::SchedRequest<kN> req_{};
  QueueMask limited_;  // queues whose rate controller is on
  std::uint32_t qsel_ = 0, bcnrm_ = 0;
  std::vector<std::uint32_t> bcnrc_;
  std::vector<RateController> limiters_;
  std::vector<QueueQosStats> stats_;
  std::uint64_t invalid_writes_ = 0;
  hls::SchedConfig<kN> base_{};  // the scenario's arbitration, in force while DCB is off
  regs::TxDcbCfg dcb_{};
  regs::TxDcbRaw raw_{};
  std::uint32_t up2tc_ = 0;
  std::vector<std::uint32_t> dt1c_;  // RTTDT1C per queue
  std::vector<Probe> credit_;  // empty unless observed
  std::unique_ptr<SchedulerRtl> rtl_;
  [[gnu::cold, gnu::noinline]] hls::SchedDecision arbitrate_rtl(ps_t now);  // scheduler.impl rtl
};

}  // namespace iovsim
