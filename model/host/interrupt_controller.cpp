#include "model/host/interrupt_controller.h"

#include "model/core/metrics_registry.h"

namespace iovsim {

namespace {
constexpr unsigned kPerDestination = InterruptController::kLastVector - InterruptController::kFirstVector + 1;
}

InterruptController::Vector InterruptController::allocate(unsigned fn, std::function<void(ps_t)> handler) {
  const auto i = static_cast<unsigned>(slots_.size());
  slots_.push_back({fn, std::move(handler)});
  const unsigned dest = i / kPerDestination, vec = kFirstVector + i % kPerDestination;
  return {kMsiBase | std::uint64_t{dest} << 12, vec};
}

void InterruptController::message(std::uint64_t addr, std::uint32_t data, unsigned fn, ps_t at) {
  const unsigned vec = data & 0xFF, dest = (addr >> 12) & 0xFF;
  if ((addr & ~0xFF000ull) != kMsiBase || vec < kFirstVector || vec > kLastVector) {
    ++unclaimed_;  // not an interrupt address or a reserved vector: a misprogrammed table
    return;
  }
  const unsigned i = dest * kPerDestination + vec - kFirstVector;
  if (i >= slots_.size()) {
    ++unclaimed_;
    return;
  }
  if (slots_[i].fn != fn) {  // another function's vector: remapping blocks it
    ++blocked_;
    return;
  }
  ++delivered_;
  slots_[i].handler(at);
}

void InterruptController::publish(MetricsRegistry& m) const {
  m.counter("/host/interrupts/delivered", delivered_, Unit::Events, "MSI-X messages delivered to a handler");
  m.counter("/host/interrupts/unclaimed", unclaimed_, Unit::Events,
            "messages to an address or vector no handler owns (a misprogrammed MSI-X table)");
  m.counter("/host/interrupts/blocked", blocked_, Unit::Events,
            "messages from a function that does not own the vector (interrupt remapping)");
  m.value("/host/interrupts/vectors_allocated", [this] { return allocated(); }, Unit::Count,
          "host vectors the drivers allocated");
}

}  // namespace iovsim
