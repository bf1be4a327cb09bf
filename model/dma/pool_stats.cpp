#include "model/dma/pool_stats.h"

namespace iovsim {

void map_pool_stats(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs,
                    const DeviceProfile& prof, regs::Direction d, std::function<PoolCounts(unsigned pool)> counts) {
  using regs::StatReg;
  const bool rx = d == regs::Direction::Rx;
  auto mine = [rx](StatReg r) {
    return rx == (r == StatReg::RxPackets || r == StatReg::RxOctets || r == StatReg::RxMulticast);
  };
  auto value = [counts](const regs::StatRegDecl& s, unsigned pool) {
    const PoolCounts c = counts(pool);
    const std::uint64_t v = s.role == StatReg::RxPackets || s.role == StatReg::TxPackets ? c.packets
                            : s.role == StatReg::RxMulticast                            ? c.multicast
                                                                                        : c.octets;
    return regs::stat_register_value(s, v);
  };
  const unsigned pools = prof.num_pools;
  for (const regs::StatRegDecl& s : prof.map().stats_decls(regs::View::PF))
    if (mine(s.role))
      pf.add(s.decl, [s, value, pools](unsigned pool) { return pool < pools ? value(s, pool) : 0u; }, nullptr);
  for (unsigned v = 0; v < vfs.size(); ++v)
    for (const regs::StatRegDecl& s : prof.map().stats_decls(regs::View::VF))
      if (mine(s.role)) vfs[v]->add(s.decl, [s, value, v](unsigned) { return value(s, v); }, nullptr);
}

}  // namespace iovsim
