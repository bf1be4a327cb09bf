// The origin stamp a frame's payload carries, as traffic generators put a timestamp in their
// packets (pktgen, MoonGen): the 8-byte time (ps) its source sent it and a 4-byte magic, in
// the last 12 bytes before the FCS, past any header the model builds (Ethernet, 802.1Q,
// IPv4, UDP: at most 46 bytes; a 64-byte frame has 60). The wire sources and the VMs'
// applications stamp their frames; a driver reads the stamp when it hands a frame up, for
// the software latency.
#pragma once
#include <cstdint>
#include <cstring>

#include "model/core/time.h"

namespace iovsim {

constexpr std::uint32_t kStampMagic = 0x73766F69;  // "iovs"
constexpr unsigned kStampBytes = 12, kStampEnd = 46 + kStampBytes;

// `data`/`len`: the frame without its FCS.
inline void write_stamp(std::uint8_t* data, unsigned len, ps_t t) {
  if (len < kStampEnd) return;
  std::memcpy(data + len - kStampBytes, &t, 8);
  std::memcpy(data + len - 4, &kStampMagic, 4);
}
inline bool read_stamp(const std::uint8_t* data, unsigned len, ps_t& t) {
  if (len < kStampEnd) return false;
  std::uint32_t m;
  std::memcpy(&m, data + len - 4, 4);
  if (m != kStampMagic) return false;
  std::memcpy(&t, data + len - kStampBytes, 8);
  return true;
}

}  // namespace iovsim
