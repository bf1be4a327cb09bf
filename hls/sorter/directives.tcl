# Directives for a commercial C++ HLS flow (AMD Vitis HLS syntax; Catapult and Stratus have
# equivalents). No HLS tool runs here: these are the intent, checked by nobody's tool in CI; the
# RTL the project verifies is hls/sorter/rtl/iovsim_sorter.sv (docs/rtl.md).
#
#   vitis_hls -f hls/sorter/directives.tcl        (from the repository root)
open_project -reset iovsim_sorter_hls
add_files hls/sorter/sorter_core.cpp -cflags "-I. -std=c++17"
add_files hls/sorter/rss.cpp -cflags "-I. -std=c++17"
set_top classify_rx                      ;# switch_tx: a second solution with set_top switch_tx
open_solution -reset rx -flow_target vivado
set_part xcvu9p-flga2104-2-i             ;# any part; the numbers of interest are II and latency
create_clock -period 6.4 -name default   ;# 156.25 MHz, a 10GbE MAC's XGMII clock
# One frame header per clock: the whole decision pipelined at II = 1.
set_directive_pipeline -II 1 classify_rx
# Tables: registers (the exact and VLAN filters are compared all at once) and RAMs (the
# 4096-bit hash and VLAN tables, one word read per header).
set_directive_interface -mode ap_none classify_rx t
set_directive_interface -mode ap_none classify_rx h
set_directive_interface -mode ap_vld  classify_rx return
set_directive_array_partition -type complete -dim 1 classify_rx t.rar
set_directive_array_partition -type complete -dim 1 classify_rx t.vlvf
set_directive_array_partition -type complete -dim 1 classify_rx t.pool
set_directive_bind_storage -type ram_1p -impl bram classify_rx t.mta
set_directive_bind_storage -type ram_1p -impl bram classify_rx t.uta
set_directive_bind_storage -type ram_1p -impl bram classify_rx t.vfta
csynth_design
