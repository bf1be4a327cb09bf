// 802.3x flow control of one port, both ends of the link: the device's side sends XOFF when its
// Rx packet buffer reaches the high water mark (FCRTH) and XON when it falls below the low one
// (FCRTL with XONE), as programmed (regs::FlowControlCfg); the link partner's side honours
// them: it starts no frame while paused, for the pause time (FCTTV) or until the XON, and may
// finish the frame it had started. Plain C++, no kernel: the Rx DMA engine reports each
// frame's admission (`on_rx`, in the link partner's call chain, so the partner has heard of
// every earlier frame's effect before it starts the next), the wire source asks before each
// frame (`may_start`). The pause frames themselves (64 bytes) take their slot on the way to
// the partner but no Tx wire time of the device (docs/fidelity.md).
#pragma once
#include <cstdint>

#include "model/core/time.h"
#include "model/regs/device_map.h"
#include "model/regs/register_space.h"

namespace iovsim {

class FlowControl {
public:
  explicit FlowControl(double line_bps);
  void configure(const regs::FlowControlCfg& c) { cfg_ = c; }
  // The family's flow-control registers in the PF's space (packet buffer 0's where there are
  // several): stored, and decoded into the configuration on every write.
  void map_registers(regs::RegisterSpace& pf, const regs::DeviceMap& map);
  const regs::FlowControlCfg& cfg() const { return cfg_; }

  // The Rx packet buffer holds `used` bytes after admitting a frame at `t`; `drained_below(b)`
  // is when, with no further arrivals, it will hold less than b bytes.
  template <class DrainedBelow>
  void on_rx(ps_t t, unsigned used, const DrainedBelow& drained_below) {
    if (!cfg_.tx_pause || cfg_.high == 0) return;
    if (xoff_ && t >= until_) end_pause();
    if (!xoff_) {
      if (used < cfg_.high) return;
      start_pause(t);
    }
    if (cfg_.xon) set_xon(drained_below(cfg_.low > 0 ? cfg_.low : 1));
  }
  // The link partner wants to start a frame at `t`: when it may.
  ps_t may_start(ps_t t) {
    if (!xoff_) return t;
    if (t >= until_) {
      end_pause();
      return t;
    }
    if (t < from_) return t;  // the XOFF has not reached it yet: this frame was under way
    paused_ps_ += until_ - t;
    return until_;
  }

  struct Stats {
    std::uint64_t xoff = 0, xon = 0, refresh = 0;  // pause frames the device sent
    ps_t partner_paused_ps = 0;                     // time the partner held a frame back
  };
  // As of `now`: a pause still in effect whose XON has left by then counts its XON.
  Stats stats(ps_t now) const {
    Stats s = stats_;
    if (xoff_ && by_xon_ && until_ - slot_ps_ <= now) ++s.xon;
    s.partner_paused_ps = paused_ps_;
    return s;
  }

private:
  void start_pause(ps_t t);
  void set_xon(ps_t below_low);
  void end_pause();
  regs::FlowControlCfg cfg_;
  std::uint32_t values_[regs::kFcRegs] = {};
  ps_t slot_ps_, quantum_ps_;
  bool xoff_ = false, by_xon_ = false;
  ps_t from_ = 0, until_ = 0, expiry_ = 0;  // at the partner
  ps_t paused_ps_ = 0;
  Stats stats_;
};

}  // namespace iovsim
