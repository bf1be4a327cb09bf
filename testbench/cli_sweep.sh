#!/usr/bin/env bash
# Sweeps end to end through the command line: a local run with its CSV, JSON and plots; the
# figures against what the scenario implies; resume; shards merged equal to the local run; a
# point that does not load; bad sweep files; a killed worker and an interrupted sweep that lose
# no finished point and resume; a results directory of another sweep refused; the Slurm scripts.
# Usage: cli_sweep.sh IOVSIM WORKDIR
set -euo pipefail
IOVSIM=$1
W=$2/cli_sweep
rm -rf "$W"
mkdir -p "$W"
cd "$W"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() {  # expect_rc CODE PATTERN CMD...: exit CODE, output (lines joined) matching PATTERN
  local code=$1 pattern=$2 rc=0
  shift 2
  "$@" > out.txt 2>&1 || rc=$?
  [ "$rc" -eq "$code" ] || { cat out.txt; fail "$* exited $rc, expected $code"; }
  tr '\n' ' ' < out.txt | grep -Eq -- "$pattern" || { cat out.txt; fail "$*: output does not match '$pattern'"; }
}
csv_col() {  # csv_col FILE COLUMN-NAME: that column of every row (no quoting in these columns)
  awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$1"
}

# 82599 at 10 Gb/s, 64-byte frames to the VFs at three loads, two Rx ring sizes: 6 points.
mkdir -p scen
cat > scen/base.yaml <<'EOF'
name: sweep-base
device: {preset: "82599", ports: 1, vfs_per_port: 3, link_gbps: 10}
port0:
  wire: {pattern: constant, frame_sizes: {64: 1}, destinations: {vfs: 1}}
EOF
cat > load.yaml <<'EOF'
name: load
base: scen/base.yaml
set:
  duration_us: 1000
  warmup_us: 1000
axes:
  port0.wire.load: [0.1, 0.2, 0.4]
  host.rx_ring_entries: [256, 512]
metrics:
  wire_rx_frames: /ports/0/wire_rx_frames
  vf_rx_frames: {path: "/functions/*/rx_frames", op: sum}
  dropped: /conservation/dropped
  vf0_p99_us: {path: /functions/name=port0.vf0/latency_ns/p99, scale: 0.001}
plots:
  - {x: port0.wire.load, y: vf_rx_frames}
  - {name: p99, x: port0.wire.load, y: vf0_p99_us, series: host.rx_ring_entries, logy: true}
EOF
expect_rc 0 "6 points, 6 ok" "$IOVSIM" sweep load.yaml -j 2
[ "$(wc -l < load-results/results.csv)" -eq 7 ] || fail "results.csv: expected a header and 6 rows"
head -1 load-results/results.csv | grep -qx "point,port0.wire.load,host.rx_ring_entries,status,wire_rx_frames,vf_rx_frames,dropped,vf0_p99_us" \
  || fail "results.csv header: $(head -1 load-results/results.csv)"
[ "$(csv_col load-results/results.csv status | sort -u)" = ok ] || fail "every point ok"
# The wire carries load x 14.88 M frames/s for 1 ms (constant spacing): the frames per point
# must be that within a frame, and all of them reach the VFs (nothing dropped at these loads).
paste -d' ' <(csv_col load-results/results.csv port0.wire.load) <(csv_col load-results/results.csv wire_rx_frames) \
  <(csv_col load-results/results.csv vf_rx_frames) <(csv_col load-results/results.csv dropped) |
  while read -r load wire vf dropped; do
    awk -v l="$load" -v w="$wire" 'BEGIN { e = l * 10e9 / (84 * 8) * 1e-3; exit !(w >= e - 2 && w <= e + 2) }' \
      || fail "load $load: $wire wire frames, expected $(awk -v l="$load" 'BEGIN { print l * 10e9 / 672 * 1e-3 }')"
    [ "$vf" -eq "$wire" ] && [ "$dropped" -eq 0 ] || fail "load $load: $vf of $wire frames delivered, $dropped dropped"
  done
# The JSON has the same points and values as the CSV, and each point's full metrics are kept.
python3 - <<'EOF' || fail "results.json does not match results.csv"
import csv, json
rows = list(csv.DictReader(open("load-results/results.csv")))
j = json.load(open("load-results/results.json"))
assert len(j["points"]) == len(rows) == 6
for r, p in zip(rows, j["points"]):
    assert int(r["point"]) == p["point"] and p["status"] == "ok"
    assert p["axes"]["port0.wire.load"] == r["port0.wire.load"]
    for k in ("wire_rx_frames", "vf_rx_frames", "dropped"):
        assert float(r[k]) == p["metrics"][k], (k, r[k], p["metrics"][k])
    m = json.load(open(f"load-results/points/{p['point']}/metrics.json"))
    assert m["ports"][0]["wire_rx_frames"] == p["metrics"]["wire_rx_frames"]
EOF
for f in vf_rx_frames-vs-port0_wire_load p99; do
  [ "$(head -c 4 load-results/plots/$f.png | od -An -c | tr -d ' ')" = "211PNG" ] || fail "plots/$f.png is not a PNG"
  grep -q "<svg" load-results/plots/$f.svg || fail "plots/$f.svg is not an SVG"
  [ "$(grep -c '^# ' load-results/plots/$f.dat)" -eq 2 ] || fail "plots/$f.dat: expected two series"
done

# Resume: nothing to run; a point whose outcome is gone runs again, alone.
expect_rc 0 "6 done before, 0 invalid, 0 to run" "$IOVSIM" sweep load.yaml -j 2
rm load-results/points/4/outcome.json
expect_rc 0 "5 done before, 0 invalid, 1 to run" "$IOVSIM" sweep load.yaml -j 2
grep -q "point 4 ok" out.txt || fail "the resumed run did not run point 4"
cp load-results/results.csv local.csv

# Shards: three slices merged give the local run's CSV byte for byte; a missing shard leaves
# its points missing (exit 1) and the others in place.
for i in 1 2 3; do expect_rc 0 "shard $i/3: 2 points" "$IOVSIM" sweep load.yaml --shard $i/3 --out shard-$i -j 1; done
[ "$(csv_col shard-2/results.csv point | tr '\n' ' ')" = "1 4 " ] || fail "shard 2/3 should hold points 1 and 4"
expect_rc 0 "6 points, 6 ok" "$IOVSIM" merge --out merged shard-1 shard-2 shard-3
cmp merged/results.csv local.csv || fail "merged shards differ from the local run"
[ -s merged/plots/p99.png ] || fail "merge drew no plot"
expect_rc 1 "shard-9: no results.*6 points, 4 ok, 2 not" "$IOVSIM" merge --out partial shard-1 shard-9 shard-3
[ "$(csv_col partial/results.csv status | grep -c missing)" -eq 2 ] || fail "partial merge: expected 2 missing"
expect_rc 2 "--shard 4/3: expected I/N" "$IOVSIM" sweep load.yaml --shard 4/3

# A point whose scenario does not load is reported with its reason; the others run; exit 1.
cat > mixed.yaml <<'EOF'
set: {duration_us: 200, warmup_us: 500}
axes:
  port0.wire.load: [0.1, lots, 0.3]
EOF
expect_rc 1 "point 1 .*invalid: .*port0.wire.load: 'lots' is not a number" "$IOVSIM" sweep mixed.yaml --out mixed -j 2
[ "$(csv_col mixed/results.csv status | tr '\n' ' ')" = "ok invalid ok " ] || fail "mixed: statuses"
# An unknown scenario key fails its points the same way.
printf 'set: {duration_us: 200}\naxes:\n  port0.wire.lod: [0.1]\n' > unknown.yaml
expect_rc 1 "port0.wire.lod: unknown key" "$IOVSIM" sweep unknown.yaml --out unknown
# An inline base is the scenario the points run (the 82599 at 10 Gb/s, not the default's 1 Gb/s
# ports), as is the embedded default when no base is given.
cat > inline.yaml <<'EOF'
base:
  duration_us: 200
  device: {preset: "82599", ports: 1, vfs_per_port: 2, link_gbps: 10}
axes:
  port0.wire.load: [0.5]
metrics:
  link_gbps: /ports/0/link_gbps
  ports: {path: "/ports/*/port", op: sum}
EOF
expect_rc 0 "1 points, 1 ok" "$IOVSIM" sweep inline.yaml --out inline
[ "$(sed -n 2p inline/results.csv)" = "0,0.5,ok,10,0" ] || fail "inline base: $(sed -n 2p inline/results.csv)"
printf 'set: {duration_us: 200}\naxes:\n  port0.wire.load: [0.5]\nmetrics:\n  ports: {path: "/ports/*/port", op: sum}\n' > dflt.yaml
expect_rc 0 "1 points, 1 ok" "$IOVSIM" sweep dflt.yaml --out dflt
[ "$(sed -n 2p dflt/results.csv)" = "0,0.5,ok,1" ] || fail "default base (two ports): $(sed -n 2p dflt/results.csv)"
# Bad sweep files: exit 2 naming the file, the line and the key; nothing runs.
printf 'axes:\n  port0.wire.load: []\n' > empty.yaml
expect_rc 2 "empty.yaml:2: axes.port0.wire.load: no values" "$IOVSIM" sweep empty.yaml
printf 'axis:\n  port0.wire.load: [1]\n' > key.yaml
expect_rc 2 "key.yaml:1: unknown key 'axis'" "$IOVSIM" sweep key.yaml
printf 'base: nowhere.yaml\naxes:\n  port0.wire.load: [1]\n' > base.yaml
expect_rc 2 "base.yaml:1: base: cannot read the scenario file .*nowhere.yaml" "$IOVSIM" sweep base.yaml
expect_rc 2 "no such file|cannot read|does not exist" "$IOVSIM" sweep missing.yaml
# Another sweep's results directory is refused.
expect_rc 2 "holds the results of another sweep" "$IOVSIM" sweep mixed.yaml --out load-results

# A killed worker and an interrupted sweep: the finished points stay, the rest resume. Points
# of about a second each, two at once.
cat > slow.yaml <<'EOF'
name: slow
base: scen/base.yaml
set: {duration_us: 100000}
axes:
  port0.wire.load: {from: 0.2, to: 0.9, count: 8}
EOF
"$IOVSIM" sweep slow.yaml -j 2 > slow.log 2>&1 &
pid=$!
worker=""
for _ in $(seq 100); do worker=$(pgrep -P $pid | head -1 || true); [ -n "$worker" ] && break; sleep 0.05; done
[ -n "$worker" ] || fail "no worker started"
kill -9 "$worker"
for _ in $(seq 600); do [ "$(grep -c ' ok in ' slow.log || true)" -ge 2 ] && break; sleep 0.05; done
kill -INT $pid
rc=0; wait $pid || rc=$?
[ $rc -eq 130 ] || { cat slow.log; fail "interrupted sweep exited $rc, expected 130"; }
grep -q "killed by signal 9" slow.log || { cat slow.log; fail "the killed worker is not reported"; }
grep -q "interrupted; the finished points are kept" slow.log || fail "no resume hint"
ok=$(csv_col slow-results/results.csv status | grep -c '^ok$' || true)
[ "$ok" -ge 2 ] && [ "$ok" -lt 8 ] || fail "after the interrupt: $ok points ok"
for d in slow-results/points/*; do  # a kept point has its metrics; no half-written file is left
  if grep -q '"status": "ok"' "$d/outcome.json" 2>/dev/null; then [ -s "$d/metrics.json" ] || fail "$d: ok without metrics"; fi
  [ ! -e "$d/metrics.json" ] || python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$d/metrics.json" || fail "$d: bad metrics"
done
expect_rc 0 "slow: 8 points, $ok done before, 0 invalid, $((8 - ok)) to run.*8 points, 8 ok" "$IOVSIM" sweep slow.yaml -j 2

# The Slurm scripts: a job array of N shards and a merge that depends on it (run on a cluster
# by testbench/cli_slurm.sh).
expect_rc 0 "6 points in 3 array tasks; submit with: sh .*submit.sh" "$IOVSIM" sweep load.yaml --emit-slurm slurm --shards 3
grep -q -- "--array=1-3" slurm/sweep.sbatch || fail "sweep.sbatch: no --array=1-3"
grep -q -- "--shard \"\${SLURM_ARRAY_TASK_ID}/3\"" slurm/sweep.sbatch || fail "sweep.sbatch: no --shard"
grep -q -- "--dependency=afterany:" slurm/submit.sh || fail "submit.sh: the merge does not depend on the array"
grep -q "merge --out '$W/slurm/results' '$W/slurm/shard-1' '$W/slurm/shard-2' '$W/slurm/shard-3'" slurm/merge.sbatch \
  || fail "merge.sbatch: $(tail -1 slurm/merge.sbatch)"
bash -n slurm/sweep.sbatch && bash -n slurm/merge.sbatch && sh -n slurm/submit.sh || fail "scripts do not parse"
echo "cli_sweep: all checks passed"
