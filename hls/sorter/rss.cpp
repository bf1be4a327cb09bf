// Toeplitz RSS hash and RETA lookup (see rss.h).
#include "hls/sorter/rss.h"

namespace iovsim::hls {

uint32_t toeplitz_hash(const uint8_t key[40], const uint8_t* input, unsigned len) {
  // 32-bit window onto the key, advanced one key bit per input bit. 36 input bytes consume
  // 288 key bits after the first 32, exactly the 320 bits of a 40-byte key.
  uint32_t window = (static_cast<uint32_t>(key[0]) << 24) | (static_cast<uint32_t>(key[1]) << 16) |
                    (static_cast<uint32_t>(key[2]) << 8) | static_cast<uint32_t>(key[3]);
  uint32_t result = 0;
  for (unsigned i = 0; i < kMaxRssInput; ++i) {
    if (i < len) {
      const uint8_t byte = input[i];
      const uint8_t next_key = (i + 4 < kRssKeyBytes) ? key[i + 4] : 0;
      for (unsigned b = 0; b < 8; ++b) {
        if (((byte >> (7 - b)) & 1u) != 0) result ^= window;
        window = (window << 1) | ((next_key >> (7 - b)) & 1u);
      }
    }
  }
  return result;
}

uint32_t rss_hash(const uint8_t key[40], const FlowTuple& f) {
  uint8_t in[kMaxRssInput] = {};
  const unsigned addr_len = f.ipv6 ? 16u : 4u;
  for (unsigned i = 0; i < 16; ++i) {
    if (i < addr_len) {
      in[i] = f.src_ip[i];
      in[addr_len + i] = f.dst_ip[i];
    }
  }
  unsigned len = 2 * addr_len;
  if (f.has_l4) {
    in[len + 0] = static_cast<uint8_t>(f.src_port >> 8);
    in[len + 1] = static_cast<uint8_t>(f.src_port & 0xFF);
    in[len + 2] = static_cast<uint8_t>(f.dst_port >> 8);
    in[len + 3] = static_cast<uint8_t>(f.dst_port & 0xFF);
    len += 4;
  }
  return toeplitz_hash(key, in, len);
}

unsigned rss_queue_in_pool(const uint8_t reta[kRetaEntries], uint32_t hash, unsigned queues_per_pool) {
  if (queues_per_pool == 0) return 0;
  return reta[hash & 0x7Fu] % queues_per_pool;
}

}  // namespace iovsim::hls
