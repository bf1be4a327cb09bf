// Running a sweep's points as child processes (`iovsim run` each: SystemC elaborates once per
// process), in parallel, resumably, into a results directory:
//
//   OUT/sweep.json            the sweep (spec and fingerprint): what merge and a resume read
//   OUT/base.yaml             the base scenario's text as the sweep read it (the points run it)
//   OUT/points/N/outcome.json the point's settings and outcome (status, error, wall time)
//   OUT/points/N/metrics.json its metrics (status ok only; written by the run, renamed when complete)
//   OUT/points/N/stdout.txt, stderr.txt
//   OUT/results.csv, results.json, plots/NAME.{dat,gp,png,svg}
//
// A point with an ok outcome is not run again; a failed one is. A directory holding another
// sweep's results is refused.
#pragma once
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "model/sweep/sweep.h"

namespace iovsim::sweep {

struct RunOptions {
  std::string self;     // the iovsim binary the points run with
  std::string out_dir;
  unsigned jobs = 1;    // points at once
  bool plots = true;    // draw the plots (not for a shard: the merge draws them)
  std::string label;    // how progress names this run ("shard 2/8")
  double max_wall_s = 0;  // per point (iovsim run --max-wall-s), 0: run's default
  // The scenario of a point as the points will load it: an empty string when it loads, else why
  // not (checked before anything runs; such a point is `invalid` and not run).
  std::function<std::string(const Point&)> validate;
};

// Exit codes of sweep and merge (docs/sweeps.md).
constexpr int kExitOk = 0, kExitPointsFailed = 1, kExitBadInput = 2, kExitInterrupted = 130;

// Runs `todo` (all of the sweep's points or a shard of them) and writes the results of those
// points. Progress on `progress` (a line per finished point; one rewritten line on a terminal).
int run_points(const Spec& s, const std::vector<Point>& todo, const RunOptions& o, std::ostream& progress);

// Collects the outcomes of `all` from results directories (the first ok outcome found for a
// point wins; none: missing) and writes results.csv, results.json and the plots into `out_dir`.
// Returns kExitOk when every point is ok and every plot was drawn.
int merge(const std::vector<std::string>& dirs, const std::string& out_dir, std::ostream& progress);

// The sweep a results directory holds (its sweep.json).
Spec load_spec(const std::string& dir);

// Writes the Slurm job array (one task per shard) and the merge job that depends on it, plus
// submit.sh, into `dir`. Returns the command that submits them.
std::string emit_slurm(const Spec& s, const std::string& sweep_file, const std::string& self,
                       const std::string& dir, unsigned shards, unsigned cpus_per_task);

nlohmann::json spec_to_json(const Spec& s);
Spec spec_from_json(const nlohmann::json& j);

}  // namespace iovsim::sweep
