// The frame protocol: TLM-2.0 sockets whose payload is a frame handle plus the routing the
// sorter decided, carried between MAC, sorter and DMA. It has its own protocol traits, so a
// frame socket cannot be bound to a memory-mapped (generic payload) socket by mistake.
// Only the blocking transport is used: b_transport(payload, delay) where `delay` is the time,
// relative to the caller's kernel time, at which the frame's last byte reaches the callee.
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
  Frame& frame() const { return (*pool)[handle]; }
};

struct frame_protocol_types {
  using tlm_payload_type = FramePayload;
  using tlm_phase_type = tlm::tlm_phase;
};

// Target side: forwards b_transport to a member function; the other transport calls are not
// part of the frame protocol and answer as a target that does not support them.
template <class Module>
class FrameTargetSocket : public tlm::tlm_target_socket<32, frame_protocol_types>,
                          private tlm::tlm_fw_transport_if<frame_protocol_types> {
public:
  using Fn = void (Module::*)(FramePayload&, sc_core::sc_time&);
  FrameTargetSocket(const char* name, Module* m, Fn fn)
      : tlm::tlm_target_socket<32, frame_protocol_types>(name), module_(m), fn_(fn) {
    this->bind(static_cast<tlm::tlm_fw_transport_if<frame_protocol_types>&>(*this));
  }

private:
  void b_transport(FramePayload& p, sc_core::sc_time& d) override { (module_->*fn_)(p, d); }
  tlm::tlm_sync_enum nb_transport_fw(FramePayload&, tlm::tlm_phase&,
                                     sc_core::sc_time&) override {
    SC_REPORT_ERROR("iovsim/frame", "nb_transport is not part of the frame protocol");
    return tlm::TLM_COMPLETED;
  }
  bool get_direct_mem_ptr(FramePayload&, tlm::tlm_dmi&) override { return false; }
  unsigned transport_dbg(FramePayload&) override { return 0; }
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
  void send(FramePayload& p, sc_core::sc_time& d) { (*this)->b_transport(p, d); }

private:
  tlm::tlm_sync_enum nb_transport_bw(FramePayload&, tlm::tlm_phase&,
                                     sc_core::sc_time&) override {
    return tlm::TLM_COMPLETED;
  }
  void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}
};

}  // namespace iovsim
