#include "model/core/watchdog.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace iovsim {

ProgressCheck::Verdict ProgressCheck::sample(double wall_s, std::uint64_t sim_ps) {
  if (first_ || sim_ps != last_sim_) {
    first_ = false;
    last_sim_ = sim_ps;
    last_change_ = wall_s;
  }
  stalled_for_ = wall_s - last_change_;
  if (l_.max_wall_s > 0 && wall_s > l_.max_wall_s) return Verdict::WallLimit;
  if (l_.stall_s > 0 && stalled_for_ > l_.stall_s) return Verdict::Stalled;
  return Verdict::Ok;
}

Watchdog::Watchdog(WatchdogLimits l, std::function<std::uint64_t()> sim_ps,
                   std::function<std::string()> where, std::function<void(const std::string&)> fire)
    : l_(l), sim_ps_(std::move(sim_ps)), where_(std::move(where)), fire_(std::move(fire)) {
  if (!fire_)
    fire_ = [](const std::string& msg) {
      std::fprintf(stderr, "iovsim: %s\n", msg.c_str());
      std::fflush(stderr);
      std::_Exit(1);
    };
  if (l_.max_wall_s > 0 || l_.stall_s > 0) thread_ = std::thread([this] { loop(); });
}

Watchdog::~Watchdog() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Watchdog::loop() {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  ProgressCheck check(l_);
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop_) break;
    const double wall = std::chrono::duration<double>(clock::now() - t0).count();
    const std::uint64_t sim = sim_ps_();
    const ProgressCheck::Verdict v = check.sample(wall, sim);
    if (v == ProgressCheck::Verdict::Ok) continue;
    const std::string at = fmt::format("simulated time {:.6f} ms, in {}", static_cast<double>(sim) / 1e9, where_());
    if (v == ProgressCheck::Verdict::WallLimit)
      fire_(fmt::format("stopped: the run exceeded its wall-clock limit of {} s (--max-wall-s) at {}",
                        l_.max_wall_s, at));
    else
      fire_(fmt::format("stopped: no progress: simulated time has not advanced for {:.1f} s of wall "
                        "time at {} (a process that never yields)", check.stalled_for(), at));
    return;
  }
}

}  // namespace iovsim
