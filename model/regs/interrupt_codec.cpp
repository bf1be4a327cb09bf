#include "model/regs/interrupt_codec.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace iovsim::regs {

namespace {
// Row and byte of a queue's IVAR entry.
void ivar_place(const InterruptLayout& L, unsigned queue, unsigned dir, unsigned& row, unsigned& byte) {
  if (L.ivar_rows_stride) {
    row = queue % L.ivar_rows_stride;
    byte = (queue / L.ivar_rows_stride) * 2 + dir;
  } else {
    row = queue / 2;
    byte = (queue & 1) * 2 + dir;
  }
}

std::uint64_t width_mask(unsigned bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }
}  // namespace

void IvarTable::assign(std::size_t n, std::uint8_t v) {
  if (n > kMax)
    throw std::logic_error(fmt::format("IVAR table of {} entries: at most {} (128 queues)", n, kMax));
  n_ = static_cast<std::uint16_t>(n);
  std::fill(e_, e_ + n, v);
  std::fill(e_ + n, e_ + kMax, 0);
}

std::uint64_t eitr_interval_ps(const InterruptLayout& L, std::uint32_t v) {
  return std::uint64_t{(v & L.eitr_mask) >> L.eitr_shift} * L.eitr_unit_ps;
}

void bind_interrupt_registers(RegisterSpace& rs, const InterruptLayout& L, unsigned queues,
                              InterruptRegs& s) {
  s.eitr.assign(s.vectors, 0);
  s.interval.assign(s.vectors, 0);
  s.ivar.assign(2 * queues, 0);
  const std::uint64_t all = width_mask(s.vectors);
  // In the 82599 PF's EICR/EICS/EIMS/EIMC the low 16 bits are vectors 0-15, the high 16 the
  // other causes; elsewhere every bit is a vector.
  const std::uint64_t low = L.other_in_eicr ? 0xFFFF & all : all;
  auto changed = [&s] {
    if (s.changed) s.changed(0);
  };
  auto vec_read = [&s, low](std::uint64_t InterruptRegs::*f, bool with_other) {
    return [&s, low, f, with_other](unsigned) {
      std::uint32_t v = static_cast<std::uint32_t>(s.*f & low);
      if (with_other) v |= (f == &InterruptRegs::cause ? s.other_cause : s.other_enabled) & 0xFFFF0000u;
      return v;
    };
  };
  const bool split = L.other_in_eicr;
  // EICR: read shows the causes (not cleared on read in MSI-X mode); writing 1s clears them.
  rs.add(L.eicr, vec_read(&InterruptRegs::cause, split), [&s, low, split, changed](unsigned, std::uint32_t v) {
    s.cause &= ~(std::uint64_t{v} & low);
    if (split) s.other_cause &= ~(v & 0xFFFF0000u);
    changed();
  });
  // EICS: software sets causes (igbvf re-fires a vector this way); reads show EICR (ixgbe
  // reads EICS to see the causes without clearing them).
  rs.add(L.eics, vec_read(&InterruptRegs::cause, split), [&s, low, split](unsigned, std::uint32_t v) {
    if (split) s.other_cause |= v & 0xFFFF0000u;
    if (s.software_cause) s.software_cause(std::uint64_t{v} & low, 0);
  });
  rs.add(L.eims, vec_read(&InterruptRegs::enabled, split), [&s, low, split, changed](unsigned, std::uint32_t v) {
    s.enabled |= std::uint64_t{v} & low;
    if (split) s.other_enabled |= v & 0xFFFF0000u;
    changed();
  });
  rs.add(L.eimc, nullptr, [&s, low, split, changed](unsigned, std::uint32_t v) {
    s.enabled &= ~(std::uint64_t{v} & low);
    if (split) s.other_enabled &= ~(v & 0xFFFF0000u);
    changed();
  });
  // EIAC: on the 82599 PF bits 15:0 stand for the queue vectors (ixgbe writes 0x4000FFFF),
  // and every vector's cause is auto-cleared by them; elsewhere one bit per vector.
  rs.add(L.eiac, [&s](unsigned) { return static_cast<std::uint32_t>(s.auto_clear); },
         [&s, all, split](unsigned, std::uint32_t v) {
           s.auto_clear = split ? ((v & 0xFFFF) ? all : 0) : (s.auto_clear & ~0xFFFFFFFFull) | (v & all);
         });
  rs.add(L.eiam, [&s](unsigned) { return static_cast<std::uint32_t>(s.auto_mask); },
         [&s, all](unsigned, std::uint32_t v) { s.auto_mask = (s.auto_mask & ~0xFFFFFFFFull) | (v & all); });
  if (L.eims_ex.info.name[0]) {  // the 64-vector forms: word i covers vectors 32i..32i+31
    auto word = [all](unsigned i, std::uint32_t v) { return (std::uint64_t{v} << (32 * i)) & all; };
    rs.add(L.eims_ex, [&s](unsigned i) { return static_cast<std::uint32_t>(s.enabled >> (32 * i)); },
           [&s, word, changed](unsigned i, std::uint32_t v) {
             s.enabled |= word(i, v);
             changed();
           });
    rs.add(L.eimc_ex, nullptr, [&s, word, changed](unsigned i, std::uint32_t v) {
      s.enabled &= ~word(i, v);
      changed();
    });
    rs.add(L.eics_ex, [&s](unsigned i) { return static_cast<std::uint32_t>(s.cause >> (32 * i)); },
           [&s, word](unsigned i, std::uint32_t v) {
             if (s.software_cause) s.software_cause(word(i, v), 0);
           });
    rs.add(L.eiam_ex, [&s](unsigned i) { return static_cast<std::uint32_t>(s.auto_mask >> (32 * i)); },
           [&s, all](unsigned i, std::uint32_t v) {
             const std::uint64_t m = 0xFFFFFFFFull << (32 * i);
             s.auto_mask = (s.auto_mask & ~m) | ((std::uint64_t{v} << (32 * i)) & m & all);
           });
  }
  rs.add(L.eitr, [&s](unsigned i) { return i < s.eitr.size() ? s.eitr[i] : 0u; },
         [&s, &L](unsigned i, std::uint32_t v) {
           if (i >= s.eitr.size()) {
             ++s.ignored_writes;  // a vector the function does not have
             return;
           }
           s.eitr[i] = v & ~L.eitr_keep_counter;
           s.interval[i] = eitr_interval_ps(L, v);
         });
  rs.add(L.ivar,
         [&s, &L](unsigned row) {
           std::uint32_t v = 0;
           for (unsigned b = 0; b < 4; ++b) {
             const unsigned q = L.ivar_rows_stride ? row + (b / 2) * L.ivar_rows_stride : 2 * row + b / 2;
             if (2 * q + (b & 1) < s.ivar.size()) v |= std::uint32_t{s.ivar[2 * q + (b & 1)]} << (8 * b);
           }
           return v;
         },
         [&s, &L](unsigned row, std::uint32_t v) {
           const std::uint8_t keep = static_cast<std::uint8_t>(0x80 | width_mask(L.ivar_vector_bits));
           for (unsigned b = 0; b < 4; ++b) {
             const unsigned q = L.ivar_rows_stride ? row + (b / 2) * L.ivar_rows_stride : 2 * row + b / 2;
             const std::uint8_t e = static_cast<std::uint8_t>(v >> (8 * b)) & keep;
             if (2 * q + (b & 1) >= s.ivar.size()) {
               if (e & 0x80) ++s.ignored_writes;
               continue;
             }
             if ((e & 0x80) && (e & 0x7F) >= s.vectors) ++s.ignored_writes;  // no such vector
             s.ivar[2 * q + (b & 1)] = e;
           }
         });
  rs.add(L.ivar_misc, [&s](unsigned) { return s.ivar_misc; },
         [&s, &L, changed](unsigned, std::uint32_t v) {
           s.ivar_misc = v;
           const std::uint32_t e = (v >> L.misc_shift) & 0xFF;
           s.other_vector = (e & 0x80) && (e & 0x7F) < s.vectors ? static_cast<int>(e & 0x7F) : -1;
           changed();
         });
  if (L.gpie.info.name[0])
    rs.add(L.gpie, [&s](unsigned) { return s.gpie; },
           [&s, &L](unsigned, std::uint32_t v) {
             s.gpie = v;
             s.msix_mode = (v & L.gpie_msix & 0x10) != 0;         // Multiple_MSIX / MSIX_MODE
             s.auto_mask_enable = (v & (1u << 30)) != 0;          // EIAME
           });
  if (L.icr.info.name[0]) {  // 82576: the other causes
    // ICR: read returns and clears the causes (GPIE.NSICR, which igb sets).
    rs.add(L.icr,
           [&s, changed](unsigned) {
             // INT_ASSERTED (bit 31): an enabled cause is pending (igb_intr's legacy check).
             const std::uint32_t v = s.other_cause | ((s.other_cause & s.other_enabled) ? 0x80000000u : 0);
             s.other_cause = 0;
             changed();
             return v;
           },
           [&s, changed](unsigned, std::uint32_t v) {
             s.other_cause &= ~v;
             changed();
           });
    rs.add(L.ics, nullptr, [&s, changed](unsigned, std::uint32_t v) {
      s.other_cause |= v;
      changed();
    });
    rs.add(L.ims, [&s](unsigned) { return s.other_enabled; }, [&s, changed](unsigned, std::uint32_t v) {
      s.other_enabled |= v;
      changed();
    });
    rs.add(L.imc, nullptr, [&s, changed](unsigned, std::uint32_t v) {
      s.other_enabled &= ~v;
      changed();
    });
  }
}

void write_msix_mode(RegAccess& w, const InterruptLayout& L, std::uint64_t vectors) {
  if (L.gpie.info.name[0]) w.write32(L.gpie.info.at(0), L.gpie_msix);
  const auto lo = static_cast<std::uint32_t>(vectors);
  // igb / igbvf / ixgbevf: auto-clear and auto-mask every vector; ixgbe: EIAC the queue
  // vectors (0x4000FFFF), EIAM_EX every vector.
  w.write32(L.eiac.info.at(0), L.eiac_queues_only ? 0x4000FFFFu : lo);
  if (L.eiam_ex.info.name[0]) {
    w.write32(L.eiam_ex.info.at(0), 0xFFFFFFFFu);
    w.write32(L.eiam_ex.info.at(1), 0xFFFFFFFFu);
  } else {
    w.write32(L.eiam.info.at(0), lo);
  }
}

void write_queue_vector(RegAccess& w, const InterruptLayout& L, unsigned queue, unsigned dir,
                        unsigned vector) {
  unsigned row = 0, byte = 0;
  ivar_place(L, queue, dir, row, byte);
  const std::uint32_t at = L.ivar.info.at(row);
  std::uint32_t v = w.read32(at);
  v &= ~(0xFFu << (8 * byte));
  v |= (vector | 0x80u) << (8 * byte);
  w.write32(at, v);
}

void write_other_vector(RegAccess& w, const InterruptLayout& L, unsigned vector) {
  w.write32(L.ivar_misc.info.at(0), (vector | 0x80u) << L.misc_shift);
}

void write_itr(RegAccess& w, const InterruptLayout& L, unsigned vector, std::uint32_t itr) {
  std::uint32_t v = itr;
  if (!L.eitr_raw_writes) {
    v = itr & L.eitr_mask;
    if (L.eitr_shift == 2 && v == 0) v = 0x4;  // igb: interval 0 is written as 1 us
    v |= L.eitr_keep_counter;
  }
  w.write32(L.eitr.info.at(vector), v);
}

void write_irq_enable(RegAccess& w, const InterruptLayout& L, std::uint64_t vectors, bool enable) {
  if (L.eims_ex.info.name[0]) {  // 82599 PF: queue vectors through the _EX registers
    const RegDecl& r = enable ? L.eims_ex : L.eimc_ex;
    if (static_cast<std::uint32_t>(vectors)) w.write32(r.info.at(0), static_cast<std::uint32_t>(vectors));
    if (vectors >> 32) w.write32(r.info.at(1), static_cast<std::uint32_t>(vectors >> 32));
    return;
  }
  w.write32((enable ? L.eims : L.eimc).info.at(0), static_cast<std::uint32_t>(vectors));
}

}  // namespace iovsim::regs
