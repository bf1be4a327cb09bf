#include "model/dma/ring.h"

#include <algorithm>

#include "model/core/check.h"
#include "model/core/metrics_registry.h"
#include "model/regs/descriptors.h"

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
    unsigned n = entries(), posted = n ? ring_wrap(d.tail + n - head, n) : 0;  // left of that doorbell (no division: a Tx frame's)
    if (posted != 0 && posted <= hw_owned()) break;
    db_first = (db_first + 1) % kDoorbells;
    --db_count;
  }
  return db_count ? doorbells[db_first].at : 0;
}

DmaStatus fetch_descriptors(Ring& r, DmaPort& port, unsigned fn, unsigned n, ps_t t) {
  std::uint8_t buf[Ring::kCacheMax * 16];
  while (n) {
    const unsigned first = r.index(r.cached);
    IOVSIM_CHECK(first < r.entries(), "descriptor fetch beyond the ring's end");
    const unsigned run = std::min(n, r.entries() - first);
    ps_t done = t;
    const DmaStatus s = port.read(fn, r.base() + first * 16ull, buf, run * 16, TlpKind::Descriptor, done);
    if (s != DmaStatus::Ok) return s;
    for (unsigned i = 0; i < run; ++i) {
      Ring::Desc& d = r.cache(r.cached + i);
      d.lo = regs::desc::le64(buf + 16 * i);
      d.hi = regs::desc::le64(buf + 16 * i + 8);
      d.ready = done;
    }
    r.cached += run;
    n -= run;
  }
  return DmaStatus::Ok;
}

DmaStatus FetchStats::fetch(Ring& r, DmaPort& port, unsigned fn, unsigned n, ps_t t, bool demand_fetch) {
  const unsigned before = r.cached;
  const DmaStatus s = fetch_descriptors(r, port, fn, n, t);
  ++fetches;
  fetched += r.cached - before;
  demand += demand_fetch;
  return s;
}

void FetchStats::publish(MetricsRegistry& m, const std::string& prefix, const char* demand_doc) const {
  m.counter(prefix + "descriptor_fetches", fetches, Unit::Count, "descriptor reads (one per run of the ring)");
  m.counter(prefix + "descriptors_fetched", fetched, Unit::Count, "descriptors they brought on chip");
  m.counter(prefix + "demand_fetches", demand, Unit::Frames, demand_doc);
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
    case RingReg::HeadWbLo: return r.wbal;
    case RingReg::HeadWbHi: return r.wbah;
  }
  return 0;
}

// What a ring register write does, whatever the family.
void write_ring(Ring& r, RingReg role, std::uint32_t v, const regs::DeviceMap& map,
                regs::Direction d, const std::function<void(Ring&)>& on_tail,
                const std::function<void(Ring&)>& on_enable) {
  switch (role) {
    case RingReg::BaseLo: r.bal = v & ~0x7Fu; break;  // 128-byte aligned
    case RingReg::BaseHi: r.bah = v; break;
    case RingReg::Length:
      // xDLEN: a multiple of 128 bytes, programmed while the queue is disabled (igb_configure_
      // rx_ring / igb_configure_tx_ring write xXDCTL = 0 first, ixgbe disables the queue). The
      // datasheets leave a length written under a running queue undefined; it would leave
      // head and the cached descriptors past the ring's end, so the model ignores the write
      // and counts it (docs/fidelity.md).
      if (v % 128 || v > (1u << 20) || r.enabled()) {
        ++r.bad_writes;
        return;
      }
      r.len = v;
      if (r.entries() && (r.head >= r.entries() || r.tail >= r.entries())) {
        ++r.bad_writes;  // head or tail beyond the new end: both restart at 0 (empty ring)
        r.head = r.tail = 0;
        r.db_count = 0;
      }
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
    case RingReg::Tail: {
      if (!r.entries() || v >= r.entries()) {
        ++r.bad_writes;
        return;
      }
      // A tail moved back over descriptors the device already fetched would take them back
      // from under it (software may only hand descriptors over): ignored and counted.
      const unsigned n = r.entries(), owned = ring_wrap(v + n - r.head, n);
      if (owned < r.cached) {
        ++r.bad_writes;
        return;
      }
      r.tail = v;
      r.ring_doorbell(v, access_time());
      r.stalled_tail = 0xFFFFFFFFu;
      if (on_tail) on_tail(r);
      break;
    }
    case RingReg::Control: {
      const bool was = r.enabled();
      r.dctl = v;
      r.ctl = map.decode_dctl(d, v);
      if (was != r.enabled()) {
        r.cached = 0, r.cache_first = 0;
        if (on_enable) on_enable(r);
      }
      break;
    }
    case RingReg::HeadWbLo:
    case RingReg::HeadWbHi:
      (role == RingReg::HeadWbLo ? r.wbal : r.wbah) = v;
      r.head_wb = map.decode_head_wb(r.wbal, r.wbah);
      break;
  }
}
}  // namespace

void map_rings(regs::RegisterSpace& rs, const regs::DeviceMap& map, regs::Direction d,
               regs::View v, unsigned rings, const std::function<Ring&(unsigned)>& ring_of,
               const std::function<void(Ring&)>& on_tail,
               const std::function<void(Ring&)>& on_enable) {
  for (regs::RingRegDecl x : map.ring_decls(d, v)) {
    const RingReg role = x.role;
    if (rings < x.decl.info.count) {
      regs::RegInfo info = x.decl.info;
      info.count = rings;
      x.decl = x.decl.with(info);
      for (regs::RegInfo& a : x.aliases) a.count = std::min(a.count, rings);
    }
    for (unsigned i = 0; i < x.decl.info.count; ++i) {  // reset values, as the hardware starts
      Ring& r = ring_of(i);
      if (role == RingReg::BufferCtl) {
        r.srrctl = x.decl.info.reset;
        r.buffer_bytes = map.decode_srrctl(r.srrctl).buffer_bytes;
      } else if (role == RingReg::Control) {
        r.dctl = x.decl.info.reset;
        r.ctl = map.decode_dctl(d, r.dctl);
      }
    }
    auto h = rs.add(
        x.decl, [ring_of, role](unsigned i) { return read_ring(ring_of(i), role); },
        [ring_of, role, &map, d, on_tail, on_enable](unsigned i, std::uint32_t value) {
          write_ring(ring_of(i), role, value, map, d, on_tail, on_enable);
        });
    for (const regs::RegInfo& a : x.aliases) rs.add_alias(a, h);
  }
}

}  // namespace iovsim
