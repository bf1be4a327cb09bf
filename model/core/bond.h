// Active-backup bonding of each VM's two VFs (VF M of port 0, active, with VF M of port 1,
// backup): when port 0's link fails the link partner floods the VMs' traffic to port 1, where
// the bond drops it on its inactive slave until its link monitor (miimon) sees the failure and
// makes port 1 active. Decided when the traffic window is: the system fills it in then.
#pragma once
#include "model/core/time.h"

namespace iovsim {

struct BondState {
  static constexpr ps_t kNever = ~ps_t{0};
  bool enabled = false;
  ps_t down = kNever;      // port 0's link failed
  ps_t failover = kNever;  // the bond made port 1 its active slave
  // The first frame a bonded VM's application received through port 1 after the failover.
  ps_t first_after = kNever;
};

}  // namespace iovsim
