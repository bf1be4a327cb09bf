#include "model/core/mac_address.h"

#include <fmt/format.h>

namespace iovsim {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  std::uint64_t v = 0;
  std::size_t i = 0;
  for (unsigned byte = 0; byte < 6; ++byte) {
    if (byte > 0) {
      if (i >= text.size() || text[i] != ':') return std::nullopt;
      ++i;
    }
    unsigned value = 0, digits = 0;
    while (i < text.size() && digits < 2 && hex_digit(text[i]) >= 0) {
      value = value * 16 + static_cast<unsigned>(hex_digit(text[i]));
      ++i, ++digits;
    }
    if (digits == 0) return std::nullopt;
    v |= std::uint64_t{value} << (8 * byte);
  }
  if (i != text.size()) return std::nullopt;
  return MacAddress(v);
}

std::string MacAddress::str() const {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", v_ & 0xFF, v_ >> 8 & 0xFF,
                     v_ >> 16 & 0xFF, v_ >> 24 & 0xFF, v_ >> 32 & 0xFF, v_ >> 40 & 0xFF);
}

}  // namespace iovsim
