// The Tx rate limiter and the round-robin arbiter, programmed through their registers.
#include <catch2/catch.hpp>

#include "model/regs/map_82576.h"
#include "model/qos/tx_scheduler.h"

using namespace iovsim;

namespace {
// What igb_set_vf_rate_limit writes for `rate` Mb/s on a `link` Mb/s port.
std::uint32_t bcnrc(double link, double rate) {
  auto rf_int = static_cast<std::uint32_t>(link / rate);
  auto rf_dec = static_cast<std::uint32_t>((link - rf_int * rate) * 16384 / rate);
  using R = regs::i82576::RTTBCNRC;
  return R::RS_ENA::make(1) | R::RF_INT::make(rf_int) | R::RF_DEC::make(rf_dec);
}
}  // namespace

TEST_CASE("RTTBCNRC programs link / RF") {
  TxScheduler s(16, 1e9, regs::device_map(Family::i82576));
  regs::RegisterSpace rs;
  s.map_registers(rs);
  rs.write(regs::i82576::RTTDQSEL::at(), 3);
  rs.write(regs::i82576::RTTBCNRM::at(), 0x14);
  rs.write(regs::i82576::RTTBCNRC::at(), bcnrc(1000, 300));
  CHECK(s.programmed_rate_bps(3) == Approx(300e6).epsilon(1e-4));
  CHECK(s.programmed_rate_bps(2) == 0);
  rs.write(regs::i82576::RTTBCNRC::at(), 0);  // RS_ENA clear: off
  CHECK(s.programmed_rate_bps(3) == 0);
  CHECK_FALSE(s.limiter(3).enabled());
  rs.write(regs::i82576::RTTDQSEL::at(), 40);  // beyond the port's queues: ignored
  rs.write(regs::i82576::RTTBCNRC::at(), bcnrc(1000, 300));
  std::uint32_t v = 1;
  rs.read(regs::i82576::RTTBCNRC::at(), v);
  CHECK(v == 0);
}

TEST_CASE("a backlogged limited queue gets its rate; round robin serves the others") {
  TxScheduler s(4, 1e9, regs::device_map(Family::i82576));
  regs::RegisterSpace rs;
  s.map_registers(rs);
  rs.write(regs::i82576::RTTDQSEL::at(), 1);
  rs.write(regs::i82576::RTTBCNRC::at(), bcnrc(1000, 100));
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
