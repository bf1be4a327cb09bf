# The undefined symbols of the HLS subset object (hls_subset.cpp): none may be a heap,
# exception, RTTI or library function. Run as: cmake -DNM=nm -DOBJ=<object> -P this file.
execute_process(COMMAND ${NM} -u -C ${OBJ} OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${OBJ}")
endif()
string(STRIP "${undefined}" undefined)
if(NOT undefined STREQUAL "")
  message(FATAL_ERROR "the HLS cores reference functions outside the subset:\n${undefined}")
endif()
message(STATUS "HLS subset: ${OBJ} has no undefined symbols (no heap, exceptions, RTTI or library calls)")
