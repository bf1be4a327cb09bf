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
