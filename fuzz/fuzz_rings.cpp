// libFuzzer target: the descriptor engines under arbitrary register writes and descriptors.
// The input is a program: each 8-byte step is (op, register or slot, value). Ring registers
// of both directions are written through the family's register map exactly as a driver's
// MMIO would reach them; descriptors are written into host memory; frames arrive at the Rx
// engine and doorbells reach the Tx ring. After every step the ring invariants must hold
// (head and tail inside the ring, the descriptor cache inside its store), and the engine must
// return (ASan and UBSan watch the rest).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "model/core/device_profile.h"
#include "model/dma/ring.h"
#include "model/dma/rx_engine.h"
#include "model/regs/register_space.h"

using namespace iovsim;

namespace {

class Memory : public DmaPort {
public:
  std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(1 << 20);
  DmaStatus transfer(unsigned, std::uint64_t a, void* d, unsigned len, TlpKind, bool w, ps_t& t) override {
    if (len == 0 || a + len < a || a + len > mem.size()) return DmaStatus::IommuFault;
    t += 1000 + len;
    if (w) std::memcpy(mem.data() + a, d, len);
    else std::memcpy(d, mem.data() + a, len);
    return DmaStatus::Ok;
  }
};

void check(const Ring& r) {
  if (r.entries() && (r.head >= r.entries() || r.tail >= r.entries())) std::abort();
  if (r.cached > Ring::kCacheMax) std::abort();
  if (r.entries() && r.cached > r.entries()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const DeviceProfile& prof = device_profile(data[0] & 1 ? "82599" : "82576");
  const regs::DeviceMap& map = prof.map();
  Memory m;
  RxEngine rx(prof, PortLayout{0, 1, 0, false}, {64 * 1024, 32, 0}, m);
  regs::RegisterSpace rs;
  map_rings(rs, map, regs::Direction::Rx, regs::View::PF, prof.queues_per_port, [&](unsigned i) -> Ring& { return rx.ring(i); },
            [&](Ring& r) { rx.doorbell(r, 0); }, [&](Ring& r) { rx.enable_changed(r); });
  std::vector<std::uint32_t> regs_rx;
  for (const regs::RingRegDecl& x : map.ring_decls(regs::Direction::Rx, regs::View::PF))
    for (unsigned q = 0; q < 2; ++q) regs_rx.push_back(x.decl.info.at(q));
  Frame f;
  ps_t t = 0;
  for (std::size_t i = 1; i + 8 <= size; i += 8) {
    const std::uint8_t op = data[i], which = data[i + 1];
    std::uint32_t v;
    std::memcpy(&v, data + i + 4, 4);
    switch (op % 4) {
      case 0: rs.write(regs_rx[which % regs_rx.size()], v); break;
      case 1: {  // a descriptor anywhere in the first 64 KB
        std::uint64_t lo = v, hi = std::uint64_t{data[i + 2]} << 32 | v;
        const std::size_t at = (std::size_t{which} * 256 + data[i + 2]) * 16 % (1 << 16);
        std::memcpy(m.mem.data() + at, &lo, 8);
        std::memcpy(m.mem.data() + at + 8, &hi, 8);
        break;
      }
      case 2: {  // a frame for queue `which`
        f.len = 64 + v % (kFrameCapacity - 64);
        f.t_origin = t;
        t += 1000 + v % 100000;
        rx.receive(f, which % 2, 0, 0, t);
        break;
      }
      default:
        t += v;
        rx.flush_due(t);
        break;
    }
    check(rx.ring(0));
    check(rx.ring(1));
  }
  return 0;
}
