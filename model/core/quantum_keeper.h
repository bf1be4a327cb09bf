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
};

}  // namespace iovsim
