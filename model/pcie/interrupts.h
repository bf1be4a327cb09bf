// The device's interrupt logic. Per function: its cause, mask, auto-clear/auto-mask and
// throttle registers (decoded into regs::InterruptRegs by the family's codec) and the
// emission rule, feeding the function's MSI-X table. Per port: which function and vector a
// queue's completions go to. Plain C++ (the endpoint owns one per function).
//
// Emission (igb/ixgbe programming; I210 datasheet §7.3.4, 82598 §3.5.4 for the rules, QEMU
// igb_core.c for a reading of them): a vector signals when its cause becomes pending while it
// is enabled, or it is enabled while its cause is pending (a rising edge of EICR & EIMS); the
// message goes at max(now, the end of the vector's EITR interval since its last message), and
// the interval starts again; a cause raised before a message already due is carried by it;
// EIAC clears the cause and, with GPIE.EIAME, EIAM clears the enable when the message goes. The other causes (82576 ICR & IMS, 82599 EICR/EIMS 31:16:
// the mailbox) raise the vector IVAR_MISC names.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "model/core/device_profile.h"
#include "model/core/interrupt_sink.h"
#include "model/pcie/msix.h"
#include "model/regs/device_map.h"

namespace iovsim {

// Laid out for a queue completion (a port's functions take turns, so each one's state is cold
// when its next frame comes: rx64-63vf): the vectors' state pointer, the emission flags and
// the causes in the first line, the masks and the IVAR table from the second, each vector's
// EITR state in an array of its own (the hooks the codec and the endpoint set, last).
class alignas(64) FunctionInterrupts {
public:
  FunctionInterrupts(unsigned vectors, MsixTable& msix);
  regs::InterruptRegs& regs() { return r_; }
  const regs::InterruptRegs& regs() const { return r_; }
  void raise_queue(unsigned queue, unsigned dir, ps_t at);  // a queue of this function's view
  void raise_other(std::uint32_t causes, ps_t at);
  void raise_vectors(std::uint64_t bits, ps_t at);

  struct Stats {
    std::uint64_t messages = 0, throttled = 0;  // throttled: held by EITR
  };
  const Stats& stats() const { return stats_; }
  // Legacy INTx (a PF whose driver left GPIE.MSIX_MODE clear and has a line to drive: the
  // served PF of `iovsim serve`): queue completions set the given ICR causes (82576: RXT0 for
  // an Rx write-back, TXDW for a Tx one) and the line follows ICR & IMS. Not moderated by EITR
  // (docs/fidelity.md).
  void set_legacy_line(std::function<void(bool)> line, std::uint32_t rx_cause, std::uint32_t tx_cause) {
    intx_ = std::move(line), rx_cause_ = rx_cause, tx_cause_ = tx_cause;
    has_line_ = intx_ != nullptr;
  }
  bool line() const { return level_; }

private:
  void evaluate(ps_t at);
  void emit(unsigned v, ps_t at);
  // What a queue completion's shortcut reads (raise_queue): the vectors' EITR state, the
  // emission flags, the causes and the IVAR entry, in two lines and the vector's state.
  struct VectorState {
    ps_t next_allowed = 0;  // the end of the EITR interval since its last message
    ps_t last_emit = 0;     // when its last message goes
  };
  std::vector<VectorState> vec_;
  std::uint64_t prev_active_ = 0, sent_once_ = 0;
  std::uint32_t prev_other_ = 0;
  bool has_line_ = false;  // set_legacy_line was called
  regs::InterruptRegs r_;
  Stats stats_;
  MsixTable& msix_;
  bool legacy() const { return intx_ && !r_.msix_mode; }  // GPIE.MSIX_MODE (reset 0) clear
  std::function<void(bool)> intx_;
  std::uint32_t rx_cause_ = 0, tx_cause_ = 0;
  bool level_ = false;

public:
  // Where a message EITR holds back goes: by default it is signalled at once with its later
  // time; an owner with a kernel sets this to signal it when that time comes (the table's
  // mask then applies as of that time, and the link is not booked far ahead).
  std::function<void(unsigned vector, ps_t at)> signal_later;
};

// A port's queues to the functions whose vectors they use: the queues of a VF's pool to the
// VF (its own queue numbers), the others to the PF (the port's queue numbers).
class PortInterrupts final : public QueueInterrupts {
public:
  void route(unsigned port_queue, FunctionInterrupts* fn, unsigned view_queue);
  void rx_done(unsigned q, ps_t at) override { at_[q].fn->raise_queue(at_[q].index, 0, at); }
  void tx_done(unsigned q, ps_t at) override { at_[q].fn->raise_queue(at_[q].index, 1, at); }

private:
  struct Route {
    FunctionInterrupts* fn = nullptr;
    unsigned index = 0;
  };
  std::vector<Route> at_;
};

}  // namespace iovsim
