// PCIe link timing: how long TLPs occupy each direction of the link. Generation and width give
// the byte rate after line coding (8b/10b for Gen1/2, 128b/130b from Gen3); each TLP adds its
// header (16 bytes for 64-bit-address requests, 12 for completions) and 8 bytes of framing,
// sequence number and LCRC. Writes split at Max Payload Size, reads at Max Read Request Size,
// completions at MPS. DLLPs (ACK, flow control) and credit stalls are not modelled: the link
// never stalls for credits (docs/fidelity.md). Each direction is a Timeline, so bookings made
// ahead by one port do not hold back earlier transfers of the other.
#pragma once
#include <cstdint>

#include "model/core/time.h"
#include "model/core/timeline.h"

namespace iovsim {

struct PcieLinkParams {
  unsigned gen = 2, lanes = 4;
  unsigned max_payload = 256, max_read_request = 512;
  ps_t read_latency = 400 * kPsPerNs;
  ps_t mmio_latency = 200 * kPsPerNs;
};

class PcieLinkTiming {
public:
  static constexpr unsigned kFramingBytes = 8;
  static constexpr unsigned kRequestHeader = 16;
  static constexpr unsigned kCompletionHeader = 12;

  explicit PcieLinkTiming(const PcieLinkParams& p);
  double bytes_per_second() const { return bytes_per_s_; }  // one direction
  ps_t wire_ps(std::uint64_t bytes) const;
  std::uint64_t write_wire_bytes(std::uint64_t payload) const;       // upstream
  std::uint64_t read_request_wire_bytes(std::uint64_t payload) const; // upstream
  std::uint64_t completion_wire_bytes(std::uint64_t payload) const;  // downstream

  // Device-to-host posted write of `bytes`, ready at `t`: returns when the last TLP is on the
  // host side. Occupies the upstream direction.
  ps_t dma_write(ps_t t, std::uint64_t bytes);
  // Device read of host memory: requests upstream, memory latency, completions downstream.
  ps_t dma_read(ps_t t, std::uint64_t bytes);
  // CPU register access from the host: a posted write, or a read and its completion.
  ps_t mmio_write(ps_t t, std::uint64_t bytes);
  ps_t mmio_read(ps_t t, std::uint64_t bytes);

  std::uint64_t upstream_bytes() const { return up_bytes_; }
  std::uint64_t downstream_bytes() const { return down_bytes_; }
  ps_t upstream_busy_ps() const { return up_.busy_total(); }
  ps_t downstream_busy_ps() const { return down_.busy_total(); }

private:
  ps_t occupy(Timeline& dir, std::uint64_t& counter, ps_t t, std::uint64_t wire_bytes);
  PcieLinkParams p_;
  double bytes_per_s_, ps_per_byte_;
  Timeline up_, down_;  // each direction's bookings; requests may arrive out of order
  std::uint64_t up_bytes_ = 0, down_bytes_ = 0;
};

}  // namespace iovsim
