#include "model/dma/ring.h"

namespace iovsim {

using regs::RingReg;

void Ring::ring_doorbell(std::uint32_t new_tail, ps_t at) {
  if (db_count == kDoorbells) {  // merge the two oldest
    db_first = (db_first + 1) % kDoorbells;
    --db_count;
  }
  doorbells[(db_first + db_count) % kDoorbells] = {new_tail, at};
  ++db_count;
}

ps_t Ring::posted_at() {
  // Doorbells whose descriptors are all consumed: the hardware head has passed their tail.
  while (db_count > 1) {
    const Doorbell& d = doorbells[db_first];
    unsigned n = entries(), posted = n ? (d.tail + n - head) % n : 0;  // left of that doorbell
    if (posted != 0 && posted <= hw_owned()) break;
    db_first = (db_first + 1) % kDoorbells;
    --db_count;
  }
  return db_count ? doorbells[db_first].at : 0;
}

namespace {
std::uint32_t read_ring(const Ring& r, RingReg role) {
  switch (role) {
    case RingReg::BaseLo: return r.bal;
    case RingReg::BaseHi: return r.bah;
    case RingReg::Length: return r.len;
    case RingReg::BufferCtl: return r.srrctl;
    case RingReg::Head: return r.head;
    case RingReg::Tail: return r.tail;
    case RingReg::Control: return r.dctl;
  }
  return 0;
}

// What a ring register write does, whatever the family.
void write_ring(Ring& r, RingReg role, std::uint32_t v, const regs::DeviceMap& map,
                regs::Direction d, const std::function<void()>& on_tail) {
  switch (role) {
    case RingReg::BaseLo: r.bal = v & ~0x7Fu; break;  // 128-byte aligned
    case RingReg::BaseHi: r.bah = v; break;
    case RingReg::Length:
      if (v % 128 || v > (1u << 20)) {  // xDLEN must be a multiple of 128 bytes
        ++r.bad_writes;
        return;
      }
      r.len = v;
      break;
    case RingReg::BufferCtl:
      r.srrctl = v;
      r.buffer_bytes = map.decode_srrctl(v).buffer_bytes;
      break;
    case RingReg::Head:
      if (r.enabled() || (r.entries() && v >= r.entries())) {
        ++r.bad_writes;  // head belongs to the hardware once the queue runs
        return;
      }
      r.head = v;
      break;
    case RingReg::Tail:
      if (!r.entries() || v >= r.entries()) {
        ++r.bad_writes;
        return;
      }
      r.tail = v;
      r.ring_doorbell(v, now_ps());
      r.stalled_tail = 0xFFFFFFFFu;
      if (on_tail) on_tail();
      break;
    case RingReg::Control: {
      const bool was = r.enabled();
      r.dctl = v;
      r.enable = map.decode_dctl(d, v).enable;
      if (was != r.enabled()) r.cached = 0, r.cache_first = 0;
      break;
    }
  }
}
}  // namespace

void map_rings(regs::RegisterSpace& rs, const regs::DeviceMap& map, regs::Direction d,
               regs::View v, const std::function<Ring&(unsigned)>& ring_of,
               const std::function<void()>& on_tail) {
  for (const regs::RingRegDecl& x : map.ring_decls(d, v)) {
    const RingReg role = x.role;
    if (role == RingReg::BufferCtl)  // the register's reset value, as the hardware starts
      for (unsigned i = 0; i < x.decl.info.count; ++i) {
        Ring& r = ring_of(i);
        r.srrctl = x.decl.info.reset;
        r.buffer_bytes = map.decode_srrctl(r.srrctl).buffer_bytes;
      }
    auto h = rs.add(
        x.decl, [ring_of, role](unsigned i) { return read_ring(ring_of(i), role); },
        [ring_of, role, &map, d, on_tail](unsigned i, std::uint32_t value) {
          write_ring(ring_of(i), role, value, map, d, on_tail);
        });
    for (const regs::RegInfo& a : x.aliases) rs.add_alias(a, h);
  }
}

}  // namespace iovsim
