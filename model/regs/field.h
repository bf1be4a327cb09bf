// Bit fields of 32-bit registers as types, and the declaration record a register carries.
//
// A register is a struct in its family's map file (model/regs/map_82576.h, map_82599.h):
//
//   struct RCTL : Register<RCTL> {
//     static constexpr RegInfo info = reg("RCTL", 0x00100).doc("receive control");
//     IOVSIM_FIELD(UPE, 3, 3, "unicast promiscuous");
//     IOVSIM_FIELD(MO, 13, 12, "multicast offset: which 12 DA bits index the MTA");
//     using fields = FieldList<UPE, MO>;
//   };
//
// Code reads and writes fields through the types (`RCTL::MO::get(v)`, `RCTL::UPE::set(v, 1)`);
// `decl<RCTL>()` is the record a register space, `iovsim regs` and docs/register-map.md list.
#pragma once
#include <cstdint>

namespace iovsim::regs {

// A bit field [Hi:Lo] of a 32-bit register.
template <unsigned Hi, unsigned Lo = Hi>
struct Field {
  static_assert(Hi >= Lo && Hi < 32, "bad field");
  static constexpr unsigned hi = Hi, lo = Lo;
  static constexpr std::uint32_t kWidthMask =
      (Hi - Lo == 31) ? 0xFFFFFFFFu : ((1u << (Hi - Lo + 1)) - 1u);
  static constexpr std::uint32_t kMask = kWidthMask << Lo;
  static constexpr std::uint32_t get(std::uint32_t reg) { return (reg >> Lo) & kWidthMask; }
  static constexpr std::uint32_t set(std::uint32_t reg, std::uint32_t v) {
    return (reg & ~kMask) | ((v & kWidthMask) << Lo);
  }
  // The field alone: set(0, v).
  static constexpr std::uint32_t make(std::uint32_t v) { return (v & kWidthMask) << Lo; }
};
template <unsigned B>
using Bit = Field<B, B>;

// How software may access a register (or one of its fields).
//   RW  read/write storage          RO  read only: writes are ignored and counted
//   WO  write only: reads return 0  W1C writing 1 clears the bit     RC  a read clears it
//   Reg (fields only) as the register
enum class Access : std::uint8_t { RW, RO, WO, W1C, RC, Reg };
const char* access_name(Access a);

struct FieldInfo {
  const char* name;
  unsigned hi, lo;
  Access access;  // Access::Reg: the register's
  const char* doc;
};

template <class... F>
struct FieldList {
  static constexpr unsigned size = sizeof...(F);
  static constexpr FieldInfo table[sizeof...(F) > 0 ? sizeof...(F) : 1] = {F::info...};
};
template <>
struct FieldList<> {
  static constexpr unsigned size = 0;
  static constexpr FieldInfo table[1] = {{"", 0, 0, Access::Reg, ""}};
};

}  // namespace iovsim::regs

// Declares field NAME = bits [HI:LO] inside a register struct, with its doc string; the
// _A form gives the field its own access policy (e.g. a read-to-clear bit in an RW register).
#define IOVSIM_FIELD(NAME, HI, LO, DOC)                                                     \
  struct NAME : ::iovsim::regs::Field<HI, LO> {                                             \
    static constexpr ::iovsim::regs::FieldInfo info{#NAME, HI, LO, ::iovsim::regs::Access::Reg, \
                                                    DOC};                                   \
  }
#define IOVSIM_FIELD_A(NAME, HI, LO, ACCESS, DOC)                                          \
  struct NAME : ::iovsim::regs::Field<HI, LO> {                                             \
    static constexpr ::iovsim::regs::FieldInfo info{#NAME, HI, LO,                          \
                                                    ::iovsim::regs::Access::ACCESS, DOC};   \
  }
