# The command line's exit codes and messages (README: 0 ok, 1 a failed invariant or a run
# stopped by its watchdog, 2 bad input or command line, 3 an internal error), and no SystemC
# banner in the tool's output. Run without SYSTEMC_DISABLE_COPYRIGHT_MESSAGE.
function(expect code pattern)
  execute_process(COMMAND ${IOVSIM} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 60)
  if(NOT rc EQUAL code)
    message(FATAL_ERROR "iovsim ${ARGN}: exit ${rc}, expected ${code}\n${out}\n${err}")
  endif()
  if(NOT "${out}${err}" MATCHES "${pattern}")
    message(FATAL_ERROR "iovsim ${ARGN}: output does not match '${pattern}':\n${out}\n${err}")
  endif()
  if("${out}${err}" MATCHES "Copyright|ALL RIGHTS RESERVED|Info: /OSCI")
    message(FATAL_ERROR "iovsim ${ARGN}: SystemC's banner or notes in the output")
  endif()
endfunction()

expect(0 "scenario 'vtc-82576'" run --set duration_us=100)
expect(0 "Usage" run --help)
expect(2 "not expected: --bogus" run --bogus)
expect(2 "--set duration_us: duration_us: '.nan' is not a finite number" run --set duration_us=.nan)
expect(2 "--set warmup_us: warmup_us: '.inf' is not a finite number" run --set warmup_us=.inf)
expect(2 "no value after '='" run --set duration_us=)
expect(2 "seed: '-1' must not be negative" run --seed -1)
expect(2 "is out of range \\[0, 18446744073709551615\\]" run --seed 18446744073709551616)
expect(2 "seed: '1e30' is not a whole number" run --set seed=1e30)
expect(2 "port99999999999999999999: index 99999999999999999999 is out of range" run --set "port99999999999999999999={}")
expect(2 "is a directory, not a scenario file" run ${WORK})
expect(2 "device.vlvf_entries: 1 leaves no entry" run --set device.vlvf_entries=1)
expect(2 "host.vm_memory_kb: the run needs" run --set host.vm_memory_kb=4194304)
expect(2 "rate_limit_mbps: 5 Mb/s cannot be programmed"
       run --set device.preset=82599 --set device.link_gbps=10 --set port0.vf0.rate_limit_mbps=5)
file(WRITE ${WORK}/dup.yaml "name: a\nduration_us: 100\nname: b\n")
expect(2 "dup.yaml:3: name: duplicate key \\(first at line 1\\)" run ${WORK}/dup.yaml)
file(WRITE ${WORK}/two.yaml "name: a\n---\nname: b\n")
expect(2 "two.yaml:2: a scenario is one YAML document" run ${WORK}/two.yaml)
# The watchdog's wall-clock limit ends a long run with the simulated time and the process.
expect(1 "exceeded its wall-clock limit of 0.3 s \\(--max-wall-s\\) at simulated time [0-9.]+ ms, in (iovsim\\.|the kernel)"
       run --set duration_us=100000000 --max-wall-s 0.3)
