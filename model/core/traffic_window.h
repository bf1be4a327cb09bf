// When traffic runs: from the end of the warm-up (or later, when a driver is still bringing
// its function up: the system waits for every driver, up to a bound) for duration_us. The
// system decides the start at run time and announces it with `go`; sources and drivers read
// the window through a pointer, so a late start moves them all.
#pragma once
#include <systemc>

#include "model/core/time.h"

namespace iovsim {

struct TrafficWindow {
  ps_t start = 0, end = 0;  // nominal until `decided`, then the real window
  bool decided = false;
  sc_core::sc_event* go = nullptr;  // notified when the start is decided (at `start`)
};

}  // namespace iovsim
