#include "model/regs/register_space.h"

#include <fmt/format.h>

#include <stdexcept>

namespace iovsim::regs {

const char* access_name(Access a) {
  switch (a) {
    case Access::RW: return "RW";
    case Access::RO: return "RO";
    case Access::WO: return "WO";
    case Access::W1C: return "W1C";
    case Access::RC: return "RC";
    case Access::Reg: return "";
  }
  return "?";
}

unsigned RegisterSpace::insert(Entry e) {
  const auto id = static_cast<unsigned>(entries_.size());
  entries_.push_back(std::move(e));
  map_offsets(id, entries_.back().decl.info);
  return id;
}

void RegisterSpace::map_offsets(unsigned entry, const RegInfo& where) {
  for (unsigned i = 0; i < where.count; ++i) {
    const std::uint32_t off = where.at(i);
    if (off % 4)
      throw std::logic_error(fmt::format("{}: register {} at {:#x} is not 32-bit aligned", name_,
                                         where.name, off));
    if (find(off))
      throw std::logic_error(fmt::format("{}: register {} at {:#x} overlaps {}", name_,
                                         where.name, off, describe(off)));
    const std::size_t page = off >> kPageShift;
    if (page >= pages_.size()) pages_.resize(page + 1);
    if (!pages_[page]) pages_[page] = std::make_unique<Slot[]>(kPageSlots);
    pages_[page][(off >> 2) & (kPageSlots - 1)] = Slot{entry, i};
  }
}

RegisterSpace::Handle RegisterSpace::add(const RegDecl& d, ReadFn read, WriteFn write) {
  return Handle(this, insert(Entry{d.info.access, -1, nullptr, nullptr, std::move(write), std::move(read), d}));
}

RegisterSpace::Handle RegisterSpace::add_storage(const RegDecl& d, StoreFn on_write) {
  storage_.push_back(std::make_unique<std::uint32_t[]>(d.info.count));
  std::uint32_t* regs = storage_.back().get();
  for (unsigned i = 0; i < d.info.count; ++i) regs[i] = d.info.reset;
  return Handle(this, insert(Entry{d.info.access, -1, regs, std::move(on_write), nullptr, nullptr, d}));
}

void RegisterSpace::add_alias(const RegInfo& where, Handle h) {
  const Entry& p = entries_[h.id()];
  if (where.count > p.decl.info.count)
    throw std::logic_error(fmt::format("{}: alias {} has {} elements, {} only {}", name_,
                                       where.name, where.count, p.decl.info.name,
                                       p.decl.info.count));
  Entry e{p.access, static_cast<int>(h.id()), p.storage, p.store, p.write, p.read, p.decl.with(where)};
  const auto id = static_cast<unsigned>(entries_.size());
  entries_.push_back(std::move(e));
  map_offsets(id, where);
}

void RegisterSpace::tap_writes(std::size_t first, TapFn tap) {
  for (std::size_t id = first; id < entries_.size(); ++id) {
    Entry& e = entries_[id];
    if (!e.storage) continue;
    e.store = [tap, info = e.decl.info, inner = std::move(e.store)](unsigned i, std::uint32_t& v) {
      tap(info.at(i), v);
      if (inner) inner(i, v);
    };
  }
}

bool RegisterSpace::read(std::uint32_t offset, std::uint32_t& value) {
  const Slot* slot = find(offset);
  if (!slot) {
    ++unmapped_;
    value = 0;
    return false;
  }
  Entry& e = entries_[slot->entry];
  const unsigned i = slot->index;
  const Access a = e.access;
  if (a == Access::WO) {
    value = 0;
  } else if (e.storage) {
    value = e.storage[i];
    if (a == Access::RC) e.storage[i] = 0;
  } else {
    value = e.read ? e.read(i) : 0;
  }
  return true;
}

bool RegisterSpace::write(std::uint32_t offset, std::uint32_t value) {
  const Slot* slot = find(offset);
  if (!slot) {
    ++unmapped_;
    return false;
  }
  Entry& e = entries_[slot->entry];
  const unsigned i = slot->index;
  const Access a = e.access;
  if (a == Access::RO || a == Access::RC || (!e.storage && !e.write)) {
    ++read_only_writes_;
    return true;
  }
  if (e.storage) {
    e.storage[i] = a == Access::W1C ? e.storage[i] & ~value : value;
    if (e.store) e.store(i, e.storage[i]);
  } else {
    e.write(i, value);
  }
  return true;
}

bool RegisterSpace::add_store_hook(std::uint32_t offset, StoreFn hook) {
  const Slot* slot = find(offset);
  if (!slot) return false;
  const int alias = entries_[slot->entry].alias_of;
  const unsigned primary = alias >= 0 ? static_cast<unsigned>(alias) : slot->entry;
  if (!entries_[primary].storage) return false;
  // The primary and each of its aliases keep their own copy of the hooks: wrap them all.
  for (unsigned id = 0; id < entries_.size(); ++id) {
    Entry& e = entries_[id];
    if (id != primary && e.alias_of != static_cast<int>(primary)) continue;
    e.store = [first = std::move(e.store), hook](unsigned i, std::uint32_t& v) {
      if (first) first(i, v);
      hook(i, v);
    };
  }
  return true;
}

std::string RegisterSpace::describe(std::uint32_t offset) const {
  const Slot* slot = find(offset);
  if (!slot) return fmt::format("{:#06x} (unmapped)", offset);
  const Entry& e = entries_[slot->entry];
  return fmt::format("{}[{}]", e.decl.info.name, slot->index);
}

}  // namespace iovsim::regs
