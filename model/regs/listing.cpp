#include "model/regs/listing.h"

#include <fmt/format.h>

#include <algorithm>

namespace iovsim::regs {

namespace {

std::string hex(std::uint32_t v) { return v < 16 ? fmt::format("{}", v) : fmt::format("{:#x}", v); }

std::string offsets(const RegInfo& r) {
  if (r.count == 1) return fmt::format("{:#07x}", r.offset);
  if (!r.split) return fmt::format("{:#07x} + {}n", r.offset, hex(r.stride));
  return fmt::format("{:#07x} + {}n (n < {}), {:#07x} + {}(n - {})", r.offset, hex(r.stride),
                     r.split, r.offset2, hex(r.stride), r.split);
}

std::string elements(const RegInfo& r) { return fmt::format("{}", r.count); }

std::string bits(const FieldInfo& f) {
  return f.hi == f.lo ? fmt::format("{}", f.lo) : fmt::format("{}:{}", f.hi, f.lo);
}

}  // namespace

std::string list_registers(const RegisterSpace& rs, ListingFormat format) {
  std::vector<unsigned> order(rs.entries().size());
  for (unsigned i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](unsigned a, unsigned b) {
    return rs.entries()[a].decl.info.offset < rs.entries()[b].decl.info.offset;
  });
  std::string out;
  if (format == ListingFormat::Markdown)
    out += "| offset | register | count | reset | access | fields | description |\n"
           "|---|---|---|---|---|---|---|\n";
  else
    out += fmt::format("{:<44} {:<12} {:>5} {:<10} {:<4} {}\n", "offset", "register", "count",
                       "reset", "acc.", "description");
  for (unsigned i : order) {
    const RegisterSpace::Entry& e = rs.entries()[i];
    const RegInfo& r = e.decl.info;
    std::string text = r.text;
    if (e.alias_of >= 0) {
      const RegInfo& p = rs.entries()[static_cast<unsigned>(e.alias_of)].decl.info;
      text = fmt::format("alias of {}{}", p.name,
                         r.count == 1 ? std::string() : fmt::format("[0..{}]", r.count - 1));
    }
    const std::string access = access_name(r.access);
    const std::string reset = fmt::format("{:#010x}", r.reset);
    if (format == ListingFormat::Markdown) {
      std::string fields;
      for (unsigned f = 0; f < e.decl.nfields; ++f) {
        const FieldInfo& fi = e.decl.fields[f];
        fields += fmt::format("{}{} {}{}", fields.empty() ? "" : "; ", fi.name, bits(fi),
                              fi.access == Access::Reg ? "" : fmt::format(" ({})", access_name(fi.access)));
      }
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", offsets(r), r.name, elements(r),
                         reset, access, fields.empty() ? "-" : fields, text);
    } else {
      out += fmt::format("{:<44} {:<12} {:>5} {:<10} {:<4} {}\n", offsets(r), r.name, elements(r),
                         reset, access, text);
      if (e.alias_of < 0)
        for (unsigned f = 0; f < e.decl.nfields; ++f) {
          const FieldInfo& fi = e.decl.fields[f];
          out += fmt::format("{:>50} {:<12} {:<4} {}\n", bits(fi), fi.name,
                             fi.access == Access::Reg ? "" : access_name(fi.access), fi.doc);
        }
    }
  }
  return out;
}

}  // namespace iovsim::regs
