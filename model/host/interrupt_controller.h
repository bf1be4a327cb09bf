// The host's interrupt controller, as far as the model needs one: it hands out MSI addresses
// and data (x86 style: address 0xFEE0_0000 | destination APIC ID << 12, data = the vector in
// bits 7:0; vectors 0x20-0xEF per destination, the rest reserved as on x86), and decodes each
// message the device sends into the handler that owns it. A message nobody owns, or one from
// a function other than the owner (what interrupt remapping would block), is counted and
// dropped. Plain C++; the endpoint calls `message` at the time the write reached the host.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/core/interrupt_sink.h"

namespace iovsim {

class MetricsRegistry;

class InterruptController final : public MsiTarget {
public:
  struct Vector {
    std::uint64_t addr = 0;
    std::uint32_t data = 0;
  };
  // A host vector owned by function `fn`: `handler(arrival)` runs when its message lands.
  Vector allocate(unsigned fn, std::function<void(ps_t)> handler);
  void message(std::uint64_t addr, std::uint32_t data, unsigned fn, ps_t at) override;

  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t unclaimed() const { return unclaimed_; }
  std::uint64_t blocked() const { return blocked_; }
  unsigned allocated() const { return static_cast<unsigned>(slots_.size()); }
  void publish(MetricsRegistry& m) const;

  static constexpr std::uint64_t kMsiBase = 0xFEE00000;
  static constexpr unsigned kFirstVector = 0x20, kLastVector = 0xEF;

private:
  struct Slot {
    unsigned fn;
    std::function<void(ps_t)> handler;
  };
  std::vector<Slot> slots_;  // index: destination * kPerDestination + vector - kFirstVector
  std::uint64_t delivered_ = 0, unclaimed_ = 0, blocked_ = 0;
};

}  // namespace iovsim
