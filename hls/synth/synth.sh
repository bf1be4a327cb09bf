#!/usr/bin/env bash
# Synthesizes one RTL block with Yosys and writes its report.
#
#   hls/synth/synth.sh BLOCK SIZE TARGET OUTDIR
#     BLOCK   sorter | scheduler
#     SIZE    82576 | 82599   (the part's table sizes / queue count)
#     TARGET  generic (Yosys `synth`, ABC to gates) | ice40 (`synth_ice40`, LUT4 + SB_RAM40_4K)
#             | coarse (`synth -run :fine`: word-level cells, no gate mapping; the checks only,
#             in seconds where the 82599 sizes take minutes to map)
#
# Checks (exit 1 when one fails): no latches and no SR flip-flops after `proc`, no
# combinational loops and no multiple drivers (`check -assert`, before and after synthesis).
# Writes OUTDIR/BLOCK-SIZE-TARGET.{log,stat.txt,ltp.txt,json}: the cell counts, flip-flops and
# memory bits (stat), and the longest combinational path in cells (ltp -noff: gates for
# generic, LUT4 levels for ice40) as the timing estimate.
set -euo pipefail
block=$1 size=$2 target=$3 out=$4
here=$(cd "$(dirname "$0")/.." && pwd)
case $block/$size in
  sorter/82576) src=$here/sorter/rtl/iovsim_sorter.sv top=iovsim_sorter params="-set FAMILY 0 -set NUM_RAR 24 -set NUM_POOLS 8 -set NUM_VLVF 32" ;;
  sorter/82599) src=$here/sorter/rtl/iovsim_sorter.sv top=iovsim_sorter params="-set FAMILY 1 -set NUM_RAR 128 -set NUM_POOLS 64 -set NUM_VLVF 64" ;;
  scheduler/82576) src=$here/scheduler/rtl/iovsim_scheduler.sv top=iovsim_scheduler params="-set N 16" ;;
  scheduler/82599) src=$here/scheduler/rtl/iovsim_scheduler.sv top=iovsim_scheduler params="-set N 128" ;;
  *) echo "synth.sh: unknown block/size $block/$size (sorter|scheduler, 82576|82599)" >&2; exit 2 ;;
esac
case $target in
  generic) flow="synth -top $top -flatten; abc -g AND,NAND,OR,NOR,XOR,XNOR,MUX; opt_clean" ;;
  ice40) flow="synth_ice40 -top $top -run :check" ;;  # without its final autoname pass (renames only; 19 GB at N = 128)
  coarse) flow="synth -top $top -flatten -run :fine" ;;
  *) echo "synth.sh: unknown target $target (generic|ice40|coarse)" >&2; exit 2 ;;
esac
mkdir -p "$out"
base=$out/$block-$size-$target
yosys -q -l "$base.log" -p "
  read_verilog -sv $src
  chparam $params $top
  hierarchy -check -top $top
  proc
  select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$sr t:\$dffsr
  check -assert
  $flow
  check -assert
  select -assert-none t:\$_DLATCH_* t:\$_SR_*
  tee -q -o $base.stat.txt stat
  tee -q -o $base.json stat -json
  $( [ "$target" = coarse ] || echo "tee -q -o $base.ltp.txt ltp -noff * t:*DFF* %d" )
"
cells=$(grep -E 'Number of cells' "$base.stat.txt" | tail -1 | awk '{print $NF}')
path=$( [ -f "$base.ltp.txt" ] && grep -E 'Longest topological path' "$base.ltp.txt" | sed 's/.*length=\([0-9]*\).*/\1/' || echo "-")
echo "$block $size $target: $cells cells, longest path $path cells; no latches, no loops"
