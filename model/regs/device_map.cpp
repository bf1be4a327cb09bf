#include <algorithm>
#include "model/regs/device_map.h"

#include <stdexcept>

namespace iovsim::regs {

const DeviceMap& device_map_82576();  // map_82576.cpp
const DeviceMap& device_map_82599();  // map_82599.cpp

const DeviceMap& device_map(Family f) {
  return f == Family::i82599 ? device_map_82599() : device_map_82576();
}

std::uint32_t DeviceMap::ring_offset(Direction d, View v, RingReg r, unsigned index) const {
  for (const RingRegDecl& x : ring_decls(d, v))
    if (x.role == r) return x.decl.info.at(index);
  throw std::logic_error("no such ring register in this view");
}

std::uint16_t mbx::mc_hash(std::uint64_t mac) {
  // igbvf e1000_hash_mc_addr_vf: hash_mask = 128 * 32 - 1 = 0xFFF; bit_shift = 4 (the number of
  // left shifts that keeps 0xFF inside the mask); hash = (DA[4] >> (8 - 4)) | (DA[5] << 4).
  const unsigned b4 = static_cast<unsigned>(mac >> 32) & 0xFFu;
  const unsigned b5 = static_cast<unsigned>(mac >> 40) & 0xFFu;
  return static_cast<std::uint16_t>(((b4 >> 4) | (b5 << 4)) & 0xFFFu);
}

}  // namespace iovsim::regs

namespace iovsim::regs {

// VT: queue n of a pool is class n mod tcs (32 x 4, 16 x 8). Without VT, the ranges
// ixgbe_get_first_reg_idx gives the 82599's Tx queues: 4 classes from 0, 64, 96, 112; 8 from 0,
// 32, 64, 80, 96, 104, 112, 120.
unsigned TxDcbCfg::tc_of_queue(unsigned q) const {
  if (tcs <= 1) return 0;
  if (vt) return q % tcs;
  static const unsigned first4[] = {0, 64, 96, 112}, first8[] = {0, 32, 64, 80, 96, 104, 112, 120};
  const unsigned* first = tcs == 4 ? first4 : first8;
  unsigned t = 0;
  for (unsigned i = 1; i < tcs; ++i)
    if (q >= first[i]) t = i;
  return t;
}

// ixgbe_dcb_calculate_tc_credits (ixgbe_dcb.c), every class alone in its bandwidth group at
// 100 %: min_credit = (max_frame / 2 + 63) / 64; multiplier = min_credit / min_percent + 1;
// refill = min(percent x multiplier, 511), at least min_credit; max = percent x 4095 / 100, at
// least min_credit.
TcCredits ixgbe_tc_credits(unsigned percent, unsigned min_percent, unsigned max_frame) {
  constexpr unsigned kQuantum = 64, kMaxRefill = 511, kMaxCredit = 4095;
  const unsigned min_credit = (max_frame / 2 + kQuantum - 1) / kQuantum;
  const unsigned multiplier = min_credit / (min_percent ? min_percent : 100) + 1;
  unsigned refill = std::min(percent * multiplier, kMaxRefill);
  if (refill < min_credit) refill = min_credit;
  unsigned max = percent * kMaxCredit / 100;
  if (max < min_credit) max = min_credit;
  return {refill, max};
}

}  // namespace iovsim::regs
