#include "model/dma/rx_dma.h"

#include "model/dma/pool_stats.h"

namespace iovsim {

RxDma::RxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
             const RxEngineParams& params, DmaPort* direct)
    : sc_module(name), frames_in("frames_in", this, &RxDma::receive), dma("dma"), port_(dma),
      engine_(prof, layout, params, direct ? *direct : port_), prof_(prof), layout_(layout) {
  SC_HAS_PROCESS(RxDma);
  SC_METHOD(flush);
  sensitive << flush_ev_;
  dont_initialize();
}

void RxDma::map_registers(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs) {
  const regs::DeviceMap& map = prof_.map();
  auto on_tail = [this](Ring& r) { engine_.doorbell(r, access_time()); };
  auto on_enable = [this](Ring& r) { engine_.enable_changed(r); };
  map_rings(pf, map, regs::Direction::Rx, regs::View::PF, prof_.queues_per_port,
            [this](unsigned q) -> Ring& { return engine_.ring(q); }, on_tail, on_enable);
  // 82599: the Rx packet buffers' sizes (RXPBSIZE, the classes' buffers with DCB) and the Rx
  // arbiter's registers, stored (the buffers drain independently, docs/fidelity.md).
  for (const regs::RxDcbRegDecl& r : map.rx_dcb_decls()) switch (r.role) {
      case regs::RxDcbReg::BufferSize:
        pf.add(r.decl, [this, &map](unsigned i) { return map.encode_rx_buffer_bytes(engine_.buffer_bytes(i)); },
               [this, &map](unsigned i, std::uint32_t v) { engine_.set_buffer_bytes(i, map.decode_rx_buffer_bytes(v)); });
        break;
      case regs::RxDcbReg::Control:
        pf.add(r.decl, [this](unsigned) { return rtrpcs_; }, [this](unsigned, std::uint32_t v) { rtrpcs_ = v; });
        break;
      case regs::RxDcbReg::TcCredit:
        pf.add(r.decl, [this](unsigned i) { return rtrpt4c_[i]; },
               [this](unsigned i, std::uint32_t v) { rtrpt4c_[i] = v; });
        break;
    }
  for (unsigned v = 0; v < vfs.size(); ++v)
    map_rings(*vfs[v], map, regs::Direction::Rx, regs::View::VF, prof_.queues_per_pool,
              [this, v](unsigned i) -> Ring& { return engine_.ring(prof_.queue_of(v, i)); },
              on_tail, on_enable);
  map_pool_stats(pf, vfs, prof_, regs::Direction::Rx, [this](unsigned pool) {
    PoolCounts c;
    for (unsigned i = 0; i < prof_.queues_per_pool; ++i) {
      const RxEngine::QueueStats& q = engine_.queue_stats(prof_.queue_of(pool, i));
      c.packets += q.rx.frames, c.octets += q.rx.bytes, c.multicast += q.multicast;
    }
    return c;
  });
}

void RxDma::arm_flush() {
  const ps_t at = engine_.flush_deadline();
  if (at == RxEngine::kNever) return;
  const ps_t now = now_ps();
  flush_ev_.notify(to_sc(at > now ? at - now : 0));  // an earlier pending notification stays
}

void RxDma::flush() {
  engine_.flush_due(now_ps());
  arm_flush();
}

void RxDma::receive(FramePayload& p, sc_core::sc_time& delay) {
  const int fn = layout_.function_of_pool(static_cast<unsigned>(p.pool_id));
  engine_.receive(p.frame(), p.queue, fn, p.rss_hash, now_ps() + to_ps(delay));
  p.pool->release(p.handle);
  if (engine_.flush_deadline() != RxEngine::kNever) arm_flush();
}

}  // namespace iovsim
