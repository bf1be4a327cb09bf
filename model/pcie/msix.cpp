#include "model/pcie/msix.h"

#include "model/regs/register.h"

#include <fmt/format.h>

namespace iovsim {

MsixTable::MsixTable(unsigned vectors)
    : entries_(vectors), pba_((vectors + 63) / 64), per_vector_(vectors) {}

bool MsixTable::masked(unsigned v) const {
  return !enabled_ || function_masked_ || (entries_[v].ctrl & 1);
}

void MsixTable::observe(ProbeRecorder& r, const std::string& prefix) {
  probes_.resize(vectors());
  for (unsigned v = 0; v < vectors(); ++v) {
    const std::string n = fmt::format("{}.msix{}.", prefix, v);
    probes_[v].pending = r.declare(n + "pending", 1, ProbeKind::level, "the vector's pending bit (PBA)");
    probes_[v].masked = r.declare(n + "masked", 1, ProbeKind::level,
                                  "the vector is masked (its mask bit, Function Mask, or MSI-X disabled)");
    probes_[v].messages = r.declare(n + "messages", 32, ProbeKind::delta, "messages the vector sent (cumulative)");
  }
  show_masks(0);
}

void MsixTable::show_masks(ps_t t) const {
  for (unsigned v = 0; v < probes_.size(); ++v) probes_[v].masked.set(t, masked(v));
}

void MsixTable::signal(unsigned v, ps_t at) {
  if (v >= entries_.size()) return;
  if (masked(v)) {
    pba_[v / 64] |= std::uint64_t{1} << (v % 64);
    ++stats_.pended;
    if (!probes_.empty()) probes_[v].pending.set(at, 1);
    return;
  }
  const Entry& e = entries_[v];
  ++stats_.sent;
  ++per_vector_[v];
  if (!probes_.empty()) probes_[v].messages.add(at, 1);
  if (send) send(v, std::uint64_t{e.addr_hi} << 32 | e.addr_lo, e.data, at);
}

void MsixTable::release(unsigned v, ps_t now) {
  if (!pending(v) || masked(v)) return;
  pba_[v / 64] &= ~(std::uint64_t{1} << (v % 64));
  ++stats_.released;
  if (!probes_.empty()) probes_[v].pending.set(now, 0);
  signal(v, now);
}

void MsixTable::set_control(bool enabled, bool function_masked, ps_t now) {
  enabled_ = enabled;
  function_masked_ = function_masked;
  show_masks(now);
  for (unsigned v = 0; v < entries_.size(); ++v) release(v, now);
}

void MsixTable::map_registers(regs::RegisterSpace& rs) {
  const unsigned n = vectors();
  rs.add(regs::reg("MSIX_TABLE", 0x0000).array(4 * n, 4).doc(
             "MSI-X table: entry n at 16n: address low, address high, data, vector control (bit 0 mask)"),
         [this](unsigned i) {
           const Entry& e = entries_[i / 4];
           switch (i % 4) {
             case 0: return e.addr_lo;
             case 1: return e.addr_hi;
             case 2: return e.data;
             default: return e.ctrl;
           }
         },
         [this](unsigned i, std::uint32_t v) {
           Entry& e = entries_[i / 4];
           switch (i % 4) {
             case 0: e.addr_lo = v & ~3u; break;  // DWORD aligned
             case 1: e.addr_hi = v; break;
             case 2: e.data = v; break;
             default:
               e.ctrl = v & 1;
               if (!probes_.empty()) probes_[i / 4].masked.set(access_time(), masked(i / 4));
               release(i / 4, access_time());  // unmasked: a pending message goes now
           }
         });
  rs.add(regs::reg("MSIX_PBA", 0x2000).array(2 * static_cast<unsigned>(pba_.size()), 4).doc(
             "MSI-X pending bits, one per vector (read-only)"),
         [this](unsigned i) { return static_cast<std::uint32_t>(pba_[i / 2] >> (32 * (i % 2))); },
         [this](unsigned, std::uint32_t) { ++stats_.ignored_writes; });
}

}  // namespace iovsim
