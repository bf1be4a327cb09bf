// The sorter's RTL in the loop: a transactor around the Verilated hls/sorter/rtl/iovsim_sorter.sv
// (`--cc`, stepped by the transactor, never clocked while idle). The platform's Sorter hands
// it every filter register write (RegisterSpace::tap_writes: one clock with the register port
// driven) and every frame header (two clocks: the pipeline's latency); the results come back
// as the C++ core's decision types. Selected by the scenario key `sorter.impl: rtl`.
//
// No SystemC here: Verilator's headers must not see it (they would take SystemC's time).
// Time: the RTL's clock edges are put at the platform's time of the frame (or write), one
// picosecond apart within it, so an `--rtl-trace` VCD lines up with the platform's VCD.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "hls/sorter/sorter_core.h"
#include "model/regs/device_map.h"

namespace iovsim {

class SorterRtl {
public:
  virtual ~SorterRtl() = default;
  // The RTL for the family at the part's table sizes (82576: 24/8/32, 82599: 128/64/64), with
  // `num_rar` / `num_vlvf` of them in use; reset, its tables cleared. Throws std::invalid_argument
  // for sizes the Verilated models do not have.
  static std::unique_ptr<SorterRtl> create(Family f, unsigned num_rar, unsigned num_pools, unsigned num_vlvf);
  virtual void write(std::uint32_t offset, std::uint32_t value, std::uint64_t now) = 0;
  virtual hls::RxDecision classify(const hls::L2Header& h, std::uint64_t now) = 0;
  virtual hls::TxDecision switch_tx(unsigned src_pool, const hls::L2Header& h, std::uint64_t now) = 0;
  // A VCD of the RTL's signals from now on (closed by the destructor).
  virtual void trace(const std::string& file) = 0;
  std::uint64_t cycles() const { return cycles_; }

protected:
  std::uint64_t cycles_ = 0;
};

}  // namespace iovsim
