// Receive-side scaling inside a pool: Toeplitz hash over the Microsoft RSS input and the
// 128-entry redirection table (RETA) lookup.
//
// Models the hash and queue-index functions only; which header fields are hashed for a given
// packet type (MRQC field-enable bits, IPv6 extension headers, fragments) is decided by the
// caller, which fills FlowTuple. HLS subset: bounded loops (input <= 36 bytes), no heap, no I/O.
#pragma once

#include <cstdint>

#include "hls/sorter/sorter_core.h"

namespace iovsim::hls {

constexpr unsigned kRssKeyBytes = 40;
constexpr unsigned kMaxRssInput = 36;  // IPv6 addresses + TCP/UDP ports

// Toeplitz hash (Microsoft "RSS hashing functions"): for every input bit from the MSB of
// input[0], XOR the left-most 32 bits of the key into the result when the bit is 1, then shift
// the key left by one. Bytes beyond kMaxRssInput are ignored (len is clamped).
uint32_t toeplitz_hash(const uint8_t key[40], const uint8_t* input, unsigned len);

struct FlowTuple {
  bool ipv6;
  bool has_l4;  // hash the ports too (TCP/UDP hash types)
  uint8_t src_ip[16], dst_ip[16];  // network byte order; IPv4 uses bytes 0-3
  uint16_t src_port, dst_port;     // host values, serialised big-endian
};

// Builds the Microsoft input: source address, destination address, source port, destination
// port, all in network order (12 or 8 bytes for IPv4, 36 or 32 for IPv6), then hashes it.
uint32_t rss_hash(const uint8_t key[40], const FlowTuple& f);

// Queue within the pool: RETA[hash & 0x7F] mod queues_per_pool (0 when queues_per_pool == 0).
unsigned rss_queue_in_pool(const uint8_t reta[kRetaEntries], uint32_t hash, unsigned queues_per_pool);

}  // namespace iovsim::hls
