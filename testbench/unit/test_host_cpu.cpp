// The host CPU model without a kernel: bookings on a core's timeline, queueing, the backlog
// that drops, the bytes the hypervisor holds, what the traffic window counts. Expected times
// and counts written out here from the costs.
#include <catch2/catch.hpp>

#include "model/host/host_cpu.h"

using namespace iovsim;

namespace {
constexpr ps_t kUs = 1'000'000;
CpuCosts costs() {
  CpuCosts c;
  c.rx_frame = 1000;  // 1 us at 1 GHz
  c.interrupt = 500;
  c.copy_setup = 100;
  c.copy_per_byte = 0.5;
  c.flip = 2000;
  return c;
}
}  // namespace

TEST_CASE("host cpu: work on one core queues, on another runs at once, out of order fits a gap") {
  HostCpu cpu(2, 1.0, costs(), 1000);
  CHECK(cpu.run(0, 0, CpuWork::rx_frame) == 1 * kUs);
  CHECK(cpu.run(0, 0, CpuWork::rx_frame) == 2 * kUs);          // behind the first
  CHECK(cpu.run(1, 0, CpuWork::rx_frame) == 1 * kUs);          // the other core is free
  CHECK(cpu.run(0, 10 * kUs, CpuWork::rx_frame) == 11 * kUs);  // a booking further ahead
  CHECK(cpu.run(0, 2 * kUs, CpuWork::interrupt) == 2 * kUs + kUs / 2);  // an earlier one fits before it
  CHECK(cpu.run(0, 0, CpuWork::copy, 1000) == 2 * kUs + kUs / 2 + 600'000);  // 100 + 0.5 x 1000 cycles, in the gap
  CHECK(cpu.run(0, 0, CpuWork::tx_frame) == 0);  // no cost: nothing booked
  CHECK(cpu.cores() == 2);
}

TEST_CASE("host cpu: a core's queue holds backlog_frames frames, then drops") {
  HostCpu cpu(1, 1.0, costs(), 3);
  TrafficWindow w{0, 100 * kUs, true, nullptr};
  cpu.set_window(&w);
  for (ps_t d : {10 * kUs, 20 * kUs, 30 * kUs}) {
    REQUIRE(cpu.admit(0, 0));
    cpu.queued(0, d);
  }
  CHECK_FALSE(cpu.admit(0, 5 * kUs));  // three waiting
  CHECK(cpu.backlog_drops() == 1);
  CHECK(cpu.admit(0, 10 * kUs));       // the first is done at 10 us
  cpu.queued(0, 40 * kUs);
  CHECK_FALSE(cpu.admit(0, 19 * kUs));
  CHECK(cpu.admit(0, 31 * kUs));       // two done by then
  CHECK(cpu.backlog_drops() == 2);
}

TEST_CASE("host cpu: the peak of the bytes held until their hand-off") {
  HostCpu cpu(1, 1.0, costs(), 10);
  cpu.hold(0, 100, 500);
  cpu.hold(50, 200, 300);  // 800 held
  cpu.hold(150, 160, 100);  // the first released: 400
  cpu.hold(300, 300, 900);  // released at once: never held
  CHECK(cpu.peak_held_bytes() == 800);
}

TEST_CASE("host cpu: counts from the traffic window's start, utilisation inside it") {
  HostCpu cpu(2, 2.0, costs(), 10);
  TrafficWindow w{10 * kUs, 20 * kUs, true, nullptr};
  cpu.set_window(&w);
  cpu.run(0, 0, CpuWork::rx_frame);               // before the window: not counted
  cpu.run(0, 18 * kUs, CpuWork::rx_frame);        // 0.5 us at 2 GHz, inside
  cpu.run(0, 19'800'000, CpuWork::rx_frame);      // 0.2 us of it inside the window
  cpu.run(1, 30 * kUs, CpuWork::interrupt);       // after it (the drain): counted, not in utilisation
  cpu.run(1, 12 * kUs, CpuWork::copy, 200);       // 200 cycles
  cpu.run(1, 12 * kUs, CpuWork::flip);
  CHECK(cpu.cycles(CpuWork::rx_frame) == 2000);
  CHECK(cpu.cycles(CpuWork::copy) == 200);
  CHECK(cpu.cycles(CpuWork::flip) == 2000);
  CHECK(cpu.cycles(CpuWork::interrupt) == 500);
  CHECK(cpu.total_cycles() == 4700);
  CHECK(cpu.copies() == 1);
  CHECK(cpu.busy_ps(0) == Approx(700'000));              // 0.5 + 0.2 us
  CHECK(cpu.busy_ps(1) == Approx(100'000 + 1'000'000));  // the copy and the flip
  cpu.delivered(5 * kUs);
  cpu.delivered(15 * kUs);
  CHECK(cpu.delivered_frames() == 1);
}
