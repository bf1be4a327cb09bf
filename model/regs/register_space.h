// The memory-mapped registers of one PCIe function's BAR (or any register file), filled at
// elaboration from declarations (model/regs/register.h). Two kinds of entry:
//  - storage registers: values kept here, initialised to the declared reset value, with the
//    declared access policy applied by the space (RW stores, RO ignores and counts writes,
//    WO reads 0, W1C clears the bits written as 1, RC clears on read), then an optional hook;
//  - computed registers: the block's read and write callbacks are the register (VCML's idiom:
//    declaration from the map, behaviour attached by the block); RO still ignores and counts
//    writes and WO still reads 0, W1C and RC are the callbacks' to implement.
// Aliases answer at further offsets with the same entry. An access to an offset nobody
// declared answers an address error and is counted, never crashes. Lookups index a table of
// 4 KB pages of slots (one per 32-bit offset, pages allocated where registers are): drivers
// write a few registers per interrupt (tail, EIMS, EITR) and with many functions each space
// is cold when it is next written (rx64-63vf), so an access touches a slot, its entry's first
// line and the value, not a hash bucket, a node and a spread-out entry.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/regs/register.h"

namespace iovsim::regs {

class RegisterSpace {
public:
  using ReadFn = std::function<std::uint32_t(unsigned index)>;
  using WriteFn = std::function<void(unsigned index, std::uint32_t value)>;
  using StoreFn = std::function<void(unsigned index, std::uint32_t& stored)>;

  // What an access reads first (its policy, storage and hooks) in the first line.
  struct alignas(64) Entry {
    Access access;             // decl.info.access
    int alias_of;              // index of the primary entry, -1 for a primary
    std::uint32_t* storage;    // nullptr for computed registers
    StoreFn store;             // storage registers: the hook run after the store
    WriteFn write;             // computed registers
    ReadFn read;
    RegDecl decl;
  };
  // A registered entry; stays valid while the space lives.
  class Handle {
  public:
    Handle() = default;
    std::uint32_t* storage() const { return rs_->entries_[id_].storage; }
    unsigned id() const { return id_; }

  private:
    friend class RegisterSpace;
    Handle(RegisterSpace* rs, unsigned id) : rs_(rs), id_(id) {}
    RegisterSpace* rs_ = nullptr;
    unsigned id_ = 0;
  };

  explicit RegisterSpace(std::string name = {}) : name_(std::move(name)) {}
  RegisterSpace(RegisterSpace&&) = default;

  // A computed register (array): `read`/`write` get the element index. A null write makes
  // writes ignored and counted (as RO); a null read reads 0.
  Handle add(const RegDecl& d, ReadFn read, WriteFn write);
  // A storage register (array) with reset values and the access policy applied here, and a
  // hook run after each accepted write with the element index and the stored value, which the
  // hook may change (e.g. to drop bits the hardware does not keep).
  Handle add_storage(const RegDecl& d, StoreFn on_write = {});
  // A further hook on the storage register at `offset` (declared by another block), run after
  // its own, whichever of its offsets (aliases too) is written; false when no storage register
  // is there.
  bool add_store_hook(std::uint32_t offset, StoreFn hook);
  // Elements [0, where.count) of entry `h` also answer at `where`'s offsets.
  void add_alias(const RegInfo& where, Handle h);
  // Every accepted write to the storage registers declared from entry `first` on (a block's
  // `entries().size()` before it declared them) is also handed to `tap` with its offset and
  // the value as stored, before the register's own hook runs (an RTL twin of the block's
  // registers: model/sorter/sorter_rtl.h).
  using TapFn = std::function<void(std::uint32_t offset, std::uint32_t value)>;
  void tap_writes(std::size_t first, TapFn tap);

  bool read(std::uint32_t offset, std::uint32_t& value);
  bool write(std::uint32_t offset, std::uint32_t value);
  std::string describe(std::uint32_t offset) const;  // "RAH[3]" or "0x5a04 (unmapped)"
  bool mapped(std::uint32_t offset) const { return find(offset) != nullptr; }

  const std::vector<Entry>& entries() const { return entries_; }
  const std::uint64_t& unmapped_accesses() const { return unmapped_; }
  const std::uint64_t& read_only_writes() const { return read_only_writes_; }
  const std::string& name() const { return name_; }

private:
  struct Slot {
    static constexpr std::uint32_t kNone = ~0u;
    std::uint32_t entry = kNone;  // kNone: nothing at this offset
    std::uint32_t index = 0;
  };
  static constexpr unsigned kPageShift = 12, kPageSlots = 1u << (kPageShift - 2);
  const Slot* find(std::uint32_t offset) const {
    const std::size_t page = offset >> kPageShift;
    if (offset % 4 || page >= pages_.size() || !pages_[page]) return nullptr;
    const Slot* s = &pages_[page][(offset >> 2) & (kPageSlots - 1)];
    return s->entry == Slot::kNone ? nullptr : s;
  }
  unsigned insert(Entry e);
  void map_offsets(unsigned entry, const RegInfo& where);
  std::string name_;
  std::vector<Entry> entries_;
  std::vector<std::unique_ptr<Slot[]>> pages_;
  std::vector<std::unique_ptr<std::uint32_t[]>> storage_;
  std::uint64_t unmapped_ = 0, read_only_writes_ = 0;
};

}  // namespace iovsim::regs
