// The Ethernet MAC of one port. Rx: serialises each frame at line rate counting preamble + SFD,
// the frame (which includes its FCS) and the inter-frame gap, drops runts, giants and frames
// with a bad FCS (counted per port), and hands good frames to the sorter at the time their
// last byte arrives. Tx: serialises frames onto the wire and counts them. Both directions are
// busy-until bookkeeping: no thread, no event per frame (with DCB's packet plane, one event
// per Tx frame). Pause frames are not modelled.
#pragma once
#include <functional>
#include <vector>

#include <systemc>

#include "model/core/frame_protocol.h"
#include "model/core/fifo_ring.h"
#include "model/core/frame_tap.h"
#include "model/core/probes.h"
#include "model/core/transaction_log.h"
#include "model/core/metrics_registry.h"
#include "model/core/stats.h"
#include "model/qos/packet_plane.h"

namespace iovsim {

struct MacParams {
  unsigned port = 0;
  double line_bps = 1e9;
  unsigned max_frame = 1522;
};

// Wire time of one frame in picoseconds including preamble, SFD and inter-frame gap.
inline ps_t frame_slot_ps(unsigned frame_len, double line_bps) {
  return serialization_ps(frame_len + kPreambleSfdBytes + kIfgBytes, line_bps);
}

class Mac : public sc_core::sc_module {
public:
  FrameTargetSocket<Mac> rx_in;   // from the wire (link partner)
  FrameInitiatorSocket rx_out;    // to the sorter
  FrameTargetSocket<Mac> tx_in;   // from the sorter, to the wire

  Mac(sc_core::sc_module_name name, const MacParams& p);

  struct Stats {
    FrameCount wire_rx;  // every frame from the link partner, good or bad
    FrameCount wire_tx;  // frames put on the wire
  };
  const Stats& stats() const { return stats_; }  // wire_tx: frames whose slot has started
  const DropCounter& drops() const { return drops_; }
  // The link partner's answers (model/platform/link_partner.h: ARP and ICMP echo): `answer`
  // gets each frame the port sends (without its FCS) and may write a reply (without FCS) into
  // `out`, returning its length; the reply comes back on the Rx wire `turnaround` after the
  // request's last bit. Unset: the wire only counts what it is sent.
  using Answer = std::function<unsigned(const std::uint8_t* f, unsigned len, std::uint8_t* out, unsigned cap)>;
  void set_partner(Answer a, ps_t turnaround) { answer_ = std::move(a), turnaround_ = turnaround; }
  // DCB: frames wait in their class's Tx packet buffer (`plane`) and the packet-plane arbiter
  // picks each wire slot's frame (one event per frame); `sent` hears of each as it leaves
  // (queue, bytes, the frame's origin, the end of its slot). Unset: one FIFO to the wire, no
  // thread, no event.
  using Sent = std::function<void(unsigned queue, unsigned len, ps_t origin, ps_t leave)>;
  void use_packet_plane(PacketPlane* plane, const regs::TxDcbCfg& classes, Sent sent);  // classes: a queue's class
  void publish(MetricsRegistry& m);
  // Observation: the wire in each direction (frames from the first bit of their preamble;
  // busy while a frame's preamble and bytes are on the wire, the gap after it idle).
  void observe(FrameTap* rx, FrameTap* tx, ProbeRecorder* probes, TransactionLog* log = nullptr);

private:
  // A burst from the link partner: each frame's t is when its first bit may start (the wire
  // is shared: later if the frame before is still arriving); the good ones go on to the sorter
  // in one burst, t the time their last byte arrived.
  void receive(FrameBurst& b);
  // From the sorter: each frame's t is when it is ready to go; on return, when its last byte
  // has left (the end of its slot, inter-frame gap included): its Tx packet buffer space is
  // free from then on. DCB: `deferred` set, the packet plane sends it later.
  void transmit(FrameBurst& b);
  // Tx frames handed over ahead of their wire slot (the Tx packet buffer holds them): counted
  // in wire_tx once their first bit is on the wire (settle).
  void settle(ps_t t);
  // Puts the frame on the wire at `start` (>= now): the busy-until bookkeeping, taps, stats,
  // the partner's answer; releases the frame.
  [[gnu::always_inline]] inline void send(Frame& f, FramePool& pool, FrameHandle h, ps_t start, ps_t now);
  void wire_slot();  // DCB: the packet plane's next frame, at the wire's free time
  PacketPlane* plane_ = nullptr;
  const regs::TxDcbCfg* classes_ = nullptr;
  Sent sent_;
  sc_core::sc_event wire_ev_;
  struct Queued {
    ps_t start;
    unsigned len;
  };
  FifoRing<Queued> queued_;  // bounded by the Tx buffer
  MacParams p_;
  Stats stats_;
  DropCounter drops_;  // runts, giants, FCS errors: frames of no function
  ps_t rx_busy_ = 0, tx_busy_ = 0;
  ps_t ps_per_byte_ = 0;  // the line rate's picoseconds a byte when whole (0: not)
  ps_t wire_ps(unsigned bytes) const {  // serialization_ps at the line rate
    return ps_per_byte_ ? bytes * ps_per_byte_ : serialization_ps(bytes, p_.line_bps);
  }
  FrameTap* tap_rx_ = nullptr;
  FrameTap* tap_tx_ = nullptr;
  Probe busy_rx_, busy_tx_;
  TransactionLog* log_ = nullptr;
  Answer answer_;
  ps_t turnaround_ = 0;
  std::uint64_t replies_ = 0;
  std::vector<std::uint8_t> answer_buf_;  // the partner writes its reply here (sized at the first frame)
  FrameBurst reply_burst_;  // the reply on its way in
  [[gnu::cold]] void reply(FramePool& pool, const Frame& request, ps_t request_end);
  [[gnu::cold]] void log_frame(bool rx, const Frame& f, ps_t start, const char* drop) const;
};

}  // namespace iovsim
