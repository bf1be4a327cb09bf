#include "model/core/flow_control.h"

#include "model/core/frame.h"

#include <algorithm>

namespace iovsim {

namespace {
constexpr unsigned kPauseFrameBytes = 64;  // a MAC control frame: DA, SA, 0x8808, opcode, time, pad, FCS
}

FlowControl::FlowControl(double line_bps)
    : slot_ps_(serialization_ps(kPauseFrameBytes + kPreambleSfdBytes + kIfgBytes, line_bps)),
      quantum_ps_(serialization_ps(64, line_bps)) {}  // 512 bit times

void FlowControl::map_registers(regs::RegisterSpace& pf, const regs::DeviceMap& map) {
  for (const regs::FcRegDecl& d : map.fc_decls()) {
    const auto role = static_cast<unsigned>(d.role);
    pf.add_storage(d.decl, [this, role, &map](unsigned i, std::uint32_t& v) {
      if (i != 0) return;
      values_[role] = v;
      cfg_ = map.decode_flow_control(values_);
    });
  }
}

void FlowControl::start_pause(ps_t t) {
  ++stats_.xoff;
  xoff_ = true;
  by_xon_ = false;
  from_ = t + slot_ps_;  // the XOFF leaves at once and reaches the partner after its slot
  expiry_ = from_ + static_cast<ps_t>(cfg_.pause_quanta) * quantum_ps_;
  until_ = expiry_;
}

void FlowControl::set_xon(ps_t below_low) {
  // The XON goes when the buffer falls below the low mark and reaches the partner a slot
  // later. Without a refresh (FCRTV 0) the pause may run out first; with one, XOFFs repeat
  // every refresh period until then (counted when the pause ends).
  const ps_t xon_at = std::max(below_low, from_ - slot_ps_) + slot_ps_;
  if (cfg_.refresh_quanta == 0 && xon_at >= expiry_) {
    until_ = expiry_;
    by_xon_ = false;
    return;
  }
  until_ = xon_at;
  by_xon_ = true;
}

void FlowControl::end_pause() {
  if (by_xon_) ++stats_.xon;
  if (by_xon_ && cfg_.refresh_quanta) {
    const ps_t period = static_cast<ps_t>(cfg_.refresh_quanta) * quantum_ps_;
    stats_.refresh += period ? (until_ - from_) / period : 0;
  }
  xoff_ = false;
}

}  // namespace iovsim
