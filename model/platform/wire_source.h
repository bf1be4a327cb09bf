// The link partner of one port: a traffic generator on the wire side. Constant-rate or Poisson
// arrivals at a fraction of line rate, a weighted frame-size mix and a weighted destination mix
// (VFs, PF, broadcast, unknown unicast). One SC_THREAD that runs ahead of kernel time within
// the global quantum and hands the frames to the MAC in bursts, each frame with its absolute
// start: no event and no allocation per frame.
#pragma once
#include <memory>
#include <random>
#include <vector>

#include <systemc>

#include "model/core/frame_protocol.h"
#include "model/core/quantum_keeper.h"
#include "model/core/metrics_registry.h"
#include "model/platform/traffic_generator.h"
#include "model/core/scenario.h"
#include "model/core/stats.h"
#include "model/core/traffic_window.h"

namespace iovsim {

class FlowControl;
class PcapReader;

struct WireSourceParams {
  unsigned port = 0;
  WireCfg cfg;
  double line_bps = 1e9;
  const TrafficWindow* window = nullptr;  // the first frame starts at its start, none at its end or later
  std::uint64_t seed = 1;
  // Frames handed to the MAC per call (scenario frame_burst; 1 with flow control on, where
  // the device's pauses act on the partner's next frame).
  unsigned burst = 1;
  std::vector<std::uint64_t> vf_macs;
  std::uint64_t pf_mac = 0;
  FlowControl* pause = nullptr;  // the port's flow control: the partner honours its pauses
  // The port's link fails at *link_down (absolute, set when the window is decided; never:
  // ~0): the partner sends nothing on it from then on.
  const ps_t* link_down = nullptr;
  // Active-backup bonding, the backup port: from *takeover_at the partner floods the active
  // port's traffic (takeover: that port's wire, with its stations' addresses) here.
  const ps_t* takeover_at = nullptr;
  WireCfg takeover;
  std::vector<std::uint64_t> takeover_vf_macs;
  std::uint64_t takeover_pf_mac = 0;
};

class WireSource : public sc_core::sc_module {
public:
  FrameInitiatorSocket out;
  WireSource(sc_core::sc_module_name name, const WireSourceParams& p, FramePool& pool);
  ~WireSource() override;
  std::uint64_t injected() const { return injected_; }
  void publish(MetricsRegistry& m) const;

private:
  void run();
  void run_takeover();  // the failed port's traffic, after its link went down
  void replay();  // wire.trace: the trace's frames instead of the generator's
  // Into the burst to the MAC, its first bit at t; the burst goes when full (and, out.flush,
  // before kernel time may advance and at the end).
  void send(FrameBurst& b, FrameHandle h, ps_t t);
  WireSourceParams p_;
  FramePool& pool_;
  std::uint64_t injected_ = 0;  // frames the link partner started
  DropCounter drops_;           // frames the model had no slot for
  std::unique_ptr<PcapReader> trace_;
  TrafficGenerator gen_;
  std::unique_ptr<TrafficGenerator> take_gen_;
  // One generator's frames from `t` until `stop` (the window's end or the link's failure).
  void generate(TrafficGenerator& gen, ps_t t, ps_t stop, QuantumKeeper& qk);
  std::uint64_t replayed_ = 0;
};

}  // namespace iovsim
