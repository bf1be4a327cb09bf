// A 48-bit Ethernet MAC address, byte 0 (the first on the wire, holding the I/G bit) in bits
// 7:0 of the value: the layout of RAL/RAH and of hls::RarEntry. One parser for the whole
// project: six groups of one or two hex digits separated by ':' ("02:1b:21:00:00:05").
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iovsim {

class MacAddress {
public:
  constexpr MacAddress() = default;
  constexpr explicit MacAddress(std::uint64_t value) : v_(value & 0xFFFFFFFFFFFFull) {}
  static constexpr MacAddress from_bytes(const std::array<std::uint8_t, 6>& b) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < 6; ++i) v |= std::uint64_t{b[i]} << (8 * i);
    return MacAddress(v);
  }
  static constexpr MacAddress broadcast() { return MacAddress(0xFFFFFFFFFFFFull); }
  // nullopt unless `text` is exactly six ':'-separated groups of 1-2 hex digits.
  static std::optional<MacAddress> parse(std::string_view text);
  std::string str() const;  // lower-case, two digits per byte

  constexpr std::uint64_t value() const { return v_; }
  constexpr bool is_multicast() const { return v_ & 1u; }  // I/G bit; broadcast included
  constexpr bool is_broadcast() const { return v_ == 0xFFFFFFFFFFFFull; }
  constexpr bool operator==(const MacAddress& o) const { return v_ == o.v_; }
  constexpr bool operator!=(const MacAddress& o) const { return v_ != o.v_; }

private:
  std::uint64_t v_ = 0;
};

}  // namespace iovsim
