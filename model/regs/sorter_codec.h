// Pieces of the sorter's register codec that both families share (their tables have the same
// format at different offsets): the generation-bumping storage every filter register is, the
// hash tables, the RSS tables, the receive address low half, and the pool-bit checks.
// Used by map_82576.cpp and map_82599.cpp only.
#pragma once
#include <cstdint>

#include "model/regs/device_map.h"

namespace iovsim::regs::sorter_codec {

// Pool bits [first_pool, first_pool + 32) of a register value; bits of pools the device does
// not have (tables.num_pools) are dropped and counted as ignored writes.
std::uint32_t keep_pools(SorterRegs& s, std::uint32_t v, unsigned first_pool);
// A filter register: storage whose every write invalidates the sorter's decisions
// (generation) after `decode` has updated the tables.
RegisterSpace::Handle filter_register(RegisterSpace& rs, SorterRegs& s, const RegDecl& d,
                                      RegisterSpace::StoreFn decode);
// MTA, VFTA and UTA: 128 registers of 32 hash or VLAN bits each.
void bind_bit_tables(RegisterSpace& rs, SorterRegs& s, const RegDecl& mta, const RegDecl& vfta,
                     const RegDecl& uta);
// RETA (four one-byte entries per register) and RSSRK (four key bytes per register), each
// with optional aliases.
void bind_rss_tables(RegisterSpace& rs, SorterRegs& s, const RegDecl& reta, const RegDecl& rssrk,
                     const RegInfo* reta_alias = nullptr, const RegInfo* rssrk_alias = nullptr);
// RAL[n]: bytes 0-3 of receive address n; writes beyond the table in use are counted.
void bind_receive_address_low(RegisterSpace& rs, SorterRegs& s, const RegDecl& ral);
// A receive address high half common to both: bytes 4-5 and AV; writes beyond the table in
// use are counted.
void decode_receive_address_high(SorterRegs& s, unsigned n, std::uint32_t addr_hi, bool av);
// 64 pool bits kept in a pair of registers (82599 MPSAR, VLVFB, PFVFRE/TE): the element
// written (pools 32*half ...), stored without the bits of absent pools; returns the bitmap.
hls::PoolMask write_pool_half(SorterRegs& s, std::uint32_t* pair_lo, std::uint32_t* pair_hi,
                              unsigned half, std::uint32_t& stored);

}  // namespace iovsim::regs::sorter_codec
