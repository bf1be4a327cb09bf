#include "model/core/register_space.h"

#include <fmt/format.h>

#include <stdexcept>

namespace iovsim {

void RegisterSpace::add(const std::string& name, std::uint32_t offset, unsigned count,
                        std::uint32_t stride, ReadFn read, WriteFn write) {
  auto e = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back({name, std::move(read), std::move(write)});
  for (unsigned i = 0; i < count; ++i) {
    std::uint32_t off = offset + i * stride;
    if (!slots_.emplace(off, Slot{e, i}).second)
      throw std::logic_error(fmt::format("{}: register {} at {:#x} overlaps {}", name_, name,
                                         off, describe(off)));
  }
}

std::uint32_t* RegisterSpace::add_storage(const std::string& name, std::uint32_t offset,
                                          unsigned count, std::uint32_t stride,
                                          std::uint32_t reset,
                                          std::function<void(unsigned, std::uint32_t)> on_write) {
  storage_.emplace_back(count, reset);
  std::uint32_t* regs = storage_.back().data();
  add(
      name, offset, count, stride, [regs](unsigned i) { return regs[i]; },
      [regs, hook = std::move(on_write)](unsigned i, std::uint32_t v) {
        regs[i] = v;
        if (hook) hook(i, v);
      });
  return regs;
}

bool RegisterSpace::read(std::uint32_t offset, std::uint32_t& value) {
  auto it = slots_.find(offset);
  if (it == slots_.end()) {
    ++unmapped_;
    value = 0;
    return false;
  }
  const Entry& e = entries_[it->second.entry];
  value = e.read ? e.read(it->second.index) : 0;
  return true;
}

bool RegisterSpace::write(std::uint32_t offset, std::uint32_t value) {
  auto it = slots_.find(offset);
  if (it == slots_.end()) {
    ++unmapped_;
    return false;
  }
  const Entry& e = entries_[it->second.entry];
  if (!e.write) {
    ++read_only_writes_;
    return true;
  }
  e.write(it->second.index, value);
  return true;
}

std::string RegisterSpace::describe(std::uint32_t offset) const {
  auto it = slots_.find(offset);
  if (it == slots_.end()) return fmt::format("{:#06x} (unmapped)", offset);
  const Entry& e = entries_[it->second.entry];
  return fmt::format("{}[{}]", e.name, it->second.index);
}

}  // namespace iovsim
