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

TxScheduler::TxScheduler(unsigned queues, double link_bps, const regs::DeviceMap& map,
                         const TxArbitration& arb)
    : queues_(queues), link_bps_(link_bps), map_(map), bcnrc_(queues), limiters_(queues),
      stats_(queues), dt1c_(queues) {
  static_assert(kN % 64 == 0 && hls::QueueSet<kN>::kWords == 2, "pick() converts the mask as two words");
  cfg_.policy = arb.policy;
  cfg_.num_queues = queues;
  cfg_.quantum_bytes = arb.quantum_bytes;
  for (unsigned q = 0; q < kN; ++q) {
    cfg_.weight[q] = static_cast<std::uint16_t>(q < arb.weight.size() ? arb.weight[q] : 1);
    cfg_.priority[q] = static_cast<std::uint8_t>(q < arb.level.size() ? arb.level[q] : 0);
  }
  for (unsigned q = 0; q < kN; ++q) hls::sched_set_tc(cfg_, q, 0);
  base_ = cfg_;
  hls::sched_reset(st_);
  static_assert(kN == SchedulerRtl::kN, "the Verilated scheduler has the model's queue count");
}

TxScheduler::~TxScheduler() = default;

double TxScheduler::programmed_rate_bps(unsigned q) const {
  return limiters_[q].enabled() ? link_bps_ / limiters_[q].rate_factor() : 0;
}

void TxScheduler::program(unsigned q) {
  const regs::RateCtl c = map_.decode_rate(bcnrc_[q]);
  if (!c.enabled) {
    limiters_[q].disable();
    limited_.reset(q);
    return;
  }
  if (c.factor < regs::kRateFactorMin || c.factor > regs::kRateFactorMax) {
    ++invalid_writes_;
    limiters_[q].disable();
    limited_.reset(q);
    return;
  }
  const bool was = limiters_[q].enabled();
  limiters_[q].configure(c.factor, 8e12 / link_bps_, 1024.0 * map_.decode_burst_units(bcnrm_));
  if (!was) limiters_[q].activate(access_time());
  limited_.set(q);
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
  // DCB (82599): each write reprograms the arbitration (the packet plane and the Tx buffers'
  // sizes are read from dcb() by the port's packet plane); the user priority map is stored.
  auto word = [&pf, this](const regs::RegDecl& d, std::uint32_t* at, bool reprogram) {
    pf.add(d, [at](unsigned i) { return at[i]; },
           [this, at, reprogram](unsigned i, std::uint32_t v) {
             at[i] = v;
             if (reprogram) program_dcb();
           });
  };
  for (const regs::DcbRegDecl& r : map_.dcb_decls()) switch (r.role) {
      case regs::DcbReg::DescControl: word(r.decl, &raw_.rttdcs, true); break;
      case regs::DcbReg::QueueLayout: word(r.decl, &raw_.mtqc, true); break;
      case regs::DcbReg::TcDescCredit: word(r.decl, raw_.rttdt2c, true); break;
      case regs::DcbReg::PacketControl: word(r.decl, &raw_.rttpcs, true); break;
      case regs::DcbReg::TcPacketCredit: word(r.decl, raw_.rttpt2c, true); break;
      case regs::DcbReg::UpToTc: word(r.decl, &up2tc_, false); break;
      case regs::DcbReg::TxBufferSize: word(r.decl, raw_.txpbsize, true); break;
      case regs::DcbReg::QueueCredit:  // the queue RTTDQSEL selects
        pf.add(r.decl, [this](unsigned) { return qsel_ < queues_ ? dt1c_[qsel_] : 0u; },
               [this](unsigned, std::uint32_t v) {
                 if (qsel_ >= queues_) return;
                 dt1c_[qsel_] = v;
                 if (dcb_.desc.wsp) program_dcb();
               });
        break;
    }
}

void TxScheduler::program_dcb() {
  const std::uint64_t gen = dcb_.generation + 1;
  dcb_ = map_.decode_tx_dcb(raw_);
  dcb_.generation = dcb_.desc.generation = dcb_.pkt.generation = gen;
  const hls::SchedPolicy was = cfg_.policy;
  cfg_ = base_;
  if (dcb_.desc.wsp && dcb_.tcs > 1) {
    cfg_.policy = hls::SchedPolicy::Ets;
    cfg_.vm_wrr = dcb_.vm_wrr;
    for (unsigned q = 0; q < queues_; ++q) {
      hls::sched_set_tc(cfg_, q, dcb_.tc_of_queue(q));
      cfg_.weight[q] = static_cast<std::uint16_t>(map_.decode_queue_credit(dt1c_[q]));
    }
    dcb_.desc.load(cfg_);
  }
  if (cfg_.policy != was) hls::sched_reset(st_);  // a new arbiter starts from reset
}

int TxScheduler::pick(const QueueMask& pending, ps_t now, ps_t& eligible_at) {
  // Eligible: the pending queues, less those whose rate controller holds them (only queues
  // with a controller on are looked at).
  static const QueueMask kLow{~0ull};
  // Both masks from the two words in registers: copying pending just after storing it (one
  // 16-byte load of two 8-byte stores) stalls the store forwarding.
  const std::uint64_t lo = (pending & kLow).to_ullong(), hi = (pending >> 64).to_ullong();
  req_.pending.w[0] = req_.eligible.w[0] = lo;
  req_.pending.w[1] = req_.eligible.w[1] = hi;
  ps_t earliest = ~ps_t{0};
  const QueueMask held = pending & limited_;
  for (std::size_t q = held._Find_first(); q < queues_; q = held._Find_next(q))
    if (!limiters_[q].may_send(now)) {
      req_.eligible.clear(static_cast<unsigned>(q));
      stats_[q].throttled_picks++;
      earliest = std::min(earliest, limiters_[q].eligible_at(now));
    }
  const hls::SchedDecision d = rtl_ ? arbitrate_rtl(now) : hls::arbitrate(cfg_, st_, req_);
  req_.charge = false;
  if (d.grant) return d.queue;
  eligible_at = earliest;
  return -1;
}

hls::SchedDecision TxScheduler::arbitrate_rtl(ps_t now) { return rtl_->arbitrate(req_, now); }

void TxScheduler::observe(ProbeRecorder& r, const std::vector<std::string>& names) {
  credit_.resize(queues_);
  for (unsigned q = 0; q < queues_ && q < names.size(); ++q)
    if (!names[q].empty())
      credit_[q] = r.declare(names[q] + ".tx_rate_credit_bytes", 32, ProbeKind::level,
                             "rate controller: bytes the queue may send before its time stamp holds it (negative: it waits)",
                             true);
}

void TxScheduler::charge(unsigned queue, unsigned bytes, ps_t now) {
  limiters_[queue].sent(bytes, now);
  if (!credit_.empty() && limiters_[queue].enabled())
    credit_[queue].set(now, std::llround(limiters_[queue].credit_bytes(now)));
  req_.charge = true;  // the core accounts it with the next decision
  req_.charge_queue = static_cast<std::uint16_t>(queue);
  req_.charge_bytes = static_cast<std::uint16_t>(std::min(bytes, 0xFFFFu));
  stats_[queue].frames++;
  stats_[queue].bytes += bytes;
}

}  // namespace iovsim
