// TLM-2.0's quantum keeper with its per-access check inline. tlm_quantumkeeper::need_sync()
// asks sc_time_stamp(), a call into the library, at every register access and every frame
// the wire source sends; this one reads the kernel's time as now_ps() does. The keeper's
// state and every other member are the library's (its members are virtual for this use).
#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "model/core/time.h"

namespace iovsim {

class QuantumKeeper final : public tlm_utils::tlm_quantumkeeper {
public:
  bool need_sync() const override { return now_ps() + m_local_time.value() >= m_next_sync_point.value(); }
  sc_core::sc_time get_current_time() const override { return to_sc(now_ps()) + m_local_time; }
  ps_t local_ps() const { return m_local_time.value(); }
  ps_t next_sync_ps() const { return m_next_sync_point.value(); }
};

// A keeper's local time for a loop that moves it every step (the wire source a frame, the Tx
// DMA a sent frame): the local time and the next sync point kept in integer picoseconds, the
// keeper set from them only when the loop syncs. The same decisions as set() and need_sync()
// every step, without an sc_time a step (SystemC's sc_time * double is a chain of
// floating-point steps through a volatile, on the loop's path).
class LocalTime {
public:
  explicit LocalTime(QuantumKeeper& qk) : qk_(qk), local_(qk.local_ps()), next_(qk.next_sync_ps()) {}
  ps_t local() const { return local_; }
  void set(ps_t local) { local_ = local; }
  bool need_sync(ps_t now) const { return now + local_ >= next_; }
  void sync() {
    qk_.set(to_sc(local_));
    qk_.sync();
    local_ = qk_.local_ps(), next_ = qk_.next_sync_ps();
  }

private:
  QuantumKeeper& qk_;
  ps_t local_, next_;
};

}  // namespace iovsim
