// The per-pool statistics registers of a port (regs::StatRegDecl: VFGPRC ... in each VF's BAR,
// PVFGPRC(n) ... in the PF's), served from a DMA engine's per-queue counts: a pool's counter is
// the sum over its queues, read as the register's width wraps it. Nothing is counted twice
// and nothing on the hot path: the registers are computed when read.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "model/core/device_profile.h"
#include "model/regs/register_space.h"

namespace iovsim {

struct PoolCounts {
  std::uint64_t packets = 0, octets = 0, multicast = 0;
};

// Adds the registers of direction `d` (Rx: packets, octets, multicast; Tx: packets, octets):
// the PF's arrays over every pool, and in VF v's space pool v's.
void map_pool_stats(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs,
                    const DeviceProfile& prof, regs::Direction d, std::function<PoolCounts(unsigned pool)> counts);

}  // namespace iovsim
