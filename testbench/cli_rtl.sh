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
sets=(--set sorter.impl=rtl --set scheduler.impl=rtl)
# Variants: the default and the contention scenarios (the parts' round robin), and the default
# one with port 0's Tx oversubscribed under the what-if WRR, DWRR and strict priority, where
# the policy decides the shares (so every policy's RTL decides frames that matter).
busy="port0.vf1.tx.load_mbps=600 port0.vf1.tx.to=wire port0.vf3.tx.load_mbps=600"
variants=(
  "default|"
  "contention|$src/scenarios/contention.yaml"
  "busy-wrr||$busy device.tx_arbiter=wrr port0.vf1.qos.weight=3"
  "busy-dwrr||$busy device.tx_arbiter=dwrr port0.vf1.qos.weight=4"
  "busy-strict||$busy device.tx_arbiter=strict port0.vf3.qos.priority=2"
)
for v in "${variants[@]}"; do
  IFS='|' read -r scen file extra <<< "$v"
  vsets=()
  for kv in $extra; do vsets+=(--set "$kv"); done
  "$iovsim" run $file "${vsets[@]}" --json "$work/$scen.cpp.json" > /dev/null
  "$iovsim" run $file "${vsets[@]}" "${sets[@]}" --json "$work/$scen.rtl.json" > /dev/null
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
frames = [v for k, v in leaves(b) if re.search(r"^/functions\[\d+\]/[rt]x_frames$", k)]
if diff or not cycles or min(cycles) <= 0:
    sys.exit(f"{sys.argv[3]}: {len(diff)} metrics differ between the C++ cores and the RTL (rtl_cycles {cycles})")
print(f"{sys.argv[3]}: {len(la)} metrics identical with the RTL in the loop; RTL cycles {cycles}; rx and tx frames per function {frames}")
PY
done
# --rtl-trace: one VCD per port and block, clock edges at the platform's picoseconds.
"$iovsim" run "${sets[@]}" --rtl-trace "$work/rtl.vcd" --json "$work/trace.json" > /dev/null
for f in "$work"/rtl.port{0,1}.{sorter,scheduler}.vcd; do
  grep -q '\$timescale 1ps \$end' "$f"
  grep -Eq ' (res_pools|gnt_queue) ' "$f"
  last=$(grep '^#' "$f" | tail -1 | tr -d '#')
  [ "$last" -gt 1000000 ] || { echo "$f: last edge at $last ps"; exit 1; }
done
python3 -c "import json,sys; t=json.load(open(sys.argv[1]))['trace']['rtl_trace']; assert len(t)==4, t" "$work/trace.json"
# --rtl-trace without an RTL block is an error (exit 2).
set +e
"$iovsim" run --rtl-trace "$work/none.vcd" > /dev/null 2> "$work/none.err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "no RTL in the loop" "$work/none.err" || { echo "--rtl-trace without RTL: rc $rc"; cat "$work/none.err"; exit 1; }
echo "cli_rtl: ok"
