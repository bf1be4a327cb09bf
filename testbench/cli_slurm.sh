#!/usr/bin/env bash
# A sweep on a Slurm cluster, end to end: a one-node cluster (munged, slurmctld, slurmd on
# localhost from Debian's slurm-wlm and munge; testbench/slurm_cluster.sh) brought up and torn
# down by this test, the scripts `iovsim sweep --emit-slurm` writes submitted as they are (a job
# array of shards and a merge job that depends on it), and the merged results compared with
# the same sweep run locally: results.csv byte for byte, the plots drawn.
# Usage: cli_slurm.sh IOVSIM WORKDIR. Needs root (SlurmUser=root); otherwise skipped (77).
set -euo pipefail
IOVSIM=$1
W=$2/cli_slurm
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then echo "cli_slurm: skipped, needs root for slurmd"; exit 77; fi
for c in slurmctld slurmd munged sbatch; do
  command -v $c > /dev/null || { echo "FAIL: $c not installed (scripts/install-deps.sh test installs slurm-wlm, munge)"; exit 1; }
done
rm -rf "$W"
mkdir -p "$W"
cd "$W"
fail() { echo "FAIL: $*" >&2; exit 1; }

# shellcheck source=testbench/slurm_cluster.sh
source "$HERE/slurm_cluster.sh"
trap 'slurm_down "$W/cluster"' EXIT
slurm_up "$W/cluster" || fail "the one-node Slurm cluster did not come up"

cat > base.yaml <<'EOF'
name: slurm-base
device: {preset: "82599", ports: 1, vfs_per_port: 3, link_gbps: 10}
port0:
  wire: {pattern: poisson, destinations: {vfs: 1}}
EOF
cat > sweep.yaml <<'EOF'
name: slurm
base: base.yaml
set: {duration_us: 1000}
axes:
  port0.wire.frame_sizes: [{64: 1}, {1518: 1}]
  port0.wire.load: [0.2, 0.5, 0.9]
metrics:
  delivered: /conservation/delivered
  worst_p99_us: {path: "/functions/*/latency_ns/p99", op: max, scale: 0.001}
plots:
  - {name: p99, x: port0.wire.load, y: worst_p99_us}
EOF
"$IOVSIM" sweep sweep.yaml --out local -j 2 2> local.log || { cat local.log; fail "the local run failed"; }

"$IOVSIM" sweep sweep.yaml --emit-slurm "$W/jobs" --shards 3 > emit.log || { cat emit.log; fail "--emit-slurm failed"; }
out=$(sh "$W/jobs/submit.sh") || fail "submit.sh: $out"
echo "$out"
array=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\).*/\1/p' <<< "$out")
merge=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\).*/\2/p' <<< "$out")
[ -n "$array" ] && [ -n "$merge" ] || fail "submit.sh did not print the job IDs: $out"
slurm_wait_jobs "$W/cluster" 240 "$array" "$merge" || fail "the jobs did not finish in 240 s"
for log in "$W"/jobs/logs/*; do echo "== $log"; cat "$log"; done
[ "$(slurm_job_state "$array" | wc -l)" -eq 3 ] || fail "the array did not have 3 tasks: $(slurm_job_state "$array")"
slurm_job_ok "$array" || fail "array tasks: $(slurm_job_state "$array" | tr '\n' ' ')"
slurm_job_ok "$merge" || fail "merge job: $(slurm_job_state "$merge")"
for i in 1 2 3; do [ -s "$W/jobs/shard-$i/results.csv" ] || fail "shard $i wrote no results"; done
cmp "$W/jobs/results/results.csv" local/results.csv || fail "the merged results differ from the local run"
[ -s "$W/jobs/results/plots/p99.png" ] && [ -s "$W/jobs/results/plots/p99.svg" ] || fail "the merge drew no plot"
echo "cli_slurm: the cluster's merged sweep equals the local run"
