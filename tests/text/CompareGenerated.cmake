# Fails unless SCRIPT writes exactly COMMITTED (to OUT).
# Usage: cmake -DPYTHON=... -DSCRIPT=... -DCOMMITTED=... -DOUT=... -P CompareGenerated.cmake
execute_process(COMMAND ${PYTHON} ${SCRIPT} ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SCRIPT} failed")
endif()
file(READ ${OUT} generated)
file(READ ${COMMITTED} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "${COMMITTED} differs from what ${SCRIPT} writes (${OUT}): regenerate it")
endif()
message(STATUS "${COMMITTED} is up to date")
