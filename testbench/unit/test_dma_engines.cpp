// The Rx and Tx DMA engines as plain classes, driven without elaborating a SystemC kernel:
// rings set up directly, host memory a byte array behind a real PcieLinkTiming, every DMA
// recorded. Expected values come from the fetch rule and the write-back rule as the
// datasheets state them (8254x SDM 3.2.4, 82598 datasheet 4.4.3.5.6) and from link
// arithmetic done here.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "model/core/device_profile.h"
#include "model/core/packet.h"
#include "model/dma/rx_engine.h"
#include "model/dma/tx_engine.h"
#include "model/pcie/link_timing.h"
#include "model/qos/tx_scheduler.h"
#include "model/regs/descriptors.h"

using namespace iovsim;
namespace desc = regs::desc;

namespace {

// Host memory at address 0 behind a PCIe link; records every transfer.
class MemoryPort : public DmaPort {
public:
  struct Access {
    bool write;
    std::uint64_t addr;
    unsigned len;
    TlpKind kind;
    ps_t ready, done;
  };
  explicit MemoryPort(const PcieLinkParams& p, std::size_t bytes = 1 << 20) : link(p), mem(bytes) {}
  DmaStatus transfer(unsigned, std::uint64_t a, void* d, unsigned len, TlpKind k, bool w,
                     ps_t& t) override {
    if (!bus_master) return DmaStatus::BusMaster;
    if (a + len > mem.size()) return DmaStatus::IommuFault;
    const ps_t ready = t;
    t = w ? link.dma_write(t, a, len, k) : link.dma_read(t, a, len, k);
    if (w) std::memcpy(mem.data() + a, d, len);
    else std::memcpy(d, mem.data() + a, len);
    log.push_back({w, a, len, k, ready, t});
    return DmaStatus::Ok;
  }
  unsigned count(TlpKind k, bool w) const {
    unsigned n = 0;
    for (const Access& a : log) n += a.kind == k && a.write == w;
    return n;
  }
  PcieLinkTiming link;
  std::vector<std::uint8_t> mem;
  std::vector<Access> log;
  bool bus_master = true;

};

PcieLinkParams gen2x8() {
  PcieLinkParams p;
  p.gen = 2, p.lanes = 8, p.read_latency = 500 * kPsPerNs;
  return p;
}

constexpr std::uint64_t kRing = 0x1000, kBuffers = 0x10000;
constexpr unsigned kEntries = 256;

// An Rx ring of `posted` descriptors (one 2 KB buffer each) on queue q.
Ring& rx_ring(RxEngine& e, unsigned q, MemoryPort& m, unsigned posted, regs::QueueCtl ctl) {
  Ring& r = e.ring(q);
  r.bal = static_cast<std::uint32_t>(kRing), r.len = kEntries * 16, r.ctl = ctl;
  for (unsigned i = 0; i < kEntries; ++i)
    desc::RxRead{kBuffers + i * 2048ull, 0}.store(m.mem.data() + kRing + 16 * i);
  r.tail = posted;
  return r;
}

Frame frame(unsigned len, ps_t origin) {
  Frame f;
  f.len = len;
  f.t_origin = origin;
  for (unsigned i = 0; i < len; ++i) f.data[i] = static_cast<std::uint8_t>(i);
  return f;
}

const DeviceProfile& p99() { return device_profile("82599"); }
PortLayout layout7() { return PortLayout{0, 7, 0, false}; }

}  // namespace

TEST_CASE("the fetch rule: fetch when empty, prefetch below PTHRESH with HTHRESH waiting") {
  Ring r;
  r.len = 64 * 16;
  r.ctl = {true, 8, 4, 1};
  r.tail = 20;
  CHECK(fetch_wanted(r, 32) == 20);  // empty cache: everything posted, up to the cache
  r.cached = 10;
  CHECK(fetch_wanted(r, 32) == 0);   // 10 on chip, not below PTHRESH 8
  r.cached = 7;
  CHECK(fetch_wanted(r, 32) == 13);  // below PTHRESH, 13 >= HTHRESH wait in host memory
  r.cached = 7, r.tail = 10;
  CHECK(fetch_wanted(r, 32) == 0);   // only 3 wait: fewer than HTHRESH
  r.ctl.pthresh = 0;
  r.cached = 1, r.tail = 40;
  CHECK(fetch_wanted(r, 32) == 0);   // PTHRESH 0: no prefetch, only when empty
  r.cached = 0;
  CHECK(fetch_wanted(r, 32) == 32);  // never more than the cache holds
  r.tail = 0, r.head = 0;
  CHECK(fetch_wanted(r, 32) == 0);   // nothing posted
}

TEST_CASE("Rx: descriptors fetched on the doorbell, frames then wait for no fetch") {
  MemoryPort m(gen2x8());
  RxEngine e(p99(), layout7(), {512 * 1024, 32, 0}, m);
  Ring& r = rx_ring(e, 0, m, 100, {true, 16, 8, 1});
  e.doorbell(r, 0);
  CHECK(r.cached == 32);  // a full cache in one request of 512 bytes (MRRS)
  CHECK(m.count(TlpKind::Descriptor, false) == 1);
  // 64 frames of 64 bytes, 67.2 ns apart (10 Gb/s), the first after the fetch completed
  ps_t t = 2 * kPsPerUs;
  for (unsigned i = 0; i < 64; ++i, t += 67200)
    REQUIRE(e.receive(frame(64, t - 60000), 0, 1, 0, t) == Drop::kCount);
  CHECK(e.stats().descriptor_wait_ps == 0);  // prefetches (below PTHRESH 16) kept ahead
  CHECK(e.stats().fetch.demand == 0);
  CHECK(r.head == 64);
  // each frame: its data at its buffer, FCS stripped, then its write-back (WTHRESH 1)
  for (unsigned i = 0; i < 64; ++i) {
    const desc::RxWriteBack w = desc::RxWriteBack::load(m.mem.data() + kRing + 16 * i);
    CHECK(w.dd());
    CHECK(w.eop());
    CHECK(w.length == 60);
    CHECK(m.mem[kBuffers + i * 2048ull + 59] == 59);
  }
  CHECK(m.count(TlpKind::WriteBack, true) == 64);
  CHECK(e.function_stats(1).latency.count() == 64);
}

TEST_CASE("Rx: with PTHRESH 0 (the 82599's reset value) the cache refills only when empty") {
  MemoryPort m(gen2x8());
  RxEngine e(p99(), layout7(), {512 * 1024, 32, 0}, m);
  Ring& r = rx_ring(e, 0, m, 200, {true, 0, 0, 1});
  e.doorbell(r, 0);
  ps_t t = 2 * kPsPerUs;
  for (unsigned i = 0; i < 96; ++i, t += 67200) e.receive(frame(64, t), 0, 1, 0, t);
  // fetches at the doorbell and whenever the 32 on chip are used up (after frames 32, 64 and
  // 96): frames 32 and 64 wait for theirs
  CHECK(m.count(TlpKind::Descriptor, false) == 4);
  CHECK(e.stats().waited >= 2);
  CHECK(e.stats().descriptor_wait_ps > 2 * 500 * kPsPerNs);  // at least the read latency, twice
}

TEST_CASE("Rx: an empty ring drops (DROP_EN), a full packet buffer drops, no BME no DMA") {
  MemoryPort m(gen2x8(), 0x20000);
  RxEngine e(p99(), layout7(), {4096, 32, 0}, m);
  Ring& r = rx_ring(e, 0, m, 2, {true, 8, 8, 1});
  e.doorbell(r, 0);
  ps_t t = 2 * kPsPerUs;
  CHECK(e.receive(frame(64, t), 0, 1, 0, t) == Drop::kCount);
  CHECK(e.receive(frame(64, t), 0, 1, 0, t) == Drop::kCount);
  CHECK(e.receive(frame(64, t), 0, 1, 0, t) == Drop::NoDescriptor);
  r.tail = 200;
  e.doorbell(r, t);
  // 4 KB buffer: two 1518-byte frames fit while the first is written out, the third does not
  CHECK(e.receive(frame(1518, t), 0, 1, 0, t + kPsPerUs) == Drop::kCount);
  CHECK(e.receive(frame(1518, t), 0, 1, 0, t + kPsPerUs) == Drop::kCount);
  CHECK(e.receive(frame(1518, t), 0, 1, 0, t + kPsPerUs) == Drop::RxBufferFull);
  CHECK(e.drops().total() == 2);
  m.bus_master = false;  // the function lost Bus Master Enable
  CHECK(e.receive(frame(64, t), 0, 1, 0, t + 100 * kPsPerUs) == Drop::BusMaster);
  CHECK(e.receive(frame(64, t), 5, 1, 0, t) == Drop::QueueDisabled);
}

TEST_CASE("Rx DCB: admit holds a frame's bytes in its class's buffer until deliver, a frame dropped there frees them") {
  MemoryPort m(gen2x8());
  const DeviceProfile& prof = device_profile("82599", 4);  // 32 pools x 4: queue n of a pool is class n
  RxEngine e(prof, layout7(), {4096, 32, 0}, m);
  e.set_buffer_bytes(3, 4096);
  CHECK(e.class_of(0) == 0);
  CHECK(e.class_of(7) == 3);
  Ring& r0 = rx_ring(e, 0, m, 100, {true, 8, 8, 1});
  Ring& r3 = rx_ring(e, 7, m, 100, {true, 8, 8, 1});
  e.doorbell(r0, 0);
  e.doorbell(r3, 0);
  const ps_t t = 2 * kPsPerUs, later = t + 1000 * kPsPerUs;
  const Frame big = frame(1518, t);
  // class 0: two 1518-byte frames fill its 4 KB; until one is started nothing leaves, however late
  CHECK(e.admit(big, 0, 1, t) == Drop::kCount);
  CHECK(e.admit(big, 0, 1, t) == Drop::kCount);
  CHECK(e.admit(big, 0, 1, later) == Drop::RxBufferFull);
  CHECK(e.admit(big, 7, 2, t) == Drop::kCount);  // class 3's own buffer has room
  CHECK(e.delivered() == 0);
  // the arbiter starts class 0's oldest at `later`: its data is written after that
  ps_t done = 0;
  CHECK(e.deliver(big, 0, 1, 0, t, later, done) == Drop::kCount);
  CHECK(done > later);
  CHECK(e.delivered() == 1);
  CHECK(e.admit(big, 0, 1, done - 1) == Drop::RxBufferFull);  // still held until its data is out
  CHECK(e.admit(big, 0, 1, done) == Drop::kCount);             // now its bytes are free
  // the queue is disabled while the next waits: dropped at deliver, its bytes free at once
  r0.ctl.enable = false;
  const ps_t now = done + kPsPerUs;
  CHECK(e.deliver(big, 0, 1, 0, t, now, done) == Drop::QueueDisabled);
  r0.ctl.enable = true;
  CHECK(e.admit(big, 0, 1, now) == Drop::kCount);  // one frame still waits: room for one more
  CHECK(e.admit(big, 0, 1, now) == Drop::RxBufferFull);
  CHECK(e.deliver(big, 7, 2, 0, t, now, done) == Drop::kCount);
  CHECK(e.delivered() == 2);
  CHECK(e.queue_stats(7).rx.frames == 1);
  CHECK(e.drops().total() == 4);  // three full, one disabled
}

TEST_CASE("Rx: WTHRESH 4 writes back four descriptors in one burst, a partial batch flushes on time") {
  MemoryPort m(gen2x8());
  RxEngine e(p99(), layout7(), {512 * 1024, 32, 50 * kPsPerUs}, m);
  Ring& r = rx_ring(e, 0, m, 100, {true, 8, 8, 4});
  e.doorbell(r, 0);
  // The drivers' view of when each descriptor was written back, taken before the first: it
  // stays current (0: not written back, or outside the ring).
  const WriteBackTimes& when = e.write_back_times(0);
  CHECK(when[0] == 0);
  ps_t t = 2 * kPsPerUs;
  for (unsigned i = 0; i < 10; ++i, t += 67200) e.receive(frame(64, t), 0, 1, 0, t);
  CHECK(m.count(TlpKind::WriteBack, true) == 2);  // descriptors 0-3 and 4-7
  CHECK(when.size == kEntries);
  CHECK(when[0] > 2 * kPsPerUs + 3 * 67200);  // after the fourth frame's data
  CHECK(when[3] == when[0]);                  // one burst, one completion
  CHECK(when[4] > when[3]);
  CHECK(when[7] == when[4]);
  CHECK(when[8] == 0);
  CHECK(when[kEntries] == 0);
  for (const MemoryPort::Access& a : m.log)
    if (a.kind == TlpKind::WriteBack) CHECK(a.len == 64);
  CHECK(desc::RxWriteBack::load(m.mem.data() + kRing + 16 * 7).dd());
  CHECK_FALSE(desc::RxWriteBack::load(m.mem.data() + kRing + 16 * 8).dd());  // 8, 9 pending
  CHECK(e.flush_deadline() != RxEngine::kNever);
  while (e.flush_deadline() != RxEngine::kNever) e.flush_due(e.flush_deadline());
  CHECK(desc::RxWriteBack::load(m.mem.data() + kRing + 16 * 9).dd());
  CHECK(m.count(TlpKind::WriteBack, true) == 3);
  CHECK(when[8] > when[7]);
  CHECK(when[9] == when[8]);
  CHECK(e.function_stats(1).latency.count() == 10);
}

namespace {
// A Tx sink that sends frames onto a 10 Gb/s wire, recording when each starts.
class Wire : public TxSink {
public:
  explicit Wire(FramePool& p, double bps) : pool(p), bps(bps) {}
  ps_t transmit(FrameHandle h, unsigned, unsigned, ps_t ready) override {
    const ps_t start = std::max(ready, busy);
    busy = start + serialization_ps(pool[h].len + 20, bps);
    starts.push_back(start);
    lens.push_back(pool[h].len);
    pool.release(h);
    return busy;
  }
  FramePool& pool;
  double bps;
  ps_t busy = 0;
  std::vector<ps_t> starts;
  std::vector<unsigned> lens;
};

// `n` single-descriptor frames of `len` bytes (FCS excluded) posted on Tx queue q, RS on each.
Ring& tx_ring(TxEngine& e, unsigned q, MemoryPort& m, unsigned n, unsigned len, regs::QueueCtl ctl) {
  Ring& r = e.ring(q);
  r.bal = static_cast<std::uint32_t>(kRing), r.len = kEntries * 16, r.ctl = ctl;
  using T = desc::TxData;
  for (unsigned i = 0; i < n; ++i)
    T{kBuffers + i * 2048ull,
      T::DTALEN::make(len) | T::DTYP::make(T::kTypeAdvancedData) | T::EOP::make(1) |
          T::IFCS::make(1) | T::RS::make(1) | T::DEXT::make(1),
      T::PAYLEN::make(len)}
        .store(m.mem.data() + kRing + 16 * i);
  r.tail = n;
  return r;
}

// Runs the engine as TxDma's thread does, without a kernel: step until idle.
void run(TxEngine& e, ps_t t = 0) {
  for (int guard = 0; guard < 1000000; ++guard) {
    if (e.flush_deadline() <= t) e.flush_due(t);
    const TxEngine::Step s = e.step(t);
    if (s.kind == TxEngine::Step::Idle) {
      if (e.flush_deadline() == TxEngine::kNever) return;
      t = e.flush_deadline();
      continue;
    }
    t = s.t;
  }
  FAIL("the engine did not go idle");
}
}  // namespace

TEST_CASE("Tx: reads of successive frames overlap, 64 B frames keep a 10 Gb/s wire busy") {
  MemoryPort m(gen2x8());
  FramePool pool(64);
  Wire wire(pool, 10e9);
  TxScheduler sched(128, 10e9, regs::device_map(Family::i82599));
  TxEngine e(p99(), layout7(), {160 * 1024, 40, 50 * kPsPerUs}, pool, sched, m, wire);
  Ring& r = tx_ring(e, 0, m, 200, 60, {true, 32, 1, 8});
  e.doorbell(r, 0);
  run(e);
  REQUIRE(wire.starts.size() == 200);
  // One frame at a time would take at least the read latency per frame (100 us for 200);
  // overlapped, the wire (67.2 ns a frame) is the limit after the first frames.
  const ps_t span = wire.starts.back() - wire.starts.front();
  CHECK(span == Approx(199 * 67200.0).epsilon(0.01));
  CHECK(e.stats().fetch.demand == 0);
  CHECK(r.head == 200);
  // descriptors fetched 40 at a time at most (the 82599's cache), never beyond tail
  for (const MemoryPort::Access& a : m.log)
    if (a.kind == TlpKind::Descriptor) CHECK(a.len <= 40 * 16);
  // WTHRESH 8: write-back bursts of 8 whole descriptors, DD set
  CHECK(m.count(TlpKind::WriteBack, true) == 25);
  for (unsigned i = 0; i < 200; ++i) CHECK(desc::TxWriteBack::load(m.mem.data() + kRing + 16 * i).dd());
  CHECK(wire.lens[0] == 64);  // 60 bytes + FCS
  CHECK(pool.in_use() == 0);
}

TEST_CASE("Tx: the packet buffer bounds how far reads run ahead of the wire") {
  MemoryPort m(gen2x8());
  FramePool pool(256);
  Wire wire(pool, 1e9);  // a slow wire: the buffer fills
  TxScheduler sched(128, 1e9, regs::device_map(Family::i82599));
  TxEngine e(p99(), layout7(), {8 * 1024, 40, 50 * kPsPerUs}, pool, sched, m, wire);
  Ring& r = tx_ring(e, 0, m, 100, 1514, {true, 32, 1, 1});
  e.doorbell(r, 0);
  run(e);
  REQUIRE(wire.starts.size() == 100);
  CHECK(e.stats().buffer_peak <= 8 * 1024);
  CHECK(e.stats().waited_buffer > 90);
  // every data read was issued no earlier than the wire had room for its frame: at most 5
  // frames of 1518 bytes (8 KB) ahead of the wire
  unsigned k = 0;
  for (const MemoryPort::Access& a : m.log)
    if (a.kind == TlpKind::Data) {
      if (k >= 6) CHECK(a.ready >= wire.starts[k - 6]);
      ++k;
    }
}

TEST_CASE("Tx: head write-back writes the head index instead of descriptor status") {
  MemoryPort m(gen2x8());
  FramePool pool(16);
  Wire wire(pool, 10e9);
  TxScheduler sched(128, 10e9, regs::device_map(Family::i82599));
  TxEngine e(p99(), layout7(), {160 * 1024, 40, 50 * kPsPerUs}, pool, sched, m, wire);
  Ring& r = tx_ring(e, 0, m, 10, 200, {true, 32, 1, 8});
  r.head_wb = {true, 0x8000};
  e.doorbell(r, 0);
  run(e);
  CHECK(desc::le32(m.mem.data() + 0x8000) == 10);
  CHECK(e.stats().head_write_backs == 10);  // one per frame with RS, WTHRESH ignored
  CHECK_FALSE(desc::TxWriteBack::load(m.mem.data() + kRing).dd());  // no status written
}

TEST_CASE("Tx: WTHRESH 0 writes each status dword at once, a frame without EOP waits") {
  MemoryPort m(gen2x8());
  FramePool pool(16);
  Wire wire(pool, 10e9);
  TxScheduler sched(128, 10e9, regs::device_map(Family::i82599));
  TxEngine e(p99(), layout7(), {160 * 1024, 40, 50 * kPsPerUs}, pool, sched, m, wire);
  Ring& r = tx_ring(e, 0, m, 3, 100, {true, 0, 0, 0});
  // descriptor 2 lacks EOP: its frame is not complete yet
  desc::put_le32(m.mem.data() + kRing + 16 * 2 + 8,
                 desc::le32(m.mem.data() + kRing + 16 * 2 + 8) & ~desc::TxData::EOP::make(1));
  e.doorbell(r, 0);
  run(e);
  CHECK(wire.starts.size() == 2);
  CHECK(m.count(TlpKind::WriteBack, true) == 2);
  for (const MemoryPort::Access& a : m.log)
    if (a.kind == TlpKind::WriteBack) CHECK(a.len == 4);
  CHECK(r.head == 2);
  CHECK_FALSE(e.has_work());  // stalled until the next doorbell
}

TEST_CASE("Tx: a function without Bus Master Enable sends nothing and its descriptors stay") {
  MemoryPort m(gen2x8());
  FramePool pool(16);
  Wire wire(pool, 10e9);
  TxScheduler sched(128, 10e9, regs::device_map(Family::i82599));
  TxEngine e(p99(), layout7(), {160 * 1024, 40, 50 * kPsPerUs}, pool, sched, m, wire);
  bool bme = false;
  e.set_bus_master([&bme](unsigned) { return bme; });
  Ring& r = tx_ring(e, 0, m, 5, 100, {true, 32, 1, 1});
  e.doorbell(r, 0);
  run(e);
  CHECK(wire.starts.empty());
  CHECK(m.log.empty());
  CHECK(e.pending_descriptors() == 5);
  CHECK(e.stats().bus_master_stalls == 1);
  bme = true;
  e.doorbell(r, kPsPerUs);  // the next doorbell after BME is set
  run(e, kPsPerUs);
  CHECK(wire.starts.size() == 5);
}

TEST_CASE("rate control: MIFS = L2 length x RF, first packet due at once, MMW catch-up") {
  RateController c;
  const double byte_ps = 800;  // 10 Gb/s
  c.configure(10.0, byte_ps, 4 * 1024);  // 1 Gb/s, MMW 4 KB
  c.activate(0);
  CHECK(c.may_send(0));  // the first packet is free
  c.sent(1000, 0);
  CHECK(c.time_stamp() == 1000 * 10 * 800);  // 8 us later
  CHECK_FALSE(c.may_send(7 * kPsPerUs));
  CHECK(c.eligible_at(7 * kPsPerUs) == 8 * kPsPerUs);
  // sent 92 us late: TS may lag now by at most MMW_TIME = 4096 x RF byte times (32.8 us)
  c.sent(1000, 100 * kPsPerUs);
  CHECK(c.time_stamp() == 100 * kPsPerUs - 4096 * 10 * 800 + 8 * kPsPerUs);
  // idle: a queue that gets work again starts at max(TS, now), no credit from the idle time
  c.activate(1000 * kPsPerUs);
  CHECK(c.time_stamp() == 1000 * kPsPerUs);
  c.sent(64, 1000 * kPsPerUs);
  c.activate(1000 * kPsPerUs + 1);  // work again before its MIFS ran out: the spacing holds
  CHECK(c.time_stamp() == 1000 * kPsPerUs + 64 * 10 * 800);
}

TEST_CASE("ixgbe's rate limit reaches both queues of the VF's pool, igb's only the first") {
  for (Family fam : {Family::i82599, Family::i82576}) {
    const regs::DeviceMap& map = regs::device_map(fam);
    const unsigned queues = fam == Family::i82599 ? 128 : 16;
    TxScheduler s(queues, 10e9, map);
    regs::RegisterSpace rs;
    s.map_registers(rs);
    regs::RegAccess w{[&rs](std::uint32_t o) {
                        std::uint32_t v = 0;
                        rs.read(o, v);
                        return v;
                      },
                      [&rs](std::uint32_t o, std::uint32_t v) { rs.write(o, v); }};
    const std::vector<unsigned> pool3 = fam == Family::i82599 ? std::vector<unsigned>{6, 7}
                                                              : std::vector<unsigned>{3, 11};
    std::uint32_t window_at = 0;
    for (const regs::RateRegDecl& r : map.rate_decls())
      if (r.role == regs::RateReg::BurstWindow) window_at = r.decl.info.at(0);
    map.write_rate_limit(w, pool3, 2500, 10000, 2);  // device.rate_window_kb: 2 KB
    CHECK(w.read32(window_at) == 2);
    map.write_rate_limit(w, pool3, 2500, 10000);  // the driver's window: igb 0x14, ixgbe 0x4
    CHECK(w.read32(window_at) == (fam == Family::i82599 ? 0x4u : 0x14u));
    CHECK(s.programmed_rate_bps(pool3[0]) == Approx(2.5e9).epsilon(1e-4));
    CHECK(s.programmed_rate_bps(pool3[1]) == (fam == Family::i82599 ? Approx(2.5e9).epsilon(1e-4) : Approx(0)));
    CHECK(s.invalid_writes() == 0);
    map.write_rate_limit(w, pool3, 20000, 10000);  // above the link: RF < 1, refused
    CHECK(s.invalid_writes() >= 1);
  }
}

TEST_CASE("a length written under a running queue is ignored, head and tail stay inside the ring") {
  // The reproducer of the hostile-guest issue: RXDCTL=0, RDLEN=512, RDH=16, RDT=20,
  // RXDCTL=ENABLE, RDLEN=128 left head past the ring's end and the engine looping on
  // zero-length descriptor reads.
  const regs::DeviceMap& map = p99().map();
  std::vector<Ring> rings(2);
  regs::RegisterSpace rs;
  map_rings(rs, map, regs::Direction::Rx, regs::View::VF, 2, [&](unsigned i) -> Ring& { return rings[i]; }, {});
  auto off = [&](regs::RingReg r) { return map.ring_offset(regs::Direction::Rx, regs::View::VF, r, 0); };
  Ring& r = rings[0];
  rs.write(off(regs::RingReg::Control), 0);
  rs.write(off(regs::RingReg::Length), 512);
  rs.write(off(regs::RingReg::Head), 16);
  rs.write(off(regs::RingReg::Tail), 20);
  rs.write(off(regs::RingReg::Control), map.encode_dctl(regs::Direction::Rx, {true, 0, 0, 1}));
  REQUIRE(r.enabled());
  const std::uint64_t bad = r.bad_writes;
  rs.write(off(regs::RingReg::Length), 128);
  CHECK(r.entries() == 32);  // ignored, counted
  CHECK(r.bad_writes == bad + 1);
  // Disabled, a shorter length is taken; head and tail beyond it restart at 0.
  rs.write(off(regs::RingReg::Control), 0);
  rs.write(off(regs::RingReg::Length), 128);
  CHECK(r.entries() == 8);
  CHECK(r.head == 0);
  CHECK(r.tail == 0);
  // A head written while there is no ring is brought inside it when the length comes.
  rs.write(off(regs::RingReg::Length), 0);
  rs.write(off(regs::RingReg::Head), 100);
  rs.write(off(regs::RingReg::Length), 256);
  CHECK(r.head < r.entries());
  // The engine then receives into (or drops for) the ring without hanging.
  MemoryPort m(gen2x8());
  RxEngine e(p99(), layout7(), {512 * 1024, 32, 0}, m);
  Ring& er = e.ring(0);
  er = r;
  er.bal = static_cast<std::uint32_t>(kRing);
  er.tail = 4;
  er.ctl = {true, 0, 0, 1};
  e.doorbell(er, 0);
  CHECK(e.receive(frame(64, 0), 0, 1, 0, kPsPerUs) == Drop::kCount);
}

TEST_CASE("Tx: a context descriptor carries no data, TXSM and IXSM insert the UDP and IPv4 checksums") {
  MemoryPort m(gen2x8());
  FramePool pool(8);
  struct Keep : TxSink {
    explicit Keep(FramePool& p) : pool(p) {}
    ps_t transmit(FrameHandle h, unsigned, unsigned, ps_t ready) override {
      frames.emplace_back(pool[h].data, pool[h].data + pool[h].len - kFcsBytes);
      pool.release(h);
      return ready + 1000;
    }
    FramePool& pool;
    std::vector<std::vector<std::uint8_t>> frames;
  } sink(pool);
  TxScheduler sched(128, 10e9, regs::device_map(Family::i82599));
  TxEngine e(p99(), layout7(), {160 * 1024, 40, 50 * kPsPerUs}, pool, sched, m, sink);
  // A UDP/IPv4 frame as Linux hands it over with CHECKSUM_PARTIAL: the IPv4 checksum 0 (IXSM
  // asks for it), the UDP field holding the folded pseudo-header sum, not complemented.
  std::vector<std::uint8_t> f(14 + 20 + 8 + 37, 0);
  const std::uint8_t hdr[] = {0x02, 0, 0, 0, 0xfe, 0, 0x00, 0x1b, 0x21, 0, 0, 0xff, 0x08, 0x00,
                              0x45, 0, 0, 65, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0, 10, 0, 2, 15, 10, 0, 2, 2,
                              0x30, 0x39, 0x00, 0x09, 0, 45, 0, 0};
  std::memcpy(f.data(), hdr, sizeof hdr);
  for (unsigned i = 42; i < f.size(); ++i) f[i] = static_cast<std::uint8_t>(i * 7);
  // pseudo-header: source, destination, protocol 17, UDP length 45 (RFC 768)
  std::uint32_t ph = 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 17 + 45;
  while (ph >> 16) ph = (ph & 0xFFFF) + (ph >> 16);
  f[40] = static_cast<std::uint8_t>(ph >> 8), f[41] = static_cast<std::uint8_t>(ph);
  std::memcpy(m.mem.data() + kBuffers, f.data(), f.size());
  using T = desc::TxData;
  using C = desc::TxContext;
  Ring& r = e.ring(0);
  r.bal = static_cast<std::uint32_t>(kRing), r.len = kEntries * 16, r.ctl = {true, 32, 1, 1};
  // igb_tx_ctxtdesc: vlan_macip_lens = MACLEN 14 << 9 | IPLEN 20; type_tucmd_mlhl = DEXT |
  // DTYP_CTXT | TUCMD_IPV4 | L4T UDP
  T{C::MACLEN::make(14) | C::IPLEN::make(20), T::DEXT::make(1) | T::DTYP::make(C::kTypeContext) | C::TUCMD_IPV4::make(1), 0}
      .store(m.mem.data() + kRing);
  T{kBuffers,
    T::DTALEN::make(static_cast<unsigned>(f.size())) | T::DTYP::make(T::kTypeAdvancedData) | T::EOP::make(1) |
        T::IFCS::make(1) | T::RS::make(1) | T::DEXT::make(1),
    T::PAYLEN::make(static_cast<unsigned>(f.size())) | T::TXSM::make(1) | T::IXSM::make(1)}
      .store(m.mem.data() + kRing + 16);
  r.tail = 2;
  e.doorbell(r, 0);
  run(e);
  REQUIRE(sink.frames.size() == 1);
  const std::vector<std::uint8_t>& out = sink.frames[0];
  CHECK(out.size() == std::max<std::size_t>(f.size(), 60));  // the context's 16 bytes are not data
  const char* why = nullptr;
  CHECK(packet_checksums_ok(out.data(), static_cast<unsigned>(f.size()), &why));
  INFO((why ? why : ""));
  CHECK(std::equal(out.begin() + 42, out.begin() + static_cast<long>(f.size()), f.begin() + 42));  // payload untouched
  CHECK(e.stats().offload_errors == 0);
  CHECK(desc::TxWriteBack::load(m.mem.data() + kRing + 16).dd());  // the data descriptor's RS
}
