#include "model/dma/rx_dma.h"

#include "model/dma/pool_stats.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/core/metrics_registry.h"

namespace iovsim {

RxDma::RxDma(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
             const RxEngineParams& params, DmaPort* direct)
    : sc_module(name), frames_in("frames_in", this, &RxDma::receive), dma("dma"), port_(dma),
      engine_(prof, layout, params, direct ? *direct : port_), prof_(prof), layout_(layout) {
  SC_HAS_PROCESS(RxDma);
  SC_METHOD(flush);
  sensitive << flush_ev_;
  dont_initialize();
  if (prof.dcb_tcs) {
    plane_ = std::make_unique<PacketPlane>(arb_);
    SC_METHOD(rx_slot);
    sensitive << slot_ev_;
    dont_initialize();
  }
}

void RxDma::publish(MetricsRegistry& m) const {
  engine_.publish(m);
  if (!plane_) return;
  const std::string port = fmt::format("/ports/{}/", layout_.port);
  m.value(port + "rx_arbiter", [this] { return arb_.wsp ? "wsp" : "rr"; }, Unit::None,
          "DCB: the Rx arbiter between the classes' buffers (RTRPCS.RAC: rr round robin, wsp weighted strict priority)");
  plane_->publish(m, port + "rx_buffers/", prof_.dcb_tcs, false);
}

void RxDma::map_registers(regs::RegisterSpace& pf, const std::vector<regs::RegisterSpace*>& vfs) {
  const regs::DeviceMap& map = prof_.map();
  auto on_tail = [this](Ring& r) { engine_.doorbell(r, access_time()); };
  auto on_enable = [this](Ring& r) { engine_.enable_changed(r); };
  map_rings(pf, map, regs::Direction::Rx, regs::View::PF, prof_.queues_per_port,
            [this](unsigned q) -> Ring& { return engine_.ring(q); }, on_tail, on_enable);
  // 82599: the Rx packet buffers' sizes (RXPBSIZE, the classes' buffers with DCB) and the Rx
  // arbiter's registers (RTRPCS, RTRPT4C), decoded on every write.
  for (const regs::RxDcbRegDecl& r : map.rx_dcb_decls()) switch (r.role) {
      case regs::RxDcbReg::BufferSize:
        pf.add(r.decl, [this, &map](unsigned i) { return map.encode_rx_buffer_bytes(engine_.buffer_bytes(i)); },
               [this, &map](unsigned i, std::uint32_t v) { engine_.set_buffer_bytes(i, map.decode_rx_buffer_bytes(v)); });
        break;
      case regs::RxDcbReg::Control:
        pf.add(r.decl, [this](unsigned) { return rtrpcs_; }, [this](unsigned, std::uint32_t v) {
          rtrpcs_ = v;
          decode_arbiter();
        });
        break;
      case regs::RxDcbReg::TcCredit:
        pf.add(r.decl, [this](unsigned i) { return rtrpt4c_[i]; }, [this](unsigned i, std::uint32_t v) {
          rtrpt4c_[i] = v;
          decode_arbiter();
        });
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

void RxDma::decode_arbiter() {
  const std::uint64_t gen = arb_.generation + 1;
  arb_ = prof_.map().decode_rx_arbiter(rtrpcs_, rtrpt4c_);
  arb_.generation = gen;  // the plane refreshes its arbiter at its next decision
}

void RxDma::receive(FrameBurst& b) {
  for (unsigned i = 0; i < b.n; ++i) {
    FramePayload& p = b.f[i];
    const int fn = layout_.function_of_pool(static_cast<unsigned>(p.pool_id));
    if (__builtin_expect(plane_ != nullptr, 0)) {
      hold(p, fn, p.t);
      continue;
    }
    engine_.receive(p.frame(), p.queue, fn, p.rss_hash, p.t);
    p.pool->release(p.handle);
  }
  // Once a burst: the deadline only falls between flushes, and an earlier pending
  // notification stays, so this is the notification each frame would have made.
  if (engine_.flush_deadline() != RxEngine::kNever) arm_flush();
}

void RxDma::hold(FramePayload& p, int fn, ps_t arrive) {
  const Frame& f = p.frame();
  if (engine_.admit(f, p.queue, fn, arrive) != Drop::kCount) {
    p.pool->release(p.handle);
    return;
  }
  // The plane keeps the payload's reference to the frame until the frame is started.
  plane_->push(engine_.class_of(p.queue),
               {p.pool, p.handle, p.queue, f.len, arrive, static_cast<std::int16_t>(fn), p.rss_hash});
  const ps_t now = now_ps();
  slot_ev_.notify(to_sc(arrive > now ? arrive - now : 0));  // an earlier pending notification stays
}

void RxDma::rx_slot() {
  const ps_t now = now_ps();
  for (unsigned i = 0; i < n_outstanding_;)  // writes done by now
    if (outstanding_[i] <= now)
      outstanding_[i] = outstanding_[--n_outstanding_];
    else
      ++i;
  WireFrame w;
  ps_t next = PacketPlane::kNever;
  while (n_outstanding_ < kWindow && plane_->pop(now, w, next)) {
    ps_t done = now;
    if (engine_.deliver((*w.pool)[w.handle], w.queue, w.fn, w.rss_hash, w.ready, now, done) == Drop::kCount &&
        done > now)
      outstanding_[n_outstanding_++] = done;
    w.pool->release(w.handle);
  }
  if (engine_.flush_deadline() != RxEngine::kNever) arm_flush();
  if (plane_->empty()) return;
  if (n_outstanding_ == kWindow) next = *std::min_element(outstanding_, outstanding_ + kWindow);
  if (next != PacketPlane::kNever) slot_ev_.notify(to_sc(next - now));
}

}  // namespace iovsim
