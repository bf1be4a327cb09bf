// A VF driver's view of one free-running statistics register: igbvf's UPDATE_VF_COUNTER and
// ixgbevf's UPDATE_VF_COUNTER_32bit / _36bit (a value below the last one read is a wrap), and
// the base taken when the driver started (igbvf_initialize_last_counter_stats,
// ixgbevf_init_last_counter_stats: what it reports is the count since then).
#pragma once
#include <cstdint>

namespace iovsim {

struct VfCounter {
  std::uint64_t last = 0;   // the raw value last read
  std::uint64_t value = 0;  // extended past the register's width
  std::uint64_t base = 0;   // the value when the driver started
  bool started = false;

  void update(std::uint64_t raw, unsigned width) {
    const std::uint64_t mask = width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
    raw &= mask;
    if (!started) {
      last = value = base = raw;
      started = true;
      return;
    }
    if (raw < last) value += mask + 1;  // wrapped since the last read
    last = raw;
    value = (value & ~mask) | raw;
  }
  std::uint64_t since_start() const { return value - base; }
};

}  // namespace iovsim
