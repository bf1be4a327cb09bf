#include "model/core/time.h"

#include <stdexcept>

namespace iovsim {

void require_ps_resolution() {
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS))
    throw std::logic_error("iovsim needs the SystemC time resolution to be 1 ps");
}

}  // namespace iovsim
