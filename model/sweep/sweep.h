// What-if sweeps: a base scenario plus axes of scenario keys, run point by point.
//
// A sweep file (docs/sweeps.md) names a base scenario, fixed overrides, axes (each a scenario
// key with a list or a range of values) combined as a product or a zip, the metrics that make
// the table's columns and the plots to draw. This file holds the plain parts, testable without
// a process or a kernel: parsing and checking the sweep file, enumerating its points, sharding,
// reading metrics out of a run's JSON, and writing the results (CSV, JSON, gnuplot data and
// scripts). The runner (model/sweep/runner.h) runs the points as child processes.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace iovsim::sweep {

// One axis: a scenario key and its values, each kept as YAML flow text (what --set takes).
// An axis may set several keys to its value at once (`keys`: the two floods' rate limits, say);
// then `key` is only its name in the results.
struct Axis {
  std::string key;
  std::vector<std::string> values;
  std::vector<std::string> keys;  // the scenario keys it sets; empty: `key`
};

// A table column: a JSON pointer into a run's metrics. A segment `*` takes every element of an
// array (or every member of an object), `name=v` the array element whose `name` is v; with
// either, `op` folds the values (sum, max, min, mean). The value is multiplied by `scale`.
struct Metric {
  std::string name, path, op;  // op empty: a single value
  double scale = 1;
};

// A plot: metric `y` against axis `x`, one line per combination of the `series` axes (all the
// other axes that vary when `series` is not given), over the points matching `where`.
struct Plot {
  std::string name, title, x, y;
  std::vector<std::string> series;
  std::vector<std::pair<std::string, std::string>> where;  // axis key, value text
  bool logx = false, logy = false;
};

struct Spec {
  std::string name;
  std::string file;          // where the sweep came from (for messages)
  std::string base_path;     // the base scenario file, resolved against the sweep's directory; empty: embedded default
  std::string base_text;     // its text (the embedded default's when base_path is empty)
  std::vector<std::string> fixed;  // overrides every point gets, "key=value"
  bool zip = false;          // zip the axes (same length) instead of their product
  std::vector<Axis> axes;
  std::vector<Metric> metrics;
  std::vector<Plot> plots;
};

struct Point {
  unsigned index = 0;
  std::vector<std::string> values;      // one per axis, in the axes' order
  std::vector<std::string> overrides;   // fixed + axes, "key=value"
};

struct SpecError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses a sweep file's text. `file` names it in messages and is the directory the base path
// is relative to. `default_scenario` is the embedded default's text (base: default, or none).
// Throws SpecError naming the file, line and key for an unknown key, an empty axis, a bad range
// or value, a zip of unequal lengths, a plot naming an unknown axis or metric.
Spec parse_spec(const std::string& text, const std::string& file, const std::string& default_scenario);

// The same for a file: a missing or unreadable one is a SpecError naming it.
Spec parse_spec_file(const std::string& path, const std::string& default_scenario);

// The points, in order: the product (the last axis varying fastest) or the zip.
std::vector<Point> points(const Spec& s);
// A deterministic slice: shard i of n (1-based) takes the points whose index % n == i - 1.
std::vector<Point> shard(const std::vector<Point>& all, unsigned i, unsigned n);
// "I/N" into (i, n); throws SpecError when malformed or out of range.
std::pair<unsigned, unsigned> parse_shard(const std::string& text);

// What identifies the sweep's results: the base text, the fixed overrides and every point's
// settings. A results directory made by another sweep is refused (runner).
std::string fingerprint(const Spec& s);

// The default columns when the sweep names none: traffic, deliveries, drops, the worst
// latency, PCIe utilisation (all deterministic: no wall-clock figure).
std::vector<Metric> default_metrics();

// A metric's value in a run's metrics, or NaN when the path is not there (a queue without
// traffic is left out of the metrics, for instance).
double extract(const nlohmann::json& metrics, const Metric& m);

// One point's outcome as the results know it.
struct Outcome {
  Point point;
  std::string status;  // ok, failed (did not run to the end), invalid (its scenario does not load), missing
  std::string error;   // why, for anything but ok
  double seconds = 0;  // its wall time (results.json only)
  std::vector<double> values;  // one per metric (ok only)
};

// results.csv: point, the axes, status, the metrics. Deterministic: no wall-clock column.
std::string results_csv(const Spec& s, const std::vector<Outcome>& outcomes);
nlohmann::json results_json(const Spec& s, const std::vector<Outcome>& outcomes);
// A plot's gnuplot data (one block per series, blank-line separated, titled) and the script
// that draws it to `png` and `svg`. Returns false (and says why in `why`) when no point of the
// plot has a value.
bool plot_files(const Spec& s, const Plot& p, const std::vector<Outcome>& outcomes, const std::string& dat_path,
                const std::string& png_path, const std::string& svg_path, std::string& data,
                std::string& script, std::string& why);

// A whole file's text into `text`; false when it cannot be read.
bool read_whole_file(const std::string& path, std::string& text);

// A CSV field (RFC 4180: quoted when it holds a comma, a quote or a line break).
std::string csv_field(const std::string& s);

}  // namespace iovsim::sweep
