// The link partner of one port: a traffic generator on the wire side. Constant-rate or Poisson
// arrivals at a fraction of line rate, a weighted frame-size mix and a weighted destination mix
// (VFs, PF, broadcast, unknown unicast). One SC_THREAD that runs ahead of kernel time within
// the global quantum and hands each frame to the MAC with an annotated delay: no event and no
// allocation per frame.
#pragma once
#include <memory>
#include <random>
#include <vector>

#include <systemc>

#include "model/core/frame_protocol.h"
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
  std::vector<std::uint64_t> vf_macs;
  std::uint64_t pf_mac = 0;
  FlowControl* pause = nullptr;  // the port's flow control: the partner honours its pauses
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
  void replay();  // wire.trace: the trace's frames instead of the generator's
  void send(FrameHandle h, ps_t t);  // to the MAC, its first bit at t
  WireSourceParams p_;
  FramePool& pool_;
  std::uint64_t injected_ = 0;  // frames the link partner started
  DropCounter drops_;           // frames the model had no slot for
  std::unique_ptr<PcapReader> trace_;
  TrafficGenerator gen_;
  std::uint64_t replayed_ = 0;
};

}  // namespace iovsim
