// The device's DMA writes into guest memory: the same bytes as std::memcpy, stored so that a
// long frame does not first read the lines it is about to overwrite.
//
// A received frame's buffer lies in the guests' memory, tens of megabytes with many VFs: its
// lines are in no cache when the frame arrives, and an ordinary store reads each line in (a
// request for ownership) before it writes it, a line's worth of memory traffic for nothing and
// a store buffer that fills behind the misses. The middle of a long copy is stored
// non-temporally instead (SSE2 streaming stores: whole 64-byte lines written, none read). The
// first line and the lines from `keep_tail` bytes before the end are stored as usual: the
// driver reads the frame's destination address and its last bytes (the origin stamp, model/core/
// frame_stamp.h) soon after, and those stay in the cache. Only the host's speed changes: the
// guest sees the same bytes, and the simulation the same times.
#pragma once
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace iovsim {

// Copies shorter than this many bytes (or whose streamed middle would be shorter than 256) are
// a plain memcpy.
inline constexpr unsigned kGuestStreamMin = 512;

inline void guest_store(std::uint8_t* dst, const std::uint8_t* src, unsigned len, unsigned keep_tail = 16) {
#if defined(__SSE2__)
  if (len >= kGuestStreamMin && keep_tail < len) {
    const auto d = reinterpret_cast<std::uintptr_t>(dst);
    const std::uintptr_t from = (d + 64 + 63) & ~std::uintptr_t{63};           // past the first full line
    const std::uintptr_t to = (d + len - keep_tail) & ~std::uintptr_t{63};      // the tail's first line
    if (to >= from + 256) {
      const unsigned head = static_cast<unsigned>(from - d), mid = static_cast<unsigned>(to - from);
      std::memcpy(dst, src, head);
      auto* o = reinterpret_cast<__m128i*>(dst + head);
      const std::uint8_t* s = src + head;
      for (unsigned i = 0; i < mid / 16; i += 4, s += 64) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16));
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 32));
        const __m128i e = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 48));
        _mm_stream_si128(o + i, a);
        _mm_stream_si128(o + i + 1, b);
        _mm_stream_si128(o + i + 2, c);
        _mm_stream_si128(o + i + 3, e);
      }
      std::memcpy(dst + head + mid, src + head + mid, len - head - mid);
      return;
    }
  }
#endif
  std::memcpy(dst, src, len);
}

}  // namespace iovsim
