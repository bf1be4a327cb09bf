// The interrupt registers of one function view, bound to an InterruptRegs (device side) and
// written as the drivers write them (driver side). The families differ in offsets, field
// widths, the IVAR row layout and where the other causes sit; the layout struct says which,
// the code is shared. Declarations: map_82576.h, map_82599.h.
#pragma once
#include <cstdint>

#include "model/regs/device_map.h"
#include "model/regs/register_space.h"

namespace iovsim::regs {

struct InterruptLayout {
  RegDecl eicr, eics, eims, eimc, eiac, eiam;  // the vector-bit registers
  RegDecl eitr, ivar, ivar_misc;
  RegDecl gpie;                                // PF only (info.name empty: absent)
  // 82599 PF: the 64-vector forms of EICS/EIMS/EIMC/EIAM, and EICR/EIMS 31:16 are the other
  // causes (EICR 15:0: vectors 0-15).
  RegDecl eics_ex, eims_ex, eimc_ex, eiam_ex;
  bool other_in_eicr = false;
  // 82576 PF: the other causes in ICR/ICS/IMS/IMC.
  RegDecl icr, ics, ims, imc;
  unsigned ivar_rows_stride = 0;   // 0: queues 2i and 2i+1 in row i; n: queues q and q+n in row q
  unsigned ivar_vector_bits = 5;   // width of an IVAR entry's vector field
  unsigned misc_shift = 8;         // the other cause's byte in IVAR_MISC
  std::uint32_t eitr_mask = 0;     // interval field in EITR
  unsigned eitr_shift = 2;
  std::uint64_t eitr_unit_ps = 1000000;  // one interval unit
  std::uint32_t eitr_keep_counter = 0;   // CNT_IGNR / CNT_WDIS
  bool eitr_raw_writes = false;          // igbvf writes the value as it is
  // What the driver writes for MSI-X mode.
  std::uint32_t gpie_msix = 0;
  bool eiac_queues_only = false;  // ixgbe: EIAC 0x4000FFFF, the other causes not auto-cleared
};

void bind_interrupt_registers(RegisterSpace& rs, const InterruptLayout& L, unsigned queues,
                              InterruptRegs& s);
std::uint64_t eitr_interval_ps(const InterruptLayout& L, std::uint32_t v);

// Driver side.
void write_msix_mode(RegAccess& w, const InterruptLayout& L, std::uint64_t vectors);
void write_queue_vector(RegAccess& w, const InterruptLayout& L, unsigned queue, unsigned dir,
                        unsigned vector);
void write_other_vector(RegAccess& w, const InterruptLayout& L, unsigned vector);
void write_itr(RegAccess& w, const InterruptLayout& L, unsigned vector, std::uint32_t itr);
void write_irq_enable(RegAccess& w, const InterruptLayout& L, std::uint64_t vectors, bool enable);

}  // namespace iovsim::regs
