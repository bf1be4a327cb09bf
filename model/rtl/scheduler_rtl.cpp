#include "model/rtl/scheduler_rtl.h"

#include "Viovsim_scheduler_128.h"
#include "model/rtl/verilated_clock.h"

namespace iovsim {
namespace {

class SchedulerRtlImpl final : public SchedulerRtl {
public:
  explicit SchedulerRtlImpl(const hls::SchedConfig<kN>& c) : clk_(top_) {
    top_->rst_n = 0;
    top_->req_valid = 0;
    top_->cfg_we = 0;
    clk_.tick(0);
    top_->rst_n = 1;
    // The block's register map (hls/scheduler/rtl/iovsim_scheduler.sv): CTRL, QUANTUM,
    // WEIGHT[q], PRIORITY[q].
    write(0x0000, static_cast<std::uint32_t>(c.policy) | (c.num_queues & 0xFFFF) << 8);
    write(0x0004, c.quantum_bytes);
    for (unsigned q = 0; q < kN; ++q) {
      write(0x1000 + 4 * q, c.weight[q]);
      write(0x2000 + 4 * q, c.priority[q]);
    }
  }
  ~SchedulerRtlImpl() override { top_->final(); }

  hls::SchedDecision arbitrate(const hls::SchedRequest<kN>& r, std::uint64_t now) override {
    top_->req_valid = 1;
    for (unsigned i = 0; i < 4; ++i) {
      top_->req_pending[i] = static_cast<std::uint32_t>(r.pending.w[i / 2] >> (32 * (i % 2)));
      top_->req_eligible[i] = static_cast<std::uint32_t>(r.eligible.w[i / 2] >> (32 * (i % 2)));
    }
    top_->req_charge = r.charge;
    top_->req_charge_queue = r.charge_queue;
    top_->req_charge_bytes = r.charge_bytes;
    clk_.tick(now);
    top_->req_valid = 0;
    ++cycles_;
    return {static_cast<bool>(top_->gnt_grant), static_cast<std::uint16_t>(top_->gnt_queue)};
  }

  void trace(const std::string& file) override { clk_.trace(file); }

private:
  void write(std::uint16_t addr, std::uint32_t v) {
    top_->cfg_we = 1;
    top_->cfg_addr = addr;
    top_->cfg_wdata = v;
    clk_.tick(0);
    top_->cfg_we = 0;
    ++cycles_;
  }
  std::unique_ptr<VerilatedContext> ctx_{new VerilatedContext};
  std::unique_ptr<Viovsim_scheduler_128> top_{new Viovsim_scheduler_128{ctx_.get()}};
  rtl::Clock<Viovsim_scheduler_128> clk_;
};

}  // namespace

std::unique_ptr<SchedulerRtl> SchedulerRtl::create(const hls::SchedConfig<kN>& cfg) {
  return std::make_unique<SchedulerRtlImpl>(cfg);
}

}  // namespace iovsim
