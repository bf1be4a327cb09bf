// Architectural probes for waveforms (--vcd FILE): named values that change at simulated times.
// A block asks the recorder for a Probe per value when it is elaborated and reports changes
// with the time they happen at in the model (its own, possibly ahead of the kernel's: temporal
// decoupling), not when SystemC samples: SystemC's sc_trace would smear them to quantum
// boundaries. A probe is either a level (each change sets it) or a delta probe (each change
// adds to it: occupancies whose decrements are booked ahead, cumulative byte counts), so
// changes may be reported out of time order; the recorder sorts and integrates them when
// the run ends (model/trace/waveform.h writes them).
//
// Tracing off: a block's Probe has no recorder and `set`/`add` are one predictable branch;
// blocks keep the probe work itself (computing the value) under `if (probe)`.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "model/core/time.h"

namespace iovsim {

class ProbeRecorder;

class Probe {
public:
  void set(ps_t t, std::int64_t v) const;
  void add(ps_t t, std::int64_t dv) const;
  explicit operator bool() const { return rec_ != nullptr; }

private:
  friend class ProbeRecorder;
  ProbeRecorder* rec_ = nullptr;
  std::uint32_t id_ = 0;
};

enum class ProbeKind : std::uint8_t { level, delta };

struct ProbeInfo {
  std::string name;  // dotted hierarchy: port0.vf3.q6.rx_ring_hw
  unsigned width = 1;
  ProbeKind kind = ProbeKind::level;
  bool is_signed = false;
  std::string what;
};

struct ProbeWindow {
  ps_t from = 0;
  ps_t to = std::numeric_limits<ps_t>::max();
};

class ProbeRecorder {
public:
  // `globs`: fnmatch patterns selecting probes by name (empty: all). Changes outside `window`
  // are not kept (those before it still decide the values it starts with). At most
  // `max_changes` changes are kept; the rest are counted (truncated()).
  // The default limit keeps the recorder and the sorted values within about 800 MB.
  ProbeRecorder(std::vector<std::string> globs, ProbeWindow window, std::size_t max_changes = 16'000'000);
  // A probe for `name`, or an inert one when no glob selects it.
  Probe declare(const std::string& name, unsigned width, ProbeKind kind, const char* what,
                bool is_signed = false);
  void record(std::uint32_t id, ps_t t, std::int64_t v, bool delta) {
    if (t > window_.to) return;
    if (t < window_.from) return record_before(id, t, v, delta);
    if (changes_.size() == max_changes_) {
      if (!dropped_++) truncated_at_ = t;
      return;
    }
    changes_.push_back({t, v, id, delta});
  }

  struct Change {  // 24 bytes
    ps_t t;
    std::int64_t v;
    std::uint32_t id;
    bool delta;
  };
  struct Value {
    ps_t t;
    std::uint32_t id;
    std::int64_t v;
  };
  // The probes' values over the window, in time order: every probe's value at the window's
  // start, then each change of a value (several changes at one time give one, the last).
  // Sorts the recorded changes in place (once; later calls find them sorted).
  std::vector<Value> resolve() const;
  const std::vector<ProbeInfo>& probes() const { return probes_; }
  const ProbeWindow& window() const { return window_; }
  std::uint64_t dropped() const { return dropped_; }  // changes beyond max_changes
  ps_t truncated_at() const { return truncated_at_; }
  std::size_t changes() const { return changes_.size(); }

private:
  void record_before(std::uint32_t id, ps_t t, std::int64_t v, bool delta);
  std::vector<std::string> globs_;
  ProbeWindow window_;
  std::size_t max_changes_;
  std::vector<ProbeInfo> probes_;
  mutable std::vector<Change> changes_;  // sorted by time in place by resolve()
  struct Base {
    std::int64_t v = 0;
    ps_t t = 0;
    bool set = false;
  };
  std::vector<Base> base_;  // per probe: its value at the window's start
  std::uint64_t dropped_ = 0;
  ps_t truncated_at_ = 0;
};

inline void Probe::set(ps_t t, std::int64_t v) const {
  if (rec_) rec_->record(id_, t, v, false);
}
inline void Probe::add(ps_t t, std::int64_t dv) const {
  if (rec_) rec_->record(id_, t, dv, true);
}

}  // namespace iovsim
