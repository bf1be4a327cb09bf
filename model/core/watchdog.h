// A progress watchdog for a run: it ends a run that exceeds its wall-clock budget
// (`--max-wall-s`) or whose simulated time stops advancing for `stall_s` seconds of wall time
// (a process looping without yielding, a delta-cycle livelock). The decision is a plain
// function of wall and simulated time (ProgressCheck, testable without a kernel); Watchdog
// runs it on a thread of its own that samples the kernel's time every 100 ms and, when it
// fires, prints what it saw and ends the process with exit code 1. Sampling reads the
// kernel's current time and process without synchronisation: a stale value only delays the
// verdict by one sample.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace iovsim {

struct WatchdogLimits {
  double max_wall_s = 0;  // 0: no wall-clock limit
  double stall_s = 60;    // simulated time unchanged this long (wall seconds) is a hang; 0: off
};

class ProgressCheck {
public:
  enum class Verdict { Ok, WallLimit, Stalled };
  explicit ProgressCheck(WatchdogLimits l) : l_(l) {}
  // One sample: wall seconds since the run started, simulated time in ps.
  Verdict sample(double wall_s, std::uint64_t sim_ps);
  double stalled_for() const { return stalled_for_; }

private:
  WatchdogLimits l_;
  std::uint64_t last_sim_ = 0;
  double last_change_ = 0, stalled_for_ = 0;
  bool first_ = true;
};

class Watchdog {
public:
  // `sim_ps` and `where` read the kernel (time, current process); `fire` is called with the
  // message when the check fires (the default prints it and exits with code 1).
  Watchdog(WatchdogLimits l, std::function<std::uint64_t()> sim_ps, std::function<std::string()> where,
           std::function<void(const std::string&)> fire = {});
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

private:
  void loop();
  WatchdogLimits l_;
  std::function<std::uint64_t()> sim_ps_;
  std::function<std::string()> where_;
  std::function<void(const std::string&)> fire_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace iovsim
