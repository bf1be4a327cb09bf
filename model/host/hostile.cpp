#include "model/host/hostile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/host/mailbox_protocol.h"
#include "model/regs/mailbox.h"

namespace iovsim {

HostileGuest::HostileGuest(const HostileCfg& cfg, std::uint64_t seed, HostileTarget t,
                           regs::RegAccess bar,
                           std::function<std::uint32_t(std::uint64_t, bool, std::uint32_t)> mmio_abs,
                           std::function<std::uint8_t*(std::uint64_t, std::uint64_t)> mem, VfMailbox& mbx)
    : t_(std::move(t)), bar_(std::move(bar)), mmio_abs_(std::move(mmio_abs)), mem_(std::move(mem)),
      mbx_(mbx), rng_(seed),
      pick_({cfg.mmio, cfg.rings, cfg.descriptors, cfg.mailbox, cfg.theft}) {}

std::uint32_t HostileGuest::word() {
  switch (rng_() % 8) {
    case 0: return 0;
    case 1: return 0xFFFFFFFFu;
    case 2: return static_cast<std::uint32_t>(rng_() % 64);                    // small counts, indices
    case 3: return static_cast<std::uint32_t>((rng_() % 64) * 128);            // ring-length-like
    case 4: return 1u << (rng_() % 32);                                       // one bit
    case 5: return static_cast<std::uint32_t>(rng_() % 4096) * 16;            // descriptor-aligned
    default: return static_cast<std::uint32_t>(rng_());
  }
}

std::uint64_t HostileGuest::address() {
  const std::uint64_t end = t_.mem_base + t_.mem_bytes;
  switch (rng_() % 6) {
    case 0: return t_.mem_base + rng_() % t_.mem_bytes;        // its own memory
    case 1: return end - 1 - rng_() % 64;                      // straddling its end
    case 2: return end + rng_() % (1ull << 24);                // just past it (a neighbour's HPA)
    case 3: return t_.mem_base ? t_.mem_base - 1 - rng_() % t_.mem_base : 0;  // below it
    case 4: return rng_() % (1ull << 32);                      // anywhere below 4 GB
    default: return rng_();                                    // anywhere at all
  }
}

void HostileGuest::run(std::uint64_t ops) {
  for (std::uint64_t i = 0; i < ops; ++i) {
    switch (pick_(rng_)) {
      case 0: mmio_op(); break;
      case 1: ring_op(); break;
      case 2: descriptor_op(); break;
      case 3: mailbox_op(); break;
      default: theft_op(); break;
    }
    ++stats_.ops;
  }
}

void HostileGuest::mmio_op() {
  ++stats_.mmio;
  if (t_.msix_bytes && rng_() % 8 == 0) {  // its MSI-X table and PBA: addresses, data, masks
    const std::uint64_t a = t_.msix_bar + (rng_() % t_.msix_bytes & ~3ull);
    mmio_abs_(a, rng_() & 1, word());
    return;
  }
  const std::uint32_t off = static_cast<std::uint32_t>(rng_() % t_.bar0_bytes) & ~3u;
  if (rng_() & 1)
    bar_.write32(off, word());
  else
    (void)bar_.read32(off);
}

void HostileGuest::ring_op() {
  ++stats_.rings;
  if (t_.ring_regs.empty()) return;
  const std::uint32_t reg = t_.ring_regs[rng_() % t_.ring_regs.size()];
  bar_.write32(reg, word());
}

void HostileGuest::descriptor_op() {
  ++stats_.descriptors;
  if (t_.rings.empty()) return;
  const HostileTarget::RingAt& r = t_.rings[rng_() % t_.rings.size()];
  const unsigned n = 1 + static_cast<unsigned>(rng_() % 8);
  const unsigned first = static_cast<unsigned>(rng_() % r.entries);
  for (unsigned k = 0; k < n; ++k) {
    std::uint8_t* d = mem_(r.base + 16ull * ((first + k) % r.entries), 16);
    if (!d) return;
    std::uint64_t lo = address(), hi;
    if (r.tx)  // advanced data descriptor: any length, any command (EOP or not), any type
      hi = (rng_() & 0xFFFF) | (static_cast<std::uint64_t>(rng_()) & 0xFFFF0000ull) |
           (static_cast<std::uint64_t>(rng_() % 0x40000) << 46);
    else
      hi = rng_() % 2 ? address() : 0;  // header buffer address
    if (rng_() % 4 == 0) lo = rng_(), hi = rng_();  // or sixteen random bytes
    std::memcpy(d, &lo, 8);
    std::memcpy(d + 8, &hi, 8);
  }
  bar_.write32(r.tail_reg, rng_() % 4 == 0 ? word() : (first + n) % r.entries);
}

void HostileGuest::mailbox_op() {
  ++stats_.mailbox;
  std::uint32_t w[regs::mbx::WORDS];
  const unsigned n = 1 + static_cast<unsigned>(rng_() % regs::mbx::WORDS);
  for (unsigned i = 0; i < n; ++i) w[i] = rng_() % 2 ? static_cast<std::uint32_t>(rng_()) : word();
  if (rng_() % 2) w[0] = (w[0] & ~0xFFu) | static_cast<std::uint32_t>(rng_() % 16);  // a known message type, garbage flags
  // A flood: several messages back to back without waiting for the PF's ACK.
  const unsigned burst = rng_() % 4 == 0 ? 8 : 1;
  for (unsigned b = 0; b < burst; ++b) (void)mbx_.post(w, n);
}

void HostileGuest::theft_op() {
  ++stats_.theft;
  std::uint32_t w[regs::mbx::WORDS];
  unsigned n = 0;
  switch (rng_() % 3) {
    case 0:
      if (t_.neighbour_macs.empty()) return;
      n = VfMailbox::build_set_mac(w, t_.neighbour_macs[rng_() % t_.neighbour_macs.size()]);
      break;
    case 1:
      n = VfMailbox::build_set_vlan(w, static_cast<std::uint16_t>(rng_() % 4096), rng_() % 4 != 0);
      break;
    default: {
      std::uint64_t groups[30];
      const unsigned k = 1 + static_cast<unsigned>(rng_() % 30);
      for (unsigned i = 0; i < k; ++i) groups[i] = (rng_() & 0xFFFFFFFFFF00ull) | 0x01;  // multicast bit
      n = VfMailbox::build_set_multicast(w, groups, k);
    }
  }
  (void)mbx_.post(w, n);
}

}  // namespace iovsim
