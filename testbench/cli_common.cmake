# Helpers of the command-line tests (cli_test.cmake, cli_burst.cmake).

# Runs a command; fails the test with its output unless it exits 0. Its stdout: last_out.
function(run_ok)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${ARGN} failed (${rc}):\n${out}\n${err}")
  endif()
  set(last_out "${out}" PARENT_SCOPE)
endfunction()

# A metrics file's JSON without its wall-clock fields, into out_var.
function(strip_wall file out_var)
  file(READ ${file} j)
  foreach(k wall_seconds frames_per_wall_second traffic_wall_seconds window_frames_per_wall_second host_ns_per_frame)
    string(JSON j REMOVE "${j}" ${k})
  endforeach()
  set(${out_var} "${j}" PARENT_SCOPE)
endfunction()
