#!/usr/bin/env bash
# RTL in the loop (label rtl): the default and the contention scenarios with the cores' RTL
# (sorter.impl / scheduler.impl rtl) give the same metrics as with the C++ cores, every one of
# them (delivered frames per function and queue, drops, latencies, ...), except what counts the
# implementation itself (the sorter's decision calls: the C++ path memoises them; rtl_cycles;
# wall-clock figures). --rtl-trace writes a VCD per block with the platform's times.
#   cli_rtl.sh IOVSIM WORKDIR SOURCE_DIR
set -euo pipefail
iovsim=$1 work=$2/cli_rtl src=$3
rm -rf "$work" && mkdir -p "$work"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
impls=(sorter.impl=rtl)
[ -f "$src/hls/scheduler/rtl/iovsim_scheduler.sv" ] && impls+=(scheduler.impl=rtl)
sets=()
for i in "${impls[@]}"; do sets+=(--set "$i"); done
for scen in default contention; do
  file=default
  [ $scen = default ] || file=$src/scenarios/$scen.yaml
  if [ $scen = default ]; then
    "$iovsim" run --json "$work/$scen.cpp.json" > /dev/null
    "$iovsim" run "${sets[@]}" --json "$work/$scen.rtl.json" > /dev/null
  else
    "$iovsim" run "$file" --json "$work/$scen.cpp.json" > /dev/null
    "$iovsim" run "$file" "${sets[@]}" --json "$work/$scen.rtl.json" > /dev/null
  fi
  python3 - "$work/$scen.cpp.json" "$work/$scen.rtl.json" "$scen" <<'PY'
import json, re, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
skip = re.compile(r"wall|host_ns_per_frame|classify_calls|switch_calls|rtl_cycles|^/scenario")
def leaves(x, p=""):
    if isinstance(x, dict):
        for k, v in x.items(): yield from leaves(v, f"{p}/{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x): yield from leaves(v, f"{p}[{i}]")
    else:
        yield p, x
la = {k: v for k, v in leaves(a) if not skip.search(k)}
lb = {k: v for k, v in leaves(b) if not skip.search(k)}
diff = [(k, la.get(k), lb.get(k)) for k in sorted(set(la) | set(lb)) if la.get(k) != lb.get(k)]
for d in diff[:20]: print("differs:", *d)
cycles = [v for k, v in leaves(b) if k.endswith("rtl_cycles")]
frames = [v for k, v in leaves(b) if re.search(r"^/functions\[\d+\]/rx_frames$", k)]
if diff or not cycles or min(cycles) <= 0:
    sys.exit(f"{sys.argv[3]}: {len(diff)} metrics differ between the C++ cores and the RTL (rtl_cycles {cycles})")
print(f"{sys.argv[3]}: {len(la)} metrics identical with the RTL in the loop; RTL cycles {cycles}; rx frames per function {frames}")
PY
done
# --rtl-trace: one VCD per port and block, clock edges at the platform's picoseconds.
"$iovsim" run "${sets[@]}" --rtl-trace "$work/rtl.vcd" --json "$work/trace.json" > /dev/null
for f in "$work"/rtl.port0.sorter.vcd "$work"/rtl.port1.sorter.vcd; do
  grep -q '\$timescale 1ps \$end' "$f"
  grep -q ' res_pools ' "$f"
  last=$(grep '^#' "$f" | tail -1 | tr -d '#')
  [ "$last" -gt 1000000 ] || { echo "$f: last edge at $last ps"; exit 1; }
done
python3 -c "import json,sys; t=json.load(open(sys.argv[1]))['trace']['rtl_trace']; assert len(t)>=2, t" "$work/trace.json"
# --rtl-trace without an RTL block is an error (exit 2).
set +e
"$iovsim" run --rtl-trace "$work/none.vcd" > /dev/null 2> "$work/none.err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "no RTL in the loop" "$work/none.err" || { echo "--rtl-trace without RTL: rc $rc"; cat "$work/none.err"; exit 1; }
echo "cli_rtl: ok"
