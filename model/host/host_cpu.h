// The host's CPU: cores that run the software work of each system mode, so that its cost can
// be compared: a software virtual switch (vswitch: the hypervisor looks up and copies every
// frame), VMDq (the NIC sorts into the hypervisor's per-VM queues; the hypervisor hands each
// buffer to its VM by a copy or a page flip) and SR-IOV (the VF writes into the guest; the
// guest's driver is the only software on the path).
//
// Each piece of work (a driver's per-frame receive, an interrupt, a lookup, a copy, a VM exit,
// a virtual interrupt, a page flip) is booked on one core's timeline at the time it becomes
// ready, for its cycles at the clock, in the first gap at or after that time (the drivers book
// ahead of kernel time, not in order: model/core/timeline.h). A core that is busy delays what
// follows (latency); a core whose queue of frames waiting for it is full (netdev_max_backlog)
// drops the frame: a saturated core queues, then drops. Cycles, copies and busy time are
// counted per kind and per core; defaults and their sources in docs/fidelity.md.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/core/time.h"
#include "model/core/timeline.h"
#include "model/core/traffic_window.h"

namespace iovsim {

class MetricsRegistry;

enum class CpuWork : std::uint8_t { rx_frame, tx_frame, interrupt, vm_exit, virq, lookup, copy, flip, kCount };
const char* cpu_work_name(CpuWork w);

struct CpuCosts {
  double rx_frame = 0, tx_frame = 0, interrupt = 0, vm_exit = 0, virq = 0, lookup = 0, copy_per_byte = 0,
         copy_setup = 0, flip = 0;  // cycles (a copy: copy_setup + copy_per_byte x bytes)
};

class HostCpu {
public:
  HostCpu(unsigned cores, double clock_ghz, const CpuCosts& costs, unsigned backlog_frames);
  // Counts what is booked from the traffic window's start (its drain included: cycles, copies,
  // frames); utilisation is the busy share of the window itself.
  void set_window(const TrafficWindow* w) { window_ = w; }

  // Books `kind` (its cost from the table, `bytes` for a copy) on `core` (< cores()), ready at
  // `at`; returns when it ends.
  ps_t run(unsigned core, ps_t at, CpuWork kind, unsigned bytes = 0);
  // A frame entering `core`'s queue at `at`: false when the queue already holds
  // `backlog_frames` frames not yet done (the frame is dropped); otherwise the frame's work on
  // that core ends at `done` (call `queued` with it).
  bool admit(unsigned core, ps_t at);
  void queued(unsigned core, ps_t done);
  // A frame's whole stay on one core, ready at `at`: admitted (else false: dropped), `kind`
  // run, queued until it ends at `done`.
  bool frame(unsigned core, ps_t at, CpuWork kind, ps_t& done) {
    if (!admit(core, at)) return false;
    done = run(core, at, kind);
    cores_[core].pending.push(done);
    return true;
  }
  // Bytes the hypervisor holds from `at` until `release` (a frame waiting for its hand-off).
  void hold(ps_t at, ps_t release, unsigned bytes);

  unsigned cores() const { return static_cast<unsigned>(cores_.size()); }
  double clock_ghz() const { return ghz_; }
  std::uint64_t backlog_drops() const { return backlog_drops_; }
  std::uint64_t copies() const { return count_[static_cast<unsigned>(CpuWork::copy)]; }
  double cycles(CpuWork w) const { return cycles_[static_cast<unsigned>(w)]; }
  double total_cycles() const;
  double busy_ps(unsigned core) const { return cores_[core].window_busy; }
  unsigned peak_held_bytes() const { return peak_held_; }
  // Frames handed to applications (for cycles per frame), counted by the drivers.
  void delivered(ps_t at) { if (in_window(at)) ++delivered_; }
  std::uint64_t delivered_frames() const { return delivered_; }

  void publish(MetricsRegistry& m) const;

private:
  double cost(CpuWork w, unsigned bytes) const;
  // Work counts from the traffic window's start on, the drain included (what the window's
  // traffic costs, to its last frame); utilisation is the window's share alone.
  bool in_window(ps_t t) const { return window_ && window_->decided && t >= window_->start; }
  // The done times of the frames queued on a core, in order: a ring, each new time put in its
  // place from the back (a core's own driver books in time order, so that is one step but for
  // the bookings of a second driver on the core that fit an earlier gap).
  class DoneQueue {
  public:
    explicit DoneQueue(unsigned capacity);
    unsigned size() const { return n_; }
    void pop_done(ps_t at) {  // every frame done by `at` leaves
      while (n_ && t_[head_] <= at) head_ = (head_ + 1) & mask_, --n_;
    }
    void push(ps_t done);

  private:
    std::vector<ps_t> t_;
    unsigned mask_, head_ = 0, n_ = 0;
  };
  struct Core {
    explicit Core(unsigned backlog) : pending(backlog) {}
    Timeline line;
    DoneQueue pending;       // the frames queued on it
    double window_busy = 0;  // ps of work inside the traffic window
  };
  std::vector<Core> cores_;
  double ghz_, ps_per_cycle_;
  CpuCosts costs_;
  unsigned backlog_;
  const TrafficWindow* window_ = nullptr;
  std::array<double, static_cast<unsigned>(CpuWork::kCount)> cycles_{};
  std::array<std::uint64_t, static_cast<unsigned>(CpuWork::kCount)> count_{};
  std::uint64_t backlog_drops_ = 0, delivered_ = 0, copied_bytes_ = 0;
  std::vector<std::pair<ps_t, unsigned>> held_;  // a min-heap by release time
  unsigned held_bytes_ = 0, peak_held_ = 0;
};

}  // namespace iovsim
