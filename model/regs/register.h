// One register's declaration: name, offset, array count and stride, reset value, access policy,
// documentation and fields. Declared once per register in its family's map file; everything
// else (the register spaces the blocks fill, `iovsim regs`, docs/register-map.md, the driver
// models' offsets) is derived from it.
//
// Arrays may live in two segments (RAL/RAH 16..23 of the 82576, the 82599's Rx queues 64..127):
// elements [split, count) sit at offset2 + (n - split) * stride.
#pragma once
#include <cstdint>

#include "model/regs/field.h"

namespace iovsim::regs {

struct RegInfo {
  const char* name = "";
  std::uint32_t offset = 0;  // of element 0
  unsigned count = 1;
  std::uint32_t stride = 4;
  std::uint32_t reset = 0;
  Access access = Access::RW;
  const char* text = "";     // what the register is, with its source
  unsigned split = 0;        // 0: one segment
  std::uint32_t offset2 = 0;

  // Offset of element n.
  constexpr std::uint32_t at(unsigned n) const {
    return split && n >= split ? offset2 + (n - split) * stride : offset + n * stride;
  }
  constexpr RegInfo array(unsigned n, std::uint32_t step) const {
    RegInfo r = *this;
    r.count = n;
    r.stride = step;
    return r;
  }
  // Elements from `first` on continue at `off`.
  constexpr RegInfo second_segment(unsigned first, std::uint32_t off) const {
    RegInfo r = *this;
    r.split = first;
    r.offset2 = off;
    return r;
  }
  constexpr RegInfo reset_value(std::uint32_t v) const {
    RegInfo r = *this;
    r.reset = v;
    return r;
  }
  constexpr RegInfo doc(const char* t) const {
    RegInfo r = *this;
    r.text = t;
    return r;
  }
  // The same register seen at another offset (an alias), e.g. a legacy or 82598 location.
  constexpr RegInfo moved(std::uint32_t off, unsigned n, std::uint32_t step) const {
    RegInfo r = *this;
    r.offset = off;
    r.count = n;
    r.stride = step;
    r.split = 0;
    return r;
  }
};

constexpr RegInfo reg(const char* name, std::uint32_t offset, Access access = Access::RW) {
  RegInfo r;
  r.name = name;
  r.offset = offset;
  r.access = access;
  return r;
}

// What a register space stores about a register: its info and its field table.
struct RegDecl {
  RegInfo info;
  const FieldInfo* fields = nullptr;
  unsigned nfields = 0;
  constexpr RegDecl() = default;
  constexpr RegDecl(const RegInfo& i, const FieldInfo* f = nullptr, unsigned n = 0)  // NOLINT
      : info(i), fields(f), nfields(n) {}
  // The same declaration at another place (aliases and the per-view queue arrays).
  constexpr RegDecl with(const RegInfo& i) const { return RegDecl{i, fields, nfields}; }
};

// Base of every register struct: `R::at(n)`, `R::decl()`.
template <class Self>
struct Register {
  static constexpr std::uint32_t at(unsigned n = 0) { return Self::info.at(n); }
  static constexpr RegDecl decl() {
    using F = typename Self::fields;
    return RegDecl{Self::info, F::table, F::size};
  }
};

// A whole-register value with no inner fields (tables, addresses, counters).
struct NoFields {
  using fields = FieldList<>;
};

}  // namespace iovsim::regs
