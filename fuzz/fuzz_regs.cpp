// libFuzzer target: a PF's and a VF's register maps under random access sequences. The
// spaces hold what the device binds into them (the sorter's filter tables, the interrupt
// registers with the emission logic and the MSI-X table, the rings of both directions and
// the Tx rate limiters), declared by the family's map. The input is a program of 8-byte steps
// (which space, which declared register and element, read or write, value); after each step
// the sorter classifies a header from the input against the tables and a queue raises its
// cause. Nothing may crash or loop (ASan and UBSan watch) and the ring invariants hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "hls/sorter/sorter_core.h"
#include "model/core/device_profile.h"
#include "model/dma/ring.h"
#include "model/pcie/interrupts.h"
#include "model/pcie/msix.h"
#include "model/qos/tx_scheduler.h"
#include "model/regs/register_space.h"

using namespace iovsim;

namespace {

struct Function {
  regs::RegisterSpace rs, msix_rs;
  MsixTable msix;
  FunctionInterrupts irq;
  std::vector<Ring> rx, tx;
  std::vector<std::uint32_t> offsets;  // every declared element's offset
  Function(const DeviceProfile& p, bool pf)
      : msix(pf ? p.pf_msix_vectors : p.vf_msix_vectors), irq(msix.vectors(), msix),
        rx(pf ? p.queues_per_port : p.queues_per_pool), tx(rx.size()) {
    const regs::View v = pf ? regs::View::PF : regs::View::VF;
    msix.map_registers(msix_rs);
    msix.send = [](unsigned, std::uint64_t, std::uint32_t, ps_t) {};
    p.map().bind_interrupts(rs, v, static_cast<unsigned>(rx.size()), irq.regs());
    const auto n = static_cast<unsigned>(rx.size());
    map_rings(rs, p.map(), regs::Direction::Rx, v, n, [this](unsigned i) -> Ring& { return rx[i]; }, {});
    map_rings(rs, p.map(), regs::Direction::Tx, v, n, [this](unsigned i) -> Ring& { return tx[i]; }, {});
  }
  void collect() {
    for (const regs::RegisterSpace* s : {&rs, &msix_rs})
      for (const regs::RegisterSpace::Entry& e : s->entries())
        for (unsigned i = 0; i < e.decl.info.count && i < 256; ++i) offsets.push_back(e.decl.info.at(i));
  }
};

void check(const std::vector<Ring>& rings) {
  for (const Ring& r : rings)
    if ((r.entries() && (r.head >= r.entries() || r.tail >= r.entries())) || r.cached > Ring::kCacheMax) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const DeviceProfile& prof = device_profile(data[0] & 1 ? "82599" : "82576");
  Function pf(prof, true), vf(prof, false);
  regs::SorterRegs sorter;
  sorter.tables.num_rar = prof.num_rar;
  sorter.tables.num_pools = prof.num_pools;
  sorter.tables.num_vlvf = prof.num_vlvf;
  prof.map().bind_sorter(pf.rs, sorter);
  TxScheduler sched(prof.queues_per_port, 10e9, prof.map());
  sched.map_registers(pf.rs);
  pf.collect();
  vf.collect();
  for (std::size_t i = 1; i + 8 <= size; i += 8) {
    Function& f = data[i] & 1 ? vf : pf;
    regs::RegisterSpace& s = data[i] & 2 ? f.msix_rs : f.rs;
    std::uint32_t v, off;
    std::memcpy(&v, data + i + 4, 4);
    const unsigned pick = data[i + 1] | data[i + 2] << 8;
    off = data[i] & 4 ? static_cast<std::uint32_t>(pick) * 4 : f.offsets[pick % f.offsets.size()];  // declared, or anywhere
    if (data[i] & 8) {
      std::uint32_t r = 0;
      s.read(off, r);
    } else {
      s.write(off, v);
    }
    hls::L2Header h{};
    h.da = (std::uint64_t{v} << 16 | data[i + 3]) & 0xFFFFFFFFFFFFull;
    h.sa = 0x1b2100000002ull;
    h.tagged = data[i + 3] & 1;
    h.vid = static_cast<std::uint16_t>(v & 0xFFF);
    h.frame_len = static_cast<std::uint16_t>(64 + (v >> 16) % 9664);
    (void)hls::classify_rx(sorter.tables, h);
    f.irq.raise_queue(data[i + 3] % 4, data[i + 3] >> 7, static_cast<ps_t>(i) * 1000);
    check(pf.rx), check(pf.tx), check(vf.rx), check(vf.tx);
  }
  return 0;
}
