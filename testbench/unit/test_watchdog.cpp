// The progress watchdog: its decision from wall and simulated time, and the thread that
// samples them and fires once.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "model/core/watchdog.h"

using namespace iovsim;
using V = ProgressCheck::Verdict;

TEST_CASE("the watchdog fires on the wall-clock limit and on simulated time standing still") {
  ProgressCheck c({10, 3});
  CHECK(c.sample(0, 0) == V::Ok);
  CHECK(c.sample(2, 0) == V::Ok);       // 2 s without progress: under the 3 s allowed
  CHECK(c.sample(2.5, 100) == V::Ok);   // progress resets the stall clock
  CHECK(c.sample(5.4, 100) == V::Ok);   // 2.9 s since
  CHECK(c.sample(5.6, 100) == V::Stalled);
  CHECK(c.stalled_for() == Approx(3.1));
  ProgressCheck w({10, 3});
  for (double t = 0; t <= 10; t += 0.5) CHECK(w.sample(t, static_cast<std::uint64_t>(t * 1000)) == V::Ok);
  CHECK(w.sample(10.5, 20000) == V::WallLimit);
  ProgressCheck off({0, 0});  // both off: never fires
  CHECK(off.sample(1e6, 0) == V::Ok);
  CHECK(off.sample(2e6, 0) == V::Ok);
}

TEST_CASE("the watchdog thread reports a run whose simulated time does not move") {
  std::atomic<int> fired{0};
  std::string msg;
  {
    Watchdog dog({0, 0.2}, [] { return std::uint64_t{1234567}; }, [] { return std::string("top.stuck"); },
                 [&](const std::string& m) { msg = m, ++fired; });
    for (int i = 0; i < 100 && !fired; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(fired == 1);
  CHECK_THAT(msg, Catch::Contains("no progress") && Catch::Contains("top.stuck") &&
                      Catch::Contains("0.001235 ms"));
  // A run that advances is left alone.
  std::atomic<std::uint64_t> t{0};
  int moving_fired = 0;
  {
    Watchdog dog({0, 0.2}, [&] { return t += 1000; }, [] { return std::string("top"); },
                 [&](const std::string&) { ++moving_fired; });
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
  }
  CHECK(moving_fired == 0);
}
