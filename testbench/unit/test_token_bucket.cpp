// The Tx rate limiter and the round-robin arbiter, programmed through their registers.
#include <catch2/catch.hpp>

#include "model/regs/device_map.h"
#include "testbench/reg_offsets.h"
#include "model/qos/tx_scheduler.h"

using namespace iovsim;

namespace {
// What igb_set_vf_rate_limit writes for `rate` Mb/s on a `link` Mb/s port.
std::uint32_t bcnrc(double link, double rate) {
  auto rf_int = static_cast<std::uint32_t>(link / rate);
  auto rf_dec = static_cast<std::uint32_t>((link - rf_int * rate) * 16384 / rate);
  namespace t = test::t76;  // the fields written out in the test
  return t::RTTBCNRC_RS_ENA::set(0, 1) | t::RTTBCNRC_RF_INT::set(0, rf_int) |
         t::RTTBCNRC_RF_DEC::set(0, rf_dec);
}
}  // namespace

TEST_CASE("RTTBCNRC programs link / RF") {
  TxScheduler s(16, 1e9, regs::device_map(Family::i82576));
  regs::RegisterSpace rs;
  s.map_registers(rs);
  rs.write(test::t76::RTTDQSEL, 3);
  rs.write(test::t76::RTTBCNRM, 0x14);
  rs.write(test::t76::RTTBCNRC, bcnrc(1000, 300));
  CHECK(s.programmed_rate_bps(3) == Approx(300e6).epsilon(1e-4));
  CHECK(s.programmed_rate_bps(2) == 0);
  rs.write(test::t76::RTTBCNRC, 0);  // RS_ENA clear: off
  CHECK(s.programmed_rate_bps(3) == 0);
  CHECK_FALSE(s.limiter(3).enabled());
  rs.write(test::t76::RTTDQSEL, 40);  // beyond the port's queues: ignored
  rs.write(test::t76::RTTBCNRC, bcnrc(1000, 300));
  std::uint32_t v = 1;
  rs.read(test::t76::RTTBCNRC, v);
  CHECK(v == 0);
}

TEST_CASE("a backlogged limited queue gets its rate, round robin serves the others") {
  TxScheduler s(4, 1e9, regs::device_map(Family::i82576));
  regs::RegisterSpace rs;
  s.map_registers(rs);
  rs.write(test::t76::RTTDQSEL, 1);
  rs.write(test::t76::RTTBCNRC, bcnrc(1000, 100));
  QueueMask pending;
  pending.set(1);
  ps_t t = 0, horizon = 100 * kPsPerMs;
  std::uint64_t bytes = 0;
  while (t < horizon) {
    ps_t at = 0;
    int q = s.pick(pending, t, at);
    if (q < 0) {
      REQUIRE(at > t);
      t = at;
      continue;
    }
    s.charge(static_cast<unsigned>(q), 1518, t);
    bytes += 1518;
    t += 12304 * 1000;  // one 1518-byte frame slot at 1 Gb/s
  }
  double rate = bytes * 8.0 / (static_cast<double>(horizon) / 1e12);
  CHECK(rate == Approx(100e6).epsilon(0.02));

  pending.reset();
  pending.set(0), pending.set(2), pending.set(3);
  ps_t at = 0;
  CHECK(s.pick(pending, t, at) == 2);  // after queue 1, round robin continues at 2
  CHECK(s.pick(pending, t, at) == 3);
  CHECK(s.pick(pending, t, at) == 0);
  CHECK(s.pick(pending, t, at) == 2);
}
