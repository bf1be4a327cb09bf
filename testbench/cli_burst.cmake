# Burst size never changes results (issue 9): the wire hands the MAC, the sorter and the Rx DMA
# up to `frame_burst` frames per call, and a burst never crosses a point where the wire source
# lets kernel time advance, so every block sees the same state in the same order as with one
# frame a call. Each scenario runs with frame_burst 1, the default (32) and the largest (64)
# and the metrics (wall-clock fields aside) must be identical, byte for byte.
# Variants: the default scenario (82576, two ports, broadcast replication, a VF-to-VF flow);
# an 82599 at 10 Gb/s near line rate with RSS, VLANs, bad FCS, runts and giants; the VMDq
# mode; DCB's Rx arbiter (the frames wait in the class buffers); bonding's takeover (a second
# wire thread on the backup port); a trace replay; the link partner answering pings.
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

set(n 0)
function(same_for_bursts label)
  math(EXPR i "${n} + 1")
  set(n ${i} PARENT_SCOPE)
  set(ref "")
  foreach(b 1 32 64)
    run_ok(${IOVSIM} run ${ARGN} --set frame_burst=${b} --json ${WORK}/burst${i}_${b}.json)
    strip_wall(${WORK}/burst${i}_${b}.json j)
    if(b EQUAL 1)
      set(ref "${j}")
      string(JSON frames GET "${j}" conservation injected)
      if(frames LESS 100)
        message(FATAL_ERROR "${label}: only ${frames} frames injected; the comparison would prove little")
      endif()
    elseif(NOT j STREQUAL ref)
      message(FATAL_ERROR "${label}: frame_burst=${b} changes the metrics against frame_burst=1 "
                          "(compare ${WORK}/burst${i}_1.json and ${WORK}/burst${i}_${b}.json)")
    endif()
  endforeach()
  set(frames ${frames} PARENT_SCOPE)
  message(STATUS "${label}: identical for bursts of 1, 32 and 64 (${frames} frames injected)")
endfunction()

same_for_bursts("default scenario" --set duration_us=5000)
same_for_bursts("82599 near line rate, RSS, VLAN, bad frames"
  --set device.preset=82599 --set device.link_gbps=10 --set duration_us=1000
  --set port0.wire.load=0.97 --set port0.wire.fcs_error_rate=0.01 --set port0.wire.vlan=100
  --set port0.vf0.vlan=100 --set port0.vf1.vlan=100 --set port0.vf0.rss=true
  --set "port0.wire.frame_sizes={60: 1, 64: 20, 300: 3, 1518: 2, 1600: 1}"
  --set "port0.wire.destinations={vfs: 80, broadcast: 10, unknown: 5, pf: 5}")
same_for_bursts("VMDq" ${SOURCE_DIR}/scenarios/figure2-vmdq.yaml --set duration_us=2000)
same_for_bursts("DCB Rx arbiter" ${SOURCE_DIR}/scenarios/contention-dcb.yaml --set duration_us=2000)
same_for_bursts("bonding takeover" ${SOURCE_DIR}/scenarios/figure5-combined.yaml)
same_for_bursts("trace replay" --set duration_us=1000 --set port0.wire.trace=${SOURCE_DIR}/traces/imix-7vf.pcap)
same_for_bursts("link partner answers"
  --set duration_us=1000 --set port0.wire.answer_ipv4=10.0.2.2 --set port0.wire.load=0.9)

# The waveform and the packet captures too: every stream keeps its order within a burst.
foreach(b 1 32)
  file(REMOVE_RECURSE ${WORK}/burst_obs${b})
  run_ok(${IOVSIM} run --set duration_us=2000 --set frame_burst=${b} --vcd ${WORK}/burst_obs${b}/w.vcd
         --pcap-dir ${WORK}/burst_obs${b}/pcap)
endforeach()
file(GLOB_RECURSE outputs RELATIVE ${WORK}/burst_obs1 ${WORK}/burst_obs1/*)
list(LENGTH outputs n_out)
if(n_out LESS 10)
  message(FATAL_ERROR "expected a VCD and the pcaps in ${WORK}/burst_obs1, found ${n_out} files")
endif()
foreach(f ${outputs})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/burst_obs1/${f} ${WORK}/burst_obs32/${f}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "frame_burst=32 changes ${f} against frame_burst=1")
  endif()
endforeach()
message(STATUS "the VCD and the captures: ${n_out} files identical for bursts of 1 and 32")
