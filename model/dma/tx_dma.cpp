#include "model/dma/tx_dma.h"

#include "model/dma/pool_stats.h"

#include "model/core/quantum_keeper.h"

#include <algorithm>

namespace iovsim {

TxDma::TxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
             const TxEngineParams& params, FramePool& pool, TxArbiter& arbiter,
             DmaPort* direct)
    : sc_module(name), frames_out("frames_out"), dma("dma"), prof_(prof), layout_(layout),
      pool_(pool), port_(dma),
      engine_(prof, layout, params, pool, arbiter, direct ? *direct : port_, *this) {
  SC_HAS_PROCESS(TxDma);
  SC_THREAD(run);
}

void TxDma::map_registers(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs) {
  const regs::DeviceMap& map = prof_.map();
  auto on_tail = [this](Ring& r) {
    engine_.doorbell(r, access_time());
    if (engine_.has_work()) doorbell_.notify(sc_core::SC_ZERO_TIME);
  };
  auto on_enable = [this](Ring& r) { engine_.enable_changed(r, access_time()); };
  map_rings(pf, map, regs::Direction::Tx, regs::View::PF, prof_.queues_per_port,
            [this](unsigned q) -> Ring& { return engine_.ring(q); }, on_tail, on_enable);
  for (unsigned v = 0; v < vfs.size(); ++v)
    map_rings(*vfs[v], map, regs::Direction::Tx, regs::View::VF, prof_.queues_per_pool,
              [this, v](unsigned i) -> Ring& { return engine_.ring(prof_.queue_of(v, i)); },
              on_tail, on_enable);
  map_pool_stats(pf, vfs, prof_, regs::Direction::Tx, [this](unsigned pool) {
    PoolCounts c;
    for (unsigned i = 0; i < prof_.queues_per_pool; ++i) {
      const FrameCount& q = engine_.queue_stats(prof_.queue_of(pool, i));
      c.packets += q.frames, c.octets += q.bytes;
    }
    return c;
  });
}

ps_t TxDma::transmit(FrameHandle h, unsigned queue, unsigned pool, ps_t ready) {
  FrameBurst& b = out_;
  b.start(now_ps());
  FramePayload& p = b.add();
  p.pool = &pool_;
  p.handle = h;
  p.port = static_cast<std::uint16_t>(layout_.port);
  p.pool_id = static_cast<std::int16_t>(pool);
  p.queue = static_cast<std::uint16_t>(queue);
  p.rss_hash = 0;
  p.deferred = false;
  p.t = ready;
  frames_out.send(b);  // on return: when the frame left the Tx packet buffer
  if (p.deferred) return TxSink::kDeferred;  // DCB: the packet plane sends it later (wire_done)
  return p.t;
}

void TxDma::wire_done(unsigned queue, unsigned len, ps_t origin, ps_t leave) {
  engine_.wire_done(queue, len, origin, leave);
  if (engine_.blocked_on_buffer()) doorbell_.notify(to_sc(leave - now_ps()));  // its class has room from then
}

void TxDma::run() {
  QuantumKeeper qk;
  qk.reset();
  LocalTime lt(qk);
  for (;;) {
    const ps_t t = now_ps() + lt.local();
    if (engine_.flush_deadline() <= t) engine_.flush_due(t);
    const TxEngine::Step s = engine_.step(t);
    if (s.kind == TxEngine::Step::Served) {
      const ps_t now = now_ps();
      lt.set(s.t > now ? s.t - now : 0);
      if (lt.need_sync(now)) lt.sync();
      continue;
    }
    // Idle, or every queue with work is rate limited (or, with DCB, its class's buffer full):
    // sleep until a doorbell, the limiter's time or a write-back flush, whichever comes first.
    const bool ahead = lt.local() > 0;
    lt.sync();
    if (ahead && engine_.blocked_on_buffer()) continue;  // frames may have left while it caught up
    const ps_t now = now_ps();
    const ps_t until = std::min(s.kind == TxEngine::Step::Wait ? s.t : TxEngine::kNever,
                                engine_.flush_deadline());
    if (until == TxEngine::kNever)
      wait(doorbell_);
    else if (until > now)
      wait(to_sc(until - now), doorbell_);
  }
}

}  // namespace iovsim
