#include "model/qos/tx_scheduler.h"

#include <algorithm>
#include <cmath>

namespace iovsim {

void RateController::configure(double rf, double byte_ps, double window_bytes) {
  enabled_ = true;
  rf_ = rf;
  byte_ps_ = byte_ps;
  window_ps_ = window_bytes * rf * byte_ps;
}

void RateController::sent(unsigned l2_bytes, ps_t now) {
  if (!enabled_) return;
  // TS(new) = max(TS(old), now - MMW_TIME) + MIFS
  const double floor = static_cast<double>(now) - window_ps_;
  const double base = std::max(static_cast<double>(ts_), floor);
  ts_ = static_cast<ps_t>(std::llround(base + l2_bytes * rf_ * byte_ps_));
}

TxScheduler::TxScheduler(unsigned queues, double link_bps, const regs::DeviceMap& map)
    : queues_(queues), link_bps_(link_bps), map_(map), bcnrc_(queues), limiters_(queues),
      stats_(queues) {}

double TxScheduler::programmed_rate_bps(unsigned q) const {
  return limiters_[q].enabled() ? link_bps_ / limiters_[q].rate_factor() : 0;
}

void TxScheduler::program(unsigned q) {
  const regs::RateCtl c = map_.decode_rate(bcnrc_[q]);
  if (!c.enabled) {
    limiters_[q].disable();
    return;
  }
  if (c.factor < regs::kRateFactorMin || c.factor > regs::kRateFactorMax) {
    ++invalid_writes_;
    limiters_[q].disable();
    return;
  }
  const bool was = limiters_[q].enabled();
  limiters_[q].configure(c.factor, 8e12 / link_bps_, 1024.0 * map_.decode_burst_units(bcnrm_));
  if (!was) limiters_[q].activate(access_time());
}

void TxScheduler::map_registers(regs::RegisterSpace& pf) {
  // A selector beyond the port's queues makes the next RTTBCNRC writes hit nothing: ignored.
  for (const regs::RateRegDecl& r : map_.rate_decls()) switch (r.role) {
      case regs::RateReg::Select:
        pf.add(r.decl, [this](unsigned) { return qsel_; },
               [this](unsigned, std::uint32_t v) { qsel_ = v; });
        break;
      case regs::RateReg::BurstWindow:  // global: every limited queue uses the new window
        pf.add(r.decl, [this](unsigned) { return bcnrm_; },
               [this](unsigned, std::uint32_t v) {
                 bcnrm_ = v;
                 for (unsigned q = 0; q < queues_; ++q)
                   if (limiters_[q].enabled()) program(q);
               });
        break;
      case regs::RateReg::RateCtl:
        pf.add(r.decl, [this](unsigned) { return qsel_ < queues_ ? bcnrc_[qsel_] : 0u; },
               [this](unsigned, std::uint32_t v) {
                 if (qsel_ >= queues_) return;
                 bcnrc_[qsel_] = v;
                 program(qsel_);
               });
        break;
    }
}

int TxScheduler::pick(const QueueMask& pending, ps_t now, ps_t& eligible_at) {
  // Round robin from next_: the set bits at or after it, then those before it.
  ps_t earliest = ~ps_t{0};
  auto consider = [&](std::size_t q) {
    if (limiters_[q].may_send(now)) {
      next_ = q + 1 == queues_ ? 0 : static_cast<unsigned>(q + 1);
      return true;
    }
    stats_[q].throttled_picks++;
    earliest = std::min(earliest, limiters_[q].eligible_at(now));
    return false;
  };
  std::size_t q = next_ == 0 ? pending._Find_first() : pending._Find_next(next_ - 1);
  for (; q < queues_; q = pending._Find_next(q))
    if (consider(q)) return static_cast<int>(q);
  for (q = pending._Find_first(); q < next_; q = pending._Find_next(q))
    if (consider(q)) return static_cast<int>(q);
  eligible_at = earliest;
  return -1;
}

void TxScheduler::charge(unsigned queue, unsigned bytes, ps_t now) {
  limiters_[queue].sent(bytes, now);
  stats_[queue].frames++;
  stats_[queue].bytes += bytes;
}

}  // namespace iovsim
