#include "model/dma/ring.h"

#include "model/core/regs_82576.h"

namespace iovsim {

using namespace regs;

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

bool Ring::enabled() const { return DCTL_ENABLE::get(dctl) && entries() > 0; }

void map_ring(RegisterSpace& rs, const std::string& name, std::uint32_t block, Ring& r, bool rx,
              std::uint32_t srrctl, std::function<void()> on_tail) {
  auto reg = [&](const char* what, std::uint32_t off, std::uint32_t Ring::*field,
                 std::function<void(std::uint32_t)> write) {
    rs.add(name + what, block + off, 1, 0, [&r, field](unsigned) { return r.*field; },
           [write = std::move(write)](unsigned, std::uint32_t v) { write(v); });
  };
  const char* p = rx ? "RD" : "TD";
  reg((std::string(p) + "BAL").c_str(), Q_BAL, &Ring::bal, [&r](std::uint32_t v) { r.bal = v & ~0x7Fu; });
  reg((std::string(p) + "BAH").c_str(), Q_BAH, &Ring::bah, [&r](std::uint32_t v) { r.bah = v; });
  reg((std::string(p) + "LEN").c_str(), Q_LEN, &Ring::len, [&r](std::uint32_t v) {
    if (v % 128 || v > (1u << 20)) {  // xDLEN must be a multiple of 128 bytes
      ++r.bad_writes;
      return;
    }
    r.len = v;
  });
  if (rx) reg("SRRCTL", srrctl, &Ring::srrctl, [&r](std::uint32_t v) { r.srrctl = v; });
  reg((std::string(p) + "H").c_str(), Q_HEAD, &Ring::head, [&r](std::uint32_t v) {
    if (r.enabled() || (r.entries() && v >= r.entries())) {
      ++r.bad_writes;  // head belongs to the hardware once the queue runs
      return;
    }
    r.head = v;
  });
  reg((std::string(p) + "T").c_str(), Q_TAIL, &Ring::tail, [&r, on_tail](std::uint32_t v) {
    if (!r.entries() || v >= r.entries()) {
      ++r.bad_writes;
      return;
    }
    r.tail = v;
    r.ring_doorbell(v, now_ps());
    r.stalled_tail = 0xFFFFFFFFu;
    if (on_tail) on_tail();
  });
  reg(rx ? "RXDCTL" : "TXDCTL", Q_DCTL, &Ring::dctl, [&r](std::uint32_t v) {
    bool was = r.enabled();
    r.dctl = v;
    if (was != r.enabled()) r.cached = 0, r.cache_first = 0;
  });
}

}  // namespace iovsim
