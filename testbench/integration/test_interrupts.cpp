// Interrupt moderation end to end: for every ITR mode of the four drivers, the MSI-X messages
// the Rx vector sends during the traffic window against the rate its EITR interval and the
// offered load allow. The expected rate is integrated by this test from the EITR register as
// the model holds it, sampled every 10 us (an observer: the interval may change as the
// driver's algorithm adapts): a vector throttled to interval T with frames arriving faster
// than 1/T sends one message per T; otherwise one per frame.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <cmath>

#include "model/pcie/endpoint.h"
#include "testbench/support.h"

using namespace iovsim;

namespace {

struct RateCheck {
  double measured = 0, expected = 0;  // messages per second of the window
  double interval_us = 0;             // the vector's EITR interval at the end
};

// 64-byte frames at `fps` to one function of a one-port device with one VF.
RateCheck measure(const char* preset, const char* fn, const char* mode, double fps) {
  const double line_bps = 1e9;  // both presets default to a 1 Gb/s port
  const double load = fps * (64 + 20) * 8 / line_bps;
  const std::string yaml = fmt::format(
      "name: itr\nduration_us: 100000\nwarmup_us: 3000\n"
      "device: {{preset: \"{}\", ports: 1, vfs_per_port: 1}}\n"
      "port0:\n  wire: {{pattern: constant, load: {}, frame_sizes: {{64: 1}}, destinations: {{{}: 1}}}}\n"
      "  {}: {{itr: {}, itr_usecs: 100}}\n",
      preset, load, fn, fn, mode);
  const Scenario s = test::scenario(yaml);
  require_ps_resolution();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(s.quantum_ns, sc_core::SC_NS));
  System sys("iovsim", s);
  sc_core::sc_start(to_sc(sys.traffic_start()));
  const unsigned f = std::string(fn) == "pf" ? sys.endpoint().function_index(0, -1)
                                             : sys.endpoint().function_index(0, 0);
  const FunctionInterrupts& irq = sys.endpoint().interrupts(f);
  int v = -1;  // the vector of the function's (first) Rx queue, as its driver mapped it
  for (unsigned q = 0; v < 0 && 2 * q < irq.regs().ivar.size(); ++q) v = irq.regs().vector_of(q, 0);
  REQUIRE(v >= 0);
  const MsixTable& msix = sys.endpoint().msix(f);
  const std::uint64_t sent0 = msix.sent_per_vector()[static_cast<unsigned>(v)];
  const ps_t step = 10 * kPsPerUs;
  double allowed = 0;
  for (ps_t t = sys.traffic_start(); t < sys.traffic_end(); t += step) {
    const std::uint64_t interval = irq.regs().interval[static_cast<unsigned>(v)];
    const double limit = interval ? 1e12 / static_cast<double>(interval) : 1e300;
    allowed += std::min(fps, limit) * static_cast<double>(step) / 1e12;
    sc_core::sc_start(to_sc(step));
  }
  const double window = static_cast<double>(sys.traffic_end() - sys.traffic_start()) / 1e12;
  RateCheck r;
  r.measured = static_cast<double>(msix.sent_per_vector()[static_cast<unsigned>(v)] - sent0) / window;
  r.expected = allowed / window;
  r.interval_us = static_cast<double>(irq.regs().interval[static_cast<unsigned>(v)]) / 1e6;
  return r;
}

void check_rate(const RateCheck& r) {
  INFO("measured " << r.measured << "/s, expected " << r.expected << "/s, EITR interval "
                   << r.interval_us << " us at the end");
  CHECK(std::abs(r.measured - r.expected) <= 0.01 * r.expected);
}

}  // namespace

// igb (82576 PF): off writes the smallest interval, fixed 100 us, dynamic follows the
// average frame size (64 B: 10 us, faster than the 20 us frame spacing), conservative holds
// it at or above IGB_20K_ITR (49 us).
TEST_CASE("igb ITR off: one message per frame") {
  const RateCheck r = measure("82576", "pf", "off", 50000);
  check_rate(r);
  CHECK(r.measured == Approx(50000).epsilon(0.01));
}
TEST_CASE("igb ITR fixed at 100 us: 10,000 messages per second under 50,000 frames per second") {
  const RateCheck r = measure("82576", "pf", "fixed", 50000);
  check_rate(r);
  CHECK(r.interval_us == 100);
}
TEST_CASE("igb ITR dynamic: small frames set a short interval, below the frame spacing") {
  const RateCheck r = measure("82576", "pf", "dynamic", 50000);
  check_rate(r);
  CHECK(r.interval_us < 20);
}
TEST_CASE("igb ITR dynamic conservative: no faster than IGB_20K_ITR") {
  const RateCheck r = measure("82576", "pf", "conservative", 50000);
  check_rate(r);
  CHECK(r.interval_us == 49);
}
// igbvf: every mode ends at IGBVF_START_ITR (122 us) through igbvf_set_itr (itr.h).
TEST_CASE("igbvf ITR off") { check_rate(measure("82576", "vf0", "off", 50000)); }
TEST_CASE("igbvf ITR fixed at 100 us") { check_rate(measure("82576", "vf0", "fixed", 50000)); }
TEST_CASE("igbvf ITR dynamic") { check_rate(measure("82576", "vf0", "dynamic", 50000)); }
TEST_CASE("igbvf ITR dynamic conservative (the default): 122 us") {
  const RateCheck r = measure("82576", "vf0", "conservative", 50000);
  check_rate(r);
  CHECK(r.interval_us == 122);
}
// ixgbe / ixgbevf: off, fixed (the 82599's EITR counts 2.048 us: 100 us is 102.4), adaptive.
TEST_CASE("ixgbe ITR off") { check_rate(measure("82599", "pf", "off", 50000)); }
TEST_CASE("ixgbe ITR fixed at 100 us") {
  const RateCheck r = measure("82599", "pf", "fixed", 50000);
  check_rate(r);
  CHECK(r.interval_us == Approx(102.4));
}
TEST_CASE("ixgbe ITR adaptive") { check_rate(measure("82599", "pf", "dynamic", 50000)); }
TEST_CASE("ixgbevf ITR off") { check_rate(measure("82599", "vf0", "off", 50000)); }
TEST_CASE("ixgbevf ITR fixed at 100 us") { check_rate(measure("82599", "vf0", "fixed", 50000)); }
TEST_CASE("ixgbevf ITR adaptive") { check_rate(measure("82599", "vf0", "dynamic", 50000)); }

// Software latency behind a throttled vector (docs/validation.md): frames arriving as a
// Poisson stream at rate L on a vector held to one message per T. After a message the next
// frame either comes after T has run out (probability p = exp(-L T); its message goes at
// once) or within it (its message goes at the end of T, with every frame of that interval,
// each having waited a uniform share of it: L T frames on average). So a fraction
// f0 = p / (p + L T) of the frames waits nothing and the rest wait U(0, T): the median wait
// is T (1/2 - f0) / (1 - f0). The software latency's median is the device's plus that.
TEST_CASE("software latency under EITR: the median wait of a Poisson stream is the renewal model's") {
  const double load = 0.0111;  // 16.5 K frames/s of 64 B on 1 Gb/s
  auto m = test::run(
      "name: lat\nduration_us: 200000\nwarmup_us: 3000\n"
      "device: {preset: \"82576\", ports: 1, vfs_per_port: 1}\n"
      "port0:\n  wire: {pattern: poisson, load: 0.0111, frame_sizes: {64: 1}, destinations: {vf0: 1}}\n");
  const auto& f = test::function(m, "port0.vf0");
  const double T = f["interrupts"]["eitr_us"][1].get<double>() * 1e-6;  // igbvf's Rx vector
  REQUIRE(T == Approx(122e-6));
  const double L = load * 1e9 / ((64 + 20) * 8);
  const double p = std::exp(-L * T), f0 = p / (p + L * T);
  const double model_wait_us = T * (0.5 - f0) / (1 - f0) * 1e6;
  const double wait_us = (f["sw_latency_ns"]["p50"].get<double>() - f["latency_ns"]["p50"].get<double>()) / 1e3;
  INFO("median wait " << wait_us << " us, model " << model_wait_us << " us");
  CHECK(std::abs(wait_us - model_wait_us) <= 0.05 * model_wait_us);
}
