#include "model/pcie/interrupts.h"

#include <algorithm>

namespace iovsim {

FunctionInterrupts::FunctionInterrupts(unsigned vectors, MsixTable& msix)
    : vec_(vectors), msix_(msix) {
  r_.vectors = vectors;
  r_.changed = [this](ps_t at) { evaluate(at ? at : access_time()); };
  r_.software_cause = [this](std::uint64_t bits, ps_t at) { raise_vectors(bits, at ? at : access_time()); };
}

void FunctionInterrupts::raise_queue(unsigned queue, unsigned dir, ps_t at) {
  if (__builtin_expect(has_line_, 0) && legacy()) return raise_other(dir ? tx_cause_ : rx_cause_, at);
  const int v = r_.vector_of(queue, dir);
  if (v < 0 || static_cast<unsigned>(v) >= r_.vectors) return;  // no vector mapped: no interrupt
  const std::uint64_t bit = std::uint64_t{1} << v;
  if (r_.cause & bit) return;  // already pending: coalesced
  // A message of the vector sent or held by EITR for `at` or later carries this cause, and
  // EIAC clears it at once: what evaluate() concludes (its only effect the auto-clear), without
  // its sweep. Exact because every other change of the causes and masks was evaluated when it
  // was made, so nothing else is rising; functions with a legacy line take the full path.
  if (!has_line_ && (r_.auto_clear & r_.enabled & bit) && (sent_once_ & bit) && at <= vec_[static_cast<unsigned>(v)].last_emit)
    return;
  r_.cause |= bit;
  evaluate(at);
}

void FunctionInterrupts::raise_other(std::uint32_t causes, ps_t at) {
  r_.other_cause |= causes;
  evaluate(at);
}

void FunctionInterrupts::raise_vectors(std::uint64_t bits, ps_t at) {
  r_.cause |= bits & (r_.vectors >= 64 ? ~0ull : (1ull << r_.vectors) - 1);
  evaluate(at);
}

void FunctionInterrupts::evaluate(ps_t at) {
  if (__builtin_expect(has_line_, 0) && legacy()) {
    const bool level = (r_.other_cause & r_.other_enabled) != 0;
    if (level && !level_) ++stats_.messages;
    level_ = level;
    intx_(level);
    return;
  }
  const std::uint32_t other = r_.other_cause & r_.other_enabled;
  if ((other & ~prev_other_) && r_.other_vector >= 0) r_.cause |= std::uint64_t{1} << r_.other_vector;
  prev_other_ = other;
  std::uint64_t rising = r_.cause & r_.enabled & ~prev_active_;
  while (rising) {
    const auto v = static_cast<unsigned>(__builtin_ctzll(rising));
    rising &= rising - 1;
    emit(v, at);
  }
  prev_active_ = r_.cause & r_.enabled;
}

void FunctionInterrupts::emit(unsigned v, ps_t at) {
  const std::uint64_t bit = std::uint64_t{1} << v;
  VectorState& vs = vec_[v];
  if (sent_once_ >> v & 1 && at <= vs.last_emit) {
    // A message already due at or after this cause (held by EITR) carries it.
    if (r_.auto_clear & bit) r_.cause &= ~bit;
    return;
  }
  ps_t when = at;
  bool held = false;
  if (vs.next_allowed > when) {  // the EITR interval since the last message still runs
    when = vs.next_allowed;
    held = true;
    ++stats_.throttled;
  }
  vs.next_allowed = when + (v < r_.interval.size() ? r_.interval[v] : 0);
  vs.last_emit = when;
  sent_once_ |= bit;
  if (r_.auto_clear & bit) r_.cause &= ~bit;
  if (r_.auto_mask_enable && (r_.auto_mask & bit)) r_.enabled &= ~bit;
  ++stats_.messages;
  if (held && signal_later)
    signal_later(v, when);
  else
    msix_.signal(v, when);
}

void PortInterrupts::route(unsigned port_queue, FunctionInterrupts* fn, unsigned view_queue) {
  if (at_.size() <= port_queue) at_.resize(port_queue + 1);
  at_[port_queue] = {fn, view_queue};
}

}  // namespace iovsim
