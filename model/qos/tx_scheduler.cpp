#include "model/qos/tx_scheduler.h"

#include <algorithm>
#include <cmath>


namespace iovsim {

void TokenBucket::configure(double bytes_per_ps, double depth_bytes, ps_t now) {
  enabled_ = true;
  rate_ = bytes_per_ps;
  depth_ = depth_bytes;
  level_ = 0;
  last_ = now;
}

void TokenBucket::refill(ps_t t) {
  if (t > last_) {
    level_ = std::min(depth_, level_ + static_cast<double>(t - last_) * rate_);
    last_ = t;
  }
}

double TokenBucket::level(ps_t t) {
  refill(t);
  return level_;
}

bool TokenBucket::may_send(ps_t t) { return !enabled_ || level(t) >= 0; }

ps_t TokenBucket::eligible_at(ps_t t) {
  if (may_send(t)) return t;
  return t + static_cast<ps_t>(std::ceil(-level_ / rate_));
}

void TokenBucket::take(unsigned bytes, ps_t t) {
  if (!enabled_) return;
  refill(t);
  level_ -= bytes;
}

TxScheduler::TxScheduler(unsigned queues, double link_bps, const regs::DeviceMap& map)
    : queues_(queues), link_bps_(link_bps), map_(map), bcnrc_(queues), bcnrm_(queues),
      buckets_(queues), stats_(queues) {}

double TxScheduler::programmed_rate_bps(unsigned q) const {
  const regs::RateCtl c = map_.decode_rate(bcnrc_[q]);
  return c.enabled && c.factor > 0 ? link_bps_ / c.factor : 0;
}

void TxScheduler::program(unsigned q) {
  double bps = programmed_rate_bps(q);
  if (bps <= 0) {
    buckets_[q].disable();
    return;
  }
  double depth = std::max(512.0 * map_.decode_burst_units(bcnrm_[q]), 1522.0);
  buckets_[q].configure(bps / 8.0 / 1e12, depth, now_ps());
}

void TxScheduler::map_registers(regs::RegisterSpace& pf) {
  // A selector beyond the port's queues makes the next writes hit nothing: ignored.
  for (const regs::RateRegDecl& r : map_.rate_decls()) switch (r.role) {
      case regs::RateReg::Select:
        pf.add(r.decl, [this](unsigned) { return qsel_; },
               [this](unsigned, std::uint32_t v) { qsel_ = v; });
        break;
      case regs::RateReg::BurstWindow:
        pf.add(r.decl, [this](unsigned) { return qsel_ < queues_ ? bcnrm_[qsel_] : 0u; },
               [this](unsigned, std::uint32_t v) {
                 if (qsel_ < queues_) bcnrm_[qsel_] = v;
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
  ps_t earliest = ~ps_t{0};
  for (unsigned i = 0; i < queues_; ++i) {
    unsigned q = (next_ + i) % queues_;
    if (!pending.test(q)) continue;
    if (buckets_[q].may_send(now)) {
      next_ = (q + 1) % queues_;
      return static_cast<int>(q);
    }
    stats_[q].throttled_picks++;
    earliest = std::min(earliest, buckets_[q].eligible_at(now));
  }
  eligible_at = earliest;
  return -1;
}

void TxScheduler::charge(unsigned queue, unsigned bytes, ps_t now) {
  buckets_[queue].take(bytes, now);
  stats_[queue].frames++;
  stats_[queue].bytes += bytes;
}

}  // namespace iovsim
