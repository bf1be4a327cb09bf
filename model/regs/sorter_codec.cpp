#include "model/regs/sorter_codec.h"

namespace iovsim::regs::sorter_codec {

std::uint32_t keep_pools(SorterRegs& s, std::uint32_t v, unsigned first_pool) {
  const unsigned pools = s.tables.num_pools;
  const std::uint32_t valid = first_pool >= pools        ? 0
                              : pools - first_pool >= 32 ? 0xFFFFFFFFu
                                                         : (1u << (pools - first_pool)) - 1;
  if (v & ~valid) ++s.ignored_writes;
  return v & valid;
}

RegisterSpace::Handle filter_register(RegisterSpace& rs, SorterRegs& s, const RegDecl& d,
                                      RegisterSpace::StoreFn decode) {
  return rs.add_storage(d, [&s, decode = std::move(decode)](unsigned i, std::uint32_t& v) {
    if (decode) decode(i, v);
    ++s.generation;
  });
}

void bind_bit_tables(RegisterSpace& rs, SorterRegs& s, const RegDecl& mta, const RegDecl& vfta,
                     const RegDecl& uta) {
  filter_register(rs, s, mta, [&s](unsigned i, std::uint32_t& v) { s.tables.mta[i] = v; });
  filter_register(rs, s, vfta, [&s](unsigned i, std::uint32_t& v) { s.tables.vfta[i] = v; });
  filter_register(rs, s, uta, [&s](unsigned i, std::uint32_t& v) { s.tables.uta[i] = v; });
}

void bind_rss_tables(RegisterSpace& rs, SorterRegs& s, const RegDecl& reta, const RegDecl& rssrk,
                     const RegInfo* reta_alias, const RegInfo* rssrk_alias) {
  auto bytes = [](std::uint8_t* dst, std::uint32_t v) {
    for (unsigned b = 0; b < 4; ++b) dst[b] = static_cast<std::uint8_t>(v >> (8 * b));
  };
  auto r = filter_register(rs, s, reta, [&s, bytes](unsigned i, std::uint32_t& v) {
    bytes(s.rss.reta + 4 * i, v);
  });
  auto k = filter_register(rs, s, rssrk, [&s, bytes](unsigned i, std::uint32_t& v) {
    bytes(s.rss.key + 4 * i, v);
  });
  if (reta_alias) rs.add_alias(*reta_alias, r);
  if (rssrk_alias) rs.add_alias(*rssrk_alias, k);
}

void bind_receive_address_low(RegisterSpace& rs, SorterRegs& s, const RegDecl& ral) {
  filter_register(rs, s, ral, [&s](unsigned n, std::uint32_t& v) {
    if (n >= s.tables.num_rar) ++s.ignored_writes;  // beyond the table in use
    hls::RarEntry& e = s.tables.rar[n];
    e.mac = (e.mac & 0xFFFF00000000ull) | v;
  });
}

void decode_receive_address_high(SorterRegs& s, unsigned n, std::uint32_t addr_hi, bool av) {
  if (n >= s.tables.num_rar) ++s.ignored_writes;
  hls::RarEntry& e = s.tables.rar[n];
  e.mac = (e.mac & 0xFFFFFFFFull) | (std::uint64_t{addr_hi & 0xFFFF} << 32);
  e.valid = av;
}

hls::PoolMask write_pool_half(SorterRegs& s, std::uint32_t* pair_lo, std::uint32_t* pair_hi,
                              unsigned half, std::uint32_t& stored) {
  stored = keep_pools(s, stored, 32 * half);
  (half ? *pair_hi : *pair_lo) = stored;
  return *pair_lo | hls::PoolMask{*pair_hi} << 32;
}

}  // namespace iovsim::regs::sorter_codec
