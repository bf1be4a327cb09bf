// Tx QoS of one port: round-robin arbitration over the port's Tx queues (the 82576's
// non-DCB VMDq mode) and one rate limiter per queue, programmed like igb_set_vf_rate_limit
// does: RTTDQSEL selects the queue, RTTBCNRM sets the burst window, RTTBCNRC sets the rate
// factor RF = RF_INT + RF_DEC / 2^14 (queue rate = link rate / RF) and RS_ENA.
//
// The limiter is a token bucket in bytes: it fills at the programmed rate up to the burst
// window (RTTBCNRM.MMW_SIZE, taken in 512-byte units: the value 0x14 igb writes for 9728-byte
// frames); a queue may start a frame while its level is >= 0 and the frame's bytes are then
// taken, so the level can go negative by at most one frame. It starts empty. Long-run rate is
// exact; the datasheet's internal timestamp mechanism is abstracted to this.
#pragma once
#include <cstdint>
#include <vector>

#include "model/core/tx_arbiter.h"
#include "model/regs/device_map.h"

namespace iovsim {

class TokenBucket {
public:
  void configure(double bytes_per_ps, double depth_bytes, ps_t now);
  void disable() { enabled_ = false; }
  bool enabled() const { return enabled_; }
  // Level at `t` (refilled), and the time at which the level reaches 0 again.
  bool may_send(ps_t t);
  ps_t eligible_at(ps_t t);
  void take(unsigned bytes, ps_t t);
  double level(ps_t t);
  double rate_bytes_per_ps() const { return rate_; }

private:
  void refill(ps_t t);
  bool enabled_ = false;
  double rate_ = 0, depth_ = 0, level_ = 0;
  ps_t last_ = 0;
};

struct QueueQosStats {
  std::uint64_t frames = 0, bytes = 0, throttled_picks = 0;
};

class TxScheduler : public TxArbiter {
public:
  TxScheduler(unsigned queues, double link_bps, const regs::DeviceMap& map);
  // The family's RTTDQSEL / RTTBCNRM / RTTBCNRC, decoded by its codec.
  void map_registers(regs::RegisterSpace& pf);
  int pick(const QueueMask& pending, ps_t now, ps_t& eligible_at) override;
  void charge(unsigned queue, unsigned bytes, ps_t now) override;

  const TokenBucket& limiter(unsigned q) const { return buckets_[q]; }
  const QueueQosStats& queue_stats(unsigned q) const { return stats_[q]; }
  double programmed_rate_bps(unsigned q) const;

private:
  void program(unsigned q);
  unsigned queues_;
  double link_bps_;
  const regs::DeviceMap& map_;
  unsigned next_ = 0;  // round-robin pointer
  std::uint32_t qsel_ = 0;
  std::vector<std::uint32_t> bcnrc_, bcnrm_;
  std::vector<TokenBucket> buckets_;
  std::vector<QueueQosStats> stats_;
};

}  // namespace iovsim
