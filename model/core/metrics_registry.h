// The run's metrics as the blocks publish them. Each block owns its stats (plain counters in a
// struct of its own, updated on its hot path) and registers each counter here once, at
// elaboration, under a JSON pointer path with its unit and meaning ("/ports/0/wire_rx_frames").
// The JSON document of docs/metrics.md is composed from the registry: counters published at
// one path add up (several blocks drop frames of one port), computed values are evaluated at
// the end, and Gb/s rates are taken over the traffic window from counter snapshots.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/core/time.h"

namespace iovsim {

enum class Unit : std::uint8_t { None, Frames, Bytes, Events, Count, Nanoseconds, Gbps, Mbps, Ratio };
const char* unit_name(Unit u);

class MetricsRegistry {
public:
  // A counter a block keeps up to date, counted over the whole run. Counters at one path add up.
  void counter(std::string path, const std::uint64_t& value, Unit unit, const char* doc);
  // A count computed when the metrics are composed (frames still in a ring, say); gauges and
  // counters at one path add up.
  void gauge(std::string path, std::function<std::uint64_t()> fn, Unit unit, const char* doc);
  // A value computed when the metrics are composed (a name, a quantile, a peak, a setting).
  void value(std::string path, std::function<nlohmann::json()> fn, Unit unit, const char* doc);
  // Gb/s of the bytes counted at `bytes_path` during the traffic window.
  void rate_gbps(std::string path, std::string bytes_path, const char* doc);
  // Events per second of the counter at `counter_path` during the traffic window.
  void rate_per_second(std::string path, std::string counter_path, const char* doc);
  // `prefix`_frames and `prefix`_bytes counters and the `prefix`_gbps rate of the bytes: one
  // direction of traffic through a block ("/ports/0/wire_rx", "/functions/3/tx").
  void traffic(const std::string& prefix, const std::uint64_t& frames, const std::uint64_t& bytes,
               const char* doc);

  // The traffic window: counter values when it starts and ends, and its length. A window
  // whose end was not marked ends at composition (a run without drain time).
  void mark_window_start();
  void mark_window_end();
  // Time series: every Gb/s rate is also sampled at each mark from the window's start on and
  // composed as `<rate>_series`, one value per interval (Gb/s over it), with
  // /time_series/t_us the intervals' ends (µs after the window's start). `reserve_samples`
  // before the first mark: the marks after the first (which finds each rate's counters)
  // allocate nothing; a run without a time series pays nothing.
  void reserve_samples(std::size_t n) { sample_t_.reserve(n), samples_.reserve(n * rates_.size()); }
  void mark_sample(ps_t t);
  // A block whose counters run ahead of kernel time (frames queued for a future wire slot)
  // brings them up to date as of a time: called before each window mark (with the kernel
  // time) and before composing (with the end of time).
  void on_settle(std::function<void(ps_t)> fn) { settle_.push_back(std::move(fn)); }
  void set_window_seconds(double s) { window_s_ = s; }

  nlohmann::json compose() const;

  // Every published path with array indices written as '*', its unit and meaning.
  struct Description {
    std::string path;
    Unit unit;
    const char* doc;
  };
  std::vector<Description> describe() const;

private:
  struct Counter {
    std::string path;
    const std::uint64_t* v;
    Unit unit;
    const char* doc;
  };
  struct Value {
    std::string path;
    std::function<nlohmann::json()> fn;
    Unit unit;
    const char* doc;
  };
  struct Gauge {
    std::string path;
    std::function<std::uint64_t()> fn;
    Unit unit;
    const char* doc;
  };
  struct Rate {
    std::string path, bytes_path;
    const char* doc;
    double scale;  // per second of the window: 8e-9 for Gb/s of bytes, 1 for events/s
    Unit unit;
  };
  std::vector<std::function<void(ps_t)>> settle_;
  std::vector<Counter> counters_;
  std::vector<Gauge> gauges_;
  std::vector<Value> values_;
  std::vector<Rate> rates_;
  std::vector<std::uint64_t> start_, end_;
  bool started_ = false, ended_ = false;
  ps_t window_start_ps_ = 0;
  std::vector<std::vector<std::size_t>> rate_counters_;  // per rate: its bytes counters
  std::vector<std::uint64_t> samples_;                   // per mark, per rate: bytes so far
  std::vector<ps_t> sample_t_;
  double window_s_ = 0;
};

}  // namespace iovsim
