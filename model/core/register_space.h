// Memory-mapped registers of one PCIe function's BAR (or of its config space). Blocks register
// their registers by name, offset and array stride at elaboration, with read and write
// callbacks; an access to an offset nobody registered answers an address error and is counted,
// never crashes. Lookups hash the offset; the data path does not use this (drivers touch
// registers per batch, not per frame).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace iovsim {

// A bit field [Hi:Lo] of a 32-bit register: `using VT_CTL_DEF_PL = Field<9, 7>;`.
template <unsigned Hi, unsigned Lo>
struct Field {
  static_assert(Hi >= Lo && Hi < 32, "bad field");
  static constexpr std::uint32_t kWidthMask =
      (Hi - Lo == 31) ? 0xFFFFFFFFu : ((1u << (Hi - Lo + 1)) - 1u);
  static constexpr std::uint32_t kMask = kWidthMask << Lo;
  static constexpr std::uint32_t get(std::uint32_t reg) { return (reg >> Lo) & kWidthMask; }
  static constexpr std::uint32_t set(std::uint32_t reg, std::uint32_t v) {
    return (reg & ~kMask) | ((v & kWidthMask) << Lo);
  }
};
template <unsigned B>
using Bit = Field<B, B>;

class RegisterSpace {
public:
  using ReadFn = std::function<std::uint32_t(unsigned index)>;
  using WriteFn = std::function<void(unsigned index, std::uint32_t value)>;

  explicit RegisterSpace(std::string name = {}) : name_(std::move(name)) {}

  // `count` registers at offset, offset+stride, ...; the callbacks get the array index.
  // A null write callback makes the register read-only (writes are ignored and counted).
  void add(const std::string& name, std::uint32_t offset, unsigned count, std::uint32_t stride,
           ReadFn read, WriteFn write);
  // A plain storage register array with an optional hook run after each write.
  std::uint32_t* add_storage(const std::string& name, std::uint32_t offset, unsigned count,
                             std::uint32_t stride, std::uint32_t reset = 0,
                             std::function<void(unsigned, std::uint32_t)> on_write = {});

  bool read(std::uint32_t offset, std::uint32_t& value);
  bool write(std::uint32_t offset, std::uint32_t value);
  std::string describe(std::uint32_t offset) const;  // "RAH[3]" or "0x5A04 (unmapped)"

  std::uint64_t unmapped_accesses() const { return unmapped_; }
  std::uint64_t read_only_writes() const { return read_only_writes_; }
  const std::string& name() const { return name_; }

private:
  struct Entry {
    std::string name;
    ReadFn read;
    WriteFn write;
  };
  struct Slot {
    std::uint32_t entry;
    std::uint32_t index;
  };
  std::string name_;
  std::vector<Entry> entries_;
  std::unordered_map<std::uint32_t, Slot> slots_;
  std::vector<std::vector<std::uint32_t>> storage_;
  std::uint64_t unmapped_ = 0, read_only_writes_ = 0;
};

}  // namespace iovsim
