#include "model/pcie/link_timing.h"

#include <algorithm>
#include <stdexcept>

namespace iovsim {

namespace {
// Per-lane payload rate in bytes/s after line coding.
double lane_bytes_per_s(unsigned gen) {
  switch (gen) {
    case 1: return 2.5e9 * 8 / 10 / 8;
    case 2: return 5.0e9 * 8 / 10 / 8;
    case 3: return 8.0e9 * 128 / 130 / 8;
    case 4: return 16.0e9 * 128 / 130 / 8;
    case 5: return 32.0e9 * 128 / 130 / 8;
    default: throw std::invalid_argument("PCIe generation must be 1..5");
  }
}
std::uint64_t tlps(std::uint64_t bytes, unsigned max) { return bytes ? (bytes + max - 1) / max : 1; }
}  // namespace

PcieLinkTiming::PcieLinkTiming(const PcieLinkParams& p)
    : p_(p), bytes_per_s_(lane_bytes_per_s(p.gen) * p.lanes), ps_per_byte_(1e12 / bytes_per_s_) {}

ps_t PcieLinkTiming::wire_ps(std::uint64_t bytes) const {
  return static_cast<ps_t>(static_cast<double>(bytes) * ps_per_byte_ + 0.5);
}

std::uint64_t PcieLinkTiming::write_wire_bytes(std::uint64_t payload) const {
  return payload + tlps(payload, p_.max_payload) * (kFramingBytes + kRequestHeader);
}
std::uint64_t PcieLinkTiming::read_request_wire_bytes(std::uint64_t payload) const {
  return tlps(payload, p_.max_read_request) * (kFramingBytes + kRequestHeader);
}
std::uint64_t PcieLinkTiming::completion_wire_bytes(std::uint64_t payload) const {
  return payload + tlps(payload, p_.max_payload) * (kFramingBytes + kCompletionHeader);
}

ps_t PcieLinkTiming::occupy(Timeline& dir, std::uint64_t& counter, ps_t t,
                            std::uint64_t wire_bytes) {
  counter += wire_bytes;
  return dir.reserve(t, wire_ps(wire_bytes));
}

ps_t PcieLinkTiming::dma_write(ps_t t, std::uint64_t bytes) {
  return occupy(up_, up_bytes_, t, write_wire_bytes(bytes));
}

ps_t PcieLinkTiming::dma_read(ps_t t, std::uint64_t bytes) {
  ps_t req = occupy(up_, up_bytes_, t, read_request_wire_bytes(bytes));
  return occupy(down_, down_bytes_, req + p_.read_latency,
                completion_wire_bytes(bytes));
}

ps_t PcieLinkTiming::mmio_write(ps_t t, std::uint64_t bytes) {
  return occupy(down_, down_bytes_, t, write_wire_bytes(bytes)) +
         p_.mmio_latency;
}

ps_t PcieLinkTiming::mmio_read(ps_t t, std::uint64_t bytes) {
  ps_t req = occupy(down_, down_bytes_, t, read_request_wire_bytes(bytes));
  return occupy(up_, up_bytes_, req + 2 * p_.mmio_latency,
                completion_wire_bytes(bytes));
}

}  // namespace iovsim
