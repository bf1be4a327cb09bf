#!/usr/bin/env bash
# Every block at both part sizes, mapped to gates and to iCE40, then one summary table:
#   hls/synth/synth_all.sh OUTDIR      (`make synth` runs it with OUTDIR = build/synth)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: synth_all.sh OUTDIR}
for b in sorter scheduler; do
  for s in 82576 82599; do
    for t in generic ice40; do
      bash "$here/synth.sh" "$b" "$s" "$t" "$out"
    done
  done
done | tee "$out.summary.txt"
