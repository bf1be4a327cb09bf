# Directives for a commercial C++ HLS flow (AMD Vitis HLS syntax). No HLS tool runs here; the
# RTL the project verifies is hls/scheduler/rtl/iovsim_scheduler.sv (docs/rtl.md). The top is
# a wrapper instantiating the template, e.g.
#   SchedDecision arbitrate_128(const SchedConfig<128>& c, SchedState<128>& s,
#                               const SchedRequest<128>& r) { return arbitrate<128>(c, s, r); }
#
#   vitis_hls -f hls/scheduler/directives.tcl     (from the repository root, wrapper in top.cpp)
open_project -reset iovsim_scheduler_hls
add_files top.cpp -cflags "-I. -std=c++17"
set_top arbitrate_128
open_solution -reset s128 -flow_target vivado
set_part xcvu9p-flga2104-2-i
create_clock -period 6.4 -name default   ;# 156.25 MHz
# One grant per clock: the state (credits, pointers) stays in registers across calls.
set_directive_pipeline -II 1 arbitrate_128
set_directive_interface -mode ap_none arbitrate_128 c
set_directive_interface -mode ap_none arbitrate_128 r
set_directive_interface -mode ap_ovld arbitrate_128 s
set_directive_array_partition -type complete -dim 1 arbitrate_128 s.credit
set_directive_array_partition -type complete -dim 1 arbitrate_128 c.weight
set_directive_array_partition -type complete -dim 1 arbitrate_128 c.priority
csynth_design
