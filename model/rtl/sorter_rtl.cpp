#include "model/rtl/sorter_rtl.h"

#include <stdexcept>

#include <fmt/format.h>

#include "Viovsim_sorter_82576.h"
#include "Viovsim_sorter_82599.h"
#include "model/regs/map_82576.h"
#include "model/regs/map_82599.h"
#include "model/rtl/verilated_clock.h"

namespace iovsim {
namespace {

template <class V>
class SorterRtlImpl final : public SorterRtl {
public:
  SorterRtlImpl(Family f, unsigned num_rar, unsigned num_vlvf) : clk_(top_) {
    top_->num_rar = static_cast<std::uint8_t>(num_rar);
    top_->num_vlvf = static_cast<std::uint8_t>(num_vlvf);
    top_->rst_n = 0;
    clk_.tick(0);
    clk_.tick(0);
    top_->rst_n = 1;
    // Power-on: the tables the datasheets leave undefined are cleared, as the drivers do at
    // bring-up (the C++ core's tables start at zero).
    for (unsigned i = 0; i < 128; ++i) {
      const bool x = f == Family::i82599;
      write(x ? regs::i82599::MTA::at(i) : regs::i82576::MTA::at(i), 0, 0);
      write(x ? regs::i82599::UTA::at(i) : regs::i82576::UTA::at(i), 0, 0);
      write(x ? regs::i82599::VFTA::at(i) : regs::i82576::VFTA::at(i), 0, 0);
    }
  }
  ~SorterRtlImpl() override { top_->final(); }

  void write(std::uint32_t offset, std::uint32_t value, std::uint64_t now) override {
    top_->reg_we = 1;
    top_->reg_addr = offset & 0xFFFFF;
    top_->reg_wdata = value;
    top_->hdr_valid = 0;
    clk_.tick(now);
    top_->reg_we = 0;
    ++cycles_;
  }

  hls::RxDecision classify(const hls::L2Header& h, std::uint64_t now) override {
    header(false, 0, h, now);
    hls::RxDecision d{};
    d.pools = top_->res_pools;
    d.verdict = static_cast<hls::RxVerdict>(top_->res_verdict);
    d.matched_rar = top_->res_matched_rar;
    d.to_default_pool = top_->res_to_default_pool;
    d.passed_l2 = top_->res_passed_l2;
    d.candidate_pools = top_->res_candidate_pools;
    d.oversize_pools = top_->res_oversize_pools;
    return d;
  }

  hls::TxDecision switch_tx(unsigned src_pool, const hls::L2Header& h, std::uint64_t now) override {
    header(true, src_pool, h, now);
    hls::TxDecision d{};
    d.loopback_pools = top_->res_pools;
    d.to_wire = top_->res_to_wire;
    d.spoof_mac = top_->res_spoof_mac;
    d.spoof_vlan = top_->res_spoof_vlan;
    d.drop = top_->res_drop;
    d.tx_disabled = top_->res_tx_disabled;
    d.exact_match = top_->res_exact_match;
    d.effective_vid = top_->res_effective_vid;
    d.effective_tagged = top_->res_effective_tagged;
    return d;
  }

  void trace(const std::string& file) override { clk_.trace(file); }

private:
  // One header through the pipeline: accepted at the first edge, its result registered at
  // the second (latency 2).
  void header(bool tx, unsigned src, const hls::L2Header& h, std::uint64_t now) {
    top_->hdr_valid = 1;
    top_->hdr_tx = tx;
    top_->hdr_src_pool = static_cast<std::uint8_t>(src > 0x7F ? 0x7F : src);
    top_->hdr_da = h.da & hls::kMacMask;
    top_->hdr_sa = h.sa & hls::kMacMask;
    top_->hdr_tagged = h.tagged;
    top_->hdr_vid = h.vid & 0xFFF;
    top_->hdr_frame_len = h.frame_len;
    top_->hdr_id = static_cast<std::uint32_t>(cycles_);
    clk_.tick(now);
    top_->hdr_valid = 0;
    clk_.tick(now);
    cycles_ += 2;
    if (!top_->res_valid) throw std::logic_error("sorter RTL: no result two clocks after a header");
  }

  std::unique_ptr<VerilatedContext> ctx_{new VerilatedContext};
  std::unique_ptr<V> top_{new V{ctx_.get()}};
  rtl::Clock<V> clk_;
};

}  // namespace

std::unique_ptr<SorterRtl> SorterRtl::create(Family f, unsigned num_rar, unsigned num_pools, unsigned num_vlvf) {
  const bool i82599 = f == Family::i82599;
  const unsigned rar = i82599 ? 128 : 24, pools = i82599 ? 64 : 8, vlvf = i82599 ? 64 : 32;
  if (num_pools != pools || num_rar > rar || num_vlvf > vlvf || num_rar == 0 || num_vlvf == 0)
    throw std::invalid_argument(fmt::format(
        "sorter.impl rtl: the {} RTL has {} pools, {} receive address and {} VLAN filters; asked for {} pools, {} and {}",
        i82599 ? "82599" : "82576", pools, rar, vlvf, num_pools, num_rar, num_vlvf));
  if (i82599) return std::make_unique<SorterRtlImpl<Viovsim_sorter_82599>>(f, num_rar, num_vlvf);
  return std::make_unique<SorterRtlImpl<Viovsim_sorter_82576>>(f, num_rar, num_vlvf);
}

}  // namespace iovsim
