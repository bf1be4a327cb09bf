// The frame protocol: TLM-2.0 sockets whose payload is a burst of frame handles, each with the
// routing the sorter decided and an absolute time, carried between MAC, sorter and DMA. It has
// its own protocol traits, so a frame socket cannot be bound to a memory-mapped (generic
// payload) socket by mistake. Only the blocking transport is used: b_transport(burst, delay)
// with `delay` zero in and out: each frame's time is its entry's absolute `t` (picoseconds),
// and the burst carries the kernel time its initiator read once (`now`), so a block handles a
// burst in one call without a conversion or a kernel-time read per frame. What `t` means on
// each hop (first bit, last byte, ready, done) is stated at the target's function.
#pragma once
#include <cstdint>
#include <tlm>

#include "model/core/frame.h"

namespace iovsim {

struct FramePayload {
  FramePool* pool = nullptr;
  FrameHandle handle = kNoFrame;
  std::uint16_t port = 0;
  std::int16_t pool_id = -1;  // destination pool chosen by the sorter (Rx), source pool (Tx)
  std::uint16_t queue = 0;    // destination queue index within the port
  std::uint32_t rss_hash = 0; // RSS hash the sorter computed (0: none), written back by DMA
  bool deferred = false;      // Tx, DCB: the MAC's packet plane holds it for a later wire slot
  ps_t t = 0;                 // the frame's time on this hop, absolute
  Frame& frame() const { return (*pool)[handle]; }
};

// Up to kMax frames in one call, in the order the hardware sees them. Bursts never cross a
// point where the initiator lets kernel time advance (a quantum keeper's sync), so a burst of
// n frames reaches every block in the same state as n calls of one frame would, and the
// results are the same (scenario key `frame_burst`; testbench/cli_burst.cmake compares them).
struct FrameBurst {
  static constexpr unsigned kMax = kMaxFrameBurst;
  ps_t now = 0;    // kernel time when the initiator sent it
  unsigned n = 0;  // frames in f[0..n)
  FramePayload f[kMax];
  void start(ps_t kernel_now) { now = kernel_now, n = 0; }
  FramePayload& add() { return f[n++]; }  // the caller checks full() first
  bool full() const { return n == kMax; }
};

struct frame_protocol_types {
  using tlm_payload_type = FrameBurst;
  using tlm_phase_type = tlm::tlm_phase;
};

// Target side: forwards b_transport to a member function; the other transport calls are not
// part of the frame protocol and answer as a target that does not support them.
template <class Module>
class FrameTargetSocket : public tlm::tlm_target_socket<32, frame_protocol_types>,
                          private tlm::tlm_fw_transport_if<frame_protocol_types> {
public:
  using Fn = void (Module::*)(FrameBurst&);
  FrameTargetSocket(const char* name, Module* m, Fn fn)
      : tlm::tlm_target_socket<32, frame_protocol_types>(name), module_(m), fn_(fn) {
    this->bind(static_cast<tlm::tlm_fw_transport_if<frame_protocol_types>&>(*this));
  }

private:
  void b_transport(FrameBurst& b, sc_core::sc_time&) override { (module_->*fn_)(b); }
  tlm::tlm_sync_enum nb_transport_fw(FrameBurst&, tlm::tlm_phase&,
                                     sc_core::sc_time&) override {
    SC_REPORT_ERROR("iovsim/frame", "nb_transport is not part of the frame protocol");
    return tlm::TLM_COMPLETED;
  }
  bool get_direct_mem_ptr(FrameBurst&, tlm::tlm_dmi&) override { return false; }
  unsigned transport_dbg(FrameBurst&) override { return 0; }
  Module* module_;
  Fn fn_;
};

class FrameInitiatorSocket : public tlm::tlm_initiator_socket<32, frame_protocol_types>,
                             private tlm::tlm_bw_transport_if<frame_protocol_types> {
public:
  explicit FrameInitiatorSocket(const char* name)
      : tlm::tlm_initiator_socket<32, frame_protocol_types>(name) {
    this->bind(static_cast<tlm::tlm_bw_transport_if<frame_protocol_types>&>(*this));
  }
  void send(FrameBurst& b) {
    sc_core::sc_time zero;  // unused: the entries carry absolute times
    (*this)->b_transport(b, zero);
  }
  // Sends b if it holds frames and starts it again.
  void flush(FrameBurst& b) {
    if (b.n) send(b);
    b.n = 0;
  }

private:
  tlm::tlm_sync_enum nb_transport_bw(FrameBurst&, tlm::tlm_phase&,
                                     sc_core::sc_time&) override {
    return tlm::TLM_COMPLETED;
  }
  void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}
};

}  // namespace iovsim
